#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Faults under a verified fio write load on a `fcnvme mount` file, each of
# which must be recovered from with zero data errors while the daemon keeps
# running: ABTS injection at the fabric, link down/up of the target port,
# a LOGO of the host port, `fcnvmectl host invalidate`, data transfers
# failed by the fabric, responses delayed 200 ms, and a
# `fcnvmectl config reload` that adds one namespace and removes another.
# Each phase also checks that the fault really happened (fabric counters,
# daemon log, the export's namespace list).
E2E_NAME=faults
. "$top_srcdir/tests/e2e/lib.sh"
e2e_require_fuse
e2e_require_fio
e2e_setup
e2e_seed

conf=$(e2e_conf two)
e2e_start_daemon "$conf"
m=$tmp/mnt
e2e_mount 1 "$NQN_A" "$m" --nr-io-queues 2 --reconnect-delay 1 || e2e_finish
pm=$E2E_MPID
S="$SOFTHBACTL --fabric $FABRIC"
C="$FCNVMECTL -s $SOCK"

# load NAME SECS: start a verified random-write load on ns1 in the background
load() {
	e2e_fio_bg "$1" --name="$1" --filename="$m/ns1" $E2E_FIO_COMMON \
		--rw=randwrite --bsrange=4k-128k --size=16m --numjobs=2 \
		--offset_increment=32m --verify=crc32c --verify_backlog=32 \
		--do_verify=1 --verify_fatal=1 --runtime="$2" --time_based
}
# survived NAME: the export must still be up after a phase; if it died, say
# how, and export again so that the next phase tests its own fault.
survived() {
	if kill -0 "$pm" 2>/dev/null && [ -f "$m/ns1" ]; then
		ok "fcnvme mount survived $1"
		return
	fi
	wait "$pm" 2>/dev/null
	ko "fcnvme mount died during $1 (exit $?): $(tail -2 "$m.log" | tr '\n' ' ')"
	fusermount3 -u -z "$m" 2>/dev/null
	e2e_mount 1 "$NQN_A" "$m" --nr-io-queues 2 --reconnect-delay 1 || e2e_finish
	pm=$E2E_MPID
}
logcount() {	# logcount PATTERN: lines of the daemon log matching
	grep -c "$1" "$tmp/nvmetfcd.log"
}
# stat FIELD WWPN: a counter from `softhbactl port stats`

# --- ABTS injected on 3 commands of the host port -------------------------
$S port stats $H1WWPN >"$tmp/stats0" 2>&1
load abts 5
sleep 1
check "inject ABTS x3" $S fault abts count 3 port $H1WWPN
e2e_fio_wait abts
$S port stats $H1WWPN >"$tmp/stats1" 2>&1
$S fault list >"$tmp/faults.abts" 2>&1
check "ABTS sent by the fabric" test "$(awk '$1 == "abts_tx" { print $2 }' "$tmp/stats1")" -ge 1
$S fault clear
survived ABTS
check "daemon alive after ABTS" e2e_daemon_alive

# --- link down and up of the target port -----------------------------------
before=$(logcount 'logged in')
load link 6
sleep 1
check "target port link down" $S link down $T0WWPN
sleep 1
check "target port link up" $S link up $T0WWPN
e2e_fio_wait link
check "host logged in again after link up" test "$(logcount 'logged in')" -gt "$before"
check "daemon alive after link down/up" e2e_daemon_alive
survived "link down/up"

# --- host LOGO -------------------------------------------------------------
before=$(logcount 'logged in')
load logo 5
sleep 1
check "host port LOGO to the target" $S logo $H1WWPN $T0WWPN
e2e_fio_wait logo
check "daemon saw the LOGO" grep -q "remote port $H1WWPN.*LOGO\|LOGO.*$H1WWPN" "$tmp/nvmetfcd.log"
check "host logged in again after LOGO" test "$(logcount 'logged in')" -gt "$before"
survived LOGO

# --- fcnvmectl host invalidate ---------------------------------------------
load inval 5
sleep 1
check "fcnvmectl host invalidate" $C host invalidate $H1WWPN
e2e_fio_wait inval
check "daemon alive after invalidate" e2e_daemon_alive
survived "host invalidate"

