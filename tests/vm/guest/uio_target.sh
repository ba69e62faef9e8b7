# SPDX-License-Identifier: Apache-2.0
# Guest of uio_target.sh: the ivshmem-doorbell function that carries a
# softhba-vmport target port, bound to uio_pci_generic, driven by the
# build's nvmetfcd as /dev/uioN (the host discovers through it; the
# function is unbound under a verified load) and as
# pci:BDF (the host discovers and does verified I/O through it, the port
# is disabled and enabled through the port server, then the port server
# is killed under load).
. "$(dirname "$0")/lib.sh"

NVMETFCD=$top_builddir/daemon/nvmetfcd
FCNVMECTL=$top_builddir/tools/fcnvmectl

bdf=
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat "$d/vendor")" = 0x1af4 ] && [ "$(cat "$d/device")" = 0x1110 ]; then
		bdf=${d##*/}
	fi
done
check "an ivshmem function (1af4:1110) is present" test -n "$bdf"
[ -n "$bdf" ] || guest_finish
echo "ivshmem at $bdf; resource:"
head -n 3 "/sys/bus/pci/devices/$bdf/resource" | sed 's/^/  /'
read -r start end _ < <(sed -n 3p "/sys/bus/pci/devices/$bdf/resource")
bar2=$((end - start + 1))
check_eq "resource2 is BAR2's size" "$bar2" "$(stat -c %s "/sys/bus/pci/devices/$bdf/resource2")"
check_eq "resource0 is the 256-byte register BAR" 256 \
	"$(stat -c %s "/sys/bus/pci/devices/$bdf/resource0")"

check "modprobe uio_pci_generic" modprobe uio_pci_generic
echo 1af4 1110 >/sys/bus/pci/drivers/uio_pci_generic/new_id 2>/dev/null
bound() { [ "$(basename "$(readlink "/sys/bus/pci/devices/$bdf/driver")")" = uio_pci_generic ]; }
check "bound to uio_pci_generic" wait_for 5 bound
uio=
for u in /sys/class/uio/uio*; do
	[ "$(basename "$(readlink -f "$u/device")")" = "$bdf" ] && uio=${u##*/}
done
check "its uio device exists" test -n "$uio" -a -c "/dev/$uio"
check "uio_pci_generic shows no BAR2 in maps/ (why the mapper uses resourceN)" \
	sh -c "! grep -qx 0x0*$(printf '%x' "$bar2") /sys/class/uio/$uio/maps/*/size 2>/dev/null"

# conf DEV: nvmetfcd's configuration; small queues: the window is 64 MiB
conf() {
	cat >/tmp/uio.conf <<EOC
daemon = { log_level = "info"; };
ports = ( { name = "u1"; dev = "$1"; wwnn = "0x20000090fd0000d1"; wwpn = "$U1WWPN";
	    hw_queues = 1; poll = "hybrid"; mdts = "64K"; max_queue_size = 64; } );
subsystems = ( { nqn = "$NQN"; allow_any_host = true; ports = [ "u1" ];
		 namespaces = ( { nsid = 1; backend = "ram"; size = "16M"; } ); } );
EOC
}
mkdir -p /tmp/state

# first as /dev/uioN: up, discovered from the host, stopped (DRV_DOWN)
if [ -n "$uio" ]; then
	log=$VM_SHARE/out/nvmetfcd-uio.log
	conf "/dev/$uio"
	"$NVMETFCD" -f -c /tmp/uio.conf -s /tmp/uio.sock -S /tmp/state >"$log" 2>&1 &
	dpid=$!
	check "nvmetfcd on /dev/$uio starts" wait_for 60 grep -q "ready" "$log"
	out=$(host_do -t 120 discover)
	check "host: discover through /dev/$uio" \
		sh -c "echo '$out' | grep -q 'subnqn:  $NQN'"
	# unbinding uio_pci_generic under a verified load: the driver goes,
	# /dev/$uio with it, but the BAR mappings of resourceN do not (they
	# are the PCI core's, not the driver's), and the port server is alive:
	# it is not a link loss, and the host's I/O goes on without an error
	host_do -t 120 verify 8 >/tmp/unbind-verify.out 2>&1 &
	hp=$!
	sleep 3
	echo "$bdf" >/sys/bus/pci/drivers/uio_pci_generic/unbind
	check "unbind: the function has no driver" sh -c "! bound"
	check "unbind: /dev/$uio is gone" test ! -e "/dev/$uio"
	wait "$hp"
	rc=$?
	sed 's/^/  unbind verify: /' /tmp/unbind-verify.out
	check "unbind under a verified load: the host's I/O had no error (rc $rc)" test $rc = 0
	check "unbind: nvmetfcd still runs" kill -0 "$dpid"
	check "unbind: nvmetfcd saw no link loss" sh -c "! grep -q 'link down' '$log'"
	kill -TERM "$dpid"
	wait "$dpid"
	check "nvmetfcd on /dev/$uio stops with status 0" test $? = 0
	echo "$bdf" >/sys/bus/pci/drivers/uio_pci_generic/bind
	check "bound to uio_pci_generic again" wait_for 5 bound
fi

# then as pci:BDF: discovery, verified I/O, the port server's end
log=$VM_SHARE/out/nvmetfcd.log
conf "pci:$bdf"
"$NVMETFCD" -f -c /tmp/uio.conf -s /tmp/uio.sock -S /tmp/state >"$log" 2>&1 &
dpid=$!
check "nvmetfcd on pci:$bdf starts" wait_for 60 grep -q "ready" "$log"
check "nvmetfcd: the port is online" grep -q "port u1: pci:$bdf online" "$log"
out=$(host_do -t 120 discover)
rc=$?
echo "$out" | sed 's/^/  discover: /'
check "host: discover through the guest's port (rc $rc)" test $rc = 0
check "host: the subsystem at the guest port's WWPN" \
	sh -c "echo '$out' | grep -q 'subnqn:  $NQN' && echo '$out' | grep -q 'traddr:  nn-0x20000090fd0000d1:pn-$U1WWPN'"
out=$(host_do -t 300 io)
rc=$?
echo "$out" | sed 's/^/  io: /'
check "host: seeded write and read back byte for byte (rc $rc)" test $rc = 0
check "nvmetfcd: the host logged in" grep -q "remote port 0x10000090fb0000e1 .* logged in" "$log"
out=$(host_do -t 300 verify)
rc=$?
echo "$out" | sed 's/^/  verify: /'
check "host: fcnvme perf --verify through the guest's port: no error (rc $rc)" test $rc = 0
out=$(host_do -t 300 fio)
rc=$?
echo "$out" | sed 's/^/  fio: /'
check "host: fio with crc32c verify on the namespace (fcnvme mount) through the guest's port (rc $rc)" \
	test $rc = 0
# port disable and enable: the port server on the host owns the link; the
# guest's nvmetfcd asks it through the port's mq, the host loses the port
# and finds it again
# more_in_log TEXT N: nvmetfcd's log has more than N lines with TEXT
more_in_log() { [ "$(grep -c "$1" "$log")" -gt "$2" ]; }
ndown=$(grep -c "port u1: link down" "$log")
check "fcnvmectl port disable u1" "$FCNVMECTL" -s /tmp/uio.sock port disable u1
check "disable: nvmetfcd sees the link go down" \
	wait_for 30 more_in_log "port u1: link down" "$ndown"
out=$(host_do -t 120 discover)
rc=$?
echo "$out" | head -n 2 | sed 's/^/  discover: /'
check "disable: the host cannot reach the port (rc $rc)" test $rc != 0
nup=$(grep -c "port u1: link up" "$log")
check "fcnvmectl port enable u1" "$FCNVMECTL" -s /tmp/uio.sock port enable u1
check "enable: nvmetfcd sees the link come up" wait_for 30 more_in_log "port u1: link up" "$nup"
out=$(host_do -t 300 io)
rc=$?
echo "$out" | sed 's/^/  io: /'
check "enable: the host writes and reads back byte for byte again (rc $rc)" test $rc = 0
ndown=$(grep -c "port u1: link down" "$log")
out=$(host_do -t 300 load-kill-vmport)
rc=$?
echo "$out" | sed 's/^/  load: /'
check "host: the port server was killed under a verified load (rc $rc)" test $rc = 0
check "port server stopped: nvmetfcd sees the link go" \
	wait_for 30 more_in_log "port u1: link down" "$ndown"
check "nvmetfcd still runs" kill -0 "$dpid"
check "fcnvmectl status answers" "$FCNVMECTL" -s /tmp/uio.sock status
kill -TERM "$dpid"
wait "$dpid"
check "nvmetfcd stops with status 0" test $? = 0
grep -v "^$" "$log" | tail -n 8 | sed 's/^/  nvmetfcd: /'
guest_finish
