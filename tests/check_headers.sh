#!/bin/sh
# Compile every public libfcnvme header on its own, with the project's warnings.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for h in "$top_srcdir"/libfcnvme/include/fcnvme/*.h; do
	name=fcnvme/$(basename "$h")
	printf '#include <%s>\n#include <%s>\n' "$name" "$name" > "$tmp/t.c"
	if ! $CC -std=gnu11 -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	    -I"$top_srcdir/libfcnvme/include" -c "$tmp/t.c" -o "$tmp/t.o"; then
		echo "FAIL: $name does not compile on its own"
		exit 1
	fi
	n=$((n + 1))
done
echo "headers: $n passed, 0 failed"
