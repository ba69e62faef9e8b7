#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# CMD IU drops under a verified fio write load: the fabric loses one Write
# CMD IU of the host port; the host's command timer (30 s) expires, it
# aborts, tears the association down, reconnects and reissues the write,
# and fio finishes with zero errors. A second host keeps being served.
E2E_NAME=drop_cmd
. "$top_srcdir/tests/e2e/lib.sh"
e2e_require_fuse
e2e_require_fio
e2e_setup

conf=$(e2e_conf two)
e2e_start_daemon "$conf"
m=$tmp/mnt
e2e_mount 1 "$NQN_A" "$m" --nr-io-queues 2 --reconnect-delay 1 || e2e_finish
pm=$E2E_MPID
S="$SOFTHBACTL --fabric $FABRIC"

E2E_FIO_TIMEOUT=100
e2e_fio_bg drop --name=drop --filename="$m/ns1" $E2E_FIO_COMMON \
	--rw=randwrite --bsrange=4k-64k --size=16m --numjobs=2 \
	--offset_increment=32m --verify=md5 --verify_backlog=32 \
	--do_verify=1 --verify_fatal=1 --runtime=3 --time_based
bg=$E2E_FPID
sleep 1
check "drop one Write CMD IU of host 1" $S fault drop-cmd opcode 1 count 1 port $H1WWPN
sleep 2
$S fault list >"$tmp/faults" 2>&1
check "the fabric dropped it (fault used up: $(cat "$tmp/faults"))" \
	sh -c "! grep -q drop-cmd '$tmp/faults'"
# meanwhile, another host is served normally
# shellcheck disable=SC2046
check "host 2 served while host 1 waits" \
	timeout 20 "$FCNVME" id-ctrl $(e2e_host 2) --nqn "$NQN_B" -o json
E2E_FPID=$bg
e2e_fio_wait drop
check "host 1 timed out and reconnected" grep -q 'controller connecting\|reconnect' "$m.log"
if kill -0 "$pm" 2>/dev/null; then ok "fcnvme mount survived the timeout"; else
	wait "$pm"; ko "fcnvme mount died after the timeout (exit $?)"; fi
check "nvmetfcd still running" e2e_daemon_alive
e2e_finish
