# SPDX-License-Identifier: Apache-2.0
# Guest of nvme_cli.sh: Linux's nvme-fc host through softhba and nvme-cli
# against nvmetfcd (tests/vm/target.conf.in).
. "$(dirname "$0")/lib.sh"

H="-q $GHOSTNQN -I $GHOSTID"
FC="-t fc -a $T0ADDR -w $G1ADDR"

softhba_load || guest_finish
check "remote port $T0WWPN registered" wait_for 20 rport_online "$T0WWPN"

# discovery: exactly what this host may see
t0=$(uptime_s)
nvme discover $FC $H -o json >disc.json 2>disc.err
rc=$?
check_eq "nvme discover exit status" 0 "$rc"
[ $rc -eq 0 ] || sed 's/^/  nvme: /' disc.err
echo "discover took $(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN{print b-a}') s"
nqns=$(json '" ".join(sorted(r["subnqn"] for r in j["records"] if r["subtype"] == "nvme subsystem"))' <disc.json)
check_eq "discovery log: the NVM subsystems this host may see" "$NQN_A $NQN_B" "$nqns"
# the target's unique discovery NQN (TP 8013, target.conf.in)
check_eq "discovery log: the current discovery subsystem, by its unique NQN" \
	"current discovery subsystem nqn.2026-12.io.nvmetfcd:vmtest-discovery" \
	"$(json '" ".join(r["subtype"] + " " + r["subnqn"] for r in j["records"] if r["subtype"] not in ("nvme subsystem", "discovery subsystem referral"))' <disc.json)"
check_eq "discovery records: transport fc" "fc" \
	"$(json '" ".join(sorted(set(r["trtype"] for r in j["records"])))' <disc.json)"
check_eq "discovery records: the target's address" "$T0ADDR" \
	"$(json '" ".join(sorted(set(r["traddr"] for r in j["records"])))' <disc.json)"

# connect A, identify
nvme connect $FC $H -n "$NQN_A" >conn.out 2>&1
check_eq "nvme connect $NQN_A" 0 "$?"
sed 's/^/  nvme: /' conn.out
check "controller of A is live" wait_for 10 nvme_ctrl_of "$NQN_A"
ca=$(nvme_ctrl_of "$NQN_A")
check "namespaces of A appear" wait_for 10 nvme_ns_of "$NQN_A" 2
n1=$(nvme_ns_of "$NQN_A" 1)
n2=$(nvme_ns_of "$NQN_A" 2)
echo "A: controller $ca, namespaces $n1 $n2"
nvme id-ctrl "/dev/$ca" -o json >idctrl.json
check_eq "id-ctrl: serial" "VMTEST-A-0001" "$(json 'j["sn"].strip()' <idctrl.json)"
check_eq "id-ctrl: model" "nvmetfcd vmtest A" "$(json 'j["mn"].strip()' <idctrl.json)"
check_eq "id-ctrl: subsystem NQN" "$NQN_A" "$(json 'j["subnqn"]' <idctrl.json)"
nvme id-ns "/dev/$n1" -o json >idns1.json
check_eq "id-ns 1: nsze (128 MiB of 512 B)" 262144 "$(json 'j["nsze"]' <idns1.json)"
check_eq "id-ns 1: LBA size 512 B" 9 "$(json 'j["lbafs"][j["flbas"] & 15]["ds"]' <idns1.json)"
nvme id-ns "/dev/$n2" -o json >idns2.json
check_eq "id-ns 2: nsze (64 MiB of 4 KiB)" 16384 "$(json 'j["nsze"]' <idns2.json)"
check_eq "id-ns 2: LBA size 4 KiB" 12 "$(json 'j["lbafs"][j["flbas"] & 15]["ds"]' <idns2.json)"
check_eq "/sys/block: size of namespace 1 in 512 B sectors" 262144 "$(cat /sys/block/$n1/size)"
check_eq "ns-descs: the configured UUID of namespace 1" "6f0a3b4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b" \
	"$(cat /sys/block/$n1/uuid 2>/dev/null)"

# connect-all: B joins, H stays invisible
nvme connect-all $FC $H >ca.out 2>&1
echo "connect-all: exit $?"
sed 's/^/  nvme: /' ca.out
check "controller of B is live" wait_for 10 nvme_ctrl_of "$NQN_B"
check "subsystem H is not connected" sh -c "! ls /sys/class/nvme-subsystem/*/subsysnqn | xargs cat | grep -qx '$NQN_H'"
nvme connect $FC $H -n "$NQN_H" >h.out 2>&1
check "connect to H (not allowed for this host) fails" test $? -ne 0
sed 's/^/  nvme: /' h.out
check "the kernel says why: not allowed" \
	dmesg_has "Connect for subsystem $NQN_H is not allowed, hostnqn: $GHOSTNQN"
# nvme-fc logs the refused connect at error level: provoked on purpose
DMESG_EXPECT="Connect for subsystem $NQN_H is not allowed|NVME-FC\{[0-9]+\}: reconnect failure"

nvme list -o json >list.json
check_eq "nvme list: serials of the namespaces" "VMTEST-A-0001 VMTEST-A-0001 VMTEST-B-0002" \
	"$(json '" ".join(sorted(d["SerialNumber"] for d in j["Devices"]))' <list.json)"
nvme list-subsys -o json >subsys.json
cat subsys.json
check_eq "list-subsys: subsystems" "$NQN_A $NQN_B" \
	"$(json '" ".join(sorted(s["NQN"] for s in (j[0]["Subsystems"] if isinstance(j, list) else j["Subsystems"])))' <subsys.json)"

# a little data both ways
python3 -c 'import random, sys
sys.stdout.buffer.write(random.Random(int(sys.argv[1])).randbytes(1 << 20))' "$SEED" >/tmp/pat
check "write 1 MiB to $n1" dd if=/tmp/pat of=/dev/$n1 bs=64k oflag=direct status=none
check "read it back identical" sh -c "dd if=/dev/$n1 bs=64k count=16 iflag=direct status=none | cmp - /tmp/pat"

for q in "$NQN_A" "$NQN_B"; do
	nvme disconnect -n "$q" >dis.out 2>&1
	check_eq "nvme disconnect -n $q" 0 "$?"
done
check "no controller is left" sh -c '! ls /sys/class/nvme/ 2>/dev/null | grep -q nvme'
t0=$(uptime_s)
check "rmmod softhba" rmmod softhba
echo "rmmod took $(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN{print b-a}') s"
dmesg_save dmesg
dmesg_clean
guest_finish
