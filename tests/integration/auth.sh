#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# DH-HMAC-CHAP with the real daemon: the secrets file (auth_keys_file).
# nvmetfcd -n refuses a group/world-readable file, a key with a bad CRC
# (naming file and line, never the key) and accepts keys made by nvme-cli's
# gen-dhchap-key; config show and save print the file name, never a
# secret. A host listed in the file is asked to authenticate (Connect
# AUTHREQ): without --dhchap-secret fcnvme says so; with the right key it
# reads and writes (admin and I/O queues authenticated), two-way too; a
# wrong key is refused (Failure1) and the daemon logs the refusal with host
# NQN, WWPN and reason; a wrong controller key is refused by fcnvme. Key
# rotation by reload: a running perf keeps going, the old key fails, the
# new one works; a host not listed connects without authentication.
# Hosts let in at run time (allowed-host add, subsystem add or set with
# allow-any-host) get their keys at once. A host's own hash and group lists
# in the file replace the daemon's for that host; the daemon logs how each
# admin queue authenticated.
NAME=auth
. "$(dirname "$0")/lib.sh"

TRADDR=nn-0x20000090fa000001:pn-0x10000090fa000001
HOST2=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000002
write_conf() {
	{
		echo "daemon = { auth_keys_file = \"$1\"; ${2:-} };"
		acl_conf '{ nsid = 1; backend = "ram"; size = "1M"; }' "$HOSTNQN" "$HOST2"
	} >"$tmp/nvmetfcd.conf"
}

# Keys from nvme-cli when it is installed, else fixed ones of the same form.
if command -v nvme >/dev/null 2>&1; then
	KEY=$(nvme gen-dhchap-key --hmac=1 --nqn="$HOSTNQN")
	CKEY=$(nvme gen-dhchap-key --key-length=48)
else
	KEY="DHHC-1:01:j2o85HJ423ezLPXEUIFKMh3lBjv2SdyZIaWb4UESTNSZD9Jx:"
	CKEY="DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vcSEgBQ==:"
fi
case $KEY in DHHC-1:0?:*:) ok ;; *) bad "a DHHC-1 key to test with ($KEY)" ;; esac
KEYS=$tmp/keys
printf '# host key [controller key]\n\n%s %s %s\n' "$HOSTNQN" "$KEY" "$CKEY" >"$KEYS"
write_conf "$KEYS"
nvn() { "$B/daemon/nvmetfcd" -n -c "$tmp/nvmetfcd.conf" >"$tmp/n.out" 2>"$tmp/n.err"; }

chmod 644 "$KEYS"
check_not "nvmetfcd -n refuses a world-readable keys file" nvn
check "  and says why ($(cat "$tmp/n.err"))" grep -qF \
	"nvmetfcd: auth_keys_file $KEYS: mode 0644 lets group or others at the DH-HMAC-CHAP secrets; chmod 600 it" \
	"$tmp/n.err"
chmod 600 "$KEYS"
check "nvmetfcd -n accepts the file at mode 0600" nvn
# a bad CRC: flip the last base64 digit before the final colon
BAD=$(python3 -c 'import sys; k=sys.argv[1]; c=k[-2]; print(k[:-2] + ("A" if c != "A" else "B") + ":")' "$KEY")
printf '%s %s\n' "$HOSTNQN" "$BAD" >"$tmp/badkeys"
chmod 600 "$tmp/badkeys"
write_conf "$tmp/badkeys"
check_not "nvmetfcd -n refuses a key with a bad CRC" nvn
check "  naming file and line ($(cat "$tmp/n.err"))" grep -qxF \
	"nvmetfcd: $tmp/badkeys:1: key of $HOSTNQN: CRC-32 mismatch" "$tmp/n.err"
