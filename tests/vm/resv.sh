#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Reservations from Linux's nvme-fc host with nvme-cli: Identify Namespace
# shows RESCAP and ONCS bit 5; nvme resv-register, resv-acquire (Write
# Exclusive), resv-report --eds (holder, key, the guest's host id) and,
# without --eds, Host Identifier Inconsistent Format; the holder's writes
# still work; resv-release and unregister leave no registrant. Then
# Preempt and Abort of another host that is writing (fcnvme on this side,
# its own host NQN, identifier and fabric port): nvme-cli's Acquire
# succeeds, the other host's next write conflicts.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
VM_NAME=resv
. "$top_srcdir/tests/vm/lib.sh"

FCNVME=$top_builddir/tools/fcnvme
BWWN=nn-0x20000090fb0000b2:pn-0x10000090fb0000b2
BID=00000000-0000-4000-8000-0000000000b2
host_action() {
	local b=(--fabric "$FABRIC" -w "$BWWN" --hostnqn "$OTHERNQN" -I "$BID" --nqn "$NQN_A")
	case $1 in
	peer-writes)
		# host B registers key 0xb0b on namespace 2 and writes until
		# its first error (fcnvme perf stops there; its exit status
		# goes to bperf.rc)
		"$FCNVMECTL" -s "$SOCK" allowed-host add "$NQN_A" "$OTHERNQN" &&
			"$FCNVME" resv-register "${b[@]}" -n 2 --nrkey=0xb0b || return 1
		(
			rc=0
			"$FCNVME" perf --fabric "$FABRIC" --host-traddr "$BWWN" --hostnqn "$OTHERNQN" \
				-I "$BID" --nqn "$NQN_A" -n 2 -w randwrite -o 4096 -q 16 -t 60 \
				--seed 1 >"$tmp/bperf.out" 2>"$tmp/bperf.err" || rc=$?
			echo "$rc" >"$tmp/bperf.rc"
		) &
		sleep 2
		[ ! -e "$tmp/bperf.rc" ] || { cat "$tmp/bperf.out" "$tmp/bperf.err"; return 1; }
		;;
	peer-done)
		local i
		for i in $(seq 300); do
			[ -e "$tmp/bperf.rc" ] && break
			sleep 0.1
		done
		cat "$tmp/bperf.out" "$tmp/bperf.err"
		[ "$(cat "$tmp/bperf.rc" 2>/dev/null)" = 1 ] && grep -q IOPS "$tmp/bperf.out" &&
			grep -q 'I/O failed: Reservation Conflict (0x0083)' "$tmp/bperf.err"
		;;
	ns-set)
		shift
		"$FCNVMECTL" -s "$SOCK" namespace set "$NQN_A" "$@"
		;;
	*) echo "unknown action $*"; return 2 ;;
	esac
}

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
