# SPDX-License-Identifier: Apache-2.0
# Guest of rbd_failover.sh: one rbd-backed namespace through two nvmetfcd
# nodes (a: port T0, owner of ANA group 1; b: port T1), Linux's native
# multipath over both, a verified fio load on the multipath device while
# the host freezes the cluster's only OSD for 12 s (the I/O waits, the
# controllers stay live, nobody is fenced), kills node a (node b fences it
# and takes the group over), then restarts it and moves the group back,
# then stops it cleanly (it hands the group to node b).
. "$(dirname "$0")/lib.sh"

H="-q $GHOSTNQN -I $GHOSTID"
OPT="--reconnect-delay=1 --ctrl-loss-tmo=600"
echo "fio random seed: $SEED"

softhba_load || guest_finish
check "node a's port $T0WWPN registered" wait_for 20 rport_online "$T0WWPN"
check "node b's port $T1WWPN registered" wait_for 20 rport_online "$T1WWPN"
check "connect through node a" nvme connect -t fc -a "$T0ADDR" -w "$G1ADDR" -n "$NQN_A" $H $OPT
check "connect through node b" nvme connect -t fc -a "$T1ADDR" -w "$G1ADDR" -n "$NQN_A" $H $OPT
wait_for 10 nvme_ns_of "$NQN_A" 1
ca=$(ctrl_via "$NQN_A" "$T0ADDR")
cb=$(ctrl_via "$NQN_A" "$T1ADDR")
ns=$(nvme_ns_of "$NQN_A" 1)
echo "path via node a: $ca, via node b: $cb; multipath device $ns"
check "one subsystem, one multipath namespace device" test -b "/dev/$ns"
check_eq "the same namespace identifiers through both nodes" \
	"$(cat /sys/class/nvme/"$ca"/nvme*c*n1/wwid)" "$(cat /sys/class/nvme/"$cb"/nvme*c*n1/wwid)"
check_eq "the same serial through both nodes" \
	"$(cat /sys/class/nvme/"$ca"/serial)" "$(cat /sys/class/nvme/"$cb"/serial)"
check_eq "controller ids from each node's range (a: 1-4096, b: 4097-8192)" "yes yes" \
	"$([ "$(cat /sys/class/nvme/"$ca"/cntlid)" -le 4096 ] && echo yes) $([ "$(cat /sys/class/nvme/"$cb"/cntlid)" -gt 4096 ] && echo yes)"
check "ANA: via a optimized, via b non-optimized" wait_for 15 sh -c \
	"[ \"\$(cat /sys/class/nvme/$ca/nvme*c*n1/ana_state /sys/class/nvme/$cb/nvme*c*n1/ana_state)\" = \"optimized
non-optimized\" ]"

# bytes read and written through a node's port, from its statistics
moved() { host_do moved "$1"; }
# flows NODE SECS: I/O goes through NODE (its byte count grows)
flows() {
	local a b
	a=$(moved "$1")
	sleep "$2"
	b=$(moved "$1")
	echo "  node $1: $a -> $b bytes moved"
	[ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ]
}

# The load: random writes of 4-64 KiB at QD16, each block read back and
# checked as it goes, from before the kill until after the move back.
t0=$(uptime_s)
fio --name=rbdfo --filename="/dev/$ns" --ioengine=libaio --direct=1 --rw=randwrite \
	--bsrange=4k-64k --iodepth=16 --size=64M --time_based --runtime=900 --randseed="$SEED" \
	--verify=crc32c --verify_backlog=32 --verify_fatal=1 --eta=never >rbdfo.fio 2>&1 &
fpid=$!
sleep 4

# 0. the cluster's only OSD stalls for 12 s (SIGSTOP), past the nodes' 10 s
# op timeout on the state object: fio's I/O waits in the OSD, the nodes'
# reads of the state fail, then work again. Both controllers stay live:
# their keep-alives (Linux sends them while no I/O completes, 5 s KATO)
# and the nodes' control threads are not held by those reads; no
# controller is reset, and neither node fences the other when the OSD
# comes back (the host action checks past dead_ms).
dmesg_mark "osd stall"
out=$(host_do -t 90 freeze-osd 12)
rc=$?
echo "$out" | sed 's/^/  host: /'
check "the OSD stalled 12 s; both nodes read the state again; nobody fenced" test $rc -eq 0
check_eq "both controllers live after the stall" "live live" "$(ctrl_state "$ca") $(ctrl_state "$cb")"
stall_log=$(dmesg_since "osd stall" | grep -E 'nvme[0-9]+: ' | grep -v -E 'long keepalive RTT')
check "no controller reset, timeout or keep-alive failure in the kernel log since the stall began" \
	test -z "$stall_log"
