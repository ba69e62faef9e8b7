#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run the DH-HMAC-CHAP parser fuzzer for FUZZ_TIME seconds (default
# 20), seeded from tests/fuzz/corpus_auth; prints "fuzz: N passed, M failed".
set -u
: "${top_builddir:=.}"
: "${top_srcdir:=.}"
time_s=${FUZZ_TIME:-20}
bin="$top_builddir/tests/fuzz/fuzz_auth_msg"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fcnvme-fuzz-auth.XXXXXX") || exit 99
trap 'rm -rf "$scratch"' EXIT INT TERM
if [ ! -x "$bin" ]; then
	echo "fuzz: $bin missing"
	echo "fuzz: 0 passed, 1 failed"
	exit 1
fi
if "$bin" -max_total_time="$time_s" -max_len=1300 -print_final_stats=1 \
	-artifact_prefix="$top_builddir/tests/fuzz/crash-auth-" \
	"$scratch" "$top_srcdir/tests/fuzz/corpus_auth" >"$scratch/log" 2>&1; then
	echo "fuzz: auth_msg ok ($(grep -o 'stat::number_of_executed_units: *[0-9]*' \
		"$scratch/log" | grep -o '[0-9]*$') runs)"
	echo "fuzz: 1 passed, 0 failed"
else
	echo "fuzz: auth_msg FAILED; last lines of its log:"
	tail -n 40 "$scratch/log"
	echo "fuzz: 0 passed, 1 failed"
	exit 1
fi
