#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The shipped unit lets the documented workflows work (tests/unit_sandbox.sh
# judges paths against the unit's sandbox without systemd): the shipped
# configurations, config save into /etc/nvmetfcd, backing files under
# /var/lib/nvmetfcd, the usual disk classes; what it does not allow is
# named exactly, and the README's drop-ins (and systemd/rbd.conf for Ceph)
# allow it.
set -u
: "${top_builddir:?}" "${top_srcdir:?}"
daemon=$top_builddir/daemon/nvmetfcd
unit=$top_builddir/systemd/nvmetfcd.service
check=$top_srcdir/tests/unit_sandbox.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

# conf with one file namespace per argument ("PATH" or "ro:PATH")
mkconf() {
	out=$1
	shift
	{
		echo 'subsystems = ( { nqn = "nqn.2026-11.io.x:a"; namespaces = ('
		sep=
		for p in "$@"; do
			ro=false
			case $p in ro:*) ro=true p=${p#ro:} ;; esac
			printf '%s { backend = "file"; path = "%s"; read_only = %s; }\n' "$sep" "$p" "$ro"
			sep=,
		done
		echo '); } );'
	} >"$out"
}
expect_ok() {	# name conf [dropin...]
	n=$1
	shift
	if sh "$check" "$daemon" "$unit" "$@" >"$tmp/out" 2>&1; then ok; else ko "$n: $(cat "$tmp/out")"; fi
}
expect_ko() {	# name "expected output" conf [dropin...]
	n=$1 want=$2
	shift 2
	sh "$check" "$daemon" "$unit" "$@" >"$tmp/out" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && [ "$(cat "$tmp/out")" = "$want" ]; then ok; else
		ko "$n: exit $rc, got '$(cat "$tmp/out")', want '$want'"; fi
}

for f in "$top_srcdir"/conf/*.conf; do expect_ok "$(basename "$f")" "$f"; done

# backing files: the state directory works, other places need a drop-in
mkconf "$tmp/state.conf" /var/lib/nvmetfcd/ns1.img /var/lib/nvmetfcd/images/ns2.img
expect_ok state-dir "$tmp/state.conf"
mkconf "$tmp/srv.conf" /srv/nvme/ns1.img ro:/srv/ro/ns2.img
expect_ko srv "/srv/nvme/ns1.img: read-only (ProtectSystem=strict): put it under /var/lib/nvmetfcd or add its directory to ReadWritePaths=" "$tmp/srv.conf"
printf '[Service]\nReadWritePaths=/srv/nvme\n' >"$tmp/paths.conf"
expect_ok srv-dropin "$tmp/srv.conf" "$tmp/paths.conf"
mkconf "$tmp/tmp.conf" /tmp/ns1.img /home/lab/ns2.img
expect_ko private "/tmp/ns1.img: the unit has its own /tmp and /var/tmp (PrivateTmp=yes)
/home/lab/ns2.img: hidden by ProtectHome=" "$tmp/tmp.conf"

# disks: the usual classes work, others need a drop-in
mkconf "$tmp/disks.conf" /dev/sdb /dev/nvme0n1 /dev/vdc /dev/mapper/vg-nvme /dev/md0 /dev/loop7
expect_ok disks "$tmp/disks.conf"
mkconf "$tmp/nbd.conf" /dev/nbd0
expect_ko nbd "/dev/nbd0: device class block-nbd is not in DeviceAllow= (add DeviceAllow=block-nbd rw)" "$tmp/nbd.conf"
printf '[Service]\nDeviceAllow=block-nbd rw\n' >"$tmp/nbd-dropin.conf"
expect_ok nbd-dropin "$tmp/nbd.conf" "$tmp/nbd-dropin.conf"

# rbd namespaces need the network the unit takes away; the shipped
# drop-in systemd/rbd.conf gives it back
printf 'subsystems = ( { nqn = "nqn.2026-11.io.x:a"; namespaces = ( { backend = "rbd"; pool = "rbd"; image = "img1"; } ); } );\n' >"$tmp/rbd.conf"
expect_ko rbd "rbd/cluster: PrivateNetwork=yes leaves no network to reach Ceph (install the drop-in systemd/rbd.conf)
rbd/cluster: RestrictAddressFamilies= does not allow AF_INET (install the drop-in systemd/rbd.conf)
rbd/cluster: RestrictAddressFamilies= does not allow AF_INET6 (install the drop-in systemd/rbd.conf)" "$tmp/rbd.conf"
expect_ok rbd-dropin "$tmp/rbd.conf" "$top_srcdir/systemd/rbd.conf"
printf 'cluster = { node = "a"; node_id = 1; pool = "rbd"; };\n' >"$tmp/cluster.conf"
expect_ko cluster "rbd/cluster: PrivateNetwork=yes leaves no network to reach Ceph (install the drop-in systemd/rbd.conf)
rbd/cluster: RestrictAddressFamilies= does not allow AF_INET (install the drop-in systemd/rbd.conf)
rbd/cluster: RestrictAddressFamilies= does not allow AF_INET6 (install the drop-in systemd/rbd.conf)" "$tmp/cluster.conf"
expect_ok cluster-dropin "$tmp/cluster.conf" "$top_srcdir/systemd/rbd.conf"
# only half of the drop-in: still no network
printf '[Service]\nRestrictAddressFamilies=AF_INET AF_INET6\n' >"$tmp/inet.conf"
expect_ko rbd-inet-only "rbd/cluster: PrivateNetwork=yes leaves no network to reach Ceph (install the drop-in systemd/rbd.conf)" "$tmp/rbd.conf" "$tmp/inet.conf"

# a drop-in that empties ReadWritePaths= takes config save away again
printf '[Service]\nReadWritePaths=\n' >"$tmp/reset.conf"
expect_ko reset "/etc/nvmetfcd: read-only (ProtectSystem=strict): fcnvmectl config save cannot write the configuration" "$tmp/state.conf" "$tmp/reset.conf"

echo "unit sandbox: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