[ -n "$stall_log" ] && echo "$stall_log" | head -n 20 | sed 's/^/  dmesg: /'
check "ANA unchanged: via a optimized, via b non-optimized" sh -c \
	"[ \"\$(cat /sys/class/nvme/$ca/nvme*c*n1/ana_state /sys/class/nvme/$cb/nvme*c*n1/ana_state)\" = \"optimized
non-optimized\" ]"
check "I/O goes through node a again" flows a 3
check "fio kept running through the stall" kill -0 $fpid

# 1. node a dies: node b fences it, then owns group 1
t1=$(uptime_s)
out=$(host_do -t 90 kill-a)
rc=$?
echo "$out" | sed 's/^/  host: /'
check "node a killed; node b owns group 1" test $rc -eq 0
check "node b took over group 1 after fencing node a" host_do fenced-first
check "node a's address is in the OSD blocklist" host_do blocklisted
check "the path via b turns optimized" wait_for 40 is path_ana "$cb" optimized
echo "  optimized via b $(secs_since "$t1") s after the kill; via a: $(ctrl_state "$ca")"
if [ "$(path_ana "$cb")" != optimized ]; then
	# what the host learnt and when (seen once at load 9: 112 s)
	echo "  via b now: $(path_ana "$cb"), controller $(ctrl_state "$cb")"
	host_do views | sed 's/^/  host: /'
	dmesg | grep -i 'nvme\|softhba' | tail -n 20 | sed 's/^/  dmesg: /'
fi
check "the controller via node a is not live" test "$(ctrl_state "$ca")" != live
check "I/O goes through node b" flows b 3
check "fio kept running through the failover" kill -0 $fpid

# 2. node a comes back as a non-owner and gets group 1 back
out=$(host_do -t 90 restart-a)
rc=$?
echo "$out" | sed 's/^/  host: /'
check "node a restarted, rejoined and owns group 1 again" test $rc -eq 0
check "the controller via node a is live again" wait_for 60 is ctrl_state "$ca" live
check "ANA: via a optimized again, via b non-optimized" wait_for 30 sh -c \
	"[ \"\$(cat /sys/class/nvme/$ca/nvme*c*n1/ana_state /sys/class/nvme/$cb/nvme*c*n1/ana_state)\" = \"optimized
non-optimized\" ]"
host_do views | sed 's/^/  host: /'
check "I/O goes through node a again" flows a 3

# 3. node a stops cleanly (SIGTERM): it hands group 1 to node b on its way
# out; the path via b turns optimized with no fence and I/O goes on
t3=$(uptime_s)
out=$(host_do -t 60 stop-a)
rc=$?
echo "$out" | sed 's/^/  host: /'
check "node a stopped, handed group 1 to node b; no fence past dead_ms" test $rc -eq 0
check "the path via b turns optimized" wait_for 40 is path_ana "$cb" optimized
echo "  optimized via b $(secs_since "$t3") s after the stop began (the host action's 4 s past dead_ms included); via a: $(ctrl_state "$ca")"
check "I/O goes through node b" flows b 3

check "fio was running through the four events" kill -0 $fpid
fio_stop_check $fpid rbdfo.fio "fio on the multipath device: no error, data verified ($(secs_since "$t0") s, across the OSD stall, the failover, the move back and the clean stop)"
check "a sequential verified pass after the four events" fio --name=check --filename="/dev/$ns" \
	--ioengine=libaio --direct=1 --rw=write --bs=64k --iodepth=4 --size=16M --offset=128M \
	--verify=crc32c --do_verify=1 --verify_fatal=1 --randseed="$SEED" --eta=never \
	--output=check.fio
check "nvme disconnect -n $NQN_A (both paths)" nvme disconnect -n "$NQN_A"
check "rmmod softhba" rmmod softhba
dmesg_save dmesg
# Killing node a fails what its controller had in flight (a keep-alive
# caught there ends with a transport error, timing-dependent).
DMESG_EXPECT="nvme $ca: failed nvme_keep_alive_end_io error=[0-9]+"
# Node a's clean stop (step 3) deletes its associations, aborting what was
# in flight as nvmet-fc does when its port goes: nvme-fc resets the
# controller via a, the reset's ANA log read fails with a host path error
# (0x370) and its reconnect cannot connect the admin queue while the port
# is gone (the errno depends on timing: -ECANCELED, -ENXIO, -ENOTCONN seen).
# The I/O goes on through node b (fio above).
DMESG_EXPECT="$DMESG_EXPECT|nvme $ca: NVME-FC\{[0-9]+\}: transport association event: transport detected io error"
DMESG_EXPECT="$DMESG_EXPECT|nvme $ca: NVME-FC\{[0-9]+\}: resetting controller"
DMESG_EXPECT="$DMESG_EXPECT|nvme $ca: Failed to get ANA log: 880"
DMESG_EXPECT="$DMESG_EXPECT|queue 0 connect admin queue failed \(-[0-9]+\)"
dmesg_clean
guest_finish
