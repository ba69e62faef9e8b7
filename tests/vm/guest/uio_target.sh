# SPDX-License-Identifier: Apache-2.0
# Guest of uio_target.sh: the ivshmem-doorbell function that carries a
# softhba-vmport target port, bound to uio_pci_generic, under the build's
# nvmetfcd as pci:BDF and as /dev/uioN.
. "$(dirname "$0")/lib.sh"

NVMETFCD=$top_builddir/daemon/nvmetfcd
WHY="is a softhba-vmport port (remote-driver region): this driver does not implement the mq/deq interface yet: Operation not supported"

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

check "modprobe uio_pci_generic" modprobe uio_pci_generic
echo 1af4 1110 >/sys/bus/pci/drivers/uio_pci_generic/new_id 2>/dev/null
bound() { [ "$(basename "$(readlink "/sys/bus/pci/devices/$bdf/driver")")" = uio_pci_generic ]; }
check "bound to uio_pci_generic" wait_for 5 bound
uio=
for u in /sys/class/uio/uio*; do
	[ "$(basename "$(readlink -f "$u/device")")" = "$bdf" ] && uio=${u##*/}
done
check "its uio device exists" test -n "$uio" -a -c "/dev/$uio"
for m in /sys/class/uio/"$uio"/maps/map*; do
	[ -d "$m" ] && echo "$uio ${m##*/}: size $(cat "$m/size") offset $(cat "$m/offset")"
done
check "uio_pci_generic shows no BAR2 in maps/ (why the mapper uses resourceN)" \
	sh -c "! grep -qx 0x0*$(printf '%x' "$bar2") /sys/class/uio/$uio/maps/*/size 2>/dev/null"

# run_daemon DEV: nvmetfcd on a port with dev = DEV; must refuse it with WHY
run_daemon() {
	local dev=$1 rc log=$VM_SHARE/out/nvmetfcd-${1//\//_}.log
	cat >/tmp/uio.conf <<EOC
daemon = { log_level = "info"; };
ports = ( { name = "u1"; dev = "$dev"; wwnn = "0x20000090fd0000d1"; wwpn = "$U1WWPN";
	    hw_queues = 1; poll = "hybrid"; } );
subsystems = ( { nqn = "nqn.2026-12.io.nvmetfcd:uio"; allow_any_host = true; ports = [ "u1" ];
		 namespaces = ( { nsid = 1; backend = "ram"; size = "16M"; } ); } );
EOC
	mkdir -p /tmp/state
	timeout 30 "$NVMETFCD" -f -c /tmp/uio.conf -s /tmp/uio.sock -S /tmp/state >"$log" 2>&1
	rc=$?
	check "nvmetfcd on $dev exits at once, failing (exit $rc)" test $rc -ne 0 -a $rc -ne 124
	check "nvmetfcd on $dev: BAR2 found and checked, refused for the mq/deq interface" \
		grep -qF "port u1: cannot open $dev: $dev $WHY" "$log"
	grep -v "^$" "$log" | tail -n 3 | sed 's/^/  nvmetfcd: /'
}
run_daemon "pci:$bdf"
[ -n "$uio" ] && run_daemon "/dev/$uio"
check "the port server is alive" host_do vmport-alive
guest_finish
