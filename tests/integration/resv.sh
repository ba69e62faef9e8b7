#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Reservations with the real daemon and two fcnvme hosts (other host NQN
# and host identifier): both register, A acquires Write Exclusive; B's
# write fails with Reservation Conflict (status 0x83), B's read works;
# the report shows the holder and both registrants (exact lines); B
# preempts and aborts A while A writes: A's write conflicts now, B's works. With PTPL on,
# kill -9 the daemon, start it again: the report is the same, and
# fcnvmectl namespace show lists holder, type, generation and registrants.
# A corrupt state file is logged and ignored. A reload turns reservations
# off (refused while a host is registered) and on again in place, under
# I/O, and so does fcnvmectl namespace set (with read-only, all or
# nothing). config save and export keep "reservations = true".
NAME=resv
. "$(dirname "$0")/lib.sh"

HOSTA=$HOSTNQN
HOSTB=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000002
IDA=00000000-0000-4000-8000-000000000001
IDB=00000000-0000-4000-8000-0000000000b2
acl_conf '{ nsid = 1; backend = "ram"; size = "1M"; reservations = true; }' \
	"$HOSTA" "$HOSTB" >"$tmp/nvmetfcd.conf"
fabric_create
daemon_start "$tmp/nvmetfcd.conf" || exit 1

HA="--fabric $FABRIC -w nn-0x20000090fb000001:pn-0x10000090fb000001 -q $HOSTA -I $IDA --nqn $DEMO_NQN"
HB="--fabric $FABRIC -w nn-0x20000090fb000002:pn-0x10000090fb000002 -q $HOSTB -I $IDB --nqn $DEMO_NQN"
fc() { "$B/tools/fcnvme" "$@"; }
# a fixed pattern: nothing random in this test
yes "resv block pattern" | head -c 512 >"$tmp/blk"
# wr NAME HOSTOPTS / rd NAME HOSTOPTS: block 0 of namespace 1, errors in
# $tmp/NAME.err
wr() { fc write $2 -n 1 -c 0 -d "$tmp/blk" 2>"$tmp/$1.err"; }
rd() { fc read $2 -n 1 -c 0 -d "$tmp/$1.bin" 2>"$tmp/$1.err"; }
CONFLICT="fcnvme write: Write of 1 blocks at LBA 0: Reservation Conflict (0x0083)"

check "id-ns: RESCAP 0xff (every type, IEKEY, PTPL)" bash -c \
	"'$B/tools/fcnvme' id-ns $HA -n 1 | grep -qx 'rescap    : 0xff'"
check "A registers" fc resv-register $HA -n 1 -k 0xaaaa
check "B registers" fc resv-register $HB -n 1 --nrkey=0xbbbb
check "A acquires Write Exclusive" fc resv-acquire $HA -n 1 -c 0xaaaa -t 1
out=$(fc resv-acquire $HA -n 1 -c 0xaaaa -t 1)
check "resv-acquire prints nvme-cli's line" [ "$out" = "NVME Reservation Acquire success" ]
check "A writes" wr wa "$HA"
check_not "B cannot write" wr wb "$HB"
check "B's write: Reservation Conflict, status 0x83 ($(cat "$tmp/wb.err"))" \
	grep -qxF "$CONFLICT" "$tmp/wb.err"
check "B reads" rd rb "$HB"
check "B read what A wrote" cmp -s "$tmp/blk" "$tmp/rb.bin"

fc resv-report $HB -n 1 >"$tmp/rep.out" 2>&1
cat >"$tmp/rep.want" <<OUT

NVME Reservation status:

gen       : 2
rtype     : 1
regctl    : 2
ptpls     : 0

regctlext[0] :
  cntlid     : ffff
  rcsts      : 1
  rkey       : aaaa
  hostid     : 00000000000040008000000000000001

regctlext[1] :
  cntlid     : ffff
  rcsts      : 0
  rkey       : bbbb
  hostid     : 000000000000400080000000000000b2

