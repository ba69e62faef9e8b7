#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fcnvmectl host list/show against the real daemon (issue 15, item 5): a
# host the subsystem refuses is listed with the NQN it presented,
# allowed=no and the refusal reason and status; once allowed-host add lets
# its NQN in, it shows allowed=yes without connecting again; a connected
# host shows its association count; host ports that logged out stay
# listed as logged out (link-up no).
NAME=host_list
. "$(dirname "$0")/lib.sh"

acl_conf '{ nsid = 1; backend = "null"; size = "1G"; }' "$HOSTNQN" >"$tmp/nvmetfcd.conf"
fabric_create
daemon_start "$tmp/nvmetfcd.conf" || exit 1

# Nobody seen yet: the header only.
ctl host list >"$tmp/empty"
check "host list before any host: header only" [ "$(cat "$tmp/empty")" = \
	"name  wwpn  nport-id  link-up  associations  allowed  refusals  host-nqns  last-refusal" ]

# A host whose NQN the subsystem does not allow; it logs out when fcnvme
# exits.
OTHER=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000002
HO="--fabric $FABRIC -w nn-0x20000090fb000002:pn-0x10000090fb000002 -q $OTHER"
"$B/tools/fcnvme" id-ctrl $HO -n "$DEMO_NQN" >"$tmp/deny.out" 2>"$tmp/deny.err"
check "refused host: fcnvme fails" [ $? -eq 1 ]
REFUSED="^p0 +0x10000090fb000002 +0x01[0-9a-f]{4} +no +0 +no +1 +$OTHER +host not allowed\$"
check "refused host: listed logged out with its NQN, allowed no, the reason" bash -c \
	"for i in \$(seq 100); do '$B/tools/fcnvmectl' -s '$SOCK' host list | grep -Eq '$REFUSED' && exit 0; sleep 0.05; done; exit 1"
ctl host list >"$tmp/refused"
ctl -o json host show 0x10000090fb000002 >"$tmp/refused.json"
check "refused host, JSON: NQN, count, allowed, reason, status" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
want = {"name": "p0", "wwnn": "0x20000090fb000002", "wwpn": "0x10000090fb000002",
        "link_up": False, "associations": 0, "host_nqns": [sys.argv[2]],
        "host_nqn_counts": [1], "allowed": False, "refusals": 1,
        "last_refusal": "host not allowed", "refusal_status": "0x4184",
        "refused_by": sys.argv[3]}
sys.exit(any(o.get(k) != v for k, v in want.items())
         or not 0 <= o["refused_ms_ago"] <= o["seen_ms_ago"] + 60000)' "$tmp/refused.json" "$OTHER" "$DEMO_NQN"

# Allowed now, from the configuration of this moment: no new Connect.
ctl allowed-host add "$DEMO_NQN" "$OTHER"
check "after allowed-host add: allowed yes, the old refusal kept" bash -c \
	"'$B/tools/fcnvmectl' -s '$SOCK' host list | grep -Eq '^p0 +0x10000090fb000002 +0x01[0-9a-f]{4} +no +0 +yes +1 +$OTHER +host not allowed\$'"
ctl allowed-host del "$DEMO_NQN" "$OTHER"
check "after allowed-host del: allowed no again" bash -c \
	"'$B/tools/fcnvmectl' -s '$SOCK' host list | grep -Eq '^p0 +0x10000090fb000002 .* +no +1 +$OTHER +host not allowed\$'"

# The same host asks for a subsystem that does not exist: a second
# refusal, with that reason and subsystem; its NQN counted twice.
"$B/tools/fcnvme" id-ctrl $HO -n "${DEMO_NQN}x" >"$tmp/typo.out" 2>"$tmp/typo.err"
check "typo subsystem: fcnvme fails" [ $? -eq 1 ]
check "typo subsystem: second refusal listed" bash -c \
	"for i in \$(seq 100); do '$B/tools/fcnvmectl' -s '$SOCK' host list | grep -Eq '^p0 +0x10000090fb000002 .* +no +2 +$OTHER +subsystem unknown\$' && exit 0; sleep 0.05; done; exit 1"
ctl -o json host show 0x10000090fb000002 >"$tmp/typo.json"
check "typo subsystem, JSON: refused_by, status, counts" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
sys.exit(not (o["refused_by"] == sys.argv[2] and o["refusal_status"] == "0x4182"
              and o["refusals"] == 2 and o["host_nqn_counts"] == [2]))' "$tmp/typo.json" "${DEMO_NQN}x"

# A connected host: logged in, one association, allowed, no refusal.
"$B/tools/fcnvme" perf --seed 1 $(host 1) --nqn "$DEMO_NQN" -q 1 -o 4096 -w randread -t 30 \
	>"$tmp/perf.out" 2>&1 &
