#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# nvmetfcd against this machine's ceiling, in one run (issue 20). The ceiling
# is the reference program ringtput from PERF_SRC (not part of this tree:
# SQ/CQ rings in shared memory between two pinned processes, the target
# copying each I/O's data once from a 1 GiB pool), built with PERF_SRC's own
# build.sh into a temporary folder. The product is nvmetfcd (ram namespace
# of 1 GiB, one hw queue busy-polled on CPU 1, prefilled once with a
# sequential write) and `fcnvme perf --json` on CPU 0. Points:
#   4k-randread-qd1, 4k-randread-qd128 (--queue-size 256), 128k-read-qd32,
# with the ringtput arguments PERF_SRC/README.md gives for each. Every rep
# runs every point as A (ceiling) then B (product); the table shows per
# point the medians over REPS, the ratio product/ceiling, latency, and the
# CPU time per I/O of both sides (see bench/README.md); then, from a run of
# the ceiling's rings without data after each ceiling run, how much of the
# ceiling target's time per I/O is its copy, and how much time besides such
# a copy the product's target may take at a ratio of 0.95 against what it
# takes; then bench/idle.sh's
# idle CPU and wake-up with short settings (IDLE_ARGS, default
# "-t 5 -r 3 -i 1"). The daemon is stopped (SIGSTOP) while ringtput runs,
# so its busy-polling thread does not take CPU 1 from the ceiling.
# Results (table.txt, runs.txt, every raw ringtput output and JSON, idle.txt,
# the daemon log) go to RESULTS_DIR. Nothing is asserted.
#
# Usage: bench/ceiling.sh [-b BUILDDIR] [-p PERF_SRC] [-r REPS] [-t SECS] [-o RESULTS_DIR]
#   PERF_SRC defaults to $FCNVME_PERF_SRC, else ../shared/perf next to the
#   source tree (or, in a git worktree, next to the main checkout).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$src/bench/lib.sh"
build=$src/build
perf_src=${FCNVME_PERF_SRC:-$src/../shared/perf}
if [ -z "${FCNVME_PERF_SRC:-}" ] && [ ! -d "$perf_src" ]; then
	# a git worktree elsewhere: next to the main checkout instead
	main=$(git -C "$src" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
	[ -z "$main" ] || perf_src=$(dirname "$main")/../shared/perf
fi
reps=3
secs=3
out=
while getopts "b:p:r:t:o:h" opt; do
	case $opt in
	b) build=$OPTARG ;;
	p) perf_src=$OPTARG ;;
	r) reps=$OPTARG ;;
	t) secs=$OPTARG ;;
	o) out=$OPTARG ;;
	*) sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
	esac
done
for v in "$reps" "$secs"; do
	case $v in *[!0-9]* | 0* | '') echo "ceiling.sh: -r and -t take positive integers, not '$v'" >&2; exit 2 ;; esac
done
build=$(cd "$build" && pwd)
bench_need ceiling.sh "$build" || exit 1
if [ ! -f "$perf_src/build.sh" ] || [ ! -f "$perf_src/ringtput.c" ]; then
	echo "ceiling.sh: the ceiling programs (build.sh, ringtput.c) are not in '$perf_src';" \
		"give their folder with -p PERF_SRC or FCNVME_PERF_SRC" >&2
	exit 1