check_not "  and never the key" grep -qF "${BAD:10:20}" "$tmp/n.err"
printf '%s\n' "$HOSTNQN" >"$tmp/badkeys"
check_not "nvmetfcd -n refuses a line without a key" nvn
check "  ($(cat "$tmp/n.err"))" grep -qxF \
	"nvmetfcd: $tmp/badkeys:1: expected \"HOSTNQN KEY [CTRL-KEY] [hashes=LIST] [dhgroups=LIST]\"" \
	"$tmp/n.err"
# a host's own lists: bad names, a field twice, an unknown field, a key
# after the lists, an empty list
badline() {
	printf '%s\n' "$1" >"$tmp/badkeys"
	check_not "nvmetfcd -n refuses '${1#"$HOSTNQN "}'" nvn
	check "  ($(cat "$tmp/n.err"))" grep -qxF "nvmetfcd: $tmp/badkeys:1: $2" "$tmp/n.err"
}
badline "$HOSTNQN $KEY hashes=sha256,md5" "hashes of $HOSTNQN: unknown name 'md5'"
badline "$HOSTNQN $KEY dhgroups=null,ffdhe2048,null" \
	"dhgroups of $HOSTNQN: 'null' given twice"
badline "$HOSTNQN $KEY hashes=sha256 hashes=sha512" "hashes of $HOSTNQN: given twice"
badline "$HOSTNQN $KEY ciphers=aes" \
	"unknown field 'ciphers=' of $HOSTNQN (hashes= or dhgroups=)"
badline "$HOSTNQN $KEY hashes=sha384 $CKEY" \
	"expected \"HOSTNQN KEY [CTRL-KEY] [hashes=LIST] [dhgroups=LIST]\""
badline "$HOSTNQN $KEY dhgroups=" "dhgroups of $HOSTNQN: no names"
printf '%s %s %s dhgroups=ffdhe4096,null hashes=sha384\n' "$HOSTNQN" "$KEY" "$CKEY" \
	>"$tmp/badkeys"
check "nvmetfcd -n takes a host's own lists" nvn
write_conf "$KEYS" 'dhchap_hashes = "sha256,sha999";'
check_not "nvmetfcd -n refuses an unknown hash" nvn
check "  ($(cat "$tmp/n.err"))" grep -qxF \
	"nvmetfcd: dhchap_hashes: unknown name 'sha999'" "$tmp/n.err"
write_conf "$KEYS" 'dhchap_dhgroups = "null,null";'
check_not "nvmetfcd -n refuses a group given twice" nvn
check "  ($(cat "$tmp/n.err"))" grep -qxF \
	"nvmetfcd: dhchap_dhgroups: 'null' given twice" "$tmp/n.err"
write_conf "$KEYS" 'dhchap_hashes = "sha512"; dhchap_dhgroups = "ffdhe3072, null";'
check "nvmetfcd -n takes a policy" nvn

fabric_create
daemon_start "$tmp/nvmetfcd.conf" || exit 1
ctl config show >"$tmp/show.out"
check "config show names the keys file" grep -qF "auth_keys_file = \"$KEYS\"" "$tmp/show.out"
check_not "config show prints no secret" grep -q "DHHC-1" "$tmp/show.out"
ctl config save "$tmp/saved.conf" >/dev/null
check "config save keeps the reference" grep -qF "auth_keys_file = \"$KEYS\"" "$tmp/saved.conf"
check_not "config save writes no secret" grep -q "DHHC-1" "$tmp/saved.conf"

H1="--fabric $FABRIC -w nn-0x20000090fb000001:pn-0x10000090fb000001 -q $HOSTNQN"
H2="--fabric $FABRIC -w nn-0x20000090fb000002:pn-0x10000090fb000002 -q $HOST2"
"$B/tools/fcnvme" id-ctrl $H1 -n "$DEMO_NQN" >"$tmp/h1.out" 2>"$tmp/h1.err"
check "the host with a key is asked to authenticate ($(cat "$tmp/h1.err"))" grep -qF \
	"Connect (queue 0): the controller requires authentication (AUTHREQ 0x2): give a DH-HMAC-CHAP secret" \
	"$tmp/h1.err"
