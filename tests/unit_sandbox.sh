#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# What the daemon may reach under its systemd unit, checked without systemd
# (it is not PID 1 on every machine that builds this): the unit and its
# drop-ins are read the way systemd merges them, and every path a
# configuration uses is judged against the sandbox they describe.
#
#   unit_sandbox.sh NVMETFCD UNIT CONF [DROPIN...]
#
# NVMETFCD is the daemon (its -n prints CONF normalised). Checked: the
# configuration directory is writable (fcnvmectl config save writes there);
# the runtime directory lets the socket group reach the socket; soft-HBA
# fabric directories are writable; each file namespace's backing file is
# writable (readable when read_only), not behind ProtectHome= or a private
# /tmp; each block device or uio device is allowed by DeviceAllow= in its
# class (from /proc/devices, or from the usual device names when it does
# not exist here); rbd namespaces and a cluster (librbd/librados speak TCP)
# have a network: PrivateNetwork= off and AF_INET/AF_INET6 allowed, as the
# shipped drop-in systemd/rbd.conf does. Prints one line per problem and
# exits 1 if there is any.
set -u
[ $# -ge 3 ] || { echo "usage: unit_sandbox.sh NVMETFCD UNIT CONF [DROPIN...]" >&2; exit 2; }
daemon=$1 unit=$2 conf=$3
shift 3

# The [Service] settings of the unit then the drop-ins: list settings
# accumulate and an empty assignment resets them, others: the last wins.
settings=$(awk '
	FNR == 1 { sec = "" }
	/^[ \t]*\[/ { sec = $0; next }
	sec != "[Service]" || /^[ \t]*[#;]/ || !/=/ { next }
	{
		k = $0; sub(/=.*/, "", k); v = $0; sub(/^[^=]*=/, "", v)
		if (k ~ /^(ReadWritePaths|ReadOnlyPaths|InaccessiblePaths|DeviceAllow|RestrictAddressFamilies)$/) {
			if (v == "") list[k] = ""
			else list[k] = list[k] (list[k] == "" ? "" : "\n") v
		} else
			one[k] = v
	}
	END {
		for (k in one) print k "=" one[k]
		for (k in list) {
			n = split(list[k], a, "\n")
			for (i = 1; i <= n; i++) print k "=" a[i]
		}
	}' "$unit" "$@")
get() { printf '%s\n' "$settings" | sed -n "s/^$1=//p" | tail -n 1; }
getall() { printf '%s\n' "$settings" | sed -n "s/^$1=//p"; }

# Writable trees: ReadWritePaths= (each entry may hold several paths) and
# the directories systemd makes for the unit.
writable=$(getall ReadWritePaths | tr ' ' '\n' | sed -e 's/^[-+]*//' -e '/^$/d')
for d in $(get StateDirectory); do writable="$writable
/var/lib/$d"; done
for d in $(get RuntimeDirectory); do writable="$writable
/run/$d"; done
for d in $(get CacheDirectory); do writable="$writable
/var/cache/$d"; done
for d in $(get LogsDirectory); do writable="$writable
/var/log/$d"; done
protect=$(get ProtectSystem)
confdir=/etc/$(get ConfigurationDirectory)

problems=0
problem() { echo "$*"; problems=$((problems + 1)); }

under() {	# under PATH TREE...: PATH is TREE or below one of them
	p=$1
	shift
	for t in "$@"; do
		t=${t%/}
		case $p in "$t" | "$t"/*) return 0 ;; esac
	done
	return 1
}
in_writable() {	# PATH is at or below a ReadWritePaths= tree or unit directory
	printf '%s\n' "$writable" | while read -r t; do
		[ -n "$t" ] || continue
		t=${t%/}
		case $1 in "$t" | "$t"/*) echo yes ;; esac
	done | grep -q yes
}
is_writable() {
	# ProtectSystem= leaves the API file systems alone
	under "$1" /dev /proc /sys && return 0
	case $protect in
	strict) in_writable "$1" ;;
	full) ! under "$1" /usr /boot /efi /etc || in_writable "$1" ;;
	yes | true) ! under "$1" /usr /boot /efi || in_writable "$1" ;;
	*) return 0 ;;
	esac
}
hidden() {	# why PATH is not the host's file, or nothing
	case $(get ProtectHome) in
	yes | true | tmpfs) under "$1" /home /root /run/user && { echo "hidden by ProtectHome="; return; } ;;
	esac
	case $(get PrivateTmp) in
	yes | true) under "$1" /tmp /var/tmp && { echo "the unit has its own /tmp and /var/tmp (PrivateTmp=yes)"; return; } ;;
	esac
}
dev_class() {	# block-NAME or char-NAME of a device path
	if [ -b "$1" ] || [ -c "$1" ]; then
		set -- "$1" "$(stat -L -c '%t' "$1")" "$([ -b "$1" ] && echo block || echo char)"
		maj=$(printf '%d' "0x$2")
		name=$(awk -v kind="$3" -v m="$maj" '
			/^Character/ { k = "char" } /^Block/ { k = "block" }
			k == kind && $1 == m { print $2; exit }' /proc/devices)
		echo "$3-$name"
		return
	fi
	case ${1#/dev/} in
	sd*) echo block-sd ;;
	nvme*) echo block-blkext ;;
	vd*) echo block-virtblk ;;
	dm-* | mapper/*) echo block-device-mapper ;;
	md*) echo block-md ;;
	loop*) echo block-loop ;;
	nbd*) echo block-nbd ;;
	uio*) echo char-uio ;;
	*) echo "unknown" ;;
	esac
}
dev_allowed() {	# dev_allowed PATH CLASS rw|r
	[ "$(get DevicePolicy)" = closed ] || [ "$(get DevicePolicy)" = strict ] || return 0
	getall DeviceAllow | while read -r what mode; do
		[ "$what" = "$1" ] || [ "$what" = "$2" ] || continue
		case $3 in rw) case $mode in *w*) echo yes ;; esac ;; *) echo yes ;; esac
	done | grep -q yes
}

# The configuration directory: config save writes a temporary file there
# and renames it over the configuration.
is_writable "$confdir" ||
	problem "$confdir: read-only (ProtectSystem=$protect): fcnvmectl config save cannot write the configuration"
# The socket group must be able to reach the socket in the runtime directory.
mode=$(get RuntimeDirectoryMode)
[ -z "$mode" ] || [ $((0$mode & 1)) -eq 1 ] ||
	problem "/run/$(get RuntimeDirectory): mode $mode: members of socket_group cannot reach the control socket"

norm=$("$daemon" -n -v -c "$conf" 2>/dev/null) || { echo "$conf: nvmetfcd -n failed"; exit 1; }
uses=$(printf '%s\n' "$norm" | awk '
	/^ports = / { sec = "p" } /^subsystems = / { sec = "s" }
	/^[ \t]*\{/ { path = ""; ro = "false"; dev = ""; shm = "" }
	/^[ \t]*dev = / { dev = $3 }
	/^[ \t]*shm_dir = / { shm = $3 }
	/^[ \t]*path = / { path = $0; sub(/^[^"]*"/, "", path); sub(/";$/, "", path) }
	/^[ \t]*read_only = / { ro = $3 }
	/^[ \t]*\}/ {
		gsub(/[";]/, "", dev); gsub(/[";]/, "", shm); gsub(/;/, "", ro)
		if (sec == "s" && path != "") print "ns " (ro == "true" ? "r" : "rw") " " path
		if (sec == "p" && dev ~ /^soft:/) print "shm rw " (shm != "" ? shm : "/dev/shm/fcnvme")
		if (sec == "p" && dev ~ /^\/dev\//) print "dev rw " dev
		path = ""; dev = ""; shm = ""
	}')
# Ceph: librbd and librados need TCP.
if printf '%s\n' "$norm" | grep -q -E '^(cluster = |[[:space:]]*backend = "rbd";)'; then
	case $(get PrivateNetwork) in
	yes | true | on | 1) problem "rbd/cluster: PrivateNetwork=yes leaves no network to reach Ceph (install the drop-in systemd/rbd.conf)" ;;
	esac
	# An allow list (entries without ~) must name the family; with only
	# deny lists (~...), none of them may.
	allow=$(getall RestrictAddressFamilies | grep -v '^~' | tr ' ' '\n' | sed '/^$/d')
	deny=$(getall RestrictAddressFamilies | sed -n 's/^~//p' | tr ' ' '\n' | sed '/^$/d')
	for af in AF_INET AF_INET6; do
		if [ -n "$allow" ]; then
			printf '%s\n' "$allow" | grep -qx "$af" || af_ok=no
		else
			printf '%s\n' "$deny" | grep -qx "$af" && af_ok=no
		fi
		[ "${af_ok:-yes}" = yes ] ||
			problem "rbd/cluster: RestrictAddressFamilies= does not allow $af (install the drop-in systemd/rbd.conf)"
		af_ok=yes
	done
fi
checked=0
while read -r kind access p; do
	[ -n "$kind" ] || continue
	checked=$((checked + 1))
	why=$(hidden "$p")
	if [ -n "$why" ]; then
		problem "$p: $why"
		continue
	fi
	case $kind:$p in
	dev:* | ns:/dev/*)
		class=$(dev_class "$p")
		dev_allowed "$p" "$class" "$access" ||
			problem "$p: device class $class is not in DeviceAllow= (add DeviceAllow=$class $access)" ;;
	ns:*)
		[ "$access" = r ] && continue
		is_writable "$p" ||
			problem "$p: read-only (ProtectSystem=$protect): put it under /var/lib/$(get StateDirectory) or add its directory to ReadWritePaths=" ;;
	*)
		is_writable "$p" || problem "$p: not writable (add it to ReadWritePaths=)" ;;
	esac
done <<EOF
$uses
EOF
[ "$problems" -eq 0 ] || exit 1
echo "unit sandbox: $confdir and $checked path(s) of $conf reachable"
