#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# nvmetfcd as the guest driver of a softhba-vmport --role target port,
# from the host (dev = "vmport:SOCKET", docs/softhba-vm-port.md): the port
# server joins the fabric as a target and answers hosts' logins; nvmetfcd
# connects to its socket as QEMU would, maps the region, and serves the
# hosts through deq/mq (RPORT_ONLINE, LS in and out) and WQEs by DMA handle.
# fcnvme on the same fabric discovers the subsystem at the port's WWPN and
# writes and reads back seeded random data byte for byte, and perf --verify
# runs on two hw queues; stopping the port server is link loss to nvmetfcd
# after 3 s (its heartbeat stops), killing it at once (its socket closes),
# and nvmetfcd keeps running; once a port server starts again at the
# socket nvmetfcd attaches to it, with the same subsystem and data (a mute
# listener or a server of other names there first changes nothing).
# Nonsense in deq (what a broken port server could write) changes nothing
# for the real hosts. port disable and enable go through the port server,
# which owns the link: the hosts lose the port and find it again.
NAME=vmport_target
. "$(dirname "$0")/lib.sh"

VP=$B/tools/softhba-vmport
VWWNN=0x20000090fc000011
VWWPN=0x10000090fc000011
VSOCK=$tmp/vmport.sock
SEED=${VMPORT_SEED:-1}
echo "vmport_target: seed $SEED (VMPORT_SEED=$SEED repeats it)"

conf() { # conf DEV WWNN WWPN HWQ [MORE PORT SETTINGS]
	cat <<CONF
daemon = { log_level = "info"; };
ports = ( { name = "p0"; dev = "$1"; wwnn = "$2"; wwpn = "$3"; hw_queues = $4; ${5:-} } );
subsystems = ( { nqn = "$DEMO_NQN"; allow_any_host = false; hosts = [ "$HOSTNQN" ];
		 ports = [ "p0" ];
		 namespaces = ( { nsid = 1; backend = "ram"; size = "16M"; },
				{ nsid = 2; backend = "ram"; size = "4M"; } ); } );
CONF
}

fabric_create
"$VP" --fabric "$FABRIC" --wwnn $VWWNN --wwpn $VWWPN --socket "$VSOCK" --role target \
	--hw-queues 2 --dma-mb 256 --persist --verbose > "$tmp/vp.log" 2>&1 &
vpid=$!
bg_pids="$bg_pids $vpid"
check "port server listens" wait_for "$tmp/vp.log" "waiting for QEMU" 10

# --- refusals: bad names, too many hw queues, not a port server -----------
conf "vmport:$VSOCK" $VWWNN 0x10000090fc0000ee 2 > "$tmp/names.conf"
timeout 20 "$B/daemon/nvmetfcd" -f -c "$tmp/names.conf" -s "$tmp/x.sock" -S "$tmp/xs" \
	> "$tmp/names.log" 2>&1
check_not "other WWPN: refused" test $? = 0
check "other WWPN: says why" grep -q "port p0: cannot open vmport:$VSOCK: vmport:$VSOCK serves a port of other names (wwnn and wwpn must be softhba-vmport's --wwnn and --wwpn)" "$tmp/names.log"
conf "vmport:$VSOCK" $VWWNN $VWWPN 3 > "$tmp/hwq.conf"
timeout 20 "$B/daemon/nvmetfcd" -f -c "$tmp/hwq.conf" -s "$tmp/x.sock" -S "$tmp/xs" \
	> "$tmp/hwq.log" 2>&1
check_not "3 hw queues on a 2-queue port: refused" test $? = 0
check "3 hw queues: says why" grep -q "cannot open vmport:$VSOCK: vmport:$VSOCK has fewer hw queues than hw_queues asks for (softhba-vmport --hw-queues)" "$tmp/hwq.log"
conf "vmport:$tmp/nothing.sock" $VWWNN $VWWPN 2 > "$tmp/nosock.conf"
timeout 20 "$B/daemon/nvmetfcd" -f -c "$tmp/nosock.conf" -s "$tmp/x.sock" -S "$tmp/xs" \
	> "$tmp/nosock.log" 2>&1
