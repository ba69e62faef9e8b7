#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The rbd benchmark (not a test): an rbd namespace served by nvmetfcd
# against `rbd bench --rbd_cache=false` on the same image of a private
# single-node Ceph cluster (tests/ceph/cluster.sh, memstore OSD), in one
# run: 4 KiB random read and write at QD1 and QD32. The image (256 MiB) is
# written whole first, so reads hit real objects. For nvmetfcd the host is
# `fcnvme perf` on the software fabric; the target's CPU per I/O is the
# daemon's user+system time (its I/O threads and librados' threads) divided
# by the I/Os done. Prints one row per point and the ratio to rbd bench.
#
# Usage: bench/rbd.sh [-b BUILDDIR] [-t SECS] [-o RESULTS_DIR]
# Environment: POLL=hybrid (default) or busy, the I/O thread's poll mode.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build
secs=5
out=
while getopts "b:t:o:h" opt; do
	case $opt in
	b) build=$OPTARG ;;
	t) secs=$OPTARG ;;
	o) out=$OPTARG ;;
	*) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
	esac
done
build=$(cd "$build" && pwd)
for t in daemon/nvmetfcd tools/fcnvme tools/softhbactl; do
	[ -x "$build/$t" ] || { echo "rbd.sh: $build/$t not built" >&2; exit 1; }
done
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
	[ -n "$dpid" ] && kill -TERM "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
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
"$build/tools/softhbactl" fabric create "$fabric" >/dev/null
cat >"$tmp/t.conf" <<EOF
ports = ( { name = "p0"; dev = "soft:$fabric"; shm_dir = "$FCNVME_SHM_DIR";
	wwnn = "0x20000090fa00b0e1"; wwpn = "0x10000090fa00b0e1"; hw_queues = 1;
	poll = "${POLL:-hybrid}"; } );
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
HOST=(--fabric "$fabric" --wwnn 0x20000090fa00b0a1 --wwpn 0x10000090fa00b0a1
	--hostnqn nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-0000000b0a01)

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
field() { grep -o "\"$2\": *[0-9.]*" "$1" | head -1 | sed 's/.*: *//'; }

printf '%-18s %12s %12s %7s %16s\n' point rbd-bench nvmetfcd ratio target-us/IO | tee "$out/table.txt"
hz=$(getconf CLK_TCK)
for p in "randread 1" "randread 32" "randwrite 1" "randwrite 32"; do
	set -- $p
	w=$1 qd=$2
	# rbd bench: a fixed number of ops sized for about $secs seconds
	ops=$((secs * (qd == 1 ? 1500 : 8000)))
	$RBD bench --io-type "${w#rand}" --io-pattern rand --io-size 4096 --io-threads "$qd" \
		--io-total $((ops * 4096)) --rbd_cache=false rbd/bench >"$out/rbdbench-$w-$qd.txt" 2>&1
	rb=$(awk '/elapsed:/ { for (i = 1; i <= NF; i++) if ($i == "ops/sec:") print $(i + 1) }' \
		"$out/rbdbench-$w-$qd.txt")
	c0=$(cpu_ticks "$dpid")
	"$build/tools/fcnvme" perf "${HOST[@]}" --nqn "$NQN" -w "$w" -q "$qd" -o 4096 -t "$secs" \
		--json >"$out/nvmetfcd-$w-$qd.json" 2>"$out/nvmetfcd-$w-$qd.err"
	c1=$(cpu_ticks "$dpid")
	iops=$(field "$out/nvmetfcd-$w-$qd.json" iops)
	us=$(awk -v c=$((c1 - c0)) -v hz="$hz" -v i="$iops" -v s="$secs" \
		'BEGIN { printf "%.1f", (i > 0 ? c / hz / (i * s) * 1e6 : 0) }')
	ratio=$(awk -v a="$iops" -v b="$rb" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	printf '%-18s %12.0f %12.0f %7s %16s\n' "4k-$w-qd$qd" "$rb" "$iops" "$ratio" "$us" |
		tee -a "$out/table.txt"
done
echo "rbd.sh: results in $out"
