#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# DH-HMAC-CHAP between nvmetfcd and Linux's own host (nvme connect
# --dhchap-secret / --dhchap-ctrl-secret). Debian 12's kernel is built
# without CONFIG_NVME_AUTH, so this test builds nvme-common, nvme-core (with
# auth.o), nvme-fabrics and nvme-fc out of tree from the guest kernel's own
# source (linux-source-6.1, the same Debian version as the headers) with
# CONFIG_NVME_AUTH, and the guest loads those instead of Debian's (all four
# from one build: CONFIG_NVME_AUTH changes struct nvme_ctrl). The kernel has
# no FFDHE groups either (CONFIG_CRYPTO_DH=y without
# CONFIG_CRYPTO_DH_RFC7919_GROUPS), so the same build makes a module,
# dh_rfc7919, of crypto/dh.c's RFC 7919 templates (ffdhe2048(dh) ...
# ffdhe8192(dh)) over the kernel's built-in "dh". Each hash and DH group is
# forced in turn by dhchap_hashes and dhchap_dhgroups, or by the host's own
# "hashes=" and "dhgroups=" in the keys file (config reload between
# phases). Keys come from nvme gen-dhchap-key; the daemon's keys file is
# 0600.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
VM_NAME=auth
. "$top_srcdir/tests/vm/lib.sh"

vm_require_bins
vm_setup
vm_prepare
vm_module

# vm_nvme_auth_build: the nvme host modules with CONFIG_NVME_AUTH and the
# RFC 7919 DH templates, built against linux-headers-$KVER from
# linux-source-6.1 (extracted: only drivers/nvme/host, drivers/nvme/common
# and crypto/dh*.c) in $VM_WORK/nvme-auth-$KVER. Sets NVA (the directory of
# the .ko files); build log in $NVA/build.log.
NVA=$VM_WORK/nvme-auth-$KVER
NVA_MODS="common/nvme-common.ko host/nvme-core.ko host/nvme-fabrics.ko host/nvme-fc.ko"
NVA_DH=crypto/dh_rfc7919.ko
vm_nvme_auth_build() {
	local src=/usr/src/linux-source-6.1.tar.xz hv sv s f
	hv=$(dpkg-query -W -f='${Version}' "linux-headers-$KVER" 2>/dev/null)
	sv=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null)
	if [ -z "$sv" ] || [ ! -f "$src" ]; then vm_install linux-source-6.1; fi
	sv=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null)
	[ -f "$src" ] || vm_unavailable "no $src (package linux-source-6.1)"
	[ "$hv" = "$sv" ] ||
		vm_unavailable "linux-source-6.1 $sv is not the guest kernel's version (linux-headers-$KVER $hv)"
	if [ -f "$NVA/.done" ] && [ "$(cat "$NVA/.done")" = "$sv" ] &&
	   [ "$NVA/.done" -nt "$0" ]; then
		return 0
	fi
	echo "vm: building nvme-core/-fabrics/-fc/-common with CONFIG_NVME_AUTH and dh_rfc7919 from linux-source-6.1 $sv"
	rm -rf "$NVA"
	mkdir -p "$NVA/host" "$NVA/common" "$NVA/crypto" "$NVA/src"
	tar -xJf "$src" -C "$NVA/src" linux-source-6.1/drivers/nvme/host \
		linux-source-6.1/drivers/nvme/common linux-source-6.1/crypto/dh.c \
		linux-source-6.1/crypto/dh_helper.c || return 1
	s=$NVA/src/linux-source-6.1/drivers/nvme
	# the objects of drivers/nvme/host/Makefile for Debian's .config
	# (NVME_MULTIPATH, BLK_DEV_ZONED, NVME_HWMON, TRACING =y;
	# NVME_VERBOSE_ERRORS, FAULT_INJECTION_DEBUG_FS off) plus auth.o
	for f in core ioctl trace multipath zns hwmon auth fabrics fc; do
		cp "$s/host/$f.c" "$NVA/host/" || return 1
	done
	cp "$s"/host/nvme.h "$s"/host/trace.h "$s"/host/fabrics.h "$s"/host/fc.h "$NVA/host/" &&
		cp "$s/common/auth.c" "$NVA/common/" || return 1
	# crypto/dh.c registers the "dh" algorithm and, with
	# CONFIG_CRYPTO_DH_RFC7919_GROUPS, the ffdheN templates over it. The
	# kernel already has "dh" built in: the module registers the templates
	# only (its dh_init and dh_exit lose their three calls on &dh; the
	# unused struct draws one -Wunused-variable). It carries its own copy
	# of dh_helper.c, whose __crypto_dh_decode_key the kernel does not
	# export, without the EXPORT_SYMBOL_GPL lines that the kernel's own copy
	# already provides.
	s=$NVA/src/linux-source-6.1/crypto
	[ "$(grep -c -F 'crypto_register_kpp(&dh);' "$s/dh.c")" = 1 ] &&
		[ "$(grep -c -F 'crypto_unregister_kpp(&dh);' "$s/dh.c")" = 2 ] || {
		echo "crypto/dh.c: not the dh_init/dh_exit this build expects" >"$NVA/build.log"
		return 1
	}
	sed -e 's/^\terr = crypto_register_kpp(&dh);$/\terr = 0;/' \
		-e '/^\t*crypto_unregister_kpp(&dh);$/d' "$s/dh.c" >"$NVA/crypto/dh.c" &&
		sed '/^EXPORT_SYMBOL_GPL(/d' "$s/dh_helper.c" >"$NVA/crypto/dh_helper.c" || return 1
	rm -rf "$NVA/src"
	echo 'obj-m += common/ host/ crypto/' >"$NVA/Kbuild"
	printf 'obj-m += nvme-common.o\nnvme-common-y := auth.o\n' >"$NVA/common/Kbuild"
	cat >"$NVA/host/Kbuild" <<-'EOF'
	ccflags-y += -I$(src) -DCONFIG_NVME_AUTH=1
	obj-m += nvme-core.o nvme-fabrics.o nvme-fc.o
	nvme-core-y := core.o ioctl.o trace.o multipath.o zns.o hwmon.o auth.o
	nvme-fabrics-y := fabrics.o
	nvme-fc-y := fc.o
	EOF
	cat >"$NVA/crypto/Kbuild" <<-'EOF'
	ccflags-y += -DCONFIG_CRYPTO_DH_RFC7919_GROUPS=1
	obj-m += dh_rfc7919.o
	dh_rfc7919-y := dh.o dh_helper.o
	EOF
	vm_kmake -C "/usr/src/linux-headers-$KVER" M="$NVA" modules >"$NVA/build.log" 2>&1 ||
		return 1
	for f in $NVA_MODS $NVA_DH; do
		[ -f "$NVA/$f" ] || return 1
	done
	echo "$sv" >"$NVA/.done"
}

