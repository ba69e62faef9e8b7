#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The real daemon's reload plan: "config reload --dry-run" and "config diff
# FILE" list exactly the operations a reload would run (checked line by
# line) and change nothing; "config reload" prints the same list, applies
# it and logs it ("reload: ..."); a second reload has no changes; a file
# a reload would refuse is refused by the dry run with the same message.
NAME=config_plan
. "$(dirname "$0")/lib.sh"

fabric_create
demo_conf > "$tmp/nvmetfcd.conf"
daemon_start "$tmp/nvmetfcd.conf" || exit 1

same() {	# DESCRIPTION WANT GOT: the files must be equal (no pipeline:
	# the tally lives in this shell)
	if diff -u "$2" "$3"; then ok; else bad "$1"; fi
}

ctl config reload --dry-run > "$tmp/out" 2>&1
echo "no changes" > "$tmp/nochange"
same "dry run of the running file" "$tmp/nochange" "$tmp/out"

# The new file: namespace 1 grows, namespace 2 appears in a new ANA group,
# a second subsystem with a host WWPN, debug logging.
S2=nqn.2026-11.io.nvmetfcd:second
python3 - "$tmp/nvmetfcd.conf" "$tmp/new.conf" "$S2" <<'P'
import sys
src, dst, s2 = sys.argv[1:]
s = open(src).read()
s = s.replace('log_level = "info"', 'log_level = "debug"')
s = s.replace('''				size = "256M";
			}
		);''', '''				size = "512M";
			},
			{
				nsid = 2;
				backend = "null";
				size = "1G";
				ana_group = 2;
			}
		);''')
s = s.replace('subsystems = (', 'ana_groups = ( { id = 2; state = "non-optimized"; } );\n\nsubsystems = (', 1)
s = s.rstrip()
assert s.endswith(');')
s = s[:-2] + '''	,{
		nqn = "%s";
		host_wwpns = [ "0x10000090fb000001" ];
		ports = [ "p0" ];
	}
);
''' % s2
open(dst, 'w').write(s)
P
cat > "$tmp/want" <<X
log-level debug
ana-add 2 non-optimized
namespace-resize $DEMO_NQN 1 512M
namespace-add $DEMO_NQN 2 null 1G
subsystem-add $S2
allowed-wwpn-add $S2 0x10000090fb000001
subsystem-add-port $S2 p0
X
ctl namespace list > "$tmp/ns.before"
nconf=$(grep -c 'configuration: ' "$DLOG")
(cd "$tmp" && ctl config diff new.conf) > "$tmp/out" 2>&1
same "config diff FILE (relative, made absolute)" "$tmp/want" "$tmp/out"
cp "$tmp/new.conf" "$tmp/nvmetfcd.conf"
ctl config reload --dry-run > "$tmp/out" 2>&1
same "config reload --dry-run" "$tmp/want" "$tmp/out"
ctl namespace list > "$tmp/ns.after"
same "the dry runs changed nothing" "$tmp/ns.before" "$tmp/ns.after"
check "the dry runs added no subsystem" bash -c "! '$B/tools/fcnvmectl' -s '$SOCK' subsystem list | grep -q '$S2'"
check_not "the dry runs logged no operation" grep -q "^<[0-9]>reload: " "$DLOG"
check "nor a configuration change (configuration: lines $nconf before, $(grep -c 'configuration: ' "$DLOG") after)" \
	test "$(grep -c 'configuration: ' "$DLOG")" -eq "$nconf"

ctl config reload > "$tmp/out" 2>&1
same "config reload prints what it ran" "$tmp/want" "$tmp/out"
check "namespace 2 exists now" bash -c "'$B/tools/fcnvmectl' -s '$SOCK' namespace list | grep -q '^$DEMO_NQN  *2  *null  *1G'"
sed 's/^/reload: /' "$tmp/want" > "$tmp/want.log"
grep '^<[0-9]>reload: ' "$DLOG" | sed 's/^<[0-9]>//' > "$tmp/log.got"
same "the log has the operations" "$tmp/want.log" "$tmp/log.got"
ctl config reload > "$tmp/out" 2>&1
same "a second reload has nothing to do" "$tmp/nochange" "$tmp/out"

# A change a reload refuses: the dry run says why, the same way.
sed 's/backend = "null";/backend = "ram";/' "$tmp/nvmetfcd.conf" > "$tmp/refused.conf"
cp "$tmp/refused.conf" "$tmp/nvmetfcd.conf"
ctl config reload --dry-run > "$tmp/out" 2>&1
st=$?
ctl config reload > "$tmp/out2" 2>&1
st2=$?
check "a refused change fails the dry run and the reload alike" \
	test "$st$st2" = 11
same "with the same message" "$tmp/out2" "$tmp/out"
check "the message names the namespace" grep -q "namespace 2" "$tmp/out"
finish
