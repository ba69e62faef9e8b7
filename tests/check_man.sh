#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every generated manual page reads without a warning (man --warnings, as
# Debian's lintian does) and names its program; every generated bash
# completion script parses and defines its completion.
set -eu
cd "${top_builddir:?}"
fail=0
n=0
for page in ${GENERATED_MANS:-}; do
	n=$((n + 1))
	if [ ! -s "$page" ]; then
		echo "FAIL: $page is missing or empty"
		fail=1
		continue
	fi
	out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 "${MAN:-man}" --warnings -E UTF-8 -l -Tutf8 "$page" 2>&1 >/dev/null) || {
		echo "FAIL: man could not format $page: $out"
		fail=1
		continue
	}
	if [ -n "$out" ]; then
		echo "FAIL: $page: $out"
		fail=1
		continue
	fi
	name=$(basename "$page")
	name=${name%.*}
	if ! LC_ALL=C.UTF-8 MANWIDTH=80 "${MAN:-man}" -l "$page" 2>/dev/null | grep -q -- "^NAME"; then
		echo "FAIL: $page has no NAME section"
		fail=1
		continue
	fi
	echo "ok: $page ($name)"
done
for script in ${GENERATED_COMPLETIONS:-}; do
	n=$((n + 1))
	prog=$(basename "$script")
	if ! out=$(bash --norc --noprofile -c "source '$script' && complete -p '$prog'" 2>&1); then
		echo "FAIL: $script: $out"
		fail=1
		continue
	fi
	echo "ok: $script ($out)"
done
if [ "$n" -eq 0 ]; then
	echo "FAIL: no generated manual page or completion script is listed"
	exit 1
fi
exit $fail
