#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The VM harness: Debian's current kernel boots under QEMU (TCG unless real
# KVM works), runs a guest script with the host root read-only over 9p,
# answers host_do requests, reports back and powers off within its timeout.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
VM_NAME=vm_boot
. "$top_srcdir/tests/vm/lib.sh"

host_action() {
	case $1 in
	echo) shift; echo "$*" ;;
	exit) return "$2" ;;
	*) echo "unknown action $1"; return 2 ;;
	esac
}

vm_setup
vm_prepare
VM_SMP=1 vm_boot boot.sh
check "console shows the job ended with rc=0" grep -q '^VMTEST-job-end rc=0 ' "$tmp/console.log"
vm_finish