check_not "no socket: refused" test $? = 0
check "no socket: says why" grep -q "$tmp/nothing.sock cannot be connected to" "$tmp/nosock.log"
conf "vmport:relative.sock" $VWWNN $VWWPN 2 > "$tmp/rel.conf"
"$B/daemon/nvmetfcd" -n -c "$tmp/rel.conf" > "$tmp/rel.log" 2>&1
check_not "relative socket path: config refused" test $? = 0
check "relative socket path: says what is allowed" grep -q 'port p0: dev "vmport:relative.sock" must be soft:FABRIC, /dev/uioN, pci:DDDD:BB:DD.F or vmport:/SOCKET' "$tmp/rel.log"
# the host LLDD does not drive a vmport port
"$B/tools/fcnvme" discover --dev "vmport:$VSOCK" --wwnn 0x20000090fb000009 \
	--wwpn 0x10000090fb000009 --hostnqn "$HOSTNQN" --hostid "$HOSTID" > "$tmp/hostrole.out" 2>&1
check_not "fcnvme --dev vmport: refused" test $? = 0
check "fcnvme --dev vmport: says why" grep -q "vmport:$VSOCK is a softhba-vmport port: only the target role drives one from the host: Operation not supported" "$tmp/hostrole.out"
check "the port server saw none of them as a driver" kill -0 "$vpid"
# a window too small for the data buffers (1024 of 256 KiB on its hw
# queue): refused, with how much is needed
"$VP" --fabric "$FABRIC" --wwnn 0x20000090fc000012 --wwpn 0x10000090fc000012 \
	--socket "$tmp/small.sock" --role target --dma-mb 64 > "$tmp/small_vp.log" 2>&1 &
spid=$!
bg_pids="$bg_pids $spid"
check "small port server listens" wait_for "$tmp/small_vp.log" "waiting for QEMU" 10
conf "vmport:$tmp/small.sock" 0x20000090fc000012 0x10000090fc000012 1 "queue_depth = 1024;" \
	> "$tmp/small.conf"
timeout 20 "$B/daemon/nvmetfcd" -f -c "$tmp/small.conf" -s "$tmp/x.sock" -S "$tmp/xs" \
	> "$tmp/small.log" 2>&1
check_not "64 MiB window: refused" test $? = 0
check "64 MiB window: says how much is needed" grep -Eq "port p0: its data buffers cannot be backed: 1 hw queue\(s\) of queue_depth 1024 buffers of mdts 256 KiB need 256 MiB of DMA memory, and vmport:$tmp/small.sock has 1[0-9]{2} MiB free" "$tmp/small.log"
kill "$spid" 2>/dev/null

# --- nvmetfcd drives the port ---------------------------------------------
conf "vmport:$VSOCK" $VWWNN $VWWPN 2 > "$tmp/nvmetfcd.conf"
daemon_start "$tmp/nvmetfcd.conf" || exit 1
check "port server: the driver is up" wait_for "$tmp/vp.log" "guest driver up" 10

"$B/tools/fcnvme" discover $(host 3) --traddr "nn-$VWWNN:pn-$VWWPN" > "$tmp/disc.out" 2>&1
check "discover through the vmport port" test $? = 0
check "discover lists the subsystem at the port's WWPN" \
	grep -q "$DEMO_NQN" "$tmp/disc.out"
check "discover: the entry's traddr is the vmport port" \
	grep -q "nn-$VWWNN:pn-$VWWPN" "$tmp/disc.out"
check "nvmetfcd: the host logged in through the port server" \
	grep -q "0x10000090fb000003" "$DLOG"

# seeded random data: 1 MiB written at block 100, read back byte for byte
LC_ALL=C awk -v seed="$SEED" -v n=1048576 \
	'BEGIN { srand(seed); for (i = 0; i < n; i++) printf("%c", int(rand() * 256)) }' > "$tmp/data"
check "1 MiB of seeded data" test "$(stat -c %s "$tmp/data")" = 1048576
"$B/tools/fcnvme" write $(host 3) --traddr "nn-$VWWNN:pn-$VWWPN" --nqn "$DEMO_NQN" \
	-s 100 -c 2047 -d "$tmp/data" > "$tmp/write.out" 2>&1
