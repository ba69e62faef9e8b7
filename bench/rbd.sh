#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The rbd benchmark (not a test): an rbd namespace served by nvmetfcd
# against `rbd bench --rbd_cache=false` on the same image of a private
# single-node Ceph cluster (tests/ceph/cluster.sh, memstore OSD), in one
# run: 4 KiB random read and write at QD1 and QD32. The image (256 MiB) is
# written whole first, so reads hit real objects. For nvmetfcd the host is
# `fcnvme perf` on the software fabric. Each point runs REPS times, rbd
# bench and nvmetfcd alternately (A B A B ...), and the row shows the
# medians: IOPS of each and their ratio (the ratio of the medians; the
# lowest and highest per-rep ratios follow), rbd bench's own CPU per I/O
# (user+system of the rbd process over its ops), the target's CPU per I/O
# (the daemon's user+system time, its I/O threads and librados' threads,
# over the I/Os done) and the host's CPU % (fcnvme perf's cpu_percent).
# The target's CPU per I/O minus rbd bench's is what nvmetfcd adds above
# librbd's own cost; the CPU per I/O of nvmetfcd's I/O threads alone
# (fcio*: the FC-NVMe target and librbd's submission calls, which rbd
# bench's own submitting thread makes too) is the next column. The load
# average is printed at the start and at the end.
#
# Usage: bench/rbd.sh [-b BUILDDIR] [-t SECS] [-r REPS] [-o RESULTS_DIR]
#   -t SECS  seconds per run (default 5); -r REPS runs per point (default 3)
# Environment: POLL=hybrid (default) or busy, the I/O thread's poll mode;
#   HOST_POLL=hybrid (default) or busy, fcnvme perf's --poll (a host that
#   sleeps on its completion queue, as a real host on another machine
#   leaves this machine's CPUs to the OSD and librbd);
#   TGT_CPU=1 (default) pins the I/O thread to that CPU (the port's `cpus`,
#   as in conf/nvmetfcd.conf; librados' threads then run on the other CPUs,
#   and no more of its completion threads than those: docs/ceph.md),
#   TGT_CPU= leaves it unpinned; rbd bench, the host and the cluster are
#   never pinned;
#   POINTS (default "randread:1 randread:32 randwrite:1 randwrite:32"): the
#   points to run, WORKLOAD:QD each.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$src/bench/lib.sh"
build=$src/build
secs=5
reps=3
out=
while getopts "b:t:r:o:h" opt; do
	case $opt in
	b) build=$OPTARG ;;
	t) secs=$OPTARG ;;
	r) reps=$OPTARG ;;
	o) out=$OPTARG ;;
	*) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
	esac
done
case $secs$reps in *[!0-9]*) echo "rbd.sh: -t and -r take whole numbers" >&2; exit 2 ;; esac
if [ "$secs" -lt 1 ] || [ "$reps" -lt 1 ]; then
	echo "rbd.sh: -t and -r must be at least 1" >&2
	exit 2
fi
points=${POINTS:-randread:1 randread:32 randwrite:1 randwrite:32}
for p in $points; do
	case $p in
	randread:*[!0-9]* | randwrite:*[!0-9]* | *:0) ;;
	randread:[1-9]* | randwrite:[1-9]*) continue ;;
	esac
	echo "rbd.sh: a point is randread:QD or randwrite:QD, not '$p'" >&2
	exit 2
done
build=$(cd "$build" && pwd)
bench_need rbd.sh "$build" || exit 1
grep -q '^#define HAVE_RBD 1' "$build/config.h" || { echo "rbd.sh: built without librbd" >&2; exit 1; }
out=${out:-$build/bench-results/rbd-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nvmetfcd-rbdbench.XXXXXX")
FCNVME_SHM_DIR=$(mktemp -d /dev/shm/fcnvme-rbdbench.XXXXXX)
export FCNVME_SHM_DIR
fabric=rbdbench$$
dpid=
cleanup() {
	bench_stop "$dpid"
	"$build/tools/softhbactl" fabric destroy "$fabric" >/dev/null 2>&1 || true
	bash "$src/tests/ceph/cluster.sh" stop "$tmp/ceph" >/dev/null 2>&1 || true
	rm -rf "$tmp" "$FCNVME_SHM_DIR"
}
trap cleanup EXIT

eval "$(timeout 90 bash "$src/tests/ceph/cluster.sh" start "$tmp/ceph" | grep '^CEPH_CONF=')"
export CEPH_CONF
RBD="timeout 300 rbd"
$RBD create --size 256M rbd/bench
$RBD bench --io-type write --io-size 4M --io-pattern seq --io-total 256M rbd/bench >/dev/null

NQN=nqn.2026-11.io.nvmetfcd:rbdbench
tgt_cpu=${TGT_CPU-1}
tgt_cpus=
if [ -n "$tgt_cpu" ]; then
	case $tgt_cpu in *[!0-9]*) echo "rbd.sh: TGT_CPU is a CPU number, not '$tgt_cpu'" >&2; exit 2 ;; esac
	tgt_cpus=" cpus = [ $tgt_cpu ];"
