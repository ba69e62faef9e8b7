#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A stalled Ceph cluster must not stall the rest of the daemon, nor make
# the nodes fence one another. Two cluster nodes (tests/ceph/cluster.sh)
# export a shared subsystem on an rbd image; node a also exports a local
# subsystem with a RAM namespace and an rbd namespace of its own (3 s op
# timeout). A host mounts the local subsystem (fcnvme mount, 5 s
# keep-alive). The cluster's OSD and monitor are then frozen (SIGSTOP) for
# longer than the nodes' op timeout on the state object (10 s): every read
# of it hangs until it times out, and the host's writes to the rbd
# namespace time out, each making the node ask the frozen monitor whether
# the pool is full. Throughout, fcnvmectl must answer at once, the host's
# I/O to the RAM namespace must go on, its controller must not lose its
# keep-alive, and another host must connect (Create Association, Connect,
# Identify: the control thread's work) at once, and an edit of the
# cluster's state (allowed-host add on the shared subsystem) must be
# refused at once, saying why, instead of holding the control thread for
# the op timeout on the frozen object. When the cluster resumes,
# both nodes read the state again (and say so) and still own their
# groups, neither fenced the other or took a group over (their heartbeats
# could not be written during the stall either), and the rbd namespace
# works again, and the same edit goes through and reaches node b. A host's
# write to the shared namespace in the stall fails after the cluster
# section's op_timeout (4 s). A reload that opens an image while the OSD
# is frozen waits 5 s for it on the opening thread, while node a's control
# thread answers fcnvmectl and feeds the 3 s watchdog node a runs under;
# its notifications, replayed at the end as systemd's watchdog would, must
# never have let it fire, nor shown a raise during the reload. Last,
# node b dies while the monitor is frozen: node a's takeover of b's group
# waits on the monitor to fence b, and meanwhile the daemon answers, the
# host's I/O goes on, and a command that would take the state's lock is
# refused at once; when the monitor resumes, node a fences b and owns the
# group. Then node b, restarted, given its group back and fenced again,
# resumes while the monitor is frozen: connecting its new client waits on
# the monitor, and meanwhile node b answers fcnvmectl at once. Two waits
# a frozen cluster cannot be timed to hit are held by tests/e2e/rbd_gate.c
# instead, preloaded into node a and node b: node a reading the new size
# of its local rbd image after an rbd resize, and node b opening the
# shared image again on a new client after the fence; each runs on the
# namespace's job thread (fcrbdsize, fcrbdreconnect) while the node
# answers fcnvmectl at once, and takes effect once the gate opens. So do
# node a's growing of that image for fcnvmectl namespace resize and for a
# reload that raises its size (fcrbdgrow): the command and the reload
# wait for it, and node a serves meanwhile.
E2E_NAME=rbd_stall
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/ceph_lib.sh"
e2e_require_fuse
ceph_require
e2e_setup
ceph_start

e2e_seed
NQN_L=nqn.2026-11.io.nvmetfcd:e2e-local
$RBD create --size 64M rbd/img1 && $RBD create --size 16M rbd/img2 && $RBD create --size 16M rbd/img3 ||
	{ ko "rbd create"; e2e_finish; }
# node a runs under a 3 s watchdog, its notifications stamped as they come
# (tests/e2e/watchdog_listen.py; watchdog_check.py replays them at the end)
/usr/bin/python3 "$E2E_SRC/watchdog_listen.py" "$tmp/notify.sock" "$tmp/notify.log" &
e2e_pids="$e2e_pids $!"
e2e_wait_for 10 test -S "$tmp/notify.sock" || ko "the notification listener did not start"
# node a (and node b when it restarts) runs with rbd_gate.so preloaded:
# while $tmp/gate-a exists, its rbd_open and rbd_get_size wait (see
# tests/e2e/rbd_gate.c); ASan must not insist on coming first
GATE_SO=$top_builddir/tests/e2e/.libs/rbd_gate.so
[ -f "$GATE_SO" ] || { ko "$GATE_SO is missing (make check builds it)"; e2e_finish; }
asan_opts=${ASAN_OPTIONS:-}
export NOTIFY_SOCKET="$tmp/notify.sock" WATCHDOG_USEC=3000000 LD_PRELOAD="$GATE_SO" \
	RBD_GATE="$tmp/gate-a" ASAN_OPTIONS="${ASAN_OPTIONS:+${ASAN_OPTIONS:-}:}verify_asan_link_order=0"
e2e_start_daemon "$(ceph_conf rbd_stall)"
unset NOTIFY_SOCKET WATCHDOG_USEC LD_PRELOAD RBD_GATE
if [ -n "$asan_opts" ]; then export ASAN_OPTIONS="$asan_opts"; else unset ASAN_OPTIONS; fi
CA="$FCNVMECTL -s $SOCK"
check "cluster add-subsystem" $CA cluster add-subsystem "$NQN_A"
check "namespace add rbd/img1 (ANA group 1)" $CA namespace add "$NQN_A" rbd path rbd/img1 nsid 1 ana-group 1
check "node a owns group 1" e2e_wait_for 10 sh -c "$CA cluster groups | grep -Eq '^1 +a +optimized'"
# node b: the same cluster, its own port and group, no local subsystem
sed -e 's/node = "a";/node = "b";/' -e 's/node_id = 1;/node_id = 2;/' -e 's/ana_group = 1;/ana_group = 2;/' \
	-e 's/0x\(..\)000090fa0000e1/0x\1000090fa0000e2/' -e '/^subsystems = (/,$d' \
	"$tmp/rbd_stall.conf" >"$tmp/b.conf"
mkdir -p "$tmp/state-b"
"$NVMETFCD" -f -c "$tmp/b.conf" -s "$tmp/b.sock" -S "$tmp/state-b" >"$tmp/b.log" 2>&1 &
PID_B=$!
e2e_pids="$e2e_pids $PID_B"
CB="$FCNVMECTL -s $tmp/b.sock"
check "node b owns group 2 and sees group 1 as a's" e2e_wait_for 20 sh -c \
	"$CB cluster groups | grep -Eq '^2 +b +optimized' && $CB cluster groups | grep -Eq '^1 +a +non-optimized'"
