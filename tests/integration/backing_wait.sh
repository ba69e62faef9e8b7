#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# daemon.backing_wait_ms: at start, nvmetfcd waits for file namespaces'
# backing files that do not exist yet (a logical volume or disk udev sets
# up late at boot), saying so in its log and its unit's STATUS= and asking
# systemd for more start time (EXTEND_TIMEOUT_USEC), then starts once they
# exist and serves them; when they do not come in time it fails as without
# the wait, naming the file; SIGTERM ends the wait with exit status 0;
# namespaces with create = true and a daemon without the setting do not
# wait.
NAME=backing_wait
. "$(dirname "$0")/lib.sh"

notify_start
fabric_create

# wait_conf MS NAMESPACE: the daemon section with backing_wait_ms = MS
# (none for 0), then one subsystem with NAMESPACE
wait_conf() {
	[ "$1" -gt 0 ] && printf 'daemon = { backing_wait_ms = %s; };\n' "$1"
	acl_conf "$2" "$HOSTNQN"
}
file_ns() { echo "{ nsid = 1; backend = \"file\"; path = \"$1\"; $2 }"; }
ms() { date +%s%3N; }

# The file appears a second after the start.
LATE=$tmp/late.img
wait_conf 5000 "$(file_ns "$LATE")" >"$tmp/late.conf"
check "nvmetfcd -n shows the setting" \
	bash -c "'$B/daemon/nvmetfcd' -n -v -c '$tmp/late.conf' 2>/dev/null | grep -q 'backing_wait_ms = 5000;'"
(sleep 1; truncate -s 16M "$LATE") &
bg_pids="$bg_pids $!"
t0=$(ms)
NOTIFY_SOCKET=$notify daemon_start "$tmp/late.conf"
check "the daemon started once the file existed ($(($(ms) - t0)) ms)" \
	[ -S "$SOCK" -a $(($(ms) - t0)) -ge 900 ]
check "it said what it waits for" grep -qF \
	"waiting up to 5000 ms for 1 backing file(s) that do not exist yet: $LATE ($DEMO_NQN namespace 1)" \
	"$DLOG"
check "  and that it came" grep -Eq \
	"the 1 backing file\(s\) waited for exist, after [0-9]+ ms" "$DLOG"
check "STATUS= said it too" grep -qxF \
	"STATUS=waiting for 1 backing file(s): $LATE ($DEMO_NQN namespace 1)" "$nlog"
check "systemd was given the wait and 90 s more to start" grep -qx \
	"EXTEND_TIMEOUT_USEC=95000000" "$nlog"
check "READY=1 came after" bash -c \
	"grep -n '' '$nlog' | grep -A100 EXTEND_TIMEOUT_USEC | grep -q ':READY=1'"
check "the namespace is served with the file's size" bash -c \
	"'$B/tools/fcnvmectl' -s '$SOCK' namespace list | grep -Eq '^$DEMO_NQN +1 +file +16M .* $LATE\$'"
# 4 KiB of a seeded pattern, written at block 8
SEED=${E2E_SEED:-7}
echo "seed $SEED"
python3 -c 'import random, sys; r = random.Random(int(sys.argv[1]))
sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(4096)))' "$SEED" >"$tmp/pat"
check "a host writes to it" quiet "$B/tools/fcnvme" write $(host 1) --nqn "$DEMO_NQN" -n 1 -s 8 -c 7 \
	-d "$tmp/pat"
check "  and the file has the data" cmp -s -i 0:4096 -n 4096 "$tmp/pat" "$LATE"
daemon_stop
check "the daemon exits 0" [ $? -eq 0 ]

# The file never comes: the start fails after the wait, naming it.
NEVER=$tmp/never.img
wait_conf 1000 "$(file_ns "$NEVER")" >"$tmp/never.conf"
t0=$(ms)
"$B/daemon/nvmetfcd" -f -c "$tmp/never.conf" -s "$SOCK" -S "$tmp/state" >"$tmp/never.log" 2>&1
rc=$? t=$(($(ms) - t0))
check "a file that never comes: exit 1 after the wait ($t ms)" [ $rc -eq 1 -a $t -ge 1000 -a $t -lt 10000 ]
check "  saying it is still missing" grep -Eq \
	"1 backing file\(s\) still missing after [0-9]+ ms: $NEVER \($DEMO_NQN namespace 1\)" "$tmp/never.log"
check "  and why the start failed" grep -qF "cannot open $NEVER: No such file or directory" \
	"$tmp/never.log"

# SIGTERM while it waits: a clean exit.
wait_conf 60000 "$(file_ns "$NEVER")" >"$tmp/term.conf"
"$B/daemon/nvmetfcd" -f -c "$tmp/term.conf" -s "$SOCK" -S "$tmp/state" >"$tmp/term.log" 2>&1 &
tpid=$!
bg_pids="$bg_pids $tpid"
check "waiting for the file" wait_for "$tmp/term.log" "waiting up to 60000 ms" 10
t0=$(ms)
kill -TERM "$tpid"
wait "$tpid"
rc=$? t=$(($(ms) - t0))
check "SIGTERM ends the wait: exit 0 within 2 s ($rc, $t ms)" [ $rc -eq 0 -a $t -lt 2000 ]
check "  logged" grep -q "signal 15: shutting down" "$tmp/term.log"

# Without the setting, or for a namespace that creates its file: no wait.
wait_conf 0 "$(file_ns "$NEVER")" >"$tmp/nowait.conf"
t0=$(ms)
"$B/daemon/nvmetfcd" -f -c "$tmp/nowait.conf" -s "$SOCK" -S "$tmp/state" >"$tmp/nowait.log" 2>&1
rc=$? t=$(($(ms) - t0))
check "without backing_wait_ms: exit 1 at once ($t ms)" [ $rc -eq 1 -a $t -lt 1000 ]
check_not "  no wait said" grep -q "waiting up to" "$tmp/nowait.log"
wait_conf 5000 "$(file_ns "$tmp/made.img" 'create = true; size = "1M";')" >"$tmp/create.conf"
: >"$DLOG"
t0=$(ms)
daemon_start "$tmp/create.conf"
check "create = true: started without a wait ($(($(ms) - t0)) ms)" [ -S "$SOCK" -a -f "$tmp/made.img" ]
check_not "  no wait said" grep -q "waiting up to" "$DLOG"
daemon_stop
check "the daemon exits 0" [ $? -eq 0 ]
finish
