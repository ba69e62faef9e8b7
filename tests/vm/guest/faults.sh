# SPDX-License-Identifier: Apache-2.0
# Guest of faults.sh: faults under a verified load, namespace changes,
# keep-alive, RSCN and a frozen port server, from Linux's nvme-fc host.
. "$(dirname "$0")/lib.sh"

H="-q $GHOSTNQN -I $GHOSTID"
FC="-t fc -a $T0ADDR -w $G1ADDR"
OPT="--reconnect-delay=1 --ctrl-loss-tmo=60 --keep-alive-tmo=5"
echo "fio random seed: $SEED"

softhba_load || guest_finish
check "remote port $T0WWPN registered" wait_for 20 rport_online "$T0WWPN"
check "connect $NQN_B (file-backed: survives a target restart)" nvme connect $FC $H -n "$NQN_B" $OPT
check "connect $NQN_A" nvme connect $FC $H -n "$NQN_A" $OPT
wait_for 10 nvme_ns_of "$NQN_B" 1
wait_for 10 nvme_ns_of "$NQN_A" 2
cb=$(nvme_ctrl_of "$NQN_B")
b1=$(nvme_ns_of "$NQN_B" 1)
echo "B: controller $cb, namespace $b1"
assocs() { dmesg | grep -c "create association .*NQN \"$NQN_B\""; }

t0=$(uptime_s)
fio --name=faults --filename="/dev/$b1" --ioengine=libaio --direct=1 --rw=randwrite --bs=4k \
	--iodepth=8 --size=24M --time_based --runtime=900 --randseed="$SEED" \
	--verify=crc32c --verify_backlog=64 --verify_fatal=1 --eta=never >faults.fio 2>&1 &
fpid=$!
sleep 3

# 1. kill -9 and restart of nvmetfcd
n=$(assocs)
host_do kill9
check "B's controller leaves live when the target dies" wait_for 20 sh -c "[ \"\$(cat /sys/class/nvme/$cb/state)\" != live ]"
echo "  $cb is $(ctrl_state "$cb")"
sleep 2
host_do restart
t1=$(uptime_s)
check "B's controller reconnects to the restarted target" wait_for 60 is ctrl_state "$cb" live
echo "  live again $(secs_since "$t1") s after the restart"
check "it made a new association" test "$(assocs)" -gt "$n"
sleep 2

# 2. the target invalidates this host
n=$(assocs)
host_do invalidate
check "after host invalidate: a new association" wait_for 30 sh -c "[ \$(dmesg | grep -c 'create association .*NQN \"$NQN_B\"') -gt $n ]"
check "B's controller is live again" wait_for 30 is ctrl_state "$cb" live
sleep 2

# 3. the target port's link goes down for 2 s
n=$(assocs)
host_do link-bounce
check "after the link bounce: a new association" wait_for 30 sh -c "[ \$(dmesg | grep -c 'create association .*NQN \"$NQN_B\"') -gt $n ]"
check "B's controller is live again" wait_for 30 is ctrl_state "$cb" live
sleep 2

check "fio was running through the three faults" kill -0 $fpid
fio_stop_check $fpid faults.fio "fio through kill -9 + restart, host invalidate, link bounce: no error, data verified ($(secs_since "$t0") s)"

# 4. namespaces change on the target: AEN, rescan
host_do ns-add
check "namespace 3 added on the target appears" wait_for 30 nvme_ns_of "$NQN_A" 3
a3=$(nvme_ns_of "$NQN_A" 3)
check_eq "its size in /sys/block (32 MiB in 512 B sectors)" 65536 "$(cat /sys/block/$a3/size 2>/dev/null)"
host_do ns-resize
check "resized to 48 MiB on the target: the host sees it" wait_for 30 sh -c "[ \"\$(cat /sys/block/$a3/size)\" = 98304 ]"
check_eq "id-ns nsze after the resize" 98304 "$(nvme id-ns /dev/$a3 -o json | json 'j["nsze"]')"
host_do ns-del
check "namespace 3 removed on the target disappears" wait_for 30 sh -c "[ ! -e /sys/block/$a3 ]"

