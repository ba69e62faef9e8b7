#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Namespace host masking with the real daemon and two fcnvme hosts: both
# hosts are allowed on the subsystem, namespace 2 lists only host A. Host A
# lists and identifies namespaces 1 and 2; host B lists only namespace 1,
# Identify Namespace 2 is the inactive answer (all zeroes) and fcnvme
# refuses to read it. fcnvmectl namespace add-host shows it to B,
# del-host hides it from A again; config save and export keep the mask.
NAME=ns_mask
. "$(dirname "$0")/lib.sh"

HOSTA=$HOSTNQN
HOSTB=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000002
acl_conf '{ nsid = 1; backend = "null"; size = "1G"; },
	{ nsid = 2; backend = "ram"; size = "1M"; hosts = [ "'"$HOSTA"'" ]; }' \
	"$HOSTA" "$HOSTB" >"$tmp/nvmetfcd.conf"
fabric_create
daemon_start "$tmp/nvmetfcd.conf" || exit 1

HA="--fabric $FABRIC -w nn-0x20000090fb000001:pn-0x10000090fb000001 -q $HOSTA"
HB="--fabric $FABRIC -w nn-0x20000090fb000002:pn-0x10000090fb000002 -q $HOSTB"
fc() { "$B/tools/fcnvme" "$@"; }

# nsids NAME HOSTOPTS: the NSIDs fcnvme list shows for the subsystem
nsids() {
	fc list $2 -o json >"$tmp/$1.json" 2>"$tmp/$1.err" || { cat "$tmp/$1.err"; return 1; }
	python3 - "$tmp/$1.json" "$DEMO_NQN" <<'P'
import json, sys
o = json.load(open(sys.argv[1]))
ids = []
def walk(x):
    if isinstance(x, dict):
        if x.get("subnqn", x.get("nqn")) == sys.argv[2] and "namespaces" in x:
            ids.extend(n["nsid"] for n in x["namespaces"])
        for v in x.values():
            walk(v)
    elif isinstance(x, list):
        for v in x:
            walk(v)
walk(o)
print(" ".join(str(i) for i in sorted(set(ids))))
P
}

# idns NAME HOSTOPTS: fcnvme id-ns of namespace 2 into $tmp/NAME.out
idns() { fc id-ns $2 --nqn "$DEMO_NQN" -n 2 >"$tmp/$1.out" 2>"$tmp/$1.err"; }
# rd NAME HOSTOPTS: read block 0 of namespace 2; stderr in $tmp/NAME.err
rd() { fc read $2 --nqn "$DEMO_NQN" -n 2 -c 0 -d "$tmp/$1.bin" 2>"$tmp/$1.err"; }
# fcnvme, like the Linux host, identifies a namespace before its I/O and
# sends none to an inactive one (the target's INVALID_NS answer to I/O on a
# hidden NSID is checked by check_daemon's core_ns_host suite).
INVALID="fcnvme read: namespace 2 is inactive or has an unusable format"

check "host A lists namespaces 1 and 2" [ "$(nsids la "$HA")" = "1 2" ]
check "host B lists namespace 1 only" [ "$(nsids lb "$HB")" = "1" ]
check "host A: id-ns 2" idns ia "$HA"
check "host A: id-ns 2 is active (nsze 0x800)" grep -qx 'nsze      : 0x800' "$tmp/ia.out"
idns ib "$HB"
check "host B: id-ns 2 answers (inactive)" [ $? -eq 0 ]
check "host B: id-ns 2 is all zeroes (nsze, ncap 0)" bash -c \
	"grep -qx 'nsze      : 0' '$tmp/ib.out' && grep -qx 'ncap      : 0' '$tmp/ib.out'"
check "host A reads namespace 2" rd ra "$HA"
check_not "host B cannot read namespace 2" rd rb "$HB"
check "host B: Invalid Namespace ($(cat "$tmp/rb.err"))" grep -qxF "$INVALID" "$tmp/rb.err"

# Show namespace 2 to host B.
check "namespace add-host" ctl namespace add-host "$DEMO_NQN" 2 "$HOSTB"
check "host B lists namespaces 1 and 2 now" [ "$(nsids lb2 "$HB")" = "1 2" ]
check "host B reads namespace 2 now" rd rb2 "$HB"
ctl namespace show "$DEMO_NQN" 2 >"$tmp/show.out"
check "namespace show lists both hosts" grep -qx "hosts           $HOSTA,$HOSTB" "$tmp/show.out"
check "the mutation is logged" grep -q "namespace-add-host .*$HOSTB.*: done" "$DLOG"

# Hide it from host A: only host B sees it.
check "namespace del-host" ctl namespace del-host "$DEMO_NQN" 2 "$HOSTA"
check "host A lists namespace 1 only now" [ "$(nsids la2 "$HA")" = "1" ]
check_not "host A cannot read namespace 2 now" rd ra2 "$HA"
check "host A: Invalid Namespace" grep -qxF "$INVALID" "$tmp/ra2.err"

# config save keeps the mask, and the saved file loads to the same state.
check "config save" ctl config save "$tmp/saved.conf"
check "the saved file has the mask" python3 - "$tmp/saved.conf" "$HOSTB" <<'P'
import re, sys
s = open(sys.argv[1]).read()
m = re.search(r'nsid = 2;.*?hosts = \[\s*"([^"]+)"\s*\];', s, re.S)
sys.exit(0 if m and m.group(1) == sys.argv[2] else 1)
P
ctl config reload "$tmp/saved.conf" >"$tmp/reload.out" 2>&1
check "reloading the saved file changes nothing ($(cat "$tmp/reload.out"))" \
	[ "$(cat "$tmp/reload.out")" = "no changes" ]

# The JSON configuration carries the mask: export has it, import of the
# export changes nothing.
ctl config export >"$tmp/c.json"
check "config export has the mask" python3 - "$tmp/c.json" "$HOSTB" <<'P'
import json, sys
o = json.load(open(sys.argv[1]))
ns = {n["nsid"]: n for n in o["subsystems"][0]["namespaces"]}
sys.exit(0 if ns[2].get("hosts") == [sys.argv[2]] and "hosts" not in ns[1] else 1)
P
ctl config import "$tmp/c.json" >"$tmp/import.out" 2>&1
check "config import of the export changes nothing ($(cat "$tmp/import.out"))" \
	[ "$(cat "$tmp/import.out")" = "no changes" ]

# A reload that swaps the mask names both steps, the new host first.
python3 - "$tmp/saved.conf" "$tmp/swap.conf" "$HOSTB" "$HOSTA" <<'P'
import re, sys
s = open(sys.argv[1]).read()
t = re.sub(r'(nsid = 2;.*?hosts = \[\s*")' + re.escape(sys.argv[3]), r'\g<1>' + sys.argv[4], s,
           count=1, flags=re.S)
assert t != s
open(sys.argv[2], "w").write(t)
P
ctl config diff "$tmp/swap.conf" >"$tmp/diff.out" 2>&1
printf 'namespace-add-host %s 2 %s\nnamespace-del-host %s 2 %s\n' \
	"$DEMO_NQN" "$HOSTA" "$DEMO_NQN" "$HOSTB" >"$tmp/diff.want"
if diff -u "$tmp/diff.want" "$tmp/diff.out"; then ok; else bad "config diff of a swapped mask"; fi

daemon_stop
check "daemon exit 0" [ $? -eq 0 ]
finish
