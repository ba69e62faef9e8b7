# SPDX-License-Identifier: Apache-2.0
# Shared helpers of the end-to-end tests (sourced, not run): a private temp
# directory and software fabric per test, start/stop/wait helpers for
# nvmetfcd, `fcnvme mount` and fio, pass/fail counting, and cleanup of
# everything a test started on every exit path. A test sets E2E_NAME before
# sourcing this file and ends with `e2e_finish`.
# Environment: top_builddir, top_srcdir (set by `make check`), CI (when set,
# a missing /dev/fuse or loop device is a failure instead of a skip),
# E2E_SKIP (when set, every end-to-end test is skipped, giving it as the
# reason: quickstart.sh's distcheck, after the test stage ran them on the
# same tree twice).

set -u
: "${top_builddir:?}" "${top_srcdir:?}" "${E2E_NAME:?}"
if [ -n "${E2E_SKIP:-}" ]; then
	echo "$E2E_NAME: skipped: $E2E_SKIP"
	exit 77
fi

NVMETFCD=$top_builddir/daemon/nvmetfcd
FCNVME=$top_builddir/tools/fcnvme
FCNVMECTL=$top_builddir/tools/fcnvmectl
SOFTHBACTL=$top_builddir/tools/softhbactl
E2E_SRC=$top_srcdir/tests/e2e

# Well-known names used by the configs in tests/e2e/*.conf.in.
HOSTNQN1=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000001
HOSTNQN2=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000002
HOSTNQN3=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000003
H1WWNN=0x20000090fb0000a1
H1WWPN=0x10000090fb0000a1
H2WWNN=0x20000090fb0000a2
H2WWPN=0x10000090fb0000a2
H3WWNN=0x20000090fb0000a3
H3WWPN=0x10000090fb0000a3
T0WWPN=0x10000090fa0000e1
NQN_A=nqn.2026-11.io.nvmetfcd:e2e-a
NQN_B=nqn.2026-11.io.nvmetfcd:e2e-b

e2e_pass=0
e2e_fail=0
e2e_pids=
e2e_mounts=
e2e_fsmounts=
e2e_loops=
E2E_DPID=

ok() {	# ok DESCRIPTION: count a pass
	e2e_pass=$((e2e_pass + 1))
	echo "ok: $*"
}
ko() {	# ko DESCRIPTION: count a failure, say why
	e2e_fail=$((e2e_fail + 1))
	echo "FAIL: $*"
}
check() {	# check DESCRIPTION CMD...: pass when CMD exits 0
	d=$1
	shift
	if "$@"; then ok "$d"; else ko "$d"; fi
}

# e2e_sanitizer_free FILE: no AddressSanitizer/UBSan/LeakSanitizer report.
e2e_sanitizer_free() {
	! grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$1" 2>/dev/null
}

# e2e_stop_daemon: SIGTERM, and nvmetfcd must exit 0 within 10 s with no
# sanitizer report in its log.
e2e_stop_daemon() {
	[ -n "$E2E_DPID" ] || return 0
	kill -TERM "$E2E_DPID" 2>/dev/null
	i=0
	while kill -0 "$E2E_DPID" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$E2E_DPID" 2>/dev/null; then
		kill -KILL "$E2E_DPID" 2>/dev/null
		ko "nvmetfcd did not stop within 10 s of SIGTERM"
	fi
	wait "$E2E_DPID" 2>/dev/null
	rc=$?
	E2E_DPID=
	if [ $rc -eq 0 ] && e2e_sanitizer_free "$tmp/nvmetfcd.log"; then
		ok "nvmetfcd stopped cleanly on SIGTERM (exit 0, no sanitizer report)"
	else
		ko "nvmetfcd stop: exit $rc"
		grep -A30 'Sanitizer\|runtime error' "$tmp/nvmetfcd.log" | head -40 |
			sed 's/^/  nvmetfcd: /'
	fi
}

