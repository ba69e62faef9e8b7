#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A namespace on a Ceph RBD image of a private single-node cluster (one
# mon, one memstore OSD): librbd writes without copying; fio verify
# through `fcnvme mount`; bytes written through the export are in the
# image (`rbd export`); no more librados completion threads than the CPUs
# the pinned I/O threads leave them; identifiers derived from the image are
# the same after a restart; `rbd resize` grows the host's file, a shrink underneath
# is refused; `config save` round-trips the rbd keys; a full pool fails
# writes (bounded by the op timeout, then at once) while reads go on, and
# writes work again once it has room; a reload and `namespace add` open
# their new images on the opening thread first, and serve them.
E2E_NAME=rbd
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/ceph_lib.sh"
e2e_require_fuse
e2e_require_fio
ceph_require
e2e_setup
ceph_start
e2e_seed

$RBD create --size 256M rbd/img || { ko "rbd create"; e2e_finish; }
conf=$(ceph_conf rbd)
# Both I/O threads on the last CPU: librados' threads run on the others,
# and no more of its completion threads than those CPUs (Ceph's default
# is 2). On a one-CPU machine nothing is pinned and the cap is that CPU.
ncpu=$(nproc)
if [ "$ncpu" -ge 2 ]; then
	sed -i "s/@CPUS@/cpus = [ $((ncpu - 1)), $((ncpu - 1)) ];/" "$conf"
	lrt=$((ncpu - 1))
else
	sed -i "s/@CPUS@//" "$conf"
	lrt=1
fi
if [ "$lrt" -gt 2 ]; then
	lrt=2
fi
e2e_start_daemon "$conf"
C="$FCNVMECTL -s $SOCK"
m=$tmp/mnt
e2e_mount 1 "$NQN_A" "$m" --nr-io-queues 2 --reconnect-delay 1 || e2e_finish
pm=$E2E_MPID
check "the export shows the 256 MiB image" test "$(stat -c %s "$m/ns1")" = 268435456
"$FCNVME" id-ctrl --fabric "$FABRIC" --wwnn "$H3WWNN" --wwpn "$H3WWPN" --hostnqn "$HOSTNQN1" \
	--nqn "$NQN_A" >"$tmp/idctrl.txt" 2>&1
check "VWC is 0 without the librbd cache ($(grep '^vwc' "$tmp/idctrl.txt"))" \
	grep -Eq '^vwc +: +(0x)?0+$' "$tmp/idctrl.txt"
# librbd takes writes from the request's own buffer (no copy): asked of
# the daemon's librados client through its admin socket
asok=$(ls "$tmp"/ceph/run/ceph-client.*."$E2E_DPID".asok 2>/dev/null | head -1)
zc=$($CEPH --admin-daemon "$asok" config get rbd_disable_zero_copy_writes 2>&1 | tr -d ' \n')
check "zero-copy librbd writes ($zc)" test "$zc" = '{"rbd_disable_zero_copy_writes":"false"}'
tc=$($CEPH --admin-daemon "$asok" config get librados_thread_count 2>&1 | tr -d ' \n')
check "librados_thread_count $lrt on $ncpu CPUs, the I/O threads' pinned apart ($tc)" \
	test "$tc" = "{\"librados_thread_count\":\"$lrt\"}"

# 1: fio verify, random sizes, several jobs
F="$E2E_FIO_COMMON --verify_fatal=1 --do_verify=1"
e2e_fio rbd-rand --name=rand --filename="$m/ns1" $F --rw=randwrite \
	--bsrange=4k-256k --size=24m --offset_increment=32m --numjobs=3 \
	--verify=crc32c --randseed="$SEED"
e2e_fio rbd-rw4k --name=rw4k --filename="$m/ns1" $F --rw=randwrite \
	--bs=4k --size=8m --offset=128m --numjobs=2 --offset_increment=16m \
	--verify=md5 --verify_backlog=32 --runtime=3 --time_based --randseed="$SEED"

# 2: the bytes are in the image
e2e_pattern "$SEED" 1048576 "$tmp/rnd.bin"
dd if="$tmp/rnd.bin" of="$m/ns1" bs=1M seek=200 oflag=direct conv=notrunc,fsync status=none
$RBD export --no-progress rbd/img "$tmp/img.export" >/dev/null 2>&1
check "bytes written through the export are in the rbd image" \
	test "$(sha256sum <"$tmp/rnd.bin")" = \
	"$(dd if="$tmp/img.export" bs=1M skip=200 count=1 status=none | sha256sum)"
rm -f "$tmp/img.export"

