#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Bad input everywhere, against the real binaries: malformed config files
# (tests/e2e/badconf/*.conf, each names its expected "file:line: message"
# in its first line) rejected by `nvmetfcd -n` and at startup, random binary
# config files rejected without a crash, a bad file given to a running
# daemon by `fcnvmectl config reload` and by SIGHUP (rejected with
# file:line, the running configuration kept); then malformed control
# messages, LS requests and CMD IUs (tests/e2e/e2e_inject) while host 2
# keeps a verified fio load running and must see zero errors.
E2E_NAME=bad_input
. "$top_srcdir/tests/e2e/lib.sh"
e2e_require_fuse
e2e_require_fio
INJECT=$top_builddir/tests/e2e/e2e_inject
[ -x "$INJECT" ] || e2e_unavailable "$INJECT is not built"
e2e_setup

# --- malformed config files ------------------------------------------------
for f in "$E2E_SRC"/badconf/*.conf; do
	n=$(basename "$f" .conf)
	want=$(sed -n '1s/^# expect: //p' "$f")
	line=${want%%:*}
	text=${want#*: }
	"$NVMETFCD" -n -c "$f" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -qF -- "$f:$line: " "$tmp/err" &&
	   grep -qF -- "$text" "$tmp/err"; then
		ok "config $n rejected: $(cat "$tmp/err")"
	else
		ko "config $n: exit $rc, want '$f:$line: ...$text', got: $(cat "$tmp/err")"
	fi
done
# at startup too: non-zero exit, the message, no socket left behind
f=$E2E_SRC/badconf/unknown-key.conf
timeout 10 "$NVMETFCD" -f -c "$f" -s "$tmp/bad.sock" -S "$tmp/state" >"$tmp/start.out" 2>&1
rc=$?
check "nvmetfcd -f refuses a bad file (exit $rc)" \
	sh -c "[ $rc -ge 1 ] && [ $rc -lt 124 ] && grep -qF '$f:5: ' '$tmp/start.out' && [ ! -e '$tmp/bad.sock' ]"
# random binary files: a clean error naming the file, never a crash
i=0
while [ $i -lt 8 ]; do
	head -c $((64 + i * 97)) /dev/urandom >"$tmp/rand$i.conf"
	"$NVMETFCD" -n -c "$tmp/rand$i.conf" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -q "$tmp/rand$i.conf:[0-9]*: \|$tmp/rand$i.conf: " "$tmp/err"; then
		ok "random config $i rejected"
	else
		cp "$tmp/rand$i.conf" "$tmp/keep-rand$i.conf"
		ko "random config $i: exit $rc: $(head -c 200 "$tmp/err")"
	fi
	i=$((i + 1))
done

# --- a running daemon, host 2 under verified load --------------------------
conf=$(e2e_conf two)
e2e_start_daemon "$conf"
m=$tmp/mnt
e2e_mount 2 "$NQN_B" "$m" || e2e_finish
pm=$E2E_MPID
C="$FCNVMECTL -s $SOCK"
$C namespace list >"$tmp/ns.before" 2>&1

e2e_fio_bg load --name=load --filename="$m/ns1" $E2E_FIO_COMMON \
	--rw=randwrite --bsrange=4k-128k --size=16m --numjobs=2 \
	--offset_increment=32m --verify=crc32c --verify_backlog=32 \
	--do_verify=1 --verify_fatal=1 --runtime=8 --time_based
bg=$E2E_FPID

# a bad file handed to the running daemon: reload fails, nothing changes
cp "$conf" "$tmp/good.conf"
cp "$E2E_SRC/badconf/dup-nsid.conf" "$conf"
$C config reload >"$tmp/reload.out" 2>&1
rc=$?
check "config reload of a bad file fails (exit $rc) with file:line" \
	sh -c "[ $rc -ne 0 ] && grep -qF '$conf:8: ' '$tmp/reload.out'"
kill -HUP "$E2E_DPID"
sleep 0.5
check "SIGHUP with a bad file: daemon alive" e2e_daemon_alive
check "SIGHUP with a bad file: logged with file:line" grep -qF "$conf:8: " "$tmp/nvmetfcd.log"
$C namespace list >"$tmp/ns.after" 2>&1
check "running configuration unchanged" cmp -s "$tmp/ns.before" "$tmp/ns.after"
cp "$tmp/good.conf" "$conf"

# malformed LS requests and CMD IUs from host port 3, control messages
A="--fabric $FABRIC --shm-dir $FCNVME_SHM_DIR --wwnn $H3WWNN --wwpn $H3WWPN"
A="$A --target $T0WWPN --hostnqn $HOSTNQN3 --subnqn $NQN_A"
for mode in ls cmd ctl; do
	if [ $mode = ctl ]; then
		timeout 60 "$INJECT" ctl --socket "$SOCK" --random 40 >"$tmp/inj.$mode" 2>&1
	else
		timeout 120 "$INJECT" $mode $A --random 40 >"$tmp/inj.$mode" 2>&1
	fi
	rc=$?
	grep '^FAIL' "$tmp/inj.$mode"
	np=$(sed -n "s/^e2e_inject $mode: \([0-9]*\) passed.*/\1/p" "$tmp/inj.$mode")
	if [ $rc -eq 0 ] && [ "${np:-0}" -gt 5 ]; then
		ok "malformed $mode input: $(tail -1 "$tmp/inj.$mode")"
	else
		ko "malformed $mode input (exit $rc): $(tail -1 "$tmp/inj.$mode")"
	fi
	check "daemon alive after malformed $mode input" e2e_daemon_alive
done

check "every bad control request logged" test "$(grep -c 'control: .*bad request' "$tmp/nvmetfcd.log")" -ge 40
check "no self-contradictory control log line" \
	sh -c "! grep -Eq 'length ([0-9]+) but datagram of \\1 bytes' '$tmp/nvmetfcd.log'"

E2E_FPID=$bg
e2e_fio_wait load
check "host 2's export stayed up" kill -0 "$pm"
check "control socket still answers" sh -c "$C status >/dev/null"
e2e_umount "$m" "$pm"
check "nvmetfcd still running" e2e_daemon_alive
e2e_finish
