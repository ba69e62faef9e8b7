#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fcnvme against the real nvmetfcd: a host the subsystem does not allow
# gets the Connect status decoded from the target's response (text and
# JSON), and perf --verify's prefill of a large namespace stops promptly on
# SIGINT and on SIGTERM with exit status 130 and a clear message, shows its
# progress on a terminal (script(1) gives it one) and nothing otherwise.
# perf --poll hybrid against the daemon's hybrid I/O thread (both sides
# sleep on their CQs and wake each other through the firmware) verifies
# every read of a ram namespace with no error, and so does perf over 8
# associations at once, busy and hybrid.
NAME=fcnvme_nvmetfcd
. "$(dirname "$0")/lib.sh"

TRADDR=nn-0x20000090fa000001:pn-0x10000090fa000001
acl_conf '{ nsid = 1; backend = "null"; size = "64G"; },
	{ nsid = 2; backend = "ram"; size = "16M"; }' "$HOSTNQN" >"$tmp/nvmetfcd.conf"
fabric_create
daemon_start "$tmp/nvmetfcd.conf" || exit 1

# A host that is not in the subsystem's list.
OTHER=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000002
HO="--fabric $FABRIC -w nn-0x20000090fb000002:pn-0x10000090fb000002 -q $OTHER"
"$B/tools/fcnvme" id-ctrl $HO -n "$DEMO_NQN" >"$tmp/deny.out" 2>"$tmp/deny.err"
rc=$?
check "refused host: exit 1" [ $rc -eq 1 ]
check "refused host: decoded status ($(cat "$tmp/deny.err"))" [ "$(cat "$tmp/deny.err")" = \
	"fcnvme id-ctrl: cannot connect to $DEMO_NQN at $TRADDR: Connect (admin): Connect Invalid Host: host $OTHER is not allowed on $DEMO_NQN (0x4184)" ]
"$B/tools/fcnvme" id-ctrl $HO -n "$DEMO_NQN" -o json >"$tmp/denyj.out" 2>"$tmp/denyj.err"
rc=$?
check "refused host, JSON: exit 1, stdout empty" [ $rc -eq 1 ] && [ ! -s "$tmp/denyj.out" ]
check "refused host, JSON: one object on stderr ($(cat "$tmp/denyj.err"))" python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).read())
sys.exit(o != {"error": {"message": "cannot connect to %s at %s: Connect (admin): Connect Invalid Host: host %s is not allowed on %s (0x4184)" % (sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[2]), "status": 0x4184}})
' "$tmp/denyj.err" "$DEMO_NQN" "$TRADDR" "$OTHER"

# The prefill of 64 GiB takes minutes: a signal must end it within ~2 s.
# prefill_stop SIG NAME [prefix...]: start perf --verify, send SIG after 1 s
prefill_stop() {
	local sig=$1 name=$2 pid t0 t1 rc
	shift 2
	"$@" "$B/tools/fcnvme" perf --seed 1 $(host 1) -n 1 --nqn "$DEMO_NQN" -q 8 -o 4096 -w randread \
		-t 5 --verify >"$tmp/$name.out" 2>"$tmp/$name.err" &
	pid=$!
	sleep 1
	t0=$(date +%s%N)
	kill -"$sig" $pid
	wait $pid
	rc=$?
	t1=$(date +%s%N)
	echo "$name: stopped $(( (t1 - t0) / 1000000 )) ms after SIG$sig, exit $rc"
	check "$name: ends within 2 s of SIG$sig" [ $(( (t1 - t0) / 1000000 )) -lt 2000 ]
	check "$name: exit status 130 (was $rc)" [ $rc -eq 130 ]
	check "$name: says so ($(tail -c 300 "$tmp/$name.err"))" \
		grep -Eq "fcnvme perf: prefill interrupted after [0-9]+ of 65536 MiB; nothing measured" "$tmp/$name.err"
	check "$name: no result printed" [ ! -s "$tmp/$name.out" ]
}
prefill_stop INT int
prefill_stop TERM term
check_not "no progress when stderr is not a terminal" grep -q 'prefill  *[0-9]*%' "$tmp/int.err"
if command -v script >/dev/null 2>&1; then
	# script runs perf on a pseudo-terminal (exec: perf is script's child,
	# and the signal goes to perf itself)
	SHELL=/bin/sh script -qefc "exec $B/tools/fcnvme perf --seed 1 $(host 1) -n 1 --nqn $DEMO_NQN -q 8 -o 4096 -w randread -t 5 --verify" \
		"$tmp/tty.log" >/dev/null 2>&1 &
	spid=$!
	for _ in $(seq 100); do
		ppid=$(pgrep -P $spid 2>/dev/null | head -1)
		[ -n "$ppid" ] && break
		sleep 0.05
	done
	# interrupt once the prefill shows progress (script -f writes the log
	# as output comes): a fixed second was sometimes spent still
	# connecting on a loaded machine
	for _ in $(seq 300); do
		grep -Eq 'prefill +[0-9]+%' "$tmp/tty.log" 2>/dev/null && break
		sleep 0.1
	done
	# perf itself, found again now: script's first child may have been
	# a short-lived one when it was looked for (seen on a loaded machine)
	ppid=$(pgrep -P $spid -f 'fcnvme perf' 2>/dev/null | head -1)
	[ -n "$ppid" ] && kill -INT "$ppid"
	wait $spid
	check "progress on a terminal" grep -Eq 'fcnvme perf: prefill +[0-9]+% \([0-9]+ of 65536 MiB\)' "$tmp/tty.log"
	check "interrupted on a terminal" grep -q 'prefill interrupted after' "$tmp/tty.log"
