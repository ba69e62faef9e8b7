# SPDX-License-Identifier: Apache-2.0
# Guest of peer_garbage.sh: I/O on a namespace of A while the host sprays
# garbage into this port's rings; then the controller must come back, read
# back what it writes, and the driver must hold no exchange after the
# disconnect and unload.
. "$(dirname "$0")/lib.sh"

H="-q $GHOSTNQN -I $GHOSTID"
FC="-t fc -a $T0ADDR -w $G1ADDR"
OPT="--reconnect-delay=1 --ctrl-loss-tmo=120 --keep-alive-tmo=5"
echo "seed: $SEED"

# The spray brings a few hundred names online; the driver keeps a record of
# each name until it is unbound, at most max_rports of them.
SOFTHBA_PARAMS="max_rports=32"
softhba_load || guest_finish
check "remote port $T0WWPN registered" wait_for 20 rport_online "$T0WWPN"
check "connect $NQN_A" nvme connect $FC $H -n "$NQN_A" $OPT
check "namespace 1 of A appears" wait_for 10 nvme_ns_of "$NQN_A" 1
ca=$(nvme_ctrl_of "$NQN_A")
a1=$(nvme_ns_of "$NQN_A" 1)
echo "A: controller $ca, namespace 1 is $a1"

# An LS request from a remote port that goes offline at once: nvme-fc's
# work for it finds the port offline and calls xmt_ls_rsp with nothing
# filled in; softhba refuses the request to its sender and calls no done.
check "the host posted: port online on slot 63, an LS request from it, offline" host_do ls-race
check "softhba refused the LS request nvme-fc left unfilled" \
	wait_for 30 dmesg_has "remote port offline, refused"
check "A's controller is still live" is ctrl_state "$ca" live

# The target logs out, and in on its slot with its WWPN under another
# WWNN: to nvme-fc another remote port, while A's controller waits on the
# real one. Its real login (the RSCN after it) must bring that one back:
# the controller makes a new association and is live again.
n=$(dmesg | grep -c 'create association')
check "the host posted: the target logged out, in under another WWNN, then its RSCN" \
	host_do relogin
check "A's controller makes a new association to the target's real names" \
	wait_for 30 sh -c "[ \$(dmesg | grep -c 'create association') -gt $n ]"
check "A's controller is live again after the relogin" wait_for 30 is ctrl_state "$ca" live

# Once more under another WWNN, and this time the real login does not
# follow (no RSCN): the driver takes the events at the interrupt of its
# next LS answer, that of a discovery controller's Create Association,
# which then fails. A's controller waits on the real remote port while
# the other names are online. softhba keeps a record per pair of names,
# so its unbind resumes the real remote port with dev_loss_tmo 0 and
# nvme-fc deletes the controller at once. With one record per WWPN it had
# only the other names left: the unbind left A's controller in nvme-fc,
# on a remote port no driver served (a reload resumed it).
other=$(printf '%016x' $((T0WWNN ^ 0xff)))
check "the host posted: the target logged out, and in under another WWNN" host_do away
nvme discover $FC $H --ctrl-loss-tmo=0 >discover.out 2>&1 && echo "  (nvme discover did not fail)"
check "softhba registered the target's WWPN under WWNN $other" \
	wait_for 30 dmesg_has "remote port ${T0WWPN#0x} online: node $other"