OUT
if diff -u "$tmp/rep.want" "$tmp/rep.out"; then ok; else bad "resv-report"; fi

# B preempts and aborts A while A writes (fcnvme perf, which stops at its
# first error): the Acquire waits in the daemon for A's writes in flight
# (a drain on A's I/O queue, run by the I/O thread); A is no registrant
# any more and its next write conflicts.
# (perf's -w is the workload and -q the depth: A's names in long options)
PA="--fabric $FABRIC --host-traddr nn-0x20000090fb000001:pn-0x10000090fb000001"
PA="$PA --hostnqn $HOSTA -I $IDA --nqn $DEMO_NQN"
fc perf $PA -w randwrite -o 512 -q 16 -t 20 --seed 1 >"$tmp/perf.out" 2>"$tmp/perf.err" &
perf=$!
sleep 1
check "B preempts and aborts A" fc resv-acquire $HB -n 1 -c 0xbbbb -p 0xaaaa -t 1 -a 2
rc=0
wait "$perf" || rc=$?
sed 's/^/  perf: /' "$tmp/perf.out" "$tmp/perf.err"
check "A's writes ran until the preempt, then conflicted (perf exit 1)" \
	bash -c "[ $rc = 1 ] && grep -q 'IOPS' '$tmp/perf.out' &&
		 grep -q 'I/O failed: Reservation Conflict (0x0083)' '$tmp/perf.err'"
check_not "A cannot write now" wr wa2 "$HA"
check "A's write: status 0x83" grep -qxF "$CONFLICT" "$tmp/wa2.err"
check "B writes now" wr wb2 "$HB"
check_not "A cannot acquire (not registered)" fc resv-acquire $HA -n 1 -c 0xaaaa -t 1 2>"$tmp/acq.err"
check "... Reservation Conflict" grep -qxF \
	"fcnvme resv-acquire: Reservation Acquire: Reservation Conflict (0x0083)" "$tmp/acq.err"

# PTPL: B sets it, A registers again; kill -9 and restart keep it all.
check "B: PTPL on" fc resv-register $HB -n 1 -r 0 -k 0xbbbb -p 3
check "A registers again" fc resv-register $HA -n 1 -k 0xa2
fc resv-report $HA -n 1 -o json >"$tmp/before.json"
check "report: B holds type 1, 2 registrants, PTPL" python3 - "$tmp/before.json" <<'P'
import json, sys
o = json.load(open(sys.argv[1]))
r = {e["rkey"]: e["rcsts"] for e in o["regctlext"]}
sys.exit(0 if o["rtype"] == 1 and o["regctl"] == 2 and o["ptpls"] == 1 and
         r == {"0xbbbb": 1, "0xa2": 0} else 1)
P
check "the state file is there" test -s "$tmp/state/$DEMO_NQN/ns1.resv"
kill -9 "$dpid"
wait "$dpid" 2>/dev/null
dpid=
rm -f "$SOCK"
daemon_start "$tmp/nvmetfcd.conf" || exit 1
fc resv-report $HA -n 1 -o json >"$tmp/after.json"
check "after kill -9 and restart: the same report" cmp -s "$tmp/before.json" "$tmp/after.json"
check_not "A still cannot write (B holds Write Exclusive)" wr wa3 "$HA"
check "B writes" wr wb3 "$HB"
ctl namespace show "$DEMO_NQN" 1 >"$tmp/show.out"
cat >"$tmp/show.want" <<OUT
reservations    yes
resv-generation 4
resv-type       write-exclusive
resv-holder     000000000000400080000000000000b2
ptpl            yes
registrants     000000000000400080000000000000b2:0xbbbb,00000000000040008000000000000001:0xa2
OUT
grep -E '^(reservations|resv-|ptpl|registrants)' "$tmp/show.out" >"$tmp/show.got"
if diff -u "$tmp/show.want" "$tmp/show.got"; then ok; else bad "fcnvmectl namespace show"; fi
# The operator clears: no registrant, A writes again.
check "namespace resv-clear" ctl namespace resv-clear "$DEMO_NQN" 1
fc resv-report $HA -n 1 -o json >"$tmp/cleared.json"
check "report after resv-clear: generation 5, no registrant" python3 -c \
	'import json,sys; o=json.load(open(sys.argv[1])); sys.exit(0 if (o["gen"], o["rtype"], o["regctl"], o["regctlext"]) == (5, 0, 0, []) else 1)' \
	"$tmp/cleared.json"