# e2e_finish: stop the daemon, then the last line and the exit status.
e2e_finish() {
	if [ -n "$E2E_DPID" ] && kill -0 "$E2E_DPID" 2>/dev/null; then
		e2e_stop_daemon
	fi
	echo "$E2E_NAME: $e2e_pass passed, $e2e_fail failed"
	[ "$e2e_fail" -eq 0 ] && [ "$e2e_pass" -gt 0 ] && exit 0
	exit 1
}

# e2e_unavailable REASON: a prerequisite is missing. Under CI that is a
# failure; elsewhere the test is skipped (77) with the reason.
e2e_unavailable() {
	if [ -n "${CI:-}" ]; then
		echo "FAIL: $E2E_NAME: $* (CI is set, so this is a failure)"
		echo "$E2E_NAME: 0 passed, 1 failed"
		exit 1
	fi
	echo "SKIP: $E2E_NAME: $*"
	exit 77
}

e2e_require_bins() {
	for b in "$NVMETFCD" "$FCNVME" "$FCNVMECTL" "$SOFTHBACTL"; do
		[ -x "$b" ] || e2e_unavailable "$b is not built"
	done
}

e2e_require_fuse() {
	[ -c /dev/fuse ] || e2e_unavailable "/dev/fuse is missing"
	command -v fusermount3 >/dev/null 2>&1 ||
		e2e_unavailable "fusermount3 is not installed"
}

e2e_require_fio() {
	command -v fio >/dev/null 2>&1 || e2e_unavailable "fio is not installed"
}

e2e_require_loop() {
	[ "$(id -u)" -eq 0 ] || e2e_unavailable "loop devices and mount need root"
	[ -e /dev/loop-control ] || e2e_unavailable "/dev/loop-control is missing"
	for b in losetup mkfs.ext4 e2fsck mount umount; do
		command -v $b >/dev/null 2>&1 || e2e_unavailable "$b is not installed"
	done
}

