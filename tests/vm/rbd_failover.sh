#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Linux's host against two nvmetfcd nodes on one Ceph cluster: a private
# single-node cluster (tests/ceph/cluster.sh), one rbd image exported as
# namespace 1 of one subsystem by node a (port T0, ANA group 1, owner) and
# node b (port T1); the guest connects through both, and native multipath
# sees the path via a optimized and the one via b non-optimized. Under a
# verified fio load on the multipath device, the cluster's only OSD is first
# frozen for 12 s: the I/O waits, both controllers stay live (no keep-alive
# timeout, no reset) and neither node fences the other. Then node a is
# killed with SIGKILL:
# node b fences it (its addresses go to the OSD blocklist), then reports
# group 1 optimized, the guest's path via b turns optimized and fio ends
# with zero errors. Node a restarts, rejoins as non-owner, gets group 1 back
# with cluster move-group, and the guest's path via a is optimized again.
# Last, still under the load, node a stops cleanly (SIGTERM): it hands
# group 1 to node b on its way out, and the path via b turns optimized
# without a fence.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
VM_NAME=rbd_failover
. "$top_srcdir/tests/vm/lib.sh"

CLUSTER_SH=$top_srcdir/tests/ceph/cluster.sh
CEPH="timeout 30 ceph"
RBD="timeout 60 rbd"

rbd_require() {
	local b
	for b in ceph-mon ceph-osd ceph rbd ceph-authtool monmaptool; do
		command -v $b >/dev/null 2>&1 ||
			vm_unavailable "$b is missing (apt-get install --no-install-recommends ceph-mon ceph-osd ceph-common librbd-dev)"
	done
	grep -q '^#define HAVE_RBD 1' "$top_builddir/config.h" 2>/dev/null ||
		vm_unavailable "nvmetfcd was built without librbd (install librbd-dev, re-run configure)"
}

# The nodes first (Ceph clients), then the cluster, then the fabric.
rbd_cleanup() {
	local n p
	[ "$vm_fail" -gt 0 ] && [ -e "$tmp/ceph" ] && bash "$CLUSTER_SH" report "$tmp/ceph" 2>&1 | sed 's/^/  ceph: /'
	for n in a b; do
		p=$(cat "$tmp/$n.pid" 2>/dev/null) && vm_kill "$p" KILL
	done
	bash "$CLUSTER_SH" stop "$tmp/ceph" >/dev/null 2>&1
	vm_fabric_cleanup
}

ceph_up() {
	local out t0
	t0=$(date +%s.%N)
	if ! out=$(timeout -k 5 90 bash "$CLUSTER_SH" start "$tmp/ceph" 2>"$tmp/cluster.err"); then
		ko "the ceph cluster did not come up"
		sed 's/^/  cluster.sh: /' "$tmp/cluster.err" | tail -n 20
		vm_finish
	fi
	CEPH_CONF=$(sed -n 's/^CEPH_CONF=//p' <<<"$out")
	export CEPH_CONF
	echo "ceph cluster up in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
}

# node_start NAME ID GROUP WWNN WWPN: write the node's config, start it (log
# appended to $tmp/NAME.log), wait for this start's ready line.
node_start() {
	local from
	sed -e "s|@FABRIC@|$FABRIC|g" -e "s|@SHM@|$FCNVME_SHM_DIR|g" -e "s|@CEPH_CONF@|$CEPH_CONF|g" \
		-e "s|@KEYRING@|$tmp/ceph/keyring|g" -e "s|@NODE@|$1|g" -e "s|@NODE_ID@|$2|g" \
		-e "s|@GROUP@|$3|g" -e "s|@WWNN@|$4|g" -e "s|@WWPN@|$5|g" \
		"$VM_SRC/rbd_node.conf.in" >"$tmp/$1.conf"
	mkdir -p "$tmp/state-$1"
	echo "---- start" >>"$tmp/$1.log"
	from=$(($(wc -l <"$tmp/$1.log") + 1))
	"$NVMETFCD" -f -c "$tmp/$1.conf" -s "$tmp/$1.sock" -S "$tmp/state-$1" \
		>>"$tmp/$1.log" 2>&1 &
	echo $! >"$tmp/$1.pid"
	if ! vm_wait_for 30 sh -c "tail -n +$from '$tmp/$1.log' | grep -q ' ready (config' &&
		'$FCNVMECTL' -s '$tmp/$1.sock' status >/dev/null 2>&1"; then
		ko "node $1 did not become ready within 30 s"
		tail -n 30 "$tmp/$1.log" | sed "s/^/  $1: /"
		return 1
	fi
}

