#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fcnvmectl against the real daemon on a software fabric, with a real host
# logged in and doing I/O: what the ports and hosts really look like (text
# and JSON), associations, stats that count the host's commands, RSCN,
# port disable/enable, host invalidate, and config save -> load -> save
# being byte-identical.
NAME=daemon_ctl
. "$(dirname "$0")/lib.sh"

demo_conf > "$tmp/nvmetfcd.conf"
# A port never creates its fabric: before softhbactl fabric create, the
# daemon refuses to start, says how to create it, and leaves nothing behind.
timeout 20 "$B/daemon/nvmetfcd" -f -c "$tmp/nvmetfcd.conf" -s "$tmp/nofab.sock" \
	-S "$tmp/nofab" >"$tmp/nofab.log" 2>&1
check_not "a missing fabric is refused" test $? = 0
check "the log says the fabric does not exist and how to create it" grep -qx \
	"<4>configuration $tmp/nvmetfcd.conf: port p0: cannot open soft:$FABRIC: fabric $FABRIC does not exist (create it with softhbactl fabric create $FABRIC)" \
	"$tmp/nofab.log"
check "no fabric was created" test ! -e "$FCNVME_SHM_DIR/$FABRIC"

fabric_create
daemon_start "$tmp/nvmetfcd.conf" || exit 1

"$B/tools/fcnvme" perf --seed 1 $(host 1) --nqn "$DEMO_NQN" -q 4 -o 4096 -w randread -t 30 \
	> "$tmp/perf.out" 2>&1 &
perf=$!
bg_pids="$bg_pids $perf"
check "host association appears" bash -c \
	"for i in \$(seq 100); do '$B/tools/fcnvmectl' -s '$SOCK' assoc list | grep -q 0x10000090fb000001 && exit 0; sleep 0.05; done; exit 1"

ctl port list > "$tmp/out"
check "port list shows p0 online with one remote port" \
	grep -Eq '^p0 +soft:f[0-9]+ +1 +0x20000090fa000001 +0x10000090fa000001 +0x01[0-9a-f]{4} +yes +yes +2 +1$' "$tmp/out"
ctl -o json port list > "$tmp/out"
check "port list -o json has the WWPN" grep -q '"wwpn":"0x10000090fa000001"' "$tmp/out"
check "port list -o json has link-up true" grep -q '"link_up":true' "$tmp/out"
ctl host list > "$tmp/out"
check "host list shows the initiator with one association, its NQN, allowed" \
	grep -Eq "^p0 +0x10000090fb000001 +0x01[0-9a-f]{4} +yes +1 +yes +0 +$HOSTNQN +-\$" "$tmp/out"
ctl -o json host list > "$tmp/out"
check "host list -o json" grep -q '"wwpn":"0x10000090fb000001"' "$tmp/out"
ctl assoc list > "$tmp/out"
check "assoc list names host NQN and queue count" \
	grep -Eq "^0x[0-9a-f]{12}0000 +$DEMO_NQN +$HOSTNQN +[0-9]+ +p0 +0x10000090fb000001 +1 +" "$tmp/out"
sleep 0.5
ctl -o json stats > "$tmp/out"
check "stats count the host's reads" bash -c \
	"grep -o '\"commands\":[0-9]*' '$tmp/out' | head -1 | grep -qv ':0$'"
ctl stats > "$tmp/out"
check "stats has a row for the host with its commands" \
	grep -Eq "^host +- +- +- +$HOSTNQN +0x10000090fb000001 +[1-9][0-9]* +[1-9][0-9]* +0 +0 +0 +[1-9]" "$tmp/out"
check "stats has a row for port p0" grep -Eq '^port +p0 +- +- +- +- +[1-9][0-9]* ' "$tmp/out"
ctl -o json stats > "$tmp/out"
check "stats -o json host row has latency percentiles" bash -c \
	"grep -A 12 '\"object\":\"host\"' '$tmp/out' | grep -Eq '\"lat_p99_ns\":[1-9]'"

