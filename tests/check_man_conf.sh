#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# nvmetfcd.conf(5) documents every setting the daemon prints: each
# configuration under conf/ and tests/conf/good/ is normalised with
# nvmetfcd -n -v (which writes every setting with its default) and each setting
# name in the output must be a setting (".TP" then "\fBname\fR") or a
# section (".SS name = ") of the generated page. Port names used as keys
# (ana_groups' per-port states) are not settings. The page itself comes from
# daemon/conf/conf_opts.c, and generating it fails when a table entry has no
# description, so a new setting cannot be left out.
set -u
: "${top_builddir:?}" "${top_srcdir:?}"
page=$top_builddir/man/nvmetfcd.conf.5
daemon=$top_builddir/daemon/nvmetfcd
[ -s "$page" ] || { echo "FAIL: $page not generated"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -n 's/^\\fB\([a-z_0-9]*\)\\fR.*/\1/p; s/^\.SS \([a-z_0-9]*\) = .*/\1/p' "$page" | sort -u >"$tmp/documented"
pass=0 fail=0
for conf in "$top_srcdir"/conf/*.conf "$top_srcdir"/tests/conf/good/*.conf; do
	[ -e "$conf" ] || continue
	if ! "$daemon" -n -v -c "$conf" >"$tmp/norm" 2>"$tmp/err"; then
		# tests/conf/good holds some files that need their includes
		# from their own directory only; they all parse.
		echo "FAIL: $conf: $(cat "$tmp/err")"
		fail=$((fail + 1))
		continue
	fi
	sed -n 's/^[[:space:]]*name = "\([^"]*\)";/\1/p' "$tmp/norm" | sort -u >"$tmp/portnames"
	sed -n 's/^[[:space:]]*\([a-z_0-9]*\) = .*/\1/p' "$tmp/norm" | sort -u |
		comm -23 - "$tmp/portnames" | comm -23 - "$tmp/documented" >"$tmp/missing"
	if [ -s "$tmp/missing" ]; then
		echo "FAIL: $conf: not in nvmetfcd.conf(5): $(tr '\n' ' ' <"$tmp/missing")"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done
[ "$pass" -gt 0 ] || { echo "FAIL: no configuration checked"; exit 1; }
echo "man conf: $pass passed, $fail failed ($(grep -c . "$tmp/documented") names documented)"
[ "$fail" -eq 0 ]
