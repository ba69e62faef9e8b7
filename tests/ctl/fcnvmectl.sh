#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# fcnvmectl from the shell against ctl_testd (the real control server,
# handlers and config code on fake ports/core). Each line of cases is
# NAME|ARGS|STATUS; stdout must equal expected/NAME.out and stderr
# expected/NAME.err (empty when the file is absent). Every case that asks
# for JSON (-o json, -j, --json) is also parsed by Python's json module:
# every key of every object must be snake_case, and a failed command's
# stderr must be the error object {"error": {"message": S, "errno": N}}.
# Then config save, reload of a bad file (kept running config) and of a
# good one, a stopped daemon (a timeout, not a hang), and a socket the
# caller may not open (EACCES names the socket group).
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
	"$ctl" -s "$sock" "$@" >"$tmp/out.raw" 2>"$tmp/err.raw"
	got=$?
	# the configured default socket path (in --help) varies with the prefix
	sed 's|/[^ ]*/nvmetfcd/nvmetfcd\.sock|RUNSTATEDIR/nvmetfcd/nvmetfcd.sock|' "$tmp/out.raw" >"$tmp/out"
	sed 's|/[^ ]*/nvmetfcd/nvmetfcd\.sock|RUNSTATEDIR/nvmetfcd/nvmetfcd.sock|' "$tmp/err.raw" >"$tmp/err"
	case " $* " in
	*" -o json "* | *" -j "* | *" --json "* | *"=json "*)
		if ! json_ok "$got" "$tmp/out" "$tmp/err"; then
			echo "FAIL $name: JSON output"; fail=$((fail + 1)); return
		fi ;;
	esac
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
# json_ok STATUS OUT ERR: on success OUT is empty or JSON whose keys are
# all snake_case; on failure OUT is empty and ERR is one error object.
json_ok() {
	python3 - "$@" <<'PY'
import json, re, sys
status, out, err = int(sys.argv[1]), open(sys.argv[2]).read(), open(sys.argv[3]).read()
def keys(o):
    if isinstance(o, dict):
        for k, v in o.items():
            yield k
            yield from keys(v)
    elif isinstance(o, list):
        for v in o:
            yield from keys(v)
if status == 0:
    if out.strip():
        bad = [k for k in keys(json.loads(out)) if not re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", k)]
        if bad:
            sys.exit("keys not snake_case: %s" % bad)
else:
    e = json.loads(err)
    if out or list(e) != ["error"] or sorted(e["error"]) != ["errno", "message"] \
            or not isinstance(e["error"]["errno"], int) or e["error"]["errno"] <= 0 \
            or not e["error"]["message"]:
        sys.exit("not an error object: %r" % err)
PY
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

# A socket the caller may not open: the message names the socket group,
# not "is nvmetfcd running?" (which stays for a socket that is not there).
# As root, an unprivileged user (uid/gid 65534) runs fcnvmectl against the
# daemon's 0660 socket; when that user cannot reach the binary, root
# without CAP_DAC_OVERRIDE runs it against a socket made mode 000, as any
# other user does.
perm_check() {	# name args...
	name=$1
	shift
	chmod 755 "$tmp"
	if [ "$(id -u)" = 0 ] &&
		setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$ctl" 2>/dev/null; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$ctl" -s "$sock" "$@" \
			>"$tmp/out" 2>"$tmp/err.raw"
	elif [ "$(id -u)" = 0 ]; then
		chmod 000 "$sock"
		setpriv --bounding-set=-dac_override,-dac_read_search --inh-caps=-all \
			"$ctl" -s "$sock" "$@" >"$tmp/out" 2>"$tmp/err.raw"
	else
		chmod 000 "$sock"
		"$ctl" -s "$sock" "$@" >"$tmp/out" 2>"$tmp/err.raw"
	fi
	st=$?
	chmod 700 "$tmp"
	chmod 660 "$sock"
	sed "s|$sock|SOCK|" "$tmp/err.raw" >"$tmp/err"
	[ "${GENERATE:-0}" = 1 ] && cp "$tmp/err" "$here/expected/$name.err"
	if [ $st -eq 1 ] && [ ! -s "$tmp/out" ] && diff -u "$here/expected/$name.err" "$tmp/err"; then
		pass=$((pass + 1))
	else
		echo "FAIL $name: exit $st"; cat "$tmp/err"; fail=$((fail + 1))
	fi
}
perm_check eacces status
perm_check eacces-json -o json status
not_running() {	# name socket: no socket, or one nobody listens on
	"$ctl" -s "$2" status >"$tmp/out" 2>"$tmp/err.raw"
	st=$?
	sed "s|$tmp|TMP|" "$tmp/err.raw" >"$tmp/err"
	[ "${GENERATE:-0}" = 1 ] && cp "$tmp/err" "$here/expected/$1.err"
	if [ $st -eq 1 ] && diff -u "$here/expected/$1.err" "$tmp/err"; then
		pass=$((pass + 1))
	else
		echo "FAIL $1: exit $st"; fail=$((fail + 1))
	fi
}
not_running enoent "$tmp/none.sock"
# a socket file left behind by a daemon that is gone (bound, never listening)
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$tmp/dead.sock"
not_running econnrefused "$tmp/dead.sock"

# The daemon is still there and answering.
check version-end 0 version
echo "fcnvmectl: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
