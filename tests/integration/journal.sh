#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# nvmetfcd's journal fields through a real systemd-journald: the test runs
# in a private mount namespace (unshare -m) with tmpfs over /run/systemd and
# /run/log, starts Debian's systemd-journald there (it opens its own
# sockets when not socket-activated) and nvmetfcd as systemd starts it (not
# in the foreground, $INVOCATION_ID set), then asks journalctl for the
# entries by field: a refused Connect by SUBSYS_NQN= and HOST_NQN=, with
# PRIORITY=4, PORT= and HOST_WWPN=; the accepted host's connect by
# HOST_WWPN=; a control mutation with the caller's uid; and that nothing
# went to stderr after the daemon said it was ready. Skipped (77) without root,
# unshare or systemd-journald.
if [ -z "${JOURNAL_TEST_NS:-}" ]; then
	JOURNALD=/lib/systemd/systemd-journald
	if [ "$(id -u)" != 0 ] || [ ! -x "$JOURNALD" ] || ! command -v journalctl >/dev/null ||
		! command -v unshare >/dev/null || [ ! -s /etc/machine-id ]; then
		echo "journal: needs root, unshare, $JOURNALD and /etc/machine-id: skipped"
		exit 77
	fi
	JOURNAL_TEST_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
NAME=journal
. "$(dirname "$0")/lib.sh"

mount -t tmpfs tmpfs /run/systemd || { echo "cannot mount a private /run/systemd"; exit 1; }
mount -t tmpfs tmpfs /run/log || { echo "cannot mount a private /run/log"; exit 1; }
# a persistent journal directory is the machine's: hide it too
[ ! -d /var/log/journal ] || mount -t tmpfs tmpfs /var/log/journal ||
	{ echo "cannot hide /var/log/journal"; exit 1; }
mkdir -p /run/systemd/journal
/lib/systemd/systemd-journald >"$tmp/journald.log" 2>&1 &
bg_pids="$bg_pids $!"
for i in $(seq 100); do
	[ -S /run/systemd/journal/socket ] && break
	sleep 0.05
done
check "journald opened its socket" [ -S /run/systemd/journal/socket ]
J="journalctl -D /run/log/journal --no-pager -q"

OTHER=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000002
acl_conf '{ nsid = 1; backend = "null"; size = "1G"; }' "$HOSTNQN" >"$tmp/nvmetfcd.conf"
fabric_create
INVOCATION_ID=0123456789abcdef0123456789abcdef "$B/daemon/nvmetfcd" -c "$tmp/nvmetfcd.conf" \
	-s "$SOCK" -S "$tmp/state" >"$tmp/out" 2>"$tmp/err" &
dpid=$!
for i in $(seq 200); do
	ctl status >/dev/null 2>&1 && break
	sleep 0.05
done
check "nvmetfcd is up" quiet ctl status

# A refused host, then an allowed one, then a control mutation.
"$B/tools/fcnvme" id-ctrl --fabric "$FABRIC" -w nn-0x20000090fb000002:pn-0x10000090fb000002 \
	-q "$OTHER" -n "$DEMO_NQN" >/dev/null 2>&1
check "the refused host's id-ctrl fails" [ $? -eq 1 ]
check "the allowed host's id-ctrl works" quiet "$B/tools/fcnvme" id-ctrl $(host 3) -n "$DEMO_NQN"
check "namespace add" quiet ctl namespace add "$DEMO_NQN" null size 1G nsid 7

# journal_wait FIELD=VALUE... PATTERN: until an entry with those fields has
# PATTERN in its MESSAGE (journald writes asynchronously)
journal_wait() {
	local pat=${*: -1} i
	for i in $(seq 100); do
		$J -o cat "${@:1:$#-1}" 2>/dev/null | grep -q -- "$pat" && return 0
		sleep 0.05
	done
	echo "no entry ${*:1:$#-1} with '$pat'; the journal has:"
	$J -o verbose | tail -60
	return 1
}
check "refused Connect by SUBSYS_NQN and HOST_NQN" \
	journal_wait "SUBSYS_NQN=$DEMO_NQN" "HOST_NQN=$OTHER" "refused by $DEMO_NQN: host not allowed"
$J -o export "SUBSYS_NQN=$DEMO_NQN" "HOST_NQN=$OTHER" >"$tmp/refused"
check "refused Connect: PRIORITY=4 ($(grep '^PRIORITY=' "$tmp/refused" | head -1))" \
	grep -qx 'PRIORITY=4' "$tmp/refused"
check "refused Connect: PORT=p0" grep -qx 'PORT=p0' "$tmp/refused"
check "refused Connect: HOST_WWPN ($(grep '^HOST_WWPN=' "$tmp/refused" | head -1))" \
	grep -qx 'HOST_WWPN=0x10000090fb000002' "$tmp/refused"
check "refused Connect: SYSLOG_IDENTIFIER=nvmetfcd" grep -qx 'SYSLOG_IDENTIFIER=nvmetfcd' "$tmp/refused"
check "accepted host by HOST_WWPN" \
	journal_wait HOST_WWPN=0x10000090fb000003 "connected to $DEMO_NQN"
check_not "the accepted host is not under the refused host's WWPN" \
	sh -c "$J -o cat HOST_WWPN=0x10000090fb000002 | grep -q 'connected to'"
check "control mutation with uid and arguments" \
	journal_wait SYSLOG_IDENTIFIER=nvmetfcd "control: uid 0 pid [0-9]*: namespace-add .*nsid=7.*: done"

daemon_stop
check "nvmetfcd stopped cleanly" [ $? -eq 0 ]
# Until it is up, a daemon outside the foreground also says everything on
# stderr (here a file, not the journal's stream); after "ready", nothing.
check "stderr ends at the ready line ($(tail -2 "$tmp/err"))" \
	sh -c "tail -1 '$tmp/err' | grep -q '^nvmetfcd: nvmetfcd .* ready '"
check "the early lines are in the journal too" \
	journal_wait SYSLOG_IDENTIFIER=nvmetfcd "port p0: soft:$FABRIC online"
finish