else
	echo "$NAME: script(1) not found; terminal progress not tested"
fi
# the host port left the fabric: perf still works after all that
check "perf after the interrupted ones" quiet "$B/tools/fcnvme" perf --seed 1 $(host 1) --nqn "$DEMO_NQN" \
	-q 4 -o 4096 -w randrw -t 1
# Both sides sleeping: no wake-up may be lost (a lost one would stall the
# queue until a timeout), every read verified. QD1 makes both sleep often.
for qd in 1 16; do
	"$B/tools/fcnvme" perf $(host 1) --nqn "$DEMO_NQN" -n 2 -q $qd -o 4096 -w randrw -t 2 \
		--seed $((40 + qd)) --verify --poll hybrid --json -v >"$tmp/hy$qd.json" 2>"$tmp/hy$qd.err"
	check "perf --poll hybrid -q $qd: exit 0 ($(cat "$tmp/hy$qd.err"))" [ $? -eq 0 ]
	check "perf -v: says the prefill is done, with the namespace's size ($(cat "$tmp/hy$qd.err"))" \
		grep -Eq "^fcnvme perf: prefill done: 16 MiB in [0-9]+\.[0-9] s$" "$tmp/hy$qd.err"
	check "perf --poll hybrid -q $qd: verified, no error, slept ($(tr -d ' \n' <"$tmp/hy$qd.json"))" \
		python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(not (r["poll"] == "hybrid" and r["errors"] == 0 and r["verify_errors"] == 0 and
	      r["reads"] > 0 and r["writes"] > 0 and r["sleeps"] > 0))
' "$tmp/hy$qd.json"
done
# Many associations at once (--assocs), busy and hybrid: perf polls one
# controller per PERF_CTRL_EVERY passes in turn (all of them after a
# sleep); every controller must stay LIVE (perf stops at the first that
# is not), every read verified, every association doing I/O.
for poll in busy hybrid; do
	"$B/tools/fcnvme" perf $(host 1) --nqn "$DEMO_NQN" -n 2 --assocs 8 -q 2 -o 4096 -w randrw \
		-t 2 --seed 48 --verify --poll $poll --json >"$tmp/as$poll.json" 2>"$tmp/as$poll.err"
	check "perf --assocs 8 --poll $poll: exit 0 ($(cat "$tmp/as$poll.err"))" [ $? -eq 0 ]
	check "perf --assocs 8 --poll $poll: verified, no error ($(tr -d ' \n' <"$tmp/as$poll.json"))" \
		python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(not (r["assocs"] == 8 and r["queue_depth"] == 2 and r["errors"] == 0 and
	      r["verify_errors"] == 0 and not r["interrupted"] and
	      r["reads"] > 1000 and r["writes"] > 1000))
' "$tmp/as$poll.json"
done
finish
