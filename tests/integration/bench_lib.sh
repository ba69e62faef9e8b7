#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench/lib.sh's helpers, with exact values (no benchmark runs): medians of
# odd and even counts, numbers out of fcnvme perf-like JSON, the filled-in
# bench/target.conf.in (no placeholder left, accepted by nvmetfcd --check),
# the build check's message, a daemon that died before its socket, the
# prefill's runs (against a stand-in for fcnvme perf); and
# bench/ceiling.sh's refusals of bad input, each with its exact message,
# before it starts anything.
# shellcheck disable=SC2034 # NAME is read by tests/integration/lib.sh
NAME=bench_lib
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=bench/lib.sh
. "$S/bench/lib.sh"

is() { # DESCRIPTION WANT GOT
	if [ "$2" = "$3" ]; then ok; else bad "$1: want '$2', got '$3'"; fi
}

is "median of an odd count" 2 "$(printf '3\n1\n2\n' | bench_median)"
is "median of an even count: the mean of the middle two" 6 "$(printf '10\n2\n' | bench_median)"
is "median of fractions, sorted as numbers" 0.0632 \
	"$(printf '0.5\n0.1\n0.0081\n0.0264\n' | bench_median)"
is "median of nothing" "" "$(printf '' | bench_median)"

cat >"$tmp/p.json" <<'J'
{
  "workload":"randread",
  "seconds":1.002,
  "ios":123456,
  "iops":123210,
  "latency_us":{
    "avg":9.9,
    "p50":2.9,
    "p99":31.5
  },
  "cpu_percent":62.3,
  "errors":0
}
J
is "a top-level number" 123210 "$(bench_field "$tmp/p.json" iops)"
is "a number inside latency_us" 2.9 "$(bench_field "$tmp/p.json" p50)"
is "the last key of an object" 31.5 "$(bench_field "$tmp/p.json" p99)"
is "a key that is not there" "" "$(bench_field "$tmp/p.json" nope)"

bench_conf "$S" fab ram hybrid "0, 1" -e "s/hw_queues = 1;/hw_queues = 2;/" >"$tmp/t.conf"
check "no placeholder is left" test "$(grep -c @ "$tmp/t.conf")" = 0
check "the fabric" grep -q 'dev = "soft:fab";' "$tmp/t.conf"
check "the backend" grep -q 'backend = "ram";' "$tmp/t.conf"
check "the poll mode" grep -q 'poll = "hybrid";' "$tmp/t.conf"
check "the CPUs" grep -q 'cpus = \[ 0, 1 \];' "$tmp/t.conf"
check "the extra sed expression" grep -q 'hw_queues = 2;' "$tmp/t.conf"
check "nvmetfcd --check accepts it" "$B/daemon/nvmetfcd" --check -c "$tmp/t.conf" 2>"$tmp/check.log"

bench_host_args fab
is "the host's options" "--fabric fab --wwnn 0x20000090fa00b0a1 --wwpn 0x10000090fa00b0a1 --hostnqn $BENCH_HOSTNQN --hostid $BENCH_HOSTID" \
	"${BENCH_HOST[*]}"

check "bench_need accepts this build" bench_need t "$B"
mkdir "$tmp/empty"
check_not "bench_need refuses an empty folder" bench_need t "$tmp/empty" 2>"$tmp/err"
is "bench_need names what is missing" "t: $tmp/empty/daemon/nvmetfcd is not built" "$(cat "$tmp/err")"

is "bench_ticks is a whole number" "" "$(bench_ticks $$ | tr -d 0-9)"
is "bench_cpu_s has three decimals" "" "$(bench_cpu_s $$ | sed 's/^[0-9]*\.[0-9][0-9][0-9]$//')"

sh -c 'exit 0' &
dead=$!
wait "$dead"
t0=$(date +%s)
check_not "bench_wait_sock fails for a dead daemon" bench_wait_sock "$dead" "$tmp/none.sock"
check "and at once" test $(($(date +%s) - t0)) -le 2

