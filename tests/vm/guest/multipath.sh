# SPDX-License-Identifier: Apache-2.0
# Guest of multipath.sh: one subsystem through two target ports (one guest
# port seeing both), Linux's native multipath over them, a verified fio
# load on the multipath device while the host makes one path ANA
# inaccessible and then takes the other target port down and up; then a
# referral from p0 to p1's discovery service, followed by nvme connect-all.
. "$(dirname "$0")/lib.sh"

H="-q $GHOSTNQN -I $GHOSTID"
OPT="--reconnect-delay=1 --ctrl-loss-tmo=120"
echo "fio random seed: $SEED"

softhba_load || guest_finish
check "remote port $T0WWPN registered" wait_for 20 rport_online "$T0WWPN"
check "remote port $T1WWPN registered" wait_for 20 rport_online "$T1WWPN"
check "connect through $T0WWPN" nvme connect -t fc -a "$T0ADDR" -w "$G1ADDR" -n "$NQN_A" $H $OPT
check "connect through $T1WWPN" nvme connect -t fc -a "$T1ADDR" -w "$G1ADDR" -n "$NQN_A" $H $OPT
wait_for 10 nvme_ns_of "$NQN_A" 1
c0=$(ctrl_via "$NQN_A" "$T0ADDR")
c1=$(ctrl_via "$NQN_A" "$T1ADDR")
ns=$(nvme_ns_of "$NQN_A" 1)
echo "path via $T0WWPN: $c0, via $T1WWPN: $c1; multipath device $ns"
check "both controllers are live" sh -c "[ \"\$(cat /sys/class/nvme/$c0/state /sys/class/nvme/$c1/state)\" = \"live
live\" ]"
check "one subsystem, one multipath namespace device" test -b "/dev/$ns"
nvme list-subsys -o json >subsys.json
check_eq "list-subsys: two live fc paths of $NQN_A" "fc:live:$T0ADDR fc:live:$T1ADDR" \
	"$(json '" ".join(sorted(p["Transport"] + ":" + p["State"] + ":" + p["Address"].split(",")[0].split("=")[1] for s in (j[0]["Subsystems"] if isinstance(j, list) else j["Subsystems"]) for p in s["Paths"]))' <subsys.json)"
check "ANA: both paths optimized" wait_for 10 sh -c "[ \"\$(cat /sys/class/nvme/$c0/nvme*c*n1/ana_state /sys/class/nvme/$c1/nvme*c*n1/ana_state)\" = \"optimized
optimized\" ]"
check_eq "the target's ANA states agree" "p0=optimized p1=optimized" "$(host_do ana-states)"

# bytes read and written through a target port, from the target's statistics
wr() { host_do moved "$1"; }
# flows PORT SECS: I/O goes through PORT (its byte count grows)
flows() {
	local a b
	a=$(wr "$1")
	sleep "$2"
	b=$(wr "$1")
	echo "  $1: $a -> $b bytes moved"
	[ "$b" -gt "$a" ]
}
# idle PORT SECS: no I/O through PORT
idle() {
	local a b
	a=$(wr "$1")
	sleep "$2"
	b=$(wr "$1")
	echo "  $1: $a -> $b bytes moved"
	[ "$b" -eq "$a" ]
}

# The load: a verified fio run (random 4 KiB writes at QD16, each block read
# back and checked as it goes) from before the first event until after the
# last one, then stopped.
t0=$(uptime_s)
fio --name=mp --filename="/dev/$ns" --ioengine=libaio --direct=1 --rw=randwrite --bs=4k \
	--iodepth=16 --size=32M --time_based --runtime=900 --randseed="$SEED" \
	--verify=crc32c --verify_backlog=64 --verify_fatal=1 --eta=never >mp.fio 2>&1 &
fpid=$!
sleep 3

# 1. ANA: p0's group inaccessible -> all I/O through p1
host_do ana inaccessible p0 >/dev/null
check "ANA change seen: the path via p0 is inaccessible" wait_for 15 is path_ana "$c0" inaccessible
check_eq "the path via p1 stays optimized" optimized "$(path_ana "$c1")"
check_eq "the target's ANA states agree" "p0=inaccessible p1=optimized" "$(host_do ana-states)"
sleep 1
check "no I/O through p0 while it is inaccessible" idle p0 3
check "I/O goes through p1" flows p1 2
host_do ana optimized p0 >/dev/null
check "the path via p0 is optimized again" wait_for 15 is path_ana "$c0" optimized

