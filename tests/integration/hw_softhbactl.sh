#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# softhbactl: fabric create/destroy/list, zone and fault commands on an empty
# fabric, and a clear error with a non-zero exit for every kind of bad input
# (a fabric directory others may write or another user owns among them).
set -u
: "${top_builddir:?}"
bin="$top_builddir/tools/softhbactl"
dir=$(mktemp -d /dev/shm/hw_sh.XXXXXX)
trap 'rm -rf "$dir"' EXIT
pass=0 fail=0

ok() {	# ok DESCRIPTION CMD...: must exit 0
	d=$1; shift
	if out=$("$@" 2>&1); then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL (exit $?): $d: $out"; fi
}
bad() {	# bad DESCRIPTION EXPECTED-TEXT CMD...: must fail and print the text
	d=$1; want=$2; shift 2
	out=$("$@" 2>&1); rc=$?
	if [ $rc -ne 0 ] && printf '%s' "$out" | grep -qF -- "$want"; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $d: exit $rc, output: $out"; fi
}
has() {	# has DESCRIPTION EXPECTED-TEXT CMD...: must succeed and print the text
	d=$1; want=$2; shift 2
	out=$("$@" 2>&1); rc=$?
	if [ $rc -eq 0 ] && printf '%s' "$out" | grep -qF -- "$want"; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $d: exit $rc, output: $out"; fi
}

