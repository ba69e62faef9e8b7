#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run each libFuzzer target of the target transport for a bounded time
# (FUZZ_TIME seconds, default 20), seeded from tests/fuzz/corpus_<name>;
# new corpus units go to a scratch directory, crash inputs next to the
# binaries. Prints "fuzz: N passed, M failed" and fails if any target did.
set -u
: "${top_builddir:=.}"
: "${top_srcdir:=.}"
time_s=${FUZZ_TIME:-20}
pass=0
fail=0
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fcnvme-fuzz.XXXXXX") || exit 99
trap 'rm -rf "$scratch"' EXIT INT TERM
for name in nvmet_ls nvmet_fcp; do
	bin="$top_builddir/tests/fuzz/fuzz_$name"
	seeds="$top_srcdir/tests/fuzz/corpus_$name"
	if [ ! -x "$bin" ]; then
		echo "fuzz: $bin missing"
		fail=$((fail + 1))
		continue
	fi
	mkdir -p "$scratch/$name"
	if "$bin" -max_total_time="$time_s" -max_len=4096 -print_final_stats=1 \
		-artifact_prefix="$top_builddir/tests/fuzz/crash-$name-" \
		"$scratch/$name" "$seeds" >"$scratch/$name.log" 2>&1; then
		echo "fuzz: $name ok ($(grep -c . "$scratch/$name.log") log lines," \
		     "$(grep -o 'stat::number_of_executed_units: *[0-9]*' \
			"$scratch/$name.log" | grep -o '[0-9]*$') runs)"
		pass=$((pass + 1))
	else
		echo "fuzz: $name FAILED; last lines of its log:"
		tail -n 40 "$scratch/$name.log"
		fail=$((fail + 1))
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
