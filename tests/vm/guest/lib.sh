# SPDX-License-Identifier: Apache-2.0
# Guest side of the VM tests (sourced by tests/vm/guest/*.sh, which run as
# root in the guest, chrooted into the host's root, read-only). The test's
# read-write share is $VM_SHARE (/run/vmtest); results are the ok:/FAIL:
# lines on stdout, which the host counts.
#
#   host_do ACTION...   ask the host to act (kill nvmetfcd, fcnvmectl ...)
#                       and wait for its answer: prints the host's output,
#                       returns its exit status
#   softhba_load        load nvme-fc and the softhba module, wait for ports
#   dmesg_clean         no nvme/nvme-fc/softhba warning, error or taint
#                       beyond the unsigned out-of-tree module's

set -u
: "${VM_SHARE:?}" "${SOFTHBA_KO?}"

g_pass=0
g_fail=0

# The build's programs (libtool wrappers) find their shared libraries by the
# host's absolute paths; a build under the host's /tmp is at /run/host-tmp
# here (tests/vm/lib.sh vm_guest_path). The wrappers prepend their paths to
# LD_LIBRARY_PATH, so the guest's view of every .libs directory after them
# finds the libraries either way.
if [ -n "${top_builddir:-}" ] && [ -d "$top_builddir" ]; then
	LD_LIBRARY_PATH=$(find "$top_builddir" -name .libs -type d -not -path '*/vm-work/*' 2>/dev/null |
		tr '\n' ':')${LD_LIBRARY_PATH:-}
	export LD_LIBRARY_PATH
fi

ok() {
	g_pass=$((g_pass + 1))
	echo "ok: $*"
}
ko() {
	g_fail=$((g_fail + 1))
	echo "FAIL: $*"
}
check() {
	local d=$1
	shift
	if "$@"; then ok "$d"; else ko "$d"; fi
}
# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1 ($3)"
	else
		ko "$1: expected '$2', got '$3'"
	fi
}

uptime_s() { cut -d' ' -f1 /proc/uptime; }

guest_finish() {
	echo "guest $VM_NAME: $g_pass passed, $g_fail failed (uptime $(uptime_s) s)"
	[ "$g_fail" -eq 0 ]
	exit $?
}

# host_do [-t SECS] ACTION...: the host runs ACTION (see the test's
# host_action) while the guest waits, at most SECS (default 60) seconds.
host_do() {
	local t=60 n i
	if [ "$1" = -t ]; then
		t=$2
		shift 2
	fi
	# unique also in subshells ($(host_do ...)): time and process id
	n=$(date +%s%N).$BASHPID
	echo "$*" >"$VM_SHARE/req/$n.tmp"
	mv "$VM_SHARE/req/$n.tmp" "$VM_SHARE/req/$n"
	i=0
	while [ ! -f "$VM_SHARE/ack/$n" ]; do
		if [ $i -ge $((t * 10)) ]; then
			echo "host_do $*: no answer within $t s" >&2
			return 124
		fi
		sleep 0.1
		i=$((i + 1))
	done
	cat "$VM_SHARE/ack/$n.out"
	return "$(cat "$VM_SHARE/ack/$n")"
}

# wait_for SECS CMD...: poll CMD every 0.2 s until it succeeds, for SECS
# of wall-clock time (at least once).
wait_for() {
	local end=$(($(date +%s%3N) + $1 * 1000))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(date +%s%3N)" -lt "$end" ] || return 1
		sleep 0.2
	done
}

softhba_bound() {
	ls /sys/bus/pci/drivers/softhba/ 2>/dev/null | grep -q '^0000:'
}

# softhba_load: nvme-fc, then our module; it must bind to the ivshmem
# device(s) and say so.
softhba_load() {
	modprobe nvme-fc || {
		ko "modprobe nvme-fc"
		return 1
	}
	if ! insmod "$SOFTHBA_KO" ${SOFTHBA_PARAMS:-}; then
		ko "insmod softhba.ko"
		return 1
	fi
	if wait_for 10 softhba_bound; then
		ok "softhba bound to $(ls /sys/bus/pci/drivers/softhba/ | grep -c '^0000:') ivshmem device(s)"
	else
		ko "softhba did not bind to an ivshmem device"
		dmesg | tail -n 20
		return 1
	fi
}

# The kernel log of the test starts at this marker (the platform's own boot
# messages under TCG, such as the PIT calibration, are not the test's).
echo "<6>vmtest: $VM_NAME starts" >/dev/kmsg

