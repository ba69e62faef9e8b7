#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fcnvmectl's numbers against the real daemon with a real host doing I/O
# (fcnvme write/read, then fcnvme perf): "stats -o openmetrics" parsed by
# prometheus_client's OpenMetrics parser and checked row by row against
# "stats -j" (metrics_check.py: counters equal, buckets cumulative,
# +Inf == _count == commands, _sum == lat_sum_ns), taken while the host
# is stopped (SIGSTOP) so both snapshots see the same counters (the host's
# NQN holds a quote and a backslash: its label value must be escaped for
# the parser to give back the JSON's NQN); and the
# watch mode, "stats -i 1 -c 2", under I/O: exactly a header and two
# lines per row kind asked for, rates > 0 and MB/s consistent with IOPS
# times the 4 KiB I/O size.
NAME=metrics
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
if ! "$PY" -c 'import prometheus_client.openmetrics.parser' 2>/dev/null; then
	echo "FAIL: $PY cannot import prometheus_client.openmetrics.parser:" \
	     "apt-get install python3-prometheus-client (quickstart.sh installs it)"
	exit 1
fi

fabric_create
demo_conf > "$tmp/nvmetfcd.conf"
daemon_start "$tmp/nvmetfcd.conf" || exit 1

# A finished association: 64 KiB written, 64 KiB read.
head -c 65536 /dev/zero > "$tmp/w.bin"
check "fcnvme write" quiet "$B/tools/fcnvme" write $(host 1) --nqn "$DEMO_NQN" -s 0 -c 127 \
	-d "$tmp/w.bin"
check "fcnvme read" quiet "$B/tools/fcnvme" read $(host 1) --nqn "$DEMO_NQN" -s 0 -c 127 \
	-d "$tmp/r.bin"
ctl -o openmetrics stats > "$tmp/om1.txt"
ctl -j stats > "$tmp/j1.json"
check "openmetrics after write+read agrees with -j stats" \
	"$PY" "$S/tests/integration/metrics_check.py" "$tmp/om1.txt" "$tmp/j1.json"
check "port p0 counted the 2 commands" \
	grep -qx 'nvmetfcd_port_commands_total{port="p0",portid="1"} 2' "$tmp/om1.txt"
check "namespace 1 wrote 65536 bytes" grep -qx \
	"nvmetfcd_namespace_written_bytes_total{subsys_nqn=\"$DEMO_NQN\",nsid=\"1\"} 65536" \
	"$tmp/om1.txt"
check "ends with # EOF" bash -c "tail -n1 '$tmp/om1.txt' | grep -qx '# EOF'"
check "no cluster families (the daemon is in no cluster)" \
	bash -c "! grep -q '^# TYPE nvmetfcd_cluster_' '$tmp/om1.txt'"

# A live host doing 4 KiB random reads, with a host NQN that needs
# escaping in an OpenMetrics label value (a quote and a backslash are
# printable, so NQNs may hold them).
ODDNQN='nqn.2014-08.org.nvmexpress:odd"host\1'
check "allow the odd host NQN" quiet ctl allowed-host add "$DEMO_NQN" "$ODDNQN"
"$B/tools/fcnvme" perf --seed 1 --fabric "$FABRIC" --wwnn 0x20000090fb000001 --wwpn 0x10000090fb000001 \
	--hostnqn "$ODDNQN" --hostid "$HOSTID" --nqn "$DEMO_NQN" -q 4 -o 4096 -w randread -t 30 \
	> "$tmp/perf.out" 2>&1 &
perf=$!
bg_pids="$bg_pids $perf"
host_row() {	# until the host's association is in stats and counting
	local i
	for i in $(seq 100); do
		ctl stats host | grep -qF "$ODDNQN" && return 0
		sleep 0.1
	done
	return 1
}
check "the host shows up in stats" host_row

