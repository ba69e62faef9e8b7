# SPDX-License-Identifier: Apache-2.0
# Shared helpers of the VM tests (sourced, not run): Linux's own nvme-fc host
# in a QEMU guest running Debian's current kernel, reaching nvmetfcd through
# the soft HBA (softhba-vmport serves a fabric port to the guest as an
# ivshmem-doorbell PCI device; hw/linux/softhba is the guest's driver).
#
# What this file does for a test:
#   vm_prepare      install the host packages, fetch and unpack the guest
#                   kernel (never installed on the host), extract its
#                   uncompressed vmlinux (PVH boot), build the initramfs and
#                   the softhba module; all cached in $VM_WORK
#   vm_boot SCRIPT  boot the guest, run tests/vm/guest/SCRIPT in it (the host
#                   root read-only over 9p, a read-write share for results),
#                   serve its host_do requests with the test's host_action
#                   function, power off; bounded by $VM_TIMEOUT
#   ok/ko/check     count results; vm_finish prints "NAME: N passed, M failed"
#
# A test sets VM_NAME, sources this file, defines host_action (when its guest
# script asks the host to act), calls vm_prepare and vm_boot, and ends with
# vm_finish.
#
# Environment: top_builddir, top_srcdir (set by make check); CI (when set, a
# missing prerequisite is a failure instead of a skip); VM_WORK (cache,
# default $top_builddir/vm-work); VM_ACCEL (auto, tcg or kvm); VM_SMP, VM_MEM,
# VM_TIMEOUT; VM_JOBS (VM tests at once, default 2: vm_setup); VM_KEEP=1
# keeps the test's temporary directory; VM_VMPORT, a softhba-vmport binary to
# use instead of the tree's.

set -u
: "${top_builddir:?}" "${top_srcdir:?}" "${VM_NAME:?}"

VM_SRC=$top_srcdir/tests/vm
VM_WORK=${VM_WORK:-$top_builddir/vm-work}
SOFTHBA_KO=
VM_SMP=${VM_SMP:-1}
VM_MEM=${VM_MEM:-1024}
VM_TIMEOUT=${VM_TIMEOUT:-300}
VM_JOBS=${VM_JOBS:-2}
NVMETFCD=$top_builddir/daemon/nvmetfcd
FCNVMECTL=$top_builddir/tools/fcnvmectl
SOFTHBACTL=$top_builddir/tools/softhbactl
# a port of its own that writes what a misbehaving peer could (tests/vm/vm_peer.h)
VMPEER=$top_builddir/tests/vm/vm_peer
VMPORT=${VM_VMPORT:-$top_builddir/tools/softhba-vmport}

vm_pass=0
vm_fail=0
vm_pids=
tmp=
VM_T0=$(date +%s.%N)

ok() {
	vm_pass=$((vm_pass + 1))
	echo "ok: $*"
}
vm_failed=
ko() {
	vm_fail=$((vm_fail + 1))
	vm_failed="$vm_failed  $*
"
	echo "FAIL: $*"
}
check() { # check DESCRIPTION CMD...: pass when CMD exits 0
	local d=$1
	shift
	if "$@"; then ok "$d"; else ko "$d"; fi
}