grep "^rport ${T0WWPN#0x} " /sys/kernel/debug/softhba/*/state >records.txt
sed 's/^/  /' records.txt
check "a record of the target's real names, offline" \
	grep -q "node ${T0WWNN#0x} slot [0-9]* offline\$" records.txt
check "and one of its WWPN under WWNN $other, online" \
	grep -q "node $other slot [0-9]* online registered\$" records.txt
check "A's controller is not live" test "$(ctrl_state "$ca")" != live
# nvme discover's controller never connected, so nobody can delete it
# (nvme core refuses delete_controller before a first connect) and it
# waited for dev_loss_tmo (60 s), to be freed by the unbind below together
# with A's controller. With ctrl-loss-tmo 0 nvme-fc deletes it at once, so
# the unbind meets A's controller alone.
check "only A's controller is left" \
	wait_for 30 sh -c "[ \"\$(ls /sys/class/nvme)\" = $ca ]"
n=$(dmesg | grep -c "remote port ${T0WWPN#0x} online: node ${T0WWNN#0x}")
t0=$(uptime_s)
check "rmmod softhba while A's controller waits on the target's real names" rmmod softhba
took=$(secs_since "$t0")
echo "  rmmod took $took s"
check "the unbind did not wait for dev_loss_tmo (under 20 s)" \
	awk -v t="$took" 'BEGIN { exit !(t < 20) }'
check "A's controller is gone" test ! -e "/sys/class/nvme/$ca"
softhba_load || guest_finish
check "remote port $T0WWPN registered again" \
	wait_for 20 sh -c "[ \$(dmesg | grep -c 'remote port ${T0WWPN#0x} online: node ${T0WWNN#0x}') -gt $n ]"
check "connect $NQN_A again" nvme connect $FC $H -n "$NQN_A" $OPT
check "namespace 1 of A appears again" wait_for 10 nvme_ns_of "$NQN_A" 1
ca=$(nvme_ctrl_of "$NQN_A")
a1=$(nvme_ns_of "$NQN_A" 1)
echo "A: controller $ca, namespace 1 is $a1"

sq0=$(cat "/sys/class/nvme/$ca/sqsize")
echo "  A's controller: sqsize $sq0"

# Load during the spray; its errors are expected (garbage completes its
# commands), so only its end is waited for.
fio --name=load --filename="/dev/$a1" --ioengine=libaio --direct=1 --rw=randrw --bs=4k \
	--iodepth=8 --size=32M --time_based --runtime=600 --randseed="$SEED" \
	--continue_on_error=all --eta=never >load.fio 2>&1 &
fpid=$!
sleep 2
check "the host sprayed garbage for 15 s" host_do -t 120 spray
echo "  the driver took the link down $(dmesg | grep -c 'softhba .*: link down') time(s)," \
	"the target offline $(dmesg | grep -c "remote port ${T0WWPN#0x} (slot [0-9]*) offline") time(s)"
# nvme-fc keeps a controller's queue size across reconnects and only ever
# lowers it: ctrl->sqsize = min(CAP.MQES, sqsize) (core.c
# nvme_init_ctrl_finish), opts->queue_size = MAXCMD when that is smaller
# (fc.c nvme_fc_create_association). A garbage CQE that completes its
# Property Get of CAP (or an Identify before its data came) as a success
# shrinks it for good (MQES 0: sqsize 0), and the target rejects every
# Create Connection after that (nvmetfcd logs "Create Connection rejected:
# invalid parameters, ..."): the controller cannot come back. That is the
# host believing a completion the spray forged, so only then is the
# controller replaced by a new connect instead of waited for.
sq1=
for _ in $(seq 60); do
	is ctrl_state "$ca" live && break
	sq1=$(cat "/sys/class/nvme/$ca/sqsize" 2>/dev/null)
	[ -n "$sq1" ] && [ "$sq1" != "$sq0" ] && break
	sq1=
	sleep 1
done
if [ -n "$sq1" ]; then
	echo "  A's controller: sqsize $sq1 after the spray (was $sq0): nvme-fc believed a" \
		"forged completion of its CAP or Identify; it is replaced"
	ok "A's controller (state $(ctrl_state "$ca")) took a forged queue size: replaced"
	nvme disconnect -d "$ca" >/dev/null 2>&1
	check "its old controller is gone" wait_for 60 sh -c "! test -e /sys/class/nvme/$ca"
	check "connect $NQN_A anew" nvme connect $FC $H -n "$NQN_A" $OPT
	check "namespace 1 of A appears anew" wait_for 10 nvme_ns_of "$NQN_A" 1
	ca=$(nvme_ctrl_of "$NQN_A")
	a1=$(nvme_ns_of "$NQN_A" 1)
	echo "A: controller $ca, namespace 1 is $a1"
fi
kill -INT $fpid
if wait_for 120 sh -c "! kill -0 $fpid"; then
	ok "the load ended after the spray"
else
	ko "the load did not end within 120 s of the spray"
	kill -KILL $fpid
fi
grep -E 'IOPS=|err=' load.fio | sed 's/^/  fio: /'

# A reset brings Link Services, hence the driver's slow-path interrupt,
# which takes the events left in its ring. It may be refused while
# nvme-fc is recovering from the garbage already.
nvme reset "/dev/$ca" >/dev/null 2>&1 || echo "  (nvme reset refused: $(ctrl_state "$ca"))"
check "A's controller is live again" wait_for 120 is ctrl_state "$ca" live
is ctrl_state "$ca" live ||
	echo "  A's controller: state '$(ctrl_state "$ca")', sqsize" \
		"'$(cat "/sys/class/nvme/$ca/sqsize" 2>/dev/null)' (was $sq0)"
rports=$(grep -c '^rport ' /sys/kernel/debug/softhba/*/state)
echo "  softhba: $rports remote port records"
check "at most max_rports (32) remote port records" test "$rports" -le 32
check "new names beyond them were refused" dmesg_has "refused: max_rports (32) reached"
python3 -c "
import random, sys
random.seed($SEED)
sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(262144)))" >pat.bin
check "256 KiB of seeded bytes written" \
	dd if=pat.bin of="/dev/$a1" bs=64k seek=16 oflag=direct status=none
check "and read back" sh -c "dd if=/dev/$a1 bs=64k skip=16 count=4 iflag=direct status=none | cmp - pat.bin"
check "nvme id-ctrl" sh -c "nvme id-ctrl /dev/$ca >/dev/null"
check "nvme disconnect -n $NQN_A" nvme disconnect -n "$NQN_A"
busy=$(cat /sys/kernel/debug/softhba/*/state | grep -c '^  xri ')
check_eq "exchanges in use after the disconnect (softhba debugfs)" 0 "$busy"
[ "$busy" = 0 ] || softhba_state
check "rmmod softhba (remote ports the garbage registered go too)" rmmod softhba
dmesg_save dmesg
# The garbage makes nvme-fc, the block layer and softhba report errors on
# purpose (bad responses, failed I/O, resets, refused LS requests, remote
# ports coming and going); those lines are expected. A WARNING, BUG or call
# trace, or any other taint, still fails (dmesg_clean).
DMESG_EXPECT='NVME-FC\{[0-9]+\}|nvme nvme[0-9]+:|nvme[0-9]+n[0-9]+:|nvme[0-9]+c[0-9]+n[0-9]+:'
DMESG_EXPECT="$DMESG_EXPECT|I/O error, dev nvme|Buffer I/O error on dev nvme|softhba [0-9a-f:.]+:"
DMESG_EXPECT="$DMESG_EXPECT|callbacks suppressed|blk_print_req_error|nvme_fc"
# nvme-fc's own line for a reconnect whose Create Association or Connection
# the garbage failed (logged with the controller's device not set yet)
DMESG_EXPECT="$DMESG_EXPECT|\(NULL device \*\): queue [0-9]+ connect (admin|I/O) queue failed"
dmesg_clean
guest_finish
