#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# softhba-vmport end to end: a real nvmetfcd on a private fabric, the port
# server, and tests/integration/vmport_guest playing QEMU and the guest's
# nvme-fc LLDD over the port's remote-driver interface. Cases: bad options,
# a missing fabric, a WWPN or socket in use; discovery + connect + verified
# I/O while another host does verified I/O, with malformed mq entries and
# WQEs with bad handles that must not disturb it; the guest leaving takes
# the port offline (nvmetfcd sees the LOGO); --persist serves the next
# guest; kill -9 of the port server is a dead peer to nvmetfcd and a
# stopped heartbeat to the guest; a target restart is RPORT_OFFLINE then
# RPORT_ONLINE to the guest, which reconnects and verifies I/O again;
# --role target: listed as a target, a host logs into it, it logs into no
# target itself.
NAME=vmport
. "$(dirname "$0")/lib.sh"

VP=$B/tools/softhba-vmport
GUEST=$B/tests/integration/vmport_guest
VWWNN=0x20000090fc000001
VWWPN=0x10000090fc000001
VSOCK=$tmp/vmport.sock
SEED=${VMPORT_SEED:-1}
echo "vmport: seed $SEED (VMPORT_SEED=$SEED repeats it)"
vpid=

# The guest gets namespace 1, the other host namespace 2.
cat > "$tmp/nvmetfcd.conf" <<EOF
daemon = { log_level = "info"; };
ports = ( { name = "p0"; dev = "soft:$FABRIC"; wwnn = "0x20000090fa000001";
	    wwpn = "0x10000090fa000001"; hw_queues = 2; poll = "hybrid"; } );
subsystems = ( { nqn = "$DEMO_NQN"; allow_any_host = false; hosts = [ "$HOSTNQN" ];
		 ports = [ "p0" ];
		 namespaces = ( { nsid = 1; backend = "ram"; size = "64M"; },
				{ nsid = 2; backend = "ram"; size = "16M"; } ); } );
EOF

# vmport_start LOG [args]: start the port server, wait for its socket
vmport_start() {
	local log=$1 i
	shift
	"$VP" --fabric "$FABRIC" --wwnn $VWWNN --wwpn $VWWPN --socket "$VSOCK" "$@" \
		>"$log" 2>&1 &
	vpid=$!
	bg_pids="$bg_pids $vpid"
	for i in $(seq 200); do
		[ -S "$VSOCK" ] && grep -q "waiting for QEMU" "$log" && return 0
		kill -0 "$vpid" 2>/dev/null || { echo "softhba-vmport died:"; cat "$log"; return 1; }
		sleep 0.05
	done
	echo "softhba-vmport did not listen"; cat "$log"
	return 1
}

guest() {
	"$GUEST" --socket "$VSOCK" --nqn "$DEMO_NQN" --hostnqn "$HOSTNQN" --hostid "$HOSTID" \
		--seed "$SEED" "$@"
}

# port_state: the port server's port as softhbactl lists it
port_state() {
	"$B/tools/softhbactl" --fabric "$FABRIC" port list | awk -v w=$VWWPN '$1 == w { print $5 }'
}

# wait_exit PID SECONDS: until the process is gone; its status in $wrc
wait_exit() {
	local i
	for i in $(seq $(( $2 * 20 ))); do
		kill -0 "$1" 2>/dev/null || { wait "$1"; wrc=$?; return 0; }
		sleep 0.05
	done
	return 1
}

# --- errors -----------------------------------------------------------------
quiet "$VP" --fabric nofab --wwnn $VWWNN --wwpn $VWWPN --socket "$VSOCK"
check "missing fabric: exit 1" test $? = 1
"$VP" --fabric nofab --wwnn $VWWNN --wwpn $VWWPN --socket "$VSOCK" 2>"$tmp/err"
check "missing fabric: says how to create it" \
	grep -q "fabric nofab does not exist under $FCNVME_SHM_DIR (create it with softhbactl fabric create nofab)" "$tmp/err"
quiet "$VP" --fabric x --wwnn $VWWNN --wwpn 0x12 --socket "$VSOCK"
check "bad WWPN: exit 2" test $? = 2
"$VP" --fabric x --wwnn $VWWNN --wwpn 0x12 --socket "$VSOCK" 2>"$tmp/err"
check "bad WWPN: named" grep -q "^softhba-vmport: --wwpn: '0x12' is not a WWN" "$tmp/err"
"$VP" --fabric x --wwnn $VWWNN --wwpn $VWWPN --socket "$VSOCK" --hw-queues 17 2>"$tmp/err"
check "--hw-queues 17: exit 2" test $? = 2
check "--hw-queues 17: range named" grep -q "hw-queues: '17' is not a number in \[1, 16\]" "$tmp/err"
quiet "$VP" --fabric x --wwnn $VWWNN --wwpn $VWWPN
check "no --socket: exit 2" test $? = 2

fabric_create
daemon_start "$tmp/nvmetfcd.conf" || exit 1

