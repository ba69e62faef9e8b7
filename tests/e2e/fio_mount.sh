#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# fio against `fcnvme mount` files over a software fabric served by the real
# nvmetfcd: random and sequential writes from 4 KiB to 1 MiB, verified with
# crc32c and md5 by several jobs on disjoint regions; a 512 B-block and a
# 4 KiB-block namespace; two namespaces on two subsystems (RAM and file
# backends) driven by two initiator ports at the same time; and data written
# by one host port read back identically by another.
E2E_NAME=fio_mount
. "$top_srcdir/tests/e2e/lib.sh"
e2e_require_fuse
e2e_require_fio
e2e_setup
e2e_seed

conf=$(e2e_conf two)
e2e_start_daemon "$conf"
mA=$tmp/mntA
mB=$tmp/mntB
e2e_mount 1 "$NQN_A" "$mA" --nr-io-queues 2 || e2e_finish
pA=$E2E_MPID
check "mount A shows ns1 (96 MiB) and ns2 (64 MiB)" \
	test "$(stat -c %s "$mA/ns1")" = 100663296 -a "$(stat -c %s "$mA/ns2")" = 67108864

F="$E2E_FIO_COMMON --verify_fatal=1 --do_verify=1"
# 1: random writes, 4 KiB..1 MiB, crc32c, 3 jobs on their own 24 MiB.
e2e_fio rand-crc32c --name=rand --filename="$mA/ns1" $F --rw=randwrite \
	--bsrange=4k-1m --size=24m --offset_increment=24m --numjobs=3 \
	--verify=crc32c --randrepeat=0
# 2: sequential 1 MiB writes, md5, 2 jobs, on the 4 KiB-block namespace.
e2e_fio seq-md5 --name=seq --filename="$mA/ns2" $F --rw=write \
	--bs=1m --size=24m --offset_increment=32m --numjobs=2 --verify=md5
# 3: 4 KiB random read/write mix with a verify backlog while running.
e2e_fio randrw-4k --name=rw4k --filename="$mA/ns2" $F --rw=randwrite \
	--bs=4k --size=8m --numjobs=2 --offset_increment=16m \
	--verify=crc32c --verify_backlog=64 --runtime=4 --time_based

# 4: two host ports at once, each on its own subsystem (RAM and file).
e2e_mount 2 "$NQN_B" "$mB" || e2e_finish
pB=$E2E_MPID
e2e_fio_bg concA --name=concA --filename="$mA/ns1" $F --rw=randwrite \
	--bs=4k --size=8m --numjobs=2 --offset_increment=32m --verify=md5
bgA=$E2E_FPID
e2e_fio conc-B --name=concB --filename="$mB/ns1" $F --rw=write \
	--bsrange=64k-1m --size=32m --numjobs=2 --offset_increment=40m \
	--verify=crc32c
E2E_FPID=$bgA
e2e_fio_wait concA

# 5: data written through host 2's mount of B reads back the same through
# host 1 (`fcnvme read`), so it went to the target and not to a cache.
e2e_umount "$mA" "$pA"
e2e_pattern "$SEED" 4194304 "$tmp/rnd.bin"
dd if="$tmp/rnd.bin" of="$mB/ns1" bs=1M seek=80 conv=notrunc,fsync status=none
# shellcheck disable=SC2046
timeout 60 "$FCNVME" read $(e2e_host 1) --nqn "$NQN_B" -s 163840 -c 8191 \
	-d "$tmp/back.bin" >/dev/null 2>"$tmp/read.err"
check "bytes written by host 2 read back by host 1 (sha256 equal)" \
	test "$(sha256sum <"$tmp/rnd.bin")" = "$(sha256sum <"$tmp/back.bin" 2>/dev/null)"
# the file backend holds the same bytes at the same offset
check "file backend holds the written bytes" \
	test "$(sha256sum <"$tmp/rnd.bin")" = \
	"$(dd if="$tmp/nsb1.img" bs=1M skip=80 count=4 status=none | sha256sum)"

e2e_umount "$mB" "$pB"
check "nvmetfcd still running" e2e_daemon_alive
e2e_finish
