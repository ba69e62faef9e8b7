#!/usr/bin/env bash
# The quick-start job: a private software fabric, nvmetfcd on conf/demo.conf
# (one port, a 256 MiB RAM namespace), and the fcnvme initiator writing and
# verifying data for a few seconds; then everything is shut down cleanly.
# Usage: demo_run.sh BUILDDIR [SECONDS]
#        demo_run.sh --installed [SECONDS]   (the programs on PATH, e.g. from
#                                            the Debian packages)
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:?usage: demo_run.sh BUILDDIR|--installed [SECONDS]}" = --installed ]; then
	NVMETFCD=$(command -v nvmetfcd || echo /usr/sbin/nvmetfcd)
	FCNVMECTL=$(command -v fcnvmectl || echo /usr/sbin/fcnvmectl)
	FCNVME=$(command -v fcnvme)
	SOFTHBACTL=$(command -v softhbactl)
	DEMO_CONF=/usr/share/nvmetfcd/demo.conf
else
	build=$(cd "$1" && pwd)
	NVMETFCD=$build/daemon/nvmetfcd
	FCNVMECTL=$build/tools/fcnvmectl
	FCNVME=$build/tools/fcnvme
	SOFTHBACTL=$build/tools/softhbactl
	DEMO_CONF=$src/conf/demo.conf
fi
secs=${2:-5}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nvmetfcd-demo.XXXXXX")
FCNVME_SHM_DIR=$(mktemp -d /dev/shm/fcnvme-demo.XXXXXX)
export FCNVME_SHM_DIR
dpid=

cleanup() {
	if [ -n "$dpid" ] && kill -0 "$dpid" 2>/dev/null; then
		kill -TERM "$dpid" 2>/dev/null || true
		wait "$dpid" 2>/dev/null || true
	fi
	"$SOFTHBACTL" fabric destroy demo >/dev/null 2>&1 || true
	rm -rf "$tmp" "$FCNVME_SHM_DIR"
}
trap cleanup EXIT

NQN=nqn.2026-11.io.nvmetfcd:demo
HOSTNQN=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000001
HOST=(--fabric demo --wwnn 0x20000090fa0000a1 --wwpn 0x10000090fa0000a1
      --hostnqn "$HOSTNQN" --hostid 00000000-0000-4000-8000-000000000001)

echo "demo: software fabric 'demo' in $FCNVME_SHM_DIR"
"$SOFTHBACTL" fabric create demo
echo "demo: starting $NVMETFCD with $DEMO_CONF"
"$NVMETFCD" -f -c "$DEMO_CONF" -s "$tmp/ctl.sock" \
	-S "$tmp/state" 2>"$tmp/nvmetfcd.log" &
dpid=$!
for _ in $(seq 100); do
	[ -S "$tmp/ctl.sock" ] && break
	kill -0 "$dpid" 2>/dev/null || { cat "$tmp/nvmetfcd.log"; exit 1; }
	sleep 0.1
done
"$FCNVMECTL" -s "$tmp/ctl.sock" port list
echo
echo "demo: discovery from host port 0x10000090fa0000a1"
"$FCNVME" discover "${HOST[@]}"
echo
echo "demo: ${secs}s of verified 4 KiB random read/write, queue depth 32, 2 I/O queues"
"$FCNVME" perf --seed 1 "${HOST[@]}" --nqn "$NQN" -q 32 -o 4096 -w randrw -M 50 \
	-t "$secs" --queues 2 --verify --output-format json > "$tmp/perf.json"
# Pick numbers out of the JSON with grep: no extra tools needed.
field() { grep -o "\"$1\":[^,}]*" "$tmp/perf.json" | head -1 | cut -d: -f2; }
echo "demo: result"
printf '  IOPS %.0f, %.1f MiB/s, latency avg %.1f us, p99 %.1f us\n' \
	"$(field iops)" "$(field mib_s)" "$(field avg)" "$(field p99)"
printf '  %s I/Os (%s reads, %s writes), %s errors, %s verify errors, %.1f MiB verified\n' \
	"$(field ios)" "$(field reads)" "$(field writes)" "$(field errors)" \
	"$(field verify_errors)" "$(awk -v r="$(field reads)" 'BEGIN { print r * 4096 / 1048576 }')"
verr=$(grep -o '"verify_errors":[0-9]*' "$tmp/perf.json" | cut -d: -f2)
errs=$(grep -o '"errors":[0-9]*' "$tmp/perf.json" | head -1 | cut -d: -f2)
echo
echo "demo: stopping nvmetfcd (SIGTERM)"
kill -TERM "$dpid"
wait "$dpid"
rc=$?
dpid=
echo "demo: nvmetfcd exited with status $rc"
if [ "$rc" != 0 ] || [ "${verr:-1}" != 0 ] || [ "${errs:-1}" != 0 ]; then
	echo "demo: FAILED"; cat "$tmp/nvmetfcd.log"; exit 1
fi
echo "demo: OK — every byte read back matched what was written"
