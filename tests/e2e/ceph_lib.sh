# SPDX-License-Identifier: Apache-2.0
# Helpers of the Ceph tests (sourced after lib.sh and e2e_setup): a private
# single-node cluster (tests/ceph/cluster.sh) under $tmp/ceph, stopped on
# every exit path together with what lib.sh cleans up; images; the pool's
# full flag. Without the Ceph packages the test is skipped (77), or fails
# when CI is set.

CLUSTER_SH=$top_srcdir/tests/ceph/cluster.sh

ceph_require() {
	for b in ceph-mon ceph-osd ceph rbd rados ceph-authtool monmaptool; do
		command -v $b >/dev/null 2>&1 ||
			e2e_unavailable "$b is missing (apt-get install --no-install-recommends ceph-mon ceph-osd ceph-common librbd-dev)"
	done
	grep -q '^#define HAVE_RBD 1' "$top_builddir/config.h" 2>/dev/null ||
		e2e_unavailable "nvmetfcd was built without librbd (install librbd-dev, re-run configure)"
}

# Our daemons (Ceph clients) go first, then the cluster, then the rest:
# e2e_cleanup removes $tmp, and with it the pid files the cluster is
# stopped by.
ceph_cleanup() {
	set +e
	for m in $e2e_mounts; do fusermount3 -u -z "$m" 2>/dev/null; done
	# a failed check may be the cluster's doing: its state (the OSD's ops
	# in flight while our clients still run) and its logs
	[ "$e2e_fail" -gt 0 ] && [ -e "$tmp/ceph" ] && bash "$CLUSTER_SH" report "$tmp/ceph" 2>&1 | sed 's/^/  ceph: /'
	for p in $e2e_pids; do e2e_kill "$p"; done
	bash "$CLUSTER_SH" stop "$tmp/ceph" >/dev/null 2>&1
	e2e_cleanup
}

# ceph_start: bring the cluster up (bounded), export CEPH_CONF.
ceph_start() {
	trap 'ceph_cleanup' EXIT
	t0=$(date +%s.%N)
	out=$(timeout -k 5 90 bash "$CLUSTER_SH" start "$tmp/ceph" 2>"$tmp/cluster.err")
	rc=$?
	if [ $rc -ne 0 ]; then
		ko "ceph cluster did not come up (exit $rc)"
		sed 's/^/  cluster.sh: /' "$tmp/cluster.err" | tail -20
		e2e_finish
	fi
	CEPH_CONF=$(echo "$out" | sed -n 's/^CEPH_CONF=//p')
	export CEPH_CONF
	echo "ceph cluster up in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s ($CEPH_CONF)"
}

CEPH="timeout 30 ceph"
RBD="timeout 60 rbd"
RADOS="timeout 30 rados"

# ceph_pool_full on|off: make the OSD (so the pool) full, or not, by its
# ratios; waits until the osdmap flags the pool "full" (not "nearfull").
ceph_pool_full() {
	if [ "$1" = on ]; then
		$CEPH osd set-nearfull-ratio 0.00000005 >/dev/null 2>&1
		$CEPH osd set-backfillfull-ratio 0.00000008 >/dev/null 2>&1
		$CEPH osd set-full-ratio 0.0000001 >/dev/null 2>&1
		e2e_wait_for 30 sh -c "$CEPH osd dump 2>/dev/null | grep -Eq '^pool .* flags ([^ ]*,)?full[, ]'"
	else
		$CEPH osd set-full-ratio 0.95 >/dev/null 2>&1
		$CEPH osd set-backfillfull-ratio 0.9 >/dev/null 2>&1
		$CEPH osd set-nearfull-ratio 0.85 >/dev/null 2>&1
		e2e_wait_for 30 sh -c "! $CEPH osd dump 2>/dev/null | grep -Eq '^pool .* flags ([^ ]*,)?full[, ]'"
	fi
}

# e2e_conf with @CEPH_CONF@ too
ceph_conf() {
	sed -e "s|@FABRIC@|$FABRIC|g" -e "s|@TMP@|$tmp|g" -e "s|@SHM@|$FCNVME_SHM_DIR|g" -e "s|@CEPH_CONF@|$CEPH_CONF|g" \
		-e "s|@KEYRING@|$tmp/ceph/keyring|g" \
		"$E2E_SRC/$1.conf.in" >"$tmp/${2:-$1}.conf"
	echo "$tmp/${2:-$1}.conf"
}
