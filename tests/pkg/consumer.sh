#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A consumer of the installed libfcnvme (docs/ABI.md), from nothing but the
# pkg-config file and what it points to:
#  - the installed headers are exactly the public ones (the control protocol
#    and the wire helpers stay private), and each compiles on its own as
#    strict C11 with -I from pkg-config only;
#  - tests/pkg/consumer.c (an LLDD registering a target port) builds and
#    links with `pkg-config --cflags --libs libfcnvme`, runs against the
#    installed library and prints exactly the expected lines;
#  - the program binds only to the public version node FCNVME_0.
# Usage: tests/pkg/consumer.sh PKGCONFIGDIR (run by `make installcheck`,
# hence by `make distcheck`, and by tests/pkg/deb.sh with the system's).
set -eu
[ $# -eq 1 ] || { echo "usage: $0 PKGCONFIGDIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
CC=${CC:-cc}
PKG_CONFIG_PATH=$1${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
export PKG_CONFIG_PATH
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcnvme-consumer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

if ! pkg-config --exists libfcnvme; then
	echo "FAIL: no libfcnvme.pc in $1"
	exit 1
fi
cflags=$(pkg-config --cflags libfcnvme)
libs=$(pkg-config --libs libfcnvme)
incdir=$(pkg-config --variable=includedir libfcnvme)
libdir=$(pkg-config --variable=libdir libfcnvme)

got=$(cd "$incdir/fcnvme" && ls | tr '\n' ' ')
want="nvme.h nvme_fc_driver.h nvme_fc_host.h nvmet_fc_core.h "
[ "$got" = "$want" ] && ok "installed headers: $want" ||
	ko "installed headers: '$got', expected '$want'"
[ ! -e "$incdir/fcnvmectl" ] && ok "the control protocol's headers are not installed" ||
	ko "$incdir/fcnvmectl installed"

for h in $want; do
	printf '#include <fcnvme/%s>\n#include <fcnvme/%s>\n' "$h" "$h" >"$tmp/h.c"
	# shellcheck disable=SC2086
	if $CC -std=c11 -pedantic -Wall -Wextra -Werror $cflags -c "$tmp/h.c" -o "$tmp/h.o"; then
		ok "<fcnvme/$h> compiles on its own (C11)"
	else
		ko "<fcnvme/$h> does not compile on its own"
	fi
done

# shellcheck disable=SC2086
if $CC -std=c11 -pedantic -Wall -Wextra -Werror $cflags -o "$tmp/consumer" \
	"$here/consumer.c" $libs; then
	ok "consumer.c builds with pkg-config --cflags --libs libfcnvme"
else
	ko "consumer.c does not build"
	echo "consumer: $pass passed, $fail failed"
	exit 1
fi
cat >"$tmp/want" <<'OUT'
register without fcp_op: -22
register: 0
targetport: wwnn 0x20000090fa000001 wwpn 0x10000090fa000001 port_id 0x010100 private set
unregister: 0, targetport_delete calls: 1
dma_alloc without a device: 0, handle is the address: yes
OUT
if LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} "$tmp/consumer" >"$tmp/got" &&
	cmp -s "$tmp/want" "$tmp/got"; then
	ok "consumer runs against $libdir/libfcnvme.so and prints the expected lines"
else
	ko "consumer output differs:"
	diff "$tmp/want" "$tmp/got" || true
fi
LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} ldd "$tmp/consumer" |
	grep -q "libfcnvme.so.0 => $libdir/" && ok "bound to $libdir/libfcnvme.so.0" ||
	ko "consumer not bound to $libdir/libfcnvme.so.0"
nodes=$(objdump -T "$tmp/consumer" | grep -o 'FCNVME_[0-9A-Z_]*' | sort -u | tr '\n' ' ')
[ "$nodes" = "FCNVME_0 " ] && ok "the consumer binds only to FCNVME_0" ||
	ko "the consumer binds to version nodes '$nodes'"
echo "consumer: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
