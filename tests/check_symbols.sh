#!/bin/sh
# libfcnvme.so exports only fcnvme_*, nvmet_fc_* and nvme_fc_* (plus the
# version node); anything else leaked through the version script.
set -eu
: "${top_builddir:?}"
lib=$(ls "$top_builddir"/libfcnvme/.libs/libfcnvme.so.* 2>/dev/null | head -n 1)
[ -n "$lib" ] || { echo "FAIL: libfcnvme.so not built"; exit 1; }
all=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | sort -u)
bad=$(printf '%s\n' "$all" | grep -v -E '^(fcnvme_|nvmet_fc_|nvme_fc_|FCNVME_0$)' || true)
if [ -n "$bad" ]; then
	echo "FAIL: unexpected exported symbols:"; printf '  %s\n' $bad
	exit 1
fi
n=$(printf '%s\n' "$all" | grep -c . || true)
echo "symbols: 1 passed, 0 failed ($n exported)"