ctl() { "$FCNVMECTL" -s "$tmp/$1.sock" "${@:2}"; }
# group_is NODE GROUP OWNER STATE: NODE's view of the group
group_is() { ctl "$1" cluster groups | grep -Eq "^$2 +$3 +$4"; }

# What the guest asks for (guest/rbd_failover.sh).
host_action() {
	local p
	case $1 in
	views)	# both nodes' views of group 1
		echo "a: $(ctl a cluster groups | awk '$1 == 1')"
		echo "b: $(ctl b cluster groups | awk '$1 == 1')"
		;;
	freeze-osd)	# stop the only OSD (SIGSTOP) for $2 s; both nodes' reads
		# of the state must fail and then work again, and past dead_ms
		# after that neither may have fenced the other
		local o n
		o=$(cat "$tmp/ceph/run/ceph-osd.0.pid")
		kill -STOP "$o"
		sleep "$2"
		kill -CONT "$o"
		echo "OSD (pid $o) frozen for $2 s"
		for n in a b; do
			vm_wait_for 30 grep -q 'cluster: reading the state again' "$tmp/$n.log" ||
				{ echo "node $n did not read the state again"; grep 'cluster:' "$tmp/$n.log" | tail -n 5; return 1; }
			grep 'cluster: reading the state' "$tmp/$n.log" | sed "s/^/$n: /"
		done
		sleep 4 # past dead_ms (3 s)
		if grep -E 'cluster: (fenced|took over|this node was fenced)' "$tmp/a.log" "$tmp/b.log"; then
			echo "a node fenced the other after the stall"
			return 1
		fi
		vm_wait_for 10 sh -c "'$FCNVMECTL' -s '$tmp/a.sock' cluster groups | grep -Eq '^1 +a +optimized'" ||
			{ echo "node a no longer owns group 1"; return 1; }
		echo "nobody fenced; node a owns group 1"
		;;
	kill-a)	# SIGKILL node a; wait until b has fenced it and owns group 1
		p=$(cat "$tmp/a.pid")
		kill -KILL "$p"
		rm -f "$tmp/a.pid"
		echo "killed node a (pid $p)"
		vm_wait_for 30 grep -q 'took over ANA group 1 from lost node a (fenced first' "$tmp/b.log" ||
			{ echo "node b did not take over group 1"; grep 'cluster:' "$tmp/b.log" | tail -n 10; return 1; }
		grep -o 'fenced a ([^)]*)' "$tmp/b.log" | head -n 1
		;;
	fenced-first)	# b logged the fence before group 1 turned optimized there
		local l1 l2
		l1=$(grep -n 'fenced a (' "$tmp/b.log" | head -n 1 | cut -d: -f1)
		l2=$(grep -n 'ANA group 1 is optimized' "$tmp/b.log" | tail -n 1 | cut -d: -f1)
		echo "fence at line ${l1:-none}, optimized at line ${l2:-none}"
		[ -n "$l1" ] && [ -n "$l2" ] && [ "$l1" -lt "$l2" ]
		;;
	blocklisted)	# node a's fenced address is in the OSD blocklist
		local addr
		addr=$(grep -o 'fenced a ([^)]*)' "$tmp/b.log" | head -n 1 | sed 's/.*(\(.*\))/\1/')
		echo "$addr"
		[ -n "$addr" ] && $CEPH osd blocklist ls 2>/dev/null | grep -qF "$addr"
		;;
	restart-a)	# node a again; it rejoins as a non-owner, then gets group 1 back
		node_start a 1 1 "$T0WWNN" "$T0WWPN" || return 1
		vm_wait_for 15 group_is a 1 b non-optimized || { echo "a did not rejoin as non-owner"; return 1; }
		vm_wait_for 15 sh -c "'$FCNVMECTL' -s '$tmp/b.sock' cluster nodes | grep -Eq '^a +[0-9]+ +yes '" ||
			{ echo "b does not see a alive"; return 1; }
		ctl b cluster move-group 1 a || return 1
		vm_wait_for 15 sh -c "'$FCNVMECTL' -s '$tmp/a.sock' cluster groups | grep -Eq '^1 +a +optimized' &&
			'$FCNVMECTL' -s '$tmp/b.sock' cluster groups | grep -Eq '^1 +a +non-optimized'"
		;;
	stop-a)	# SIGTERM node a: it hands group 1 to b on its way out, no fence
		local nf
		p=$(cat "$tmp/a.pid")
		nf=$(grep -c 'fenced a (' "$tmp/b.log")
		kill -TERM "$p"
		vm_wait_for 15 sh -c "! kill -0 $p 2>/dev/null" || { echo "node a did not exit"; return 1; }
		rm -f "$tmp/a.pid"
		grep 'cluster: ANA group 1 handed to b (leaving)' "$tmp/a.log" ||
			{ echo "node a did not hand group 1 over"; return 1; }
		vm_wait_for 10 group_is b 1 b optimized || { echo "node b does not own group 1"; return 1; }
		sleep 4 # past dead_ms (3 s): still no fence
		[ "$(grep -c 'fenced a (' "$tmp/b.log")" -eq "$nf" ] || { echo "node b fenced node a"; return 1; }
		echo "node b owns group 1; no fence"
		;;
	moved)	# bytes read + written through node $2's port p0
		ctl "$2" -o json stats | python3 -c 'import json,sys