# 4b. B's namespace 2 is pending on the target (backing_missing =
# "pending"): its backing file does not exist. Once it does, the target
# serves it and tells the host (AEN).
check "namespace 2 of B (pending on the target) is not seen" [ -z "$(nvme_ns_of "$NQN_B" 2)" ]
host_do late-file
check "its backing file created on the target: it appears" wait_for 30 nvme_ns_of "$NQN_B" 2
b2=$(nvme_ns_of "$NQN_B" 2)
check_eq "its size in /sys/block (40 MiB in 512 B sectors)" 81920 "$(cat /sys/block/$b2/size 2>/dev/null)"
check "it reads" sh -c "dd if=/dev/$b2 of=/dev/null bs=4096 count=16 iflag=direct 2>/dev/null"

# 5. keep-alive while idle: 5 s KATO on both sides. The host sends Keep
# Alive through hw queue 0 (the admin queues' queue; no I/O runs), and the
# target, which tears an association down after KATO without traffic, keeps
# both: no new association.
ca=$(nvme_ctrl_of "$NQN_A")
kato=$(nvme get-feature /dev/$ca -f 0x0f 2>/dev/null | sed -n 's/.*Current value:\(0x[0-9a-f]*\).*/\1/p')
check_eq "KATO of $ca (Get Features 0x0f) in ms" 5000 "$((kato))"
wq0() { sed -n 's/^hwq 0: .*wq tail \([0-9]*\) .*/\1/p' /sys/kernel/debug/softhba/*/state; }
n=$(dmesg | grep -c 'create association')
k0=$(wq0)
sleep 12
k1=$(wq0)
echo "  WQEs on hw queue 0 in 12 idle seconds: $k0 -> $k1"
check "keep-alives go out while idle (at least 2 for 2 controllers in 12 s)" test "$((k1 - k0))" -ge 2
check "no association was lost while idle" test "$(dmesg | grep -c 'create association')" -eq "$n"
check "both controllers still live" sh -c "[ \"\$(cat /sys/class/nvme/$ca/state /sys/class/nvme/$cb/state)\" = \"live
live\" ]"

# 6. RSCN: the target says its offering changed; the port server passes a
# repeated RPORT_ONLINE, softhba asks nvme-fc to rescan the remote port, and
# nvme-fc emits the discovery uevent nvme-cli's udev rule listens for.
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 15)
s.bind((0, 1))
s.settimeout(30)
open("uev.ready", "w").close()
end = time.time() + 30
while time.time() < end:
    try:
        m = s.recv(8192)
    except socket.timeout:
        break
    f = m.split(b"\0")
    if b"FC_EVENT=nvmediscovery" in f:
        print(" ".join(x.decode() for x in f if x.startswith(b"NVMEFC_")))
        sys.exit(0)
sys.exit(1)' >uev.out 2>&1 &
upid=$!
wait_for 10 test -f uev.ready
host_do discovery-event >/dev/null
wait $upid
check "RSCN: nvme-fc's discovery uevent for the target" test $? -eq 0
check_eq "the uevent names the target and this port" \
	"NVMEFC_HOST_TRADDR=$G1ADDR NVMEFC_TRADDR=$T0ADDR" "$(cat uev.out)"

# 7. the port server freezes: no heartbeat for 3 s is a link down; when it
# beats again the driver asks for the remote ports and the controllers
# reconnect
host_do vmport-stop
check "heartbeat lost: the driver takes the link down" \
	wait_for 15 dmesg_has "port server heartbeat stopped for 3 s"
check "the controllers leave live" wait_for 15 sh -c "[ \"\$(cat /sys/class/nvme/$ca/state)\" != live ]"
host_do vmport-cont
check "heartbeat back" wait_for 15 dmesg_has "port server heartbeat is back"
check "A's controller reconnects" wait_for 60 is ctrl_state "$ca" live
check "B's controller reconnects" wait_for 60 is ctrl_state "$cb" live
check "and B's namespace reads" dd if=/dev/$b1 of=/dev/null bs=64k count=16 iflag=direct status=none

# 8. a third port answers the guest's command to the target: the fabric
# drops the guest's next Read CMD IU (softhbactl fault drop-cmd), so the
# exchange stays out; a port of its own (tests/vm/vm_peer forge-rsp) writes a
# good FCP_RSP with all 12 KiB moved for it into the guest's CQ, from its
# own slot. softhba takes a response only from the exchange's target: it
# drops the entry and counts it in the port's drops (the tool waits for
# that), and the Read stays out until a controller reset sends it again,
# then returns the namespace's bytes (without the check it returned at once
# with whatever the exchange's bounce buffer held).
a2=$(nvme_ns_of "$NQN_A" 2)
python3 -c "
import random, sys
random.seed($SEED)
sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(12288)))" >forge.pat
check "12 KiB of seeded bytes written to $a2" \
	dd if=forge.pat of="/dev/$a2" bs=12k seek=100 count=1 oflag=direct status=none
check "the fabric drops this port's next Read CMD IU" host_do hold-read
dd if="/dev/$a2" of=forge.got bs=12k skip=100 count=1 iflag=direct status=none &
rpid=$!
check "a third port's response to the held Read: dropped and counted" host_do forge-rsp 12288
sleep 2
check "the Read is still out 2 s later" kill -0 $rpid
check "nvme reset $ca" nvme reset "/dev/$ca"
if wait_for 60 sh -c "! kill -0 $rpid"; then
	wait $rpid
	check "after the reset the Read completes" test $? -eq 0
else
	ko "the Read did not complete within 60 s of the reset"
	kill $rpid
fi
check "with the bytes written" cmp forge.pat forge.got

for q in "$NQN_A" "$NQN_B"; do
	check "nvme disconnect -n $q" nvme disconnect -n "$q"
done
check "rmmod softhba" rmmod softhba
dmesg_save dmesg
# Provoked on purpose: while the only path of a controller is down (steps
# 1-3), its multipath device parks I/O; on host invalidate (step 2) the
# target aborts the host's exchanges before it logs the host out, as
# nvmet-fc does when it deletes an association, and nvme-fc warns that the
# association failed and resets the controller.
DMESG_EXPECT='block nvme[0-9]+n[0-9]+: no usable path - requeuing I/O'
# That warning is rate limited (dev_warn_ratelimited in
# nvme_ns_head_submit_bio, drivers/nvme/host/multipath.c): when a busy host
# machine slows the guest, enough parked I/O comes within one interval that
# the kernel's ratelimit later reports the ones it dropped (lib/ratelimit.c,
# at warning level, under the name of the function that logs them).
DMESG_EXPECT="$DMESG_EXPECT|nvme_ns_head_submit_bio: [0-9]+ callbacks suppressed"
DMESG_EXPECT="$DMESG_EXPECT|NVME-FC\{[0-9]+\}: transport association event: transport detected io error"
DMESG_EXPECT="$DMESG_EXPECT|NVME-FC\{[0-9]+\}: resetting controller"
# and step 7: the driver's own warning when the port server stops beating.
# A Keep Alive in flight when a path is lost (steps 1-3, 7) fails, and one
# held by the frozen port server (7) also took long.
DMESG_EXPECT="$DMESG_EXPECT|softhba [0-9a-f:.]+: port server heartbeat stopped for 3 s"
DMESG_EXPECT="$DMESG_EXPECT|nvme nvme[0-9]+: failed nvme_keep_alive_end_io error=[0-9]+"
DMESG_EXPECT="$DMESG_EXPECT|nvme nvme[0-9]+: long keepalive RTT \([0-9]+ ms\)"
# Step 8 resets A's controller (nvme reset: nvme core's own line).
DMESG_EXPECT="$DMESG_EXPECT|nvme nvme[0-9]+: resetting controller"
dmesg_clean
guest_finish
