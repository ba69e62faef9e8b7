#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_dist.sh SRCDIR DISTDIR: every file git tracks in SRCDIR is in the
# tarball's tree DISTDIR (make dist's dist-hook), but for .gitignore. A
# file left out of EXTRA_DIST fails here, at once,
# rather than in some test of the tarball. Outside a git checkout (a build
# from the tarball itself) there is nothing to compare with.
set -u
src=$1
dist=$2
if [ ! -e "$src/.git" ] || ! command -v git >/dev/null 2>&1; then
	echo "check_dist: $src is not a git checkout; not compared"
	exit 0
fi
missing=$(git -C "$src" ls-files | while IFS= read -r f; do
	case $f in
	.gitignore) continue ;;
	esac
	[ -e "$dist/$f" ] || echo "$f"
done)
if [ -n "$missing" ]; then
	echo "check_dist: tracked in git but not in the tarball (add them to EXTRA_DIST):" >&2
	echo "$missing" | sed 's/^/  /' >&2
	exit 1
fi
echo "check_dist: every tracked file is in the tarball"
