#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Interleaved A/B of one benchmark point: for each pair, a fresh fabric and
# daemon (bench/target.conf.in, I/O thread on TGT_CPU) from build A, one
# `fcnvme perf --json` run on HOST_CPU, then the same from build B. Printing
# one line per run (IOPS, avg/p50/p99 us, initiator and target CPU%, load)
# lets two builds be compared under the same background load, which whole
# bench/run.sh tables taken minutes apart cannot do on a shared machine.
#
# Usage: bench/ab.sh BUILD_A BUILD_B POLL BACKEND WORKLOAD IO_SIZE QD [PAIRS] [SECS]
#   e.g. bench/ab.sh /tmp/base/b build-perf hybrid ram randread 4096 1 3 2
# PERF_ARGS: more fcnvme perf options for both (e.g. "--assocs 64"; QD is
# then per association). MDTS: the port's mdts (e.g. 64K, as scale.sh uses
# for many associations; the prefill then writes at most that much at a
# time). PREFILL: 1 (the default) writes the 256 MiB
# namespace whole (bench_prefill, not counted) before a workload that
# reads from a backend other than null, so that reads copy written pages
# rather than the shared zero page; 0 skips it.
set -euo pipefail
[ $# -ge 7 ] || { sed -n '3,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
src=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$src/bench/lib.sh"
a=$(cd "$1" && pwd) b=$(cd "$2" && pwd)
poll=$3 be=$4 wl=$5 bs=$6 qd=$7 pairs=${8:-3} secs=${9:-2}
tgt_cpu=${TGT_CPU:-1}
host_cpu=${HOST_CPU:-0}
hz=$(getconf CLK_TCK)
prefill=0
case ${PREFILL:-1}:$be:$wl in
1:null:*|1:*:write|1:*:randwrite) ;;
1:*) prefill=1 ;;
0:*) ;;
*) echo "ab.sh: PREFILL is 0 or 1, not '$PREFILL'" >&2; exit 2 ;;
esac
# the prefill's writes fit the port's mdts (bench_prefill writes 128 KiB
# unless told otherwise)
if [ -n "${MDTS:-}" ] && [ -z "${BENCH_PREFILL_BS:-}" ]; then
	m=$(numfmt --from=iec "$MDTS" 2>/dev/null) || { echo "ab.sh: MDTS '$MDTS' is not a size" >&2; exit 2; }
	[ "$m" -ge 131072 ] || BENCH_PREFILL_BS=$m
fi
tmp=
dpid=

cleanup() {
	bench_stop "$dpid"
	dpid=
	[ -n "$tmp" ] && rm -rf "$tmp" "$FCNVME_SHM_DIR"
	tmp=
}
trap cleanup EXIT
bench_host_args ab

one() {		# build label
	local build=$1 label=$2 c0 c1 t0 t1 rc=0
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/nvmetfcd-ab.XXXXXX")
	FCNVME_SHM_DIR=$(mktemp -d /dev/shm/fcnvme-ab.XXXXXX)
	export FCNVME_SHM_DIR
	bench_conf "$src" ab "$be" "$poll" "$tgt_cpu" \
		-e "s/poll = \"$poll\";/poll = \"$poll\";${MDTS:+ mdts = \"$MDTS\";}/" >"$tmp/c.conf"
	"$build/tools/softhbactl" fabric create ab >/dev/null
	taskset -c "$tgt_cpu" "$build/daemon/nvmetfcd" -f -c "$tmp/c.conf" \
		-s "$tmp/ctl.sock" -S "$tmp/state" 2>"$tmp/d.log" &
	dpid=$!
	bench_wait_sock "$dpid" "$tmp/ctl.sock" || { cat "$tmp/d.log" >&2; exit 1; }
	if [ "$prefill" = 1 ]; then
		bench_prefill "$tmp/prefill.json" 256 taskset -c "$host_cpu" "$build/tools/fcnvme" perf \
			"${BENCH_HOST[@]}" --nqn "$BENCH_NQN" || exit 1
	fi
	c0=$(bench_ticks "$dpid"); t0=$(date +%s.%N)
	# shellcheck disable=SC2086 # PERF_ARGS: several options
	taskset -c "$host_cpu" "$build/tools/fcnvme" perf "${BENCH_HOST[@]}" \
		--nqn "$BENCH_NQN" -q "$qd" -o "$bs" -w "$wl" \
		-t "$secs" ${PERF_ARGS:-} --json > "$tmp/p.json" 2>"$tmp/p.err" || rc=$?
	c1=$(bench_ticks "$dpid"); t1=$(date +%s.%N)
	if [ "$rc" != 0 ]; then
		echo "$label FAILED (rc $rc): $(head -c 200 "$tmp/p.err")"
	else
		printf '%-2s %10.0f IOPS  avg %7.1f  p50 %7.3f  p99 %8.3f us  hcpu %3.0f%%  tcpu %s%%  load %s\n' \
			"$label" "$(bench_field "$tmp/p.json" iops)" "$(bench_field "$tmp/p.json" avg)" \
			"$(bench_field "$tmp/p.json" p50)" "$(bench_field "$tmp/p.json" p99)" \
			"$(bench_field "$tmp/p.json" cpu_percent)" \
			"$(awk -v a="$c0" -v b="$c1" -v s="$t0" -v e="$t1" -v hz="$hz" \
				'BEGIN { printf "%.0f", (b - a) / hz / (e - s) * 100 }')" \
			"$(bench_load)"
	fi
	kill -TERM "$dpid"; wait "$dpid" || true; dpid=
	"$build/tools/softhbactl" fabric destroy ab >/dev/null 2>&1 || true
	rm -rf "$tmp" "$FCNVME_SHM_DIR"; tmp=
}

echo "# $poll $be $wl $bs QD$qd, ${secs}s per run, prefill $prefill; A=$a B=$b"
for _ in $(seq "$pairs"); do
	one "$a" A
	one "$b" B
done