fc() { "$B/tools/fcnvme" "$@"; }
SEED=${AUTH_IT_SEED:-1}
echo "seed $SEED (its data; AUTH_IT_SEED=N picks another)"
python3 -c 'import random,sys; r=random.Random(int(sys.argv[1])); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[2]))))' "$SEED" 4096 >"$tmp/w.bin"
check "right key: write" fc write $H1 --dhchap-secret "$KEY" --nqn "$DEMO_NQN" -n 1 -c 7 \
	-d "$tmp/w.bin"
check "right key: read back" fc read $H1 --dhchap-secret "$KEY" --nqn "$DEMO_NQN" -n 1 -c 7 \
	-d "$tmp/r.bin"
check "  the same bytes" cmp "$tmp/w.bin" "$tmp/r.bin"
check "two-way with the right controller key" quiet fc id-ctrl $H1 --dhchap-secret "$KEY" \
	--dhchap-ctrl-secret "$CKEY" -n "$DEMO_NQN"
check "config show has the policy" grep -qF 'dhchap_dhgroups = "ffdhe3072, null"' "$tmp/show.out"
WRONG="DHHC-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:" # a valid key, not theirs
fc id-ctrl $H1 --dhchap-secret "$WRONG" -n "$DEMO_NQN" >/dev/null 2>"$tmp/wrong.err"
rc=$?
check "wrong key: refused (exit $rc)" [ $rc -eq 1 ]
check "  with the reason ($(cat "$tmp/wrong.err"))" grep -qF \
	"Authentication failed (queue 0): the controller refused: authentication failed (Failure1 0x01)" \
	"$tmp/wrong.err"
check "  logged by the daemon with host, WWPN and reason" wait_for "$DLOG" \
	"host $HOSTNQN (wwpn 0x10000090fb000001) on port p0: refused by $DEMO_NQN: DH-HMAC-CHAP failed: host response mismatch (wrong key)" 5
fc id-ctrl $H1 --dhchap-secret "$KEY" --dhchap-ctrl-secret "$WRONG" -n "$DEMO_NQN" \
	>/dev/null 2>"$tmp/wrongc.err"
rc=$?
check "wrong controller key: refused by the host (exit $rc)" [ $rc -eq 1 ]
check "  ($(cat "$tmp/wrongc.err"))" grep -qF \
	"the controller's response does not match the controller key" "$tmp/wrongc.err"
check "  the daemon logs that the host aborted" wait_for "$DLOG" \
	"host aborted DH-HMAC-CHAP: authentication failed" 5
fc id-ctrl $H1 --dhchap-secret nope -n "$DEMO_NQN" >/dev/null 2>"$tmp/nope.err"
rc=$?
check "a bad --dhchap-secret is refused up front (exit $rc: $(head -n 1 "$tmp/nope.err"))" \
	[ $rc -ne 0 ]
check "  saying why" grep -qF "fcnvme id-ctrl: --dhchap-secret: not a DHHC-1 secret" "$tmp/nope.err"
check "the host without a key reads" "$B/tools/fcnvme" read $H2 --nqn "$DEMO_NQN" -n 1 -c 0 \
	-d "$tmp/r2.bin"
check_not "the daemon log holds no secret" grep -q "DHHC-1" "$DLOG"

# The policy chosen is logged for the admin queue: this host has the
# daemon's (dhchap_hashes sha512, dhchap_dhgroups ffdhe3072 first).
# auth_logged HOST HOW: the daemon logged HOST's admin queue authenticated
# to the demo subsystem HOW (within 5 s).
auth_logged() {
	local i
	for i in $(seq 50); do
		grep -F "host $1 (wwpn 0x10000090fb00000" "$DLOG" |
			grep -F "on port p0: authenticated to $DEMO_NQN (controller " |
			grep -qF "qid 0): $2" && return 0
		sleep 0.1
	done
	return 1
}
check "the daemon logs how the host authenticated (the daemon's lists)" \
	auth_logged "$HOSTNQN" "hmac(sha512), DH group ffdhe3072, one-way"