S="$bin --dir $dir"
bad "no command" "softhbactl: missing command" $S
bad "no command: the hint" "Try 'softhbactl --help'." $S
st() {	# st DESCRIPTION STATUS CMD...: exits with STATUS
	d=$1; want=$2; shift 2
	"$@" >/dev/null 2>&1; rc=$?
	if [ $rc -eq "$want" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $d: exit $rc, expected $want"; fi
}
st "no command exits 2" 2 $S
st "unknown option exits 2" 2 $S --frob port list
st "unknown command exits 1" 1 $S frob
bad "unknown command" "unknown command 'frob'" $S frob
bad "port list without fabric" "no fabric under" $S port list
ok "create" $S fabric create f1
bad "create twice" "fabric 'f1' already exists" $S fabric create f1
bad "bad fabric name" "invalid fabric name '../x'" $S fabric create ../x
has "fabric list" "f1" $S fabric list
has "empty port list" "WWPN" $S port list
js() {	# js DESCRIPTION PYTHON-EXPR CMD...: stdout is JSON and EXPR(j) holds
	d=$1; expr=$2; shift 2
	out=$("$@" 2>/dev/null); rc=$?
	if [ $rc -eq 0 ] && printf '%s' "$out" | python3 -c "import json,sys; j=json.load(sys.stdin); sys.exit(0 if ($expr) else 1)"; then
		pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $d: exit $rc, output: $out"; fi
}
js "empty json list (-j after the verb)" "j == []" $S port list -j
js "empty json list (-o json)" "j == []" $S -o json port list
js "fabric list as json" "j == ['f1']" $S -o json fabric list
js "zone list as json" "j == []" $S -o json zone list
js "fault list as json" "j == []" $S -o json fault list
bad "bad output format" "unknown output format 'xml' (normal, json)" $S -o xml port list
bad "json error object" '{"error":{"message":"no port 0x1000000000000009 on this fabric","errno":2}}' $S -o json port stats 0x1000000000000009
jerr() {	# jerr DESCRIPTION ERRNO CMD...: fails; stderr is exactly one error object with ERRNO, stdout empty
	d=$1; want=$2; shift 2
	"$@" >"$dir/.out" 2>"$dir/.err"; rc=$?
	if [ $rc -ne 0 ] && [ ! -s "$dir/.out" ] && python3 -c "import json,sys
e = json.load(open(sys.argv[1]))
sys.exit(0 if list(e) == ['error'] and sorted(e['error']) == ['errno', 'message'] and e['error']['errno'] == int(sys.argv[2]) and e['error']['message'] else 1)" "$dir/.err" "$want"; then
		pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $d: exit $rc: $(cat "$dir/.err")"; fi
}
jerr "json error: no port" 2 $S -o json port stats 0x1000000000000009
jerr "json error: usage" 22 $S -o json port stats
jerr "json error: unknown command" 22 $S -o json frob
jerr "json error: bad WWPN" 22 $S --json link down 0x12
bad "usage error: the command's hint" "Try 'softhbactl port stats --help'." $S port stats
has "version" "softhbactl (nvmetfcd) " $S --version
has "per-command help" "CLASS                       Frame class. (any, ls, cmd, data, rsp, abts, els)" $S fault drop --help
has "per-command help, option first" "count N                     Fire at most N times" $S --help fault abts
bad "help for an unknown command" "unknown command 'frob'" $S frob --help
has "help lists the grammar" "fault drop-cmd opcode N|fctype N" $S --help
bad "unknown option" "invalid option" $S port list -x
bad "port list extra" "usage: port list" $S port list extra
bad "stats unknown port" "no port 0x1000000000000009" $S port stats 0x1000000000000009
bad "stats usage" "usage: port stats WWPN" $S port stats
bad "link bad wwpn" "invalid WWPN '0x12'" $S link down 0x12
bad "link unknown port" "no port 0x1000000000000001" $S link down 0x1000000000000001
bad "link bad verb" "usage: link down WWPN | link up WWPN" $S link sideways 0x1000000000000001
bad "link any wwn form" "no port 0x1000000000000001" $S link down 10:00:00:00:00:00:00:01
bad "logo unknown" "no port" $S logo 0x1000000000000001
bad "prlo usage" "usage: prlo WWPN [PEER_WWPN]" $S prlo
bad "zone bad" "usage: zone set" $S zone set
bad "fault unbounded" "a fault needs a bound" $S fault drop-cmd opcode 1
bad "fault bad opcode" "invalid opcode/fctype '300'" $S fault drop-cmd opcode 300 count 1
bad "fault bad count" "invalid count '0'" $S fault fail-data count 0
bad "fault bad class" "invalid frame class 'foo'" $S fault drop foo count 1
bad "fault bad delay" "invalid delay '20000'" $S fault delay ls 20000 count 1
bad "fault bad duration" "invalid duration '9999999'" $S fault abts for 9999999
bad "fault unknown option" "unknown fault option 'bogus'" $S fault abts count 1 bogus 2
bad "fault bad port" "invalid WWPN 'xyz'" $S fault abts count 1 port xyz
has "fault add" "fault 0 added" $S fault drop-cmd fctype 0x01 count 2 after 3
has "fault add 2" "fault 1 added" $S fault delay rsp 5 for 1000 port 0x1000000000000002
js "fault list json" "len(j) == 2 and j[0]['kind'] == 'drop-cmd' and j[0]['opcode'] == 0x101 and j[0]['after'] == 3 and j[0]['left'] == 2 and j[1]['class'] == 'rsp' and j[1]['timed']" $S -o json fault list
# Every JSON key softhbactl prints is snake_case.
keys_ok() {	# keys_ok DESCRIPTION CMD...
	d=$1; shift
	out=$("$@" 2>/dev/null); rc=$?
	if [ $rc -eq 0 ] && printf '%s' "$out" | python3 -c "import json,re,sys
def keys(o):
    if isinstance(o, dict):
        for k, v in o.items():
            yield k
            yield from keys(v)
    elif isinstance(o, list):
        for v in o:
            yield from keys(v)
ks = list(keys(json.load(sys.stdin)))
sys.exit(0 if ks and all(re.fullmatch(r'[a-z][a-z0-9]*(_[a-z0-9]+)*', k) for k in ks) else 1)"; then
		pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $d: exit $rc, output: $out"; fi
}
keys_ok "fault list keys" $S -o json fault list
keys_ok "fault add keys" $S -o json fault abts count 1
has "fault list" "drop-cmd class=cmd opcode=0x101 after=3 left=2" $S fault list
has "fault list 2" "delay class=rsp" $S fault list
ok "fault clear" $S fault clear
out=$($S fault list); if [ -z "$out" ]; then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "FAIL: faults left after clear: $out"; fi
ok "create second" $S fabric create f2
bad "ambiguous fabric" "several fabrics" $S port list
has "explicit fabric" "WWPN" $S --fabric f2 port list
bad "a misspelt fabric is named, nothing created" \
	"fabric f9 does not exist under $dir (create it with softhbactl fabric create f9)" \
	$S --fabric f9 port list
ok "and it was not created" test ! -e "$dir/f9"
ok "destroy" $S fabric destroy f2
bad "destroy missing" "no fabric 'f2'" $S fabric destroy f2
ok "destroy f1" $S fabric destroy f1
# What the fabric creates is the owner's only; what it finds must be ours.
ok "create f3" $S fabric create f3
has "fabric dir 0700" "700" stat -c %a "$dir/f3"
has "fabric file 0600" "600" stat -c %a "$dir/f3/fabric"
chmod 0777 "$dir/f3"
bad "fabric dir writable by others" "$dir/f3 is writable by group or others (mode 0777)" \
	$S --fabric f3 port list
chmod 0700 "$dir/f3"
if [ "$(id -u)" = 0 ]; then
	chown 65534 "$dir/f3"
	bad "fabric dir of another user" "$dir/f3 is owned by uid 65534" $S --fabric f3 port list
	bad "not destroyed either" "is owned by uid 65534" $S fabric destroy f3
	chown 0 "$dir/f3"
fi
ok "destroy f3" $S fabric destroy f3
echo "softhbactl: $pass passed, $fail failed"
[ $fail -eq 0 ]
