#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# daemon.backing_missing = "pending": nvmetfcd starts and serves the rest
# while a file namespace's backing file does not exist (a disk or logical
# volume udev sets up late), says so in its log, its unit's STATUS=,
# namespace list and status; hosts do not see the namespace. A change made
# to it meanwhile is kept; a file that exists but cannot be served keeps it
# pending with its reason logged. Once the file is usable the namespace is
# served as configured and a host reads and writes it. A reload adds
# another pending namespace, fixes a pending one's path and deletes one;
# without the setting a reload naming a missing file is refused.
NAME=backing_pending
. "$(dirname "$0")/lib.sh"

notify_start
fabric_create

RAM='{ nsid = 1; backend = "ram"; size = "4M"; }'
file_ns() { echo "{ nsid = $1; backend = \"file\"; path = \"$2\"; }"; }
# pend_conf NAMESPACES: backing_missing = "pending", one subsystem
pend_conf() {
	printf 'daemon = { backing_missing = "pending"; };\n'
	acl_conf "$1" "$HOSTNQN"
}
ms() { date +%s%3N; }
# check_eq WHAT EXPECTED ACTUAL
check_eq() { if [ "$2" = "$3" ]; then ok; else bad "$1: expected '$2', got '$3'"; fi; }
# the host's namespaces: NSIDs of fcnvme list, space-separated
host_nsids() {
	"$B/tools/fcnvme" list -o json $(host 1) | python3 -c 'import json, sys
j = json.load(sys.stdin)
print(" ".join(str(n["nsid"]) for t in j["targets"] for s in t["subsystems"]
	       if s["subnqn"] == sys.argv[1] for n in s["namespaces"]))' "$DEMO_NQN"
}
# ns_row NSID: namespace list's row for NSID, blanks squeezed
ns_row() { ctl namespace list "$DEMO_NQN" | awk -v n="$1" '$2 == n' | tr -s ' '; }

LATE=$tmp/late.img
pend_conf "$RAM, $(file_ns 2 "$LATE")" >"$tmp/p.conf"
check "nvmetfcd -n shows the setting" \
	bash -c "'$B/daemon/nvmetfcd' -n -v -c '$tmp/p.conf' 2>/dev/null | grep -q 'backing_missing = \"pending\";'"
t0=$(ms)
NOTIFY_SOCKET=$notify daemon_start "$tmp/p.conf"
check "the daemon started without the file ($(($(ms) - t0)) ms)" [ -S "$SOCK" ]
check "its log names the pending namespace" grep -qF \
	"configuration: $DEMO_NQN namespace 2 pending: its backing file $LATE does not exist; served once it does" \
	"$DLOG"
check "STATUS= names it" grep -qF \
	"1 namespace(s) pending, their backing files missing: $LATE ($DEMO_NQN namespace 2)" "$nlog"
check "READY=1 was sent" grep -qx "READY=1" "$nlog"
check_eq "namespace list: 1 served" "$DEMO_NQN 1 ram 4M 512 1 no yes no -" "$(ns_row 1)"
check_eq "  2 pending" "$DEMO_NQN 2 file 0 512 1 no yes yes $LATE" "$(ns_row 2)"
check_eq "status counts it" "ns-pending 1" "$(ctl status | grep '^ns-pending' | tr -s ' ')"
check_eq "  and so does the metric" "nvmetfcd_daemon_namespaces_pending 1" \
	"$(ctl stats -o openmetrics | grep '^nvmetfcd_daemon_namespaces_pending ')"
ctl -o json namespace list >"$tmp/ns.json"
check "JSON: pending false, true" python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
sys.exit([(n["nsid"], n["pending"]) for n in j] != [(1, False), (2, True)])' "$tmp/ns.json"
check_eq "a host sees namespace 1 only" "1" "$(host_nsids)"

# A change while pending is kept for when it is served.
check "namespace set read-only while pending" quiet ctl namespace set "$DEMO_NQN" 2 read-only yes
check_eq "  recorded" "$DEMO_NQN 2 file 0 512 1 yes yes yes $LATE" "$(ns_row 2)"
check "resv-clear says it is pending" bash -c "'$B/tools/fcnvmectl' -s '$SOCK' namespace resv-clear '$DEMO_NQN' 2 2>&1 |
	grep -qF 'namespace 2 of $DEMO_NQN is pending (its backing file $LATE does not exist): it has no reservations yet'"

# The file appears empty (not usable yet): still pending, the reason logged.
: >"$LATE"
check "an empty file: its reason logged" wait_for "$DLOG" \
	"namespace 2: its backing file $LATE exists but cannot be served: $LATE is empty; give a size; still pending" 5