# 2. target port p1 down: its controller loses the association, I/O goes
# through p0; p1 up: the path comes back
host_do port disable p1 >/dev/null
check "the controller via p1 leaves live" wait_for 15 sh -c "[ \"\$(cat /sys/class/nvme/$c1/state)\" != live ]"
echo "  $c1 is $(ctrl_state "$c1")"
if flows p0 2; then
	ok "I/O goes through p0 while p1 is down"
else
	ko "I/O goes through p0 while p1 is down"
	softhba_state
	grep -H . /sys/block/"$ns"/inflight /sys/class/nvme/*/nvme*c*n1/inflight \
		/sys/class/nvme/*/state 2>/dev/null | sed 's/^/  /'
	softhba_state
fi
host_do port enable p1 >/dev/null
t1=$(uptime_s)
check "the controller via p1 is live again" wait_for 40 is ctrl_state "$c1" live
echo "  reconnected $(secs_since "$t1") s after the port came back"
check "ANA: the path via p1 is optimized" wait_for 15 is path_ana "$c1" optimized

sleep 2
check "fio was running through both events" kill -0 $fpid
fio_stop_check $fpid mp.fio "fio on the multipath device: no error, data verified ($(secs_since "$t0") s, across both events)"
check "both paths back: a sequential verified pass" fio --name=check --filename="/dev/$ns" \
	--ioengine=libaio --direct=1 --rw=write --bs=64k --iodepth=4 --size=16M --offset=40M \
	--verify=crc32c --do_verify=1 --verify_fatal=1 --randseed="$SEED" --eta=never \
	--output=check.fio
check_eq "the target's ANA states agree" "p0=optimized p1=optimized" "$(host_do ana-states)"
# 3. Referrals: p0's discovery log refers to p1's discovery service, which
# lists NQN_B (exported on p1 only). nvme-cli prints the referral, and
# nvme connect-all given p0 alone follows it and connects NQN_B through p1.
DISC=nqn.2014-08.org.nvmexpress.discovery
nvme discover -t fc -a "$T0ADDR" -w "$G1ADDR" $H -o json >ref.json 2>ref.err
check_eq "nvme discover through p0: itself, $NQN_A, and a referral to p1's discovery service" \
	"current discovery subsystem $T0ADDR 1 $DISC|nvme subsystem $T0ADDR 1 $NQN_A|discovery subsystem referral $T1ADDR 2 $DISC" \
	"$(json '"|".join(" ".join([r["subtype"], r["traddr"], str(r["portid"]), r["subnqn"]]) for r in j["records"])' <ref.json)"
nvme connect-all -t fc -a "$T0ADDR" -w "$G1ADDR" $H $OPT >ca.out 2>&1
echo "  nvme connect-all: exit status $?"
sed 's/^/  nvme: /' ca.out
check "nvme connect-all through p0 followed the referral: $NQN_B connected through p1" \
	wait_for 10 ctrl_via "$NQN_B" "$T1ADDR"
cb=$(ctrl_via "$NQN_B" "$T1ADDR")
check_eq "  its controller is live" live "$(ctrl_state "$cb")"
check_eq "  $NQN_A still has its two paths, no third" 2 \
	"$(for c in /sys/class/nvme/nvme*; do cat "$c/subsysnqn"; done | grep -c -x "$NQN_A")"
check "nvme disconnect -n $NQN_B" nvme disconnect -n "$NQN_B"
check "nvme disconnect -n $NQN_A (both paths)" nvme disconnect -n "$NQN_A"
check "rmmod softhba" rmmod softhba
dmesg_save dmesg
# Taking p1 down (step 2) fails what its controller had in flight: a
# keep-alive caught there ends with a transport error (BLK_STS_TRANSPORT,
# nvme_keep_alive_end_io in drivers/nvme/host/core.c), depending on timing.
DMESG_EXPECT="nvme $c1: failed nvme_keep_alive_end_io error=[0-9]+"
dmesg_clean
guest_finish
