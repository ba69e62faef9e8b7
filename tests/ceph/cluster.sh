#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A private single-node Ceph cluster for the rbd tests and benchmarks: one
# monitor and one memstore OSD from Debian's packages (ceph-mon ceph-osd
# ceph-common), no mgr, every file (config, keyring, stores, sockets, pid
# files, logs) under one directory. Bring-up takes about 1.5 s.
#
#   cluster.sh start DIR    create and start; prints CEPH_CONF=DIR/ceph.conf
#   cluster.sh stop DIR     stop the daemons (pid files) and remove DIR
#   cluster.sh alive DIR    exit 0 when the mon and the OSD both run
#   cluster.sh report DIR   what a failed test needs to tell a stuck cluster
#                           from a stuck client (bounded, never fails): the
#                           daemons' state, the OSD's ops in flight, the
#                           tails of the logs; the logs are copied to
#                           DIR.log, which stop leaves in place
#
# Knobs: CEPH_TEST_POOL (default "rbd"), CEPH_TEST_EXTRA (lines added to
# [global]). Without a mgr, "ceph pg stat" / "ceph osd df" never answer and
# health turns to WARN: wrap every ceph call in timeout(1) and never assert
# HEALTH_OK. On any failure the daemons already started are stopped again.
set -euo pipefail

say() { echo "cluster.sh: $*" >&2; }
fail() { say "$*"; exit 1; }

MARK=.nvmetfcd-ceph-test

# Whether pid $1 is a daemon of cluster directory $2 (its command line names
# our ceph.conf), so a reused pid is never signalled.
is_ours() {
	[ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2/ceph.conf"
}

# stop_daemons DIR: TERM the OSD, then the mon (the other way round the OSD
# waits for a mon to say goodbye to), KILL whatever is left after 5 s.
stop_daemons() {
	local d=$1 who pid n
	for who in osd.0 mon.a; do
		pid=$(cat "$d/run/ceph-$who.pid" 2>/dev/null) || continue
		case $pid in '' | *[!0-9]*) continue ;; esac
		is_ours "$pid" "$d" || continue
		kill -TERM "$pid" 2>/dev/null || true
		for n in $(seq 50); do
			is_ours "$pid" "$d" || break
			sleep 0.1
		done
		is_ours "$pid" "$d" && kill -KILL "$pid" 2>/dev/null
		rm -f "$d/run/ceph-$who.pid"
	done
	return 0
}

# report DIR: see the usage above; every ceph call bounded by timeout(1)
report() {
	local d=$1 who pid sock
	[ -e "$d/$MARK" ] || fail "$d is not a test cluster directory"
	set +e
	for who in mon.a osd.0; do
		pid=$(cat "$d/run/ceph-$who.pid" 2>/dev/null)
		if [ -n "$pid" ] && is_ours "$pid" "$d"; then
			echo "== $who: pid $pid, state $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)"
		else
			echo "== $who: not running"
		fi
	done
	sock=$d/run/ceph-osd.0.asok
	echo "== ceph -s"
	timeout 10 ceph -c "$d/ceph.conf" -s 2>&1 | head -30
	echo "== ceph osd dump (head)"
	timeout 10 ceph -c "$d/ceph.conf" osd dump 2>&1 | head -12
	for c in status dump_ops_in_flight dump_blocked_ops "log dump"; do
		echo "== osd.0 $c"
		# shellcheck disable=SC2086
		timeout 10 ceph --admin-daemon "$sock" $c 2>&1 | head -60
	done
	echo "== mon.a mon_status"
	timeout 10 ceph --admin-daemon "$d/run/ceph-mon.a.asok" mon_status 2>&1 |
		grep -E '"(name|state|election_epoch|quorum_age)"|error|ERROR'
	for who in osd.0 mon.a; do
		echo "== ceph-$who.log: its complaints (the last 30)"
		grep -E 'slow|heartbeat|fail|timed out|wrongly|marked|down|error|reset|fault|stale|expired' \
			"$d/log/ceph-$who.log" 2>/dev/null | tail -n 30
		echo "== ceph-$who.log (last 40 lines)"
		tail -n 40 "$d/log/ceph-$who.log" 2>/dev/null
	done
	rm -rf "$d.log"
	cp -r "$d/log" "$d.log" 2>/dev/null
	echo "== the cluster's logs are kept in $d.log"
	return 0
}

remove() {
	local d=$1
	[ -e "$d" ] || return 0
	[ -e "$d/$MARK" ] || fail "$d is not a test cluster directory; not touching it"
	stop_daemons "$d"
	rm -rf "$d"
}

# free_port: a port nothing listens on, below the ephemeral range (a port
# in it may be the local end of any outgoing connection, and the monitor's
# bind then fails with EADDRINUSE)
free_port() {
	local p i lo
	lo=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null) || lo=32768
	[ "${lo:-0}" -gt 12000 ] || lo=32768
	for i in $(seq 100); do
		p=$((10000 + RANDOM % (lo - 10000)))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