check_eq "  still pending" "ns-pending 1" "$(ctl status | grep '^ns-pending' | tr -s ' ')"
check_eq "  said once" 1 "$(grep -c "its backing file $LATE exists but cannot be served" "$DLOG")"

# It gets its size: served as configured, hosts see it.
t0=$(ms)
truncate -s 16M "$LATE"
check "served within 2 s of the file's size" wait_for "$DLOG" \
	"namespace 2: its backing file $LATE exists now; serving it (16777216 bytes)" 2
echo "served after $(($(ms) - t0)) ms"
check_eq "namespace list: served, read-only as set" "$DEMO_NQN 2 file 16M 512 1 yes yes no $LATE" \
	"$(ns_row 2)"
check_eq "status: none pending" "ns-pending 0" "$(ctl status | grep '^ns-pending' | tr -s ' ')"
check_eq "  the metric 0" "nvmetfcd_daemon_namespaces_pending 0" \
	"$(ctl stats -o openmetrics | grep '^nvmetfcd_daemon_namespaces_pending ')"
check "STATUS= no longer names it" bash -c "tail -n 1 <(grep '^STATUS=' '$nlog') | grep -qx 'STATUS=serving: [^;]*'"
check_eq "a host sees namespaces 1 and 2" "1 2" "$(host_nsids)"
SEED=${E2E_SEED:-11}
echo "seed $SEED"
python3 -c 'import random, sys; r = random.Random(int(sys.argv[1]))
sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(4096)))' "$SEED" >"$tmp/pat"
check_not "a write is refused (read-only)" quiet "$B/tools/fcnvme" write $(host 1) --nqn "$DEMO_NQN" \
	-n 2 -s 8 -c 7 -d "$tmp/pat"
check "read-only off" quiet ctl namespace set "$DEMO_NQN" 2 read-only no
check "a host writes to it" quiet "$B/tools/fcnvme" write $(host 1) --nqn "$DEMO_NQN" -n 2 -s 8 -c 7 \
	-d "$tmp/pat"
check "  the file has the data" cmp -s -i 0:4096 -n 4096 "$tmp/pat" "$LATE"
check "  and it reads back" quiet "$B/tools/fcnvme" read $(host 1) --nqn "$DEMO_NQN" -n 2 -s 8 -c 7 \
	-d "$tmp/back"
check "  the same bytes" cmp -s "$tmp/pat" "$tmp/back"

# A reload adds a pending namespace with a typo in its path, a second
# reload fixes the path, then it is deleted.
pend_conf "$RAM, $(file_ns 2 "$LATE"), $(file_ns 3 "$tmp/typo.img")" >"$tmp/p.conf"
check "a reload adds namespace 3, pending" quiet ctl config reload
check_eq "  listed pending" "$DEMO_NQN 3 file 0 512 1 no yes yes $tmp/typo.img" "$(ns_row 3)"
check "  logged" grep -qF "namespace 3 pending: its backing file $tmp/typo.img does not exist" "$DLOG"
pend_conf "$RAM, $(file_ns 2 "$LATE"), $(file_ns 3 "$tmp/later.img")" >"$tmp/p.conf"
ctl config reload --dry-run >"$tmp/plan.txt"
check "the dry run replaces it" diff -u - "$tmp/plan.txt" <<PLAN
namespace-del $DEMO_NQN 3
namespace-add $DEMO_NQN 3 file 0 (pending: $tmp/later.img does not exist)
PLAN
check "a reload fixes the path of the pending namespace" quiet ctl config reload
check_eq "  listed with it" "$DEMO_NQN 3 file 0 512 1 no yes yes $tmp/later.img" "$(ns_row 3)"
check "namespace del of a pending namespace" quiet ctl namespace del "$DEMO_NQN" 3
check_eq "  gone" "" "$(ns_row 3)"
check_eq "  status: none pending" "ns-pending 0" "$(ctl status | grep '^ns-pending' | tr -s ' ')"

# Without the setting, a reload naming a missing file is refused.
acl_conf "$RAM, $(file_ns 2 "$LATE"), $(file_ns 3 "$tmp/never.img")" "$HOSTNQN" >"$tmp/p.conf"
check_not "without backing_missing: the reload is refused" quiet ctl config reload
check "  naming the file" grep -qF "cannot open $tmp/never.img: No such file or directory" "$DLOG"
check_eq "  nothing changed" "" "$(ns_row 3)"
check_eq "  the host still sees 1 and 2" "1 2" "$(host_nsids)"
daemon_stop
check "the daemon exits 0" [ $? -eq 0 ]
finish
