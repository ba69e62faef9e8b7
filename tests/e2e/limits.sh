#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The port limits against the real binaries (tests/e2e/limits.conf.in: a
# default port and one port each with max_io_queues 2, max_queue_size 16
# and mdts 16K). What each controller advertises (Identify MDTS and MAXCMD,
# the queues granted) is the port's; `fcnvme`, which follows it, does
# verified I/O within it (asking for more queues or entries than the port
# has still connects); tests/e2e/e2e_inject, which ignores it, gets the
# Link Service rejects; and the discovery log entry's TREQ says what
# Linux's does.
E2E_NAME=limits
. "$top_srcdir/tests/e2e/lib.sh"
INJECT=$top_builddir/tests/e2e/e2e_inject
[ -x "$INJECT" ] || e2e_unavailable "$INJECT is not built"
e2e_setup

conf=$(e2e_conf limits)
e2e_start_daemon "$conf"
H1=$(e2e_host 1)
traddr_of() {	# traddr_of N: the traddr of target port e$N
	echo "nn-0x20000090fa0000e$1:pn-0x10000090fa0000e$1"
}
json_num() {	# json_num FILE KEY: a number field of fcnvme's JSON
	sed -n "s/.*\"$2\": *\([0-9][0-9]*\).*/\1/p" "$1" | head -1
}

# --- what each port advertises -------------------------------------------
# port: MDTS, MAXCMD
for row in "1 6 1024" "2 6 1024" "3 6 16" "4 2 1024"; do
	set -- $row
	# shellcheck disable=SC2086
	if timeout 20 "$FCNVME" id-ctrl $H1 --nqn "$NQN_A" --traddr "$(traddr_of "$1")" -o json \
		>"$tmp/id$1.json" 2>"$tmp/id$1.err"; then
		m=$(json_num "$tmp/id$1.json" mdts)
		c=$(json_num "$tmp/id$1.json" maxcmd)
		if [ "$m" = "$2" ] && [ "$c" = "$3" ]; then
			ok "port e$1 advertises MDTS $m, MAXCMD $c"
		else
			ko "port e$1: MDTS $m MAXCMD $c, want $2 and $3"
		fi
	else
		ko "id-ctrl through port e$1: $(cat "$tmp/id$1.err")"
	fi
