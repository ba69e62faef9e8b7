#!/usr/bin/env bash
# nvmetfcd quick start.
#   ./quickstart.sh        install build dependencies, build, run the demo
#   ./quickstart.sh test   the same set-up, then make check in a normal and in
#                          an ASan+UBSan build, and a clang build whose
#                          threaded tests run under TSan
#   ./quickstart.sh release  make distcheck, then the Debian packages: build,
#                          lintian, install, the demo with the installed
#                          programs, purge (tests/pkg/deb.sh)
set -euo pipefail
cd "$(dirname "$0")"
top=$(pwd)
mode=${1:-demo}
jobs=$(nproc 2>/dev/null || echo 2)
# Seconds per fuzz target where a stage repeats the fuzz campaign of the
# normal build's make check (FUZZ_TIME there, default 20).
repeat_fuzz_time=3

# Debian packages the build, the tests and the demo need.
pkgs=(build-essential autoconf automake libtool pkg-config
      libevent-dev libconfig-dev libnl-3-dev libnl-genl-3-dev libsystemd-dev
      check liburing-dev libfuse3-dev fuse3 libjson-c-dev libssl-dev zlib1g-dev
      clang clang-format systemd strace fio e2fsprogs util-linux procps
      # tests/integration/metrics.sh parses `fcnvmectl stats -o openmetrics`
      # with prometheus_client's OpenMetrics parser (Debian's python3)
      python3 python3-prometheus-client
      # the VM tests (tests/vm): a Debian guest kernel under QEMU running
      # Linux's nvme-fc host; tests/vm/lib.sh fetches the kernel itself
      qemu-system-x86 busybox-static cpio kmod nvme-cli xz-utils linux-headers-amd64)
# Ceph for the rbd backend (librbd-dev) and its tests (a private one-node
# cluster: ceph-mon, ceph-osd, the ceph/rbd tools). Installed without
# recommends: ceph-mgr and friends are not needed.
ceph_pkgs=(ceph-mon ceph-osd ceph-common librbd-dev)

