#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# nvmetfcd's uio/PCI mapper on a real PCI function (issue 17, the part that
# is done): softhba-vmport --role target serves a target port to the guest
# as QEMU's ivshmem-doorbell; the guest binds it to uio_pci_generic and runs
# the build's nvmetfcd on it as dev = "pci:BDF" and as dev = "/dev/uioN".
# The mapper must find the port's region in BAR2 through the real sysfs
# (resource, resource2; uio_pci_generic shows no BAR2 in maps/) and pass
# every BAR check, which the daemon shows by refusing the region for the
# one reason left: its LLDD does not speak the port server's mq/deq
# interface yet (README "nvmetfcd on a PCI function"). The port server is
# not disturbed. Not yet: hosts connecting through it, I/O, link loss.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
VM_NAME=uio_target
. "$top_srcdir/tests/vm/lib.sh"

U1WWNN=0x20000090fd0000d1
U1WWPN=0x10000090fd0000d1

vm_require_bins
vm_setup
vm_prepare
vm_fabric
host_action() {
	case $1 in
	vmport-alive) kill -0 "$(cat "$tmp/u1.pid")" ;;
	*) echo "unknown action $1"; return 2 ;;
	esac
}

vm_vmport u1 "$U1WWNN" "$U1WWPN" 1 --role target
roles=$("$SOFTHBACTL" --fabric "$FABRIC" port list | awk -v w=$U1WWPN '$1 == w { print $4 }')
check "the name server lists the guest's port as target,discovery (is '$roles')" \
	test "$roles" = "target,discovery"
# shellcheck disable=SC2086
VM_SMP=1 vm_boot uio_target.sh U1WWPN=$U1WWPN -- "${VM_QEMU_ARGS[@]}"
check "the port server served the guest" grep -q "guest connected" "$tmp/u1.log"
check "the port server exits when the guest leaves" \
	vm_wait_for 10 grep -q "left fabric" "$tmp/u1.log"
check "nothing reached mq: the refused daemons left the port alone" \
	grep -q "stats: guests 1, mq 0 (bad 0)" "$tmp/u1.log"
[ "$vm_fail" -eq 0 ] || sed 's/^/  u1: /' "$tmp/u1.log"
vm_finish
