#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Debian packages, as a user gets them: build them from a clean copy of
# the tree with dpkg-buildpackage, check them with lintian (no errors),
# install them on this machine, verify what they installed, run the
# quick-start demo with the installed programs, then purge them again.
# Needs root (apt-get). Usage: tests/pkg/deb.sh [KEEPDIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/nvmetfcd-deb.XXXXXX")}
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
pkgs=(nvmetfcd fcnvme-tools libfcnvme0 libfcnvme-dev)

need=()
for p in debhelper lintian dpkg-dev fakeroot; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq "${need[@]}" >/dev/null
fi

# A clean copy: what git tracks (and untracked files git does not ignore),
# without any build directory.
rm -rf "$work/nvmetfcd"
mkdir -p "$work/nvmetfcd"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$src" ls-files -z --cached --others --exclude-standard |
		(cd "$src" && xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$work/nvmetfcd"
else
	tar -C "$src" --exclude='./build*' -cf - . | tar -xf - -C "$work/nvmetfcd"
fi

echo "deb: dpkg-buildpackage in $work/nvmetfcd"
if (cd "$work/nvmetfcd" && DEB_BUILD_OPTIONS="parallel=$(nproc)" \
	dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1); then
	ok "dpkg-buildpackage -us -uc -b"
else
	ko "dpkg-buildpackage failed"; tail -40 "$work/build.log"
	echo "deb: $pass passed, $fail failed"; exit 1
fi
for p in "${pkgs[@]}"; do
	ls "$work"/"${p}"_*.deb >/dev/null 2>&1 && ok "package $p built" || ko "package $p missing"
done

# The unit's maintainer scripts: not enabled, and (no systemd PID 1 is
# needed to read them) restarted on upgrade, stopped on removal.
mkdir -p "$work/ctrl"
dpkg-deb -e "$(ls "$work"/nvmetfcd_*.deb)" "$work/ctrl"
grep -q "deb-systemd-invoke \$_dh_action 'nvmetfcd.service'" "$work/ctrl/postinst" &&
	grep -q "_dh_action=restart" "$work/ctrl/postinst" &&
	ok "postinst restarts a running nvmetfcd on upgrade" || ko "postinst does not restart nvmetfcd on upgrade"
grep -q "deb-systemd-invoke stop 'nvmetfcd.service'" "$work/ctrl/prerm" 2>/dev/null &&
	ok "prerm stops nvmetfcd on removal" || ko "prerm does not stop nvmetfcd"
# debhelper's --no-enable snippet enables only what was enabled before an
# upgrade, behind "debian-installed".
grep -q "deb-systemd-helper debian-installed 'nvmetfcd.service'" "$work/ctrl/postinst" &&
	ok "the unit is not enabled on install" || ko "the unit is enabled on install"

changes=$(ls "$work"/nvmetfcd_*.changes)
lintian --fail-on error "$changes" >"$work/lintian.log" 2>&1 &&
	ok "lintian: no errors" || { ko "lintian reports errors"; cat "$work/lintian.log"; }
# grep -c exits 1 when it counts nothing: no warnings is not a failure
echo "deb: lintian warnings: $(grep -c '^W:' "$work/lintian.log" || true)"

echo "deb: installing ${pkgs[*]}"
if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$work"/*.deb >"$work/install.log" 2>&1; then
	ok "apt-get install of the packages"
else
	ko "apt-get install failed"; tail -20 "$work/install.log"
fi
for f in /usr/sbin/nvmetfcd /usr/sbin/fcnvmectl /usr/bin/fcnvme /usr/bin/softhbactl \
	/usr/bin/softhba-vmport \
	/etc/nvmetfcd/nvmetfcd.conf /lib/systemd/system/nvmetfcd.service \
	/usr/include/fcnvme/nvme_fc_driver.h /usr/share/nvmetfcd/demo.conf \
	/usr/share/nvmetfcd/systemd/rbd.conf; do
	[ -e "$f" ] && ok "installed $f" || ko "not installed: $f"
done
# Every manual page and completion script make install produced is packaged
# (dh_missing fails the build otherwise) and reads cleanly once installed.
for f in /usr/share/man/man1/fcnvme.1.gz /usr/share/man/man8/softhba-vmport.8.gz \
	/usr/share/man/man8/nvmetfcd.8.gz /usr/share/man/man5/nvmetfcd.conf.5.gz \
	/usr/share/man/man8/fcnvmectl.8.gz /usr/share/man/man8/softhbactl.8.gz; do
	if [ -e "$f" ] && [ -z "$(man --warnings -l "$f" 2>&1 >/dev/null)" ]; then
		ok "installed $f, man reads it without warnings"
	else
		ko "manual page $f missing or warns"
	fi
done
for f in /usr/share/bash-completion/completions/fcnvme \
	/usr/share/bash-completion/completions/softhba-vmport \
	/usr/share/bash-completion/completions/fcnvmectl \
	/usr/share/bash-completion/completions/softhbactl; do
	bash --norc -c "source $f && complete -p ${f##*/}" >/dev/null 2>&1 &&
		ok "installed completion $f" || ko "completion $f missing or broken"
done
[ ! -e /usr/include/fcnvmectl ] && [ ! -e /usr/include/fcnvme/ls.h ] &&
	ok "the control protocol and the wire helpers stay private" ||
	ko "private headers installed under /usr/include"
getent group nvmetfcd >/dev/null && ok "the nvmetfcd group exists (sysusers.d)" ||
	ko "no nvmetfcd group after install"
[ "$(stat -c %G /run/nvmetfcd 2>/dev/null)" = nvmetfcd ] &&
	ok "/run/nvmetfcd belongs to group nvmetfcd (tmpfiles.d)" || ko "/run/nvmetfcd not created"
pkg-config --exists libfcnvme && ok "pkg-config libfcnvme" || ko "pkg-config libfcnvme"
/usr/sbin/nvmetfcd -n -c /etc/nvmetfcd/nvmetfcd.conf >/dev/null 2>&1 &&
	ok "the packaged configuration checks" || ko "nvmetfcd -n on the packaged configuration"
if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify /lib/systemd/system/nvmetfcd.service >"$work/verify.log" 2>&1 &&
		ok "systemd-analyze verify of the installed unit" ||
		{ ko "systemd-analyze verify"; cat "$work/verify.log"; }
fi
# A program built against the installed library, headers and pkg-config
# file, bound to the public version node only (tests/pkg/consumer.sh).
if "$src/tests/pkg/consumer.sh" "/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/pkgconfig" \
	>"$work/consumer.log" 2>&1; then
	ok "a program builds against the installed libfcnvme-dev (consumer.sh)"
else
	ko "consumer.sh against the installed libfcnvme-dev"; cat "$work/consumer.log"
fi

echo "deb: the demo with the installed programs"
if "$src/tests/integration/demo_run.sh" --installed 3 >"$work/demo.log" 2>&1; then
	ok "demo with the installed binaries"; grep -E 'IOPS|verify' "$work/demo.log" || true
else
	ko "demo with the installed binaries"; tail -30 "$work/demo.log"
fi

DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${pkgs[@]}" >/dev/null 2>&1 &&
	ok "purge" || ko "apt-get purge"
[ ! -e /usr/sbin/nvmetfcd ] && ok "nothing left after purge" || ko "files left after purge"
echo "deb: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
