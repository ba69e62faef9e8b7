# SPDX-License-Identifier: Apache-2.0
# Sourced by tests/fuzz/run_fuzz*.sh: run libFuzzer targets for a bounded
# time (FUZZ_TIME seconds, default 20) each, seeded from
# tests/fuzz/corpus_<tag>; new corpus units go to a scratch directory, a
# crashing input next to the binaries as tests/fuzz/crash-<tag>-*.
# libFuzzer's seed is printed and FUZZ_SEED repeats it.
#
#   fuzz_run TAG NAME MAX_LEN [libFuzzer flags...]   runs tests/fuzz/fuzz_NAME
#   fuzz_done                                        "fuzz: N passed, M failed"
#                                                    and the exit status
set -u
: "${top_builddir:=.}"
: "${top_srcdir:=.}"
fuzz_time=${FUZZ_TIME:-20}
fuzz_seed=${FUZZ_SEED:-0}
fuzz_pass=0
fuzz_fail=0
fuzz_scratch=$(mktemp -d "${TMPDIR:-/tmp}/fcnvme-fuzz.XXXXXX") || exit 99
trap 'rm -rf "$fuzz_scratch"' EXIT INT TERM

fuzz_run() {
	tag=$1 name=$2 max_len=$3
	shift 3
	bin="$top_builddir/tests/fuzz/fuzz_$name"
	log="$fuzz_scratch/$tag.log"
	if [ ! -x "$bin" ]; then
		echo "fuzz: $bin missing"
		fuzz_fail=$((fuzz_fail + 1))
		return
	fi
	mkdir -p "$fuzz_scratch/$tag"
	if "$bin" -max_total_time="$fuzz_time" -max_len="$max_len" -seed="$fuzz_seed" \
		-print_final_stats=1 "$@" \
		-artifact_prefix="$top_builddir/tests/fuzz/crash-$tag-" \
		"$fuzz_scratch/$tag" "$top_srcdir/tests/fuzz/corpus_$tag" >"$log" 2>&1; then
		echo "fuzz: $name ok ($(grep -o 'stat::number_of_executed_units: *[0-9]*' \
			"$log" | grep -o '[0-9]*$') runs, $(grep -o 'Seed: [0-9]*' "$log"))"
		fuzz_pass=$((fuzz_pass + 1))
	else
		echo "fuzz: $name FAILED ($(grep -o 'Seed: [0-9]*' "$log");" \
		     "FUZZ_SEED repeats it); last lines of its log:"
		tail -n 40 "$log"
		fuzz_fail=$((fuzz_fail + 1))
	fi
}

fuzz_done() {
	echo "fuzz: $fuzz_pass passed, $fuzz_fail failed"
	[ "$fuzz_fail" -eq 0 ]
}
