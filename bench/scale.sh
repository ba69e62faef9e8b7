#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Does the target scale with associations and queues, and does it leak?
# One fabric, nvmetfcd with one busy-polled hw queue on CPU TGT_CPU
# (bench/target.conf.in, ram namespace, written whole first:
# bench_prefill), fcnvme perf on HOST_CPU. Then:
#   1. associations: 4 KiB random reads at the same total queue depth
#      (TOTAL_QD, default 64) over 1, 2, 4, ... 64 associations (fcnvme perf
#      --assocs N -q TOTAL_QD/N), one I/O queue each;
#   2. queues: the same total depth over 1, 2, 4, 8, 16 I/O queues of one
#      association (--queues N -q TOTAL_QD/N);
#   REPS rounds, each running every point of the series once (forwards in
#   odd rounds, backwards in even ones, so that a drift of the machine's
#   speed during the series falls on every point alike); per point the
#   median IOPS, its ratio to the median of the series' first point (the
#   goal: within 10 %, 0.90-1.10), the lowest and highest ratio of one
#   round's run to the first point's run of the same round, the target's
#   CPU per I/O (µs of its user+system time per I/O, from /proc/PID/stat;
#   with a busy-polled queue about 1/IOPS) and the host's CPU (from
#   fcnvme perf), both of the median run;
#   3. leaks: CYCLES association cycles (fcnvme id-ctrl: connect, Identify,
#      disconnect), the daemon's RSS (VmRSS) and open fds before, every
#      CYCLES/4 cycles and after.
# Prints tables; nothing is asserted (a benchmark, not a test).
#
# Usage: bench/scale.sh [-b BUILDDIR] [-t SECS] [-r REPS] [-q TOTAL_QD] [-c CYCLES]
# environment: TGT_CPU (default 1), HOST_CPU (default 0)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$src/bench/lib.sh"
build=$src/build secs=3 reps=3 total=64 cycles=300
while getopts b:t:r:q:c: o; do
	case $o in
	b) build=$(cd "$OPTARG" && pwd) ;;
	t) secs=$OPTARG ;;
	r) reps=$OPTARG ;;
	q) total=$OPTARG ;;
	c) cycles=$OPTARG ;;
	*) sed -n '3,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
tgt_cpu=${TGT_CPU:-1} host_cpu=${HOST_CPU:-0}
bench_need scale.sh "$build" || exit 2
hz=$(getconf CLK_TCK)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nvmetfcd-scale.XXXXXX")
FCNVME_SHM_DIR=$(mktemp -d /dev/shm/fcnvme-scale.XXXXXX)
export FCNVME_SHM_DIR
dpid=
cleanup() {
	bench_stop "$dpid"
	rm -rf "$tmp" "$FCNVME_SHM_DIR"
}
trap cleanup EXIT

"$build/tools/softhbactl" fabric create scale >/dev/null
# the default mdts (256 KiB): the data buffers are the hw queue's pool, so
# 64 associations fit (before the pool, each queue entry held an mdts
# buffer of the 1 GiB DMA window, and this ran with mdts 64 KiB)
bench_conf "$src" scale ram busy "$tgt_cpu" >"$tmp/t.conf"
taskset -c "$tgt_cpu" "$build/daemon/nvmetfcd" -f -c "$tmp/t.conf" -s "$tmp/ctl.sock" \
	-S "$tmp/state" 2>"$tmp/d.log" &
dpid=$!
bench_wait_sock "$dpid" "$tmp/ctl.sock" || { echo "scale.sh: the daemon did not start" >&2; cat "$tmp/d.log" >&2; exit 1; }
sleep 1

host=(--fabric scale --wwnn 0x20000090fa00c0a1 --wwpn 0x10000090fa00c0a1
	--hostnqn "$BENCH_HOSTNQN" --nqn "$BENCH_NQN")
# the 256 MiB namespace written whole, so that the reads copy real pages
bench_prefill "$tmp/prefill.json" 256 \
	taskset -c "$host_cpu" "$build/tools/fcnvme" perf "${host[@]}" || exit 1