check "write through the vmport port" test $? = 0
"$B/tools/fcnvme" read $(host 3) --traddr "nn-$VWWNN:pn-$VWWPN" --nqn "$DEMO_NQN" \
	-s 100 -c 2047 -d "$tmp/back" > "$tmp/read.out" 2>&1
check "read through the vmport port" test $? = 0
check "read back byte for byte" cmp "$tmp/data" "$tmp/back"
# the same data in namespace 2, which no perf below writes
"$B/tools/fcnvme" write $(host 3) --traddr "nn-$VWWNN:pn-$VWWPN" --nqn "$DEMO_NQN" -n 2 \
	-s 100 -c 2047 -d "$tmp/data" > "$tmp/write2.out" 2>&1
check "write to namespace 2" test $? = 0

"$B/tools/fcnvme" perf --seed 1 $(host 4) --traddr "nn-$VWWNN:pn-$VWWPN" --nqn "$DEMO_NQN" -n 1 \
	-q 8 -o 4096 -w rw -t 3 --verify > "$tmp/perf.out" 2>&1
check "perf --verify through the vmport port" test $? = 0
check "perf: I/O done" grep -Eq "^  IOPS +[1-9]" "$tmp/perf.out"
check "perf: no errors" grep -Eq "^  cpu .* errors 0" "$tmp/perf.out"
check "perf: no verify errors" grep -q "^  verify errors 0$" "$tmp/perf.out"

# --- a port server writing nonsense into deq: ignored or refused ------------
"$B/tests/integration/vmport_deq_inject" "$FCNVME_SHM_DIR/$FABRIC/port-${VWWPN#0x}" "$SEED" \
	> "$tmp/inject.out" 2>&1
check "deq nonsense posted" grep -q "^vmport_deq_inject: seed $SEED, 314 entries posted$" "$tmp/inject.out"
check "deq: the well-formed phantom host registered" \
	wait_for "$DLOG" "port p0: remote port 0x10000090fbeeeeee (N_Port_ID 0x0abcde) logged in" 10
check "deq: and dropped" wait_for "$DLOG" \
	"port p0: remote port 0x10000090fbeeeeee gone (logged out or gone (port server))" 10
check_not "deq: no malformed RPORT_ONLINE registered anything" grep -q "0x10000090fbeeee0" "$DLOG"
check "deq: nvmetfcd still runs" kill -0 "$dpid"
"$B/tools/fcnvme" perf --seed 1 $(host 6) --traddr "nn-$VWWNN:pn-$VWWPN" --nqn "$DEMO_NQN" -n 1 \
	-q 8 -o 4096 -w rw -t 2 --verify > "$tmp/perf3.out" 2>&1
check "deq: verified I/O after the nonsense" test $? = 0
check "deq: no verify errors" grep -q "^  verify errors 0$" "$tmp/perf3.out"

# no_assoc: nvmetfcd holds no association
no_assoc() { ! ctl assoc list | grep -q '^0x'; }
# perf_held N: host N keeps 32 commands in flight on the port (perf for up
# to 60 s, in $perf), connected a second before it returns
perf_held() {
	"$B/tools/fcnvme" perf --seed 1 $(host "$1") --traddr "nn-$VWWNN:pn-$VWWPN" --nqn "$DEMO_NQN" -n 1 \
		-q 32 -o 4096 -w randrw -t 60 > "$tmp/perf-held$1.out" 2>&1 &
	perf=$!
	bg_pids="$bg_pids $perf"
	check "host $1 is connected" wait_for "$DLOG" \
		"wwpn 0x10000090fb00000$1) on port p0: connected to $DEMO_NQN" 10
	sleep 1
}

# port disable asks the port server, which owns the link, for it down: the
# hosts lose the port; port enable brings it back and the hosts log in
# again.
ctl port show p0 > "$tmp/show.out" 2>&1
check "port show: the port's device" grep -q "vmport:$VSOCK" "$tmp/show.out"
check "port disable on a vmport port" ctl port disable p0
check "  the port server takes the link down" wait_for "$tmp/vp.log" \
	"guest driver asks for link down" 5
