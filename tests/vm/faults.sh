#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Faults under a verified load, seen by Linux's nvme-fc host through
# softhba: nvmetfcd killed with SIGKILL and restarted (the host reconnects
# within ctrl_loss_tmo, no data error), fcnvmectl host invalidate, the
# target port's link bounced; namespaces added, resized and removed on the
# target show up on the host (AEN, rescan, size in /sys/block), and so does
# a namespace pending on the target until its backing file exists; keep-alive
# runs while the host is idle; an RSCN from the target makes nvme-fc rescan
# the remote port; the port server frozen for 5 s (no heartbeat) takes the
# guest's link down until it beats again; a response to the guest's command
# written by a port that is not the command's target is dropped.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
VM_NAME=faults
. "$top_srcdir/tests/vm/lib.sh"

C() { "$FCNVMECTL" -s "$SOCK" "$@"; }

host_action() {
	local pid
	case $1 in
	kill9)
		pid=$(vm_daemon_pid)
		kill -KILL "$pid" && echo "killed nvmetfcd $pid"
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
		;;
	restart) vm_start_daemon "$(cat "$tmp/daemon.conf")" && echo "nvmetfcd $(vm_daemon_pid) ready" ;;
	invalidate) C host invalidate "$G1WWPN" ;;
	link-bounce)
		"$SOFTHBACTL" link down "$T0WWPN" && sleep 2 && "$SOFTHBACTL" link up "$T0WWPN"
		;;
	vmport-stop) kill -STOP "$(cat "$tmp/g1.pid")" ;;
	vmport-cont) kill -CONT "$(cat "$tmp/g1.pid")" ;;
	discovery-event) C discovery-event p0 ;;
	ns-add) C namespace add "$NQN_A" ram size 32M nsid 3 lba-size 512 ;;
	ns-resize) C namespace resize "$NQN_A" 3 48M ;;
	ns-del) C namespace del "$NQN_A" 3 ;;
	late-file) truncate -s 40M "$tmp/b2-late.img" ;;
	hold-read) "$SOFTHBACTL" fault drop-cmd opcode 2 count 1 port "$G1WWPN" ;;
	forge-rsp)
		"$VMPEER" forge-rsp --fabric "$FABRIC" --victim "$G1WWPN" --target "$T0WWPN" --len "$2"
		;;
	*) echo "unknown action $*"; return 2 ;;
	esac
}

SEED=${VM_SEED:-1}
echo "seed: $SEED (rerun with VM_SEED=$SEED)"
vm_require_bins "$VMPEER"
vm_setup
vm_prepare
vm_module
vm_fabric
vm_start_daemon "$(vm_conf target)" || vm_finish
vm_vmport g1 "$G1WWNN" "$G1WWPN" 2
# shellcheck disable=SC2086
vm_boot faults.sh $VM_NAMES SEED="$SEED" -- "${VM_QEMU_ARGS[@]}" || vm_logs
vm_stop_daemon
vm_finish
