#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Referrals end to end: two nvmetfcd on one soft fabric; daemon A's
# discovery log refers hosts to daemon B's discovery port (a subtype 1
# entry, fcnvme discover's "discovery subsystem referral", as nvme-cli
# prints it) with B's exact traddr and portid, only to the hosts the
# referral names; fcnvmectl referral list/add/set/del (text and JSON), the
# generation counter moving, the control log line, config reload (dry run
# and real) of an edited file, a changed referral changed in place (one
# generation step) with its TREQ, config export/import (JSON) and config
# save keeping the referrals; fcnvme discover --follow-referrals reading
# the referred logs (each port once, loops, an unreachable referral).
NAME=referral
. "$(dirname "$0")/lib.sh"

A_TRADDR=nn-0x20000090fa0000a1:pn-0x10000090fa0000a1
B_TRADDR=nn-0x20000090fa0000b1:pn-0x10000090fa0000b1
B_NQN=nqn.2026-11.io.nvmetfcd:b
OTHER=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000002
DISC_NQN=nqn.2014-08.org.nvmexpress.discovery

# Daemon A: port p0 (portid 1), referral r1 to B's port for HOSTNQN only.
a_conf() {
	cat <<CONF
ports = ( { name = "p0"; dev = "soft:$FABRIC"; wwnn = "0x20000090fa0000a1";
	    wwpn = "0x10000090fa0000a1"; } );
referrals = (
	{ name = "r1"; traddr = "$B_TRADDR"; portid = 7; ports = [ "p0" ];
	  hosts = [ "$HOSTNQN" ]; }$1
);
CONF
}
a_conf "" >"$tmp/a.conf"
# Daemon B: port portid 7 with one subsystem; B_SOCK, B_LOG its own.
B_SOCK=$tmp/b.sock
B_LOG=$tmp/b.log
cat >"$tmp/b.conf" <<CONF
ports = ( { name = "pb"; dev = "soft:$FABRIC"; portid = 7; wwnn = "0x20000090fa0000b1";
	    wwpn = "0x10000090fa0000b1"; } );
subsystems = ( { nqn = "$B_NQN"; allow_any_host = true; ports = [ "pb" ];
		 namespaces = ( { backend = "null"; size = "1M"; } ); } );
CONF
fabric_create
daemon_start "$tmp/a.conf" || exit 1
"$B/daemon/nvmetfcd" -f -c "$tmp/b.conf" -s "$B_SOCK" -S "$tmp/bstate" >>"$B_LOG" 2>&1 &
bg_pids="$bg_pids $!"
for i in $(seq 200); do
	"$B/tools/fcnvmectl" -s "$B_SOCK" status >/dev/null 2>&1 && break
	sleep 0.05
done

# disc HOSTNQN [args]: A's discovery log as that host
disc() {
	local q=$1
	shift
	"$B/tools/fcnvme" discover --fabric "$FABRIC" -w nn-0x20000090fb000001:pn-0x10000090fb000001 \
		-q "$q" -I "$HOSTID" -a "$A_TRADDR" "$@"
}
# A's log as fcnvme discover prints it: the current discovery subsystem
# entry (A's own port), then one referral to B per portid given, with the
# generation counter as G (norm FILE does the same to an output).
ref_log() {
	local i=1 p
	printf '\n%s\n' "Discovery Log Number of Records $(($# + 1)), Generation counter G"
	printf '%s\n' "=====Discovery Log Entry 0======" "trtype:  fc" "adrfam:  fibre-channel" \
		"subtype: current discovery subsystem" \
		"treq:    not specified, sq flow control disable supported" "portid:  1" \
		"trsvcid: none" "subnqn:  $DISC_NQN" "traddr:  $A_TRADDR" \
		"eflags:  duplicate returned information, explicit discovery connections"
	for p; do
		printf '%s\n' "=====Discovery Log Entry $i======" "trtype:  fc" \
			"adrfam:  fibre-channel" "subtype: discovery subsystem referral" \
			"treq:    not specified" "portid:  $p" "trsvcid: none" \
			"subnqn:  $DISC_NQN" "traddr:  $B_TRADDR" "eflags:  none"
		i=$((i + 1))
	done
}
norm() { sed 's/Generation counter [0-9]*$/Generation counter G/' "$1"; }
# disc_is WHAT HOSTNQN PORTID...: A's log as that host is exactly that
disc_is() {
	local what=$1 q=$2
	shift 2
	disc "$q" >"$tmp/disc.out" 2>&1
	ref_log "$@" >"$tmp/disc.want"
	norm "$tmp/disc.out" >"$tmp/disc.norm"
	check "$what: the log lists referrals to portid(s) ${*:-none}" \
		diff -u "$tmp/disc.want" "$tmp/disc.norm"
}
gen() { disc "$HOSTNQN" | sed -n 's/.*Generation counter \([0-9]*\)$/\1/p'; }