# Kill one process we started and reap it (bounded).
e2e_kill() {	# e2e_kill PID [SIGNAL]
	kill -"${2:-TERM}" "$1" 2>/dev/null || return 0
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -0 "$1" 2>/dev/null && kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

e2e_cleanup() {
	set +e
	for m in $e2e_fsmounts; do umount -l "$m" 2>/dev/null; done
	for l in $e2e_loops; do losetup -d "$l" 2>/dev/null; done
	for m in $e2e_mounts; do fusermount3 -u -z "$m" 2>/dev/null; done
	for p in $e2e_pids; do e2e_kill "$p"; done
	"$SOFTHBACTL" --dir "$FCNVME_SHM_DIR" fabric destroy "$FABRIC" >/dev/null 2>&1
	if [ -n "${E2E_KEEP:-}" ]; then echo "kept $tmp $FCNVME_SHM_DIR"; else rm -rf "$tmp" "$FCNVME_SHM_DIR"; fi
}

# e2e_setup: private temp dir, shm dir and fabric; traps for cleanup.
e2e_setup() {
	e2e_require_bins
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/e2e-$E2E_NAME.XXXXXX")
	# The fabric lives in tmpfs (/dev/shm), as in production: a port's
	# DMA window on a disk-backed file would be written back to disk.
	FCNVME_SHM_DIR=$(mktemp -d "/dev/shm/fcnvme-e2e-$E2E_NAME.XXXXXX")
	export FCNVME_SHM_DIR
	mkdir -p "$tmp/state"
	FABRIC=e2e$$
	SOCK=$tmp/ctl.sock
	trap e2e_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	"$SOFTHBACTL" fabric create "$FABRIC" >/dev/null ||
		{ ko "cannot create fabric $FABRIC"; e2e_finish; }
}

# e2e_conf NAME: instantiate tests/e2e/NAME.conf.in into $tmp/NAME.conf
# (@FABRIC@, @TMP@ replaced) and print its path.
e2e_conf() {
	sed -e "s|@FABRIC@|$FABRIC|g" -e "s|@TMP@|$tmp|g" -e "s|@SHM@|$FCNVME_SHM_DIR|g" \
		"$E2E_SRC/$1.conf.in" >"$tmp/$1.conf"
	echo "$tmp/$1.conf"
}

# e2e_seed: SEED for the test's data patterns and random choices, from
# E2E_SEED, default 1 (fixed, so that a run repeats), printed.
e2e_seed() {
	SEED=${E2E_SEED:-1}
	echo "$(basename "$0" .sh): seed $SEED (data patterns, random choices; E2E_SEED=N picks another)"
}

# e2e_pattern SEED BYTES FILE: BYTES pseudo-random bytes made from SEED
# into FILE; the same seed gives the same bytes (print it, rerun with it).
e2e_pattern() {
	python3 -c 'import random, sys
sys.stdout.buffer.write(random.Random(int(sys.argv[1])).randbytes(int(sys.argv[2])))' \
		"$1" "$2" >"$3"
}

# e2e_wait_for SECS CMD...: poll CMD every 0.1 s until it succeeds, for
# SECS of wall-clock time (a CMD that hangs does not stretch the bound by
# the number of tries), at least once.
e2e_wait_for() {
	e2e_wf_end=$(($(date +%s%3N) + $1 * 1000))
	shift
	while :; do
		"$@" 2>/dev/null && return 0
		[ "$(date +%s%3N)" -lt "$e2e_wf_end" ] || return 1
		sleep 0.1
	done
}

e2e_daemon_ready() {
	grep -q ' ready (config' "$tmp/nvmetfcd.log" 2>/dev/null &&
		"$FCNVMECTL" -s "$SOCK" status >/dev/null 2>&1
}

# e2e_start_daemon CONF: start nvmetfcd in the foreground (log appended to
# $tmp/nvmetfcd.log), wait until it is ready; sets E2E_DPID.
e2e_start_daemon() {
	# a restart keeps the previous run's log in nvmetfcd.old.log
	[ -f "$tmp/nvmetfcd.log" ] && cat "$tmp/nvmetfcd.log" >>"$tmp/nvmetfcd.old.log"
	: >"$tmp/nvmetfcd.log"
	"$NVMETFCD" -f -c "$1" -s "$SOCK" -S "$tmp/state" \
		>>"$tmp/nvmetfcd.log" 2>&1 &
	E2E_DPID=$!
	e2e_pids="$e2e_pids $E2E_DPID"
	if ! e2e_wait_for 10 e2e_daemon_ready; then
		ko "nvmetfcd did not become ready"
		sed 's/^/  nvmetfcd: /' "$tmp/nvmetfcd.log"
		e2e_finish
	fi
}

e2e_daemon_alive() {
	[ -n "$E2E_DPID" ] && kill -0 "$E2E_DPID" 2>/dev/null
}

# e2e_host N: the fcnvme options of host port N (1, 2 or 3).
e2e_host() {
	case $1 in
	1) echo "--fabric $FABRIC --wwnn $H1WWNN --wwpn $H1WWPN --hostnqn $HOSTNQN1" ;;
	2) echo "--fabric $FABRIC --wwnn $H2WWNN --wwpn $H2WWPN --hostnqn $HOSTNQN2" ;;
	3) echo "--fabric $FABRIC --wwnn $H3WWNN --wwpn $H3WWPN --hostnqn $HOSTNQN3" ;;
	esac
}