# A host's own lists in the keys file replace the daemon's for that host
# (at a reload); the host offers everything, the target picks.
printf '%s %s %s hashes=sha384 dhgroups=ffdhe4096,null\n%s %s\n' "$HOSTNQN" "$KEY" "$CKEY" \
	"$HOST2" "$KEY" >"$KEYS"
check "reload with a host's own lists" quiet ctl config reload
check "  two-way with them" quiet fc id-ctrl $H1 --dhchap-secret "$KEY" \
	--dhchap-ctrl-secret "$CKEY" -n "$DEMO_NQN"
check "  the daemon logs its hash and group" \
	auth_logged "$HOSTNQN" "hmac(sha384), DH group ffdhe4096, two-way"
check "  the other host keeps the daemon's lists" quiet fc id-ctrl $H2 --dhchap-secret "$KEY" \
	-n "$DEMO_NQN"
check "  (logged)" auth_logged "$HOST2" "hmac(sha512), DH group ffdhe3072, one-way"
printf '%s %s\n' "$HOSTNQN" "$KEY" >"$KEYS"
check "reload back to one key" quiet ctl config reload

# Rotation by reload: a perf running with the old key keeps going; then the
# old key fails and the new one works.
fc perf --seed 1 $(host 1) --dhchap-secret "$KEY" -n 1 --nqn "$DEMO_NQN" -q 4 -o 4096 -w randread -t 4 \
	>"$tmp/perf.out" 2>"$tmp/perf.err" &