ctl stats port -i 1 -c 2 > "$tmp/watch.out" 2>&1
echo "watch rc=$?" >> "$tmp/watch.out"
ctl stats host -i 1 -c 2 > "$tmp/watchh.out" 2>&1
echo "watch rc=$?" >> "$tmp/watchh.out"
# interval object id iops read-MB/s write-MB/s errors/s p50 p99 p999
watch_ok() {	# FILE OBJECT
	awk -v obj="$2" '
	NR == 1 { ok = ($1 == "interval" && $4 == "iops" && $5 == "read-MB/s" && $10 == "p999-us"); next }
	/^watch rc=/ { rc = $2; next }
	{ n++
	  if ($1 != n || $2 != obj) ok = 0
	  # a ram namespace answers in tens of ns: p50 may print as 0.0 us,
	  # so the latency columns are checked for order and a p999 above 0
	  if (!($4 > 0 && $5 > 0 && $10 > 0 && $8 <= $9 && $9 <= $10)) ok = 0
	  # MB/s = IOPS * 4096 / 10^6, printed to 2 decimals (1 % + rounding)
	  want = $4 * 4096 / 1e6; d = $5 - want; if (d < 0) d = -d
	  if (d > want / 100 + 0.01) ok = 0
	  if ($6 != "0.00" || $7 != "0.0") ok = 0 }
	END { exit !(ok && n == 2 && rc == "rc=0") }' "$1"
}
check "stats port -i 1 -c 2: 2 intervals, rates > 0, MB/s = IOPS x 4 KiB" watch_ok "$tmp/watch.out" port
check "stats host -i 1 -c 2: 2 intervals, rates > 0, MB/s = IOPS x 4 KiB" watch_ok "$tmp/watchh.out" host
ctl -o json stats namespace -i 1 -c 2 > "$tmp/watchj.out" 2>&1
check "-o json stats -i: JSON lines, snake_case, rates > 0 and consistent" \
	"$PY" - "$tmp/watchj.out" "$DEMO_NQN/1" <<'P'
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2, lines
for n, l in enumerate(lines, 1):
    o = json.loads(l)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", k) for k in o), o
    assert o["interval"] == n and o["object"] == "namespace" and o["id"] == sys.argv[2], o
    assert o["iops"] > 0 and o["read_mb_s"] > 0 and o["write_mb_s"] == 0, o
    # at most 3 decimals (no 17-digit floats)
    assert re.search(r"[0-9]\.[0-9]{4,}", l) is None, l
    # MB/s = IOPS x 4 KiB, within the rounding (MB/s to 0.01, IOPS to 0.1)
    # and one I/O at each end (an I/O thread counts a command and its bytes
    # in two stores; a snapshot can fall between them)
    slack = 0.005 + 0.05 * 4096 / 1e6 + 2 * 4096 / 1e6 / o["seconds"]
    assert abs(o["read_mb_s"] - o["iops"] * 4096 / 1e6) <= slack, o
    assert 0 < o["lat_p50_ns"] <= o["lat_p99_ns"] <= o["lat_p999_ns"], o
P

# Both snapshots with the host stopped: the same counters, host row included.
kill -STOP $perf
sleep 0.5
ctl -o openmetrics stats > "$tmp/om2.txt"
ctl -j stats > "$tmp/j2.json"
kill -CONT $perf
check "openmetrics under I/O agrees with -j stats" \
	"$PY" "$S/tests/integration/metrics_check.py" "$tmp/om2.txt" "$tmp/j2.json"
check "a host row with its WWPN and the NQN escaped" grep -qF \
	'nvmetfcd_host_commands_total{host_nqn="nqn.2014-08.org.nvmexpress:odd\"host\\1",host_wwpn="0x10000090fb000001"} ' \
	"$tmp/om2.txt"
check "the latency histogram has cumulative buckets for the host" grep -q \
	'^nvmetfcd_host_latency_seconds_bucket{.*le="+Inf"} [1-9]' "$tmp/om2.txt"
kill $perf 2>/dev/null
wait $perf 2>/dev/null
if [ "$fail" -ne 0 ]; then
	for f in watch.out watchh.out watchj.out om2.txt perf.out; do echo "== $f"; head -40 "$tmp/$f"; done
fi
finish