# dmesg_clean: nothing the kernel logged since the test started is a warning
# or an error (nvme, nvme-fc, softhba or anything they set off), nothing
# since boot is a WARNING/BUG, and the kernel is tainted only by our
# unsigned out-of-tree module (taint flags O and E: 4096 + 8192).
# Known bugs of the guest kernel itself, independent of softhba and
# nvmetfcd: a WARNING block (from "cut here" to "end trace") whose WARNING
# line matches is reported and not counted, and the W taint (512) it sets
# is allowed. Debian's 6.1.0-57 (6.1.192) warns once per boot in
# blk_mq_release when nvme_free_ctrl drops a controller's queues (also with
# Linux's own fcloop and nvmet-fc; see docs/linux-host.md).
KNOWN_KERNEL_WARN='WARNING: CPU: [0-9]+ PID: [0-9]+ at block/blk-mq\.c:4131 blk_mq_release'

# drop_known_warn: stdin minus the kernel log blocks of known kernel bugs.
drop_known_warn() {
	awk -v known="$KNOWN_KERNEL_WARN" '
		/------------\[ cut here \]------------/ { inblk = 1; n = 0; isknown = 0 }
		inblk { buf[n++] = $0; if ($0 ~ known) isknown = 1
			if ($0 ~ /---\[ end trace/) { if (!isknown) for (i = 0; i < n; i++) print buf[i]
				inblk = 0 }
			next }
		{ print }
		END { if (inblk && !isknown) for (i = 0; i < n; i++) print buf[i] }'
}

# Timing notices of an emulated (TCG) machine, not of the code under test.
# "long keepalive RTT" (nvme_keep_alive_end_io, drivers/nvme/host/core.c)
# is a warning-level notice of a keep-alive whose round trip took longer
# than the keep-alive period (the next one is sent at once), seen under TCG
# when the host machine was busy; a keep-alive that never came back is an
# error of its own ("keep alive timed out") and still counts. The kernel's
# clocksource watchdog (kernel/time/clocksource.c, arch/x86/kernel/tsc.c)
# gives up on the TSC of a TCG guest whose host is busy: "TSC found
# unstable after boot ..." and "clocksource: Not enough CPUs to check
# clocksource 'tsc'." (one vCPU), seen in a CI run at load 10.
PLATFORM_NOISE='hrtimer: interrupt took [0-9]+ ns|clocksource: .*(unstable|skew|Long readout interval|Not enough CPUs to check)|tsc: .*(unstable|calibrat)|TSC found unstable after boot|nvme nvme[0-9]+: long keepalive RTT \([0-9]+ ms\)'

# A test that provokes errors on purpose lists them in DMESG_EXPECT (an
# extended regular expression); those lines are not counted.
dmesg_clean() {
	local bad taint known allowed
	bad=$(dmesg --level=emerg,alert,crit,err,warn 2>/dev/null | drop_known_warn |
		grep -v -e 'loading out-of-tree module taints kernel' \
			-e 'module verification failed: signature and/or required key missing' |
		grep -v -E "$PLATFORM_NOISE" | grep -v -E "${DMESG_EXPECT:-^\$}")
	if [ -n "$bad" ]; then
		bad=$(dmesg 2>/dev/null | sed -n "/vmtest: $VM_NAME starts/,\$p" |
			grep -F -x -f <(echo "$bad"))
	fi
	if [ -z "$bad" ]; then
		ok "dmesg: no warning or error (levels emerg..warn) since the test started"
	else
		ko "dmesg has warnings or errors:"
		echo "$bad" | head -n 30 | sed 's/^/  dmesg: /'
	fi
	known=$(dmesg | grep -c -E "$KNOWN_KERNEL_WARN")
	if [ "$known" -gt 0 ]; then
		echo "note: the guest kernel's known WARNING in blk_mq_release (not softhba, not nvmetfcd) occurred $known time(s)"
	fi
	if dmesg | drop_known_warn | grep -q -e 'WARNING:' -e 'BUG:' -e 'Call Trace:'; then
		ko "dmesg has a kernel WARNING/BUG with a call trace"
		dmesg | drop_known_warn | grep -B2 -A20 -e 'WARNING:' -e 'BUG:' | head -n 50 |
			sed 's/^/  dmesg: /'
	else
		ok "dmesg: no WARNING, BUG or call trace (but the kernel's known one)"
	fi
	# The checks above read the kernel log since boot; a wrapped log
	# would hide what set a taint (tests/vm/lib.sh sets log_buf_len).
	if dmesg | head -n 1 | grep -q 'Linux version'; then
		ok "dmesg: the kernel log still holds the whole boot"
	else
		ko "dmesg: the kernel log wrapped (its first line: $(dmesg | head -n 1))"
	fi
	taint=$(cat /proc/sys/kernel/tainted)
	allowed=" 0 4096 12288 "
	[ "$known" -gt 0 ] && allowed="$allowed 512 4608 12800 "
	case $allowed in
	*" $taint "*) ok "kernel taint $taint (the out-of-tree unsigned module, the known WARNING)" ;;
	*) ko "kernel taint $taint: more than the out-of-tree module (O=4096, E=8192) and the known WARNING (W=512)" ;;
	esac
}

