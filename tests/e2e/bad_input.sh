#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Bad input everywhere, against the real binaries: malformed config files
# (tests/e2e/badconf/*.conf, each names its expected "file:line: message"
# in its first line) rejected by `nvmetfcd -n` and at startup, random
# config files (seeded; the seed is printed) and the kept failing ones of
# earlier runs (tests/e2e/randconf/) answered without a crash, a bad file
# given to a running daemon by `fcnvmectl config reload` and by SIGHUP
# (rejected with file:line, the running configuration kept); then
# malformed control messages, LS requests and CMD IUs (tests/e2e/e2e_inject,
# random ones from the same seed) while host 2 keeps a verified fio load
# running and must see zero errors.
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
# random files, from a printed seed (1, or E2E_SEED=N): binary
# bytes and token soup from configuration words, then every kept case in
# randconf/; each must be a clean answer naming the file (accepted, or
# "FILE[:LINE]: reason"), never a crash or a sanitizer report. A failing
# input is kept in $top_builddir/tests/e2e/failed/ to be added to randconf/.
seed=${E2E_SEED:-1}
echo "bad_input: seed $seed (E2E_SEED=$seed repeats this run)"
rand_bytes() {	# rand_bytes SEED COUNT: COUNT bytes, 0..255
	awk -v seed="$1" -v n="$2" 'BEGIN { srand(seed); for (i = 0; i < n; i++) printf("%c", int(rand() * 256)) }'
}
rand_text() {	# rand_text SEED COUNT: COUNT tokens of configuration text
	awk -v seed="$1" -v n="$2" 'BEGIN {
		srand(seed)
		k = split("ports subsystems namespaces daemon ana_groups name dev wwnn wwpn " \
			  "nqn backend size path read_only lba_size nsid hosts = = : ; ; , " \
			  "{ } ( ) [ ] \"soft:f\" \"ram\" \"file\" \"1G\" \"0x20000090fa000001\" " \
			  "\"nqn.2026-11.io.x:a\" 512 4096 true 0x10 -1 1.5 /* */ # // \" " \
			  "@include \"x\"", w, " ")
		for (i = 0; i < n; i++)
			printf("%s%s", w[int(rand() * k) + 1], rand() < 0.2 ? "\n" : " ")
	}'
}
judge_conf() {	# judge_conf FILE WHAT
	"$NVMETFCD" -n -c "$1" >/dev/null 2>"$tmp/err"
	rc=$?
	if { [ $rc -eq 0 ] || { [ $rc -eq 1 ] && grep -q "^nvmetfcd: $1:\([0-9]*:\)\? " "$tmp/err"; }; } &&
		e2e_sanitizer_free "$tmp/err"; then
		ok "$2: exit $rc"
	else
		mkdir -p "$top_builddir/tests/e2e/failed"
		cp "$1" "$top_builddir/tests/e2e/failed/"
		ko "$2: exit $rc: $(head -c 300 "$tmp/err"); kept as $top_builddir/tests/e2e/failed/$(basename "$1") (add it to tests/e2e/randconf/)"
	fi
}
i=0
while [ $i -lt 8 ]; do
	rand_bytes $((seed + i)) $((64 + i * 97)) >"$tmp/rand-$seed-$i.conf"
	judge_conf "$tmp/rand-$seed-$i.conf" "random bytes $i"
	rand_text $((seed + 100 + i)) $((20 + i * 30)) >"$tmp/text-$seed-$i.conf"
	judge_conf "$tmp/text-$seed-$i.conf" "random text $i"
	i=$((i + 1))
done
for f in "$E2E_SRC"/randconf/*; do
	judge_conf "$f" "kept case $(basename "$f")"
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
		timeout 60 "$INJECT" ctl --socket "$SOCK" --random 40 --seed "$seed" \
			>"$tmp/inj.$mode" 2>&1
	else
		timeout 120 "$INJECT" $mode $A --random 40 --seed "$seed" >"$tmp/inj.$mode" 2>&1
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
