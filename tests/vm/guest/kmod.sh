# SPDX-License-Identifier: Apache-2.0
# Guest of kmod.sh: two ivshmem-plain devices that are not soft-HBA ports.
. "$(dirname "$0")/lib.sh"

n=$(grep -l 0x1110 /sys/bus/pci/devices/*/device | wc -l)
check_eq "ivshmem devices in the guest" 2 "$n"
check "modprobe nvme-fc" modprobe nvme-fc
check "insmod softhba.ko" insmod "$SOFTHBA_KO"
check "softhba is loaded" test -d /sys/module/softhba
bound=$(ls /sys/bus/pci/drivers/softhba/ 2>/dev/null | grep -c '^0000:')
check_eq "devices bound to softhba" 0 "$bound"
check "an all-zero BAR2 is refused: no soft-HBA magic" \
	dmesg_has 'BAR2 holds no soft-HBA port (magic 0000000000000000)'
check "a region larger than its BAR is refused" \
	dmesg_has 'soft-HBA region does not fit its BAR: size 1073741824 of 1048576'
check "no local port was registered" sh -c '! dmesg | grep -q "NVME LOCALPORT"'
check "rmmod softhba" rmmod softhba
check "softhba is unloaded" test ! -d /sys/module/softhba
# the refusal of the bad region is an error on purpose
DMESG_EXPECT='softhba 0000:00:05\.0: soft-HBA region does not fit its BAR|softhba: probe of 0000:00:05\.0 failed with error -22'
dmesg_clean
guest_finish