t0=$(date +%s)
exec {nva_lock}>"$VM_WORK/.lock"
flock "$nva_lock"
if ! vm_nvme_auth_build; then
	ko "the nvme host modules with CONFIG_NVME_AUTH (or dh_rfc7919) do not build against linux-headers-$KVER"
	tail -n 30 "$NVA/build.log" 2>/dev/null | sed 's/^/  kbuild: /'
	vm_finish
fi
flock -u "$nva_lock"
exec {nva_lock}>&-
echo "vm: nvme auth modules ready in $(($(date +%s) - t0)) s"
# softhba.ko imports nvme_fc_register_localport & co. with Debian's CRCs:
# the rebuilt nvme-fc must export them unchanged
crc_of() { grep -P "\tnvme_fc_" "$1" | cut -f1,2 | sort; }
check "the rebuilt nvme-fc exports nvme_fc_* with Debian's CRCs (softhba.ko loads over it)" \
	test "$(crc_of "$NVA/Module.symvers")" = "$(crc_of "/usr/src/linux-headers-$KVER/Module.symvers")"

KEY256=$(nvme gen-dhchap-key --hmac=1 --nqn="$GHOSTNQN")
KEY384=$(nvme gen-dhchap-key --hmac=2 --nqn="$GHOSTNQN")
KEY512=$(nvme gen-dhchap-key --hmac=3 --nqn="$GHOSTNQN")
BADKEY=$(nvme gen-dhchap-key --hmac=1 --nqn="$GHOSTNQN")
CKEY=$(nvme gen-dhchap-key --hmac=2 --nqn="$NQN_A")
BADCKEY=$(nvme gen-dhchap-key --hmac=2 --nqn="$NQN_A")
for k in "$KEY256" "$KEY384" "$KEY512" "$BADKEY" "$CKEY" "$BADCKEY"; do
	case $k in DHHC-1:0[0-3]:*:) ;; *)
		ko "nvme gen-dhchap-key printed '$k'"
		vm_finish ;;
	esac
done

KEYS=$tmp/keys
# auth_conf HASH DHGROUP: the VM target with the keys file and HASH and
# DHGROUP as the one hash and the one DH group the controller accepts
auth_conf() {
	sed "s|^\tlog_level = \"info\";|&\n\tauth_keys_file = \"$KEYS\";\n\tdhchap_dhgroups = \"$2\";\n\tdhchap_hashes = \"$1\";|" \
		"$VM_SRC/target.conf.in" >"$VM_SRC_CONF"
}
# keys KEY [CKEY]: the guest's host NQN with KEY (and the controller key)
keys() {
	(umask 077 && echo "$GHOSTNQN $*" >"$KEYS.new") && mv "$KEYS.new" "$KEYS"
}

vm_fabric
VM_SRC_CONF=$tmp/target.conf.in
auth_conf sha256 null
keys "$KEY256"
CONF=$(VM_SRC=$tmp vm_conf target)
check "the daemon's keys file is mode 0600" test "$(stat -c %a "$KEYS")" = 600
vm_start_daemon "$CONF" || vm_finish
vm_vmport g1 "$G1WWNN" "$G1WWPN" 2

# phase HASH DHGROUP KEY [CKEY] [OPTIONS]: the keys file and the accepted
# hash and DH group for the next connect, then config reload
# daemon_log_has TEXT...: nvmetfcd's log has a line with TEXT (grep -F)
host_action() {
	case $1 in
	phase)
		auth_conf "$2" "$3" || return 1
		CONF=$(VM_SRC=$tmp vm_conf target)
		shift 3
		keys "$@" || return 1
		"$FCNVMECTL" -s "$SOCK" config reload
		;;
	daemon_log_has)
		shift
		grep -F -- "$*" "$tmp/nvmetfcd.log"
		;;
	*)
		echo "unknown action $1"
		return 1
		;;
	esac
}

# shellcheck disable=SC2086
vm_boot auth.sh $VM_NAMES NVA="$(vm_guest_path "$NVA")" NVA_MODS="$NVA_MODS" NVA_DH="$NVA_DH" \
	KEY256="$KEY256" KEY384="$KEY384" KEY512="$KEY512" BADKEY="$BADKEY" \
	CKEY="$CKEY" BADCKEY="$BADCKEY" -- "${VM_QEMU_ARGS[@]}" || vm_logs
check "nvmetfcd never logged a key" sh -c "! grep -q 'DHHC-1:' '$tmp/nvmetfcd.log'"
vm_stop_daemon
vm_finish