# Delete the host's association by id: it leaves assoc list (the host sees
# a Disconnect LS and may come back with a new id).
id=$(ctl assoc list | awk '$1 ~ /^0x/ { print $1; exit }')
check "assoc delete of the live association" quiet ctl assoc delete "$id"
check "deleted association gone from assoc list" bash -c \
	"for i in \$(seq 100); do '$B/tools/fcnvmectl' -s '$SOCK' assoc list | grep -q '^$id ' || exit 0; sleep 0.05; done; exit 1"
# The log tells who did it with which arguments, and what it did to the host.
check "assoc delete is logged with the caller's uid, its arguments and result" grep -Eqx \
	"<5>control: uid $(id -u) pid [0-9]+: assoc-delete assoc-id=$id: done" "$DLOG"
check "the controller's end is logged with its cause" grep -Eqx \
	"<5>host $HOSTNQN \(wwpn 0x10000090fb000001\) on port p0: controller [0-9]+ of $DEMO_NQN gone \(association $id\): deleted by the control socket \(assoc delete\)" \
	"$DLOG"
check_not "assoc delete of an unknown id fails" quiet ctl assoc delete 0x1
check "a failed mutation is logged with its reason" grep -Eqx \
	"<4>control: uid $(id -u) pid [0-9]+: assoc-delete assoc-id=0x0000000000000001: failed: .*no association 0x0000000000000001.*" \
	"$DLOG"
check "unknown association id is named" bash -c \
	"'$B/tools/fcnvmectl' -s '$SOCK' assoc delete 0x1 2>&1 | grep -q 'no association 0x0000000000000001'"
# fcnvme perf ends when its association is deleted: start the host again.
wait $perf 2>/dev/null
"$B/tools/fcnvme" perf --seed 1 $(host 1) --nqn "$DEMO_NQN" -q 4 -o 4096 -w randread -t 30 \
	> "$tmp/perf2.out" 2>&1 &
perf=$!
bg_pids="$bg_pids $perf"
check "host associates again after assoc delete" bash -c \
	"for i in \$(seq 100); do '$B/tools/fcnvmectl' -s '$SOCK' assoc list | grep -q 0x10000090fb000001 && exit 0; sleep 0.05; done; exit 1"
check "discovery-event with a host logged in" quiet ctl discovery-event
check "discovery-event on p0" quiet ctl discovery-event p0
check_not "discovery-event on an unknown port fails" quiet ctl discovery-event nope
check "unknown port names the port" bash -c "'$B/tools/fcnvmectl' -s '$SOCK' discovery-event nope 2>&1 | grep -q nope"

# Invalidate the host: its association goes away (the host sees a
# Disconnect/logout and fails or reconnects on its own).
check "host invalidate" quiet ctl host invalidate 0x10000090fb000001
check "association gone after invalidate" bash -c \
	"for i in \$(seq 100); do '$B/tools/fcnvmectl' -s '$SOCK' assoc list | grep -q 0x10000090fb000001 || exit 0; sleep 0.05; done; exit 1"
check_not "invalidating an unknown host fails" quiet ctl host invalidate 0x10000090fbffffff
kill $perf 2>/dev/null; wait $perf 2>/dev/null

# Link down and up: the port says so, and a host can use it again after.
check "port disable" quiet ctl port disable p0
check "port shows link down" bash -c "'$B/tools/fcnvmectl' -s '$SOCK' port show p0 | grep -Eq '^link-up +no$'"
check "port enable" quiet ctl port enable p0
check "port shows link up" bash -c "'$B/tools/fcnvmectl' -s '$SOCK' port show p0 | grep -Eq '^link-up +yes$'"
check "I/O works after the link bounce" quiet "$B/tools/fcnvme" perf --seed 1 $(host 2) --nqn "$DEMO_NQN" \
	-q 4 -o 4096 -w write -t 1 --verify

# save -> load -> save is byte-identical, and the saved file checks.
check "config save" quiet ctl config save "$tmp/saved1.conf"
check "saved config passes nvmetfcd -n" quiet "$B/daemon/nvmetfcd" -n -c "$tmp/saved1.conf"
# -n prints problems and one line, not the configuration; -n -v prints it.
"$B/daemon/nvmetfcd" -n -c "$tmp/saved1.conf" >"$tmp/n.out" 2>"$tmp/n.err"
check "-n: nothing on stdout" test ! -s "$tmp/n.out"
check "-n: configuration OK on stderr" test "$(cat "$tmp/n.err")" = \
	"nvmetfcd: $tmp/saved1.conf: configuration OK"
