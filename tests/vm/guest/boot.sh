# SPDX-License-Identifier: Apache-2.0
# Guest of vm_boot.sh: the harness itself. The guest runs Debian's kernel,
# sees the host root read-only and its share read-write, talks to the host
# through host_do, and has the NVMe/FC host stack.
. "$(dirname "$0")/lib.sh"

check_eq "guest kernel is Debian's current one" "$KVER" "$(uname -r)"
check "host root is read-only in the guest" sh -c '! touch /usr/.vmtest-rw 2>/dev/null'
check "the share is writable" sh -c "echo x >$VM_SHARE/out/w && [ \"\$(cat $VM_SHARE/out/w)\" = x ]"
check_eq "host_do echo: the host's output" "hello from the host" "$(host_do echo hello from the host)"
host_do exit 3 >/dev/null
check_eq "host_do exit 3: the host's exit status" 3 "$?"
check "modprobe nvme-fc" modprobe nvme-fc
check_eq "native NVMe multipath is on" Y "$(cat /sys/module/nvme_core/parameters/multipath)"
check "nvme-cli runs" nvme version
check "fio runs" fio --version
check "/dev/nvme-fabrics exists" test -c /dev/nvme-fabrics
dmesg_clean
guest_finish