# e2e_mount HOST NQN DIR [fcnvme options...]: `fcnvme mount` in the
# background, wait until DIR/ns* exists; sets E2E_MPID.
e2e_mount() {
	h=$1 nqn=$2 dir=$3
	shift 3
	mkdir -p "$dir"
	# shellcheck disable=SC2046
	"$FCNVME" mount $(e2e_host "$h") --nqn "$nqn" "$@" "$dir" \
		>"$dir.log" 2>&1 &
	E2E_MPID=$!
	e2e_pids="$e2e_pids $E2E_MPID"
	e2e_mounts="$e2e_mounts $dir"
	if ! e2e_wait_for 15 e2e_has_ns "$dir"; then
		ko "fcnvme mount of $nqn on $dir did not come up"
		sed 's/^/  fcnvme: /' "$dir.log"
		return 1
	fi
	return 0
}

e2e_has_ns() {
	for f in "$1"/ns*; do [ -f "$f" ] && return 0; done
	return 1
}

# e2e_umount DIR PID: unmount a FUSE export; its fcnvme must then exit 0
# by itself within 10 s, with no sanitizer report.
e2e_umount() {
	fusermount3 -u "$1" 2>/dev/null || fusermount3 -u -z "$1" 2>/dev/null
	i=0
	while kill -0 "$2" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$2" 2>/dev/null; then
		ko "fcnvme mount of $1 still running 10 s after fusermount3 -u"
		e2e_kill "$2"
		return 1
	fi
	wait "$2"
	rc=$?
	if [ $rc -eq 0 ] && e2e_sanitizer_free "$1.log"; then
		ok "fcnvme mount of $(basename "$1") exited 0 after unmount"
	else
		ko "fcnvme mount of $(basename "$1") exit $rc after unmount"
		grep -A30 'Sanitizer\|runtime error' "$1.log" | head -40 | sed 's/^/  fcnvme: /'
	fi
}

# e2e_fio NAME FIO-ARGS...: run fio (bounded by a timeout) with its output
# in $tmp/NAME.fio; passes when fio exits 0, no job reports an error and
# nothing mentions a verify failure.
e2e_fio() {
	name=$1
	shift
	# fio writes its verify state files (local-*-verify.state) into the
	# working directory: run it in $tmp so the build tree stays clean.
	(cd "$tmp" && timeout -k 5 ${E2E_FIO_TIMEOUT:-90} fio --output-format=normal \
		--eta=never "$@") >"$tmp/$name.fio" 2>&1
	rc=$?
	errs=$(grep -c 'err= *[1-9]' "$tmp/$name.fio")
	verr=$(grep -ci 'verify.*\(fail\|bad\|mismatch\)\|bad magic\|crc32c: wanted\|md5: wanted' \
		"$tmp/$name.fio")
	if [ $rc -eq 0 ] && [ "$errs" -eq 0 ] && [ "$verr" -eq 0 ] &&
	   grep -q 'err= 0' "$tmp/$name.fio"; then
		ok "fio $name (exit 0, 0 errors, 0 verify failures)"
		return 0
	fi
	ko "fio $name: exit $rc, $errs job(s) with errors, $verr verify failure line(s)"
	grep -i 'err=\|verify\|error' "$tmp/$name.fio" | head -20 | sed 's/^/  fio: /'
	return 1
}

# e2e_fio_bg NAME FIO-ARGS...: e2e_fio in the background; E2E_FPID is the
# subshell, its verdict goes to $tmp/NAME.verdict.
e2e_fio_bg() {
	name=$1
	(
		e2e_pass=0 e2e_fail=0
		e2e_fio "$@" >"$tmp/$name.verdict.txt"
		echo $? >"$tmp/$name.verdict"
	) &
	E2E_FPID=$!
}

# e2e_fio_wait NAME: wait for a background fio and count its verdict.
e2e_fio_wait() {
	wait "$E2E_FPID"
	cat "$tmp/$1.verdict.txt"
	if [ "$(cat "$tmp/$1.verdict" 2>/dev/null)" = 0 ]; then
		e2e_pass=$((e2e_pass + 1))
	else
		e2e_fail=$((e2e_fail + 1))
	fi
}

# Common fio arguments for a verified random-write load on a FUSE file.
E2E_FIO_COMMON="--ioengine=psync --direct=1 --group_reporting=0"
