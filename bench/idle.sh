#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What an idle target costs, and how fast it wakes up. One fabric, nvmetfcd
# with two hybrid-polled hw queues (bench/target.conf.in, ram namespace),
# then:
#   1. no host: the daemon's CPU time over SECS (from /proc/PID/stat);
#   2. one connected, idle host (`fcnvme mount`, keep-alive only): the same;
#   3. wake-up: REPS times, after IDLE seconds without I/O, one 4 KiB
#      O_DIRECT read of the mounted namespace file, timed; then a second
#      read right after it (warm). The difference of the medians is what
#      waking the idle I/O thread costs (both go through FUSE and fcnvme).
# Needs /dev/fuse and python3. Prints one table; nothing is asserted.
#
# Usage: bench/idle.sh [-b BUILDDIR] [-t SECS] [-r REPS] [-i IDLE]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$src/bench/lib.sh"
build=$src/build secs=10 reps=5 idle=3
while getopts b:t:r:i: o; do
	case $o in
	b) build=$(cd "$OPTARG" && pwd) ;;
	t) secs=$OPTARG ;;
	r) reps=$OPTARG ;;
	i) idle=$OPTARG ;;
	*) sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
bench_need idle.sh "$build" || exit 2
hz=$(getconf CLK_TCK)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nvmetfcd-idle.XXXXXX")
FCNVME_SHM_DIR=$(mktemp -d /dev/shm/fcnvme-idle.XXXXXX)
export FCNVME_SHM_DIR
dpid='' mpid=''
cleanup() {
	[ -n "$mpid" ] && { fusermount3 -u "$tmp/mnt" 2>/dev/null || fusermount3 -u -z "$tmp/mnt" 2>/dev/null || true; }
	[ -n "$mpid" ] && { wait "$mpid" 2>/dev/null || true; }
	bench_stop "$dpid"
	rm -rf "$tmp" "$FCNVME_SHM_DIR"
}
trap cleanup EXIT

"$build/tools/softhbactl" fabric create idle >/dev/null
bench_conf "$src" idle ram hybrid "0, 1" -e "s/hw_queues = 1;/hw_queues = 2;/" >"$tmp/t.conf"
"$build/daemon/nvmetfcd" -f -c "$tmp/t.conf" -s "$tmp/ctl.sock" -S "$tmp/state" 2>"$tmp/d.log" &
dpid=$!
bench_wait_sock "$dpid" "$tmp/ctl.sock" || { echo "idle.sh: the daemon did not start" >&2; cat "$tmp/d.log" >&2; exit 1; }
sleep 1

cpu_over() { # seconds -> "percent of one core"
	local a b
	a=$(bench_ticks "$dpid")
	sleep "$1"
	b=$(bench_ticks "$dpid")
	awk -v d=$((b - a)) -v hz="$hz" -v s="$1" 'BEGIN { printf "%.2f", 100 * d / hz / s }'
}

no_host=$(cpu_over "$secs")

mkdir -p "$tmp/mnt"
"$build/tools/fcnvme" mount --fabric idle --wwnn 0x20000090fa00b0a1 --wwpn 0x10000090fa00b0a1 \
	--hostnqn "$BENCH_HOSTNQN" --nqn "$BENCH_NQN" "$tmp/mnt" >"$tmp/m.log" 2>&1 &
mpid=$!
for _ in $(seq 150); do [ -f "$tmp/mnt/ns1" ] && break; sleep 0.1; done
[ -f "$tmp/mnt/ns1" ] || { echo "idle.sh: fcnvme mount did not come up" >&2; cat "$tmp/m.log" >&2; exit 1; }
sleep 1
idle_host=$(cpu_over "$secs")

wake=$(python3 - "$tmp/mnt/ns1" "$reps" "$idle" <<'PY'
import mmap, os, statistics, sys, time
path, reps, idle = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
buf = mmap.mmap(-1, 4096)
fd = os.open(path, os.O_RDONLY | os.O_DIRECT)
cold, warm = [], []
for i in range(reps):
    time.sleep(idle)
    for lst in (cold, warm):
        t0 = time.perf_counter_ns()
        os.preadv(fd, [buf], 4096 * (i + 1))
        lst.append((time.perf_counter_ns() - t0) / 1000)
print("%.0f %.0f %.0f %.0f" % (statistics.median(cold), max(cold), statistics.median(warm), max(warm)))
PY
)
read -r cold_med cold_max warm_med warm_max <<<"$wake"

printf '%-44s %s\n' "daemon CPU, no host (${secs} s)" "${no_host} % of a core"
printf '%-44s %s\n' "daemon CPU, one idle connected host (${secs} s)" "${idle_host} % of a core"
printf '%-44s %s\n' "4 KiB read after ${idle} s idle (median/max of $reps)" "${cold_med} / ${cold_max} us"
printf '%-44s %s\n' "4 KiB read right after (median/max)" "${warm_med} / ${warm_max} us"
printf '%-44s %s\n' "wake-up cost (median difference)" "$((cold_med - warm_med)) us"
echo "(hw queues 2, poll hybrid, ram backend; load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs)"
