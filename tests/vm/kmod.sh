#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The guest driver as a kernel module, before any port server is involved:
# it builds against Debian's current linux-headers with W=1 and no warning,
# scripts/checkpatch.pl --strict finds nothing, and in the guest it loads,
# refuses ivshmem devices whose BAR2 is not a remote-driver soft-HBA port
# (all zero; our magic with a region larger than the BAR), unloads, and the
# kernel log has no warning and no taint beyond the unsigned module's.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
VM_NAME=kmod
. "$top_srcdir/tests/vm/lib.sh"

vm_setup
vm_prepare
vm_module
ok "softhba.ko builds against linux-headers-$KVER"

# W=1, from scratch, in a copy of the sources
w1=$tmp/w1
mkdir -p "$w1"
cp "$top_srcdir"/hw/linux/softhba/{Kbuild,Makefile,*.c,*.h} "$w1/"
# what the compiler and modpost warn about (not make's own notes)
kwarn() {
	grep -c -E '\.[ch]:[0-9]+(:[0-9]+)?: warning:|^WARNING: modpost' "$1"
}
if vm_kmake -C "$w1" KVER="$KVER" W=1 >"$tmp/w1.log" 2>&1; then
	nw=$(kwarn "$tmp/w1.log")
	if [ "$nw" -eq 0 ]; then
		ok "W=1 build: no warning"
	else
		ko "W=1 build: $nw warning line(s)"
		grep -A3 -E '\.[ch]:[0-9]+(:[0-9]+)?: warning:|^WARNING: modpost' "$tmp/w1.log" |
			head -n 30 | sed 's/^/  kbuild: /'
	fi
else
	ko "W=1 build failed"
	tail -n 30 "$tmp/w1.log" | sed 's/^/  kbuild: /'
fi
nw=$(kwarn "$VM_WORK/softhba-$KVER/build.log")
check "default build: no warning ($nw)" test "$nw" -eq 0
mi=$(modinfo "$SOFTHBA_KO")
check "modinfo: vermagic $KVER" grep -q "^vermagic: *$KVER " <<<"$mi"
check "modinfo: license GPL" grep -q '^license: *GPL$' <<<"$mi"
check "modinfo: depends on nvme-fc" grep -q '^depends: *nvme-fc$' <<<"$mi"
check "modinfo: binds ivshmem (1af4:1110)" grep -q '^alias: *pci:v00001AF4d00001110' <<<"$mi"

# checkpatch.pl from Debian's kernel source package (cached)
cp_dir=$VM_WORK/checkpatch
if [ ! -f "$cp_dir/checkpatch.pl" ]; then
	vm_install linux-source
	src=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
	if [ -n "$src" ]; then
		top=$(basename "$src" .tar.xz)
		mkdir -p "$cp_dir"
		tar -C "$cp_dir" --strip-components=2 -xJf "$src" "$top/scripts/checkpatch.pl" \
			"$top/scripts/spelling.txt" "$top/scripts/const_structs.checkpatch"
	fi
fi
if [ -f "$cp_dir/checkpatch.pl" ]; then
	(cd "$top_srcdir/hw/linux/softhba" &&
	 perl "$cp_dir/checkpatch.pl" --strict --no-tree --show-types -f \
		Kbuild Makefile ./*.c ./*.h) >"$tmp/checkpatch.log" 2>&1
	if ! grep -q -E '^(ERROR|WARNING|CHECK):' "$tmp/checkpatch.log" &&
	   grep -q 'total: 0 errors, 0 warnings, 0 checks' "$tmp/checkpatch.log"; then
		ok "checkpatch.pl --strict: 0 errors, 0 warnings, 0 checks in every file"
	else
		ko "checkpatch.pl --strict has findings"
		grep -A4 -E '^(ERROR|WARNING|CHECK):' "$tmp/checkpatch.log" | head -n 40 | sed 's/^/  /'
	fi
else
	vm_unavailable "no checkpatch.pl (linux-source is not installable)"
fi

# Two ivshmem-plain devices: one all zero, one with our magic whose region
# claims more than the BAR holds.
truncate -s 1M "$tmp/zero.shm" "$tmp/big.shm"
python3 - "$tmp/big.shm" <<'PY'
import struct, sys
with open(sys.argv[1], "r+b") as f:
    # magic, version (HW_BAR_VERSION), bar_size, region_size
    f.write(struct.pack("<QII Q", 0x4142485356434653, 2, 4096 * 3, 1 << 30))
    f.seek(56)
    f.write(struct.pack("<II", 1, 64))  # nr_hwq, nr_xri
    f.seek(68)
    f.write(struct.pack("<I", 1))  # flags: HW_BAR_F_REMOTE
PY
VM_SMP=1 vm_boot kmod.sh -- \
	-object "memory-backend-file,id=m0,share=on,mem-path=$tmp/zero.shm,size=1M" \
	-device ivshmem-plain,memdev=m0 \
	-object "memory-backend-file,id=m1,share=on,mem-path=$tmp/big.shm,size=1M" \
	-device ivshmem-plain,memdev=m1
vm_finish
