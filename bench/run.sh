#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The data-path benchmark: a private software fabric, nvmetfcd with one hw
# queue whose I/O thread is pinned to TGT_CPU (bench/target.conf.in), and
# `fcnvme perf --json` pinned to HOST_CPU, over a fixed matrix:
#   backends null and ram  x  poll modes busy and hybrid  x
#   4 KiB randread QD1, 4 KiB randread QD32, 4 KiB randwrite QD32,
#   128 KiB read QD8.
# A ram namespace is written whole first (bench_prefill), so that reads
# copy real pages. Prints one table row per point (IOPS, MiB/s, avg/p50/p99 latency in us,
# initiator and target CPU%, 1-minute load average) and keeps every raw JSON
# result, the table and the daemon logs in the results directory. With -r N
# each point runs N times and the row shows the run with the most IOPS (the
# least disturbed one on a shared machine); every run's JSON is kept.
#
# Usage: bench/run.sh [-b BUILDDIR] [-t SECS] [-r REPS] [-o RESULTS_DIR]
#                     [-B "null ram"] [-P "busy hybrid"]
# Environment: TGT_CPU (default 1), HOST_CPU (default 0).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$src/bench/lib.sh"
build=$src/build
secs=3
reps=1
out=
backends="null ram"
polls="busy hybrid"
while getopts "b:t:r:o:B:P:h" opt; do
	case $opt in
	b) build=$OPTARG ;;
	t) secs=$OPTARG ;;
	r) reps=$OPTARG ;;
	o) out=$OPTARG ;;
	B) backends=$OPTARG ;;
	P) polls=$OPTARG ;;
	*) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
	esac
done
build=$(cd "$build" && pwd)
bench_need run.sh "$build" || exit 1
tgt_cpu=${TGT_CPU:-1}
host_cpu=${HOST_CPU:-0}
out=${out:-$build/bench-results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nvmetfcd-bench.XXXXXX")
FCNVME_SHM_DIR=$(mktemp -d /dev/shm/fcnvme-bench.XXXXXX)
export FCNVME_SHM_DIR
fabric=bench
dpid=

# The fixed matrix: name workload io_size queue_depth.
points=(
	"4k-randread-qd1 randread 4096 1"
	"4k-randread-qd32 randread 4096 32"
	"4k-randwrite-qd32 randwrite 4096 32"
	"128k-read-qd8 read 131072 8"
)
bench_host_args "$fabric"

daemon_stop() {
	bench_stop "$dpid"
	dpid=
}
cleanup() {
	daemon_stop
	"$build/tools/softhbactl" fabric destroy "$fabric" >/dev/null 2>&1 || true
	rm -rf "$tmp" "$FCNVME_SHM_DIR"
}
trap cleanup EXIT

daemon_start() {	# backend poll
	bench_conf "$src" "$fabric" "$1" "$2" "$tgt_cpu" >"$tmp/nvmetfcd.conf"
	rm -rf "$tmp/state" "$tmp/ctl.sock"
	taskset -c "$tgt_cpu" "$build/daemon/nvmetfcd" -f -c "$tmp/nvmetfcd.conf" \
		-s "$tmp/ctl.sock" -S "$tmp/state" 2>>"$out/nvmetfcd-$1-$2.log" &
	dpid=$!
	bench_wait_sock "$dpid" "$tmp/ctl.sock" && return 0
	echo "run.sh: nvmetfcd did not start:" >&2
	cat "$out/nvmetfcd-$1-$2.log" >&2
	exit 1
}

"$build/tools/softhbactl" fabric create "$fabric" >/dev/null
table=$out/table.txt
{
	echo "# $(date -u +%FT%TZ) $(uname -r) $(nproc) CPUs; ${secs}s per run, best of $reps;" \
	     "target CPU $tgt_cpu, initiator CPU $host_cpu; commit $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo ?)"
	printf '%-7s %-6s %-18s %10s %9s %9s %9s %9s %6s %6s %5s %4s\n' backend poll point \
		IOPS MiB/s avg_us p50_us p99_us hcpu% tcpu% load1 err
} | tee "$table"
for be in $backends; do
	for poll in $polls; do
		daemon_start "$be" "$poll"
		# reads copy written pages, not the shared zero page
		[ "$be" = null ] || bench_prefill "$out/prefill-$be-$poll.json" 256 \
			taskset -c "$host_cpu" "$build/tools/fcnvme" perf "${BENCH_HOST[@]}" \
			--nqn "$BENCH_NQN" --queues 1 || exit 1
		for p in "${points[@]}"; do
			read -r name wl bs qd <<<"$p"
			best='' best_iops=-1 fail=''
			for r in $(seq "$reps"); do
				json=$out/$be-$poll-$name-$r.json
				load=$(bench_load)
				c0=$(bench_cpu_s "$dpid")
				t0=$(date +%s.%N)
				rc=0
				taskset -c "$host_cpu" "$build/tools/fcnvme" perf "${BENCH_HOST[@]}" \
					--nqn "$BENCH_NQN" -q "$qd" -o "$bs" -w "$wl" -t "$secs" \
					--queues 1 --json >"$json" 2>"$out/$be-$poll-$name-$r.err" || rc=$?
				t1=$(date +%s.%N)
				c1=$(bench_cpu_s "$dpid")
				if [ "$rc" != 0 ] || ! grep -q '"iops"' "$json"; then
					fail="FAILED (rc $rc): $(head -c 200 "$out/$be-$poll-$name-$r.err")"
					break
				fi
				tcpu=$(awk -v a="$c0" -v b="$c1" -v s="$t0" -v e="$t1" \
					'BEGIN { printf "%.0f", (b - a) / (e - s) * 100 }')
				iops=$(bench_field "$json" iops)
				if awk -v a="$iops" -v b="$best_iops" 'BEGIN { exit !(a > b) }'; then
					best=$json best_iops=$iops best_tcpu=$tcpu best_load=$load
				fi
			done
			if [ -n "$fail" ]; then
				printf '%-7s %-6s %-18s %s\n' "$be" "$poll" "$name" "$fail" | tee -a "$table"
				continue
			fi
			printf '%-7s %-6s %-18s %10.0f %9.1f %9.1f %9.1f %9.1f %6.0f %6s %5s %4s\n' \
				"$be" "$poll" "$name" "$best_iops" \
				"$(bench_field "$best" mib_s)" "$(bench_field "$best" avg)" \
				"$(bench_field "$best" p50)" "$(bench_field "$best" p99)" \
				"$(bench_field "$best" cpu_percent)" "$best_tcpu" "$best_load" \
				"$(bench_field "$best" errors)" | tee -a "$table"
		done
		daemon_stop
	done
done
echo "results: $out"
