#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# nvme-cli against nvmetfcd from Linux's nvme-fc host: discover lists exactly
# the subsystems this host may see; connect and connect-all; list, id-ctrl,
# id-ns, list-subsys show the target's configured identity (serial, model,
# NQN, sizes, UUID); data both ways; disconnect; the driver unloads; the
# guest's kernel log stays clean.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
VM_NAME=nvme_cli
. "$top_srcdir/tests/vm/lib.sh"

vm_require_bins
vm_setup
vm_prepare
vm_module
vm_fabric
vm_start_daemon "$(vm_conf target)" || vm_finish
vm_vmport g1 "$G1WWNN" "$G1WWPN" 2
# shellcheck disable=SC2086
SEED=${VM_SEED:-1}
vm_boot nvme_cli.sh $VM_NAMES SEED="$SEED" -- "${VM_QEMU_ARGS[@]}" || vm_logs
vm_stop_daemon
vm_finish
