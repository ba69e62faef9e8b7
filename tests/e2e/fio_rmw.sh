#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Partial-block writes through `fcnvme mount` must not lose each other
# (issue 12 item 5). fio with io_uring, iodepth 32 and O_DIRECT sends many
# writes at once; with block sizes that are not multiples of the 4 KiB LBA,
# neighbouring writes share a block and each is a read-modify-write of it.
# Unserialised, two of them read the same old block and the second write-back
# erases the first one's bytes (an acknowledged write lost). Verified with
# crc32c (verify_fatal): sequential 1536 B writes (every write shares blocks
# with the ones in flight beside it), random 512 B..7 KiB writes, and a mix
# of aligned 4 KiB and partial writes. fio's random seed is fixed and
# printed; E2E_SEED=N runs with another.
E2E_NAME=fio_rmw
. "$top_srcdir/tests/e2e/lib.sh"
e2e_require_fuse
e2e_require_fio
e2e_setup

SEED=${E2E_SEED:-20261202}
echo "fio_rmw: seed $SEED (E2E_SEED=$SEED repeats this run)"

conf=$(e2e_conf two)
e2e_start_daemon "$conf"
mA=$tmp/mntA
e2e_mount 1 "$NQN_A" "$mA" || e2e_finish
pA=$E2E_MPID
check "ns2 is the 4 KiB-block namespace (64 MiB)" \
	test "$(stat -c %s "$mA/ns2")" = 67108864

F="--ioengine=io_uring --iodepth=32 --direct=1 --group_reporting=0 \
--verify=crc32c --verify_fatal=1 --do_verify=1 --randseed=$SEED"
# 1: sequential 1536 B writes: three writes per two blocks, each one a
# read-modify-write sharing a block with the next.
e2e_fio seq-1536 --name=seq1536 --filename="$mA/ns2" $F --rw=write \
	--bs=1536 --size=6m
# 2: random writes of 512 B..7 KiB (512 B aligned), two jobs.
e2e_fio rand-512-7k --name=rand --filename="$mA/ns2" $F --rw=randwrite \
	--bsrange=512-7k --size=4m --numjobs=2 --offset_increment=8m
# 3: aligned 4 KiB writes (the fast path) among partial ones on the same
# blocks: 4 KiB..12 KiB in 2 KiB steps, half of them not block-aligned.
e2e_fio mixed --name=mixed --filename="$mA/ns2" $F --rw=randwrite \
	--bsrange=2k-12k --blockalign=2k --size=6m --offset=24m

e2e_umount "$mA" "$pA"
check "nvmetfcd still running" e2e_daemon_alive
e2e_finish
