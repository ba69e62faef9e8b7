#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The configuration as JSON against the real daemon: "config export" (and
# "-o json config show", the same) is structured JSON with snake_case keys;
# "config import" of an edited export applies it (printing the reload's
# operations); export -> import -> export is byte-identical; bad JSON and
# JSON the daemon refuses are refused with a clear message naming the JSON
# file, and the running configuration is unchanged.
NAME=config_json
. "$(dirname "$0")/lib.sh"

fabric_create
demo_conf > "$tmp/nvmetfcd.conf"
daemon_start "$tmp/nvmetfcd.conf" || exit 1

same() {	# DESCRIPTION WANT GOT: the files must be equal (no pipeline:
	# the tally lives in this shell)
	if diff -u "$2" "$3"; then ok; else bad "$1"; fi
}

check "config export" quiet ctl config export
ctl config export > "$tmp/e1.json"
ctl -o json config show > "$tmp/show.json"
same "-o json config show is the export" "$tmp/e1.json" "$tmp/show.json"
check "the export is structured, keys snake_case" python3 - "$tmp/e1.json" "$DEMO_NQN" <<'P'
import json, re, sys
c = json.load(open(sys.argv[1]))
def keys(o):
    if isinstance(o, dict):
        for k, v in o.items():
            yield k
            yield from keys(v)
    elif isinstance(o, list):
        for v in o:
            yield from keys(v)
bad = [k for k in keys(c) if not re.fullmatch(r"[a-z][a-z0-9_]*", k)]
assert not bad, bad
assert c["ports"][0]["name"] == "p0" and c["ports"][0]["hw_queues"] == 2
s = c["subsystems"][0]
assert s["nqn"] == sys.argv[2] and s["namespaces"][0]["nsid"] == 1
assert s["namespaces"][0]["size"] == "256M" and s["allow_any_host"] is False
P

# An edited export: one more namespace, debug logging.
python3 - "$tmp/e1.json" "$tmp/edit.json" <<'P'
import json, sys
c = json.load(open(sys.argv[1]))
c["subsystems"][0]["namespaces"].append({"nsid": 2, "backend": "null", "size": "1G"})
c["daemon"]["log_level"] = "debug"
json.dump(c, open(sys.argv[2], "w"), indent=1)
P
ctl config import "$tmp/edit.json" > "$tmp/out" 2>&1
printf 'log-level debug\nnamespace-add %s 2 null 1G\n' "$DEMO_NQN" > "$tmp/want"
same "import prints the operations it ran" "$tmp/want" "$tmp/out"
check "namespace 2 exists" bash -c "'$B/tools/fcnvmectl' -s '$SOCK' namespace list | grep -q '^$DEMO_NQN  *2  *null  *1G'"
ctl config export > "$tmp/e2.json"
ctl config import "$tmp/e2.json" > "$tmp/out" 2>&1
echo "no changes" > "$tmp/nochange"
same "importing the export changes nothing" "$tmp/nochange" "$tmp/out"
ctl config export > "$tmp/e3.json"
same "export -> import -> export is identical" "$tmp/e2.json" "$tmp/e3.json"
check "no temporary file is left" bash -c "! ls '$tmp'/fcnvmectl-import.* 2>/dev/null"

# Refusals: the message names the JSON file; nothing changes.
refused() {	# NAME JSON MESSAGE
	printf '%s\n' "$2" > "$tmp/$1.json"
	TMPDIR=$tmp "$B/tools/fcnvmectl" -s "$SOCK" config import "$tmp/$1.json" > "$tmp/out" 2>&1
	local st=$?
	sed "s|$tmp|TMP|g" "$tmp/out" > "$tmp/out.norm"
	if [ $st -eq 1 ] && echo "fcnvmectl: $3" | diff -u - "$tmp/out.norm"; then
		ok
	else
		bad "import $1 refused (exit $st)"
	fi
	ctl config export > "$tmp/e.now"
	same "import $1 changed nothing" "$tmp/e2.json" "$tmp/e.now"
}
refused truncated '{"subsystems": ' \
	"TMP/truncated.json: not a JSON file: json_tokener_parse_ex failed: continue"
refused notobject '[1, 2]' "TMP/notobject.json: the top level: expected an object, not array"
refused mixed '{"subsystems": [1, "a"]}' \
	"TMP/mixed.json: subsystems[1]: an array holds objects or values of one type, not int and string"
refused null '{"daemon": {"log_level": null}}' \
	"TMP/null.json: daemon.log_level: null is not a configuration value"
refused badkey '{"daemon": {"log level": "info"}}' \
	"TMP/badkey.json: daemon.log level: \"log level\" is not a setting name"
refused daemon '{"ports": [ {"name": "p9", "dev": "eth0"} ]}' \
	"TMP/daemon.json (converted to libconfig):3: port needs wwnn"
check "no temporary file is left after refusals" bash -c "! ls '$tmp'/fcnvmectl-import.* 2>/dev/null"
finish
