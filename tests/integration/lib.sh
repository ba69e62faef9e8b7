# SPDX-License-Identifier: Apache-2.0
# Shared helpers for the daemon's integration tests: a private software
# fabric, nvmetfcd started from a config, fcnvmectl/fcnvme wrappers, and a
# pass/fail tally. Source it after setting NAME; it installs an EXIT trap
# that stops everything it started and removes the temp directory.
: "${top_builddir:?}" "${top_srcdir:?}" "${NAME:?}"
B=$top_builddir
S=$top_srcdir
tmp=$(mktemp -d "${TMPDIR:-/tmp}/$NAME.XXXXXX")
# The fabric lives in tmpfs (/dev/shm), as in production: a port's DMA
# window on a disk-backed file would be written back to disk.
FCNVME_SHM_DIR=$(mktemp -d "/dev/shm/fcnvme-$NAME.XXXXXX")
export FCNVME_SHM_DIR
FABRIC=f$$
SOCK=$tmp/ctl.sock
DLOG=$tmp/nvmetfcd.log
HOSTNQN=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000001
HOSTID=00000000-0000-4000-8000-000000000001
DEMO_NQN=nqn.2026-11.io.nvmetfcd:demo
dpid=
bg_pids=
pass=0
fail=0

lib_cleanup() {
	[ -n "${KEEP_TMP:-}" ] &&
		{ echo "kept $tmp $FCNVME_SHM_DIR"; tmp=/nonexistent; FCNVME_SHM_DIR=/nonexistent; }
	local p
	for p in $bg_pids; do kill "$p" 2>/dev/null; done
	if [ -n "$dpid" ]; then
		kill -TERM "$dpid" 2>/dev/null
		wait "$dpid" 2>/dev/null
	fi
	for p in $bg_pids; do wait "$p" 2>/dev/null; done
	"$B/tools/softhbactl" fabric destroy "$FABRIC" >/dev/null 2>&1
	rm -rf "$tmp" "$FCNVME_SHM_DIR"
}
trap lib_cleanup EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# check DESCRIPTION COMMAND...: the command must succeed
check() { local d=$1; shift; if "$@"; then ok; else bad "$d"; fi; }
# check_not DESCRIPTION COMMAND...: the command must fail
check_not() { local d=$1; shift; if "$@"; then bad "$d"; else ok; fi; }
finish() {
	echo "$NAME: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# demo_conf > FILE: conf/demo.conf on this test's private fabric
demo_conf() { sed "s/soft:demo/soft:$FABRIC/" "$S/conf/demo.conf"; }

# acl_conf NAMESPACES HOSTNQN... > FILE: one port p0 (WWPN
# 0x10000090fa000001) on this test's fabric and the subsystem $DEMO_NQN
# exported on it to the given hosts only; NAMESPACES is the text inside
# its "namespaces = ( ... );".
acl_conf() {
	local ns=$1 hosts="" h
	shift
	for h in "$@"; do hosts+="${hosts:+, }\"$h\""; done
	cat <<CONF
ports = (
	{
		name = "p0";
		dev = "soft:$FABRIC";
		wwnn = "0x20000090fa000001";
		wwpn = "0x10000090fa000001";
	}
);
subsystems = (
	{
		nqn = "$DEMO_NQN";
		allow_any_host = false;
		hosts = [ $hosts ];
		ports = [ "p0" ];
		namespaces = ( $ns );
	}
);
CONF
}

fabric_create() { "$B/tools/softhbactl" fabric create "$FABRIC"; }

# notify_start: a NOTIFY_SOCKET of our own, $notify; what the daemon sends
# to it is logged, one message a line, in $nlog (notify_listen.c)
notify_start() {
	notify=$tmp/notify.sock
	nlog=$tmp/notify.log
	"$B/tests/integration/notify_listen" "$notify" "$nlog" 60 &
	bg_pids="$bg_pids $!"
	for _ in $(seq 100); do [ -S "$notify" ] && break; sleep 0.05; done
}

# daemon_start CONF [extra args]: start nvmetfcd, wait for its socket
daemon_start() {
	local conf=$1 i
	shift
	"$B/daemon/nvmetfcd" -f -c "$conf" -s "$SOCK" -S "$tmp/state" "$@" \
		>>"$DLOG" 2>&1 &
	dpid=$!
	for i in $(seq 200); do
		[ -S "$SOCK" ] && "$B/tools/fcnvmectl" -s "$SOCK" status >/dev/null 2>&1 && return 0
		kill -0 "$dpid" 2>/dev/null || { echo "nvmetfcd died:"; cat "$DLOG"; dpid=; return 1; }
		sleep 0.05
	done
	echo "nvmetfcd did not open its socket"; cat "$DLOG"
	return 1
}

# daemon_stop: SIGTERM and wait; returns the daemon's exit status
daemon_stop() {
	local rc
	kill -TERM "$dpid"
	wait "$dpid"
	rc=$?
	dpid=
	return $rc
}

ctl() { "$B/tools/fcnvmectl" -s "$SOCK" "$@"; }

# host N: the options of initiator port number N (1..9) on our fabric
host() {
	echo "--fabric $FABRIC --wwnn 0x20000090fb00000$1 --wwpn 0x10000090fb00000$1" \
	     "--hostnqn $HOSTNQN --hostid $HOSTID"
}

# wait_for FILE PATTERN SECONDS: until grep finds PATTERN in FILE
wait_for() {
	eventually "$3" grep -q -- "$2" "$1" 2>/dev/null
}

# eventually SECONDS COMMAND...: until COMMAND succeeds, for SECONDS of
# wall-clock time (at least once)
eventually() {
	local end=$(($(date +%s%3N) + $1 * 1000))
	shift
	while :; do
		"$@" && return 0
		[ "$(date +%s%3N)" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# quiet COMMAND...: run it with its output discarded
quiet() { "$@" >/dev/null 2>&1; }
