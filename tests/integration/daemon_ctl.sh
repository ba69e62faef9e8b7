#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fcnvmectl against the real daemon on a software fabric, with a real host
# logged in and doing I/O: what the ports and hosts really look like (text
# and JSON), associations, stats that count the host's commands, RSCN,
# port disable/enable, host invalidate, and config save -> load -> save
# being byte-identical.
NAME=daemon_ctl
. "$(dirname "$0")/lib.sh"

fabric_create
demo_conf > "$tmp/nvmetfcd.conf"
daemon_start "$tmp/nvmetfcd.conf" || exit 1

"$B/tools/fcnvme" perf $(host 1) --nqn "$DEMO_NQN" -q 4 -o 4096 -w randread -t 30 \
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
check "host list shows the initiator with one association" \
	grep -Eq '^p0 +0x20000090fb000001 +0x10000090fb000001 +0x01[0-9a-f]{4} +yes +1$' "$tmp/out"
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
check_not "assoc delete of an unknown id fails" quiet ctl assoc delete 0x1
check "unknown association id is named" bash -c \
	"'$B/tools/fcnvmectl' -s '$SOCK' assoc delete 0x1 2>&1 | grep -q 'no association 0x0000000000000001'"
# fcnvme perf ends when its association is deleted: start the host again.
wait $perf 2>/dev/null
"$B/tools/fcnvme" perf $(host 1) --nqn "$DEMO_NQN" -q 4 -o 4096 -w randread -t 30 \
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
check "I/O works after the link bounce" quiet "$B/tools/fcnvme" perf $(host 2) --nqn "$DEMO_NQN" \
	-q 4 -o 4096 -w write -t 1 --verify

# save -> load -> save is byte-identical, and the saved file checks.
check "config save" quiet ctl config save "$tmp/saved1.conf"
check "saved config passes nvmetfcd -n" quiet "$B/daemon/nvmetfcd" -n -c "$tmp/saved1.conf"
daemon_stop
check "clean exit" test $? = 0
cp "$tmp/saved1.conf" "$tmp/run2.conf"
daemon_start "$tmp/run2.conf" || exit 1
check "config save again" quiet ctl config save "$tmp/saved2.conf"
check "save -> load -> save identical" cmp "$tmp/saved1.conf" "$tmp/saved2.conf"

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