# bench_prefill against a stand-in for fcnvme perf that writes RATE 128 KiB
# I/Os a second: the runs it makes (their -t) and what it says was written.
fake_rate=0
fake_runs=
fake_bs=
fakeperf() {
	local t=
	while [ $# -gt 0 ]; do
		[ "$1" = -t ] && t=$2
		[ "$1" = -o ] && fake_bs=$2
		shift
	done
	fake_runs="$fake_runs $t"
	[ "$fake_rate" -ge 0 ] || { echo "fcnvme perf: connect failed" >&2; return 1; }
	printf '{"ios":%d,"iops":%d}\n' $((fake_rate * t)) "$fake_rate"
}
fake_rate=8192 fake_runs=
bench_prefill "$tmp/pf.json" 1024 fakeperf
is "prefill: one 2 s run covers 1 GiB at 1 GiB/s" " 2" "$fake_runs"
is "prefill: what it wrote" 2048 "$BENCH_PREFILL_MIB"
fake_rate=1024 fake_runs=
bench_prefill "$tmp/pf.json" 1024 fakeperf
is "prefill: a second run 1.5 times as long as the rate needs" " 2 13" "$fake_runs"
is "prefill: what the last run wrote" 1664 "$BENCH_PREFILL_MIB"
fake_rate=8 fake_runs=
bench_prefill "$tmp/pf.json" 1024 fakeperf
is "prefill: at most three runs, of at most 60 s" " 2 60 60" "$fake_runs"
is "prefill: short of the size, it says so" 60 "$BENCH_PREFILL_MIB"
fake_rate=8192 fake_runs=
BENCH_PREFILL_BS=65536 bench_prefill "$tmp/pf.json" 1024 fakeperf
is "prefill: BENCH_PREFILL_BS is the write size" 65536 "$fake_bs"
is "prefill: and counts in what it wrote" "1024| 2" "$BENCH_PREFILL_MIB|$fake_runs"
fake_rate=-1 fake_runs=
check_not "prefill fails when fcnvme perf fails" bench_prefill "$tmp/pf.json" 1024 fakeperf 2>"$tmp/err"
is "prefill: with perf's error, after one run" "prefill failed: fcnvme perf: connect failed| 2" \
	"$(cat "$tmp/err")|$fake_runs"

# ceiling.sh: bad input, refused before anything starts.
ceiling() { # RC MESSAGE ARGS...: the exit status and the first stderr line
	local rc=$1 msg=$2 st=0
	shift 2
	bash "$S/bench/ceiling.sh" "$@" >"$tmp/out" 2>"$tmp/err" || st=$?
	is "ceiling.sh $* exits $rc" "$rc" "$st"
	is "ceiling.sh $* says why" "$msg" "$(head -1 "$tmp/err")"
}
ceiling 2 "ceiling.sh: -r and -t take positive integers, not '0'" -b "$B" -r 0
ceiling 2 "ceiling.sh: -r and -t take positive integers, not '1s'" -b "$B" -t 1s
ceiling 1 "ceiling.sh: $tmp/empty/daemon/nvmetfcd is not built" -b "$tmp/empty" -p "$tmp"
ceiling 1 "ceiling.sh: the ceiling programs (build.sh, ringtput.c) are not in '$tmp/empty'; give their folder with -p PERF_SRC or FCNVME_PERF_SRC" \
	-b "$B" -p "$tmp/empty"
FCNVME_PERF_SRC=$tmp/empty ceiling 1 \
	"ceiling.sh: the ceiling programs (build.sh, ringtput.c) are not in '$tmp/empty'; give their folder with -p PERF_SRC or FCNVME_PERF_SRC" \
	-b "$B"
ceiling 2 "" -h
check "-h prints the usage" grep -q '^Usage: bench/ceiling.sh \[-b BUILDDIR\] \[-p PERF_SRC\]' "$tmp/out"
finish