check "  nvmetfcd hears of it" wait_for "$DLOG" "port p0: link down" 5
link_is() { ctl port show p0 | grep -Eq "^link-up +$1$"; }
# link_soon STATE: link_is STATE within 10 s
link_soon() {
	local i
	for i in $(seq 50); do
		link_is "$1" && return 0
		sleep 0.2
	done
	return 1
}
check "  port show: link down" link_soon no
"$B/tools/fcnvme" discover $(host 3) --traddr "nn-$VWWNN:pn-$VWWPN" > "$tmp/disc-off.out" 2>&1
check_not "  a host cannot reach the port" test $? = 0
sed 's/^/  fcnvme: /' "$tmp/disc-off.out" | head -n 2
check "port enable" ctl port enable p0
check "  port show: link up" link_soon yes
"$B/tools/fcnvme" read $(host 3) --traddr "nn-$VWWNN:pn-$VWWPN" --nqn "$DEMO_NQN" -n 2 \
	-s 100 -c 2047 -d "$tmp/back-en" > "$tmp/read-en.out" 2>&1
check "  a host reads namespace 2 through the port again ($(head -n 1 "$tmp/read-en.out"))" \
	cmp "$tmp/data" "$tmp/back-en"
# host invalidate and discovery-event: the port server, which holds the
# logins, sends the LOGO (the host loses the port; it can log in again)
# and the RSCN
perf_held 7
check "discovery-event on the vmport port" ctl discovery-event p0
check "  the port server sends the RSCN" wait_for "$tmp/vp.log" \
	"guest driver sends a RSCN to 0x10000090fb000007" 5
check "host invalidate of host 7" ctl host invalidate 0x10000090fb000007
check "  the port server sends the LOGO" wait_for "$tmp/vp.log" \
	"guest driver sends a LOGO to 0x10000090fb000007" 5
check "  nvmetfcd drops the host's association" eventually 10 no_assoc
kill "$perf" 2>/dev/null
wait "$perf" 2>/dev/null
"$B/tools/fcnvme" read $(host 7) --traddr "nn-$VWWNN:pn-$VWWPN" --nqn "$DEMO_NQN" -n 2 \
	-s 100 -c 2047 -d "$tmp/back-7" > "$tmp/read-7.out" 2>&1
check "  the host logs in again and reads ($(head -n 1 "$tmp/read-7.out"))" \
	cmp "$tmp/data" "$tmp/back-7"
logins7() { [ "$(grep -c 'initiator logged in: 0x10000090fb000007' "$tmp/vp.log")" -ge 2 ]; }
check "  (its second login at the port server)" logins7

# --- the port server stops, then dies: link loss, nvmetfcd keeps running ---
# A host keeps 32 commands in flight (perf for 60 s) while the port server
# is stopped (SIGSTOP: its socket stays open, its heartbeat stops): the
# WQEs it held never complete, so once the heartbeat has been still for
# 3 s nvmetfcd's hw queues complete those ops themselves and the
# association goes; nothing is left for the stop to wait for. Then it is
# killed (gone already: nothing more is said).
perf_held 5
kill -STOP "$vpid"
check "SIGSTOP: nvmetfcd logs the link loss (heartbeat stopped)" \
	wait_for "$DLOG" "remote port 0x10000090fb000005 gone (link down: the port server's heartbeat stopped)" 10
check "SIGSTOP: nvmetfcd logs the port's link down" wait_for "$DLOG" "port p0: link down" 5
check "SIGSTOP: the host's association is torn down (the ops the port server held completed)" \
	eventually 10 no_assoc
kill "$perf" 2>/dev/null
check "SIGSTOP: nvmetfcd still runs" kill -0 "$dpid"
check "SIGSTOP: fcnvmectl status answers" quiet ctl status
kill -9 "$vpid"
wait "$vpid" 2>/dev/null
sleep 0.5
check_not "kill -9 after the heartbeat stopped: no second link loss" \
	grep -q "the port server closed its socket" "$DLOG"