disc_is "listed host" "$HOSTNQN" 7
gen1=$(gen)
disc_is "other host" "$OTHER"
disc "$HOSTNQN" -o json >"$tmp/d1.json" 2>&1
check "JSON: the referral record ($(cat "$tmp/d1.json"))" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["discovery"][0]["records"]
sys.exit(r[1:] != [{"trtype": "fc", "adrfam": "fibre-channel",
	"subtype": "discovery subsystem referral", "treq": "not specified", "portid": 7,
	"trsvcid": "none", "subnqn": sys.argv[3], "traddr": sys.argv[2], "eflags": "none"}])
' "$tmp/d1.json" "$B_TRADDR" "$DISC_NQN"
# The referred service is real: B's log lists its subsystem.
"$B/tools/fcnvme" discover --fabric "$FABRIC" -w nn-0x20000090fb000001:pn-0x10000090fb000001 \
	-q "$HOSTNQN" -I "$HOSTID" -a "$B_TRADDR" >"$tmp/db" 2>&1
check "B's discovery log lists $B_NQN ($(cat "$tmp/db"))" grep -q "^subnqn:  $B_NQN$" "$tmp/db"

# --follow-referrals: A's log, then the log of the service it refers to,
# byte for byte what each port gives when asked directly; B once although
# two referrals (portids 7 and 9) name it; B referring back to A (a loop)
# reads nothing twice; a referral to a port not on the fabric is said and
# makes the exit status 1, the other logs still printed.
disc "$HOSTNQN" >"$tmp/da" 2>&1
cat "$tmp/da" "$tmp/db" >"$tmp/follow.want"
disc "$HOSTNQN" --follow-referrals >"$tmp/follow.out" 2>&1
check "follow: A's log then B's ($(cat "$tmp/follow.out"))" diff -u "$tmp/follow.want" "$tmp/follow.out"
disc "$OTHER" --follow-referrals >"$tmp/follow2.out" 2>&1
disc "$OTHER" >"$tmp/follow2.want" 2>&1
check "follow as a host without referrals: A's log only" diff -u "$tmp/follow2.want" "$tmp/follow2.out"
check "B refers back to A" "$B/tools/fcnvmectl" -s "$B_SOCK" referral add back "$A_TRADDR" portid 1 port pb
check "A refers to B again (portid 9)" ctl referral add r9 "$B_TRADDR" portid 9 port p0
disc "$HOSTNQN" >"$tmp/da" 2>&1
"$B/tools/fcnvme" discover --fabric "$FABRIC" -w nn-0x20000090fb000001:pn-0x10000090fb000001 \
	-q "$HOSTNQN" -I "$HOSTID" -a "$B_TRADDR" >"$tmp/db2" 2>&1
cat "$tmp/da" "$tmp/db2" >"$tmp/follow.want"
disc "$HOSTNQN" --follow-referrals >"$tmp/follow.out" 2>&1
rc=$?
check "loop: A then B, each once ($(cat "$tmp/follow.out"))" diff -u "$tmp/follow.want" "$tmp/follow.out"
check "  exit status 0 ($rc)" [ "$rc" -eq 0 ]
check "  B's log refers back to A" grep -qx "traddr:  $A_TRADDR" "$tmp/db2"
disc "$HOSTNQN" --follow-referrals -o json >"$tmp/follow.json" 2>&1
check "follow -o json: B referred by A ($(cat "$tmp/follow.json"))" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["discovery"]
sys.exit([(x["traddr"], x.get("referred_by")) for x in d] !=
	 [(sys.argv[2], None), (sys.argv[3], sys.argv[2])] or
	 [r["subtype"] for r in d[1]["records"]] !=
	 ["current discovery subsystem", "nvme subsystem", "discovery subsystem referral"])