done
# the ANA fields fcnvme prints sit where NVMe puts them (342..351)
check "id-ctrl ANATT 10, ANAGRPMAX 128, NANAGRPID 128" \
	sh -c "[ \"\$(sed -n 's/.*\"anatt\": *\([0-9]*\).*/\1/p' '$tmp/id1.json')\" = 10 ] &&
	       [ \"\$(sed -n 's/.*\"anagrpmax\": *\([0-9]*\).*/\1/p' '$tmp/id1.json')\" = 128 ] &&
	       [ \"\$(sed -n 's/.*\"nanagrpid\": *\([0-9]*\).*/\1/p' '$tmp/id1.json')\" = 128 ]"
# the raw bytes: MDTS at 77, MAXCMD at 514 (LE) on the small-queue port
# shellcheck disable=SC2086
timeout 20 "$FCNVME" id-ctrl $H1 --nqn "$NQN_A" --traddr "$(traddr_of 3)" --raw-binary \
	>"$tmp/id3.bin" 2>/dev/null
check "port e3 Identify bytes 77 and 514-515: 06, 10 00" \
	sh -c "[ \"\$(od -An -tx1 -j77 -N1 '$tmp/id3.bin' | tr -d ' ')\" = 06 ] &&
	       [ \"\$(od -An -tx1 -j514 -N2 '$tmp/id3.bin' | tr -d ' ')\" = 1000 ]"

# --- a host that follows them: verified I/O --------------------------------
perf() {	# perf NAME PORT [perf options]: verified I/O, JSON in $tmp/NAME.json
	n=$1 p=$2
	shift 2
	# shellcheck disable=SC2086
	timeout 60 "$FCNVME" perf --seed 1 $H1 --nqn "$NQN_A" --traddr "$(traddr_of "$p")" -t 2 \
		--verify --json "$@" >"$tmp/$n.json" 2>"$tmp/$n.err"
}
if perf queues 2 --queues 4 -q 8 -o 4096 -w rw; then
	q=$(json_num "$tmp/queues.json" queues)
	e=$(json_num "$tmp/queues.json" verify_errors)
	i=$(json_num "$tmp/queues.json" ios)
	if [ "$q" = 2 ] && [ "$e" = 0 ] && [ "${i:-0}" -gt 0 ] &&
	   grep -q 'granted 2 I/O queue' "$tmp/queues.err"; then
		ok "asking 4 queues of a max_io_queues 2 port: 2 granted, $i verified I/Os"
	else
		ko "queues: queues $q verify_errors $e ios $i: $(cat "$tmp/queues.err")"
	fi
else
	ko "perf on port e2: $(cat "$tmp/queues.err")"
fi
if perf qsize 3 --queue-size 128 -q 32 -o 4096 -w rw; then
	d=$(json_num "$tmp/qsize.json" queue_depth)
	e=$(json_num "$tmp/qsize.json" verify_errors)
	i=$(json_num "$tmp/qsize.json" ios)
	if [ "$d" = 15 ] && [ "$e" = 0 ] && [ "${i:-0}" -gt 0 ]; then
		ok "128-entry host queues on a max_queue_size 16 port: 16 entries, 15 deep, $i verified I/Os"
	else
		ko "qsize: depth $d verify_errors $e ios $i: $(cat "$tmp/qsize.err")"
	fi
else
	ko "perf on port e3: $(cat "$tmp/qsize.err")"
fi
if perf mdts 4 -q 4 -o 16384 -w rw; then
	e=$(json_num "$tmp/mdts.json" verify_errors)
	i=$(json_num "$tmp/mdts.json" ios)
	if [ "$e" = 0 ] && [ "${i:-0}" -gt 0 ]; then
		ok "16 KiB I/O on an mdts 16K port: $i verified I/Os"
	else
		ko "mdts: verify_errors $e ios $i"
	fi
else
	ko "perf on port e4: $(cat "$tmp/mdts.err")"
fi
# a 32 KiB command is not even built by a host that read MDTS
perf big 4 -q 1 -o 32768 -w read
check "32 KiB I/O refused by the host on an mdts 16K port" \
	grep -q 'o 32768 must be a multiple of the LBA size 512 and at most 16384' "$tmp/big.err"

# --- a host that ignores them: the Link Service rejects --------------------
lim() {	# lim PORT QSIZE NQ
	"$INJECT" limits --fabric "$FABRIC" --shm-dir "$FCNVME_SHM_DIR" \
		--wwnn "$H2WWNN" --wwpn "$H2WWPN" --target "0x10000090fa0000e$1" \
		--hostnqn "$HOSTNQN1" --subnqn "$NQN_A" --max-queue-size "$2" \
		--max-io-queues "$3" >"$tmp/lim$1.out" 2>&1
}
check "LS limits of port e2 (1024 entries, 2 queues): $(lim 2 1024 2; tail -1 "$tmp/lim2.out")" \
	grep -q ': 6 passed, 0 failed' "$tmp/lim2.out"
check "LS limits of port e3 (16 entries, 32-entry admin queue): $(lim 3 16 16; tail -1 "$tmp/lim3.out")" \
	grep -q ': 6 passed, 0 failed' "$tmp/lim3.out"
# The daemon says which check each reject failed (the wire carries only
# the codes). The same reasons on port e3 come within the rate limit's
# 5 s, so they are only counted.
for line in \
	"Create Association rejected: invalid parameters, invalid submission queue size (admin queue larger than the port's max_queue_size or 32)" \
	"Create Connection rejected: logical error (qid above the port's max_io_queues)" \
	"Create Connection rejected: invalid parameters, invalid submission queue size (queue larger than the port's max_queue_size)"; do
	check "nvmetfcd logs: $line" \
		grep -qF "<4>host port $H2WWPN on port pqueues: $line" "$tmp/nvmetfcd.log"
done

# --- a host port that never connects cannot lock others out ----------------
# Host 2 sends 12 Create Associations and no Connect: 4 are held, 8 refused
# with Insufficient Resources; meanwhile host 1 connects and verifies I/O on
# the same port; the 4 are deleted 10 s after their creation.
"$INJECT" flood --fabric "$FABRIC" --shm-dir "$FCNVME_SHM_DIR" \
	--wwnn "$H2WWNN" --wwpn "$H2WWPN" --target 0x10000090fa0000e2 \
	--hostnqn "$HOSTNQN2" --subnqn "$NQN_A" --count 12 --allowed 4 --hold 15 \
	>"$tmp/flood.out" 2>&1 &
fpid=$!
e2e_wait_for 20 grep -q 'Create Association 12:' "$tmp/flood.out"
if perf beside 2 -q 8 -o 4096 -w rw; then
	e=$(json_num "$tmp/beside.json" verify_errors)
	i=$(json_num "$tmp/beside.json" ios)
	check "another host connects and verifies I/O beside the flood ($i I/Os, $e errors)" \
		test "$e" = 0 -a "${i:-0}" -gt 0
else
	ko "another host beside the flood: $(cat "$tmp/beside.err")"
fi
wait $fpid
check "flood: 4 held, 8 refused with Insufficient Resources ($(tail -1 "$tmp/flood.out"))" \
	grep -q ': 12 passed, 0 failed' "$tmp/flood.out"
# What a host repeats is logged once per 5 s and reason, the rest counted in
# a summary when the interval is over: lines + suppressed = events.
# logged_total PATTERN REASON: lines matching PATTERN + what summaries of
# REASON suppressed, for the flooding host port.
logged_total() {
	awk -v pat="$1" -v why="($2)" '
		$0 ~ pat { n++ }
		index($0, "host port 0x10000090fb0000a2: suppressed ") && index($0, why) {
			split($0, w, "suppressed "); split(w[2], v, " "); n += v[1]
		}
		END { print n + 0 }' "$tmp/nvmetfcd.log"
}
e2e_wait_for 15 test "$(logged_total 'host port 0x10000090fb0000a2 on port [a-z0-9]+: Create Association refused \\(insufficient resources\\)' \
	'Create Association refused')" = 8
check "the daemon says why it refused: first in full, the others summarised (8 in all)" \
	test "$(logged_total 'host port 0x10000090fb0000a2 on port [a-z0-9]+: Create Association refused \\(insufficient resources\\)' \
	'Create Association refused')" = 8
check "the first refusal is logged in full" test "$(grep -c \
	'host port 0x10000090fb0000a2 on port [a-z0-9]*: Create Association refused (insufficient resources)' \
	"$tmp/nvmetfcd.log")" -ge 1
e2e_wait_for 15 test "$(logged_total 'host port 0x10000090fb0000a2 on port [a-z0-9]+: association 0x[0-9a-f]+ deleted: no Connect within 10000 ms' \
	'no Connect in time')" = 4
check "the 4 that never connected were deleted after 10 s (logged or summarised)" \
	test "$(logged_total 'host port 0x10000090fb0000a2 on port [a-z0-9]+: association 0x[0-9a-f]+ deleted: no Connect within 10000 ms' \
	'no Connect in time')" = 4
# Each port counts the connections it refused, for alerting: on pqueues
# the 3 Link Service rejects above and the flood's 8, on pqsize its 3.
"$FCNVMECTL" -s "$SOCK" -o openmetrics stats port >"$tmp/om.txt" 2>&1
sed -n '/refusals/s/^/  /p' "$tmp/om.txt"
check "stats: port pqueues refused 11 connections, pqsize 3 (OpenMetrics)" \
	sh -c "grep -Eq '^nvmetfcd_port_refusals_total\{port=\"pqueues\",portid=\"[0-9]+\"\} 11\$' '$tmp/om.txt' &&
	       grep -Eq '^nvmetfcd_port_refusals_total\{port=\"pqsize\",portid=\"[0-9]+\"\} 3\$' '$tmp/om.txt'"

# --- queues cost no data buffers: the hw queue's pool is shared -----------
# (before the pool, two 480-entry queues of 1 MiB buffers filled the 1 GiB
# window and the third got Insufficient Resources)
"$INJECT" exhaust --fabric "$FABRIC" --shm-dir "$FCNVME_SHM_DIR" \
	--wwnn "$H2WWNN" --wwpn "$H2WWPN" --target 0x10000090fa0000e5 \
	--hostnqn "$HOSTNQN2" --subnqn "$NQN_A" --count 4 --allowed 4 --sqsize 479 \
	>"$tmp/exhaust.out" 2>&1
check "port e5: four 480-entry queues of an mdts 1M port fit ($(tail -1 "$tmp/exhaust.out"))" \
	grep -q ': 6 passed, 0 failed' "$tmp/exhaust.out"
sed 's/^/  e2e_inject: /' "$tmp/exhaust.out"
check_not "the daemon reports no DMA shortage" grep -q \
	'port pdma: .* DMA allocation(s) did not fit in its window' "$tmp/nvmetfcd.log"

# --- more commands outstanding than the port has receive exchanges ---------
# Port e6 has 16 exchanges on its one hw queue; a host keeps 64 commands in
# flight on one queue (legal: MQES allows 1024). The port holds what it
# cannot start yet instead of aborting it: every I/O completes, verified.
if perf xchg 6 --queues 1 -q 64 -o 4096 -w rw; then
	e=$(json_num "$tmp/xchg.json" verify_errors)
	i=$(json_num "$tmp/xchg.json" ios)
	r=$(json_num "$tmp/xchg.json" errors)
	check "QD 64 on a port with 16 exchanges: $i verified I/Os, ${r:-?} errors, $e verify errors" \
		test "${i:-0}" -gt 0 -a "$e" = 0 -a "${r:-1}" = 0
else
	ko "QD 64 on a port with 16 exchanges: $(tail -3 "$tmp/xchg.err")"
fi

# --- a port whose data buffers its DMA window cannot back is refused --------
# 1200 x 1 MiB > the 1 GiB window: the reload fails with the reason, and the
# running ports stay.
cp "$conf" "$tmp/good.conf"
sed 's|^ports = (|ports = (\
	{ name = "pbig"; dev = "soft:'"$FABRIC"'"; shm_dir = "'"$FCNVME_SHM_DIR"'";\
	  wwnn = "0x20000090fa0000e9"; wwpn = "0x10000090fa0000e9";\
	  mdts = "1M"; queue_depth = 1200; },|' "$tmp/good.conf" >"$conf"
"$FCNVMECTL" -s "$SOCK" config reload >"$tmp/big.out" 2>&1
rc=$?
check "reload with a port its DMA window cannot back fails (exit $rc) and says why" \
	sh -c "[ $rc -ne 0 ] && grep -q 'port pbig: its data buffers cannot be backed: 1 hw queue(s) of queue_depth 1200 buffers of mdts 1024 KiB need 1200 MiB of DMA memory' '$tmp/big.out'"
cat "$tmp/big.out"
check "the other ports still serve" sh -c \
	"\"$FCNVMECTL\" -s '$SOCK' port list >'$tmp/ports.out' &&
	 [ \$(grep -Ec ' yes +yes ' '$tmp/ports.out') = 6 ] && ! grep -q pbig '$tmp/ports.out'"
cp "$tmp/good.conf" "$conf"

# --- the discovery log entry, as Linux words it ------------------------------
# shellcheck disable=SC2086
timeout 20 "$FCNVME" discover $H1 --traddr "$(traddr_of 3)" >"$tmp/disc.out" 2>&1
check "discovery TREQ: SQ flow control disable supported" \
	grep -q '^treq:    not specified, sq flow control disable supported$' "$tmp/disc.out"
check "discovery entry of port e3" \
	grep -q '^traddr:  nn-0x20000090fa0000e3:pn-0x10000090fa0000e3$' "$tmp/disc.out"

check "nvmetfcd still running" e2e_daemon_alive
e2e_stop_daemon
e2e_finish