# --- a port server starts again at the socket: nvmetfcd attaches to it -----
# Each new socket file at the path is tried at once, then after 5 s, 10 s
# ... (at most 1 min) while it stays; what is not a working port server of
# the port's names changes nothing. First something that accepts and never greets: the
# attempt gives up after 2 s and the control thread answers again.
rm -f "$VSOCK"
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
print("mute listening", flush=True); time.sleep(600)' "$VSOCK" > "$tmp/mute.log" 2>&1 &
mute=$!
bg_pids="$bg_pids $mute"
check "a mute listener at the socket" wait_for "$tmp/mute.log" "mute listening" 10
check "mute listener: the attempt gives up, said once" wait_for "$DLOG" \
	"port p0: cannot open vmport:$VSOCK: $VSOCK accepted the connection but sent no greeting (a port server that is stopped, or not one): Resource temporarily unavailable; tried again after 5 s, then twice as long each time (up to 1 min) while that port server runs" 10
check "mute listener: fcnvmectl status answers" quiet ctl status
kill "$mute" 2>/dev/null
wait "$mute" 2>/dev/null
# then a port server of other names: refused, nothing changes
"$VP" --fabric "$FABRIC" --wwnn 0x20000090fc000014 --wwpn 0x10000090fc000014 --socket "$VSOCK" \
	--role target --hw-queues 2 --dma-mb 256 --persist > "$tmp/vp_other.log" 2>&1 &
vother=$!
bg_pids="$bg_pids $vother"
check "other names: its port server listens" wait_for "$tmp/vp_other.log" "waiting for QEMU" 10
check "other names: refused, said once" wait_for "$DLOG" \
	"port p0: cannot open vmport:$VSOCK: vmport:$VSOCK serves a port of other names (wwnn and wwpn must be softhba-vmport's --wwnn and --wwpn): Invalid argument; tried again after 5 s" 10
check "other names: nvmetfcd still runs" kill -0 "$dpid"
check_not "other names: not attached" grep -q "attached to the restarted port server" "$DLOG"
kill "$vother" 2>/dev/null
wait "$vother" 2>/dev/null
# the port's own server again
"$VP" --fabric "$FABRIC" --wwnn $VWWNN --wwpn $VWWPN --socket "$VSOCK" --role target \
	--hw-queues 2 --dma-mb 256 --persist --verbose > "$tmp/vp_again.log" 2>&1 &
vpid=$!
bg_pids="$bg_pids $vpid"
t0=$(date +%s%N)
check "restart: nvmetfcd attaches to the new port server" wait_for "$DLOG" \
	"port p0: vmport:$VSOCK: attached to the restarted port server (2 hw queue(s); the old attachment closed in [0-9]* ms); its subsystems and ANA states are kept" 15
echo "vmport_target: attached $(( ($(date +%s%N) - t0) / 1000000 )) ms after the new server started:" \
	"$(grep -o 'the old attachment closed in [0-9]* ms' "$DLOG")"
check "restart: the new port server has its driver" wait_for "$tmp/vp_again.log" "guest driver up" 10
ctl port show p0 > "$tmp/show2.out" 2>&1
check "restart: port show says link up" grep -Eq "^link-up +yes$" "$tmp/show2.out"
"$B/tools/fcnvme" discover $(host 8) --traddr "nn-$VWWNN:pn-$VWWPN" > "$tmp/disc2.out" 2>&1
check "restart: discover lists the subsystem again" grep -q "$DEMO_NQN" "$tmp/disc2.out"
# the namespace is the one written before the restart
"$B/tools/fcnvme" read $(host 8) --traddr "nn-$VWWNN:pn-$VWWPN" --nqn "$DEMO_NQN" -n 2 \
	-s 100 -c 2047 -d "$tmp/back2" > "$tmp/read2.out" 2>&1
check "restart: read through the new port server" test $? = 0
check "restart: the data written before the restart, byte for byte" cmp "$tmp/data" "$tmp/back2"
"$B/tools/fcnvme" perf --seed 1 $(host 8) --traddr "nn-$VWWNN:pn-$VWWPN" --nqn "$DEMO_NQN" -n 1 \
	-q 8 -o 4096 -w rw -t 2 --verify > "$tmp/perf5.out" 2>&1
check "restart: perf --verify on both hw queues" test $? = 0
check "restart: no verify errors" grep -q "^  verify errors 0$" "$tmp/perf5.out"

