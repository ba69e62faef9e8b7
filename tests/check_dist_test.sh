#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/check_dist.sh against a private git checkout: a tarball tree with
# every tracked file passes, one without a tracked file fails naming it, a
# source that is no git checkout is not compared.
set -u
: "${top_srcdir:?}"
command -v git >/dev/null 2>&1 || { echo "check_dist_test: no git; skipped"; exit 77; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail=0
ko() { echo "FAIL: $*"; fail=1; }
git init -q "$t/src" && mkdir -p "$t/src/sub" &&
	echo a >"$t/src/a" && echo b >"$t/src/sub/b" && echo x >"$t/src/.gitignore" &&
	git -C "$t/src" add a sub/b .gitignore || { echo "FAIL: git"; exit 1; }
mkdir -p "$t/dist/sub" && cp "$t/src/a" "$t/src/sub/b" "$t/dist/" 2>/dev/null
mv "$t/dist/b" "$t/dist/sub/b"
out=$(sh "$top_srcdir/tests/check_dist.sh" "$t/src" "$t/dist" 2>&1) || ko "complete tree refused: $out"
rm "$t/dist/sub/b"
out=$(sh "$top_srcdir/tests/check_dist.sh" "$t/src" "$t/dist" 2>&1) && ko "tree without sub/b accepted"
echo "$out" | grep -qx '  sub/b' || ko "sub/b not named: $out"
echo "$out" | grep -q 'gitignore' && ko ".gitignore named: $out"
rm -rf "$t/src/.git"
out=$(sh "$top_srcdir/tests/check_dist.sh" "$t/src" "$t/dist" 2>&1) || ko "no checkout, yet compared: $out"
echo "$out" | grep -q 'not a git checkout' || ko "no checkout not said: $out"
[ $fail = 0 ] && echo "check_dist_test: 5 checks passed"
exit $fail
