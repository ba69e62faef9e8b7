#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Native NVMe multipath of Linux's host over two nvmetfcd ports: two live
# paths in list-subsys, ANA states seen by the host equal the target's, and
# under a verified fio load an ANA change (fcnvmectl ana set-state) and a
# target port going down and up (fcnvmectl port disable/enable) move the
# I/O to the other path with zero errors (the target's byte counters per
# port); then nvme-cli's view of a referral from one port to the other's
# discovery service, and nvme connect-all following it.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
VM_NAME=multipath
. "$top_srcdir/tests/vm/lib.sh"

# The target's ANA state of group 2 on each port, from its running config.
ana_states() {
	"$FCNVMECTL" -s "$SOCK" config show | awk '
		/id = 2;/ { g = 1 }
		g && /state = / && !dflt { gsub(/[";]/, "", $3); dflt = $3 }
		g && /p[01] = / { gsub(/[";]/, "", $3); st[$1] = $3 }
		g && /^\t}/ { g = 0 }
		END { printf "p0=%s p1=%s\n", ("p0" in st) ? st["p0"] : dflt, ("p1" in st) ? st["p1"] : dflt }'
}

host_action() {
	case $1 in
	ana) "$FCNVMECTL" -s "$SOCK" ana set-state 2 "$2" "$3" ;;
	ana-states) ana_states ;;
	port) "$FCNVMECTL" -s "$SOCK" port "$2" "$3" ;;
	moved)	# bytes read + written through a target port
		"$FCNVMECTL" -s "$SOCK" -o json stats | python3 -c 'import json,sys
print([o["bytes_read"] + o["bytes_written"] for o in json.load(sys.stdin) if o["object"] == "port" and o["name"] == sys.argv[1]][0])' "$2"
		;;
	*) echo "unknown action $*"; return 2 ;;
	esac
}

SEED=${VM_SEED:-1}
echo "seed: $SEED (rerun with VM_SEED=$SEED)"
vm_require_bins
vm_setup
vm_prepare
vm_module
vm_fabric
vm_start_daemon "$(vm_conf multipath)" || vm_finish
vm_vmport g1 "$G1WWNN" "$G1WWPN" 2
# shellcheck disable=SC2086
vm_boot multipath.sh $VM_NAMES SEED="$SEED" -- "${VM_QEMU_ARGS[@]}" || vm_logs
vm_stop_daemon
vm_finish