fi
perf_src=$(cd "$perf_src" && pwd)
command -v gcc >/dev/null || { echo "ceiling.sh: gcc is needed to build $perf_src" >&2; exit 1; }
tgt_cpu=1 host_cpu=0
out=${out:-$build/bench-results/ceiling-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nvmetfcd-ceiling.XXXXXX")
FCNVME_SHM_DIR=$(mktemp -d /dev/shm/fcnvme-ceiling.XXXXXX)
export FCNVME_SHM_DIR
fabric=ceiling
dpid=
# A ringtput still running is left to end by itself after its SECS:
# killing its first process would leave the forked target spinning.
cleanup() {
	[ -z "$dpid" ] || kill -CONT "$dpid" 2>/dev/null || true
	bench_stop "$dpid"
	"$build/tools/softhbactl" fabric destroy "$fabric" >/dev/null 2>&1 || true
	rm -rf "$tmp" "$FCNVME_SHM_DIR"
}
trap cleanup EXIT

PERF_DIR=$tmp/perf sh "$perf_src/build.sh" >"$out/perf-build.log" 2>&1 ||
	{ echo "ceiling.sh: $perf_src/build.sh failed:" >&2; cat "$out/perf-build.log" >&2; exit 1; }
ringtput=$tmp/perf/bin/ringtput

# name workload io_size queue_depth fcnvme-perf-extra ringtput-args (the
# points of PERF_SRC/README.md; "_" stands for a blank).
points=(
	"4k-randread-qd1 randread 4096 1 - -c_phase_-e_32_-b_1_-q_1_-d_4096_-P_1073741824_-T"
	"4k-randread-qd128 randread 4096 128 --queue-size_256 -c_phase_-e_32_-b_32_-q_128_-d_4096_-P_1073741824_-T"
	"128k-read-qd32 read 131072 32 - -c_phase_-e_32_-b_8_-q_32_-d_131072_-S_-P_1073741824_-T"
)
bench_host_args "$fabric"
perf() { taskset -c "$host_cpu" "$build/tools/fcnvme" perf "${BENCH_HOST[@]}" --nqn "$BENCH_NQN" --queues 1 "$@"; }

"$build/tools/softhbactl" fabric create "$fabric" >/dev/null
bench_conf "$src" "$fabric" ram busy "$tgt_cpu" -e 's/size = "256M";/size = "1G";/' >"$tmp/t.conf"
taskset -c "$tgt_cpu" "$build/daemon/nvmetfcd" -f -c "$tmp/t.conf" -s "$tmp/ctl.sock" \
	-S "$tmp/state" 2>"$out/nvmetfcd.log" &
dpid=$!
bench_wait_sock "$dpid" "$tmp/ctl.sock" ||
	{ echo "ceiling.sh: nvmetfcd did not start:" >&2; cat "$out/nvmetfcd.log" >&2; exit 1; }

# Prefill (bench_prefill): the reads copy real pages. The table says how
# much the last prefill run wrote.
bench_prefill "$out/prefill.json" 1024 perf || exit 1
prefill_mib=$BENCH_PREFILL_MIB

load0=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo ?)
runs=$out/runs.txt
echo "# rep point | ceiling: Mops p50_ns ns/op tgt_idle% | product: Mops p50_us avg_us tgt_ns/IO host_ns/IO tcpu% hcpu% | load1 | ceiling without data: ns/op tgt_idle%" >"$runs"
for r in $(seq "$reps"); do
	for p in "${points[@]}"; do
		read -r name wl bs qd extra cargs <<<"$p"
		[ -e "$tmp/fail-$name" ] && continue
		# A: the ceiling, with the daemon stopped.
		craw=$out/ceiling-$name-$r.txt
		load=$(bench_load)
		kill -STOP "$dpid"
		rc=0
		# shellcheck disable=SC2086 # cargs is a list of words
		"$ringtput" ${cargs//_/ } -t "$secs" >"$craw" 2>&1 || rc=$?
		kill -CONT "$dpid"
		c_mops=$(sed -n 's/.*RESULT ops=\([0-9.]*\) Mops.*/\1/p' "$craw")
		if [ "$rc" != 0 ] || [ -z "$c_mops" ]; then
			echo "ringtput failed (rc $rc): $(head -c 200 "$craw")" >"$tmp/fail-$name"
			continue
		fi
		c_p50=$(sed -n 's/^  latency.* median=\([0-9.]*\) .*/\1/p' "$craw")
		c_nsop=$(sed -n 's/.*ns\/op=\([0-9.]*\).*/\1/p' "$craw")
		c_tidle=$(sed -n 's/.*tgt_idle=\([0-9.]*\)%.*/\1/p' "$craw")
		# A': the same rings without data (no -d/-P/-T/-S): what the
		# ceiling's target spends on its descriptors, the rest of its
		# time being its copy.
		draw=$out/ceiling-nodata-$name-$r.txt
		kill -STOP "$dpid"
		rc=0
		dargs=$(sed -E 's/_-d_[0-9]+//; s/_-P_[0-9]+//; s/_-T//; s/_-S//' <<<"$cargs")
		# shellcheck disable=SC2086 # dargs is a list of words
		"$ringtput" ${dargs//_/ } -t "$secs" >"$draw" 2>&1 || rc=$?
		kill -CONT "$dpid"
		d_nsop=$(sed -n 's/.*ns\/op=\([0-9.]*\).*/\1/p' "$draw")
		d_tidle=$(sed -n 's/.*tgt_idle=\([0-9.]*\)%.*/\1/p' "$draw")
		if [ "$rc" != 0 ] || [ -z "$d_nsop" ] || [ -z "$d_tidle" ]; then
			echo "ringtput without data failed (rc $rc): $(head -c 200 "$draw")" >"$tmp/fail-$name"
			continue
		fi
		# B: the product.
		json=$out/product-$name-$r.json
		c0=$(bench_cpu_s "$dpid")
		t0=$(date +%s.%N)
		rc=0
		[ "$extra" = - ] && extra=
		# shellcheck disable=SC2086 # extra is a list of words
		perf -w "$wl" -o "$bs" -q "$qd" ${extra//_/ } -t "$secs" --json >"$json" \
			2>"$out/product-$name-$r.err" || rc=$?
		t1=$(date +%s.%N)
		c1=$(bench_cpu_s "$dpid")
		if [ "$rc" != 0 ] || ! grep -q '"iops"' "$json"; then
			echo "fcnvme perf failed (rc $rc): $(head -c 200 "$out/product-$name-$r.err")" >"$tmp/fail-$name"
			continue
		fi
		ios=$(bench_field "$json" ios)
		pscs=$(bench_field "$json" seconds)
		hcpu=$(bench_field "$json" cpu_percent)
		line=$(awk -v iops="$(bench_field "$json" iops)" -v ios="$ios" -v s="$pscs" \
			-v p50="$(bench_field "$json" p50)" -v avg="$(bench_field "$json" avg)" \
			-v h="$hcpu" -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" 'BEGIN {
				printf "%.4f %s %s %.0f %.0f %.0f %s", iops / 1e6, p50, avg,
					(c1 - c0) / ios * 1e9, h / 100 * s / ios * 1e9,
					(c1 - c0) / (t1 - t0) * 100, h }')
		echo "$r $name | $c_mops ${c_p50:-?} $c_nsop $c_tidle | $line | $load | $d_nsop $d_tidle" |
			tee -a "$runs"
	done
done

# The median of column COL of POINT's runs.
med() { awk -v p="$1" -v c="$2" '$2 == p { gsub(/\|/, ""); $0 = $0; print $c }' "$runs" | bench_median; }
table=$out/table.txt
{
	echo "# $(date -u +%FT%TZ) $(uname -r) $(nproc) CPUs; commit $commit; median of $reps x ${secs}s, A (ceiling) B (product) interleaved"
	echo "# ceiling: $perf_src ringtput (CPUs 0->1); product: nvmetfcd ram 1 GiB, 1 hw queue busy on CPU $tgt_cpu, fcnvme perf on CPU $host_cpu"
	echo "# prefill: ${prefill_mib} MiB written sequentially (namespace 1024 MiB); load average at start: $load0"
	printf '%-18s %8s %8s %6s %8s %8s %8s %8s %9s %9s %9s %5s %5s\n' point ceil_M prod_M ratio \
		c_p50_us p50_us avg_us c_ns/IO c_tgt_ns tgt_ns/IO host_ns/IO tcpu% hcpu%
} >"$table"
for p in "${points[@]}"; do
	read -r name _ <<<"$p"
	if [ -e "$tmp/fail-$name" ]; then
		printf '%-18s FAILED: %s\n' "$name" "$(cat "$tmp/fail-$name")" >>"$table"
		continue
	fi
	# runs.txt columns (after the bars are removed): 1 rep, 2 point,
	# 3 c_Mops, 4 c_p50_ns, 5 c_ns/op, 6 c_tgt_idle%, 7 Mops, 8 p50_us,
	# 9 avg_us, 10 tgt_ns/IO, 11 host_ns/IO, 12 tcpu%, 13 hcpu%, 14 load1
	awk -v n="$name" -v cm="$(med "$name" 3)" -v cl="$(med "$name" 4)" -v cn="$(med "$name" 5)" \
		-v ci="$(med "$name" 6)" -v pm="$(med "$name" 7)" -v p50="$(med "$name" 8)" \
		-v avg="$(med "$name" 9)" -v tns="$(med "$name" 10)" -v hns="$(med "$name" 11)" \
		-v tc="$(med "$name" 12)" -v hc="$(med "$name" 13)" 'BEGIN {
			printf "%-18s %8.3f %8.3f %6.2f %8s %8.1f %8.1f %8.0f %9.0f %9.0f %9.0f %5.0f %5.0f\n",
				n, cm, pm, (cm > 0 ? pm / cm : 0), (cl == "?" || cl == "" ? "?" : sprintf("%.2f", cl / 1000)),
				p50, avg, cn, cn * (1 - ci / 100), tns, hns, tc, hc }' >>"$table"
done
# Where the target's time per I/O goes, against the ceiling's: the
# ceiling's target copy (its busy time per I/O less that of the same
# rings without data), the time per I/O the product's target may take for
# everything but that copy at a ratio of 0.95 (the product is bound by its
# target at depth; copying as fast as the ceiling does), and what it
# takes now. Not for QD1, where each side waits for the other.
{
	echo "# the targets' time per I/O, ns: the ceiling's copy (c_tgt_ns less the same rings' without data, d_tgt_ns),"
	echo "# what the product's target may spend besides such a copy at ratio 0.95 (c_ns/IO / 0.95 - copy), and spends now"
	printf '%-18s %8s %8s %8s %12s %12s\n' point c_tgt_ns d_tgt_ns c_copy rest@0.95 rest_now
} >>"$table"
for p in "${points[@]}"; do
	read -r name _ _ qd _ <<<"$p"
	# at QD1 both sides wait for each other: neither bounds it alone
	[ -e "$tmp/fail-$name" ] || [ "$qd" -eq 1 ] && continue
	# runs.txt columns 15 and 16: the ceiling without data, ns/op and
	# target idle %
	awk -v n="$name" -v cn="$(med "$name" 5)" -v ci="$(med "$name" 6)" -v dn="$(med "$name" 15)" \
		-v di="$(med "$name" 16)" -v tns="$(med "$name" 10)" 'BEGIN {
			ct = cn * (1 - ci / 100); dt = dn * (1 - di / 100); copy = ct - dt
			printf "%-18s %8.0f %8.0f %8.0f %12.0f %12.0f\n", n, ct, dt, copy, cn / 0.95 - copy, tns - copy }' >>"$table"
done
cat "$table"

# The idle part: bench/idle.sh's own measurement, short.
bench_stop "$dpid"
dpid=
"$build/tools/softhbactl" fabric destroy "$fabric" >/dev/null 2>&1 || true
# shellcheck disable=SC2086 # IDLE_ARGS is a list of options
if bash "$src/bench/idle.sh" -b "$build" ${IDLE_ARGS:--t 5 -r 3 -i 1} >"$out/idle.txt" 2>&1; then
	{ echo "# bench/idle.sh -b BUILD ${IDLE_ARGS:--t 5 -r 3 -i 1}:"; cat "$out/idle.txt"; } | tee -a "$table"
else
	echo "idle: bench/idle.sh failed: $(head -c 300 "$out/idle.txt")" | tee -a "$table"
fi
echo "results: $out"
