#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# fcnvmectl from the shell against ctl_testd (the real control server,
# handlers and config code on fake ports/core). Each line of cases is
# NAME|ARGS|STATUS; stdout must equal expected/NAME.out and stderr
# expected/NAME.err (empty when the file is absent). Then config save,
# reload of a bad file (kept running config) and of a good one, and a
# stopped daemon (a timeout, not a hang).
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
here="$top_srcdir/tests/ctl"
ctl="$top_builddir/tools/fcnvmectl"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcnvmectl-test.XXXXXX") || exit 99
sock="$tmp/ctl.sock"
cp "$here/testd.conf" "$tmp/nvmetfcd.conf"
"$top_builddir/tests/ctl/ctl_testd" "$sock" "$tmp/nvmetfcd.conf" 2>"$tmp/testd.log" &
testd=$!
trap 'kill $testd 2>/dev/null; wait $testd 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
i=0
while [ ! -S "$sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
pass=0
fail=0
check() {	# name status args...
	name=$1 want=$2
	shift 2
	"$ctl" -s "$sock" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "${GENERATE:-0}" = 1 ]; then	# refresh expected/ (review it!)
		cp "$tmp/out" "$here/expected/$name.out"
		if [ -s "$tmp/err" ]; then cp "$tmp/err" "$here/expected/$name.err"; fi
	fi
	experr=/dev/null
	[ -f "$here/expected/$name.err" ] && experr="$here/expected/$name.err"
	if [ "$got" != "$want" ]; then
		echo "FAIL $name: exit $got, expected $want"; cat "$tmp/err"
		fail=$((fail + 1))
	elif ! diff -u "$here/expected/$name.out" "$tmp/out"; then
		echo "FAIL $name: stdout differs"; fail=$((fail + 1))
	elif ! diff -u "$experr" "$tmp/err"; then
		echo "FAIL $name: stderr differs"; fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}
# A missing or empty case list must fail, not pass with zero cases.
if [ ! -s "$here/cases" ]; then
	echo "FAIL: $here/cases is missing or empty"
	exit 1
fi
ncases=0
while IFS='|' read -r name args status; do
	[ -n "$name" ] || continue
	ncases=$((ncases + 1))
	# shellcheck disable=SC2086
	check "$name" "$status" $args
done <"$here/cases"
if [ "$ncases" -lt 10 ]; then
	echo "FAIL: only $ncases cases read from $here/cases"
	fail=$((fail + 1))
fi

# config save writes the running state; it re-parses to the same text.
check config-save 0 config save "$tmp/saved.conf"
sed "s|$tmp|TMP|g" "$tmp/saved.conf" >"$tmp/saved.norm"
[ "${GENERATE:-0}" = 1 ] && cp "$tmp/saved.norm" "$here/expected/saved.conf"
if diff -u "$here/expected/saved.conf" "$tmp/saved.norm"; then
	pass=$((pass + 1))
else
	echo "FAIL saved.conf differs"; fail=$((fail + 1))
fi

# A bad file is refused and the running configuration stays.
printf 'ports = ( { name = "p0"; dev = "eth0"; } );\n' >"$tmp/nvmetfcd.conf"
"$ctl" -s "$sock" config reload >"$tmp/out" 2>"$tmp/err"
st=$?
[ "${GENERATE:-0}" = 1 ] && sed "s|$tmp|TMP|" "$tmp/err" >"$here/expected/reload-bad.err"
if [ $st -eq 1 ] && sed "s|$tmp|TMP|" "$tmp/err" | diff -u "$here/expected/reload-bad.err" -; then
	pass=$((pass + 1))
else
	echo "FAIL reload-bad"; cat "$tmp/err"; fail=$((fail + 1))
fi
check subsys-list-kept 0 subsystem list

# A good file is applied as a difference. A dry run first lists the
# operations and changes nothing (config diff FILE the same for another
# file); the reload prints the same list; a second reload has nothing to do.
cp "$here/testd.conf" "$tmp/nvmetfcd.conf"
check config-dry-run 0 config reload --dry-run
check subsys-list-dry-run 0 subsystem list
cp "$here/testd.conf" "$tmp/other.conf"
check config-diff 0 config diff "$tmp/other.conf"
check config-diff-relative 1 config diff no-such.conf
check config-diff-bad 1 config diff /nonexistent/nvmetfcd.conf
check config-dry-run-extra 1 config reload --dry-run now
check config-reload 0 config reload
if diff -u "$here/expected/config-dry-run.out" "$tmp/out"; then
	pass=$((pass + 1))
else
	echo "FAIL config reload printed other operations than its dry run"; fail=$((fail + 1))
fi
check subsys-list-reloaded 0 subsystem list
check ns-list-reloaded 0 namespace list
check config-reload-again 0 config reload

# A daemon that is alive but does not answer: a timeout with a clear
# message, not a hang.
kill -STOP $testd
t0=$(date +%s)
"$ctl" -s "$sock" -t 1 status >"$tmp/out" 2>"$tmp/err"
st=$?
t1=$(date +%s)
kill -CONT $testd
sed "s|$sock|SOCK|" "$tmp/err" >"$tmp/err.norm"
[ "${GENERATE:-0}" = 1 ] && cp "$tmp/err.norm" "$here/expected/timeout.err"
if [ $st -eq 1 ] && [ $((t1 - t0)) -le 3 ] && [ ! -s "$tmp/out" ] &&
	diff -u "$here/expected/timeout.err" "$tmp/err.norm"; then
	pass=$((pass + 1))
else
	echo "FAIL timeout: exit $st after $((t1 - t0)) s"; fail=$((fail + 1))
fi
check bad-timeout 1 -t soon status

# The daemon is still there and answering.
check version-end 0 version
echo "fcnvmectl: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