print([o["bytes_read"] + o["bytes_written"] for o in json.load(sys.stdin) if o["object"] == "port" and o["name"] == "p0"][0])'
		;;
	*) echo "unknown action $*"; return 2 ;;
	esac
}

SEED=${VM_SEED:-1}
echo "seed: $SEED (rerun with VM_SEED=$SEED)"
vm_require_bins
rbd_require
vm_setup
vm_prepare
vm_module
vm_fabric
vm_cleanup_hook=rbd_cleanup
ceph_up
$RBD create --size 256M rbd/img1 || { ko "rbd create rbd/img1"; vm_finish; }
node_start a 1 1 "$T0WWNN" "$T0WWPN" || vm_finish
node_start b 2 2 "$T1WWNN" "$T1WWPN" || vm_finish
check "cluster add-subsystem through node a" ctl a cluster add-subsystem "$NQN_A"
check "allowed-host add (the guest) through node a" ctl a allowed-host add "$NQN_A" "$GHOSTNQN"
check "namespace add rbd/img1 (ANA group 1) through node b" \
	ctl b namespace add "$NQN_A" rbd path rbd/img1 nsid 1 ana-group 1
check "node a: group 1 optimized; node b: non-optimized" vm_wait_for 10 sh -c \
	"'$FCNVMECTL' -s '$tmp/a.sock' cluster groups | grep -Eq '^1 +a +optimized' &&
	 '$FCNVMECTL' -s '$tmp/b.sock' cluster groups | grep -Eq '^1 +a +non-optimized'"
vm_vmport g1 "$G1WWNN" "$G1WWPN" 2
# shellcheck disable=SC2086
vm_boot rbd_failover.sh $VM_NAMES SEED="$SEED" -- "${VM_QEMU_ARGS[@]}" ||
	for n in a b; do grep 'cluster:\|---- start' "$tmp/$n.log" | tail -n 15 | sed "s/^/  $n: /"; done
for n in a b; do
	p=$(cat "$tmp/$n.pid" 2>/dev/null) || continue
	kill -TERM "$p"
	# (a node restarted by a host action is not our child: wait says 127)
	if vm_wait_for 15 sh -c "! kill -0 $p"; then wait "$p" 2>/dev/null; else false; fi
	rc=$?
	if [ $rc -eq 0 ] || [ $rc -eq 127 ]; then
		ok "node $n stopped on SIGTERM"
	else
		ko "node $n did not stop cleanly (exit $rc)"
		tail -n 20 "$tmp/$n.log" | sed "s/^/  $n: /"
	fi
	rm -f "$tmp/$n.pid"
done
vm_finish