"$B/daemon/nvmetfcd" -n -v -c "$tmp/saved1.conf" >"$tmp/nv.out" 2>/dev/null
check "-n -v: the normalised configuration" grep -q "^subsystems = (" "$tmp/nv.out"
sed -e "s/soft:$FABRIC/soft:${FABRIC}x/" -e 's/allow_any_host = true/allow_any_host = false/' \
	"$tmp/saved1.conf" >"$tmp/warn.conf"
"$B/daemon/nvmetfcd" -n -c "$tmp/warn.conf" >"$tmp/w.out" 2>"$tmp/w.err"
check "-n: warnings only: exit 0" test $? = 0
check "-n: a port whose fabric does not exist is a warning" grep -Eqx \
	"$tmp/warn.conf:[0-9]+: warning: port p0: fabric ${FABRIC}x does not exist \(create it with softhbactl fabric create ${FABRIC}x\)" \
	"$tmp/w.err"
"$B/daemon/nvmetfcd" -n -c "$S/tests/conf/bad/many-errors.conf" >/dev/null 2>"$tmp/e.err"
check "-n: errors: exit 1" test $? = 1
check "-n: every error, each with file:line" test "$(sed "s|$S/tests/conf/bad/many-errors.conf|FILE|" "$tmp/e.err")" = \
	"$(sed 's/^/nvmetfcd: /' "$S/tests/conf/bad/many-errors.all")"
check "-n: and the count" grep -Eqx "nvmetfcd: $tmp/warn.conf: configuration OK, [1-9][0-9]* warnings?" "$tmp/w.err"
daemon_stop
check "clean exit" test $? = 0
cp "$tmp/saved1.conf" "$tmp/run2.conf"
daemon_start "$tmp/run2.conf" || exit 1
check "config save again" quiet ctl config save "$tmp/saved2.conf"
check "save -> load -> save identical" cmp "$tmp/saved1.conf" "$tmp/saved2.conf"

# "Why can't my host connect?": the target's log says, once per event.
check "the configuration's namespaces are logged as added" grep -qx \
	"<5>configuration: $DEMO_NQN namespace 1 added (268435456 bytes)" "$DLOG"
BADNQN=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000009
H3="--fabric $FABRIC --wwnn 0x20000090fb000003 --wwpn 0x10000090fb000003"
for i in 1 2 3; do
	"$B/tools/fcnvme" id-ctrl $H3 --hostnqn "$BADNQN" --nqn "$DEMO_NQN" >/dev/null 2>&1
done
REFUSED="<4>host $BADNQN (wwpn 0x10000090fb000003) on port p0: refused by $DEMO_NQN: host not allowed (Connect qid 0, status 0x4184, invalid field Connect data byte 512 (hostnqn))"
check "a refused Connect is logged with host, WWPN, port, subsystem, reason, status and field" \
	grep -qx "$REFUSED" "$DLOG"
# Within 5 s the repeats are counted, then summarised: full lines plus what
# the summaries counted make the 3 refusals (normally 1 line + "suppressed 2").
refusals() {
	awk -v full="$REFUSED" '
		$0 == full { n++ }
		index($0, "<4>host port 0x10000090fb000003: suppressed ") &&
		    index($0, "(Connect refused: host not allowed) in 5 s") {
			split($0, w, "suppressed "); split(w[2], v, " "); n += v[1]
		}
		END { print n + 0 }' "$DLOG"
}
for i in $(seq 200); do [ "$(refusals)" = 3 ] && break; sleep 0.05; done
check "the repeats are summarised once the interval is over (3 in all)" test "$(refusals)" = 3
"$B/tools/fcnvme" id-ctrl $H3 --hostnqn "$HOSTNQN" --nqn nqn.2026-11.io.nvmetfcd:typo >/dev/null 2>&1
check "an unknown subsystem is named as such" grep -qx \
	"<4>host $HOSTNQN (wwpn 0x10000090fb000003) on port p0: refused by nqn.2026-11.io.nvmetfcd:typo: subsystem unknown (Connect qid 0, status 0x4182, invalid field Connect data byte 256 (subnqn))" \
	"$DLOG"