' "$tmp/follow.json" "$A_TRADDR" "$B_TRADDR"
NOWHERE=nn-0x20000090fa0000c1:pn-0x10000090fa0000c1
check "A refers to a port not on the fabric" ctl referral add gone "$NOWHERE" port p0
disc "$HOSTNQN" --follow-referrals >"$tmp/follow3.out" 2>"$tmp/follow3.err"
rc=$?
check "  exit status 1 ($rc)" [ "$rc" -eq 1 ]
check "  says which referral it could not follow ($(cat "$tmp/follow3.err"))" \
	grep -qx "fcnvme discover: $A_TRADDR refers to $NOWHERE, which is not logged in on this fabric for this port" \
	"$tmp/follow3.err"
check "  still prints A's and B's logs" \
	[ "$(grep -c '^Discovery Log Number of Records' "$tmp/follow3.out")" -eq 2 ]
check "  without --follow-referrals, exit status 0" quiet disc "$HOSTNQN"
for r in gone r9; do check "referral del $r" ctl referral del "$r"; done
check "B's referral back to A deleted" "$B/tools/fcnvmectl" -s "$B_SOCK" referral del back

# fcnvmectl referral list, text and JSON.
ctl referral list >"$tmp/l1" 2>&1
printf '%s\n' "referral  traddr                                       portid  treq           ports  hosts" \
	"r1        $B_TRADDR  7       not specified  p0     $HOSTNQN" >"$tmp/l1.want"
check "referral list ($(cat "$tmp/l1"))" diff -u "$tmp/l1.want" "$tmp/l1"
ctl -o json referral list >"$tmp/l1.json" 2>&1
check "referral list -o json ($(cat "$tmp/l1.json"))" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
sys.exit(o != [{"referral": "r1", "traddr": sys.argv[2], "portid": 7,
		"treq": "not specified", "ports": ["p0"], "hosts": [sys.argv[3]]}])
' "$tmp/l1.json" "$B_TRADDR" "$HOSTNQN"

# referral del: gone from the log, the generation moves, the log line.
check "referral del r1" ctl referral del r1
disc_is "after del" "$HOSTNQN"
gen2=$(gen)
check "after del: generation $gen1 -> $gen2" [ -n "$gen2" ] && [ "$gen2" -gt "$gen1" ]
check "control log line for referral-del" \
	wait_for "$DLOG" "control: uid [0-9]* pid [0-9]*: referral-del referral=r1: done" 2
check_not "del again: refused" quiet ctl referral del r1
ctl referral del r1 >"$tmp/e1" 2>&1
check "del again: says why ($(cat "$tmp/e1"))" grep -q "no referral r1" "$tmp/e1"

# referral add by fcnvmectl, to every host: the other host sees it too.
check "referral add r2" ctl referral add r2 "${B_TRADDR//0x/}" portid 7 port p0
check "control log line for referral-add" wait_for "$DLOG" \
	"control: uid [0-9]* pid [0-9]*: referral-add portid=7 ports=\[p0\] referral=r2 traddr=$B_TRADDR: done" 2
disc_is "r2, to every host" "$OTHER" 7
ctl referral add r3 "$A_TRADDR" port p0 >"$tmp/e2" 2>&1
check "a referral to the port listing it is refused ($(cat "$tmp/e2"))" \
	grep -q "referral r3: traddr $A_TRADDR is port p0 itself, which lists it" "$tmp/e2"
ctl referral add r3 nn-0x1:pn-0x2 port p0 >"$tmp/e3" 2>&1
check "a bad traddr is refused ($(cat "$tmp/e3"))" \
	grep -q 'TRADDR "nn-0x1:pn-0x2" is not an FC address' "$tmp/e3"
ctl referral add r3 "$B_TRADDR" port nope >"$tmp/e4" 2>&1
check "an unknown port is refused ($(cat "$tmp/e4"))" grep -q "referral r3: no port nope" "$tmp/e4"
ctl port list >/dev/null
ctl referral add r3 "$B_TRADDR" >"$tmp/e5" 2>&1
check "no port is refused ($(cat "$tmp/e5"))" grep -q "give at least one port" "$tmp/e5"

