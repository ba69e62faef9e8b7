#!/bin/sh
# The systemd unit passes systemd-analyze verify (the binary path is pointed
# at the build tree so the check does not need an installed daemon).
set -eu
: "${top_builddir:?}"
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "FAIL: systemd-analyze not installed (apt-get install systemd)"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
daemon="$top_builddir/daemon/nvmetfcd"
[ -x "$daemon" ] || daemon=/bin/true
sed -e "s|^ExecStartPre=[^ ]*|ExecStartPre=$daemon|" \
    -e "s|^ExecStart=[^ ]*|ExecStart=$daemon|" \
    "$top_builddir/systemd/nvmetfcd.service" > "$tmp/nvmetfcd.service"
out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify "$tmp/nvmetfcd.service" 2>&1 || echo "exit status $?")
# verify also complains about unrelated units of the host; keep ours.
mine=$(printf '%s\n' "$out" | grep -E 'nvmetfcd\.service|exit status' || true)
if [ -n "$mine" ]; then
	printf '%s\n' "$mine"
	echo "FAIL: systemd-analyze verify"
	exit 1
fi
echo "unit: 1 passed, 0 failed"