"$B/tools/fcnvme" id-ctrl $H3 --hostnqn "$HOSTNQN" --nqn "$DEMO_NQN" >/dev/null 2>&1
check "a host that disconnects: its controller's end says so" wait_for "$DLOG" \
	"^<5>host $HOSTNQN (wwpn 0x10000090fb000003) on port p0: controller [0-9]* of $DEMO_NQN gone (association 0x[0-9a-f]*): by the host (Disconnect LS) or the transport\$" 10
# A host whose commands stop reaching the target: keep-alive expiry, then
# the controller's end with that cause.
"$B/tools/fcnvme" perf --seed 1 --fabric "$FABRIC" --wwnn 0x20000090fb000004 --wwpn 0x10000090fb000004 \
	--hostnqn "$HOSTNQN" --hostid "$HOSTID" --nqn "$DEMO_NQN" --keep-alive-tmo 1 \
	-q 1 -o 4096 -w randread -t 8 >"$tmp/ka.out" 2>&1 &
kapid=$!
bg_pids="$bg_pids $kapid"
check "the keep-alive host connects" wait_for "$DLOG" \
	"^<5>host $HOSTNQN (wwpn 0x10000090fb000004) on port p0: connected to $DEMO_NQN " 10
"$B/tools/softhbactl" --fabric "$FABRIC" fault drop cmd count 1000000 port 0x10000090fb000004 >/dev/null
check "keep-alive expiry is logged" wait_for "$DLOG" \
	"^<4>host $HOSTNQN (wwpn 0x10000090fb000004) on port p0: keep-alive timeout on $DEMO_NQN (controller [0-9]*): no command for 1000 ms; deleting association 0x[0-9a-f]*\$" 10
check "and the controller's end with that cause" wait_for "$DLOG" \
	"^<5>host $HOSTNQN (wwpn 0x10000090fb000004) on port p0: controller [0-9]* of $DEMO_NQN gone (association 0x[0-9a-f]*): keep-alive timeout\$" 10
"$B/tools/softhbactl" --fabric "$FABRIC" fault clear >/dev/null
wait $kapid 2>/dev/null
# The link goes down under a host: its controller's end says so.
"$B/tools/fcnvme" perf --seed 1 $(host 5) --nqn "$DEMO_NQN" -q 1 -o 4096 -w randread -t 8 \
	>"$tmp/ld.out" 2>&1 &
ldpid=$!
bg_pids="$bg_pids $ldpid"
check "the host on the port connects" wait_for "$DLOG" \
	"^<5>host $HOSTNQN (wwpn 0x10000090fb000005) on port p0: connected to $DEMO_NQN " 10
quiet ctl port disable p0
check "link down: the controller's end names the cause" wait_for "$DLOG" \
	"^<5>host $HOSTNQN (wwpn 0x10000090fb000005) on port p0: controller [0-9]* of $DEMO_NQN gone (association 0x[0-9a-f]*): host port gone (link down)\$" 10
quiet ctl port enable p0
kill $ldpid 2>/dev/null
wait $ldpid 2>/dev/null
check "clean exit" daemon_stop

# A fabric directory another user made first is not adopted: nvmetfcd
# refuses to start and its log names the path and the reason.
if [ "$(id -u)" = 0 ]; then
	mkdir -m 700 "$tmp/othershm" "$tmp/othershm/$FABRIC"
	chown 65534 "$tmp/othershm/$FABRIC"
	FCNVME_SHM_DIR=$tmp/othershm timeout 20 "$B/daemon/nvmetfcd" -f -c "$tmp/run2.conf" \
		-s "$tmp/other.sock" -S "$tmp/otherstate" >"$tmp/other.log" 2>&1
	check_not "a fabric dir of uid 65534 is refused" test $? = 0
	check "the log names the fabric dir and its owner" grep -q \
		"cannot open soft:$FABRIC: $tmp/othershm/$FABRIC is owned by uid 65534" "$tmp/other.log"
	check "nothing was created in it" test ! -e "$tmp/othershm/$FABRIC/fabric"
fi
finish
