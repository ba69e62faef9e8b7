#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Two nvmetfcd nodes export one subsystem from a private Ceph cluster
# (tests/ceph/cluster.sh): the subsystem, its namespaces (rbd images) and
# host ACL are created once through one node's fcnvmectl and appear on
# both; identifiers and serial are the same on both; each node is
# optimized for its own ANA group and non-optimized for the other's;
# bytes written through one node read back through the other. Then, under
# a verified fio load through `fcnvme mount --multipath`, the node
# optimized for the load's group is killed with SIGKILL: the other one
# fences it (its addresses are in the OSD blocklist), takes the group over
# and the load finishes with zero errors. The killed node restarts, rejoins
# as a non-owner (the seconds it spends opening its images must not make
# it take the live node for lost: neither node ever fences the other while
# it beats) and gets its group back with `cluster move-group`. Last, node
# a freezes (SIGSTOP) past dead_ms: node b fences it; when a resumes it
# rejoins as a non-owner, never reporting the group optimized, and stops
# publishing its fenced addresses. A third node on a state object of its
# own, told of nothing, shows that a command reads the object again for a
# subsystem it has not seen yet, and that edits (hosts, a subsystem's
# namespaces, a group's epoch) are made on the object as it is, not on a
# stale read. A host listed in the nodes' auth_keys_file must authenticate
# on the shared subsystem through either node. A shared namespace's host
# mask, set through one node, holds on both. Last, a clean stop of a node
# hands its group to the other at once, with no fence; restarted with
# failback_ms, it takes the group back by itself; the last node to stop
# keeps its groups.
E2E_NAME=rbd_nodes
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/ceph_lib.sh"
e2e_require_fuse
e2e_require_fio
ceph_require
e2e_setup
ceph_start

e2e_seed

$RBD create --size 256M rbd/img1 && $RBD create --size 128M rbd/img2 ||
	{ ko "rbd create"; e2e_finish; }