perf=$!
bg_pids="$bg_pids $perf"
sleep 1.5
NEWKEY=$(python3 -c '
import base64, os, zlib, struct
k = bytes(range(100, 132))
print("DHHC-1:00:" + base64.b64encode(k + struct.pack("<I", zlib.crc32(k))).decode() + ":")')
printf '%s %s\n' "$HOSTNQN" "$NEWKEY" >"$KEYS"
check "reload with a new key" quiet ctl config reload
wait "$perf"
rc=$?
check "the running perf went on ($(tail -n 2 "$tmp/perf.err"))" [ $rc -eq 0 ]
check "the old key fails now" bash -c "! '$B/tools/fcnvme' id-ctrl $H1 --dhchap-secret '$KEY' \
	-n '$DEMO_NQN' >/dev/null 2>&1"
check "the new key works" quiet fc id-ctrl $H1 --dhchap-secret "$NEWKEY" -n "$DEMO_NQN"

# A broken keys file is refused and the old keys stay; a file without the
# host lets it in without authentication.
chmod 644 "$KEYS"
ctl config reload >"$tmp/reload.out" 2>&1
rc=$?
check "reload refuses a readable keys file ($(cat "$tmp/reload.out"))" [ $rc -ne 0 ]
check "  saying why" grep -qF "mode 0644 lets group or others" "$tmp/reload.out"
ctl config diff "$tmp/nvmetfcd.conf" >"$tmp/diff.out" 2>&1
rc=$?
check "config diff (dry run) refuses it too ($(cat "$tmp/diff.out"))" [ $rc -ne 0 ]
chmod 600 "$KEYS"
check "  the keys stay" quiet fc id-ctrl $H1 --dhchap-secret "$NEWKEY" -n "$DEMO_NQN"
printf '%s %s\n' "$HOST2" "$KEY" >"$KEYS"
check "reload with the host's key gone" quiet ctl config reload
check "the host connects without authentication now" "$B/tools/fcnvme" read $H1 \
	--nqn "$DEMO_NQN" -n 1 -c 0 -d "$tmp/r1.bin"
"$B/tools/fcnvme" id-ctrl $H2 -n "$DEMO_NQN" >/dev/null 2>"$tmp/h2.err"
check "and the newly listed host is asked to authenticate" grep -qF "AUTHREQ 0x2" "$tmp/h2.err"

# Run-time changes (fcnvmectl) give the keys of the hosts they let in at
# once, not at the next reload: a host allowed, a subsystem added open to
# any host, a subsystem set to allow any host. A keys file that cannot be
# read refuses the change, which is undone.
HOST3=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000003
HOST4=nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000004
KEY3=$(python3 -c '
import base64, zlib, struct
k = bytes(range(10, 42))
print("DHHC-1:00:" + base64.b64encode(k + struct.pack("<I", zlib.crc32(k))).decode() + ":")')
printf '%s %s\n%s %s\n%s %s\n' "$HOST2" "$KEY" "$HOST3" "$KEY3" "$HOST4" "$KEY3" >"$KEYS"
H3="--fabric $FABRIC -w nn-0x20000090fb000003:pn-0x10000090fb000003 -q $HOST3"
H4="--fabric $FABRIC -w nn-0x20000090fb000004:pn-0x10000090fb000004 -q $HOST4"
check "allowed-host add of a host with a key" quiet ctl allowed-host add "$DEMO_NQN" "$HOST3"
"$B/tools/fcnvme" id-ctrl $H3 -n "$DEMO_NQN" >/dev/null 2>"$tmp/h3.err"
check "  it is asked to authenticate at once ($(cat "$tmp/h3.err"))" grep -qF "AUTHREQ 0x2" \
	"$tmp/h3.err"
check "  and connects with its key" quiet fc id-ctrl $H3 --dhchap-secret "$KEY3" -n "$DEMO_NQN"
chmod 644 "$KEYS"
ctl allowed-host add "$DEMO_NQN" "$HOST4" >"$tmp/add4.out" 2>&1
rc=$?
check "allowed-host add with an unreadable keys file: refused ($(cat "$tmp/add4.out"))" \
	[ $rc -ne 0 ]
check "  saying why and that nothing changed" grep -qF \
	"mode 0644 lets group or others at the DH-HMAC-CHAP secrets; chmod 600 it; nothing was changed" \
	"$tmp/add4.out"
ctl subsystem show "$DEMO_NQN" >"$tmp/sub.out" 2>&1
check_not "  the host is not allowed" grep -qF "$HOST4" "$tmp/sub.out"
chmod 600 "$KEYS"
NQN2=nqn.2026-12.io.nvmetfcd:any
check "subsystem add, open to any host" quiet ctl subsystem add "$NQN2" allow-any-host yes
check "  exported" quiet ctl subsystem add-port "$NQN2" p0
"$B/tools/fcnvme" id-ctrl $H4 -n "$NQN2" >/dev/null 2>"$tmp/h4.err"
check "  a host with a key is asked to authenticate ($(cat "$tmp/h4.err"))" grep -qF \
	"AUTHREQ 0x2" "$tmp/h4.err"
check "  a host without one connects" quiet fc id-ctrl $H1 -n "$NQN2"
NQN3=nqn.2026-12.io.nvmetfcd:closed
check "subsystem add, closed" quiet ctl subsystem add "$NQN3"
check "  exported" quiet ctl subsystem add-port "$NQN3" p0
check "  set to allow any host" quiet ctl subsystem set "$NQN3" allow-any-host yes
"$B/tools/fcnvme" id-ctrl $H3 -n "$NQN3" >/dev/null 2>"$tmp/h3b.err"
check "  a host with a key is asked to authenticate ($(cat "$tmp/h3b.err"))" grep -qF \
	"AUTHREQ 0x2" "$tmp/h3b.err"
check "  and connects with its key" quiet fc id-ctrl $H3 --dhchap-secret "$KEY3" -n "$NQN3"

daemon_stop
check "daemon exit 0" [ $? -eq 0 ]
finish
