# SPDX-License-Identifier: Apache-2.0
# Guest of resv.sh: nvme-cli's reservation commands from Linux's nvme-fc
# host on namespace 2 of subsystem A (reservations = true in
# tests/vm/target.conf.in); reservations and read-only changed in place by
# fcnvmectl namespace set as the host sees them.
. "$(dirname "$0")/lib.sh"

H="-q $GHOSTNQN -I $GHOSTID"
FC="-t fc -a $T0ADDR -w $G1ADDR"

softhba_load || guest_finish
check "remote port $T0WWPN registered" wait_for 20 rport_online "$T0WWPN"
nvme connect $FC $H -n "$NQN_A" >conn.out 2>&1
check_eq "nvme connect $NQN_A" 0 "$?"
check "namespaces of A appear" wait_for 10 nvme_ns_of "$NQN_A" 2
ca=$(nvme_ctrl_of "$NQN_A")
n2=$(nvme_ns_of "$NQN_A" 2)
echo "A: controller $ca, namespace 2 is $n2"
check_eq "id-ctrl: ONCS has reservations (bit 5)" 32 \
	"$(nvme id-ctrl "/dev/$ca" -o json | json 'j["oncs"] & 32')"
check_eq "id-ns 2: RESCAP (every type, IEKEY, PTPL)" 255 \
	"$(nvme id-ns "/dev/$n2" -o json | json 'j["rescap"]')"

nvme resv-register "/dev/$n2" --nrkey=0xabcd --rrega=0 >reg.out 2>&1
check_eq "nvme resv-register" 0 "$?"
sed 's/^/  nvme: /' reg.out
nvme resv-acquire "/dev/$n2" --crkey=0xabcd --rtype=1 --racqa=0 >acq.out 2>&1
check_eq "nvme resv-acquire (Write Exclusive)" 0 "$?"
sed 's/^/  nvme: /' acq.out
nvme resv-report "/dev/$n2" --eds -o json >rep.json 2>rep.err
check_eq "nvme resv-report --eds" 0 "$?"
cat rep.json
check_eq "report: type, registrants" "1 1" "$(json '"%d %d" % (j["rtype"], j["regctl"])' <rep.json)"
check_eq "report: the holder's key" $((0xabcd)) "$(json 'j["regctlext"][0]["rkey"]' <rep.json)"
check_eq "report: it holds" 1 "$(json 'j["regctlext"][0]["rcsts"]' <rep.json)"
nvme resv-report "/dev/$n2" >rep2.out 2>&1
check "report without --eds fails (128-bit host id)" test $? -ne 0
sed 's/^/  nvme: /' rep2.out
yes "resv vm pattern" | head -c 65536 >/tmp/pat # fixed: nothing random
check "the holder writes" dd if=/tmp/pat of=/dev/$n2 bs=4k oflag=direct status=none
check "and reads it back" sh -c "dd if=/dev/$n2 bs=4k count=16 iflag=direct status=none | cmp - /tmp/pat"
nvme resv-release "/dev/$n2" --crkey=0xabcd --rtype=1 --rrela=0 >rel.out 2>&1
check_eq "nvme resv-release" 0 "$?"
nvme resv-register "/dev/$n2" --crkey=0xabcd --rrega=1 >unreg.out 2>&1
check_eq "nvme resv-register --rrega=1 (unregister)" 0 "$?"
check_eq "report: nobody registered" 0 \
	"$(nvme resv-report "/dev/$n2" --eds -o json | json 'j["regctl"]')"

# Preempt and Abort of a host that is writing: host B (fcnvme on the
# host, another host NQN and identifier) registers and writes under Write
# Exclusive Registrants Only; nvme-cli preempts and aborts it. The target
# completes the Acquire once B's writes in flight have (it drains B's
# queue); B's next write conflicts, and its fcnvme perf stops there.
nvme resv-register "/dev/$n2" --nrkey=0xabcd --rrega=0 >reg2.out 2>&1
check_eq "nvme resv-register (again)" 0 "$?"
nvme resv-acquire "/dev/$n2" --crkey=0xabcd --rtype=3 --racqa=0 >acq2.out 2>&1
check_eq "nvme resv-acquire (Write Exclusive Registrants Only)" 0 "$?"
check "the host: B registered and writes" host_do peer-writes
check_eq "report: two registrants" 2 \
	"$(nvme resv-report "/dev/$n2" --eds -o json | json 'j["regctl"]')"