# softhba_state: the driver's view (debugfs), for a failure's context.
softhba_state() {
	local f
	for f in /sys/kernel/debug/softhba/*/state; do
		[ -f "$f" ] && sed "s|^|  softhba $(basename "$(dirname "$f")"): |" "$f"
	done
}

# dmesg_mark NAME: a marker in the kernel log; dmesg_since NAME: the kernel
# log from that marker on (dmesg -C would also drop the test's start marker
# that dmesg_clean needs).
dmesg_mark() { echo "<6>vmtest-$VM_NAME: $1" >/dev/kmsg; }
dmesg_since() { dmesg | sed -n "/vmtest-$VM_NAME: $1\$/,\$p"; }

# dmesg_has TEXT: the kernel log has a line containing TEXT.
dmesg_has() {
	dmesg | grep -q -F -- "$1"
}

# dmesg_save NAME: the whole kernel log into the share, for the report.
dmesg_save() {
	dmesg >"$VM_SHARE/out/${1:-dmesg}.txt" 2>&1
}

# fio_stop_check PID FILE DESCRIPTION: stop the time-based fio PID (output
# in FILE) with SIGINT; ok when it ended (exit 0, or 128 with "terminating
# on signal 2") with no I/O error and no verify failure, else ko with its
# last lines.
fio_stop_check() {
	local rc
	kill -INT "$1"
	wait "$1"
	rc=$?
	grep -E 'IOPS=|err=' "$2" | sed 's/^/  fio: /'
	if { [ $rc -eq 0 ] || { [ $rc -eq 128 ] && grep -q 'terminating on signal 2' "$2"; }; } &&
	   grep -q 'err= 0' "$2" && ! grep -q 'err= *[1-9]' "$2" &&
	   ! grep -qi 'verify.*\(fail\|bad\|mismatch\)\|crc32c: wanted' "$2"; then
		ok "$3"
	else
		ko "$3: fio exit $rc"
		tail -n 30 "$2" | sed 's/^/  fio: /'
	fi
}

# Transport addresses of the test's ports.
tgt_traddr() { # tgt_traddr WWNN WWPN
	printf 'nn-%s:pn-%s' "$1" "$2"
}
T0ADDR=$(tgt_traddr "${T0WWNN:-0}" "${T0WWPN:-0}")
T1ADDR=$(tgt_traddr "${T1WWNN:-0}" "${T1WWPN:-0}")
G1ADDR=$(tgt_traddr "${G1WWNN:-0}" "${G1WWPN:-0}")

# ctrl_via NQN TRADDR: the controller (nvmeN) of NQN through that target
# port, whatever its state.
ctrl_via() {
	local c
	for c in /sys/class/nvme/nvme*; do
		[ -f "$c/subsysnqn" ] || continue
		[ "$(cat "$c/subsysnqn")" = "$1" ] || continue
		case $(cat "$c/address" 2>/dev/null) in
		*"traddr=$2,"*) basename "$c"; return 0 ;;
		esac
	done
	return 1
}

# ctrl_state CTRL / path_ana CTRL: the controller's state, and the ANA
# state of its path to namespace 1.
ctrl_state() { cat "/sys/class/nvme/$1/state" 2>/dev/null; }
path_ana() { cat /sys/class/nvme/"$1"/nvme*c*n1/ana_state 2>/dev/null; }
# is CMD OUTPUT: wait_for helper, true when CMD prints exactly OUTPUT.
is() {
	[ "$("$1" "$2")" = "$3" ]
}

# secs_since T0: seconds of uptime since T0, one decimal.
secs_since() {
	awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }'
}

# rport_online WWPN: softhba has registered the remote port.
rport_online() {
	dmesg | grep -q "remote port ${1#0x} online"
}

# nvme_dev NQN: the controller device (nvmeN) of the subsystem, if connected.
nvme_ctrl_of() {
	local c
	for c in /sys/class/nvme/nvme*; do
		[ -f "$c/subsysnqn" ] || continue
		if [ "$(cat "$c/subsysnqn")" = "$1" ] && [ "$(cat "$c/state")" = live ]; then
			basename "$c"
			return 0
		fi
	done
	return 1
}

# nvme_ns_of NQN NSID: the block device (nvmeXnY) of a namespace.
nvme_ns_of() {
	local s b
	for s in /sys/class/nvme-subsystem/nvme-subsys*; do
		[ "$(cat "$s/subsysnqn" 2>/dev/null)" = "$1" ] || continue
		for b in "$s"/nvme*n*; do
			[ -e "$b" ] || continue
			if [ "$(cat "$b/nsid" 2>/dev/null)" = "$2" ]; then
				basename "$b"
				return 0
			fi
		done
	done
	return 1
}

# jq-less JSON: python3 evaluates an expression over the JSON on stdin,
# bound to j, and prints the result.
json() {
	python3 -c 'import json,sys; j=json.load(sys.stdin); r=eval(sys.argv[1]); print(r if not isinstance(r,(list,dict)) else json.dumps(r, sort_keys=True))' "$1"
}