# --- discovery, verified I/O, garbage from the guest, another host's I/O -----
vmport_start "$tmp/vp1.log" --hw-queues 3 --xri 512 --dma-mb 32 || exit 1
quiet "$VP" --fabric "$FABRIC" --wwnn $VWWNN --wwpn $VWWPN --socket "$tmp/other.sock"
check "WWPN in use: exit 1" test $? = 1
"$VP" --fabric "$FABRIC" --wwnn $VWWNN --wwpn $VWWPN --socket "$tmp/other.sock" 2>"$tmp/err"
check "WWPN in use: names the owner" \
	grep -q "WWPN $VWWPN is already in use on fabric '$FABRIC' (by pid $vpid)" "$tmp/err"
"$VP" --fabric "$FABRIC" --wwnn $VWWNN --wwpn 0x10000090fc0000ff --socket "$VSOCK" 2>"$tmp/err"
check "socket in use: exit 1" test $? = 1
check "socket in use: named" grep -q "another server listens on $VSOCK" "$tmp/err"
st=$(port_state)
check "port online before the guest (is '$st')" test "$st" = online

"$B/tools/fcnvme" perf --seed 1 $(host 1) --nqn "$DEMO_NQN" -n 2 -q 4 -o 4096 -w rw -t 8 --verify \
	> "$tmp/perf.out" 2>&1 &
perf=$!
bg_pids="$bg_pids $perf"
sleep 1
guest --inject > "$tmp/g1.out" 2>&1
check "guest: discovery, verified I/O, injections" test $? = 0
check "guest: device as the port server laid it out" \
	grep -q "^vmport_guest: ok device: peer 0, port server peer 1, 4 vectors, BAR2 64 MiB" "$tmp/g1.out"
check "guest: discovery found the subsystem" grep -q "^vmport_guest: ok discovery" "$tmp/g1.out"
check "guest: verified I/O before and after the garbage" \
	test "$(grep -c '^vmport_guest: ok verified I/O' "$tmp/g1.out")" = 2
check "guest: every injection answered as specified" grep -q "^vmport_guest: ok inject" "$tmp/g1.out"
wait $perf
check "the other host's verified I/O was not disturbed" test $? = 0
check "the other host did I/O" grep -Eq "^  IOPS +[1-9]" "$tmp/perf.out"
check "the other host: no errors" grep -Eq "^  cpu .* errors 0" "$tmp/perf.out"
check "the other host: no verify errors" grep -q "^  verify errors 0$" "$tmp/perf.out"

# The guest left: the port server logs out and exits 0; the port is offline.
check "port server exits when the guest leaves" wait_exit "$vpid" 10
check "... with status 0" test "$wrc" = 0
check "port server: guest gone" grep -q "guest gone (QEMU closed the connection): logged out of the targets, link down" "$tmp/vp1.log"
check "port server counted the 9 bad mq entries" grep -q "mq [0-9]* (bad 9)" "$tmp/vp1.log"
check "nvmetfcd saw the LOGO" wait_for "$DLOG" "remote port $VWWPN gone (LOGO)" 5
check "port offline after the guest left" test "$(port_state)" = offline
check "socket removed" test ! -e "$VSOCK"

# --- --persist: the next guest is served; SIGTERM stops cleanly --------------
vmport_start "$tmp/vp2.log" --persist --hw-queues 2 || exit 1
guest > "$tmp/g2.out" 2>&1
check "persist: first guest" test $? = 0
check "persist: the server stays" kill -0 "$vpid"
check "persist: link down between guests" bash -c \
	"for i in \$(seq 40); do [ \"\$('$B/tools/softhbactl' --fabric '$FABRIC' port list | awk '\$1 == \"$VWWPN\" { print \$5 }')\" = linkdown ] && exit 0; sleep 0.05; done; exit 1"
guest > "$tmp/g3.out" 2>&1
check "persist: second guest logs in again and verifies I/O" test $? = 0
kill -TERM "$vpid"
check "SIGTERM: the server exits" wait_exit "$vpid" 10
check "SIGTERM: status 0" test "$wrc" = 0
check "SIGTERM: socket removed" test ! -e "$VSOCK"
check "SIGTERM: two guests served" grep -q "stats: guests 2," "$tmp/vp2.log"
check "SIGTERM: port offline" test "$(port_state)" = offline

# --- kill -9: a dead peer for nvmetfcd, a stopped heartbeat for the guest -----
vmport_start "$tmp/vp3.log" --hw-queues 2 || exit 1
guest --wait-heartbeat-stop > "$tmp/g4.out" 2>&1 &
g=$!
check "heartbeat: guest ready" wait_for "$tmp/g4.out" "vmport_guest: ready" 20
kill -9 "$vpid"
wait "$vpid" 2>/dev/null
check "kill -9: nvmetfcd sees a dead peer" wait_for "$DLOG" "remote port $VWWPN gone (peer dead)" 5
check "kill -9: the guest sees the heartbeat stop and loses its targets" wait_exit $g 15
check "kill -9: guest passed" test "$wrc" = 0
check "kill -9: guest says so" grep -q "^vmport_guest: ok heartbeat stopped" "$tmp/g4.out"
check "kill -9: port listed dead" test "$(port_state)" = dead

