#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# nvmetfcd's life cycle as systemd sees it, through a NOTIFY_SOCKET of our
# own: READY=1 only once the control socket answers, STATUS= and WATCHDOG=1
# while I/O threads run, RELOADING=1 with MONOTONIC_USEC= then READY=1 on
# SIGHUP, a bad config kept out on reload (file:line in the error), and
# STOPPING=1 with exit status 0 on SIGTERM, all while a host does verified
# I/O that must see no error.
NAME=daemon_life
. "$(dirname "$0")/lib.sh"

notify_start

# Not in the foreground, an error before the daemon is up reaches stderr
# too (not only syslog), and nothing after it is up does.
env -u JOURNAL_STREAM -u INVOCATION_ID "$B/daemon/nvmetfcd" -c "$tmp/missing.conf" \
	-s "$tmp/missing.sock" -S "$tmp/missing" 2>"$tmp/missing.err"
check "a missing configuration: exit 1" test $? = 1
check "and stderr says why" test "$(cat "$tmp/missing.err")" = \
	"nvmetfcd: $tmp/missing.conf: cannot read: No such file or directory"

fabric_create
demo_conf > "$tmp/nvmetfcd.conf"
NOTIFY_SOCKET=$notify WATCHDOG_USEC=1000000 daemon_start "$tmp/nvmetfcd.conf"

check "READY=1 sent" wait_for "$nlog" '^READY=1' 5
# READY must come after the socket answers: the first status after it works.
check "control socket answers" quiet ctl status
check "STATUS= names the port" wait_for "$nlog" '^STATUS=serving: 1 port' 5
check "WATCHDOG=1 while threads beat" wait_for "$nlog" '^WATCHDOG=1' 5
check "nothing before READY=1 claims STOPPING" \
	bash -c "! grep -q STOPPING=1 '$nlog'"

# Verified I/O from a host for the whole reload sequence.
"$B/tools/fcnvme" perf --seed 1 $(host 1) --nqn "$DEMO_NQN" -q 8 -o 8192 -w rw -t 6 \
	--verify --json > "$tmp/perf.json" 2>"$tmp/perf.err" &
perf=$!
sleep 1

# A good reload: one more namespace.
sed 's/^\(\t*\)namespaces = (/&\n\1\t{ nsid = 2; backend = "ram"; size = "16M"; },/' \
	"$tmp/nvmetfcd.conf" > "$tmp/new.conf"
cp "$tmp/new.conf" "$tmp/nvmetfcd.conf"
: > "$nlog.before"; cp "$nlog" "$nlog.before"
kill -HUP "$dpid"
check "RELOADING=1 sent" wait_for "$nlog" '^RELOADING=1' 5
check "MONOTONIC_USEC= sent with it" wait_for "$nlog" '^MONOTONIC_USEC=[0-9][0-9]*$' 5
check "READY=1 again after reload" \
	bash -c "for i in \$(seq 100); do [ \$(grep -c '^READY=1' '$nlog') -ge 2 ] && exit 0; sleep 0.05; done; exit 1"
check "namespace 2 added by reload" bash -c "'$B/tools/fcnvmectl' -s '$SOCK' namespace list | grep -q '^$DEMO_NQN *2 '"

# A broken file: SIGHUP keeps the running config and says where.
printf 'ports = (\n  { name = "p0"; dev = ; }\n);\n' > "$tmp/nvmetfcd.conf"
kill -HUP "$dpid"
check "bad reload logged with file:line" wait_for "$DLOG" "nvmetfcd.conf:2" 5
check "daemon still serving after bad reload" quiet ctl status
check "namespace 2 still there" bash -c "'$B/tools/fcnvmectl' -s '$SOCK' namespace list | grep -q '^$DEMO_NQN *2 '"
check_not "config reload of a bad file fails" quiet ctl config reload
check "config reload error names file:line" bash -c "'$B/tools/fcnvmectl' -s '$SOCK' config reload 2>&1 | grep -q 'nvmetfcd.conf:2'"
cp "$tmp/new.conf" "$tmp/nvmetfcd.conf"

wait $perf
prc=$?
check "host I/O across reloads succeeded (exit $prc)" test "$prc" = 0
check "no I/O errors" grep -q '"errors":0' "$tmp/perf.json"
check "no verify errors" grep -q '"verify_errors":0' "$tmp/perf.json"

# Shutdown.
daemon_stop
rc=$?
check "exit status 0 after SIGTERM (got $rc)" test "$rc" = 0
check "STOPPING=1 sent" wait_for "$nlog" '^STOPPING=1' 2
finish
