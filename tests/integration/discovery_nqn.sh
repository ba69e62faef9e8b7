#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# daemon.discovery_nqn (TP 8013's unique discovery NQN) with the real
# daemon and fcnvme: the discovery log's current-discovery-subsystem entry
# and Identify Controller of the discovery controller report it (a host
# connecting with the well-known NQN gets the same subsystem), the log
# names it, config show prints it; a reload drops it again, and one that
# gives it a subsystem's NQN is refused and changes nothing.
NAME=discovery_nqn
. "$(dirname "$0")/lib.sh"

fabric_create
UNIQUE=nqn.2026-12.io.nvmetfcd:lab-discovery
WELL_KNOWN=nqn.2014-08.org.nvmexpress.discovery
RAM='{ nsid = 1; backend = "ram"; size = "4M"; }'
# disc_conf NQN: the daemon section with discovery_nqn = NQN (none for ""),
# then one subsystem
disc_conf() {
	[ -n "$1" ] && printf 'daemon = { discovery_nqn = "%s"; };\n' "$1"
	acl_conf "$RAM" "$HOSTNQN"
}
# check_eq WHAT EXPECTED ACTUAL
check_eq() { if [ "$2" = "$3" ]; then ok; else bad "$1: expected '$2', got '$3'"; fi; }
# the discovery log's entries as "SUBTYPE SUBNQN", one per line
disc_entries() {
	"$B/tools/fcnvme" discover -o json $(host 1) >"$tmp/disc.json"
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print("\n".join(r["subtype"] + " " + r["subnqn"] for d in j["discovery"] for r in d["records"]))' \
		"$tmp/disc.json"
}

disc_conf "$UNIQUE" >"$tmp/d.conf"
check "nvmetfcd -n shows the setting" \
	bash -c "'$B/daemon/nvmetfcd' -n -v -c '$tmp/d.conf' 2>/dev/null | grep -qF 'discovery_nqn = \"$UNIQUE\";'"
daemon_start "$tmp/d.conf"
check_eq "the log's entries: this discovery subsystem by its unique NQN, then the subsystem" \
	"current discovery subsystem $UNIQUE
nvme subsystem $DEMO_NQN" "$(disc_entries)"
"$B/tools/fcnvme" id-ctrl -o json $(host 1) --nqn "$WELL_KNOWN" >"$tmp/id.json"
check_eq "Identify Controller through the well-known NQN: the unique one, a discovery controller" \
	"$UNIQUE 2" "$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1])); print(j["subnqn"], j["cntrltype"])' "$tmp/id.json")"
check "the daemon names it when the host connects" grep -qF "connected to $UNIQUE (controller" "$DLOG"
check "config show prints it" bash -c "'$B/tools/fcnvmectl' -s '$SOCK' config show |
	grep -qxF '	discovery_nqn = \"$UNIQUE\";'"

# A reload that gives it the subsystem's NQN is refused: nothing changes.
sed "s|$UNIQUE|$DEMO_NQN|" "$tmp/d.conf" >"$tmp/bad.conf"
cp "$tmp/d.conf" "$tmp/good.conf"
cp "$tmp/bad.conf" "$tmp/d.conf"
ctl config reload >/dev/null 2>"$tmp/reload.err"
check_not "a reload naming the subsystem's NQN is refused" [ $? -eq 0 ]
check "  saying why" grep -qF "subsystem $DEMO_NQN: that is the discovery NQN (discovery_nqn)" \
	"$tmp/reload.err"
check_eq "  the log is as before" "current discovery subsystem $UNIQUE
nvme subsystem $DEMO_NQN" "$(disc_entries)"

# Dropped by a reload: the well-known name again.
disc_conf "" >"$tmp/d.conf"
ctl config reload --dry-run >"$tmp/plan.txt"
check_eq "the dry run" "discovery-nqn -" "$(cat "$tmp/plan.txt")"
check "a reload drops it" quiet ctl config reload
check_eq "the log's entries: the well-known NQN" "current discovery subsystem $WELL_KNOWN
nvme subsystem $DEMO_NQN" "$(disc_entries)"
daemon_stop
check "the daemon exits 0" [ $? -eq 0 ]
finish
