#!/usr/bin/env bash
# The quick-start demo: a software fabric, nvmetfcd with conf/demo.conf and the
# fcnvme initiator running a short verified workload.
set -euo pipefail
build=${1:?usage: demo.sh BUILDDIR}
missing=()
for b in tools/softhbactl daemon/nvmetfcd tools/fcnvme; do
	[ -x "$build/$b" ] || missing+=("$b")
done
if [ ${#missing[@]} -ne 0 ]; then
	echo "demo: not built yet: ${missing[*]}"
	echo "demo: the end-to-end demo needs all three; see README.md for what exists today."
	exit 0
fi
exec "$(dirname "$0")/integration/demo_run.sh" "$build"