# vm_elapsed: seconds since the test started, one decimal.
vm_elapsed() {
	awk -v a="$VM_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}

vm_finish() {
	echo "$VM_NAME: took $(vm_elapsed) s"
	# the failed checks again, last, where a log's tail shows them
	[ "$vm_fail" -eq 0 ] || printf '%s: failed:\n%s' "$VM_NAME" "$vm_failed"
	[ -z "${VM_SEED:-}" ] || echo "$VM_NAME: seed $VM_SEED (rerun with VM_SEED=$VM_SEED)"
	echo "$VM_NAME: $vm_pass passed, $vm_fail failed"
	[ "$vm_fail" -eq 0 ] && [ "$vm_pass" -gt 0 ] && exit 0
	exit 1
}

# vm_unavailable REASON: a prerequisite cannot be provided. A skip (77),
# except under CI, where it is a failure.
vm_unavailable() {
	if [ -n "${CI:-}" ]; then
		echo "FAIL: $VM_NAME: $* (CI is set, so this is a failure)"
		echo "$VM_NAME: 0 passed, 1 failed"
		exit 1
	fi
	echo "SKIP: $VM_NAME: $*"
	exit 77
}

# The VM tests run once, in the normal build: a sanitizer build (quickstart's
# second make check) skips them, since nothing of the guest is instrumented
# and the host programs already ran under the sanitizers in the other tests.
if [ -n "${VM_SAN_CFLAGS:-}" ] && [ -z "${VM_FORCE:-}" ]; then
	echo "SKIP: $VM_NAME: sanitizer build ($VM_SAN_CFLAGS); the VM tests run in the normal build"
	exit 77
fi
# quickstart runs them on their own after the other tests (make check-vm),
# so that an emulated guest does not starve timing-sensitive tests.
if [ -n "${VM_DEFER:-}" ]; then
	echo "SKIP: $VM_NAME: deferred to make check-vm (VM_DEFER is set)"
	exit 77
fi

# A known bug of the guest kernel can end a run for no fault of ours:
# Debian's 6.1 kernels (6.1.176, 6.1.192 seen) free a fabrics controller's
# admin queue twice over. nvme_free_ctrl drops the queue's last reference and
# nvme-fc's free_ctrl then destroys it (nvme_remove_admin_tag_set ->
# blk_mq_destroy_queue). Usually the queue's memory is still intact (its
# RCU-deferred free has not run yet) and only the WARNING in blk_mq_release
# shows (tests/vm/guest/lib.sh recognises it); when an RCU grace period slips
# in between, percpu_ref_kill_and_confirm dereferences the freed counter and
# the guest oopses. Upstream nvme-fc removes the admin tag set before the
# controller is freed. Every test runs in a child (VM_ATTEMPT=1); when the
# guest died of exactly that oops (vm_boot exits 98), the test runs again
# from scratch, at most three times in all, and says so. Any other oops is a
# failure.
if [ -z "${VM_ATTEMPT:-}" ]; then
	# every attempt uses the same seed, fixed unless VM_SEED names one
	# (the tests that take one print it)
	VM_SEED=${VM_SEED:-1}
	export VM_SEED
	for VM_ATTEMPT in 1 2 3; do
		VM_ATTEMPT=$VM_ATTEMPT bash "$0" "$@"
		rc=$?
		[ $rc -eq 98 ] || break
		echo "vm: $VM_NAME: the guest kernel oopsed in its known admin-queue use-after-free (above, attempt $VM_ATTEMPT of 3); running the test again"
	done
	exit $rc
fi

vm_kill() { # vm_kill PID [SIGNAL]: stop a process we started and reap it
	kill -"${2:-TERM}" "$1" 2>/dev/null || return 0
	local i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -0 "$1" 2>/dev/null && kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

vm_cleanup() {
	set +e
	local p
	for p in $vm_pids; do vm_kill "$p"; done
	if [ -n "${vm_cleanup_hook:-}" ]; then $vm_cleanup_hook; fi
	if [ -n "$tmp" ]; then
		if [ -n "${VM_KEEP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
	fi
}

# vm_wait_for SECS CMD...: poll CMD every 0.1 s until it succeeds, for
# SECS of wall-clock time (at least once).
vm_wait_for() {
	local end=$(($(date +%s%3N) + $1 * 1000))
	shift
	while :; do
		"$@" 2>/dev/null && return 0
		[ "$(date +%s%3N)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# ---- host packages, guest kernel, initramfs, module -----------------------

VM_PKGS="qemu-system-x86 busybox-static cpio kmod nvme-cli fio e2fsprogs xz-utils make gcc"
vm_apt_updated=

vm_apt_update() {
	[ -n "$vm_apt_updated" ] && return 0
	vm_apt_updated=1
	DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$VM_WORK/apt-update.log" 2>&1
}

vm_missing_pkgs() { # print the packages of "$@" that are not installed
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			printf '%s ' "$p"
	done
}

vm_install() { # vm_install PKG...: install what is missing
	local miss
	miss=$(vm_missing_pkgs "$@")
	[ -z "$miss" ] && return 0
	[ "$(id -u)" -eq 0 ] || vm_unavailable "missing packages ($miss) and not root to install them"
	command -v apt-get >/dev/null || vm_unavailable "missing packages ($miss) and no apt-get"
	echo "vm: installing $miss"
	vm_apt_update
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $miss \
		>"$VM_WORK/apt-install.log" 2>&1 ||
		vm_unavailable "apt-get install $miss failed: $(tail -n 3 "$VM_WORK/apt-install.log")"
}

# The ABI of Debian's current kernel: what linux-image-amd64 depends on.
vm_resolve_kver() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\([0-9].*\)$/\1/p' | head -n 1
}

# vm_extract_vmlinux BZIMAGE OUT: the uncompressed ELF inside a bzImage
# (PVH boot of the ELF skips the decompressor, seconds under TCG).
vm_extract_vmlinux() {
	local img=$1 out=$2 magic tool off
	for magic in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' 'gzip:\x1f\x8b\x08'; do
		tool=${magic%%:*}
		for off in $(LC_ALL=C grep -obUaP "${magic#*:}" "$img" 2>/dev/null | cut -d: -f1); do
			tail -c +$((off + 1)) "$img" | $tool -dc 2>/dev/null >"$out.tmp"
			if [ "$(head -c 4 "$out.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
				mv "$out.tmp" "$out"
				return 0
			fi
		done
	done
	rm -f "$out.tmp"
	return 1
}

# Modules the initramfs loads itself to reach the host root; everything else
# comes from the module tree bound over 9p.
VM_INITRD_MODS="virtio_pci 9pnet_virtio 9p"

vm_build_initramfs() {
	local st=$VM_KDIR/initramfs.d m f mods=$VM_KMODS/$KVER
	rm -rf "$st"
	mkdir -p "$st/bin" "$st/dev" "$st/proc" "$st/sys" "$st/lib/modules/$KVER"
	cp /bin/busybox "$st/bin/busybox"
	cp "$VM_SRC/guest-init" "$st/init"
	chmod 755 "$st/init"
	cp "$mods"/modules.order "$mods"/modules.builtin "$mods"/modules.builtin.modinfo \
		"$st/lib/modules/$KVER/"
	for m in $VM_INITRD_MODS; do
		for f in $(grep -E "/$m\.ko(\.[a-z]+)?:" "$mods/modules.dep" | tr -d ':'); do
			mkdir -p "$st/lib/modules/$KVER/$(dirname "$f")"
			cp "$mods/$f" "$st/lib/modules/$KVER/$f"
		done
	done
	depmod -b "$st" "$KVER" || return 1
	(cd "$st" && find . | cpio -o -H newc --quiet | gzip -1) >"$VM_KDIR/initramfs.tmp" &&
		mv "$VM_KDIR/initramfs.tmp" "$VM_KDIR/initramfs.cpio.gz"
	rm -rf "$st"
}

# vm_build_module: hw/linux/softhba against linux-headers-$KVER, in a copy
# under $VM_WORK (kbuild writes next to the sources). Sets SOFTHBA_KO; the
# build output is in $VM_WORK/softhba-$KVER/build.log.
vm_build_module() {
	local src=$top_srcdir/hw/linux/softhba b=$VM_WORK/softhba-$KVER
	SOFTHBA_KO=$b/softhba.ko
	if [ -f "$SOFTHBA_KO" ] && [ -z "$(find "$src" -newer "$SOFTHBA_KO" -type f)" ]; then
		return 0
	fi
	rm -rf "$b"
	mkdir -p "$b"
	cp "$src"/Kbuild "$src"/Makefile "$src"/*.c "$src"/*.h "$b/"
	vm_kmake -C "$b" KVER="$KVER" >"$b/build.log" 2>&1
}

# vm_kmake ARGS...: make for kbuild, outside the jobserver of a make check
# that runs us (its MAKEFLAGS would only earn a make warning).
vm_kmake() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES make -j2 "$@"
}

# vm_module: build softhba.ko (or find it up to date); a build failure is a
# failed test. Serialised like vm_prepare.
vm_module() {
	local lockfd
	exec {lockfd}>"$VM_WORK/.lock"
	flock "$lockfd"
	if ! vm_build_module; then
		flock -u "$lockfd"
		ko "softhba.ko does not build against linux-headers-$KVER"
		sed 's/^/  kbuild: /' "$VM_WORK/softhba-$KVER/build.log" | tail -n 30
		vm_finish
	fi
	flock -u "$lockfd"
	exec {lockfd}>&-
}

# vm_prepare: everything a guest needs, cached in $VM_WORK. Sets KVER,
# VM_KDIR (vmlinux, initramfs.cpio.gz) and VM_KMODS (module tree for the
# guest). Serialised by a lock: several tests may prepare at once.
vm_prepare() {
	local t0 lockfd
	t0=$(date +%s)
	mkdir -p "$VM_WORK" || vm_unavailable "cannot create $VM_WORK"
	exec {lockfd}>"$VM_WORK/.lock"
	flock "$lockfd"
	vm_install $VM_PKGS
	KVER=$(vm_resolve_kver)
	if [ -z "$KVER" ]; then
		[ "$(id -u)" -eq 0 ] && vm_apt_update
		KVER=$(vm_resolve_kver)
	fi
	[ -n "$KVER" ] || vm_unavailable "cannot resolve Debian's kernel (apt-cache depends linux-image-amd64)"
	vm_install "linux-headers-$KVER"
	VM_KDIR=$VM_WORK/kernel-$KVER
	VM_KMODS=$VM_KDIR/root/lib/modules
	if [ ! -f "$VM_KDIR/.done" ]; then
		echo "vm: fetching linux-image-$KVER (unpacked, not installed)"
		rm -rf "$VM_WORK"/kernel-*
		mkdir -p "$VM_KDIR/root"
		(cd "$VM_KDIR" && apt-get download -o APT::Sandbox::User=root \
			"linux-image-$KVER" >download.log 2>&1) ||
			vm_unavailable "apt-get download linux-image-$KVER failed: $(tail -n 2 "$VM_KDIR/download.log")"
		dpkg-deb -x "$VM_KDIR"/linux-image-"$KVER"_*.deb "$VM_KDIR/root" ||
			vm_unavailable "cannot unpack linux-image-$KVER"
		rm -f "$VM_KDIR"/linux-image-"$KVER"_*.deb
		depmod -b "$VM_KDIR/root" "$KVER" || vm_unavailable "depmod failed"
		vm_extract_vmlinux "$VM_KDIR/root/boot/vmlinuz-$KVER" "$VM_KDIR/vmlinux" ||
			vm_unavailable "no vmlinux inside vmlinuz-$KVER"
		touch "$VM_KDIR/.done"
	fi
	if [ ! -f "$VM_KDIR/initramfs.cpio.gz" ] ||
	   [ "$VM_SRC/guest-init" -nt "$VM_KDIR/initramfs.cpio.gz" ]; then
		vm_build_initramfs || vm_unavailable "cannot build the initramfs"
	fi
	flock -u "$lockfd"
	exec {lockfd}>&-
	vm_accel
	echo "vm: kernel $KVER, accel $VM_ACCEL_ARGS, prepared in $(($(date +%s) - t0)) s"
}

# vm_accel: TCG unless KVM really works. On a PVM host (kvm_pvm: nested,
# stock kernels run ~1000x slower) KVM is never used.
vm_accel() {
	local want=${VM_ACCEL:-auto}
	if [ "$want" = kvm ] ||
	   { [ "$want" = auto ] && [ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ]; }; then
		VM_ACCEL_ARGS="-accel kvm -cpu host"
	else
		VM_ACCEL_ARGS="-accel tcg,thread=multi,tb-size=256 -cpu max"
	fi
}

# ---- one test's temporary directory ----------------------------------------

# vm_setup: the test's private directory ($tmp) and the cleanup trap. At
# most VM_JOBS VM tests run at once (make check -j runs tests side by side):
# a TCG guest (-smp 1) with its target and the test's loop use about one
# core (106 % over nvme_cli and fio_ext4 here), so two fit our 2 cores. A
# slot is a lock in $VM_WORK, held until the test exits.
vm_setup() {
	local t0 i
	mkdir -p "$VM_WORK" || vm_unavailable "cannot create $VM_WORK"
	t0=$(date +%s)
	while :; do
		for ((i = 0; i < VM_JOBS; i++)); do
			exec {vm_runlock}>"$VM_WORK/.run.lock.$i"
			flock -n "$vm_runlock" && break 2
			exec {vm_runlock}>&-
		done
		sleep 0.5
	done
	[ $(($(date +%s) - t0)) -gt 1 ] && echo "vm: waited $(($(date +%s) - t0)) s for other VM tests"
	echo "vm: slot $i of $VM_JOBS"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/vm-$VM_NAME.XXXXXX")
	trap vm_cleanup EXIT
	trap 'exit 1' INT TERM HUP
}

# ---- booting the guest ------------------------------------------------------

# host_action ACTION...: the test's answer to a guest's host_do request;
# its output goes back to the guest, its exit status too. Tests override it.
host_action() {
	echo "no host actions in $VM_NAME"
	return 1
}

# Serve the requests the guest left in $share/req (one file per request:
# the action's words), answering each in $share/ack/N (exit status) and
# $share/ack/N.out (output). Runs until QEMU ($1) exits.
vm_serve() {
	local qpid=$1 r n rc
	while kill -0 "$qpid" 2>/dev/null; do
		for r in "$share"/req/*; do
			[ -f "$r" ] || continue
			n=${r##*/}
			case $n in *.tmp) continue ;; esac
			[ -f "$share/ack/$n" ] && continue
			echo "vm: host_do $(cat "$r") (t=$(vm_elapsed) s)" >>"$tmp/host_do.log"
			# shellcheck disable=SC2046
			(host_action $(cat "$r")) >"$share/ack/$n.out" 2>&1 </dev/null
			rc=$?
			cat "$share/ack/$n.out" >>"$tmp/host_do.log"
			echo "vm: host_do rc=$rc" >>"$tmp/host_do.log"
			echo $rc >"$share/ack/$n.tmp"
			mv "$share/ack/$n.tmp" "$share/ack/$n"
		done
		sleep 0.1
	done
}

# vm_guest_path PATH: where the guest sees a host path. The guest has a
# /tmp of its own; the host's is at /run/host-tmp (tests/vm/guest-init).
vm_guest_path() {
	case $1 in
	/tmp) echo /run/host-tmp ;;
	/tmp/*) echo "/run/host-tmp/${1#/tmp/}" ;;
	*) echo "$1" ;;
	esac
}

# vm_boot SCRIPT [VAR=VALUE...] [-- QEMU ARGS...]: boot the guest, run
# tests/vm/guest/SCRIPT with the VAR=VALUE settings in its environment, serve
# its requests, and count its ok/FAIL lines. Returns the guest script's
# exit status (124 for a timeout, 125 when the guest never started it).
vm_boot() {
	local script=$1 qpid rc gp gf v boot gko
	shift
	share=$tmp/share
	rm -rf "$share"
	mkdir -p "$share/req" "$share/ack" "$share/out"
	# the module goes through the share: $VM_WORK may be under the host's
	# /tmp, which the guest's own /tmp hides
	gko=
	if [ -n "$SOFTHBA_KO" ]; then
		cp "$SOFTHBA_KO" "$share/softhba.ko"
		gko=/run/vmtest/softhba.ko
	fi
	{
		echo "export VM_NAME='$VM_NAME' KVER='$KVER' top_builddir='$(vm_guest_path "$top_builddir")'"
		echo "export top_srcdir='$(vm_guest_path "$top_srcdir")' SOFTHBA_KO='$gko' VM_SHARE=/run/vmtest"
		while [ $# -gt 0 ] && [ "$1" != -- ]; do
			v=$1
			echo "export ${v%%=*}='${v#*=}'"
			shift
		done
		echo "cd /run/vmtest && exec bash '$(vm_guest_path "$VM_SRC")/guest/$script'"
	} >"$share/job.sh"
	[ "${1:-}" = -- ] && shift
	echo "vm: booting for guest/$script (t=$(vm_elapsed) s)"
	# log_buf_len: the default 128 KiB kernel log wraps under a test that
	# makes the kernel report errors on purpose (peer_garbage), and the
	# guest's checks read the whole log since boot (tests/vm/guest/lib.sh
	# dmesg_clean)
	# shellcheck disable=SC2086
	timeout -k 5 "$VM_TIMEOUT" qemu-system-x86_64 $VM_ACCEL_ARGS -machine pc \
		-smp "$VM_SMP" -m "$VM_MEM" \
		-kernel "$VM_KDIR/vmlinux" -initrd "$VM_KDIR/initramfs.cpio.gz" \
		-append "console=ttyS0 quiet oops=panic panic=-1 nokaslr log_buf_len=16M vmtest.kmods=$VM_KMODS" \
		-display none -serial "file:$tmp/console.log" -monitor none -no-reboot -nodefaults \
		-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
		-fsdev "local,id=vmtest,path=$share,security_model=none" \
		-device virtio-9p-pci,fsdev=vmtest,mount_tag=vmtest \
		"$@" >"$tmp/qemu.log" 2>&1 </dev/null &
	qpid=$!
	vm_serve "$qpid"
	wait "$qpid"
	rc=$?
	boot=$(sed -n 's/^VMTEST-job-start //p' "$tmp/console.log" | head -n 1)
	echo "vm: guest ran guest/$script; kernel uptime at job start ${boot:-?} s; qemu exit $rc (t=$(vm_elapsed) s)"
	if grep -q -E 'Oops:|BUG: |Kernel panic' "$tmp/console.log"; then
		ko "the guest kernel oopsed (oops=panic ends the guest)"
		vm_oops | sed 's/^/  console: /'
		if vm_oops | vm_known_oops && [ "${VM_ATTEMPT:-3}" -lt 3 ]; then
			echo "vm: this is the guest kernel's known admin-queue use-after-free (nvme_free_ctrl, then nvme_remove_admin_tag_set)"
			vm_logs
			exit 98
		fi
		return 126
	fi
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		ko "guest/$script did not finish within $VM_TIMEOUT s"
		tail -n 40 "$tmp/console.log" | sed 's/^/  console: /'
		return 124
	fi
	if [ ! -f "$share/rc" ]; then
		ko "guest/$script never ran (qemu exit $rc)"
		tail -n 20 "$tmp/qemu.log" | sed 's/^/  qemu: /'
		tail -n 40 "$tmp/console.log" | sed 's/^/  console: /'
		return 125
	fi
	gp=$(grep -c '^ok: ' "$share/job.log")
	gf=$(grep -c '^FAIL: ' "$share/job.log")
	vm_pass=$((vm_pass + gp))
	vm_fail=$((vm_fail + gf))
	[ "$gf" -eq 0 ] || vm_failed="$vm_failed$(sed -n 's/^FAIL: /  guest: /p' "$share/job.log")
"
	sed 's/^/  guest: /' "$share/job.log"
	rc=$(cat "$share/rc")
	if [ "$rc" -ne 0 ] && [ "$gf" -eq 0 ]; then
		ko "guest/$script exited $rc"
	fi
	return "$rc"
}

# ---- the target side: a soft fabric, nvmetfcd, softhba-vmport ---------------

# Names shared by the VM tests' configs (tests/vm/*.conf.in) and guests.
T0WWNN=0x20000090fa0000f1
T0WWPN=0x10000090fa0000f1
T1WWNN=0x20000090fa0000f2
T1WWPN=0x10000090fa0000f2
G1WWNN=0x20000090fb0000c1
G1WWPN=0x10000090fb0000c1
G2WWNN=0x20000090fb0000c2
G2WWPN=0x10000090fb0000c2
GHOSTNQN=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-0000000000c1
GHOSTID=00000000-0000-4000-8000-0000000000c1
OTHERNQN=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-0000000000c9
NQN_A=nqn.2026-11.io.nvmetfcd:vm-a
NQN_B=nqn.2026-11.io.nvmetfcd:vm-b
NQN_H=nqn.2026-11.io.nvmetfcd:vm-hidden
VM_NAMES="T0WWNN=$T0WWNN T0WWPN=$T0WWPN T1WWNN=$T1WWNN T1WWPN=$T1WWPN G1WWNN=$G1WWNN
G1WWPN=$G1WWPN G2WWNN=$G2WWNN G2WWPN=$G2WWPN GHOSTNQN=$GHOSTNQN GHOSTID=$GHOSTID
NQN_A=$NQN_A NQN_B=$NQN_B NQN_H=$NQN_H"

# vm_require_bins [BIN...]: nvmetfcd, fcnvmectl, softhbactl and BIN... are built.
vm_require_bins() {
	local b
	for b in "$NVMETFCD" "$FCNVMECTL" "$SOFTHBACTL" "$@"; do
		[ -x "$b" ] || vm_unavailable "$b is not built"
	done
	if [ -z "${VM_VMPORT:-}" ] && [ ! -f "$top_srcdir/tools/softhba_vmport.c" ]; then
		# not a missing prerequisite: this tree has no port server yet
		echo "SKIP: $VM_NAME: this tree has no softhba-vmport (tools/softhba_vmport.c)"
		exit 77
	fi
	[ -x "$VMPORT" ] || vm_unavailable "$VMPORT is not built"
}

vm_fabric_cleanup() {
	local pid
	pid=$(vm_daemon_pid)
	[ -n "$pid" ] && vm_kill "$pid"
	"$SOFTHBACTL" --dir "$FCNVME_SHM_DIR" fabric destroy "$FABRIC" >/dev/null 2>&1
	[ -n "${VM_KEEP:-}" ] || rm -rf "$FCNVME_SHM_DIR"
}

# vm_fabric: a private software fabric in tmpfs (/dev/shm), as in
# production: a DMA window on a disk-backed file would be written back.
vm_fabric() {
	FCNVME_SHM_DIR=$(mktemp -d "/dev/shm/fcnvme-vm-$VM_NAME.XXXXXX")
	export FCNVME_SHM_DIR
	mkdir -p "$tmp/state"
	FABRIC=vm$$
	SOCK=$tmp/ctl.sock
	vm_cleanup_hook=vm_fabric_cleanup
	"$SOFTHBACTL" fabric create "$FABRIC" >/dev/null ||
		{ ko "cannot create fabric $FABRIC"; vm_finish; }
}

# vm_conf NAME: tests/vm/NAME.conf.in with @FABRIC@, @TMP@ and the names
# above filled in, as $tmp/NAME.conf; prints the path.
vm_conf() {
	sed -e "s|@FABRIC@|$FABRIC|g" -e "s|@TMP@|$tmp|g" -e "s|@SHM@|$FCNVME_SHM_DIR|g" -e "s|@T0WWNN@|$T0WWNN|g" \
		-e "s|@T0WWPN@|$T0WWPN|g" -e "s|@T1WWNN@|$T1WWNN|g" -e "s|@T1WWPN@|$T1WWPN|g" \
		-e "s|@GHOSTNQN@|$GHOSTNQN|g" -e "s|@OTHERNQN@|$OTHERNQN|g" \
		-e "s|@NQN_A@|$NQN_A|g" -e "s|@NQN_B@|$NQN_B|g" -e "s|@NQN_H@|$NQN_H|g" \
		"$VM_SRC/$1.conf.in" >"$tmp/$1.conf"
	echo "$tmp/$1.conf"
}

vm_daemon_ready() {
	grep -q ' ready (config' "$tmp/nvmetfcd.log" 2>/dev/null &&
		"$FCNVMECTL" -s "$SOCK" status >/dev/null 2>&1
}

# vm_start_daemon CONF: nvmetfcd in the foreground (log appended to
# $tmp/nvmetfcd.log), ready within 15 s. Its pid is in $tmp/daemon.pid (a
# host action may restart it from a subshell). Returns 1 if not ready.
vm_start_daemon() {
	"$NVMETFCD" -f -c "$1" -s "$SOCK" -S "$tmp/state" >>"$tmp/nvmetfcd.log" 2>&1 &
	echo $! >"$tmp/daemon.pid"
	echo "$1" >"$tmp/daemon.conf"
	if ! vm_wait_for 15 vm_daemon_ready; then
		ko "nvmetfcd did not become ready"
		sed 's/^/  nvmetfcd: /' "$tmp/nvmetfcd.log" | tail -n 20
		return 1
	fi
}

vm_daemon_pid() {
	cat "$tmp/daemon.pid" 2>/dev/null
}

# vm_stop_daemon: SIGTERM; nvmetfcd must exit 0 within 10 s (when it is our
# child; a restarted one is checked for being gone only).
vm_stop_daemon() {
	local rc i=0 pid
	pid=$(vm_daemon_pid)
	[ -n "$pid" ] || return 0
	rm -f "$tmp/daemon.pid"
	kill -TERM "$pid" 2>/dev/null
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		ko "nvmetfcd did not stop within 10 s of SIGTERM"
		return
	fi
	if wait "$pid" 2>/dev/null; then
		ok "nvmetfcd stopped on SIGTERM with exit 0"
	else
		rc=$?
		if [ $rc -eq 127 ]; then
			ok "nvmetfcd (restarted by the test) stopped on SIGTERM"
		else
			ko "nvmetfcd stopped on SIGTERM with exit $rc"
		fi
	fi
}

# vm_vmport NAME WWNN WWPN [HWQ [ARGS...]]: softhba-vmport serving a new
# guest port on $tmp/NAME.sock (log $tmp/NAME.log; more options in ARGS,
# e.g. --role target); appends to VM_QEMU_ARGS the ivshmem-doorbell device
# QEMU needs for it.
VM_QEMU_ARGS=()
vm_vmport() {
	local name=$1 wwnn=$2 wwpn=$3 hwq=${4:-2} pid
	shift $(($# < 4 ? $# : 4))
	"$VMPORT" --fabric "$FABRIC" --wwnn "$wwnn" --wwpn "$wwpn" --socket "$tmp/$name.sock" \
		--hw-queues "$hwq" "$@" >"$tmp/$name.log" 2>&1 &
	pid=$!
	vm_pids="$vm_pids $pid"
	echo "$pid" >"$tmp/$name.pid"
	if ! vm_wait_for 10 grep -q 'waiting for QEMU' "$tmp/$name.log"; then
		ko "softhba-vmport $name did not start"
		sed "s/^/  $name: /" "$tmp/$name.log"
		vm_finish
	fi
	VM_QEMU_ARGS+=(-chardev "socket,path=$tmp/$name.sock,id=$name"
		-device "ivshmem-doorbell,chardev=$name,vectors=$((1 + hwq))")
}

# vm_logs: the host side's logs, for a failed test.
# vm_oops: the console from the first oops or BUG line to the panic.
vm_oops() {
	sed -n '/Oops:\|BUG: /,/Kernel panic\|end trace/p' "$tmp/console.log" | head -n 80
}

# vm_known_oops: stdin (an oops) is the guest kernel's known admin-queue
# use-after-free: the fault in percpu_ref_kill_and_confirm, reached from
# nvme_remove_admin_tag_set.
vm_known_oops() {
	local o
	o=$(cat)
	grep -q 'RIP: 0010:percpu_ref_kill_and_confirm' <<<"$o" &&
		grep -q 'nvme_remove_admin_tag_set' <<<"$o"
}

vm_logs() {
	local f
	for f in "$tmp"/nvmetfcd.log "$tmp"/g*.log; do
		[ -f "$f" ] || continue
		echo "---- $(basename "$f") (last 25 lines)"
		tail -n 25 "$f"
	done
}
