# SPDX-License-Identifier: Apache-2.0
# Guest of fio_ext4.sh: verified fio on Linux's /dev/nvmeXnY over softhba
# (several block sizes up to the 256 KiB bounce buffer, queue depths up to
# 32, random and sequential), then ext4 on another namespace: a source tree
# copied in, identical after a remount, e2fsck clean.
. "$(dirname "$0")/lib.sh"

H="-q $GHOSTNQN -I $GHOSTID"
FC="-t fc -a $T0ADDR -w $G1ADDR"
echo "fio random seed: $SEED"

softhba_load || guest_finish
check "remote port $T0WWPN registered" wait_for 20 rport_online "$T0WWPN"
check "nvme connect $NQN_A" nvme connect $FC $H -n "$NQN_A"
check "nvme connect $NQN_B" nvme connect $FC $H -n "$NQN_B"
check "namespaces of A and B appear" wait_for 10 nvme_ns_of "$NQN_A" 1
wait_for 10 nvme_ns_of "$NQN_A" 2
wait_for 10 nvme_ns_of "$NQN_B" 1
a1=$(nvme_ns_of "$NQN_A" 1)
a2=$(nvme_ns_of "$NQN_A" 2)
b1=$(nvme_ns_of "$NQN_B" 1)
echo "A: $a1 (512 B blocks) $a2 (4 KiB blocks); B: $b1"

# fio_run NAME ARGS...: passes when fio exits 0, every job reports err=0 and
# nothing mentions a verify failure.
fio_run() {
	local name=$1 t0 rc
	shift
	t0=$(uptime_s)
	timeout -k 5 240 fio --name="$name" --ioengine=libaio --direct=1 --randseed="$SEED" \
		--verify=crc32c --verify_fatal=1 --do_verify=1 --group_reporting \
		--output-format=normal --eta=never "$@" >"$name.fio" 2>&1
	rc=$?
	grep -E 'IOPS=|err=' "$name.fio" | sed 's/^/  fio: /'
	if [ $rc -eq 0 ] && grep -q 'err= 0' "$name.fio" && ! grep -q 'err= *[1-9]' "$name.fio" &&
	   ! grep -qi 'verify.*\(fail\|bad\|mismatch\)\|crc32c: wanted\|bad magic' "$name.fio"; then
		ok "fio $name: exit 0, no error, data verified ($(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN{printf "%.1f", b-a}') s)"
	else
		ko "fio $name: exit $rc"
		tail -n 30 "$name.fio" | sed 's/^/  fio: /'
	fi
}

fio_run rand4k-qd32 --filename=/dev/$a1 --rw=randwrite --bs=4k --iodepth=32 --size=24M
fio_run mixed-qd8 --filename=/dev/$a2 --rw=randwrite --bssplit=4k/40:16k/30:64k/20:256k/10 \
	--iodepth=8 --size=32M
fio_run seq256k-qd4 --filename=/dev/$a1 --rw=write --bs=256k --iodepth=4 --size=48M --offset=64M
fio_run rand512-qd16 --filename=/dev/$a1 --rw=randwrite --bs=512 --iodepth=16 --size=2M \
	--offset=32M
fio_run randrw-2jobs --filename=/dev/$a2 --rw=randrw --bs=8k --iodepth=16 --numjobs=2 \
	--size=8M --offset_increment=16M

# ext4 on B (file-backed on the target)
check "mkfs.ext4 on $b1" mkfs.ext4 -q -F /dev/$b1
mkdir -p /tmp/b
check "mount $b1" mount /dev/$b1 /tmp/b
src=$top_srcdir
check "copy a source tree in" cp -a "$src/daemon" "$src/libfcnvme" "$src/hw" "$src/tests" /tmp/b/
check "the copy is identical" diff -r "$src/daemon" /tmp/b/daemon
check "umount" umount /tmp/b
check "e2fsck -fn: clean" e2fsck -fn /dev/$b1
echo 3 >/proc/sys/vm/drop_caches
check "mount again" mount -o ro /dev/$b1 /tmp/b
for d in daemon libfcnvme hw tests; do
	check "after remount: $d identical" diff -r "$src/$d" "/tmp/b/$d"
done
check "umount again" umount /tmp/b

for q in "$NQN_A" "$NQN_B"; do
	check "nvme disconnect -n $q" nvme disconnect -n "$q"
done
check "rmmod softhba" rmmod softhba
dmesg_save dmesg
dmesg_clean
guest_finish