# host 2's DH-HMAC-CHAP key: every node's auth_keys_file
KEY2=$(python3 -c '
import base64, zlib, struct
k = bytes(range(50, 82))
print("DHHC-1:00:" + base64.b64encode(k + struct.pack("<I", zlib.crc32(k))).decode() + ":")')
printf '%s %s\n' "$HOSTNQN2" "$KEY2" >"$tmp/keys"
chmod 600 "$tmp/keys"

# node NAME ID GROUP: write its config; start_node NAME: start it
node_conf() {
	sed -e "s|@FABRIC@|$FABRIC|g" -e "s|@TMP@|$tmp|g" -e "s|@SHM@|$FCNVME_SHM_DIR|g" -e "s|@CEPH_CONF@|$CEPH_CONF|g" \
		-e "s|@KEYRING@|$tmp/ceph/keyring|g" -e "s|@NODE@|$1|g" -e "s|@NODE_ID@|$2|g" \
		-e "s|@ID@|e$2|g" -e "s|@GROUP@|$3|g" "$E2E_SRC/rbd_node.conf.in" >"$tmp/$1.conf"
}
# (a restart appends to the log: only this start's lines count)
start_node() {
	mkdir -p "$tmp/state-$1"
	echo "---- start" >>"$tmp/$1.log"
	from=$(($(wc -l <"$tmp/$1.log") + 1))
	t_start=$(date +%s.%N)
	"$NVMETFCD" -f -c "$tmp/$1.conf" -s "$tmp/$1.sock" -S "$tmp/state-$1" \
		>>"$tmp/$1.log" 2>&1 &
	eval "PID_$1=$!"
	e2e_pids="$e2e_pids $!"
	if ! e2e_wait_for 20 sh -c "tail -n +$from '$tmp/$1.log' | grep -q ' ready (config' &&
		'$FCNVMECTL' -s '$tmp/$1.sock' status >/dev/null 2>&1"; then
		ko "node $1 did not become ready within 20 s"
		sed "s/^/  $1: /" "$tmp/$1.log" | tail -30
		e2e_finish
	fi
	echo "node $1 ready in $(awk -v a="$t_start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
}
# cluster_logs: what both nodes' cluster code said last (after a failed check)
cluster_logs() {
	for l in a b; do grep 'cluster:\|---- start' "$tmp/$l.log" | tail -12 | sed "s/^/  $l: /"; done
	$CA cluster nodes 2>&1 | sed 's/^/  a sees: /'
	$CB cluster nodes 2>&1 | sed 's/^/  b sees: /'
}
# check_cl DESCRIPTION CMD...: check, and show cluster_logs when it fails
check_cl() {
	d=$1
	shift
	if "$@"; then ok "$d"; else ko "$d"; cluster_logs; fi
}
CA="$FCNVMECTL -s $tmp/a.sock"
CB="$FCNVMECTL -s $tmp/b.sock"
node_conf a 1 1
node_conf b 2 2
start_node a
start_node b
ok "two nodes joined the cluster"

# shared definitions, made once through node a
check "cluster add-subsystem through node a" $CA cluster add-subsystem "$NQN_A"
check "allowed-host add through node a" $CA allowed-host add "$NQN_A" "$HOSTNQN1"
check "namespace add rbd/img1 (ANA group 1) through node a" \
	$CA namespace add "$NQN_A" rbd path rbd/img1 nsid 1 ana-group 1
check "namespace add rbd/img2 (ANA group 2) through node b" \
	$CB namespace add "$NQN_A" rbd path rbd/img2 nsid 2 ana-group 2
check "node b shows both namespaces" e2e_wait_for 5 sh -c \
	"[ \$($CB namespace list $NQN_A | grep -c rbd/img) = 2 ]"
check "node a shows both namespaces" e2e_wait_for 5 sh -c \
	"[ \$($CA namespace list $NQN_A | grep -c rbd/img) = 2 ]"
# each node opened the image the other added on its opening thread, not
# on the control thread, and its own one before it wrote the state
check "node b opened rbd/img1 (added through a) off its control thread" \
	grep -q 'cluster: opening 1 image(s) of new namespaces first, off the control thread' "$tmp/b.log"
check "node a opened rbd/img2 (added through b) off its control thread" \
	grep -q 'cluster: opening 1 image(s) of new namespaces first, off the control thread' "$tmp/a.log"

# A subsystem another node added a moment ago is usable at once: node c,
# alone on its own state object and reading it only every 60 s, is not
# told (rados setomapval sends no notify); its first command on the
# subsystem must find it all the same, not answer "no subsystem".
NQN_C=nqn.2026-11.io.nvmetfcd:e2e-race
node_conf c 3 3
sed -i -e 's/heartbeat_ms = 300;/heartbeat_ms = 60000;/' -e 's/dead_ms = 3000;/dead_ms = 120000;/' \
	-e 's/pool = "rbd";/pool = "rbd";\n\tobject = "nvmetfcd.race";/' "$tmp/c.conf"
start_node c
CC="$FCNVMECTL -s $tmp/c.sock"
# Its own writes at start (claiming group 3) come back as notifies, which
# make it read the object again: let them land first (1 s notify timeout).
check "node c owns group 3" e2e_wait_for 10 sh -c "$CC cluster groups | grep -Eq '^3 +c +optimized'"
sleep 2
check "a shared subsystem written behind node c's back" \
	$RADOS -p rbd setomapval nvmetfcd.race "subsys/$NQN_C" "allow_any=0 hosts="
check "node c lists the new subsystem's namespaces at once" $CC namespace list "$NQN_C"
check "  after a read of the state object, off its control thread" grep -qF \
	"control: namespace-list: reading the cluster state for $NQN_C, off the control thread" \
	"$tmp/c.log"
check "node c allows a host on it at once" $CC allowed-host add "$NQN_C" "$HOSTNQN1"
# race_has TEXT: the subsystem's value in node c's state object holds TEXT
race_has() {
	$RADOS -p rbd getomapval nvmetfcd.race "subsys/$NQN_C" "$tmp/race.val" >/dev/null 2>&1 &&
		grep -qF "$1" "$tmp/race.val"
}
check "the host is in the state object" race_has "hosts=$HOSTNQN1"
# Edits are judged on the object as it is, not on the node's last read:
# a host another node allowed meanwhile stays when node c allows one
# more, and a namespace another node added meanwhile goes with the
# subsystem node c deletes.
check "a second host allowed behind node c's back" $RADOS -p rbd setomapval nvmetfcd.race \
	"subsys/$NQN_C" "allow_any=0 hosts=$HOSTNQN1,$HOSTNQN2"
check "node c allows a third host" $CC allowed-host add "$NQN_C" "$HOSTNQN3"
check "the three hosts are in the state object" race_has "hosts=$HOSTNQN1,$HOSTNQN2,$HOSTNQN3"
check "a namespace added behind node c's back" $RADOS -p rbd setomapval nvmetfcd.race \
	"ns/$NQN_C/7" "pool=rbd image=img7 rns= group=3 lba=512"
check "node c deletes the subsystem" $CC cluster del-subsystem "$NQN_C"
check "its namespace went with it" sh -c \
	"$RADOS -p rbd listomapkeys nvmetfcd.race >'$tmp/race.keys' && ! grep -q '^ns/\|^subsys/' '$tmp/race.keys'"
check "node c still refuses a subsystem nobody added" sh -c \
	"! $CC namespace list $NQN_C-none >'$tmp/none.out' 2>&1 && grep -q 'no subsystem' '$tmp/none.out'"
# A group move counts the epoch from a read made under the object's lock:
# an epoch another node wrote while the move waited for the lock is the one
# it counts from, never an older one read before (the epoch would go back).
# The lock is held here (rados lock get, the daemon's lock name; rados
# has no release: lock break names the holder, read with lock info first)
# while the epoch moves on; the daemon tries for about a second, so a try
# that lost that race ("cannot lock") is made again, up to three times.
race_epoch() {
	$RADOS -p rbd getomapval nvmetfcd.race group/3 "$tmp/g3.val" >/dev/null 2>&1 &&
		sed -n 's/.*epoch=\([0-9]*\).*/\1/p' "$tmp/g3.val"
}
moved=no epoch=
for try in 1 2 3; do
	epoch=$(($(race_epoch) + 10))
	$RADOS -p rbd lock get nvmetfcd.race nvmetfcd.state --lock-cookie e2e-move \
		--lock-duration 30 || break
	holder=$($RADOS -p rbd lock info nvmetfcd.race nvmetfcd.state |
		grep -o '"name": *"client\.[0-9]*"' | grep -o 'client\.[0-9]*')
	$CC cluster move-group 3 c >"$tmp/move.out" 2>&1 &
	mpid=$!
	sleep 0.3
	$RADOS -p rbd setomapval nvmetfcd.race group/3 "owner=c epoch=$epoch"
	$RADOS -p rbd lock break nvmetfcd.race nvmetfcd.state "$holder" --lock-cookie e2e-move
	if wait "$mpid"; then
		moved=yes
		break
	fi
	echo "  move-group, try $try: $(cat "$tmp/move.out")"
	grep -q 'cannot lock' "$tmp/move.out" || break
done
check "cluster move-group waited for the lock held elsewhere" test "$moved" = yes
check "it counted from the epoch written meanwhile ($epoch + 1, read $(race_epoch))" \
	test "$(race_epoch)" = $((epoch + 1))
e2e_kill "$PID_c"
ids() { $1 -o json namespace show "$NQN_A" "$2" | tr -d ' \n' | grep -o '"\(uuid\|nguid\|eui64\)":"[^"]*"'; }
ida1=$(ids "$CA" 1) idb1=$(ids "$CB" 1) ida2=$(ids "$CA" 2) idb2=$(ids "$CB" 2)
check "namespace identifiers are the same on both nodes" \
	test -n "$ida1" -a "$ida1" = "$idb1" -a -n "$ida2" -a "$ida2" = "$idb2"
ser() { $1 subsystem show "$NQN_A" | grep -i '^ *serial'; }
check "serial is the same on both nodes ($(ser "$CA"))" test -n "$(ser "$CA")" -a "$(ser "$CA")" = "$(ser "$CB")"
check "node a: group 1 optimized, group 2 non-optimized" e2e_wait_for 5 sh -c \
	"$CA cluster groups | grep -Eq '^1 +a +optimized' && $CA cluster groups | grep -Eq '^2 +b +non-optimized'"
check "node b: group 2 optimized, group 1 non-optimized" e2e_wait_for 5 sh -c \
	"$CB cluster groups | grep -Eq '^2 +b +optimized' && $CB cluster groups | grep -Eq '^1 +a +non-optimized'"
$CA cluster nodes
$CA cluster groups

# a write through node a, read back through node b (different target ports)
TA=nn-0x20000090fa0000e1:pn-0x10000090fa0000e1
TB=nn-0x20000090fa0000e2:pn-0x10000090fa0000e2
e2e_pattern "$SEED" 1048576 "$tmp/rnd.bin"
# shellcheck disable=SC2046
timeout 60 "$FCNVME" write $(e2e_host 1) --traddr "$TA" --nqn "$NQN_A" -n 1 -s 4096 -c 2047 \
	-d "$tmp/rnd.bin" >/dev/null 2>"$tmp/w.err"
# shellcheck disable=SC2046
timeout 60 "$FCNVME" read $(e2e_host 1) --traddr "$TB" --nqn "$NQN_A" -n 1 -s 4096 -c 2047 \
	-d "$tmp/back.bin" >/dev/null 2>"$tmp/r.err"
check "1 MiB written through node a reads back through node b" \
	test "$(sha256sum <"$tmp/rnd.bin")" = "$(sha256sum <"$tmp/back.bin" 2>/dev/null)"
cat "$tmp/w.err" "$tmp/r.err" | head -5

# Host masking of a shared namespace: set through node a, applied on both
# nodes from the state object; host 1 no longer sees namespace 2 through
# either node; the mask removed through node b, it sees it again.
# rd2 NODE-TRADDR: host 1 reads block 0 of namespace 2 through that node
rd2() {
	# shellcheck disable=SC2046
	timeout 30 "$FCNVME" read $(e2e_host 1) --traddr "$1" --nqn "$NQN_A" -n 2 -c 0 \
		-d "$tmp/ns2.bin" >/dev/null 2>"$tmp/rd2.err"
}
check "host 1 reads namespace 2 through node b" rd2 "$TB"
check "namespace add-host 2 host 3 through node a" $CA namespace add-host "$NQN_A" 2 "$HOSTNQN3"
check "node b applies the mask" e2e_wait_for 5 sh -c \
	"$CB namespace show $NQN_A 2 | grep -qx 'hosts  *$HOSTNQN3'"
no_ns2() { ! rd2 "$1" && grep -q "namespace 2 is inactive" "$tmp/rd2.err"; }
for n in a b; do
	t=$TA
	[ $n = b ] && t=$TB
	check "host 1 does not see namespace 2 through node $n" no_ns2 "$t"
	sed 's/^/  /' "$tmp/rd2.err"
done
$CB namespace add-host "$NQN_A" 2 "$HOSTNQN3" >"$tmp/mask.out" 2>&1
check "add-host again, through node b: refused ($(cat "$tmp/mask.out"))" grep -qF \
	"namespace 2 of $NQN_A is already visible to host $HOSTNQN3" "$tmp/mask.out"
$CB namespace del-host "$NQN_A" 2 "$HOSTNQN1" >"$tmp/mask.out" 2>&1
check "del-host of a host it does not list: refused ($(cat "$tmp/mask.out"))" grep -qF \
	"namespace 2 of $NQN_A does not list host $HOSTNQN1" "$tmp/mask.out"
check "namespace del-host 2 host 3 through node b" $CB namespace del-host "$NQN_A" 2 "$HOSTNQN3"
check "node a drops the mask" e2e_wait_for 5 sh -c "! $CA namespace show $NQN_A 2 | grep -q '^hosts'"
check "host 1 reads namespace 2 through node a again" rd2 "$TA"

# A host listed in auth_keys_file must authenticate on a shared subsystem
# too, on the node it was allowed through and on the other one (which
# learns of the host from the state object).
check "allowed-host add of host 2 (it has a key) through node a" \
	$CA allowed-host add "$NQN_A" "$HOSTNQN2"
check "node b allows host 2 too" e2e_wait_for 5 sh -c "$CB subsystem show $NQN_A | grep -qF $HOSTNQN2"
for n in a b; do
	t=$TA
	[ $n = b ] && t=$TB
	# shellcheck disable=SC2046
	timeout 30 "$FCNVME" id-ctrl $(e2e_host 2) --traddr "$t" -n "$NQN_A" >/dev/null 2>"$tmp/auth-$n.err"
	check "node $n asks host 2 to authenticate ($(head -n 1 "$tmp/auth-$n.err"))" \
		grep -qF "AUTHREQ 0x2" "$tmp/auth-$n.err"
	# shellcheck disable=SC2046
	check "  and lets it in with its key" timeout 30 "$FCNVME" id-ctrl $(e2e_host 2) \
		--traddr "$t" --dhchap-secret "$KEY2" -n "$NQN_A"
done
check "allowed-host del of host 2" $CA allowed-host del "$NQN_A" "$HOSTNQN2"

# failover under load: kill -9 the owner of group 1 (node a)
m=$tmp/mnt
e2e_mount 1 "$NQN_A" "$m" --multipath --reconnect-delay 1 || e2e_finish
pm=$E2E_MPID
check "multipath mount has two paths" grep -q '2 path(s)' "$m.log"
# controller ids: node id 1 hands out 1-4096, node id 2 4097-8192
cids() { $1 assoc list "$NQN_A" | awk 'NR > 1 { print $4 }' | tr '\n' ' '; }
ca=$(cids "$CA") cb=$(cids "$CB")
check "controller ids do not overlap (a: $ca, b: $cb)" sh -c \
	"[ -n '$ca' ] && [ -n '$cb' ] &&
	 for c in $ca; do [ \$c -ge 1 ] && [ \$c -le 4096 ] || exit 1; done &&
	 for c in $cb; do [ \$c -ge 4097 ] && [ \$c -le 8192 ] || exit 1; done"
F="$E2E_FIO_COMMON --verify_fatal=1 --do_verify=1"
e2e_fio_bg failover --name=failover --filename="$m/ns1" $F --rw=randwrite \
	--bsrange=4k-64k --size=16m --numjobs=2 --offset_increment=32m \
	--verify=crc32c --verify_backlog=32 --runtime=12 --time_based \
	--randseed="$SEED"
sleep 3
t0=$(date +%s.%N)
kill -KILL "$PID_a"
wait "$PID_a" 2>/dev/null
echo "killed node a"
check "node b took over ANA group 1 after fencing node a" \
	e2e_wait_for 20 grep -q 'took over ANA group 1 from lost node a (fenced first' "$tmp/b.log"
t1=$(date +%s.%N)
echo "takeover $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s after the kill"
check "node b fenced node a before reporting optimized" sh -c \
	"grep -n 'fenced a (' '$tmp/b.log' | head -1 | cut -d: -f1 >'$tmp/l1';
	 grep -n 'ANA group 1 is optimized' '$tmp/b.log' | tail -1 | cut -d: -f1 >'$tmp/l2';
	 [ \$(cat '$tmp/l1') -lt \$(cat '$tmp/l2') ]"
addr=$(grep -o 'fenced a ([^)]*)' "$tmp/b.log" | head -1 | sed 's/.*(\(.*\))/\1/')
check "node a's address $addr is in the OSD blocklist" sh -c \
	"$CEPH osd blocklist ls 2>/dev/null | grep -qF '$addr'"
check "node b reports group 1 optimized" sh -c "$CB cluster groups | grep -Eq '^1 +b +optimized'"
E2E_FIO_TIMEOUT=120
e2e_fio_wait failover
grep -E 'path|ANA' "$m.log" | tail -8 | sed 's/^/  mount: /'

# node a comes back: rejoins without its group, then gets it back
start_node a
# (opening its images takes node a a while; node b beat all along, so a
# must not take b for lost and fence it)
check_cl "node a rejoined as non-owner of group 1" e2e_wait_for 10 sh -c \
	"$CA cluster groups | grep -Eq '^1 +b +non-optimized'"
# node b must have seen node a's heartbeat again before it hands the group
# over (node a's own view comes first)
check_cl "node b sees node a alive again" e2e_wait_for 15 sh -c \
	"$CB cluster nodes | grep -Eq '^a +[0-9]+ +yes '"
check_cl "cluster move-group 1 a" $CB cluster move-group 1 a
check_cl "node a is optimized for group 1 again" e2e_wait_for 10 sh -c \
	"$CA cluster groups | grep -Eq '^1 +a +optimized' && $CB cluster groups | grep -Eq '^1 +a +non-optimized'"
check_cl "node a never fenced node b, which never stopped beating" \
	sh -c "! grep -q 'fenced b (' '$tmp/a.log'"
check_cl "node b was never fenced" sh -c "! grep -q 'this node was fenced' '$tmp/b.log'"
e2e_fio after-move --name=aftermove --filename="$m/ns1" $F --rw=randwrite \
	--bs=4k --size=4m --offset=128m --verify=md5 --randseed="$SEED"

# node a freezes (SIGSTOP) for longer than dead_ms: alive, but silent. Node
# b fences it and takes group 1. When node a resumes it finds itself
# fenced, rejoins with a new client and must come back as a non-owner: it
# reports group 1 inaccessible, then non-optimized, never optimized (the
# group record named it until node b's takeover ended).
nb=$(grep -c 'took over ANA group 1 from lost node a' "$tmp/b.log")
nf=$(grep -c 'fenced a (' "$tmp/b.log")
from=$(($(wc -l <"$tmp/a.log") + 1))
kill -STOP "$PID_a"
check_cl "node b took over group 1 from the frozen node a" e2e_wait_for 20 sh -c \
	"[ \$(grep -c 'took over ANA group 1 from lost node a' '$tmp/b.log') -gt $nb ]"
kill -CONT "$PID_a"
check_cl "node a found itself fenced and rejoined with a new client" e2e_wait_for 20 sh -c \
	"tail -n +$from '$tmp/a.log' | grep -q 'rejoined with a new client'"
check_cl "node a is a non-owner of group 1 after rejoining" e2e_wait_for 10 sh -c \
	"$CA cluster groups | grep -Eq '^1 +b +non-optimized'"
tail -n +"$from" "$tmp/a.log" | grep 'cluster:' | sed 's/^/  a: /'
check "node a never reported group 1 optimized after the fence" sh -c \
	"! tail -n +$from '$tmp/a.log' | sed -n '/this node was fenced/,\$p' | grep -q 'ANA group 1 is optimized'"
fenced=$(grep -o 'fenced a ([^)]*)' "$tmp/b.log" | tail -n +$((nf + 1)) | sed 's/.*(\(.*\))/\1/')
# published: what node b sees of node a (its heartbeat record)
published() { $CB cluster nodes | awk '$1 == "a"'; }
no_fenced_published() {
	local a
	for a in $fenced; do published | grep -qF "$a" && return 1; done
	return 0
}
check_cl "node a no longer publishes its fenced addresses ($(echo $fenced))" \
	e2e_wait_for 10 no_fenced_published
published | sed 's/^/  b sees: /'
check_cl "cluster move-group 1 a (after the fence)" $CB cluster move-group 1 a
check_cl "node a is optimized for group 1 again" e2e_wait_for 10 sh -c \
	"$CA cluster groups | grep -Eq '^1 +a +optimized'"
e2e_fio after-fence --name=afterfence --filename="$m/ns1" $F --rw=randwrite \
	--bs=4k --size=4m --offset=160m --verify=md5 --randseed="$SEED"

e2e_umount "$m" "$pm"
# stop_node NAME: SIGTERM, and it exits 0 with nothing from a sanitizer
# (not n or i: e2e_wait_for uses those)
stop_node() {
	eval "p=\$PID_$1"
	kill -TERM "$p" 2>/dev/null
	e2e_wait_for 15 sh -c "! kill -0 $p 2>/dev/null" || kill -KILL "$p" 2>/dev/null
	if wait "$p" && e2e_sanitizer_free "$tmp/$1.log"; then
		ok "node $1 stopped cleanly"
	else
		ko "node $1 stop"
		tail -20 "$tmp/$1.log" | sed "s/^/  $1: /"
	fi
}
# A clean stop hands the node's groups over: node a, owner of group 1,
# stops; node b owns group 1 at once, without fencing node a or taking
# anything over from it, then or after dead_ms (3 s).
nf=$(grep -c 'fenced a (' "$tmp/b.log")
nt=$(grep -c 'took over ANA group [0-9]* from lost node a' "$tmp/b.log")
# group 1's epoch, from the state object
g1_epoch() {
	$RADOS -p rbd getomapval nvmetfcd.state group/1 "$tmp/g1.val" >/dev/null 2>&1 &&
		sed -n 's/.*epoch=\([0-9]*\).*/\1/p' "$tmp/g1.val"
}
ep=$(g1_epoch)
stop_node a
check "node a handed group 1 to node b as it stopped" \
	grep -q 'cluster: ANA group 1 handed to b (leaving)' "$tmp/a.log"
check "  and, owning nothing, left the member list" grep -q 'cluster: node a left the cluster' "$tmp/a.log"
check_cl "  node b no longer lists node a" e2e_wait_for 10 sh -c "! $CB cluster nodes | grep -q '^a '"
# (the proof of a handover is the log line, the epoch and no fence past
# dead_ms below; the time is reported: it is the successor's next read)
t0=$(date +%s.%N)
check_cl "node b is optimized for group 1" e2e_wait_for 10 sh -c \
	"$CB cluster groups | grep -Eq '^1 +b +optimized'"
echo "  $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}') s after node a exited"
g1=$(g1_epoch >/dev/null && cat "$tmp/g1.val")
check "group 1's record: owner b, the epoch moved by one from $ep ($g1)" \
	[ "$g1" = "owner=b epoch=$((ep + 1))" ]
check_cl "node b's cluster groups shows that epoch ($((ep + 1)))" sh -c \
	"$CB cluster groups | grep -Eq '^1 +b +optimized +$((ep + 1))\$'"
sleep 4
check "past dead_ms, node b has not fenced node a" [ "$(grep -c 'fenced a (' "$tmp/b.log")" -eq "$nf" ]
check "nor taken anything over from it" \
	[ "$(grep -c 'took over ANA group [0-9]* from lost node a' "$tmp/b.log")" -eq "$nt" ]
check "node b still optimized for group 1 and 2" sh -c \
	"$CB cluster groups | grep -Eq '^1 +b +optimized' && $CB cluster groups | grep -Eq '^2 +b +optimized'"
# Failback: node a comes back with failback_ms = 1500. It rejoins as a
# non-owner and, once a member that long, takes group 1 back from node b
# (alive) by itself: the record's epoch moves by one, node b steps down,
# and nobody fences anybody.
sed -i 's/^\([[:space:]]*\)ana_group = 1;/&\n\1failback_ms = 1500;/' "$tmp/a.conf"
check "node a's config has failback_ms" grep -q 'failback_ms = 1500;' "$tmp/a.conf"
nfb=$(grep -c 'fenced b (' "$tmp/a.log")
ep=$(g1_epoch)
start_node a
check_cl "node a took group 1 back by itself" e2e_wait_for 15 sh -c \
	"tail -n +$from '$tmp/a.log' | grep -q 'took ANA group 1 back from b (failback, a member for'"
ms=$(tail -n +"$from" "$tmp/a.log" | sed -n 's/.*(failback, a member for \([0-9]*\) ms).*/\1/p' | head -1)
check "  after at least failback_ms as a member (${ms:-?} ms)" [ "${ms:-0}" -ge 1500 ]
check_cl "  node a optimized, node b non-optimized for group 1" e2e_wait_for 10 sh -c \
	"$CA cluster groups | grep -Eq '^1 +a +optimized' && $CB cluster groups | grep -Eq '^1 +a +non-optimized'"
g1=$(g1_epoch >/dev/null && cat "$tmp/g1.val")
check "  group 1's record: owner a, the epoch moved by one from $ep ($g1)" \
	[ "$g1" = "owner=a epoch=$((ep + 1))" ]
check "  no fence either way" sh -c "[ \$(grep -c 'fenced b (' '$tmp/a.log') -eq $nfb ] &&
	[ \$(grep -c 'fenced a (' '$tmp/b.log') -eq $nf ]"
stop_node a
check "node a handed group 1 to node b again as it stopped" \
	[ "$(grep -c 'cluster: ANA group 1 handed to b (leaving)' "$tmp/a.log")" -eq 2 ]
check_cl "node b is optimized for group 1 again" e2e_wait_for 10 sh -c \
	"$CB cluster groups | grep -Eq '^1 +b +optimized'"
# the last node keeps its groups (no live node to hand them to: node a
# left the list a moment ago, well within dead_ms), and its entry
stop_node b
check "node b, the last, kept group 1: no live node to take it" \
	grep -q 'ANA group 1 stays with this node: no live node to hand it to' "$tmp/b.log"
check "  and its member entry" sh -c "$RADOS -p rbd listomapkeys nvmetfcd.state | grep -qx node/b &&
	! $RADOS -p rbd listomapkeys nvmetfcd.state | grep -qx node/a"
e2e_finish