start() {
	local d=$1 port fsid osd_uuid pool=${CEPH_TEST_POOL:-rbd} b
	for b in ceph-mon ceph-osd ceph-authtool monmaptool ceph rbd; do
		command -v "$b" >/dev/null ||
			fail "$b is missing (apt-get install --no-install-recommends ceph-mon ceph-osd ceph-common)"
	done
	remove "$d"
	mkdir -p "$d/run" "$d/log" "$d/mon" "$d/osd/ceph-0"
	touch "$d/$MARK"
	started=0
	trap 'rc=$?; if [ $started = 0 ]; then say "bring-up failed"; tail -n 5 "$d"/log/*.log 2>/dev/null >&2; stop_daemons "$d"; fi; exit $rc' EXIT
	trap 'exit 143' TERM INT HUP
	port=$(free_port) || fail "no free TCP port"
	fsid=$(cat /proc/sys/kernel/random/uuid)
	osd_uuid=$(cat /proc/sys/kernel/random/uuid)
	cat >"$d/ceph.conf" <<EOF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$port
public addr = 127.0.0.1
ms bind msgr1 = false
keyring = $d/keyring
run dir = $d/run
crash dir = $d/log
admin socket = $d/run/\$cluster-\$name.\$pid.asok
log file = $d/log/\$cluster-\$name.log
mon data = $d/mon/\$cluster-\$id
osd data = $d/osd/\$cluster-\$id
osd objectstore = memstore
# memstore: sparse 4 KiB pages, so memory follows the data written
memstore page set = true
memstore page size = 4096
memstore device bytes = 17179869184
osd pool default size = 1
osd pool default min size = 1
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false
auth allow insecure global id reclaim = false
mon data avail warn = 2
mon data avail crit = 1
# The tests freeze the OSD (SIGSTOP) for up to ~15 s. A PG's read lease is
# osd_heartbeat_grace x this ratio (20 s x 0.8 by default); an op that
# reaches a PG whose lease ran out in a freeze marks it laggy, and Ceph 16
# never clears that on a PG with no replicas to acknowledge a renewal: it
# is stuck for good ("waiting for readable"). A 120 s lease outlasts every
# freeze; with one OSD nothing else waits on it.
osd pool default read lease ratio = 6
# a single mon commits map changes at once instead of every second
paxos propose interval = 0.05
paxos min wait = 0.01
${CEPH_TEST_EXTRA:-}

[mon]
mon cluster log file = $d/log/cluster.log
pid file = $d/run/ceph-\$name.pid
admin socket = $d/run/ceph-\$name.asok

[osd]
pid file = $d/run/ceph-\$name.pid
admin socket = $d/run/ceph-\$name.asok
EOF
	ceph-authtool --create-keyring "$d/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
	ceph-authtool "$d/keyring" --gen-key -n client.admin --cap mon 'allow *' \
		--cap osd 'allow *' --cap mgr 'allow *' >/dev/null
	ceph-authtool "$d/keyring" --gen-key -n osd.0 --cap mon 'allow profile osd' \
		--cap osd 'allow *' >/dev/null
	monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$port]" "$d/monmap" >/dev/null
	ceph-mon -c "$d/ceph.conf" -i a --mkfs --monmap "$d/monmap" --keyring "$d/keyring" \
		>"$d/log/mon-mkfs.out" 2>&1 || fail "mon mkfs: $(tail -n 2 "$d/log/mon-mkfs.out")"
	# --no-mon-config: mkfs must not wait for a monitor
	ceph-osd -c "$d/ceph.conf" -i 0 --no-mon-config --mkfs --osd-uuid "$osd_uuid" \
		>"$d/log/osd-mkfs.out" 2>&1 || fail "osd mkfs: $(tail -n 2 "$d/log/osd-mkfs.out")"
	ceph-mon -c "$d/ceph.conf" -i a </dev/null >"$d/log/mon.out" 2>&1 || fail "ceph-mon did not start"
	timeout 30 ceph -c "$d/ceph.conf" osd new "$osd_uuid" 0 >/dev/null || fail "osd new"
	ceph-osd -c "$d/ceph.conf" -i 0 </dev/null >"$d/log/osd.out" 2>&1 || fail "ceph-osd did not start"
	timeout 30 ceph -c "$d/ceph.conf" osd pool create "$pool" 8 8 replicated >/dev/null 2>&1 ||
		fail "pool create"
	# pool init writes to the pool: it returns once the OSD serves
	timeout 30 rbd -c "$d/ceph.conf" pool init "$pool" || fail "rbd pool init (OSD not up?)"
	started=1
	echo "CEPH_CONF=$d/ceph.conf"
}

case "${1:-}" in
start | stop | alive | report) [ $# = 2 ] || fail "usage: $0 start|stop|alive|report DIR" ;;
*) fail "usage: $0 start|stop|alive|report DIR" ;;
esac
D=$(realpath -m "$2")
case "$D" in / | /tmp | /var | /etc | /home | /root | /usr) fail "refusing $D" ;; esac
case "$1" in
start) start "$D" ;;
stop) remove "$D" ;;
report) report "$D" ;;
alive)
	for who in mon.a osd.0; do
		pid=$(cat "$D/run/ceph-$who.pid" 2>/dev/null) || exit 1
		is_ours "$pid" "$D" || exit 1
	done
	;;
esac