# --- killed with a host connected: gone at once (its socket closed) ---------
# and the next start of the port server is attached again
perf_held 9
t0=$(date +%s%N)
kill -9 "$vpid"
wait "$vpid" 2>/dev/null
check "kill -9: nvmetfcd logs the link loss at once (socket closed)" \
	wait_for "$DLOG" "remote port 0x10000090fb000009 gone (link down: the port server closed its socket)" 2
echo "vmport_target: link loss logged $(( ($(date +%s%N) - t0) / 1000000 )) ms after kill -9"
check "kill -9: the host's association is torn down" eventually 10 no_assoc
kill "$perf" 2>/dev/null
# disabled while no port server runs: the next one is told at once
check "port disable with the port server gone" ctl port disable p0
check "  logged" grep -q "port p0: its port server is gone; the link will be down when one attaches" \
	"$DLOG"
"$VP" --fabric "$FABRIC" --wwnn $VWWNN --wwpn $VWWPN --socket "$VSOCK" --role target \
	--hw-queues 2 --dma-mb 256 --persist > "$tmp/vp_third.log" 2>&1 &
vpid=$!
bg_pids="$bg_pids $vpid"
attached_twice() { [ "$(grep -c 'attached to the restarted port server' "$DLOG")" = 2 ]; }
check "second restart: attached again" eventually 15 attached_twice
check "  the new port server is asked for the link down" wait_for "$tmp/vp_third.log" \
	"guest driver asks for link down" 5
check "  port show: link down" link_soon no
check "port enable" ctl port enable p0
check "  port show: link up" link_soon yes
"$B/tools/fcnvme" read $(host 8) --traddr "nn-$VWWNN:pn-$VWWPN" --nqn "$DEMO_NQN" -n 2 \
	-s 100 -c 2047 -d "$tmp/back3" > "$tmp/read3.out" 2>&1
check "second restart: the same data, byte for byte" cmp "$tmp/data" "$tmp/back3"
check "nvmetfcd stops cleanly" daemon_stop
check_not "stop: the transport let go of the port" grep -q "still held the port" "$DLOG"

# --- the port server dies and nvmetfcd stops at once ------------------------
# The stop begins before the heartbeat watchdog fires: the port's drain
# outlasts it, so the ops the dead server held still complete.
W2NN=0x20000090fc000013
W2PN=0x10000090fc000013
"$VP" --fabric "$FABRIC" --wwnn $W2NN --wwpn $W2PN --socket "$tmp/vp2.sock" --role target \
	--hw-queues 2 --dma-mb 256 --persist > "$tmp/vp2.log" 2>&1 &
vpid=$!
bg_pids="$bg_pids $vpid"
check "second port server listens" wait_for "$tmp/vp2.log" "waiting for QEMU" 10
conf "vmport:$tmp/vp2.sock" $W2NN $W2PN 2 > "$tmp/n2.conf"
daemon_start "$tmp/n2.conf" || exit 1
check "second port server: the driver is up" wait_for "$tmp/vp2.log" "guest driver up" 10
"$B/tools/fcnvme" perf --seed 1 $(host 7) --traddr "nn-$W2NN:pn-$W2PN" --nqn "$DEMO_NQN" -n 1 \
	-q 32 -o 4096 -w randrw -t 60 > "$tmp/perf4.out" 2>&1 &
perf=$!
bg_pids="$bg_pids $perf"
check "a host is connected to the second port" \
	wait_for "$DLOG" "wwpn 0x10000090fb000007) on port p0: connected to $DEMO_NQN" 10
sleep 1
kill -9 "$vpid"
wait "$vpid" 2>/dev/null
check "stop right after kill -9: nvmetfcd stops cleanly" daemon_stop
kill "$perf" 2>/dev/null
check_not "stop right after kill -9: the transport let go of the port" \
	grep -q "still held the port" "$DLOG"
check_not "no sanitizer report" grep -l "Sanitizer\|runtime error" "$tmp"/*.log "$tmp"/*.out

[ "$fail" -eq 0 ] || for f in vp.log disc.out write.out read.out perf.out inject.out perf3.out nvmetfcd.log; do
	echo "--- $f"; cat "$tmp/$f"; done
finish