# 2b: fused Compare and Write, one librbd compare_and_write (atomic on the
# OSD). Block 409600 (200 MiB) holds the first 512 bytes of rnd.bin.
check "FUSES: Compare and Write ($(grep '^fuses' "$tmp/idctrl.txt"))" \
	grep -Eq '^fuses +: +(0x)?0*1$' "$tmp/idctrl.txt"
cw() {
	"$FCNVME" compare-write --fabric "$FABRIC" --wwnn "$H3WWNN" --wwpn "$H3WWPN" \
		--hostnqn "$HOSTNQN1" --nqn "$NQN_A" -n 1 "$@"
}
blk() { dd if="$m/ns1" bs=512 skip="$1" count=1 iflag=direct status=none | sha256sum; }
head -c 512 "$tmp/rnd.bin" >"$tmp/cw.old"
e2e_pattern $((SEED + 1)) 512 "$tmp/cw.new"
e2e_pattern $((SEED + 2)) 512 "$tmp/cw.other"
check "compare-write with the block's data writes the new data" \
	cw -s 409600 -c 0 --compare-data "$tmp/cw.old" -d "$tmp/cw.new"
check "the block holds the new data" test "$(blk 409600)" = "$(sha256sum <"$tmp/cw.new")"
cw -s 409600 -c 0 --compare-data "$tmp/cw.old" -d "$tmp/cw.other" >/dev/null 2>"$tmp/cw.err"
rc=$?
check "compare-write with stale data fails: exit $rc, $(cat "$tmp/cw.err")" sh -c \
	"[ $rc = 1 ] && grep -q 'differ from the compare data: nothing written' '$tmp/cw.err'"
check "... and wrote nothing" test "$(blk 409600)" = "$(sha256sum <"$tmp/cw.new")"
# two blocks across the boundary of two 4 MiB objects: librbd refuses
cat "$tmp/cw.old" "$tmp/cw.old" >"$tmp/cw.two"
cw -s 8191 -c 1 --compare-data "$tmp/cw.two" -d "$tmp/cw.two" >/dev/null 2>"$tmp/cw.err"
rc=$?
check "compare-write across two objects is refused: exit $rc, $(cat "$tmp/cw.err")" sh -c \
	"[ $rc = 1 ] && grep -q 'Invalid Field' '$tmp/cw.err'"