install_deps() {
	local missing=() ceph_missing=() p
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	for p in "${ceph_pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			ceph_missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ] && [ ${#ceph_missing[@]} -eq 0 ]; then
		echo "quickstart: all build dependencies are installed"
		return
	fi
	echo "quickstart: installing missing packages: ${missing[*]} ${ceph_missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		echo "quickstart: need root to install them (run as root or install them yourself)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	[ ${#missing[@]} -eq 0 ] || apt-get install -y -qq "${missing[@]}" >/dev/null
	[ ${#ceph_missing[@]} -eq 0 ] ||
		apt-get install -y -qq --no-install-recommends "${ceph_missing[@]}" >/dev/null
}

# build DIR [configure args...]
build() {
	local dir=$1; shift
	[ -x configure ] && [ configure -nt configure.ac ] && [ Makefile.in -nt Makefile.am ] ||
		autoreconf -fi >/dev/null
	mkdir -p "$dir"
	(cd "$dir" &&
	 { [ -f Makefile ] && [ config.status -nt "$top/configure" ] ||
	   "$top/configure" -q --enable-werror "$@"; } &&
	 make -s -j"$jobs")
}

# summarize DIR: each test's own closing line (Check's "N%: Checks: ..."
# or "NAME: N passed, M failed"), so CI shows what ran, not just PASS.
summarize() {
	local log line
	for log in $(find "$1/tests" -name '*.log' ! -name test-suite.log | sort); do
		line=$(grep -E '^[0-9]+%: Checks: |: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
		printf '  %-44s %s\n' "${log#$1/}" "${line:-(no summary line)}"
	done
}

# tree_id: what the tree is (commit and uncommitted changes), for the test
# stage to tell the release stage which tree it passed on ("" outside git)
tree_id() {
	git -C "$top" rev-parse -q HEAD 2>/dev/null &&
		git -C "$top" status --porcelain 2>/dev/null | sha256sum
}

# show_failures DIR: every failed test's failed checks, seeds, Ceph report
# and last lines
show_failures() {
	local log
	for log in $(grep -l -E '^(FAIL|ERROR)' $(find "$1/tests" -name '*.log' ! -name test-suite.log) 2>/dev/null); do
		echo "---- $log: its failed checks and seeds"
		grep -E '(^|: )(FAIL|not ok)|FAILED|[Ss]eed' "$log" | head -n 30
		if grep -q '^  ceph: ' "$log"; then
			echo "---- $log: the Ceph cluster's report"
			grep '^  ceph: ' "$log" | head -n 200
		fi
		echo "---- $log (last 40 lines)"
		grep -v "^  ceph: " "$log" | tail -n 40
	done
}

install_deps
build build

case "$mode" in
demo)
	exec "$top/tests/demo.sh" "$top/build"
	;;
test)
	echo "quickstart: make check (normal build, at $SECONDS s)"
	# The VM tests (tests/vm) run afterwards on their own: an emulated
	# guest would starve the timing-sensitive tests on a 2-core machine.
	VM_DEFER=1 make -C build -s -j"$jobs" check || { show_failures build; exit 1; }
	echo "quickstart: the VM tests (Linux's nvme-fc host in QEMU against nvmetfcd, at $SECONDS s)"
	make -C build -s -j"$jobs" check-vm || { show_failures build; exit 1; }
	summarize build
	echo "quickstart: make check (ASan + UBSan build, at $SECONDS s)"
	build build-san --enable-asan --enable-ubsan
	# The fuzz targets are the same binaries in every build (their own
	# clang flags, ASan+UBSan included): their FUZZ_TIME campaign ran
	# above; here they replay their corpora and fuzz for a few seconds,
	# from another seed (the first would make the same inputs again).
	FUZZ_TIME=$repeat_fuzz_time FUZZ_SEED=${FUZZ_SEED:-2} \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		make -C build-san -s -j"$jobs" check || { show_failures build-san; exit 1; }
	summarize build-san
	# The tests whose threads share memory inside one process: message
	# rings and the control inbox, the soft HBA's rings, and the target
	# transport with real hwq threads. (Cross-process sharing through the
	# soft fabric is invisible to TSan, so multi-process tests stay out.)
	# This build uses clang: the whole tree is built, so clang's warnings
	# (errors here, as gcc's above) are checked too.
	echo "quickstart: clang build, threaded tests under ThreadSanitizer (at $SECONDS s)"
	# (a build-tsan configured some other way, e.g. by hand with gcc, is
	# configured again)
	if [ -f build-tsan/config.status ] &&
	   ! grep -q "^ac_cs_config=.* CC=clang'\$" build-tsan/config.status; then
		rm -rf build-tsan
	fi
	mkdir -p build-tsan
	(cd build-tsan &&
	 { [ -f Makefile ] || CC=clang "$top/configure" -q --enable-werror --enable-tsan; } &&
	 make -s -j"$jobs" &&
	 make -s -j"$jobs" tests/unit/check_nvmetfcd tests/unit/check_hw tests/unit/check_libfcnvme \
		tests/unit/check_control tests/unit/check_daemon)
	export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
	build-tsan/tests/unit/check_nvmetfcd
	build-tsan/tests/unit/check_hw
	CK_RUN_SUITE=nvmet_fc_threads build-tsan/tests/unit/check_libfcnvme
	# control requests waiting for backend opens on their own thread
	CK_RUN_SUITE=ctl_preopen build-tsan/tests/unit/check_control
	# the rbd backend's jobs (the pool-full check, a changed header's
	# size, a fenced namespace's reconnect) on their own threads
	CK_RUN_SUITE=rbd_job build-tsan/tests/unit/check_daemon
	unset TSAN_OPTIONS
	echo "quickstart: all tests passed (normal, ASan+UBSan, TSan) in $SECONDS s"
	tree_id >build/tested-tree
	;;
release)
	echo "quickstart: make distcheck"
	# The VM and the end-to-end tests ran in the test stage, on this tree,
	# the latter in two builds: the tarball check skips them (its dist-hook
	# checks that the tarball has every file git tracks, their scripts and
	# configs among them), and runs the fuzz targets (built as in the test
	# stage) only briefly, from a seed of their own.
	# (only when the test stage passed on this very tree: build/tested-tree)
	e2e_skip=
	id=$(tree_id || true)
	if [ -n "$id" ] && [ "$id" = "$(cat build/tested-tree 2>/dev/null)" ]; then
		e2e_skip="./quickstart.sh test passed on this tree"
		echo "quickstart: the end-to-end tests are skipped ($e2e_skip)"
	fi
	VM_DEFER=1 E2E_SKIP=$e2e_skip \
		FUZZ_TIME=$repeat_fuzz_time FUZZ_SEED=${FUZZ_SEED:-3} make -C build -s -j"$jobs" distcheck >build/distcheck.log 2>&1 ||
		{ tail -60 build/distcheck.log; exit 1; }
	grep -A2 'archives ready' build/distcheck.log
	echo "quickstart: Debian packages (at $SECONDS s)"
	"$top/tests/pkg/deb.sh"
	;;
*)
	echo "usage: $0 [test|release]" >&2
	exit 2
	;;
esac