perf=$!
bg_pids="$bg_pids $perf"
CONNECTED="^p0 +0x10000090fb000001 +0x01[0-9a-f]{4} +yes +1 +yes +0 +$HOSTNQN +-\$"
check "connected host: logged in, one association, allowed" bash -c \
	"for i in \$(seq 200); do '$B/tools/fcnvmectl' -s '$SOCK' host list | grep -Eq '$CONNECTED' && exit 0; sleep 0.05; done; exit 1"
ctl host list p0 >"$tmp/both"
check "host list p0: both host ports, in order of first sight" [ "$(awk 'NR > 1 { print $2 }' "$tmp/both" | tr '\n' ' ')" = \
	"0x10000090fb000002 0x10000090fb000001 " ]
ctl host list p9 >"$tmp/p9.out" 2>"$tmp/p9.err"
check "host list of an unknown port fails" [ $? -ne 0 ]
check "host list p9 says so" [ "$(cat "$tmp/p9.err")" = "fcnvmectl: no port p9" ]

# Hosts that claim the connected host's identity (cloned hosts): another
# host port with its host NQN and another Host ID, and one with its Host
# ID and another host NQN (to the discovery controller, which any host
# may reach), each get a warning naming both controllers.
CLONE_ID=00000000-0000-4000-8000-0000000000c1
"$B/tools/fcnvme" id-ctrl --fabric "$FABRIC" -w nn-0x20000090fb000003:pn-0x10000090fb000003 \
	-q "$HOSTNQN" --hostid "$CLONE_ID" -n "$DEMO_NQN" >"$tmp/clone1.out" 2>&1
check "a host with the same host NQN and another Host ID connects" [ $? -eq 0 ]
check "  the daemon warns: two hosts share one host NQN" wait_for "$DLOG" \
	"host $HOSTNQN (wwpn 0x10000090fb000003) on port p0: controller [0-9]* of $DEMO_NQN connected with host ID $CLONE_ID, but controller [0-9]* of $DEMO_NQN (host wwpn 0x10000090fb000001) has the same host NQN with host ID $HOSTID: two hosts share one host NQN" 5
"$B/tools/fcnvme" discover --fabric "$FABRIC" -w nn-0x20000090fb000004:pn-0x10000090fb000004 \
	-q "$OTHER" --hostid "$HOSTID" >"$tmp/clone2.out" 2>&1
check "a host with the same Host ID and another host NQN discovers" [ $? -eq 0 ]
check "  the daemon warns: two hosts share one host ID" wait_for "$DLOG" \
	"host $OTHER (wwpn 0x10000090fb000004) on port p0: controller [0-9]* of nqn.2014-08.org.nvmexpress.discovery connected with host ID $HOSTID, which controller [0-9]* of $DEMO_NQN (host wwpn 0x10000090fb000001) has with host NQN $HOSTNQN: two hosts share one host ID" 5
check "  the connected host itself is not warned about" \
	bash -c "! grep -q 'wwpn 0x10000090fb000001) on port p0: controller [0-9]* of .* connected with host ID' '$DLOG'"
ctl -o openmetrics stats >"$tmp/om.txt"
check "the port counts the two (nvmetfcd_port_host_conflicts_total)" \
	grep -Eq '^nvmetfcd_port_host_conflicts_total\{port="p0",portid="[0-9]+"\} 2$' "$tmp/om.txt"
ctl -o json stats >"$tmp/stats.json"
check "  and so does stats in JSON (host_conflicts)" python3 -c '
import json, sys
rows = [r for r in json.load(open(sys.argv[1])) if r["object"] == "port"]
sys.exit(not (len(rows) == 1 and rows[0]["host_conflicts"] == 2))' "$tmp/stats.json"

# The connected host leaves: it stays listed, logged out, with its NQN.
kill -INT "$perf"
wait "$perf"
LEFT="^p0 +0x10000090fb000001 +0x01[0-9a-f]{4} +no +0 +yes +0 +$HOSTNQN +-\$"
check "the host that left stays listed as logged out" bash -c \
	"for i in \$(seq 200); do '$B/tools/fcnvmectl' -s '$SOCK' host list | grep -Eq '$LEFT' && exit 0; sleep 0.05; done; exit 1"
ctl host show 0x10000090fb000009 >"$tmp/none.out" 2>"$tmp/none.err"
check "host show of a WWPN never seen fails" [ $? -ne 0 ]
check "host show says it was not seen" [ "$(cat "$tmp/none.err")" = \
	"fcnvmectl: host port 0x10000090fb000009 was not seen on any port" ]

[ "$fail" -eq 0 ] || { echo "--- host list"; cat "$tmp/refused"; ctl host list; echo "--- log"; cat "$DLOG"; }
daemon_stop
check "daemon exits 0" [ $? -eq 0 ]
finish
