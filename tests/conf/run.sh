#!/bin/sh
# Golden configuration tests (bgpd regress style):
#  - every shipped file in conf/ parses;
#  - tests/conf/good/NAME.conf prints exactly NAME.ok, and the printed form
#    re-parses to the same text (print -> load -> print is a fixed point);
#  - tests/conf/bad/NAME.conf fails with exactly the message in NAME.err
#    (the file name is replaced by FILE, its directory by DIR), and with
#    every error in NAME.all when there is one (`nvmetfcd -n`);
#  - tests/conf/warn/NAME.conf is valid and warns exactly NAME.warn (what
#    `nvmetfcd -n` warns about), with a fabric "lab" and no other.
# Files under good/inc and bad/inc are only read through @include.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
check="$top_builddir/tests/conf/conf_check"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

for f in "$top_srcdir"/conf/*.conf; do
	if "$check" "$f" 2>"$tmp/err"; then ok; else ko "$f: $(cat "$tmp/err")"; fi
done
for f in "$top_srcdir"/tests/conf/good/*.conf; do
	n=${f%.conf}
	if ! "$check" -p "$f" >"$tmp/out" 2>"$tmp/err"; then
		ko "$f: $(cat "$tmp/err")"; continue
	fi
	if diff -u "$n.ok" "$tmp/out"; then ok; else ko "$f: output differs from $n.ok"; fi
	"$check" -p "$tmp/out" >"$tmp/out2" 2>"$tmp/err" || { ko "$f: reprint: $(cat "$tmp/err")"; continue; }
	if cmp -s "$tmp/out" "$tmp/out2"; then ok; else ko "$f: print is not a fixed point"; fi
done
for f in "$top_srcdir"/tests/conf/bad/*.conf; do
	n=${f%.conf}
	if "$check" "$f" 2>"$tmp/err"; then ko "$f: accepted"; continue; fi
	sed -e "s|^$f:|FILE:|" -e "s|${f%/*}/|DIR/|g" "$tmp/err" >"$tmp/err2"
	if diff -u "$n.err" "$tmp/err2"; then ok; else ko "$f: wrong message"; fi
	[ -f "$n.all" ] || continue
	if "$check" -a "$f" 2>"$tmp/err"; then ko "$f: accepted (-a)"; continue; fi
	sed -e "s|^$f:|FILE:|" -e "s|${f%/*}/|DIR/|g" "$tmp/err" >"$tmp/err2"
	if diff -u "$n.all" "$tmp/err2"; then ok; else ko "$f: wrong messages (-a)"; fi
done
FCNVME_SHM_DIR=$tmp/shm
export FCNVME_SHM_DIR
"$top_builddir/tools/softhbactl" fabric create lab >/dev/null || ko "fabric create lab"
for f in "$top_srcdir"/tests/conf/warn/*.conf; do
	n=${f%.conf}
	if ! "$check" -w "$f" >"$tmp/out" 2>"$tmp/err"; then
		ko "$f: $(cat "$tmp/err")"; continue
	fi
	sed -e "s|^$f:|FILE:|" "$tmp/out" >"$tmp/out2"
	if diff -u "$n.warn" "$tmp/out2"; then ok; else ko "$f: wrong warnings"; fi
done
echo "conf: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
