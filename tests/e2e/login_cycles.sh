#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Host ports that come and go leave the daemon nothing (issue 12 items 11
# and F): 240 host ports, each with a WWPN of its own (far more than the
# fabric's 64 name-server slots), log in, read the discovery log and leave.
# Afterwards the daemon has the same open descriptors and mappings as after
# the first few, its resident memory has not grown by more than 8 MiB, and a
# new host port still logs in and does I/O.
E2E_NAME=login_cycles
. "$top_srcdir/tests/e2e/lib.sh"
e2e_setup

conf=$(e2e_conf two)
e2e_start_daemon "$conf"
pid=$E2E_DPID

host() {	# host N: fcnvme options of host port N
	printf -- '--fabric %s --wwnn 0x20000090fb02%04x --wwpn 0x10000090fb02%04x --hostnqn %s' \
		"$FABRIC" "$1" "$1" "$HOSTNQN1"
}
cycle() {	# cycle FIRST LAST: host ports FIRST..LAST read the discovery log
	i=$1
	while [ "$i" -le "$2" ]; do
		# shellcheck disable=SC2046
		timeout 20 "$FCNVME" discover $(host "$i") >/dev/null 2>"$tmp/disc.err" || {
			echo "host port $i: $(cat "$tmp/disc.err")"
			return 1
		}
		i=$((i + 1))
	done
}
fds() { ls "/proc/$pid/fd" | wc -l; }
maps() { wc -l <"/proc/$pid/maps"; }
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9][0-9]*\) kB$/\1/p' "/proc/$pid/status"; }

check "host ports 1-16 log in, discover and leave" cycle 1 16
sleep 1
fd0=$(fds) map0=$(maps) rss0=$(rss)
t0=$(date +%s)
check "host ports 17-240 log in, discover and leave" cycle 17 240
echo "224 logins took $(($(date +%s) - t0)) s"
sleep 1
fd1=$(fds) map1=$(maps) rss1=$(rss)
echo "descriptors $fd0 -> $fd1, mappings $map0 -> $map1, RSS $rss0 -> $rss1 kB"
check "open descriptors unchanged ($fd0 -> $fd1)" test "$fd1" -eq "$fd0"
case ${VM_SAN_CFLAGS:-} in
*address*)
	# AddressSanitizer keeps freed memory in quarantine and maps its own
	# regions as it goes: memory and mappings are LeakSanitizer's job here
	# (the daemon's exit is checked for its report below).
	echo "mappings and RSS not judged under AddressSanitizer"
	;;
*)
	check "mappings unchanged ($map0 -> $map1)" test "$map1" -eq "$map0"
	check "resident memory grew by less than 8 MiB ($rss0 -> $rss1 kB)" \
		test -n "$rss0" -a -n "$rss1" -a $((${rss1:-0} - ${rss0:-0})) -lt 8192
	;;
esac
# shellcheck disable=SC2046
check "a new host port still logs in and does I/O" sh -c \
	"timeout 30 '$FCNVME' perf $(host 241) --nqn '$NQN_A' -q 4 -o 4096 -w read -t 1 >/dev/null"
e2e_finish
