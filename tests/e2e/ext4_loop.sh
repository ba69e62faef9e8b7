#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A real filesystem on the target: a loop device over the `fcnvme mount`
# file of a namespace, mkfs.ext4, mount, copy a source tree in, sync,
# unmount, `e2fsck -fn` clean; then drop the loop device and the FUSE
# export (so nothing is served from a host cache), export again through a
# new controller, mount again and compare every file's checksum.
E2E_NAME=ext4_loop
. "$top_srcdir/tests/e2e/lib.sh"
e2e_require_fuse
e2e_require_loop
e2e_setup

conf=$(e2e_conf two)
e2e_start_daemon "$conf"
m=$tmp/mnt
fs=$tmp/fs
mkdir -p "$fs"
e2e_mount 1 "$NQN_A" "$m" --nr-io-queues 2 || e2e_finish
pm=$E2E_MPID

attach() {	# attach: loop device over $m/ns1 into $loop
	loop=$(losetup -f --show "$m/ns1" 2>"$tmp/losetup.err") || {
		ko "losetup over the FUSE file: $(cat "$tmp/losetup.err")"
		e2e_finish
	}
	e2e_loops="$e2e_loops $loop"
}
sums() {	# sums DIR: checksums of every file under DIR, sorted
	(cd "$1" && find . -type f ! -path './lost+found/*' -print0 | sort -z |
		xargs -0 sha256sum)
}

attach
check "mkfs.ext4 on $loop" mkfs.ext4 -q -F -b 4096 "$loop"
check "mount ext4" mount -t ext4 "$loop" "$fs"
e2e_fsmounts="$fs"
mkdir -p "$fs/tree"
# a snapshot first: the source tree may change while the test runs
mkdir -p "$tmp/orig"
cp -a "$top_srcdir/libfcnvme" "$top_srcdir/daemon" "$top_srcdir/hw" \
	"$top_srcdir/tools" "$tmp/orig/"
cp -a "$tmp/orig" "$fs/tree/" && ok "copy a tree in" || ko "copy a tree in"
e2e_seed
e2e_pattern "$SEED" 8388608 "$fs/tree/random.bin"
sync
sums "$fs" >"$tmp/sums1"
n=$(wc -l <"$tmp/sums1")
check "tree has $n files (more than 50)" test "$n" -gt 50
check "umount" umount "$fs"
e2e_fsmounts=
e2fsck -fn "$loop" >"$tmp/fsck1" 2>&1
rc=$?
check "e2fsck -fn clean after umount (exit $rc)" test $rc -eq 0
losetup -d "$loop"
e2e_loops=

# a fresh export: a new association, nothing cached on the host side
e2e_umount "$m" "$pm"
e2e_mount 1 "$NQN_A" "$m" || e2e_finish
pm=$E2E_MPID
attach
e2fsck -fn "$loop" >"$tmp/fsck2" 2>&1
rc=$?
check "e2fsck -fn clean through a new controller (exit $rc)" test $rc -eq 0
check "mount again" mount -t ext4 -o ro "$loop" "$fs"
e2e_fsmounts="$fs"
sums "$fs" >"$tmp/sums2"
check "every file's checksum equal after remount" cmp -s "$tmp/sums1" "$tmp/sums2"
sums "$tmp/orig" >"$tmp/sums0"
sums "$fs/tree/orig" >"$tmp/sums3"
check "the copied tree equals the original" cmp -s "$tmp/sums0" "$tmp/sums3"
umount "$fs"
e2e_fsmounts=
losetup -d "$loop"
e2e_loops=
e2e_umount "$m" "$pm"
check "nvmetfcd still running" e2e_daemon_alive
e2e_finish