fi
"$build/tools/softhbactl" fabric create "$fabric" >/dev/null
cat >"$tmp/t.conf" <<EOF
ports = ( { name = "p0"; dev = "soft:$fabric"; shm_dir = "$FCNVME_SHM_DIR";
	wwnn = "0x20000090fa00b0e1"; wwpn = "0x10000090fa00b0e1"; hw_queues = 1;
	poll = "${POLL:-hybrid}";${tgt_cpus} } );
subsystems = ( { nqn = "$NQN"; allow_any_host = true; ports = [ "p0" ];
	namespaces = ( { nsid = 1; backend = "rbd"; pool = "rbd"; image = "bench";
		ceph_conf = "$CEPH_CONF"; keyring = "$tmp/ceph/keyring"; } ); } );
EOF
"$build/daemon/nvmetfcd" -f -c "$tmp/t.conf" -s "$tmp/ctl.sock" -S "$tmp/state" >"$out/nvmetfcd.log" 2>&1 &
dpid=$!
for _ in $(seq 100); do
	grep -q ' ready (config' "$out/nvmetfcd.log" && break
	sleep 0.1
done
bench_host_args "$fabric"

# CPU ticks of the daemon's I/O threads (named fcio<hwq>)
io_ticks() {
	local t n=0
	for t in /proc/"$1"/task/*; do
		case $(cat "$t/comm" 2>/dev/null) in
		fcio*) n=$((n + $(awk '{ print $14 + $15 }' "$t/stat"))) ;;
		esac
	done
	echo $n
}
# user+system seconds of the children of `times` (its second line)
child_cpu() { awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }'; }

hz=$(getconf CLK_TCK)
host_poll=${HOST_POLL:-hybrid}
{
	echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) CPUs; ${secs}s per run, median of $reps (rbd bench and nvmetfcd alternating); target poll ${POLL:-hybrid}, I/O thread on CPU ${tgt_cpu:-any}, host --poll $host_poll"
	echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	printf '%-16s %9s %9s %6s %11s %9s %9s %9s %6s\n' point rbd-bench nvmetfcd ratio ratio-range \
		rbd-us/IO tgt-us/IO fcio-us/IO hcpu%
} | tee "$out/table.txt"
for p in $points; do
	w=${p%%:*} qd=${p#*:}
	: >"$out/runs-$w-$qd.txt"
	for r in $(seq "$reps"); do
		# A: rbd bench, a fixed number of ops sized for about $secs seconds
		ops=$((secs * (qd == 1 ? 1500 : 8000)))
		f=$out/rbdbench-$w-$qd-$r.txt
		# `times` in the subshell: the CPU of its children (timeout, rbd)
		rcpu=$( (
			$RBD bench --io-type "${w#rand}" --io-pattern rand --io-size 4096 --io-threads "$qd" \
				--io-total $((ops * 4096)) --rbd_cache=false rbd/bench >"$f" 2>&1
			times
		) | child_cpu)
		rb=$(awk '/elapsed:/ { for (i = 1; i <= NF; i++) if ($i == "ops/sec:") print $(i + 1) }' "$f")
		rbus=$(awk -v c="$rcpu" -v n="$ops" 'BEGIN { printf "%.1f", c / n * 1e6 }')
		# B: nvmetfcd
		j=$out/nvmetfcd-$w-$qd-$r.json
		c0=$(bench_ticks "$dpid") i0=$(io_ticks "$dpid")
		"$build/tools/fcnvme" perf "${BENCH_HOST[@]}" --nqn "$NQN" -w "$w" -q "$qd" -o 4096 -t "$secs" \
			--poll "$host_poll" --json >"$j" 2>"${j%.json}.err"
		c1=$(bench_ticks "$dpid") i1=$(io_ticks "$dpid")
		iops=$(bench_field "$j" iops)
		ios=$(bench_field "$j" ios)
		hcpu=$(bench_field "$j" cpu_percent)
		tus=$(awk -v c=$((c1 - c0)) -v hz="$hz" -v n="$ios" \
			'BEGIN { printf "%.1f", (n > 0 ? c / hz / n * 1e6 : 0) }')
		ius=$(awk -v c=$((i1 - i0)) -v hz="$hz" -v n="$ios" \
			'BEGIN { printf "%.1f", (n > 0 ? c / hz / n * 1e6 : 0) }')
		echo "$rb $iops $rbus $tus $ius $hcpu" >>"$out/runs-$w-$qd.txt"
	done
	col() { awk -v k="$1" '{ print $k }' "$out/runs-$w-$qd.txt" | bench_median; }
	rb=$(col 1) iops=$(col 2)
	range=$(awk '{ r = $1 > 0 ? $2 / $1 : 0; if (NR == 1 || r < lo) lo = r; if (NR == 1 || r > hi) hi = r }
		END { printf "%.2f-%.2f", lo, hi }' "$out/runs-$w-$qd.txt")
	ratio=$(awk -v a="$iops" -v b="$rb" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	printf '%-16s %9.0f %9.0f %6s %11s %9.1f %9.1f %9.1f %6.1f\n' "4k-$w-qd$qd" "$rb" "$iops" "$ratio" \
		"$range" "$(col 3)" "$(col 4)" "$(col 5)" "$(col 6)" | tee -a "$out/table.txt"
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/table.txt"
echo "rbd.sh: results in $out"
