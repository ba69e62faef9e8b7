# SPDX-License-Identifier: Apache-2.0
# Sourced by tests/fuzz/run_fuzz*.sh: run libFuzzer targets, each from
# tests/fuzz/corpus_<tag>, for a fixed number of runs from a fixed seed, so
# that a run repeats. The count is the target's rate (runs per second, a
# little under what this machine class does) times FUZZ_TIME (seconds,
# default 20); three times FUZZ_TIME caps the time, and a target the cap
# stopped early says so. FUZZ_SEED (default 1) picks another sequence of
# inputs; the seed is printed. New corpus units go to a scratch directory,
# a crashing input next to the binaries as tests/fuzz/crash-<tag>-*.
#
# What repeats: the targets draw their random numbers from a fixed
# sequence restarted per input (fuzz_random.c), run without address-space
# randomisation where setarch allows it, from a directory of their own
# with fixed names and a fixed environment (pointer values, the stack's
# too, reach libFuzzer's comparison tracing), and never reload their
# corpus. Then the core, LS, FCP, auth, configuration and control-message
# targets of one build make the same inputs on every run. The hw targets
# use real shared memory, clocks and threads: they start the same and
# drift apart.
#
#   fuzz_run TAG NAME MAX_LEN RATE [libFuzzer flags...]
#                                  runs tests/fuzz/fuzz_NAME
#   fuzz_done                      "fuzz: N passed, M failed" and the exit
#                                  status
set -u
: "${top_builddir:=.}"
: "${top_srcdir:=.}"
fuzz_time=${FUZZ_TIME:-20}
fuzz_seed=${FUZZ_SEED:-1}
fuzz_pass=0
# without address-space randomisation, if this system lets us
fuzz_norand=
if setarch "$(uname -m)" -R true 2>/dev/null; then
	fuzz_norand="setarch $(uname -m) -R"
fi
fuzz_fail=0
fuzz_scratch=$(mktemp -d "${TMPDIR:-/tmp}/fcnvme-fuzz.XXXXXX") || exit 99
trap 'rm -rf "$fuzz_scratch"' EXIT INT TERM

# abspath PATH: PATH from the root (it must exist)
fuzz_abspath() {
	echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
}

fuzz_run() {
	tag=$1 name=$2 max_len=$3 rate=$4
	shift 4
	runs=$((rate * fuzz_time))
	bin="$top_builddir/tests/fuzz/fuzz_$name"
	log="$fuzz_scratch/$tag.log"
	if [ ! -x "$bin" ]; then
		echo "fuzz: $bin missing"
		fuzz_fail=$((fuzz_fail + 1))
		return
	fi
	# The run sees the same process image wherever the tree is: it starts
	# in a directory of its own, under fixed names (symlinks to the
	# binary, the corpus and a dictionary), with a fixed environment. The
	# stack's addresses depend on the paths and the environment, and they
	# reach libFuzzer's comparison tracing.
	work=$fuzz_scratch/$tag
	mkdir -p "$work/new"
	ln -s "$(fuzz_abspath "$bin")" "$work/bin"
	ln -s "$(fuzz_abspath "$top_srcdir/tests/fuzz/corpus_$tag")" "$work/seed"
	for a in "$@"; do
		case $a in
		-dict=*) ln -s "$(fuzz_abspath "${a#-dict=}")" "$work/dict" ;;
		esac
	done
	if (cd "$work" && env -i PATH=/usr/bin:/bin LC_ALL=C $fuzz_norand ./bin -runs="$runs" \
		-max_total_time=$((3 * fuzz_time)) -max_len="$max_len" -seed="$fuzz_seed" \
		-reload=0 -print_final_stats=1 $(fuzz_flags "$@") -artifact_prefix=crash- new seed) \
		>"$log" 2>&1; then
		done_runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" |
			grep -o '[0-9]*$')
		echo "fuzz: $name ok ($done_runs runs, $(grep -o 'Seed: [0-9]*' "$log")," \
		     "$(grep -o 'DONE *cov: [0-9]* ft: [0-9]*' "$log" | sed 's/DONE *//'))"
		if [ "${done_runs:-0}" -lt "$runs" ]; then
			echo "fuzz: $name: the time cap ended it after $done_runs of $runs runs" \
			     "(so the run depends on this machine's speed)"
		fi
		fuzz_pass=$((fuzz_pass + 1))
	else
		for c in "$work"/crash-*; do
			[ -e "$c" ] && mv "$c" "$top_builddir/tests/fuzz/crash-$tag-${c##*/crash-}"
		done
		echo "fuzz: $name FAILED ($(grep -o 'Seed: [0-9]*' "$log"), up to $runs runs;" \
		     "FUZZ_SEED=$fuzz_seed FUZZ_TIME=$fuzz_time repeat it); last lines of its log:"
		tail -n 40 "$log"
		fuzz_fail=$((fuzz_fail + 1))
	fi
}

# The run's flags, a dictionary under its fixed name.
fuzz_flags() {
	for a in "$@"; do
		case $a in
		-dict=*) echo "-dict=dict" ;;
		*) echo "$a" ;;
		esac
	done
}

fuzz_done() {
	echo "fuzz: $fuzz_pass passed, $fuzz_fail failed"
	[ "$fuzz_fail" -eq 0 ]
}
