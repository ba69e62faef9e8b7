#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fcnvmectl config from-nvmetcli: a saved Linux nvmet configuration (what
# nvmetcli save writes, in nvmetcli.py's dump layout: configfs attribute
# groups of strings) becomes nvmetfcd's, byte for byte as expected (FC
# ports with their HBA, ANA states, referrals, subsystems with the serial
# and model hosts already know, namespaces with their identifiers, allowed
# hosts, the DH-HMAC-CHAP keys in a new 0600 keys file), with a note for
# each thing left out; nvmetfcd serves the result: discovery, identity,
# cntlid range, authentication as before. What cannot be carried over the
# same way is refused, naming it, and writes nothing.
NAME=nvmetcli
. "$(dirname "$0")/lib.sh"

fabric_create
D=$S/tests/integration/nvmetcli
WWPN=0x10000090fa000001
KEY="DHHC-1:01:j2o85HJ423ezLPXEUIFKMh3lBjv2SdyZIaWb4UESTNSZD9Jx:"
HOST2=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000002
A=nqn.2026-12.io.example:array-a
BNQN=nqn.2026-12.io.example:array-b
# check_eq WHAT EXPECTED ACTUAL
check_eq() { if [ "$2" = "$3" ]; then ok; else bad "$1: expected '$2', got '$3'"; fi; }
# the fixture with its image paths in $tmp
for i in 1 2 3; do truncate -s 8M "$tmp/img$i"; done
sed -e "s|@IMG1@|$tmp/img1|" -e "s|@IMG2@|$tmp/img2|" -e "s|@IMG3@|$tmp/img3|" \
	"$D/config.json" >"$tmp/nvmet.json"
conv() { "$B/tools/fcnvmectl" config from-nvmetcli "$@"; }
# placeholders back in, for the expected files
unplace() { sed -e "s|$tmp|@TMP@|g" -e "s|soft:$FABRIC|soft:@FABRIC@|g" "$1"; }

conv "$tmp/nvmet.json" dev "$WWPN=soft:$FABRIC" keys-file "$tmp/keys" >"$tmp/out.conf" \
	2>"$tmp/notes"
check "the conversion succeeds" [ $? -eq 0 ]
check "the configuration, exactly" diff -u "$D/expected.conf" <(unplace "$tmp/out.conf")
check "the notes, exactly" diff -u "$D/expected.notes" <(unplace "$tmp/notes")
check_eq "the keys file, mode 0600" "600" "$(stat -c %a "$tmp/keys")"
check_eq "  its line" "$HOSTNQN $KEY hashes=sha256 dhgroups=null" "$(cat "$tmp/keys")"
check "nvmetfcd -n accepts it" quiet "$B/daemon/nvmetfcd" -n -c "$tmp/out.conf"
rm -f "$tmp/keys2"
conv -o json "$tmp/nvmet.json" dev "$WWPN=soft:$FABRIC" keys-file "$tmp/keys2" >"$tmp/out.json" \
	2>/dev/null
check "-o json: the same configuration as config import's JSON" python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(not ([p["name"] for p in j["ports"]] == ["fc3"] and
	      [s["nqn"] for s in j["subsystems"]] == [sys.argv[2], sys.argv[3],
						       "nqn.2026-12.io.example:tcp-only"] and
	      [r["name"] for r in j["referrals"]] == ["r1-fc3"]))' "$tmp/out.json" "$A" "$BNQN"

# nvmetfcd serves it as nvmet did
daemon_start "$tmp/out.conf"
"$B/tools/fcnvme" discover -o json $(host 1) >"$tmp/disc.json"
check_eq "discovery: this port's subsystems and its referral" \
	"current discovery subsystem nqn.2014-08.org.nvmexpress.discovery
nvme subsystem $A
nvme subsystem $BNQN
discovery subsystem referral nqn.2014-08.org.nvmexpress.discovery" \
	"$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print("\n".join(r["subtype"] + " " + r["subnqn"] for d in j["discovery"] for r in d["records"]))' \
		"$tmp/disc.json")"
check_not "array A without the key: refused (the host must authenticate)" \
	quiet "$B/tools/fcnvme" id-ctrl $(host 1) --nqn "$A"