check "node a sees group 2 as b's" e2e_wait_for 10 sh -c "$CA cluster groups | grep -Eq '^2 +b +non-optimized'"
# om FILE NAME=VALUE...: node a's OpenMetrics into FILE, its cluster
# families as expected (tests/e2e/om_cluster.py)
om() {
	f=$1
	shift
	timeout 20 $CA -o openmetrics stats >"$f" 2>&1 && /usr/bin/python3 "$E2E_SRC/om_cluster.py" "$f" a "$@"
}
check "node a's metrics: a member, the object answers, group 1 its own, group 2 b's" \
	om "$tmp/om-up.txt" member=1 state_answers=1 heartbeat_ok=1 group_job_running=0 \
	read_failures=0 'read_age_seconds=<3' 'read_wait_seconds=<1' group.1.state=optimized \
	group.1.owner=a group.2.state=non-optimized group.2.owner=b group.2.epoch=1

TA=nn-0x20000090fa0000e1:pn-0x10000090fa0000e1 # node a's port
e2e_mount 1 "$NQN_L" "$tmp/m" --traddr "$TA" || e2e_finish
MPID=$E2E_MPID
ns=$tmp/m/ns1
ns2=$tmp/m/ns2
check "the mount has the RAM and the rbd namespace" test -f "$ns" -a -f "$ns2"
check "the log gives the rbd namespace the image's size" \
	grep -q "configuration: $NQN_L namespace 2 added (16777216 bytes)" "$tmp/nvmetfcd.log"
e2e_pattern "$SEED" 1048576 "$tmp/pat" || { ko "cannot make the data pattern"; e2e_finish; }
check "a write to the rbd namespace reads back" sh -c \
	"dd if='$tmp/pat' of='$ns2' bs=64k oflag=direct conv=notrunc status=none &&
	 dd if='$ns2' bs=64k count=16 iflag=direct status=none | cmp -s - '$tmp/pat'"