check "A writes after resv-clear" wr wa5 "$HA"

# An unreadable state file: the namespace comes up without reservations,
# and the log says why.
daemon_stop
check "a clean stop keeps the state file (cleared: gen 5, nothing else)" \
	[ "$(cat "$tmp/state/$DEMO_NQN/ns1.resv")" = "gen 5" ]
echo "reg zz" >>"$tmp/state/$DEMO_NQN/ns1.resv"
daemon_start "$tmp/nvmetfcd.conf" || exit 1
check "a corrupt state file is logged" grep -q "ns1.resv is corrupt" "$DLOG"
check "... and ignored: A writes" wr wa4 "$HA"

# Reservations off and on by a reload, in place: refused while a host is
# registered (nothing changes), then off once cleared; a perf running
# through both reloads sees no error; off, the commands are gone and RESCAP
# is 0; on again, empty and enforced.
# resv_conf BOOL: the config with reservations = BOOL
resv_conf() {
	acl_conf "{ nsid = 1; backend = \"ram\"; size = \"1M\"; reservations = $1; }" \
		"$HOSTA" "$HOSTB" >"$tmp/nvmetfcd.conf"
}
check "A registers (key 0xc1)" fc resv-register $HA -n 1 -k 0xc1
# host A's NQN and identifier on a port of its own (fcnvme holds its port)
PA3="--fabric $FABRIC --host-traddr nn-0x20000090fb000003:pn-0x10000090fb000003"
PA3="$PA3 --hostnqn $HOSTA -I $IDA --nqn $DEMO_NQN"
fc perf $PA3 -w randrw -o 512 -q 8 -t 6 --seed 2 >"$tmp/perf2.out" 2>"$tmp/perf2.err" &
perf=$!
sleep 1
resv_conf false
ctl config reload >"$tmp/off1.out" 2>&1
rc=$?
check "reload with reservations off while A is registered: refused (exit $rc)" [ $rc -ne 0 ]
check "  saying why and how to clear ($(cat "$tmp/off1.out"))" grep -qF \
	"namespace 1 has 1 registered host, which would be lost; clear them first (fcnvmectl namespace resv-clear $DEMO_NQN 1)" \
	"$tmp/off1.out"
fc resv-report $HB -n 1 -o json >"$tmp/still.json"
check "  A is still registered" python3 -c \
	'import json,sys; o=json.load(open(sys.argv[1])); sys.exit(0 if [e["rkey"] for e in o["regctlext"]] == ["0xc1"] else 1)' \
	"$tmp/still.json"
check "namespace resv-clear" ctl namespace resv-clear "$DEMO_NQN" 1
check "reload with reservations off" quiet ctl config reload
check "  logged" wait_for "$DLOG" "namespace 1: reservations off" 5
check "  id-ns: RESCAP 0" bash -c \
	"'$B/tools/fcnvme' id-ns $HA -n 1 | grep -qx 'rescap    : 0'"
check_not "  Reservation Register is gone" fc resv-register $HA -n 1 -k 0xc2 2>"$tmp/gone.err"
check "  ... Invalid Command Opcode ($(cat "$tmp/gone.err"))" grep -qF "Invalid Command Opcode" \
	"$tmp/gone.err"
