# SPDX-License-Identifier: Apache-2.0
# Guest of auth.sh: Linux's nvme-fc host with CONFIG_NVME_AUTH (nvme-common,
# nvme-core, nvme-fabrics and nvme-fc rebuilt by the host, in $NVA) and the
# RFC 7919 DH groups (dh_rfc7919, also rebuilt) against nvmetfcd's
# DH-HMAC-CHAP on subsystem A: one-way with SHA-256, a wrong key and no key
# refused, two-way with SHA-384, a wrong controller key refused by the host,
# one-way with SHA-512 chosen by the host's own list in the keys file (the
# daemon's is SHA-256); then each FFDHE group, two-way with ffdhe2048, the
# last chosen by the host's own "dhgroups=" in the keys file; I/O through
# each authenticated controller.
. "$(dirname "$0")/lib.sh"

H="-q $GHOSTNQN -I $GHOSTID"
FC="-t fc -a $T0ADDR -w $G1ADDR"

# Our nvme modules before anything loads Debian's (t10-pi is nvme-core's
# other dependency, from Debian's tree)
modprobe t10-pi || ko "modprobe t10-pi"
for m in $NVA_DH $NVA_MODS; do
	insmod "$NVA/$m" || ko "insmod $m"
done
check "nvme_core is the rebuilt one (its module has nvme_auth_negotiate)" \
	grep -qP ' nvme_auth_negotiate\t\[nvme_core\]' /proc/kallsyms
softhba_load || guest_finish
check "remote port $T0WWPN registered" wait_for 20 rport_online "$T0WWPN"

# logged NAME TEXT: the kernel logged TEXT since dmesg_mark NAME
logged() { dmesg_since "$1" | grep -q -F -- "$2"; }
# no controller at all (of A or in any state: a failed connect may leave
# one reconnecting)
no_ctrl() {
	local c
	for c in /sys/class/nvme/nvme[0-9]*; do
		[ -e "$c" ] && return 1
	done
	return 0
}

pat=/tmp/pat
# io NAME: write a pattern to namespace 1 of A and read it back
io() {
	local n
	n=$(nvme_ns_of "$NQN_A" 1)
	yes "auth vm $1" | head -c 65536 >$pat
	check "$1: write to $n" dd if=$pat of="/dev/$n" bs=4k oflag=direct status=none
	check "$1: and read it back" sh -c "dd if=/dev/$n bs=4k count=16 iflag=direct status=none | cmp - $pat"
}

# good NAME HASH DHGROUP CONNECT-ARGS...: connect, authenticated with HASH
# and DHGROUP, I/O
good() {
	local name=$1 hash=$2 dh=$3 c
	shift 3
	dmesg_mark "$name"
	nvme connect $FC $H -n "$NQN_A" "$@" >conn.out 2>&1
	check_eq "$name: nvme connect" 0 "$?"
	sed 's/^/  nvme: /' conn.out
	if ! wait_for 10 nvme_ns_of "$NQN_A" 1; then
		ko "$name: namespace 1 of A did not appear"
		dmesg_since "$name" | tail -n 20 | sed 's/^/  dmesg: /'
		# no controller left reconnecting for the next steps
		nvme disconnect-all >/dev/null 2>&1
		return
	fi
	c=$(nvme_ctrl_of "$NQN_A")
	check "$name: dmesg: authenticated with hmac($hash), DH group $dh" \
		logged "$name" "nvme $c: qid 0: authenticated with hash hmac($hash) dhgroup $dh"
	check "$name: the controller has the host key (sysfs dhchap_secret)" \
		test -n "$(cat "/sys/class/nvme/$c/dhchap_secret" 2>/dev/null)"
	io "$name"
	dmesg_since "$name" | grep -E 'nvme[0-9]+: qid|authenticat' | sed 's/^/  dmesg: /'
}

# bad NAME CONNECT-ARGS...: the connect fails and the controller is gone.
# Linux 6.1 retries a failed authentication like any failed connect (its
# status has no DNR), every reconnect_delay until ctrl_loss_tmo (600 s):
# --ctrl-loss-tmo=0 deletes the controller after the first failure.
bad() {
	local name=$1
	shift
	dmesg_mark "$name"
	nvme connect $FC $H -n "$NQN_A" --ctrl-loss-tmo=0 "$@" >conn.out 2>&1
	check "$name: nvme connect fails (exit $?)" test "$?" -ne 0
	sed 's/^/  nvme: /' conn.out
	if wait_for 15 no_ctrl; then
		ok "$name: no controller left"
	else
		ko "$name: a controller is left: $(ls /sys/class/nvme/)"
		nvme disconnect-all >/dev/null 2>&1
	fi
	dmesg_since "$name" | sed 's/^/  dmesg: /'
}

disconnect() {
	nvme disconnect -n "$NQN_A" >dis.out 2>&1
	check_eq "$1: nvme disconnect" 0 "$?"
}

# one-way, SHA-256
host_do phase sha256 null "$KEY256" >ph.out || { ko "phase sha256"; cat ph.out; }
good "sha256" sha256 null --dhchap-secret="$KEY256"
disconnect sha256

