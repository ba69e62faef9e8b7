#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run the configuration fuzzer (reader, parser, validator, printer) for
# FUZZ_TIME seconds (default 20), seeded from tests/fuzz/corpus_conf with
# the words of tests/fuzz/conf.dict; libFuzzer's seed is printed (FUZZ_SEED
# repeats it) and a crashing input is kept as tests/fuzz/crash-conf-*.
# Prints "fuzz: N passed, M failed".
set -u
: "${top_builddir:=.}"
: "${top_srcdir:=.}"
time_s=${FUZZ_TIME:-20}
bin="$top_builddir/tests/fuzz/fuzz_conf"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fcnvme-fuzz-conf.XXXXXX") || exit 99
trap 'rm -rf "$scratch"' EXIT INT TERM
if [ ! -x "$bin" ]; then
	echo "fuzz: $bin missing"
	echo "fuzz: 0 passed, 1 failed"
	exit 1
fi
seed=${FUZZ_SEED:-0}
if "$bin" -max_total_time="$time_s" -max_len=8192 -seed="$seed" \
	-dict="$top_srcdir/tests/fuzz/conf.dict" -print_final_stats=1 \
	-artifact_prefix="$top_builddir/tests/fuzz/crash-conf-" \
	"$scratch" "$top_srcdir/tests/fuzz/corpus_conf" >"$scratch/log" 2>&1; then
	echo "fuzz: conf ok ($(grep -o 'stat::number_of_executed_units: *[0-9]*' \
		"$scratch/log" | grep -o '[0-9]*$') runs, $(grep -o 'Seed: [0-9]*' "$scratch/log"))"
	echo "fuzz: 1 passed, 0 failed"
else
	echo "fuzz: conf FAILED ($(grep -o 'Seed: [0-9]*' "$scratch/log"); FUZZ_SEED repeats it); last lines of its log:"
	tail -n 40 "$scratch/log"
	echo "fuzz: 0 passed, 1 failed"
	exit 1
fi