OSD=$(cat "$tmp/ceph/run/ceph-osd.0.pid")
MON=$(cat "$tmp/ceph/run/ceph-mon.a.pid")
check "the OSD and the monitor run (pids $OSD $MON)" kill -0 "$OSD" "$MON"
# ms: now in milliseconds
ms() { date +%s%3N; }
# probe: one round of what must not wait on the cluster, fcnvmectl status
# and a 1 MiB write and read of the RAM namespace: the slowest of each in
# worst_ctl and worst_io, failures counted in bad_ctl and bad_io (t2: when
# the round ended)
probe() {
	t0=$(ms)
	timeout 20 $CA status >/dev/null 2>&1 || bad_ctl=$((bad_ctl + 1))
	t1=$(ms)
	timeout 20 dd if="$tmp/pat" of="$ns" bs=64k oflag=direct conv=notrunc status=none 2>/dev/null &&
		timeout 20 dd if="$ns" bs=64k count=16 iflag=direct status=none 2>/dev/null |
		cmp -s - "$tmp/pat" || bad_io=$((bad_io + 1))
	t2=$(ms)
	[ $((t1 - t0)) -gt "$worst_ctl" ] && worst_ctl=$((t1 - t0))
	[ $((t2 - t1)) -gt "$worst_io" ] && worst_io=$((t2 - t1))
	return 0
}
# try_edit HOST OUT: allowed-host add HOST on the shared subsystem, its output
# in OUT, its exit status in edit_rc and its time in edit_ms
try_edit() {
	t0=$(ms)
	timeout 20 $CA allowed-host add "$NQN_A" "$1" >"$2" 2>&1
	edit_rc=$?
	edit_ms=$(($(ms) - t0))
}
# cluster_answers: within 15 s, node a's cluster status says the state
# object answers, no read failed and no group job runs
cluster_answers() {
	e2e_wait_for 15 sh -c "$CA -o json cluster status | python3 -c 'import json, sys
s = json.load(sys.stdin)
sys.exit(not (s[\"answers\"] is True and s[\"read_fails\"] == 0 and \"group_job\" not in s))'"
}
# host 2 writes to the shared namespace once, so node a holds its image's
# lock before the stall, and once in it: the cluster section's op_timeout
# (4 s) bounds that write (librbd's default is 30 s, as long as a host's
# I/O timeout)
check "host 2 is allowed on the shared subsystem" $CA allowed-host add "$NQN_A" "$HOSTNQN2"
shared_write() {
	# shellcheck disable=SC2046
	timeout 60 "$FCNVME" write $(e2e_host 2) --traddr "$TA" --nqn "$NQN_A" -n 1 -s 0 -c 7 \
		-d "$tmp/pat"
}
check "a write to the shared namespace goes through" shared_write
kill -STOP "$OSD" "$MON"
t_stop=$(ms)
echo "OSD and monitor frozen"
(shared_write >"$tmp/shw.out" 2>&1; echo "$? $(($(ms) - t_stop))" >"$tmp/shw.rc") &
SHW=$!
# writes to the rbd namespace, one after another, each failing after 3 s
(while :; do
	dd if="$tmp/pat" of="$ns2" bs=64k count=1 oflag=direct conv=notrunc status=none 2>/dev/null ||
		echo failed >>"$tmp/rbdw.fail"
	sleep 0.1
done) &
RBDW=$!
worst_ctl=0 worst_io=0 worst_conn=0 n=0 bad_ctl=0 bad_io=0 bad_conn=0 full_seen=0
edit_ms= edit_rc=
H_EDIT=nqn.2026-12.io.nvmetfcd:rbd-stall-edit
# 14 s of polling: past the 10 s op timeout of the reads that hang
while [ $(($(ms) - t_stop)) -lt 14000 ]; do
	# 3 s in, the node's read of the object has hung for 2.7 s or more
	if [ -z "$edit_ms" ] && [ $(($(ms) - t_stop)) -ge 3000 ]; then
		try_edit "$H_EDIT" "$tmp/edit.out"
		timeout 20 $CA -o json cluster status >"$tmp/cst-stall.json" 2>&1
		om "$tmp/om-stall.txt" member=1 state_answers=0 >"$tmp/om-stall.out" 2>&1
		om_stall_rc=$?
	fi
	probe
	# shellcheck disable=SC2046
	timeout 20 "$FCNVME" id-ctrl $(e2e_host 3) --nqn "$NQN_L" --traddr "$TA" -o json >"$tmp/id.json" 2>&1 &&
		grep -q '"subnqn": *"'"$NQN_L"'"' "$tmp/id.json" || bad_conn=$((bad_conn + 1))
	t3=$(ms)
	# the pool-full check's thread (it waits on the frozen monitor)
	grep -qx fcrbdfull /proc/"$E2E_DPID"/task/*/comm 2>/dev/null && full_seen=$((full_seen + 1))
	[ $((t3 - t2)) -gt "$worst_conn" ] && worst_conn=$((t3 - t2))
	n=$((n + 1))
	sleep 0.2
done
echo "while the cluster was frozen: $n rounds, slowest fcnvmectl status $worst_ctl ms, slowest 1 MiB write+read $worst_io ms, slowest id-ctrl of a new host $worst_conn ms"
nf=$(wc -l <"$tmp/rbdw.fail" 2>/dev/null || echo 0)
check "the rbd namespace's writes failed during the stall ($nf, each after its 3 s op timeout)" \
	test "$nf" -ge 2
check "node a asked whether the pool is full, on a thread of its own (seen in $full_seen of $n rounds)" \
	test "$full_seen" -ge 1
check "fcnvmectl answered every time ($bad_ctl failures)" test "$bad_ctl" -eq 0
check "fcnvmectl answered within 1 s every time (slowest $worst_ctl ms)" test "$worst_ctl" -lt 1000
check "the RAM namespace's writes read back every time ($bad_io failures)" test "$bad_io" -eq 0
check "the RAM namespace answered within 2 s every time (slowest $worst_io ms)" test "$worst_io" -lt 2000
check "a new host connected and identified every time ($bad_conn failures)" test "$bad_conn" -eq 0
check "a new host's id-ctrl took under 2 s every time (slowest $worst_conn ms)" test "$worst_conn" -lt 2000
check "an edit of the cluster state was refused during the stall (rc $edit_rc)" \
	test "${edit_rc:-0}" -ne 0
check "... within 1 s ($edit_ms ms)" test "${edit_ms:-99999}" -lt 1000
check "... saying the cluster does not answer" grep -Eq \
	'the cluster (has not answered a read of its state for [0-9]+ ms|state cannot be read)' \
	"$tmp/edit.out"
check "cluster status said the object does not answer: $(cat "$tmp/cst-stall.json")" \
	python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
sys.exit(not (s["node"] == "a" and s["answers"] is False and s["member"] is True and
              (s["read_wait_ms"] >= 1000 or s["read_fails"] >= 1)))' "$tmp/cst-stall.json"
check "the metrics said the object does not answer (node a still a member)" \
	sh -c "cat '$tmp/om-stall.out'; [ '$om_stall_rc' = 0 ]"
check "the host kept its controller (no keep-alive timeout)" \
	sh -c "! grep -q 'keep-alive' '$tmp/nvmetfcd.log'"
check "the mount is still up" kill -0 "$MPID"
check "the node said why it could not read the state" \
	grep -q 'cluster: reading the state: Connection timed out' "$tmp/nvmetfcd.log"

wait "$SHW"
read -r shw_rc shw_ms <"$tmp/shw.rc"
check "the write to the shared namespace failed in the stall (exit $shw_rc: $(tr '\n' ' ' <"$tmp/shw.out"))" \
	test "$shw_rc" -ne 0
check "... after the cluster section's op_timeout, 4 s ($shw_ms ms)" \
	test "$shw_ms" -ge 3500 -a "$shw_ms" -lt 9000
kill "$RBDW"
wait "$RBDW" 2>/dev/null
kill -CONT "$OSD" "$MON"
echo "OSD and monitor resumed"
check "the node reads the state again and says so" \
	e2e_wait_for 30 grep -q 'cluster: reading the state again' "$tmp/nvmetfcd.log"
check "node b reads the state again too" \
	e2e_wait_for 30 grep -q 'cluster: reading the state again' "$tmp/b.log"
check "node a still owns group 1, optimized" \
	e2e_wait_for 15 sh -c "$CA cluster groups | grep -Eq '^1 +a +optimized'"
check "node b still owns group 2, optimized" \
	e2e_wait_for 15 sh -c "$CB cluster groups | grep -Eq '^2 +b +optimized'"
sleep 4 # past dead_ms (3 s) after the stall: a late verdict would show now
for n in a b; do
	l=$tmp/nvmetfcd.log
	[ $n = b ] && l=$tmp/b.log
	check "node $n fenced nobody, took nothing over and was not fenced" \
		sh -c "! grep -E 'cluster: (fenced|took over|this node was fenced)' '$l'"
done
check "both nodes are alive in node a's view" sh -c \
	"[ \$($CA cluster nodes | grep -Ec '^[ab] +[0-9]+ +yes ') = 2 ]"
check "the rbd namespace works again (a write reads back)" e2e_wait_for 30 sh -c \
	"dd if='$tmp/pat' of='$ns2' bs=64k oflag=direct conv=notrunc status=none &&
	 dd if='$ns2' bs=64k count=16 iflag=direct status=none | cmp -s - '$tmp/pat'"
check "cluster status says the object answers again" e2e_wait_for 10 sh -c \
	"$CA -o json cluster status | python3 -c 'import json, sys
s = json.load(sys.stdin)
sys.exit(not (s[\"answers\"] is True and s[\"read_fails\"] == 0 and s[\"heartbeat_ok\"] is True
              and s[\"read_age_ms\"] < 3000))'"
check "the refused edit goes through once the cluster answers" \
	e2e_wait_for 30 $CA allowed-host add "$NQN_A" "$H_EDIT"
check "... and node b has it" \
	e2e_wait_for 10 sh -c "$CB subsystem show '$NQN_A' | grep -qF '$H_EDIT'"
check "the RAM namespace still reads back" \
	sh -c "dd if='$ns' bs=64k count=16 iflag=direct status=none | cmp -s - '$tmp/pat'"
grep 'cluster:' "$tmp/nvmetfcd.log" | tail -n 8 | sed 's/^/  a: /'
grep 'cluster:' "$tmp/b.log" | tail -n 8 | sed 's/^/  b: /'

# A reload that opens an rbd image while the OSD is frozen: the image is
# opened on a thread of its own first (the open waits for the image's op
# timeout, 5 s, and fails), and meanwhile node a's control thread serves
# fcnvmectl at once and feeds systemd's watchdog at its unit interval (no
# raise between the marks; checked at the end, over the whole run). The
# reload then fails on the open's error and keeps the running
# configuration.
cp "$tmp/rbd_stall.conf" "$tmp/rbd_stall.conf.orig"
/usr/bin/python3 - "$tmp/rbd_stall.conf" "$CEPH_CONF" "$tmp/ceph/keyring" <<'PY'
import sys
p, conf, keyring = sys.argv[1:4]
s = open(p).read()
old = "\t\t\t  op_timeout = 3; }\n"
assert old in s
s = s.replace(old, old.rstrip("\n") + ",\n\t\t\t{ nsid = 3; backend = \"rbd\"; pool = \"rbd\"; image = \"img3\";"
              " ceph_conf = \"%s\"; ceph_id = \"admin\"; keyring = \"%s\"; op_timeout = 5; }\n" % (conf, keyring))
open(p, "w").write(s)
PY
nfail=$(grep -c 'reload failed' "$tmp/nvmetfcd.log")
mark() { /usr/bin/python3 "$E2E_SRC/watchdog_listen.py" "$tmp/notify.sock" -m "$1"; }
kill -STOP "$OSD"
t_hup=$(ms)
mark reload-begin
kill -HUP "$E2E_DPID"
worst_hup=0 n_hup=0 bad_hup=0
while [ "$(grep -c 'reload failed' "$tmp/nvmetfcd.log")" -le "$nfail" ] && [ $(($(ms) - t_hup)) -lt 30000 ]; do
	t0=$(ms)
	$CA status >/dev/null 2>&1 || bad_hup=$((bad_hup + 1))
	dt=$(($(ms) - t0))
	[ "$dt" -gt "$worst_hup" ] && worst_hup=$dt
	n_hup=$((n_hup + 1))
	sleep 0.2
done
t_hup=$(($(ms) - t_hup))
mark reload-end
echo "the reload ended after $t_hup ms: $(grep 'reload failed' "$tmp/nvmetfcd.log" | tail -n 1)"
check "the reload fails on the frozen OSD, the running configuration kept" \
	grep -q "reload failed, running configuration kept: cannot open rbd image rbd/img3" "$tmp/nvmetfcd.log"
check "it opened the image on the opening thread" \
	grep -q "SIGHUP: opening 1 backend(s) first, off the control thread" "$tmp/nvmetfcd.log"
check "node a answered fcnvmectl status all along ($n_hup requests, $bad_hup failed, the slowest $worst_hup ms)" \
	test "$bad_hup" -eq 0 -a "$n_hup" -ge 5 -a "$worst_hup" -lt 1000
kill -CONT "$OSD"
cp "$tmp/rbd_stall.conf.orig" "$tmp/rbd_stall.conf"
check "... after it waited on the OSD for the op timeout (5 s) ($t_hup ms)" \
	test "$t_hup" -ge 4500
check "node a answers again" e2e_wait_for 5 $CA status
check "node a still owns group 1, optimized, and b group 2" e2e_wait_for 15 sh -c \
	"$CA cluster groups | grep -Eq '^1 +a +optimized' && $CB cluster groups | grep -Eq '^2 +b +optimized'"

# An edit of the cluster state that starts as the OSD freezes, before node
# a can know (its reads answered a moment ago): its lock waits on the OSD
# on the edit's job thread (fcclusterjob), and the command waits parked,
# while node a serves fcnvmectl and the RAM namespace; another edit is
# refused at once meanwhile, saying why; once the OSD resumes the edit is
# done, read back and applied, and the command answers.
check "node a's cluster state answers before the freeze" cluster_answers
H_EARLY=nqn.2026-12.io.nvmetfcd:rbd-stall-early
kill -STOP "$OSD"
t_early=$(ms)
(timeout 40 $CA allowed-host add "$NQN_A" "$H_EARLY" >"$tmp/early.out" 2>&1
 echo "$? $(($(ms) - t_early))" >"$tmp/early.rc") &
EARLY=$!
worst_ctl=0 worst_io=0 n=0 bad_ctl=0 bad_io=0 job_seen=0 edit_ms=
while [ $(($(ms) - t_early)) -lt 6000 ]; do
	if [ -z "$edit_ms" ] && [ $(($(ms) - t_early)) -ge 2000 ]; then
		try_edit "$H_EARLY-2" "$tmp/early2.out"
		timeout 20 $CA -o json cluster status >"$tmp/cst-early.json" 2>&1
	fi
	probe
	grep -qx fcclusterjob /proc/"$E2E_DPID"/task/*/comm 2>/dev/null && job_seen=$((job_seen + 1))
	n=$((n + 1))
	sleep 0.2
done
echo "an edit waiting on the frozen OSD: $n rounds, slowest fcnvmectl status $worst_ctl ms, slowest 1 MiB write+read $worst_io ms"
check "the edit waits: no answer while the OSD is frozen" \
	sh -c "[ ! -s '$tmp/early.rc' ] && kill -0 $EARLY"
check "node a said it edits off the control thread" grep -q \
	"control: allowed-host-add: editing the cluster state, off the control thread" "$tmp/nvmetfcd.log"
check "its job thread waits (seen in $job_seen of $n rounds)" test "$job_seen" -ge "$((n - 2))"
check "fcnvmectl status answered every time, within 1 s ($bad_ctl failures, slowest $worst_ctl ms)" \
	test "$bad_ctl" -eq 0 -a "$worst_ctl" -lt 1000
check "the RAM namespace read back every time, within 2 s ($bad_io failures, slowest $worst_io ms)" \
	test "$bad_io" -eq 0 -a "$worst_io" -lt 2000
check "another edit was refused meanwhile (rc $edit_rc), within 1 s ($edit_ms ms)" \
	test "${edit_rc:-0}" -ne 0 -a "${edit_ms:-99999}" -lt 1000
check "... saying the cluster has not answered the edit: $(cat "$tmp/early2.out")" grep -Eq \
	'the cluster has not answered an edit of its state \(allowed-host\) for [0-9]+ ms' \
	"$tmp/early2.out"
check "cluster status said the object does not answer, and the edit under way" \
	python3 -c 'import json, re, sys
s = json.load(open(sys.argv[1]))
sys.exit(not (s["answers"] is False and
              re.fullmatch(r"edit: allowed-host, [0-9]+ ms", s["group_job"])))' "$tmp/cst-early.json"
kill -CONT "$OSD"
wait "$EARLY"
read -r early_rc early_ms <"$tmp/early.rc"
check "the edit answers once the OSD resumed (exit $early_rc after $early_ms ms: $(tr '\n' ' ' <"$tmp/early.out"))" \
	test "$early_rc" -eq 0 -a "$early_ms" -ge 6000 -a "$early_ms" -lt 20000
check "... the host allowed on node a" sh -c "$CA subsystem show '$NQN_A' | grep -qF '$H_EARLY'"
check "... and on node b" \
	e2e_wait_for 10 sh -c "$CB subsystem show '$NQN_A' | grep -qF '$H_EARLY'"
check "... the refused one not" sh -c "! $CA subsystem show '$NQN_A' | grep -qF '$H_EARLY-2'"

# gate_probe WHAT: probe every 0.2 s for 3 s while WHAT waits (the gate
# holds node a's call, or the frozen OSD its read), then check that node a
# answered and served all along
gate_probe() {
	t_gate=$(ms)
	worst_ctl=0 worst_io=0 bad_ctl=0 bad_io=0 n=0
	while [ $(($(ms) - t_gate)) -lt 3000 ]; do
		probe
		n=$((n + 1))
		sleep 0.2
	done
	echo "while $1 waited: $n rounds, slowest fcnvmectl status $worst_ctl ms, slowest 1 MiB write+read $worst_io ms"
	check "fcnvmectl answered every time ($bad_ctl failures)" test "$bad_ctl" -eq 0 -a "$n" -ge 5
	check "... within 1 s every time (slowest $worst_ctl ms)" test "$worst_ctl" -lt 1000
	check "the RAM namespace's writes read back every time ($bad_io failures)" test "$bad_io" -eq 0
	check "... within 2 s every time (slowest $worst_io ms)" test "$worst_io" -lt 2000
}

# A command that names a subsystem node a's view does not hold, sent as the
# OSD freezes: node a looks for it in a read of the state object begun
# after the command (the timer's, which does not block), and the command
# waits parked while node a serves fcnvmectl and the RAM namespace. Once
# that read has waited a second on the frozen OSD, the command answers from
# the view node a has ("no subsystem"), as commands do while the object
# does not answer; not after the op timeout, nor with node a stuck.
check "node a's cluster state answers again" cluster_answers
NQN_MISS=nqn.2026-12.io.nvmetfcd:rbd-stall-nowhere
kill -STOP "$OSD"
t_miss=$(ms)
(timeout 40 $CA namespace list "$NQN_MISS" >"$tmp/miss.out" 2>&1
 echo "$? $(($(ms) - t_miss))" >"$tmp/miss.rc") &
MISS=$!
gate_probe "a lookup on the frozen OSD"
check "the lookup answered while the OSD is frozen" test -s "$tmp/miss.rc"
wait "$MISS"
read -r miss_rc miss_ms <"$tmp/miss.rc"
check "... from node a's view, within 3 s (exit $miss_rc after $miss_ms ms: $(cat "$tmp/miss.out"))" \
	test "$miss_rc" -ne 0 -a "$miss_ms" -lt 3000
check "... saying there is no such subsystem" grep -qF "no subsystem $NQN_MISS" "$tmp/miss.out"
check "node a said it reads the cluster state off the control thread" grep -qF \
	"control: namespace-list: reading the cluster state for $NQN_MISS, off the control thread" \
	"$tmp/nvmetfcd.log"
kill -CONT "$OSD"
check "node a's cluster state answers once the OSD resumed" cluster_answers

# The image of node a's local rbd namespace grows underneath (rbd resize)
# while reading its new size waits (the gate holds node a's rbd_get_size, as
# a cluster slow to answer the header's refresh would): the size is read on
# a job thread of the rbd backend (fcrbdsize), and meanwhile node a answers
# fcnvmectl and serves the RAM namespace at once. Once the gate opens,
# the namespace grows and the host sees it.
touch "$tmp/gate-a"
# (the resize asks node a for the image's exclusive lock, which node a
# may be slow to hand over just after the OSD's freeze above: tried again)
check "rbd resize rbd/img2 32M" e2e_wait_for 30 sh -c \
	"$RBD resize --no-progress --size 32M rbd/img2 >>'$tmp/resize.out' 2>&1"
sed 's/^/  rbd resize: /' "$tmp/resize.out"
check "node a reads the changed header's size on its job thread (fcrbdsize)" \
	e2e_wait_for 10 grep -qx 'rbd_get_size held on thread fcrbdsize' "$tmp/gate-a.log"
gate_probe "the size read"
check "the namespace has not grown yet (its size is still being read)" sh -c \
	"! grep -q '$NQN_L namespace 2 grew' '$tmp/nvmetfcd.log' && [ \$(stat -c %s '$ns2') = 16777216 ]"
rm -f "$tmp/gate-a"
check "once the read answers, namespace 2 grows to 32 MiB" e2e_wait_for 10 \
	grep -q "$NQN_L namespace 2 grew to 33554432 bytes (rbd image rbd/img2 is now 33554432 bytes)" \
	"$tmp/nvmetfcd.log"
check "... and the host's file with it" e2e_wait_for 10 sh -c "[ \$(stat -c %s '$ns2') = 33554432 ]"
check "no call waited on another thread: $(tr '\n' ' ' <"$tmp/gate-a.log")" \
	sh -c "! grep -vx 'rbd_get_size held on thread fcrbdsize' '$tmp/gate-a.log'"

# fcnvmectl namespace resize grows the rbd image on the namespace's grow
# job (fcrbdgrow), the gate holding it as a slow cluster would: the
# command waits (its connection parked), node a answers the rest at once,
# and once the gate opens the command answers, the namespace grown.
# resize_held SIZE NAME: hold node a's rbd calls (the gate), then start
# namespace resize of namespace 2 to SIZE in the background: its output in
# $tmp/NAME.out, "EXIT MS" in $tmp/NAME.rc once it answered, its pid in RSZ
resize_held() {
	touch "$tmp/gate-a"
	: >"$tmp/gate-a.log"
	(t0=$(ms); timeout 60 $CA namespace resize "$NQN_L" 2 "$1" >"$tmp/$2.out" 2>&1
	 echo "$? $(($(ms) - t0))" >"$tmp/$2.rc") &
	RSZ=$!
}
resize_held 48M resize-ctl
check "node a grows the image on its grow job (fcrbdgrow)" \
	e2e_wait_for 10 grep -qx 'rbd_get_size held on thread fcrbdgrow' "$tmp/gate-a.log"
check "... and says so" grep -q "control: namespace resize $NQN_L 2: growing rbd image rbd/img2 to 50331648 bytes, off the control thread" "$tmp/nvmetfcd.log"
gate_probe "the image's grow"
check "the resize has not answered yet" test ! -s "$tmp/resize-ctl.rc"
rm -f "$tmp/gate-a"
wait "$RSZ"
read -r rsz_rc rsz_ms <"$tmp/resize-ctl.rc"
check "once the grow is done, namespace resize answers (exit $rsz_rc after $rsz_ms ms: $(cat "$tmp/resize-ctl.out"))" \
	test "$rsz_rc" -eq 0 -a "$rsz_ms" -ge 3000
check "... the host's file 48 MiB" e2e_wait_for 10 sh -c "[ \$(stat -c %s '$ns2') = 50331648 ]"
check "... and the image" sh -c "$RBD info rbd/img2 | grep -q 'size 48 MiB'"

# A reload that grows the namespace (size 64M in the file) waits for the
# grow job the same way: SIGHUP says so, node a answers meanwhile, and the
# reload is done once the gate opens.
cp "$tmp/rbd_stall.conf" "$tmp/rbd_stall.conf.orig"
sed -i 's/^\(\t\t\t  op_timeout = 3;\) }$/\1 size = "64M"; }/' "$tmp/rbd_stall.conf"
check "the file asks for 64M" grep -q 'op_timeout = 3; size = "64M"; }' "$tmp/rbd_stall.conf"
nrl=$(grep -c 'configuration reloaded' "$tmp/nvmetfcd.log")
touch "$tmp/gate-a"
kill -HUP "$E2E_DPID"
check "the reload grows the namespace first, off the control thread" e2e_wait_for 10 \
	grep -q 'SIGHUP: growing 1 namespace(s) first, off the control thread' "$tmp/nvmetfcd.log"
gate_probe "the reload's grow"
check "the reload is not done yet" test "$(grep -c 'configuration reloaded' "$tmp/nvmetfcd.log")" -eq "$nrl"
rm -f "$tmp/gate-a"
check "once the grow is done, the reload is" e2e_wait_for 10 sh -c \
	"[ \$(grep -c 'configuration reloaded' '$tmp/nvmetfcd.log') -gt $nrl ]"
check "... the host's file 64 MiB" e2e_wait_for 10 sh -c "[ \$(stat -c %s '$ns2') = 67108864 ]"
cp "$tmp/rbd_stall.conf.orig" "$tmp/rbd_stall.conf"
check "no call waited on another thread: $(tr '\n' ' ' <"$tmp/gate-a.log")" \
	sh -c "! grep -vx 'rbd_get_size held on thread fcrbdgrow' '$tmp/gate-a.log'"

# The namespace deleted while its grow waits (the gate holds it): closing
# an rbd namespace joins its jobs and releases the image, each of which
# waits on the cluster, so the close runs on the opening thread
# (fcpreopen): namespace del answers at once, node a serves meanwhile, and
# once the gate opens the close ends (the image has no watcher left) and
# the resize that waited is told the namespace is gone.
resize_held 80M resize-del
check "the grow waits on its job (fcrbdgrow)" \
	e2e_wait_for 10 grep -qx 'rbd_get_size held on thread fcrbdgrow' "$tmp/gate-a.log"
t0=$(ms)
timeout 20 $CA namespace del "$NQN_L" 2 >"$tmp/del.out" 2>&1
del_rc=$? del_ms=$(($(ms) - t0))
check "namespace del answers while the grow waits (exit $del_rc, $del_ms ms: $(cat "$tmp/del.out"))" \
	test "$del_rc" -eq 0 -a "$del_ms" -lt 1000
check "... its close waits on the opening thread (fcpreopen)" \
	e2e_wait_for 5 grep -qx fcpreopen /proc/"$E2E_DPID"/task/*/comm
gate_probe "the deleted namespace's close"
check "the resize has not answered yet" test ! -s "$tmp/resize-del.rc"
rm -f "$tmp/gate-a"
wait "$RSZ"
read -r rszd_rc rszd_ms <"$tmp/resize-del.rc"
check "once the gate opens, the resize is told the namespace is gone (exit $rszd_rc after $rszd_ms ms: $(cat "$tmp/resize-del.out"))" \
	sh -c "[ '$rszd_rc' -ne 0 ] && grep -q 'has no namespace 2' '$tmp/resize-del.out'"
check "... and the close ended: rbd/img2 has no watcher" e2e_wait_for 15 sh -c \
	"$RBD status rbd/img2 | grep -q 'Watchers: none'"
check "node a has no namespace 2" sh -c "! $CA namespace show '$NQN_L' 2 >/dev/null 2>&1"
check "no call waited on another thread: $(tr '\n' ' ' <"$tmp/gate-a.log")" \
	sh -c "! grep -vx 'rbd_get_size held on thread fcrbdgrow' '$tmp/gate-a.log'"

# A takeover while the monitor does not answer. Node b dies (SIGKILL) and
# the monitor freezes: node a, b's successor, starts taking group 2 over
# once b's beats are dead_ms old, and the fence (an OSD blocklist command,
# which the monitor answers) waits. The takeover runs on a thread of its
# own: meanwhile fcnvmectl answers at once, the host's I/O goes on, a
# command that would take the state's lock is refused at once saying why,
# and node a reports group 2 in change. When the monitor resumes, the
# fence goes through and node a owns group 2, optimized.
kill -KILL "$PID_B"
wait "$PID_B" 2>/dev/null
kill -STOP "$MON"
echo "node b killed, monitor frozen"
check "node a starts taking group 2 over" \
	e2e_wait_for 15 grep -q 'cluster: taking over ANA group 2 from lost node b' "$tmp/nvmetfcd.log"
t_take=$(ms)
worst_ctl=0 worst_io=0 bad_ctl=0 bad_io=0 n=0 edit_ms= edit_rc=
# 5 s of polling, the takeover waiting on the monitor all along
while [ $(($(ms) - t_take)) -lt 5000 ]; do
	if [ -z "$edit_ms" ] && [ $(($(ms) - t_take)) -ge 1000 ]; then
		try_edit "$H_EDIT-2" "$tmp/take-edit.out"
		$CA cluster groups >"$tmp/take-groups.out" 2>&1
		timeout 20 $CA -o json cluster status >"$tmp/cst-take.json" 2>&1
		om "$tmp/om-take.txt" group_job_running=1 state_answers=1 group.2.state=change \
			group.2.owner=b >"$tmp/om-take.out" 2>&1
		om_take_rc=$?
	fi
	probe
	n=$((n + 1))
	sleep 0.2
done
echo "during the takeover: $n rounds, slowest fcnvmectl status $worst_ctl ms, slowest 1 MiB write+read $worst_io ms"
check "the takeover was still under way after 5 s (the fence waits on the monitor)" \
	sh -c "! grep -q 'took over ANA group 2' '$tmp/nvmetfcd.log'"
check "fcnvmectl answered every time during the takeover ($bad_ctl failures)" test "$bad_ctl" -eq 0
check "... within 1 s every time (slowest $worst_ctl ms)" test "$worst_ctl" -lt 1000
check "the RAM namespace's writes read back every time ($bad_io failures)" test "$bad_io" -eq 0
check "... within 2 s every time (slowest $worst_io ms)" test "$worst_io" -lt 2000
check "an edit of the cluster state was refused during the takeover (rc $edit_rc)" \
	test "${edit_rc:-0}" -ne 0
check "... within 1 s ($edit_ms ms)" test "${edit_ms:-99999}" -lt 1000
check "... saying why: $(cat "$tmp/take-edit.out")" grep -Eq \
	'the takeover of ANA group 2 is under way \([0-9]+ ms, it holds the state.s lock\)' \
	"$tmp/take-edit.out"
check "node a reported group 2 in change meanwhile" grep -Eq '^2 +b +change' "$tmp/take-groups.out"
check "cluster status showed the takeover under way: $(tr -d '\n' <"$tmp/cst-take.json")" \
	python3 -c 'import json, re, sys
s = json.load(open(sys.argv[1]))
sys.exit(not (s["answers"] is True and
              re.fullmatch(r"takeover of ANA group 2 from node b, [0-9]+ ms", s["group_job"])))' \
	"$tmp/cst-take.json"
check "the metrics showed the takeover under way, group 2 in change" \
	sh -c "cat '$tmp/om-take.out'; [ '$om_take_rc' = 0 ]"
kill -CONT "$MON"
echo "monitor resumed"
check "node a took group 2 over, fencing node b first" e2e_wait_for 30 \
	grep -q 'took over ANA group 2 from lost node b (fenced first' "$tmp/nvmetfcd.log"
check "node a fenced node b before reporting group 2 optimized" sh -c \
	"grep -n 'cluster: fenced b (' '$tmp/nvmetfcd.log' | head -1 | cut -d: -f1 >'$tmp/l1';
	 grep -n 'ANA group 2 is optimized' '$tmp/nvmetfcd.log' | tail -1 | cut -d: -f1 >'$tmp/l2';
	 [ -s '$tmp/l1' ] && [ \$(cat '$tmp/l1') -lt \$(cat '$tmp/l2') ]"
check "node a owns group 2, optimized" \
	e2e_wait_for 10 sh -c "$CA cluster groups | grep -Eq '^2 +a +optimized'"
check "node a's metrics: group 2 its own, optimized, epoch 2, no job" \
	om "$tmp/om-after.txt" group_job_running=0 group.2.state=optimized group.2.owner=a \
	group.2.epoch=2
check "the edit goes through once the takeover has ended" \
	e2e_wait_for 30 $CA allowed-host add "$NQN_A" "$H_EDIT-2"
grep 'cluster:' "$tmp/nvmetfcd.log" | tail -n 8 | sed 's/^/  a: /'

# A fenced node's new client while the monitor does not answer. Node b
# restarts (new addresses), gets group 2 back, freezes past dead_ms and is
# fenced by node a; then the monitor freezes and node b resumes: it finds
# itself blocklisted, and connecting its new client waits on the monitor.
# That runs on a thread of its own: node b's fcnvmectl answers at once and
# says so; when the monitor resumes, node b rejoins as a non-owner.
echo "---- restart" >>"$tmp/b.log"
LD_PRELOAD="$GATE_SO" RBD_GATE="$tmp/gate-b" ASAN_OPTIONS="${ASAN_OPTIONS:+${ASAN_OPTIONS:-}:}verify_asan_link_order=0" \
	"$NVMETFCD" -f -c "$tmp/b.conf" -s "$tmp/b.sock" -S "$tmp/state-b" >>"$tmp/b.log" 2>&1 &
PID_B=$!
e2e_pids="$e2e_pids $PID_B"
check "node b restarts and sees group 2 as a's" e2e_wait_for 20 sh -c \
	"$CB cluster groups | grep -Eq '^2 +a +non-optimized'"
check "cluster move-group 2 b" e2e_wait_for 10 $CA cluster move-group 2 b
check "node b owns group 2 again" e2e_wait_for 10 sh -c "$CB cluster groups | grep -Eq '^2 +b +optimized'"
nfb=$(grep -c 'cluster: fenced b (' "$tmp/nvmetfcd.log")
kill -STOP "$PID_B"
check "node a fences frozen node b and takes group 2" e2e_wait_for 20 sh -c \
	"[ \$(grep -c 'cluster: fenced b (' '$tmp/nvmetfcd.log') -gt $nfb ] &&
	 $CA cluster groups | grep -Eq '^2 +a +optimized'"
kill -STOP "$MON"
kill -CONT "$PID_B"
echo "monitor frozen, node b resumed"
check "node b finds itself fenced" e2e_wait_for 15 sh -c \
	"sed -n '/^---- restart/,\$p' '$tmp/b.log' | grep -q 'this node was fenced'"
# status_b MS: node b's fcnvmectl status every 0.2 s for MS ms: the
# slowest in worst_b, failures in bad_b, rounds in n
status_b() {
	t_re=$(ms) worst_b=0 bad_b=0 n=0
	while [ $(($(ms) - t_re)) -lt "$1" ]; do
		t0=$(ms)
		timeout 20 $CB status >/dev/null 2>&1 || bad_b=$((bad_b + 1))
		t1=$(ms)
		[ $((t1 - t0)) -gt "$worst_b" ] && worst_b=$((t1 - t0))
		n=$((n + 1))
		sleep 0.2
	done
}
timeout 20 $CB -o json cluster status >"$tmp/cst-re.json" 2>&1
status_b 4000
echo "while node b connected its new client: $n rounds, slowest fcnvmectl status $worst_b ms"
check "node b had not rejoined yet (its new client waits on the monitor)" \
	sh -c "! sed -n '/^---- restart/,\$p' '$tmp/b.log' | grep -q 'rejoined with a new client'"
check "node b's fcnvmectl answered every time ($bad_b failures)" test "$bad_b" -eq 0
check "... within 1 s every time (slowest $worst_b ms)" test "$worst_b" -lt 1000
check "node b's cluster status said it connects a new client: $(tr -d '\n' <"$tmp/cst-re.json")" \
	python3 -c 'import json, re, sys
s = json.load(open(sys.argv[1]))
sys.exit(not (s["member"] is False and s["answers"] is False and
              re.fullmatch(r"reconnect: a new cluster client after a fence, [0-9]+ ms", s["group_job"])))' \
	"$tmp/cst-re.json"
$CB allowed-host add "$NQN_A" "$H_EDIT-3" >"$tmp/re-edit.out" 2>&1
check "a command on node b is refused meanwhile: $(cat "$tmp/re-edit.out")" \
	grep -q 'fenced and has no cluster client yet' "$tmp/re-edit.out"
# Once it has rejoined, node b opens the shared namespace's image again on
# a new client; the gate holds that open (rbd_open) as a slow cluster would.
# It runs on the backend's reconnect job (fcrbdreconnect): node b answers
# fcnvmectl at once meanwhile. Then the open fails (the gate's .fail file):
# the namespace is reported fenced again, saying why and when it is tried
# again (1 s, then 2 s: the wait doubles), and the cluster asks for it
# again. Once opens work, the namespace serves again, a host's write
# through node b going through.
touch "$tmp/gate-b"
kill -CONT "$MON"
echo "monitor resumed"
check "node b rejoins with a new client" e2e_wait_for 30 sh -c \
	"sed -n '/^---- restart/,\$p' '$tmp/b.log' | grep -q 'rejoined with a new client'"
check "node b is a non-owner of group 2, a the owner" e2e_wait_for 15 sh -c \
	"$CB cluster groups | grep -Eq '^2 +a +non-optimized' && $CA cluster groups | grep -Eq '^2 +a +optimized'"
check "node b reopens the shared image on its reconnect job (fcrbdreconnect)" \
	e2e_wait_for 10 grep -qx 'rbd_open held on thread fcrbdreconnect' "$tmp/gate-b.log"
status_b 3000
echo "while node b's image open waited: $n rounds, slowest fcnvmectl status $worst_b ms"
check "node b's fcnvmectl answered every time ($bad_b failures)" test "$bad_b" -eq 0 -a "$n" -ge 5
check "... within 1 s every time (slowest $worst_b ms)" test "$worst_b" -lt 1000
check "node b's namespace does not serve yet" sh -c \
	"! sed -n '/^---- restart/,\$p' '$tmp/b.log' | grep -q '$NQN_A namespace 1 serves again'"
touch "$tmp/gate-b.fail"
rm -f "$tmp/gate-b"
FENCED_AGAIN="$NQN_A namespace 1 fenced: no new ceph client after the fence: cannot open rbd image rbd/img1: Input/output error"
check "the open fails: node b reports the namespace fenced again, tried again in 1 s" e2e_wait_for 15 sh -c \
	"sed -n '/^---- restart/,\$p' '$tmp/b.log' | grep -qF '$FENCED_AGAIN (again in 1 s)'"
check "... then asks again, fails again, and waits 2 s" e2e_wait_for 15 sh -c \
	"sed -n '/^---- restart/,\$p' '$tmp/b.log' | grep -qF '$FENCED_AGAIN (again in 2 s)'"
check "... having said it tries again in between" sh -c \
	"sed -n '/^---- restart/,\$p' '$tmp/b.log' | grep -q '$NQN_A namespace 1 fenced: trying a new ceph client again'"
sed -n '/^---- restart/,$p' "$tmp/b.log" | grep -F "$NQN_A namespace 1" | tail -n 5 | sed 's/^/  b: /'
rm -f "$tmp/gate-b.fail"
check "once the open answers, node b's namespace serves again on the new client" e2e_wait_for 15 sh -c \
	"sed -n '/^---- restart/,\$p' '$tmp/b.log' | grep -Eq '$NQN_A namespace 1 serves again: on a new ceph client \\([^)]+\\)'"
TB=nn-0x20000090fa0000e2:pn-0x10000090fa0000e2 # node b's port
check "a host's write through node b goes through" e2e_wait_for 15 sh -c \
	"timeout 20 $FCNVME write $(e2e_host 2) --traddr $TB --nqn $NQN_A -n 1 -s 0 -c 7 -d '$tmp/pat'"
check "no call waited on another thread: $(tr '\n' ' ' <"$tmp/gate-b.log")" \
	sh -c "! grep -Evx 'rbd_(open|get_size) (held|failed) on thread fcrbd(reconnect|size)' '$tmp/gate-b.log'"
check "both failed opens ran on the reconnect job" \
	test "$(grep -cx 'rbd_open failed on thread fcrbdreconnect' "$tmp/gate-b.log")" -ge 2
sed -n '/^---- restart/,$p' "$tmp/b.log" | grep 'cluster:' | tail -n 8 | sed 's/^/  b: /'

e2e_umount "$tmp/m" "$MPID"
e2e_stop_daemon
# (between the reload's marks: no raise, the pings at the unit's interval)
check "systemd's watchdog (3 s) would never have fired on node a, the reload did not wait on its thread: $(/usr/bin/python3 \
	"$E2E_SRC/watchdog_check.py" "$tmp/notify.log" 3000000 reload 0 | tr '\n' ' ')" \
	/usr/bin/python3 "$E2E_SRC/watchdog_check.py" "$tmp/notify.log" 3000000 reload 0
e2e_finish
