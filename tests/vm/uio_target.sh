#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# nvmetfcd as the target driver of a softhba-vmport port from inside a
# guest, on a real PCI function (issue 17): softhba-vmport --role target
# serves a target port to the guest as QEMU's ivshmem-doorbell; the guest
# binds it to uio_pci_generic and runs the build's nvmetfcd on it as
# dev = "pci:BDF" (BAR2 the port's region through sysfs resource2, BAR0 the
# Doorbell register through resource0; no interrupts: polled). From the
# host, fcnvme on the same fabric discovers the subsystem at the guest
# port's WWPN, writes and reads back seeded random data byte for byte and
# runs fcnvme perf --verify (every read checked) and fio with crc32c
# verification through fcnvme mount; fcnvmectl port disable in the guest
# takes the link down through the port server (the host cannot reach the
# port) and port enable brings it back (the host reads again); then, under a verified
# load from the host, the port server is killed with SIGKILL: the guest's
# nvmetfcd logs the link loss and keeps answering fcnvmectl.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
VM_NAME=uio_target
. "$top_srcdir/tests/vm/lib.sh"

U1WWNN=0x20000090fd0000d1
U1WWPN=0x10000090fd0000d1
NQN=nqn.2026-12.io.nvmetfcd:uio
SEED=${VM_SEED:-1}
echo "uio_target: seed $SEED (VM_SEED=$SEED repeats it)"
FCNVME=$top_builddir/tools/fcnvme

vm_require_bins
vm_setup
vm_prepare
vm_fabric
# fcnvme ARGS...: our host port 0x10000090fb0000e1 on the fabric, to the
# guest's port
fc() {
	local cmd=$1
	shift
	timeout 120 "$FCNVME" "$cmd" --fabric "$FABRIC" --wwnn 0x20000090fb0000e1 --wwpn 0x10000090fb0000e1 \
		--hostnqn nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-0000000000e1 \
		--hostid 00000000-0000-4000-8000-0000000000e1 --traddr "nn-$U1WWNN:pn-$U1WWPN" "$@"
}
host_action() {
	case $1 in
	vmport-alive) kill -0 "$(cat "$tmp/u1.pid")" ;;
	discover) fc discover ;;
	io)
		LC_ALL=C awk -v seed="$SEED" -v n=262144 \
			'BEGIN { srand(seed); for (i = 0; i < n; i++) printf("%c", int(rand() * 256)) }' \
			>"$tmp/data" &&
			fc write --nqn "$NQN" -s 8 -c 511 -d "$tmp/data" &&
			fc read --nqn "$NQN" -s 8 -c 511 -d "$tmp/back" &&
			cmp "$tmp/data" "$tmp/back" && echo "256 KiB read back byte for byte"
		;;
	verify)	# fcnvme perf --verify [SECONDS]: every read checked against what was written
		fc perf --nqn "$NQN" -w randrw -o 4096 -q 4 -t "${2:-3}" --verify --seed "$SEED" \
			--output-format json >"$tmp/verify.json" 2>"$tmp/verify.err"
		local rc=$?
		cat "$tmp/verify.json" "$tmp/verify.err"
		[ $rc = 0 ] && python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))
sys.exit(0 if r["ios"] > 0 and r["errors"] == 0 and r["verify_errors"] == 0 else 1)' "$tmp/verify.json"
		;;
	fio)	# fio with crc32c verification on the namespace through fcnvme mount
		local m=$tmp/mnt mp rc
		mkdir -p "$m"
		timeout 300 "$FCNVME" mount --fabric "$FABRIC" --wwnn 0x20000090fb0000e1 \
			--wwpn 0x10000090fb0000e1 \
			--hostnqn nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-0000000000e1 \
			--hostid 00000000-0000-4000-8000-0000000000e1 --traddr "nn-$U1WWNN:pn-$U1WWPN" \
			--nqn "$NQN" "$m" >"$tmp/mount.log" 2>&1 &
		mp=$!
		vm_wait_for 30 test -f "$m/ns1" || { echo "fcnvme mount did not come up"; cat "$tmp/mount.log"; return 1; }
		timeout 120 fio --name=uio --filename="$m/ns1" --rw=randwrite --bsrange=4k-64k \
			--size=8m --direct=1 --ioengine=psync --verify=crc32c --do_verify=1 \
			--verify_fatal=1 --randseed="$SEED" --eta=never --output="$tmp/fio.out"
		rc=$?
		grep -E 'IOPS=|err=' "$tmp/fio.out"
		fusermount3 -u "$m"
		wait "$mp"
		[ $rc = 0 ] && grep -q 'err= 0' "$tmp/fio.out"
		;;
	load-kill-vmport)	# a verified load; the port server killed under it
		fc perf --nqn "$NQN" -w randrw -o 4096 -q 4 -t 60 --verify --seed "$SEED" -v \
			>"$tmp/load.out" 2>&1 &
		local p=$! i
		# the kill must land in the measured run, after the prefill
		# (slow when the machine is loaded): the reads it verifies
		for i in $(seq 1200); do
			grep -q "prefill done" "$tmp/load.out" && break
			kill -0 $p 2>/dev/null || break
			sleep 0.1
		done
		sleep 3
		kill -0 $p || { echo "the load ended early"; cat "$tmp/load.out"; return 1; }
		grep -q "prefill done" "$tmp/load.out" ||
			{ echo "the prefill took over 120 s"; cat "$tmp/load.out"; return 1; }
		kill -KILL "$(cat "$tmp/u1.pid")"
		echo "killed the port server under load"
		wait $p
		echo "the host's load ended (exit $?): $(tail -n 1 "$tmp/load.out")"
		# it fails with the link; what it read before must be right
		grep -q "verify errors 0$" "$tmp/load.out"
		;;
	*) echo "unknown action $1"; return 2 ;;
	esac
}

vm_vmport u1 "$U1WWNN" "$U1WWPN" 1 --role target
roles=$("$SOFTHBACTL" --fabric "$FABRIC" port list | awk -v w=$U1WWPN '$1 == w { print $4 }')
check "the name server lists the guest's port as target,discovery (is '$roles')" \
	test "$roles" = "target,discovery"
# shellcheck disable=SC2086
VM_SMP=1 vm_boot uio_target.sh U1WWPN=$U1WWPN NQN=$NQN -- "${VM_QEMU_ARGS[@]}"
check "the port server served the guest" grep -q "guest connected" "$tmp/u1.log"
check "the guest's driver came up" grep -q "guest driver up" "$tmp/u1.log"
check "the host logged into the guest's port" \
	grep -q "initiator logged in: 0x10000090fb0000e1" "$tmp/u1.log"
check "the port server took the link down at the guest's ask (port disable)" \
	grep -q "guest driver asks for link down" "$tmp/u1.log"
check "and up again (port enable)" grep -q "guest driver asks for link up" "$tmp/u1.log"
check "the port server was killed (SIGKILL)" sh -c "! kill -0 $(cat "$tmp/u1.pid") 2>/dev/null"
[ "$vm_fail" -eq 0 ] || { sed 's/^/  u1: /' "$tmp/u1.log"; cat "$tmp/host_do.log"; }
vm_finish
