#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# kill -9 of nvmetfcd under load, then a restart from the same config with
# a file-backed namespace: the `fcnvme mount` export reconnects by itself,
# every write acknowledged before the kill reads back intact (through the
# export and in the backing file), writes issued across the restart
# complete, and a verified fio load running across a second kill -9 and
# restart finishes with zero errors.
E2E_NAME=restart
. "$top_srcdir/tests/e2e/lib.sh"
e2e_require_fuse
e2e_require_fio
e2e_setup

conf=$(e2e_conf two)
e2e_start_daemon "$conf"
m=$tmp/mnt
e2e_mount 2 "$NQN_B" "$m" --reconnect-delay 1 || e2e_finish
pm=$E2E_MPID
CH=262144		# chunk size
NCH=48			# chunks
e2e_seed
e2e_pattern "$SEED" $((CH * NCH)) "$tmp/src.bin"

# writer: chunk i of src.bin to chunk i of ns1, each an O_DIRECT write and a
# flush; the index goes to $tmp/acked only once dd returned success.
(
	i=0
	while [ $i -lt $NCH ]; do
		if dd if="$tmp/src.bin" of="$m/ns1" bs=$CH skip=$i seek=$i count=1 \
			iflag=fullblock oflag=direct conv=notrunc,fsync status=none \
			2>>"$tmp/writer.err"; then
			echo $i >>"$tmp/acked"
		else
			echo "chunk $i failed" >>"$tmp/writer.err"
		fi
		i=$((i + 1))
		sleep 0.05
	done
) &
wpid=$!
e2e_pids="$e2e_pids $wpid"

check "writes acknowledged before the kill" e2e_wait_for 20 sh -c "[ \$(wc -l <'$tmp/acked') -ge 12 ]"
kill -KILL "$E2E_DPID"
wait "$E2E_DPID" 2>/dev/null
acked_before=$(wc -l <"$tmp/acked")
cp "$tmp/acked" "$tmp/acked.before"
echo "killed nvmetfcd after $acked_before acknowledged chunks"
sleep 1
e2e_start_daemon "$conf"
ok "nvmetfcd restarted after kill -9"
# the writer finishes once the export has reconnected
i=0
while kill -0 $wpid 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
check "writer finished across the restart" sh -c "! kill -0 $wpid 2>/dev/null"
check "no write failed (writer errors: $(head -c 300 "$tmp/writer.err" 2>/dev/null))" \
	test ! -s "$tmp/writer.err"
check "all $NCH chunks acknowledged" test "$(wc -l <"$tmp/acked")" -eq $NCH
check "chunks acked before the kill are still listed" sh -c "head -n $acked_before '$tmp/acked' | cmp -s - '$tmp/acked.before'"
# remount: export again if the first export died, so that what the target
# holds is still checked through a fresh controller
remount() {	# remount WHEN
	if kill -0 "$pm" 2>/dev/null && [ -f "$m/ns1" ]; then
		ok "fcnvme mount survived $1"
		return
	fi
	wait "$pm" 2>/dev/null
	ko "fcnvme mount died during $1 (exit $?)"
	cp "$m.log" "$tmp/mnt.died.log" 2>/dev/null
	fusermount3 -u -z "$m" 2>/dev/null
	e2e_mount 2 "$NQN_B" "$m" --reconnect-delay 1 || e2e_finish
	pm=$E2E_MPID
}
remount "the restart"

# every chunk acknowledged before the kill (and after) reads back intact
bad=0 badf=0 n=0
for i in $(cat "$tmp/acked"); do
	a=$(dd if="$tmp/src.bin" bs=$CH skip=$i count=1 status=none | sha256sum)
	b=$(dd if="$m/ns1" bs=$CH skip=$i count=1 iflag=direct status=none | sha256sum)
	c=$(dd if="$tmp/nsb1.img" bs=$CH skip=$i count=1 status=none | sha256sum)
	[ "$a" = "$b" ] || { bad=$((bad + 1)); echo "chunk $i differs through the export"; }
	[ "$a" = "$c" ] || { badf=$((badf + 1)); echo "chunk $i differs in the backing file"; }
	n=$((n + 1))
done
check "all $n acknowledged chunks intact in the backing file ($badf bad)" test "$badf" -eq 0
check "all $n acknowledged chunks read back intact through the export ($bad bad)" test "$bad" -eq 0

# a verified fio load across a second kill -9 and restart
remount "the read-back"
if kill -0 "$pm" 2>/dev/null; then
	e2e_fio_bg across --name=across --filename="$m/ns1" $E2E_FIO_COMMON \
		--rw=randwrite --bsrange=4k-256k --size=16m --offset=32m \
		--numjobs=2 --offset_increment=24m --verify=crc32c \
		--verify_backlog=32 --do_verify=1 --verify_fatal=1 \
		--runtime=6 --time_based
	bg=$E2E_FPID
	sleep 2
	kill -KILL "$E2E_DPID"
	wait "$E2E_DPID" 2>/dev/null
	sleep 0.5
	e2e_start_daemon "$conf"
	E2E_FPID=$bg
	e2e_fio_wait across
	remount "the second restart"
else
	ko "no export left for the fio load across a restart"
fi
e2e_umount "$m" "$pm"
check "nvmetfcd still running" e2e_daemon_alive
e2e_finish