check "  no state file" test ! -e "$tmp/state/$DEMO_NQN/ns1.resv"
ctl namespace show "$DEMO_NQN" 1 >"$tmp/show2.out"
check_not "  namespace show: no reservation lines" grep -qE "^(reservations|resv-|registrants)" \
	"$tmp/show2.out"
resv_conf true
check "reload with reservations on again" quiet ctl config reload
rc=0
wait "$perf" || rc=$?
check "the perf through both reloads had no error (exit $rc, $(grep -h 'error' "$tmp/perf2.err" "$tmp/perf2.out" | head -n 1))" \
	bash -c "[ $rc = 0 ] && grep -q 'IOPS' '$tmp/perf2.out'"
check "  id-ns: RESCAP 0xff" bash -c \
	"'$B/tools/fcnvme' id-ns $HA -n 1 | grep -qx 'rescap    : 0xff'"
fc resv-report $HA -n 1 -o json >"$tmp/again.json"
check "  empty: generation 0, no registrant" python3 -c \
	'import json,sys; o=json.load(open(sys.argv[1])); sys.exit(0 if (o["gen"], o["rtype"], o["regctl"]) == (0, 0, 0) else 1)' \
	"$tmp/again.json"
check "  A registers" fc resv-register $HA -n 1 -k 0xc3
check "  A acquires Write Exclusive" fc resv-acquire $HA -n 1 -c 0xc3 -t 1
check_not "  B cannot write" wr wb6 "$HB"
check "  ... Reservation Conflict" grep -qxF "$CONFLICT" "$tmp/wb6.err"
check "namespace resv-clear" ctl namespace resv-clear "$DEMO_NQN" 1

# The same at run time: fcnvmectl namespace set (reservations, read-only).
check "namespace set reservations no" ctl namespace set "$DEMO_NQN" 1 reservations no
check "  id-ns: RESCAP 0" bash -c \
	"'$B/tools/fcnvme' id-ns $HA -n 1 | grep -qx 'rescap    : 0'"
check "namespace set reservations yes read-only yes" \
	ctl namespace set "$DEMO_NQN" 1 reservations yes read-only yes
check_not "  A cannot write (read-only)" wr wa7 "$HA"
check "  ... Namespace Write Protected ($(cat "$tmp/wa7.err"))" grep -qF "Write Protected" \
	"$tmp/wa7.err"
check "namespace set read-only no" ctl namespace set "$DEMO_NQN" 1 read-only no
check "  A writes" wr wa8 "$HA"
check "  A registers" fc resv-register $HA -n 1 -k 0xc4
ctl namespace set "$DEMO_NQN" 1 reservations no read-only yes >"$tmp/set.out" 2>&1
rc=$?
check "namespace set reservations no while A is registered: refused (exit $rc)" [ $rc -ne 0 ]
check "  all or nothing ($(cat "$tmp/set.out"))" grep -qF \
	"namespace 1 has 1 registered host, which would be lost; clear them first (fcnvmectl namespace resv-clear $DEMO_NQN 1); nothing was changed" \
	"$tmp/set.out"
check "  A still writes (read-only set back)" wr wa9 "$HA"
check "namespace resv-clear" ctl namespace resv-clear "$DEMO_NQN" 1

# config save and export keep the setting.
check "config save" ctl config save "$tmp/saved.conf"
check "the saved file has reservations = true" grep -q "reservations = true;" "$tmp/saved.conf"
ctl config export >"$tmp/c.json"
check "config export has it" python3 -c \
	'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["subsystems"][0]["namespaces"][0]["reservations"] is True else 1)' \
	"$tmp/c.json"
ctl config import "$tmp/c.json" >"$tmp/import.out" 2>&1
check "config import of the export changes nothing ($(cat "$tmp/import.out"))" \
	[ "$(cat "$tmp/import.out")" = "no changes" ]

daemon_stop
check "daemon exit 0" [ $? -eq 0 ]
finish