# --- data transfers failed by the fabric -----------------------------------
resets=$(grep -c 'controller resetting' "$m.log")
load faildata 4
sleep 1
check "fail 2 data transfers of the target port" $S fault fail-data count 2 port $T0WWPN
e2e_fio_wait faildata
$S fault list >"$tmp/faults.fd" 2>&1
check "fail-data faults used up" sh -c "! grep -q fail-data '$tmp/faults.fd'"
check "host reset the controller and recovered" \
	test "$(grep -c 'controller resetting' "$m.log")" -gt "$resets"
$S fault clear
survived "failed data transfers"

# --- responses delayed by 200 ms -------------------------------------------
load delay 4
sleep 1
check "delay 20 responses by 200 ms" $S fault delay rsp 200 count 20
e2e_fio_wait delay
$S fault list >"$tmp/faults.delay" 2>&1
check "responses were delayed (fault list: $(cat "$tmp/faults.delay"))" \
	sh -c "! grep -q 'delay.*seen=0 ' '$tmp/faults.delay'"
$S fault clear
survived "delayed responses"

# --- config reload: add ns3, remove ns2 ------------------------------------
# (and let host 3 into subsystem A, to use ns3 from a new association)
sed -e 's|{ nsid = 2; backend = "ram"; size = "64M"; lba_size = 4096; }|{ nsid = 3; backend = "ram"; size = "32M"; lba_size = 4096; }|' \
	-e "s|hosts = \[ \"$HOSTNQN1\" \];|hosts = [ \"$HOSTNQN1\", \"$HOSTNQN3\" ];|" \
	"$conf" >"$tmp/two-reload.conf"
check "reload config differs as intended" sh -c \
	"grep -q 'nsid = 3' '$tmp/two-reload.conf' && grep -q '$HOSTNQN3' '$tmp/two-reload.conf'"
cp "$tmp/two-reload.conf" "$conf"
load reload 5
sleep 1
check "fcnvmectl config reload" $C config reload
e2e_fio_wait reload
$C namespace list "$NQN_A" >"$tmp/nslist" 2>&1
check "namespace 3 added" sh -c "awk '{print \$2}' '$tmp/nslist' | grep -qx 3"
check "namespace 2 removed" sh -c "! awk '{print \$2}' '$tmp/nslist' | grep -qx 2"
check "export shows ns3" e2e_wait_for 5 test -f "$m/ns3"
check "export no longer shows ns2" e2e_wait_for 5 test ! -e "$m/ns2"
survived "config reload"
# a new association sees the change: ns3 works, ns2 is gone
e2e_pattern "$SEED" 65536 "$tmp/ns3.bin"
# shellcheck disable=SC2046
timeout 30 "$FCNVME" write $(e2e_host 3) --nqn "$NQN_A" -n 3 -s 8 -c 15 \
	-d "$tmp/ns3.bin" >/dev/null 2>"$tmp/ns3w.err"
# shellcheck disable=SC2046
timeout 30 "$FCNVME" read $(e2e_host 3) --nqn "$NQN_A" -n 3 -s 8 -c 15 \
	-d "$tmp/ns3.back" >/dev/null 2>"$tmp/ns3r.err"
check "new ns3 written and read back by host 3 ($(cat "$tmp/ns3w.err" "$tmp/ns3r.err"))" \
	cmp -s "$tmp/ns3.bin" "$tmp/ns3.back"
# shellcheck disable=SC2046
timeout 30 "$FCNVME" id-ns $(e2e_host 3) --nqn "$NQN_A" -n 2 >"$tmp/ns2.out" 2>&1
# an inactive NSID: Identify Namespace returns a zero-filled structure
check "removed ns2 is inactive for host 3 (nsze 0)" grep -Eq '^nsze +: (0|0x0)$' "$tmp/ns2.out"

# --- after all faults: another host still served, the first one too -------
# shellcheck disable=SC2046
check "host 2 served by the daemon after the faults" \
	timeout 30 "$FCNVME" id-ctrl $(e2e_host 2) --nqn "$NQN_B" -o json
e2e_fio final --name=final --filename="$m/ns1" $E2E_FIO_COMMON \
	--rw=randwrite --bs=64k --size=8m --verify=md5 --do_verify=1
e2e_umount "$m" "$pm"
check "nvmetfcd still running" e2e_daemon_alive
e2e_finish