# 3: identifiers come from the image: the same after a restart
ids() { $C -o json namespace show "$NQN_A" 1 | tr -d ' \n' | grep -o '"\(uuid\|nguid\|eui64\)":"[^"]*"'; }
ids1=$(ids)
e2e_umount "$m" "$pm"
e2e_stop_daemon
rm -rf "$tmp/state"/*
e2e_start_daemon "$conf"
check "identifiers are derived from the image (same after restart, no state file)" \
	test -n "$ids1" -a "$ids1" = "$(ids)"
e2e_mount 1 "$NQN_A" "$m" --nr-io-queues 2 --reconnect-delay 1 || e2e_finish
pm=$E2E_MPID

# 4: config save round trip keeps the rbd keys
$C config save "$tmp/saved1.conf" >/dev/null
check "config save writes the rbd keys" grep -q 'backend = "rbd"' "$tmp/saved1.conf"
check "saved config passes nvmetfcd -n" "$NVMETFCD" -n -c "$tmp/saved1.conf"
"$NVMETFCD" -n -v -c "$tmp/saved1.conf" >"$tmp/print1.conf" 2>/dev/null
cp "$tmp/saved1.conf" "$tmp/saved2.conf"
"$NVMETFCD" -n -v -c "$tmp/saved2.conf" >"$tmp/print2.conf" 2>/dev/null
check "save -> load -> print is stable" cmp -s "$tmp/print1.conf" "$tmp/print2.conf"
check "printed config keeps pool, image, ceph_conf, op_timeout" sh -c \
	"grep -q 'pool = \"rbd\"' '$tmp/print1.conf' && grep -q 'image = \"img\"' '$tmp/print1.conf' &&
	 grep -q 'ceph_conf = ' '$tmp/print1.conf' && grep -q 'op_timeout = 10' '$tmp/print1.conf'"

# 5: rbd resize from outside grows the namespace; the host sees it
$RBD resize --no-progress --size 384M rbd/img >/dev/null 2>&1
check "rbd resize 256M -> 384M reaches the host's file" e2e_wait_for 10 sh -c "[ \$(stat -c %s '$m/ns1') = 402653184 ]"
check "daemon logged the growth" grep -q 'namespace 1 grew to 402653184' "$tmp/nvmetfcd.log"
dd if="$tmp/rnd.bin" of="$m/ns1" bs=1M seek=380 oflag=direct conv=notrunc,fsync status=none
check "write in the grown part reads back" test "$(sha256sum <"$tmp/rnd.bin")" = \
	"$(dd if="$m/ns1" bs=1M skip=380 count=1 iflag=direct status=none | sha256sum)"

# 6: a full pool: writes fail (not hang), reads go on; then writes again
ceph_pool_full on || ko "pool did not turn full"
# The monitors flag the pool at once; our client learns it with its next
# OSD map, so a write may still slip through just before: try a few.
t0=$(date +%s)
tries=0 failed=0
while [ $tries -lt 10 ] && [ $failed = 0 ]; do
	tries=$((tries + 1))
	timeout 60 dd if="$tmp/rnd.bin" of="$m/ns1" bs=1M seek=10 count=1 oflag=direct \
		conv=notrunc,fsync status=none 2>"$tmp/full.err" || failed=1
	[ $failed = 1 ] || sleep 1
done
t1=$(date +%s)
check "a write to a full pool fails (try $tries: $(head -c 80 "$tmp/full.err"))" test $failed = 1
check "it failed within 45 s (op timeout 10 s; took $((t1 - t0)) s)" test $((t1 - t0)) -lt 45
sleep 2
t0=$(date +%s)
timeout 60 dd if="$tmp/rnd.bin" of="$m/ns1" bs=4k seek=10 count=1 oflag=direct \
	conv=notrunc status=none 2>/dev/null
rc=$?
t1=$(date +%s)
check "the next write fails at once (pool known full: exit $rc, $((t1 - t0)) s)" \
	test $rc -ne 0 -a $((t1 - t0)) -lt 5
check "reads still work on the full pool" test "$(sha256sum <"$tmp/rnd.bin")" = \
	"$(dd if="$m/ns1" bs=1M skip=380 count=1 iflag=direct status=none | sha256sum)"
check "daemon logged the full pool" grep -q 'pool rbd is full' "$tmp/nvmetfcd.log"
ceph_pool_full off || ko "pool did not recover"
check "writes work again once the pool has room" e2e_wait_for 20 \
	dd if="$tmp/rnd.bin" of="$m/ns1" bs=1M seek=20 count=1 oflag=direct conv=notrunc,fsync status=none

# 7: a shrink underneath is refused (the namespace keeps its size)
$RBD resize --no-progress --allow-shrink --size 320M rbd/img >/dev/null 2>&1
check "daemon refused the shrink" e2e_wait_for 10 grep -q 'refusing to shrink' "$tmp/nvmetfcd.log"
check "host's file still 384 MiB" test "$(stat -c %s "$m/ns1")" = 402653184

# 8: new images open on a thread of their own first: a reload that adds
# namespace 2 on rbd/img2, then `namespace add` of namespace 3 on
# rbd/img3; both are served (the host's mount sees them)
$RBD create --size 32M rbd/img2 && $RBD create --size 48M rbd/img3 || ko "rbd create img2, img3"
/usr/bin/python3 - "$conf" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
i = s.index("\t\t\t\top_timeout = 10;\n\t\t\t}\n") + len("\t\t\t\top_timeout = 10;\n\t\t\t}")
j = s.rindex("\t\t\t{\n", 0, i)
ns2 = s[j:i].replace("nsid = 1;", "nsid = 2;").replace('image = "img";', 'image = "img2";')
s = s[:i] + ",\n" + ns2 + s[i:]
open(p, "w").write(s)
PY
kill -HUP "$E2E_DPID"
check "the reload opened rbd/img2 first, off the control thread" e2e_wait_for 30 \
	grep -q 'SIGHUP: opening 1 backend(s) first, off the control thread' "$tmp/nvmetfcd.log"
check "... then added namespace 2 (32 MiB)" e2e_wait_for 30 grep -q 'namespace 2 added (33554432 bytes)' "$tmp/nvmetfcd.log"
check "namespace add rbd/img3 through fcnvmectl" \
	$C namespace add "$NQN_A" rbd path rbd/img3 nsid 3
check "... which opened the image first, off the control thread" grep -q \
	"namespace add $NQN_A: opening rbd image rbd/img3 first, off the control thread" "$tmp/nvmetfcd.log"
check "the host's mount shows namespaces 2 (32 MiB) and 3 (48 MiB)" e2e_wait_for 15 sh -c \
	"[ \$(stat -c %s '$m/ns2') = 33554432 ] && [ \$(stat -c %s '$m/ns3') = 50331648 ]"
check "a write to namespace 3 reads back" sh -c \
	"dd if='$tmp/rnd.bin' of='$m/ns3' bs=1M count=1 oflag=direct conv=notrunc,fsync status=none &&
	 dd if='$m/ns3' bs=1M count=1 iflag=direct status=none | cmp -s - '$tmp/rnd.bin'"

e2e_umount "$m" "$pm"
check "nvmetfcd still running" e2e_daemon_alive
e2e_finish