"$B/tools/fcnvme" id-ctrl -o json $(host 1) --dhchap-secret "$KEY" --nqn "$A" >"$tmp/ida.json"
check_eq "array A with the key: nvmet's serial and model" "a6f2c0d9b37e41c5 nvmet array A" \
	"$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1])); print(j["sn"].strip(), j["mn"].strip())' "$tmp/ida.json")"
H2="--fabric $FABRIC --wwnn 0x20000090fb000002 --wwpn 0x10000090fb000002 --hostnqn $HOST2 \
--hostid 00000000-0000-4000-8000-000000000002"
"$B/tools/fcnvme" id-ctrl -o json $H2 --nqn "$BNQN" >"$tmp/idb.json"
check "array B (any host): a controller id in nvmet's range 16..31" python3 -c 'import json, sys
j = json.load(open(sys.argv[1])); sys.exit(not (16 <= j["cntlid"] <= 31 and
	j["sn"].strip() == "0c57a1b2d3e4f506"))' "$tmp/idb.json"
check_eq "namespace 1 of A keeps its UUID" "6f0a3b4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b" \
	"$(ctl -o json namespace show "$A" 1 | python3 -c 'import json, sys
print(json.load(sys.stdin)["uuid"])')"
check_eq "namespace 2 of A: disabled, in ANA group 2" "False 2" \
	"$(ctl -o json namespace show "$A" 2 | python3 -c 'import json, sys
j = json.load(sys.stdin); print(j["enabled"], j["ana_group"])')"
daemon_stop
check "the daemon exits 0" [ $? -eq 0 ]

# refused, naming what, writing nothing
refused() {
	local what=$1 msg=$2
	shift 2
	rm -f "$tmp/keys3"
	conv "$@" >"$tmp/r.out" 2>"$tmp/r.err"
	check "refused: $what" [ $? -eq 1 ]
	check "  ($(head -c 200 "$tmp/r.err"))" grep -qF -- "$msg" "$tmp/r.err"
	check "  nothing printed, no keys file" [ ! -s "$tmp/r.out" -a ! -e "$tmp/keys3" ]
}
refused "an FC port without dev" \
	"ports[0]: FC port 3 (WWPN $WWPN) needs its HBA: give dev $WWPN=DEV" \
	"$tmp/nvmet.json" keys-file "$tmp/keys3"
refused "a host's key without keys-file" \
	"hosts[0] ($HOSTNQN) has a DH-HMAC-CHAP key: give keys-file PATH" \
	"$tmp/nvmet.json" dev "$WWPN=soft:$FABRIC"
refused "a keys file that exists" "keys-file $tmp/keys: File exists" \
	"$tmp/nvmet.json" dev "$WWPN=soft:$FABRIC" keys-file "$tmp/keys"
refused "a dev for no port" "dev 0x10000090fa0000ff: no FC port has that WWPN" \
	"$tmp/nvmet.json" dev "$WWPN=soft:$FABRIC" dev 0x10000090fa0000ff=soft:x keys-file "$tmp/keys3"
python3 -c 'import json, sys
j = json.load(open(sys.argv[1])); j["subsystems"][1]["passthru"] = [{"device": {"path": "/dev/nvme0"}}]
json.dump(j, open(sys.argv[2], "w"))' "$tmp/nvmet.json" "$tmp/pt.json"
refused "a passthru subsystem" "subsystems[1] ($BNQN): a passthru subsystem; nvmetfcd has none" \
	"$tmp/pt.json" dev "$WWPN=soft:$FABRIC" keys-file "$tmp/keys3"
python3 -c 'import json, sys
j = json.load(open(sys.argv[1])); j["subsystems"][0]["attr"]["pi_enable"] = "1"
json.dump(j, open(sys.argv[2], "w"))' "$tmp/nvmet.json" "$tmp/pi.json"
refused "T10 PI" "subsystems[0] ($A): attr.pi_enable 1: nvmetfcd has no T10 PI" \
	"$tmp/pi.json" dev "$WWPN=soft:$FABRIC" keys-file "$tmp/keys3"
echo '[1, 2]' >"$tmp/notobj.json"
refused "not nvmetcli's JSON" "not nvmetcli's JSON" "$tmp/notobj.json"
refused "a relative keys-file" "keys-file keys: give an absolute path" \
	"$tmp/nvmet.json" keys-file keys
finish