# point ARGS...: one perf run; prints "iops target_us_per_io host_cpu_pct"
point() {
	local a b
	a=$(bench_ticks "$dpid")
	taskset -c "$host_cpu" "$build/tools/fcnvme" perf "${host[@]}" -w randread -o 4096 \
		-t "$secs" --seed 1 --output-format json "$@" >"$tmp/p.json" 2>"$tmp/p.err" ||
		{ echo "scale.sh: fcnvme perf $* failed: $(cat "$tmp/p.err")" >&2; exit 1; }
	b=$(bench_ticks "$dpid")
	python3 - "$tmp/p.json" $((b - a)) "$hz" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ticks, hz = int(sys.argv[2]), int(sys.argv[3])
ios = max(r["ios"], 1)
print(r["iops"], "%.2f" % (ticks / hz / ios * 1e6), r["cpu_percent"])
PY
}

# series TITLE OPTION VALUES...: the table of one series
series() {
	local title=$1 opt=$2 n qd r i iops tus hcpu base lo hi
	local -a pts=() order
	shift 2
	for n in "$@"; do
		[ $((total / n)) -ge 1 ] && pts+=("$n")
	done
	# runs of point n in round r: $tmp/run.n.r ("iops tus hcpu")
	for r in $(seq "$reps"); do
		order=("${pts[@]}")
		if [ $((r % 2)) -eq 0 ]; then
			order=()
			for ((i = ${#pts[@]} - 1; i >= 0; i--)); do order+=("${pts[i]}"); done
		fi
		for n in "${order[@]}"; do
			point "$opt" "$n" -q $((total / n)) >"$tmp/run.$n.$r"
		done
	done
	printf '\n%s (4 KiB randread, total depth %s, median of %s rounds x %s s, interleaved)\n' \
		"$title" "$total" "$reps" "$secs"
	printf '%-8s %6s %10s %7s %11s %10s %8s\n' "$opt" qd IOPS ratio 'round-range' 'tgt µs/IO' 'host %'
	base=
	for n in "${pts[@]}"; do
		qd=$((total / n))
		read -r iops tus hcpu < <(cat "$tmp"/run."$n".* | sort -n | sed -n "$(((reps + 1) / 2))p")
		[ -n "$base" ] || base=$iops
		# per round: this point's IOPS over the first point's
		read -r lo hi < <(for r in $(seq "$reps"); do
			paste -d' ' "$tmp/run.$n.$r" "$tmp/run.${pts[0]}.$r"
		done | awk '{ q = $1 / $4; if (NR == 1 || q < lo) lo = q; if (NR == 1 || q > hi) hi = q }
			END { printf "%.2f %.2f\n", lo, hi }')
		printf '%-8s %6s %10s %7.2f %11s %10s %8s\n' "$n" "$qd" "$iops" \
			"$(awk -v a="$iops" -v b="$base" 'BEGIN{print a/b}')" "$lo-$hi" "$tus" "$hcpu"
	done
	rm -f "$tmp"/run.*
}

series "associations" --assocs 1 2 4 8 16 32 64
series "I/O queues of one association" --queues 1 2 4 8 16

rss() { awk '/^VmRSS/ {print $2}' "/proc/$dpid/status"; }
fds() { find "/proc/$dpid/fd" -mindepth 1 -maxdepth 1 | wc -l; }
printf '\nassociation cycles (fcnvme id-ctrl: connect, Identify, disconnect)\n'
printf '%8s %10s %6s\n' cycles 'RSS KiB' fds
printf '%8s %10s %6s\n' 0 "$(rss)" "$(fds)"
step=$((cycles / 4 > 0 ? cycles / 4 : 1))
for i in $(seq "$cycles"); do
	taskset -c "$host_cpu" "$build/tools/fcnvme" id-ctrl "${host[@]}" >/dev/null 2>"$tmp/c.err" ||
		{ echo "scale.sh: cycle $i failed: $(cat "$tmp/c.err")" >&2; exit 1; }
	[ $((i % step)) -eq 0 ] && printf '%8s %10s %6s\n' "$i" "$(rss)" "$(fds)"
done
printf '\ncommand: bench/scale.sh -t %s -r %s -q %s -c %s (TGT_CPU=%s HOST_CPU=%s), load average %s\n' \
	"$secs" "$reps" "$total" "$cycles" "$tgt_cpu" "$host_cpu" "$(cut -d' ' -f1-3 /proc/loadavg)"