# --- a target restart: RPORT_OFFLINE, RPORT_ONLINE, reconnect, I/O -----------
vmport_start "$tmp/vp4.log" --hw-queues 2 || exit 1
check "a new port server takes over the stale socket and the WWPN" kill -0 "$vpid"
guest --wait-restart > "$tmp/g5.out" 2>&1 &
g=$!
check "restart: guest ready" wait_for "$tmp/g5.out" "vmport_guest: ready" 20
daemon_stop
daemon_start "$tmp/nvmetfcd.conf" || exit 1
check "restart: guest finished" wait_exit $g 60
check "restart: guest passed" test "$wrc" = 0
check "restart: RPORT_OFFLINE then RPORT_ONLINE with a new generation" \
	grep -Eq "^vmport_guest: ok restart: RPORT_OFFLINE slot [0-9]+, then RPORT_ONLINE slot [0-9]+ generation ([0-9]+) -> ([0-9]+)$" "$tmp/g5.out"
check "restart: verified I/O after the reconnect" grep -q "^vmport_guest: ok verified I/O pass 2" "$tmp/g5.out"
check "restart: port server exits with the guest" wait_exit "$vpid" 10
check "restart: port server status 0" test "$wrc" = 0
# --- the target role: initiators log into the guest's port ------------------
"$VP" --fabric "$FABRIC" --wwnn $VWWNN --wwpn $VWWPN --socket "$VSOCK" --role bogus 2>"$tmp/err"
check "--role bogus: exit 2" test $? = 2
check "--role bogus: named" grep -q '^softhba-vmport: --role: initiator or target, not "bogus"' "$tmp/err"
vmport_start "$tmp/vp5.log" --role target || exit 1
roles=$("$B/tools/softhbactl" --fabric "$FABRIC" port list | awk -v w=$VWWPN '$1 == w { print $4 }')
check "target role: the name server lists target,discovery (is '$roles')" \
	test "$roles" = "target,discovery"
# A host logs in (the port server answers PLOGI/PRLI for the guest); no
# guest driver is up, so its Create Association is refused.
quiet timeout 20 "$B/tools/fcnvme" discover $(host 3) --traddr "nn-$VWWNN:pn-$VWWPN"
check_not "target role, no guest: discovery fails" test $? = 0
check "target role: the host logged in" \
	grep -q "initiator logged in: 0x10000090fb000003" "$tmp/vp5.log"
check_not "target role: the port server logs into nobody (not nvmetfcd's target)" \
	grep -q "logged into" "$tmp/vp5.log"
# nvmetfcd given the port's region as the guest would see it (ivshmem BAR2
# in a fake sysfs tree, resource2 = the port's device file) but no
# resource0 (BAR0, the Doorbell register) refuses it with that reason.
pci=$tmp/sys/bus/pci/devices/0000:00:04.0
mkdir -p "$pci"
echo 0x1af4 > "$pci/vendor"
echo 0x1110 > "$pci/device"
printf '0x%016x 0x%016x 0x%016x\n' 0xfe800000 0xfe8000ff 0x40200 0xfe801000 0xfe801fff 0x40200 \
	0x4000000000 $((0x4000000000 + $(stat -c %s "$FCNVME_SHM_DIR/$FABRIC/port-${VWWPN#0x}") - 1)) \
	0x14220c 0 0 0 0 0 0 0 0 0 > "$pci/resource"
ln -s "$FCNVME_SHM_DIR/$FABRIC/port-${VWWPN#0x}" "$pci/resource2"
sed -e 's|dev = "soft:[^"]*"|dev = "pci:0000:00:04.0"|' -e 's|0x10000090fa000001|0x10000090fa0000e1|' \
	"$tmp/nvmetfcd.conf" > "$tmp/pci.conf"
FCNVME_SYSFS_ROOT=$tmp/sys timeout 20 "$B/daemon/nvmetfcd" -f -c "$tmp/pci.conf" \
	-s "$tmp/pci.sock" -S "$tmp/pcistate" > "$tmp/pci.log" 2>&1
check_not "nvmetfcd on the port's BAR: refused" test $? = 0
check "nvmetfcd on the port's BAR: says why" grep -qx \
	"<4>configuration $tmp/pci.conf: port p0: cannot open pci:0000:00:04.0: pci:0000:00:04.0 is a softhba-vmport port (remote-driver region) whose Doorbell register (BAR0) could not be mapped: Operation not supported" \
	"$tmp/pci.log"
check "target role: the port server is unharmed" kill -0 "$vpid"
kill -TERM "$vpid"
check "target role: SIGTERM ends the server" wait_exit "$vpid" 10
check "target role: status 0" test "$wrc" = 0
check "target role: the host's login and loss counted" \
	grep -q "initiators online 1 offline 1$" "$tmp/vp5.log"
check_not "no sanitizer report from any process" \
	grep -l "Sanitizer\|runtime error" "$tmp"/*.log "$tmp"/*.out

[ "$fail" -eq 0 ] || for f in g1.out g2.out g3.out g4.out g5.out perf.out vp1.log vp2.log \
	vp3.log vp4.log vp5.log pci.log; do echo "--- $f"; cat "$tmp/$f"; done
finish
