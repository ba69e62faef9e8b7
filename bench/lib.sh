# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this
# Shell helpers shared by the bench/ scripts (sourced, not run; bash only).
# Each script keeps its own options, temporary folders and cleanup; this
# file holds what they all did the same way: checking the build, filling in
# bench/target.conf.in, waiting for the daemon's control socket, reading a
# process's CPU time, a number out of fcnvme perf's JSON, and medians.

# The host every script connects as (bench/target.conf.in allows only it).
BENCH_NQN=nqn.2026-11.io.nvmetfcd:bench
BENCH_HOSTNQN=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-0000000000b1
BENCH_HOSTID=00000000-0000-4000-8000-0000000000b1

# bench_need SCRIPT BUILD: fails with a message naming the first of the
# daemon and tools that BUILD has not built.
bench_need() {
	local t
	for t in daemon/nvmetfcd tools/fcnvme tools/softhbactl; do
		[ -x "$2/$t" ] || { echo "$1: $2/$t is not built" >&2; return 1; }
	done
}

# bench_host_args FABRIC: sets the array BENCH_HOST to fcnvme's options for
# the benchmark host on FABRIC (port names, host NQN and ID; not --nqn).
bench_host_args() {
	BENCH_HOST=(--fabric "$1" --wwnn 0x20000090fa00b0a1 --wwpn 0x10000090fa00b0a1
		--hostnqn "$BENCH_HOSTNQN" --hostid "$BENCH_HOSTID")
}

# bench_conf SRC FABRIC BACKEND POLL CPUS [SED_ARGS...]: bench/target.conf.in
# with its placeholders filled in, plus any further sed expressions, on
# stdout.
bench_conf() {
	local src=$1 fabric=$2 be=$3 poll=$4 cpus=$5
	shift 5
	sed -e "s/@FABRIC@/$fabric/" -e "s/@BACKEND@/$be/" -e "s/@POLL@/$poll/" \
		-e "s/@CPU@/$cpus/" "$@" "$src/bench/target.conf.in"
}

# bench_wait_sock PID SOCK: waits up to 10 s for the daemon PID to create
# its control socket SOCK; fails at once when the daemon has exited.
bench_wait_sock() {
	local _
	for _ in $(seq 100); do
		[ -S "$2" ] && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# bench_stop PID: SIGTERM to PID (if it still runs) and waits for it.
bench_stop() {
	[ -n "$1" ] || return 0
	kill -0 "$1" 2>/dev/null || return 0
	kill -TERM "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# bench_ticks PID: user + system clock ticks (all threads) PID has used.
bench_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# bench_cpu_s PID: the same in seconds, three decimals.
bench_cpu_s() {
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$1/stat"
}

# bench_field FILE KEY: the first value of "KEY": in a JSON file (grep only,
# no jq needed; keys of nested objects are found too).
bench_field() { grep -o "\"$2\":[^,}]*" "$1" | head -1 | cut -d: -f2 | tr -d ' '; }

# bench_median: the median of the numbers on stdin, one a line (the mean
# of the two middle ones of an even count), nothing for no input.
bench_median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else if (NR) print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_prefill JSON MIB CMD...: writes the namespace's first MIB MiB so
# that reads copy real pages, not the shared zero page of memory never
# written. CMD is an fcnvme perf command line without -w/-o/-q/-t/--json
# (a shell function will do); it runs sequential writes of
# BENCH_PREFILL_BS bytes (default 131072; at most the port's mdts) from
# LBA 0 at QD32 for a time, not a size: 2 s, then, while the last run did
# not cover MIB, up to two runs 1.5 times as long as its rate needs (at
# most 60 s each). Sets BENCH_PREFILL_MIB to what the last run wrote
# (MiB); fails, with fcnvme perf's error, if a run fails.
bench_prefill() {
	local json=$1 mib=$2 s=2 i bs=${BENCH_PREFILL_BS:-131072}
	shift 2
	for i in 0 1 2; do
		"$@" -w write -o "$bs" -q 32 -t "$s" --json >"$json" 2>"$json.err" ||
			{ echo "prefill failed: $(head -c 300 "$json.err")" >&2; return 1; }
		BENCH_PREFILL_MIB=$(($(bench_field "$json" ios) * bs / 1048576))
		[ "$BENCH_PREFILL_MIB" -lt "$mib" ] || return 0
		[ "$i" -lt 2 ] || break
		s=$(awk -v m="$BENCH_PREFILL_MIB" -v s="$s" -v want="$mib" \
			'BEGIN { t = m ? int(s * want * 1.5 / m) + 1 : 60; print (t > 60 ? 60 : t) }')
	done
	return 0
}

# bench_load: the 1-minute load average.
bench_load() { cut -d' ' -f1 /proc/loadavg; }
