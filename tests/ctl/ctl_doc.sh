#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fcnvmectl and softhbactl document what they parse: through the real
# binaries, every --long option and every command --help lists, and every
# argument and keyword option of each command's --help, appears in the
# generated manual page (--generate=man), every command has a --help
# of its own that exits 0, and the generated bash completion script,
# sourced into bash as bash-completion does, completes real command lines
# (command words, keyword options, fixed values, file names).
set -u
: "${top_builddir:?}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctl_doc.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

for prog in fcnvmectl softhbactl; do
	bin="$top_builddir/tools/$prog"
	"$bin" --help >"$tmp/help" || ko "$prog --help exits non-zero"
	"$bin" --generate=man >"$tmp/$prog.8" || ko "$prog --generate=man"
	"$bin" --generate=bash >"$tmp/$prog.bash" || ko "$prog --generate=bash"
	# groff writes "\-" for a dash in an option name; compare the plain text
	page=$(sed 's/\\-/-/g; s/\\f[BIR]//g' "$tmp/$prog.8")
	longs=$(grep -o -- '--[a-z][a-z-]*' "$tmp/help" | sort -u)
	[ -n "$longs" ] || ko "$prog --help lists no long option"
	for o in $longs; do
		case $page in
		*"$o"*) ok ;;
		*) ko "$prog: $o is in --help but not in the manual page" ;;
		esac
	done
	# the commands: the lines of the "commands:" block that start a command
	sed -n '/^commands:/,$p' "$tmp/help" | sed -n 's/^  \([a-z][a-z-]*\( [a-z][a-z-]*\)\{0,1\}\)\( .*\)\{0,1\}$/\1/p' |
		sed 's/ *[A-Z[].*//; s/ *$//' | sort -u >"$tmp/cmds"
	[ "$(wc -l <"$tmp/cmds")" -ge 10 ] || ko "$prog: fewer than 10 commands in --help"
	while read -r cmd; do
		case $page in
		*".TP
$cmd"*) ok ;;
		*) ko "$prog: command '$cmd' is in --help but not in the manual page" ;;
		esac
		# shellcheck disable=SC2086
		if "$bin" $cmd --help >"$tmp/cmdhelp" 2>&1 && grep -q "^usage: $prog $cmd" "$tmp/cmdhelp"; then
			ok
		else
			ko "$prog $cmd --help: $(head -2 "$tmp/cmdhelp")"
		fi
		# its keyword options and arguments are in the page too
		for kw in $(sed -n '/^\(options\|arguments\):/,$s/^  \([A-Za-z][A-Za-z0-9_-]*\)\( .*\)\{0,1\}$/\1/p' "$tmp/cmdhelp"); do
			case $page in
			*"
.TP
$kw"*) ok ;;
			*) ko "$prog $cmd: '$kw' is in its --help but not in the manual page" ;;
			esac
		done
	done <"$tmp/cmds"
	"$bin" --version | grep -Eq "^$prog \(nvmetfcd\) [0-9]" && ok || ko "$prog --version"
done

# complete PROG CWD WORDS...: COMPREPLY sorted on one line, the last word
# being completed.
complete_line() {
	prog=$1 cwd=$2
	shift 2
	(cd "$cwd" && bash --norc --noprofile -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		"_$(basename "$0")"
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' "$prog" "$tmp/$prog.bash" "$@")
}
expect() {	# expect WANT PROG CWD WORDS...
	want=$1
	shift
	got=$(complete_line "$@")
	[ "$got" = "$want" ] && ok || ko "completion of '${*:3}': got '$got', want '$want'"
}
mkdir -p "$tmp/files/d1" && : >"$tmp/files/img1" && : >"$tmp/files/img2"
expect "subsystem " fcnvmectl / fcnvmectl subs
expect "add add-port " fcnvmectl / fcnvmectl subsystem add
expect "allow-any-host " fcnvmectl / fcnvmectl subsystem add nqn.x:a allow
expect "no yes " fcnvmectl / fcnvmectl subsystem add nqn.x:a allow-any-host ""
expect "change inaccessible non-optimized optimized persistent-loss " \
	fcnvmectl / fcnvmectl -s /x ana set-state 1 ""
expect "debug info warn " fcnvmectl / fcnvmectl log level ""
expect "host namespace port subsystem " fcnvmectl / fcnvmectl stats ""
expect "file null ram rbd " fcnvmectl / fcnvmectl namespace add nqn.x:a ""
expect "img1 img2 " fcnvmectl "$tmp/files" fcnvmectl namespace add nqn.x:a file size 1G path img
expect "img1 img2 " fcnvmectl "$tmp/files" fcnvmectl config save img
expect "json normal openmetrics " fcnvmectl / fcnvmectl -o ""
expect "--output-format " fcnvmectl / fcnvmectl --out
expect "drop drop-cmd " softhbactl / softhbactl fault dro
expect "abts any cmd data els ls rsp " softhbactl / softhbactl --fabric f fault drop ""
expect "after count for port " softhbactl / softhbactl fault drop cmd ""
expect "opcode " softhbactl / softhbactl fault drop-cmd op
expect "json normal " softhbactl / softhbactl port list -o ""
expect "d1 " softhbactl "$tmp/files" softhbactl --dir d

echo "ctl_doc: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 40 ]