# a wrong key and no key are refused, the daemon says why
bad "wrong key" --dhchap-secret="$BADKEY"
check "wrong key: dmesg: qid 0: authentication failed" logged "wrong key" ": qid 0: authentication failed"
check "wrong key: nvmetfcd logged the refusal" host_do daemon_log_has \
	"host $GHOSTNQN (wwpn $G1WWPN) on port p0: refused by $NQN_A: DH-HMAC-CHAP failed: host response mismatch (wrong key)"
bad "no key"
check "no key: dmesg: qid 0: no key" logged "no key" ": qid 0: no key"

# two-way, SHA-384
host_do phase sha384 null "$KEY384" "$CKEY" >ph.out || { ko "phase sha384"; cat ph.out; }
good "sha384 two-way" sha384 null --dhchap-secret="$KEY384" --dhchap-ctrl-secret="$CKEY"
c=$(nvme_ctrl_of "$NQN_A")
check "sha384 two-way: dmesg: qid 0: controller authenticated" \
	logged "sha384 two-way" "nvme $c: qid 0: controller authenticated"
disconnect "sha384 two-way"

# a wrong controller key: the host refuses the controller
bad "wrong controller key" --dhchap-secret="$KEY384" --dhchap-ctrl-secret="$BADCKEY"
check "wrong controller key: dmesg: qid 0: controller authentication failed" \
	logged "wrong controller key" ": qid 0: controller authentication failed"
check "wrong controller key: nvmetfcd logged the host's refusal" host_do daemon_log_has \
	"host $GHOSTNQN (wwpn $G1WWPN) on port p0: refused by $NQN_A: host aborted DH-HMAC-CHAP"

# one-way, SHA-512 from the host's own list in the keys file: the daemon's
# dhchap_hashes says sha256, the host's line "hashes=sha512"
host_do phase sha256 null "$KEY512" hashes=sha512 >ph.out || { ko "phase sha512"; cat ph.out; }
good "sha512" sha512 null --dhchap-secret="$KEY512"
check "sha512: nvmetfcd logged how the host authenticated" host_do daemon_log_has \
	"qid 0): hmac(sha512), DH group null, one-way"
disconnect sha512

# The FFDHE groups: the kernel computes them with dh_rfc7919's templates
# (each appears in /proc/crypto once instantiated). ffdhe2048 two-way;
# ffdhe8192 from the host's own "dhgroups=" (the daemon's list says null).
# dh_check NAME HASH DHGROUP WAY: nvmetfcd and the kernel agree on the
# exchange
dh_check() {
	check "$1: /proc/crypto has $3(dh)" grep -q "^name *: $3(dh)\$" /proc/crypto
	check "$1: nvmetfcd logged hmac($2), DH group $3, $4" host_do daemon_log_has \
		"qid 0): hmac($2), DH group $3, $4"
}
host_do phase sha256 ffdhe2048 "$KEY256" "$CKEY" >ph.out || { ko "phase ffdhe2048"; cat ph.out; }
good "ffdhe2048 two-way" sha256 ffdhe2048 --dhchap-secret="$KEY256" --dhchap-ctrl-secret="$CKEY"
c=$(nvme_ctrl_of "$NQN_A")
check "ffdhe2048 two-way: dmesg: qid 0: controller authenticated" \
	logged "ffdhe2048 two-way" "nvme $c: qid 0: controller authenticated"
dh_check "ffdhe2048 two-way" sha256 ffdhe2048 two-way
disconnect "ffdhe2048 two-way"
for spec in "ffdhe3072 sha384 $KEY384" "ffdhe4096 sha512 $KEY512" "ffdhe6144 sha256 $KEY256"; do
	read -r g hash key <<<"$spec"
	host_do phase "$hash" "$g" "$key" >ph.out || { ko "phase $g"; cat ph.out; }
	good "$g" "$hash" "$g" --dhchap-secret="$key"
	dh_check "$g" "$hash" "$g" one-way
	disconnect "$g"
done
host_do phase sha512 null "$KEY512" dhgroups=ffdhe8192 >ph.out || { ko "phase ffdhe8192"; cat ph.out; }
good "ffdhe8192" sha512 ffdhe8192 --dhchap-secret="$KEY512"
dh_check "ffdhe8192" sha512 ffdhe8192 one-way
disconnect ffdhe8192

# a wrong controller key under a DH group: refused by the host as well
host_do phase sha384 ffdhe3072 "$KEY384" "$CKEY" >ph.out || { ko "phase ffdhe3072 two-way"; cat ph.out; }
bad "ffdhe3072 wrong controller key" --dhchap-secret="$KEY384" --dhchap-ctrl-secret="$BADCKEY"
check "ffdhe3072 wrong controller key: dmesg: qid 0: controller authentication failed" \
	logged "ffdhe3072 wrong controller key" ": qid 0: controller authentication failed"

check "rmmod softhba" rmmod softhba
dmesg_save dmesg
# the refusals above, provoked on purpose (warning level in nvme-core,
# nvme-fabrics and nvme-fc)
DMESG_EXPECT='nvme nvme[0-9]+: qid 0: (authentication failed|no key|authentication setup failed|controller authentication failed)$'
DMESG_EXPECT="$DMESG_EXPECT"'|nvme nvme[0-9]+: NVME-FC\{[0-9]+\}: Max reconnect attempts \(1\) reached\.$'

dmesg_clean
guest_finish
