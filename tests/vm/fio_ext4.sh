#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Data integrity from Linux's nvme-fc host through softhba to nvmetfcd:
# fio with crc32c verify (block sizes 512 B to 256 KiB, queue depths up to
# 32, random and sequential, two jobs at once) on /dev/nvmeXnY of RAM
# namespaces, then ext4 on a file-backed namespace: a tree copied in and
# read back identical after a remount, e2fsck -fn clean. Seeded.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
VM_NAME=fio_ext4
. "$top_srcdir/tests/vm/lib.sh"

SEED=${VM_SEED:-1}
echo "seed: $SEED (rerun with VM_SEED=$SEED)"
vm_require_bins
vm_setup
vm_prepare
vm_module
vm_fabric
vm_start_daemon "$(vm_conf target)" || vm_finish
vm_vmport g1 "$G1WWNN" "$G1WWPN" 2
# shellcheck disable=SC2086
vm_boot fio_ext4.sh $VM_NAMES SEED="$SEED" -- "${VM_QEMU_ARGS[@]}" || vm_logs
vm_stop_daemon
vm_finish
