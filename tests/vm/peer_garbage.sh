#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Linux's nvme-fc host through softhba: an LS request from a remote port
# that goes offline at once (Linux 6.1's nvme-fc then hands the driver a
# response it did not fill in; the driver refuses the request instead of
# following its NULL buffer); and while a process of the fabric's user
# writes seeded garbage into the guest port's CQs and event ring for 15 s
# Before it, the target logs out and in again under another WWNN, then
# with its real names (tests/vm/vm_peer relogin): the controller must
# reconnect; and once more without the real login: the unbind must take
# the controller with it (the module is then loaded again).
# (tests/vm/vm_peer spray: any CQE, for live exchanges too, in the target's
# name too; LS requests and responses, remote ports coming and going, the
# target's own login and the link among them, unknown events). Its commands may complete wrongly (nothing can tell such
# entries from the port server's), but the guest kernel must not crash or
# warn, softhba must leave no exchange in use, the controller must come
# back (or, when nvme-fc believed a forged completion of its CAP and shrank
# its queue size for good, be replaced by a new connect) and read back
# what it writes, the module must unload, and nvmetfcd
# (which gets the BA_ACCs and LS answers the guest sends for the garbage)
# must keep running and stop cleanly.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
VM_NAME=peer_garbage
. "$top_srcdir/tests/vm/lib.sh"

host_action() {
	case $1 in
	spray)
		# The driver takes events at the slow-path interrupts the port
		# server raises: an RSCN a second has it take the garbage
		# under I/O, and the last one passes the target's real login.
		(
			for _ in $(seq 15); do
				sleep 1
				"$FCNVMECTL" -s "$SOCK" discovery-event p0 >/dev/null
			done
		) &
		local rscn=$! rc=0
		"$VMPEER" spray --fabric "$FABRIC" --victim "$G1WWPN" --target "$T0WWPN" \
			--seed "$SEED" --secs 15 || rc=$?
		wait "$rscn"
		"$FCNVMECTL" -s "$SOCK" discovery-event p0 && return "$rc"
		;;
	relogin)
		"$VMPEER" relogin --fabric "$FABRIC" --victim "$G1WWPN" --target "$T0WWPN" &&
			"$FCNVMECTL" -s "$SOCK" discovery-event p0
		;;
	away)
		# the same without the RSCN: the port server passes no real
		# login (the guest's next LS answer raises the interrupt)
		"$VMPEER" relogin --fabric "$FABRIC" --victim "$G1WWPN" --target "$T0WWPN"
		;;
	ls-race)
		"$VMPEER" ls-race --fabric "$FABRIC" --victim "$G1WWPN" --target "$T0WWPN" &&
			"$FCNVMECTL" -s "$SOCK" discovery-event p0
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
vm_boot peer_garbage.sh $VM_NAMES SEED="$SEED" -- "${VM_QEMU_ARGS[@]}" || vm_logs
check "nvmetfcd is still running after the guest's answers to the garbage" \
	kill -0 "$(vm_daemon_pid)"
vm_stop_daemon
vm_finish
