#!/bin/sh
# The ABI of libfcnvme.so (docs/ABI.md), checked against its headers:
#  - every exported symbol carries a version node, a public one (FCNVME_0,
#    or FCNVME_0.<minor> for a later release's additions) or FCNVME_PRIVATE:
#    nothing leaked past libfcnvme/libfcnvme.sym;
#  - the public nodes are exactly the functions the installed headers
#    ($fcnvme_public_headers, fcnvme_include_HEADERS in libfcnvme/local.am)
#    declare: each one is exported, and nothing else is public;
#  - each FCNVME_PRIVATE symbol is declared in a header that is not installed.
set -eu
: "${top_builddir:?}" "${top_srcdir:?}" "${fcnvme_public_headers:?}"
lib=$(ls "$top_builddir"/libfcnvme/.libs/libfcnvme.so.* 2>/dev/null | head -n 1)
[ -n "$lib" ] || { echo "FAIL: libfcnvme.so not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

# name@@NODE for each defined dynamic symbol, minus the node symbols.
nm -D --defined-only "$lib" | awk '{print $3}' | sort -u >"$tmp/all"
grep -v -E '^FCNVME_[0-9A-Z_.]+(@@FCNVME_[0-9A-Z_.]+)?$' "$tmp/all" >"$tmp/syms" || true
pub='FCNVME_0(\.[0-9]+)*'
grep -v -E "@@($pub|FCNVME_PRIVATE)\$" "$tmp/syms" >"$tmp/bad" || true
[ -s "$tmp/bad" ] && ko "exported outside the public nodes and FCNVME_PRIVATE: $(tr '\n' ' ' <"$tmp/bad")"
grep -E "@@$pub\$" "$tmp/syms" | sed 's/@@.*//' | sort -u >"$tmp/public"
sed -n 's/@@FCNVME_PRIVATE$//p' "$tmp/syms" | sort -u >"$tmp/private"

# The functions a set of headers declares (comments removed): an identifier
# with one of the library's prefixes directly followed by '('.
declared() {
	for h in "$@"; do
		perl -0pe 's{/\*.*?\*/}{}gs; s{//[^\n]*}{}g' "$top_srcdir/$h"
	done | grep -o -E '\b(fcnvme|nvme_fc|nvmet_fc)_[a-z0-9_]+\(' | tr -d '(' | sort -u
}
# shellcheck disable=SC2086
declared $fcnvme_public_headers >"$tmp/decl_public"
all_headers=$(cd "$top_srcdir" && ls libfcnvme/include/fcnvme/*.h)
private_headers=$(for h in $all_headers; do
	case " $fcnvme_public_headers " in *" $h "*) ;; *) echo "$h" ;; esac
done)
# shellcheck disable=SC2086
declared $private_headers >"$tmp/decl_private"

comm -13 "$tmp/public" "$tmp/decl_public" >"$tmp/x"
[ -s "$tmp/x" ] && ko "declared in an installed header but not exported in a public node: $(tr '\n' ' ' <"$tmp/x")"
comm -23 "$tmp/public" "$tmp/decl_public" >"$tmp/x"
[ -s "$tmp/x" ] && ko "public (FCNVME_0*) but in no installed header: $(tr '\n' ' ' <"$tmp/x")"
comm -23 "$tmp/private" "$tmp/decl_private" >"$tmp/x"
[ -s "$tmp/x" ] && ko "FCNVME_PRIVATE but in no private header: $(tr '\n' ' ' <"$tmp/x")"
comm -12 "$tmp/decl_private" "$tmp/decl_public" >"$tmp/x"
[ -s "$tmp/x" ] && ko "declared in both a private and an installed header: $(tr '\n' ' ' <"$tmp/x")"

np=$(grep -c . "$tmp/public" || true)
nq=$(grep -c . "$tmp/private" || true)
[ "$np" -gt 0 ] || ko "no public symbol at all"
if [ "$fail" -gt 0 ]; then
	echo "symbols: 0 passed, $fail failed"
	exit 1
fi
echo "symbols: 1 passed, 0 failed ($np public, $nq FCNVME_PRIVATE)"