nvme resv-acquire "/dev/$n2" --crkey=0xabcd --prkey=0xb0b --rtype=3 --racqa=2 >pa.out 2>&1
check_eq "nvme resv-acquire --racqa=2 (preempt and abort B)" 0 "$?"
sed 's/^/  nvme: /' pa.out
check "the host: B's writes ran, then conflicted" host_do peer-done
nvme resv-report "/dev/$n2" --eds -o json >rep3.json 2>&1
check_eq "report: type 3, one registrant, the guest's key, holding" "3 1 $((0xabcd)) 1" \
	"$(json '"%d %d %d %d" % (j["rtype"], j["regctl"], j["regctlext"][0]["rkey"], j["regctlext"][0]["rcsts"])' <rep3.json)"
nvme resv-release "/dev/$n2" --crkey=0xabcd --rtype=3 --rrela=0 >rel2.out 2>&1
check_eq "nvme resv-release" 0 "$?"
nvme resv-register "/dev/$n2" --crkey=0xabcd --rrega=1 >unreg2.out 2>&1
check_eq "nvme resv-register --rrega=1 (unregister)" 0 "$?"

# Feature 82h is per namespace: masked on 2, refused on 1 (no reservations)
nvme set-feature "/dev/$ca" -f 0x82 -n 2 -v 4 >mask.out 2>&1
check_eq "set-feature 0x82 -n 2 -v 4 (mask Reservation Released)" 0 "$?"
nvme get-feature "/dev/$ca" -f 0x82 -n 2 >mask2.out 2>&1
echo "  $(cat mask2.out)"
check "get-feature 0x82 -n 2 reads 4" grep -q 'Current value:0x0*4$' mask2.out
nvme get-feature "/dev/$ca" -f 0x82 -n 1 >mask1.out 2>&1
check "get-feature 0x82 -n 1 refused (no reservations there)" test $? -ne 0

# fcnvmectl namespace set on the host, in place: Linux's host sees the
# namespace-attribute event. Reservations off: RESCAP 0 and the commands
# gone; on again. Read-only: the kernel marks the disk read-only (NSATTR,
# after the event) and a passthrough write gets Namespace is Write
# Protected, generic status 0x20 with DNR (0x4020).
check "the host: namespace set 2 reservations no" host_do ns-set 2 reservations no
check_eq "id-ns 2: RESCAP 0" 0 "$(nvme id-ns "/dev/$n2" -o json | json 'j["rescap"]')"
nvme resv-report "/dev/$n2" --eds >rep4.out 2>&1
check "resv-report refused now" test $? -ne 0
sed 's/^/  nvme: /' rep4.out
check "the host: namespace set 2 reservations yes" host_do ns-set 2 reservations yes
check_eq "id-ns 2: RESCAP again" 255 "$(nvme id-ns "/dev/$n2" -o json | json 'j["rescap"]')"
check "the host: namespace set 2 read-only yes" host_do ns-set 2 read-only yes
disk_ro() { [ "$(cat "/sys/block/$n2/ro")" = "$1" ]; }
check "the kernel marks $n2 read-only" wait_for 10 disk_ro 1
head -c 4096 /tmp/pat >/tmp/blk4k
nvme write "/dev/$n2" --start-block=0 --block-count=0 --data-size=4096 --data=/tmp/blk4k \
	>wp.out 2>&1
check "a passthrough write fails" test $? -ne 0
sed 's/^/  nvme: /' wp.out
check "  with status 0x4020 (Namespace is Write Protected, DNR)" grep -qi "0x4020" wp.out
check "the host: namespace set 2 read-only no" host_do ns-set 2 read-only no
check "the kernel makes $n2 writable again" wait_for 10 disk_ro 0
check "the write goes through now" dd if=/tmp/pat of=/dev/$n2 bs=4k count=1 oflag=direct \
	status=none

nvme disconnect -n "$NQN_A" >dis.out 2>&1
check_eq "nvme disconnect" 0 "$?"
check "rmmod softhba" rmmod softhba
dmesg_save dmesg
dmesg_clean
guest_finish