# config save keeps r2 (and only r2), and loads back.
check "config save" ctl config save "$tmp/saved.conf"
check "saved: r2 as written ($(sed -n '/^referrals/,$p' "$tmp/saved.conf"))" \
	grep -qzF "referrals = (
	{
		name = \"r2\";
		traddr = \"$B_TRADDR\";
		portid = 7;
		ports = [ \"p0\" ];
	}
);" "$tmp/saved.conf"
check "saved file parses" quiet "$B/daemon/nvmetfcd" -n -c "$tmp/saved.conf"

# config reload of the edited file: r2 goes, r1 comes back, r4 is new.
a_conf ",
	{ name = \"r4\"; traddr = \"$B_TRADDR\"; portid = 9; ports = [ \"p0\" ]; }" >"$tmp/a.conf"
ctl config reload --dry-run >"$tmp/plan" 2>&1
printf '%s\n' "referral-del r2" \
	"referral-add r1 $B_TRADDR portid 7 port p0 host $HOSTNQN" \
	"referral-add r4 $B_TRADDR portid 9 port p0" >"$tmp/plan.want"
check "reload --dry-run prints the plan" diff -u "$tmp/plan.want" "$tmp/plan"
check "config reload" quiet ctl config reload
disc_is "after reload, listed host (r1, r4)" "$HOSTNQN" 7 9
disc_is "after reload, other host (r4)" "$OTHER" 9

# A changed referral is changed in place: one plan line, the generation
# moves by one (delete and add moved it by two), the entry's TREQ is the
# new one; and back.
a_conf_r1() { # TREQ-SETTING: A's file with r1 given it, and r4
	cat <<CONF
ports = ( { name = "p0"; dev = "soft:$FABRIC"; wwnn = "0x20000090fa0000a1";
	    wwpn = "0x10000090fa0000a1"; } );
referrals = (
	{ name = "r1"; traddr = "$B_TRADDR"; portid = 7; ports = [ "p0" ];
	  hosts = [ "$HOSTNQN" ]; $1 },
	{ name = "r4"; traddr = "$B_TRADDR"; portid = 9; ports = [ "p0" ]; }
);
CONF
}
a_conf_r1 'treq = "not required";' >"$tmp/a.conf"
ctl config reload --dry-run >"$tmp/plan2" 2>&1
printf '%s\n' "referral-set r1 $B_TRADDR portid 7 treq \"not required\" port p0 host $HOSTNQN" \
	>"$tmp/plan2.want"
check "reload --dry-run: referral-set in place" diff -u "$tmp/plan2.want" "$tmp/plan2"
g0=$(gen)
check "config reload (r1: treq not required)" quiet ctl config reload
g1=$(gen)
check "  the generation moved by one ($g0 -> $g1)" [ "$g1" = $((g0 + 1)) ]
disc "$HOSTNQN" >"$tmp/disc2.out" 2>&1
check "  r1's entry: treq not required ($(grep -A5 'portid:  7' "$tmp/disc2.out" | head -n 1))" \
	bash -c "grep -B1 '^portid:  7\$' '$tmp/disc2.out' | grep -qx 'treq:    not required'"
check "  r4's entry: treq not specified" \
	bash -c "grep -B1 '^portid:  9\$' '$tmp/disc2.out' | grep -qx 'treq:    not specified'"
ctl referral list >"$tmp/l4"
check "  referral list shows it" grep -q "^r1 .* 7       not required   p0 " "$tmp/l4"
check "  control log line" wait_for "$DLOG" "referral-set r1" 2
a_conf_r1 "" >"$tmp/a.conf"
check "config reload (back)" quiet ctl config reload
check "  the generation moved by one" [ "$(gen)" = $((g1 + 1)) ]
disc_is "  back" "$HOSTNQN" 7 9
ctl referral add r5 "$B_TRADDR" portid 5 treq required port p0 >"$tmp/e6" 2>&1
check "referral add with treq required ($(cat "$tmp/e6"))" [ ! -s "$tmp/e6" ]
disc "$HOSTNQN" >"$tmp/disc3.out" 2>&1
check "  its entry: treq required" \
	bash -c "grep -B1 '^portid:  5\$' '$tmp/disc3.out' | grep -qx 'treq:    required'"
# referral set: r5 changed in place (portid 8, TREQ not required, the other
# host only): one generation step; the listed host no longer sees it.
g2=$(gen)
check "referral set r5 (portid 8, treq not required, host $OTHER)" \
	ctl referral set r5 "$B_TRADDR" portid 8 treq "not required" port p0 host "$OTHER"
g3=$(gen)
check "  the generation moved by one ($g2 -> $g3)" [ "$g3" = $((g2 + 1)) ]
disc_is "  after set, listed host" "$HOSTNQN" 7 9
disc "$OTHER" >"$tmp/disc4.out" 2>&1
check "  the other host sees it at portid 8, treq not required" \
	bash -c "grep -B1 '^portid:  8\$' '$tmp/disc4.out' | grep -qx 'treq:    not required'"
check_not "  and no referral at portid 5 any more" grep -q '^portid:  5$' "$tmp/disc4.out"
ctl referral list >"$tmp/l5"
check "  referral list shows it ($(grep '^r5 ' "$tmp/l5"))" \
	grep -q "^r5 .* 8       not required   p0     $OTHER\$" "$tmp/l5"
check "  control log line" wait_for "$DLOG" "referral-set .*referral=r5.*: done" 2
ctl referral set r9 "$B_TRADDR" port p0 >"$tmp/e8" 2>&1
check "set of an unknown referral is refused ($(cat "$tmp/e8"))" grep -q "no referral r9" "$tmp/e8"
g4=$(gen)
check "  and changed nothing (generation $g4)" [ "$g4" = "$g3" ]
ctl referral add r6 "$B_TRADDR" portid 6 treq maybe port p0 >"$tmp/e7" 2>&1
check "a bad treq is refused ($(cat "$tmp/e7"))" grep -qF \
	'treq "maybe": give "not specified", "required" or "not required"' "$tmp/e7"
check "referral del r5" ctl referral del r5

# The configuration as JSON: referrals export as objects, import back
# unchanged, and an import without r4 deletes it.
ctl config export >"$tmp/e1.json"
check "export: the referrals ($(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["referrals"])' "$tmp/e1.json"))" \
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["referrals"]
sys.exit(r != [{"name": "r1", "traddr": sys.argv[2], "portid": 7, "ports": ["p0"],
		"hosts": [sys.argv[3]]},
	       {"name": "r4", "traddr": sys.argv[2], "portid": 9, "ports": ["p0"]}])
' "$tmp/e1.json" "$B_TRADDR" "$HOSTNQN"
ctl config import "$tmp/e1.json" >"$tmp/i1" 2>&1
check "import of the export: no changes ($(cat "$tmp/i1"))" [ "$(cat "$tmp/i1")" = "no changes" ]
python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))
c["referrals"] = c["referrals"][:1]
json.dump(c, open(sys.argv[2], "w"))
' "$tmp/e1.json" "$tmp/e2.json"
ctl config import "$tmp/e2.json" >"$tmp/i2" 2>&1
check "import without r4: referral-del r4 ($(cat "$tmp/i2"))" [ "$(cat "$tmp/i2")" = "referral-del r4" ]
disc_is "after import" "$HOSTNQN" 7
check "import the export back" quiet ctl config import "$tmp/e1.json"

# Restart A from what config save wrote: the same referrals.
check "config save after reload" ctl config save "$tmp/saved2.conf"
ctl referral list >"$tmp/l2"
check "daemon stops" daemon_stop
daemon_start "$tmp/saved2.conf" || exit 1
ctl referral list >"$tmp/l3"
check "restart from saved file: same referrals ($(cat "$tmp/l3"))" diff -u "$tmp/l2" "$tmp/l3"
check "two referrals listed" [ "$(grep -c "$B_TRADDR" "$tmp/l3")" -eq 2 ]
disc_is "restarted from the saved file, listed host" "$HOSTNQN" 7 9
disc_is "restarted from the saved file, other host" "$OTHER" 9
finish
