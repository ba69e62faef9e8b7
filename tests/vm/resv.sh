#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Reservations from Linux's nvme-fc host with nvme-cli: Identify Namespace
# shows RESCAP and ONCS bit 5; nvme resv-register, resv-acquire (Write
# Exclusive), resv-report --eds (holder, key, the guest's host id) and,
# without --eds, Host Identifier Inconsistent Format; the holder's writes
# still work; resv-release and unregister leave no registrant.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
VM_NAME=resv
. "$top_srcdir/tests/vm/lib.sh"

vm_require_bins
vm_setup
vm_prepare
vm_module
vm_fabric
vm_start_daemon "$(vm_conf target)" || vm_finish
vm_vmport g1 "$G1WWNN" "$G1WWPN" 2
# shellcheck disable=SC2086
vm_boot resv.sh $VM_NAMES -- "${VM_QEMU_ARGS[@]}" || vm_logs
vm_stop_daemon
vm_finish
