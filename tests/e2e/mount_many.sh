#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `fcnvme mount` of a subsystem with more namespaces than fit the mount's
# old fixed table (256): every one of them is exported as a file, the last
# one reads, and one added at run time shows up too.
E2E_NAME=mount_many
. "$top_srcdir/tests/e2e/lib.sh"
e2e_require_fuse
e2e_setup

N=300
conf=$tmp/many.conf
{
	printf 'ports = ( { name = "p0"; dev = "soft:%s"; shm_dir = "%s";\n' "$FABRIC" "$FCNVME_SHM_DIR"
	printf '\twwnn = "0x20000090fa0000e1"; wwpn = "%s"; } );\n' "$T0WWPN"
	printf 'subsystems = ( { nqn = "%s"; hosts = [ "%s" ]; ports = [ "p0" ];\n' "$NQN_A" "$HOSTNQN1"
	printf '\tnamespaces = (\n'
	i=1
	while [ $i -le $N ]; do
		sep=,
		[ $i -eq $N ] && sep=
		printf '\t\t{ backend = "null"; size = "1M"; }%s\n' "$sep"
		i=$((i + 1))
	done
	printf '\t); } );\n'
} >"$conf"
e2e_start_daemon "$conf"
m=$tmp/mnt
e2e_mount 1 "$NQN_A" "$m" || e2e_finish
pm=$E2E_MPID
count() { ls "$m" | grep -c '^ns[0-9]*$'; }
check "all $N namespaces exported (saw $(count))" e2e_wait_for 10 sh -c "[ \$(ls '$m' | grep -c '^ns[0-9]*\$') -eq $N ]"
check "ns$N reads" sh -c "[ \$(head -c 4096 '$m/ns$N' | wc -c) -eq 4096 ]"
$FCNVMECTL -s "$SOCK" namespace add "$NQN_A" null size 1M nsid 1000 >/dev/null
check "a namespace added at run time appears (ns1000)" e2e_wait_for 10 test -f "$m/ns1000"
e2e_umount "$m" "$pm"
e2e_finish
