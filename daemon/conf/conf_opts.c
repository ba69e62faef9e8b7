// SPDX-License-Identifier: Apache-2.0
/*
 * The options tables of the configuration file (see conf_opts.h): names,
 * types, ranges and defaults of every scalar setting, and the parser that
 * reads a libconfig group through a table with exact error messages.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvmectl/ctl.h>
#include <fcnvme/err.h>
#include <fcnvme/hex.h>
#include <fcnvme/nqn.h>
#include <fcnvme/size.h>
#include <fcnvme/suggest.h>
#include <fcnvme/wwn.h>

#include "conf.h"
#include "conf_opts.h"
#include "conf_text.h"

const char *const conf_backend_names[] = { [TGT_BACKEND_NULL] = "null",
					   [TGT_BACKEND_RAM] = "ram",
					   [TGT_BACKEND_FILE] = "file",
					   [TGT_BACKEND_RBD] = "rbd",
					   NULL };

const char *const conf_ana_state_names[] = { [FCNVME_ANA_OPTIMIZED] = "optimized",
					     [FCNVME_ANA_NON_OPTIMIZED] = "non-optimized",
					     [FCNVME_ANA_INACCESSIBLE] = "inaccessible",
					     [FCNVME_ANA_PERSISTENT_LOSS] = "persistent-loss",
					     [FCNVME_ANA_CHANGE] = "change",
					     NULL };

const char *const conf_log_names[] = {
	[FCNVME_LOG_WARN] = "warn", [FCNVME_LOG_INFO] = "info", [FCNVME_LOG_DEBUG] = "debug", NULL
};

/* A referral's TREQ (secure channel, bits 1:0), as Linux nvmet's addr_treq
 * names them; the index is the value. */
const char *const conf_treq_names[] = { "not specified", "required", "not required", NULL };

/* Index 0 hybrid (busy_poll false), 1 busy. */
const char *const conf_poll_names[] = { "hybrid", "busy", NULL };

/* enum conf_backing_missing */
const char *const conf_backing_missing_names[] = { "fail", "pending", NULL };

#define F(s, m) offsetof(struct s, m), sizeof(((struct s *)0)->m)

const struct conf_opt conf_daemon_opts[] = {
	{ "log_level", CONF_OPT_ENUM, F(conf, log_level), 0, 0, 0, FCNVME_LOG_INFO, conf_log_names,
	  0,
	  "What the daemon logs: warnings only, informational messages too, or debug messages too; fcnvmectl log level changes it at run time." },
	{ "socket_group", CONF_OPT_STR, F(conf, socket_group), 0, 0, 0, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT,
	  "Group whose members may use the control socket (mode 0660) and run mutating fcnvmectl commands; without it only root may." },
	{ "auth_keys_file", CONF_OPT_STR, F(conf, auth_keys_file), 0, 0, 0, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT,
	  "DH-HMAC-CHAP secrets: a root-only file (mode 0600) with one line per host NQN, \"HOSTNQN KEY [CTRL-KEY] [hashes=LIST] [dhgroups=LIST]\", keys as nvme gen-dhchap-key prints them, the lists (as in dhchap_hashes and dhchap_dhgroups) replacing the daemon's for that host; a listed host must authenticate on every subsystem that allows it. Only the file name is shown by config show or saved." },
	{ "dhchap_hashes", CONF_OPT_STR, F(conf, dhchap_hashes), 0, 0, 0, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT,
	  "DH-HMAC-CHAP hash functions the controller accepts, comma-separated in its order of preference (sha256, sha384, sha512); default all three in that order. A host's hashes= in auth_keys_file replaces it for that host." },
	{ "dhchap_dhgroups", CONF_OPT_STR, F(conf, dhchap_dhgroups), 0, 0, 0, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT,
	  "DH-HMAC-CHAP Diffie-Hellman groups the controller accepts, comma-separated in its order of preference (ffdhe2048, ffdhe3072, ffdhe4096, ffdhe6144, ffdhe8192, null: no DH exchange); default the five FFDHE groups, then null. A host's dhgroups= in auth_keys_file replaces it for that host." },
	{ "backing_wait_ms", CONF_OPT_U32, F(conf, backing_wait_ms), 0, 0, 3600000, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT,
	  "At start, how long to wait (milliseconds) for the backing files and devices of file "
	  "namespaces that do not exist yet, such as a logical volume or a disk udev has not set up"
	  " yet at boot, before failing (or, with backing_missing = \"pending\", starting without "
	  "them); 0 (the default): no wait. A namespace with create = true is not waited for. The "
	  "daemon says what it waits for in its log and in the unit's status, and asks systemd for "
	  "that much more start time. A reload never waits." },
	{ "backing_missing", CONF_OPT_ENUM, F(conf, backing_missing), 0, 0, 0, CONF_BACKING_FAIL,
	  conf_backing_missing_names, CONF_OPT_OMIT_DEFAULT,
	  "What a start or a reload does with a file namespace whose backing file or device does "
	  "not exist (after backing_wait_ms): fail (the default) refuses it, naming the file. "
	  "pending serves everything else and keeps the namespace pending, hidden from hosts, until"
	  " the file exists (checked every second); it is then added, and hosts are told through a "
	  "namespace-changed event. fcnvmectl namespace list shows pending namespaces and status "
	  "counts them; a change to one takes effect when it is added, and a reload may change its "
	  "path. fcnvmectl namespace add still refuses a missing file." },
	{ "discovery_nqn", CONF_OPT_NQN, F(conf, discovery_nqn), 0, 0, 0, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT,
	  "A unique discovery NQN (TP 8013) for this target's discovery subsystem, as Linux "
	  "nvmet's discovery_nqn: the discovery log's current discovery subsystem entry and "
	  "Identify Controller report it, and hosts may connect with it or with the well-known "
	  "nqn.2014-08.org.nvmexpress.discovery; default: the well-known NQN only. No "
	  "subsystem may have it. A reload may change it: connected discovery controllers are "
	  "told their log changed." },
	{ NULL, 0, 0, 0, 0, 0, 0, 0, NULL, 0, NULL }
};

const struct conf_opt conf_port_opts[] = {
	{ "name", CONF_OPT_NAME, F(conf_port, name), 0, 0, 0, 0, NULL, CONF_OPT_REQUIRED,
	  "The port's name, as subsystems' ports lists and fcnvmectl use it: letters, digits, '-' and '_'." },
	{ "dev", CONF_OPT_STR, F(conf_port, dev), 0, 0, 0, 0, NULL, CONF_OPT_REQUIRED,
	  "The HBA: soft:FABRIC for a port on a software fabric (softhbactl), /dev/uioN for a uio-mapped HBA, pci:DDDD:BB:DD.F for a PCI function mapped through its sysfs resource files (no interrupts: polled), or vmport:/SOCKET to drive a softhba-vmport --role target port from the host as a guest driver would (docs/softhba-vm-port.md)." },
	{ "shm_dir", CONF_OPT_STRP, F(conf_port, shm_dir), 0, 0, 0, 0, NULL, CONF_OPT_OMIT_DEFAULT,
	  "Directory holding software fabrics, for soft: ports; default $FCNVME_SHM_DIR or /dev/shm/fcnvme." },
	{ "portid", CONF_OPT_U16, F(conf_port, portid), 0, 0, 65534, 0, NULL, 0,
	  "NVMe-oF port id in discovery log entries; default: the next free one." },
	{ "wwnn", CONF_OPT_WWN, F(conf_port, wwnn), 0, 0, UINT64_MAX, 0, NULL, CONF_OPT_REQUIRED,
	  "The port's World Wide Node Name." },
	{ "wwpn", CONF_OPT_WWN, F(conf_port, wwpn), 0, 0, UINT64_MAX, 0, NULL, CONF_OPT_REQUIRED,
	  "The port's World Wide Port Name." },
	{ "hw_queues", CONF_OPT_U16, F(conf_port, nr_hwq), 0, 1, CONF_MAX_HWQ, 1, NULL, 0,
	  "Hardware queues, each served by its own I/O thread." },
	{ "queue_depth", CONF_OPT_U16, F(conf_port, queue_depth), 0, 16, 4096, 256, NULL, 0,
	  "Receive queue entries per hardware queue: the commands it runs at once, each with an mdts data buffer." },
	{ "max_queue_size", CONF_OPT_U16, F(conf_port, max_queue_size), 0, 16, 1024, 1024, NULL, 0,
	  "Largest I/O queue a host may create, in entries (CAP.MQES and MAXCMD)." },
	{ "max_io_queues", CONF_OPT_U16, F(conf_port, max_io_queues), 0, 1, 128, 16, NULL, 0,
	  "I/O queues per association (Number of Queues)." },
	{ "mdts", CONF_OPT_SIZE32, F(conf_port, mdts), 0, CONF_MIN_MDTS, CONF_MAX_MDTS,
	  CONF_DEFAULT_MDTS, NULL, 0,
	  "Largest transfer per command, a power of two; each hw queue preallocates queue_depth buffers of this size, shared by every association." },
	{ "poll", CONF_OPT_ENUM, F(conf_port, busy_poll), 0, 0, 0, 0, conf_poll_names, 0,
	  "How I/O threads wait for work: hybrid sleeps when idle, busy spins." },
	{ "readdata_rsp", CONF_OPT_BOOL, F(conf_port, readdata_rsp), 0, 0, 1, 1, NULL, 0,
	  "Send read data and the response in one operation (READDATA_RSP)." },
	{ "enabled", CONF_OPT_BOOL, F(conf_port, enabled), 0, 0, 1, 1, NULL, 0,
	  "Whether the port goes online." },
	{ NULL, 0, 0, 0, 0, 0, 0, 0, NULL, 0, NULL }
};

const struct conf_opt conf_subsys_opts[] = {
	{ "nqn", CONF_OPT_NQN, F(conf_subsys, nqn), 0, 0, 0, 0, NULL, CONF_OPT_REQUIRED,
	  "The subsystem's NVMe Qualified Name." },
	{ "serial", CONF_OPT_STR, F(conf_subsys, serial), 0, 0, 0, 0, NULL, CONF_OPT_OMIT_DEFAULT,
	  "Identify Controller serial number; default: derived from the NQN." },
	{ "model", CONF_OPT_STR, F(conf_subsys, model), 0, 0, 0, 0, NULL, CONF_OPT_OMIT_DEFAULT,
	  "Identify Controller model number." },
	{ "firmware", CONF_OPT_STR, F(conf_subsys, firmware), 0, 0, 0, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT, "Identify Controller firmware revision." },
	{ "ieee_oui", CONF_OPT_U32, F(conf_subsys, ieee_oui), 0, 0, 0xffffff, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT | CONF_OPT_PRINT_HEX, "Identify Controller IEEE OUI." },
	{ "cntlid_min", CONF_OPT_U16, F(conf_subsys, cntlid_min), 0, 1, 0xffef, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT, "Lowest controller id handed out." },
	{ "cntlid_max", CONF_OPT_U16, F(conf_subsys, cntlid_max), 0, 1, 0xffef, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT, "Highest controller id handed out." },
	{ "allow_any_host", CONF_OPT_BOOL, F(conf_subsys, allow_any_host), 0, 0, 1, 0, NULL, 0,
	  "Let any host connect; false: only the hosts listed in hosts." },
	{ NULL, 0, 0, 0, 0, 0, 0, 0, NULL, 0, NULL }
};

const struct conf_opt conf_ns_opts[] = {
	{ "nsid", CONF_OPT_U32, F(conf_ns, nsid), 0, 0, TGT_MAX_NSID, 0, NULL, 0,
	  "Namespace id; default: the lowest free one." },
	{ "backend", CONF_OPT_ENUM, F(conf_ns, backend), 0, 0, 0, 0, conf_backend_names,
	  CONF_OPT_REQUIRED,
	  "Where the data lives: null (reads zeroes, drops writes), ram, file (a regular file or a block device) or rbd (a Ceph RBD image)." },
	{ "path", CONF_OPT_STRP, F(conf_ns, path), 0, 0, 0, 0, NULL, CONF_OPT_OMIT_DEFAULT,
	  "file backend: the backing file or block device." },
	{ "size", CONF_OPT_SIZE64, F(conf_ns, size), 0, 0, UINT64_MAX, 0, NULL, 0,
	  "Namespace size; rbd: 0 or absent means the image's size, a larger one grows the image." },
	{ "lba_size", CONF_OPT_U32, F(conf_ns, lba_size), 0, 512, 4096, 512, NULL, 0,
	  "Logical block size in bytes, 512 or 4096." },
	{ "ana_group", CONF_OPT_U32, F(conf_ns, anagrpid), 0, 1, TGT_MAX_ANAGRP, 1, NULL, 0,
	  "ANA group of the namespace." },
	{ "read_only", CONF_OPT_BOOL, F(conf_ns, readonly), 0, 0, 1, 0, NULL, 0,
	  "Export the namespace read-only." },
	{ "direct", CONF_OPT_BOOL, F(conf_ns, direct), 0, 0, 1, 0, NULL, CONF_OPT_OMIT_DEFAULT,
	  "file backend: bypass the page cache (O_DIRECT)." },
	{ "create", CONF_OPT_BOOL, F(conf_ns, create), 0, 0, 1, 0, NULL, CONF_OPT_OMIT_DEFAULT,
	  "file backend: create a missing file of the given size." },
	{ "enabled", CONF_OPT_BOOL, F(conf_ns, enabled), 0, 0, 1, 1, NULL, 0,
	  "Whether hosts see the namespace." },
	{ "reservations", CONF_OPT_BOOL, F(conf_ns, resv), 0, 0, 1, 0, NULL, CONF_OPT_OMIT_DEFAULT,
	  "NVMe reservations (Reservation Register/Acquire/Release/Report, persistence through power loss in the state directory); a reload turns them on or off in place (off only while no host is registered)." },
	{ "uuid", CONF_OPT_UUID, F(conf_ns, uuid), offsetof(struct conf_ns, has_uuid), 0, 0, 0,
	  NULL, CONF_OPT_OMIT_DEFAULT,
	  "Namespace UUID; default: generated once and kept in the state directory." },
	{ "nguid", CONF_OPT_HEX, F(conf_ns, nguid), offsetof(struct conf_ns, has_nguid), 0, 0, 0,
	  NULL, CONF_OPT_OMIT_DEFAULT,
	  "Namespace GUID, 32 hex digits; default: generated once and kept in the state directory." },
	{ "eui64", CONF_OPT_HEX, F(conf_ns, eui64), offsetof(struct conf_ns, has_eui64), 0, 0, 0,
	  NULL, CONF_OPT_OMIT_DEFAULT, "IEEE EUI-64, 16 hex digits." },
	/* rbd backend */
	{ "pool", CONF_OPT_STR, F(conf_ns, rbd.pool), 0, 0, 0, 0, NULL, CONF_OPT_OMIT_DEFAULT,
	  "rbd backend: the Ceph pool." },
	{ "image", CONF_OPT_STR, F(conf_ns, rbd.image), 0, 0, 0, 0, NULL, CONF_OPT_OMIT_DEFAULT,
	  "rbd backend: the RBD image." },
	{ "rados_namespace", CONF_OPT_STR, F(conf_ns, rbd.rados_ns), 0, 0, 0, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT, "rbd backend: the RADOS namespace within the pool." },
	{ "ceph_conf", CONF_OPT_STR, F(conf_ns, rbd.conf), 0, 0, 0, 0, NULL, CONF_OPT_OMIT_DEFAULT,
	  "rbd backend: the ceph.conf to read; default $CEPH_CONF." },
	{ "ceph_id", CONF_OPT_STR, F(conf_ns, rbd.client_id), 0, 0, 0, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT, "rbd backend: the Ceph client id (client.ID)." },
	{ "keyring", CONF_OPT_STR, F(conf_ns, rbd.keyring), 0, 0, 0, 0, NULL, CONF_OPT_OMIT_DEFAULT,
	  "rbd backend: the client's keyring file." },
	{ "write_cache", CONF_OPT_BOOL, F(conf_ns, rbd.write_cache), 0, 0, 1, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT,
	  "rbd backend: use librbd's cache (a volatile write cache for hosts, Flush is rbd_aio_flush)." },
	{ "op_timeout", CONF_OPT_U32, F(conf_ns, rbd.op_timeout_s), 0, 0, 3600, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT, "rbd backend: seconds before a Ceph operation fails; 0: 30." },
	{ NULL, 0, 0, 0, 0, 0, 0, 0, NULL, 0, NULL }
};

const struct conf_opt conf_cluster_opts[] = {
	{ "node", CONF_OPT_NAME, F(conf_cluster, node), 0, 0, 0, 0, NULL, CONF_OPT_REQUIRED,
	  "This node's unique name." },
	{ "node_id", CONF_OPT_U16, F(conf_cluster, node_id), 0, 1, 15, 0, NULL, CONF_OPT_REQUIRED,
	  "This node's id; it selects its controller id range (1-4096, 4097-8192, ...)." },
	{ "ceph_conf", CONF_OPT_STR, F(conf_cluster, ceph_conf), 0, 0, 0, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT, "The ceph.conf of the state client; default $CEPH_CONF." },
	{ "ceph_id", CONF_OPT_STR, F(conf_cluster, ceph_id), 0, 0, 0, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT, "The state client's Ceph client id (client.ID)." },
	{ "keyring", CONF_OPT_STR, F(conf_cluster, keyring), 0, 0, 0, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT, "The state client's keyring file." },
	{ "pool", CONF_OPT_STR, F(conf_cluster, pool), 0, 0, 0, 0, NULL, CONF_OPT_REQUIRED,
	  "Pool holding the shared state object." },
	{ "object", CONF_OPT_STR, F(conf_cluster, object), 0, 0, 0, 0, NULL, CONF_OPT_OMIT_DEFAULT,
	  "Name of the shared state object; default nvmetfcd.state." },
	{ "heartbeat_ms", CONF_OPT_U32, F(conf_cluster, heartbeat_ms), 0, 100, 60000, 1000, NULL, 0,
	  "Interval of this node's heartbeat, in milliseconds." },
	{ "dead_ms", CONF_OPT_U32, F(conf_cluster, dead_ms), 0, 300, 600000, 5000, NULL, 0,
	  "Silence, in milliseconds, after which another node fences this one and takes its ANA groups." },
	{ "ana_group", CONF_OPT_U32, F(conf_cluster, ana_group), 0, 0, TGT_MAX_ANAGRP, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT, "ANA group this node serves optimized by default." },
	{ "failback_ms", CONF_OPT_U32, F(conf_cluster, failback_ms), 0, 0, 3600000, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT,
	  "Take ana_group back from the live node that owns it once this node has been a member "
	  "in good standing for this many milliseconds (0, the default: only by move-group)." },
	{ "op_timeout", CONF_OPT_U32, F(conf_cluster, op_timeout_s), 0, 0, 3600, 0, NULL,
	  CONF_OPT_OMIT_DEFAULT,
	  "Seconds before a Ceph operation of a shared namespace fails; 0: 30 (the state client "
	  "keeps its own 10)." },
	{ NULL, 0, 0, 0, 0, 0, 0, 0, NULL, 0, NULL }
};

const struct conf_opt conf_ana_opts[] = {
	{ "id", CONF_OPT_U32, F(conf_ana, grpid), 0, 1, TGT_MAX_ANAGRP, 0, NULL, CONF_OPT_REQUIRED,
	  "ANA group id (group 1 always exists)." },
	{ "state", CONF_OPT_ENUM, F(conf_ana, state), 0, 0, 0, FCNVME_ANA_OPTIMIZED,
	  conf_ana_state_names, 0, "The group's state on every port not listed in ports." },
	{ NULL, 0, 0, 0, 0, 0, 0, 0, NULL, 0, NULL }
};

const struct conf_opt conf_referral_opts[] = {
	{ "name", CONF_OPT_NAME, F(conf_referral, name), 0, 0, 0, 0, NULL, CONF_OPT_REQUIRED,
	  "The referral's name, as fcnvmectl referral uses it: letters, digits, '-' and '_'." },
	{ "traddr", CONF_OPT_STR, F(conf_referral, traddr), 0, 0, 0, 0, NULL, CONF_OPT_REQUIRED,
	  "The FC address of the other discovery service's port, nn-0xWWNN:pn-0xWWPN, as the entry's TRADDR." },
	{ "portid", CONF_OPT_U16, F(conf_referral, portid), 0, 0, 65534, 0, NULL, 0,
	  "The NVMe-oF port id the entry names (the other port's portid)." },
	{ "treq", CONF_OPT_ENUM, F(conf_referral, treq), 0, 0, 0, 0, conf_treq_names,
	  CONF_OPT_OMIT_DEFAULT,
	  "The entry's TREQ, what the other port says of a secure channel: \"not specified\" (default), \"required\" or \"not required\", as Linux nvmet's referral addr_treq." },
	{ NULL, 0, 0, 0, 0, 0, 0, 0, NULL, 0, NULL }
};

/* Record "FILE:LINE: message" in p->err (the line mapped back to the
 * file it came from, for included files). */
static void __attribute__((format(printf, 3, 0)))
perr(struct conf_parse *p, int line, const char *fmt, va_list ap)
{
	const char *file = p->name;
	char msg[400];

	fcnvme_verr(msg, sizeof(msg), 0, fmt, ap);
	if (p->text != NULL)
		conf_text_where(p->text, line, &file, &line);
	if (p->nr_err++ == 0)
		fcnvme_err(p->err, p->errlen, 0, "%s:%d: %s", file != NULL ? file : p->name, line,
			   msg);
	if (p->all != NULL && p->allused + 1 < p->alllen) {
		int n = snprintf(p->all + p->allused, p->alllen - p->allused, "%s:%d: %s\n",
				 file != NULL ? file : p->name, line, msg);

		if (n > 0)
			p->allused += (size_t)n < p->alllen - p->allused
					      ? (size_t)n
					      : p->alllen - p->allused - 1;
	}
}

/* Record "FILE:LINE: message" for setting s; returns error. */
int conf_perr(struct conf_parse *p, const config_setting_t *s, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	perr(p, s != NULL ? (int)config_setting_source_line(s) : 0, fmt, ap);
	va_end(ap);
	return error;
}

/* Record "FILE:LINE: message" for an explicit line; returns error. */
int conf_perr_at(struct conf_parse *p, int line, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	perr(p, line, fmt, ap);
	va_end(ap);
	return error;
}

/* Where line is, for a message about line ref: "line N" in the same file,
 * else "FILE:N". */
const char *conf_where(struct conf_parse *p, int line, int ref, char *buf, size_t len)
{
	const char *file = NULL, *rfile = NULL;
	int fline = line, rline;

	if (p->text != NULL) {
		conf_text_where(p->text, line, &file, &fline);
		conf_text_where(p->text, ref, &rfile, &rline);
	}
	if (file == NULL || rfile == NULL || strcmp(file, rfile) == 0)
		snprintf(buf, len, "line %d", fline);
	else
		snprintf(buf, len, "%s:%d", file, fline);
	return buf;
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

/* Whether s is a valid name: a letter, then letters, digits, - or _. */
bool conf_name_valid(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

/* Index of s in a NULL-terminated name table, or -1. */
int conf_enum_lookup(const char *const *names, const char *s)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

static const char *type_word(enum conf_opt_type t)
{
	switch (t) {
	case CONF_OPT_U16:
	case CONF_OPT_U32:
		return "an integer";
	case CONF_OPT_BOOL:
		return "true or false";
	case CONF_OPT_SIZE32:
	case CONF_OPT_SIZE64:
		return "a size (integer or string like \"256M\")";
	default:
		return "a string";
	}
}

/* Parse one setting s of option o into the struct at base. */
static int opt_parse(struct conf_parse *p, const struct conf_opt *o, const config_setting_t *s,
		     void *base)
{
	char *dst = (char *)base + o->off;
	int type = config_setting_type(s);
	const char *str = NULL;
	long long ll = 0;
	uint64_t v;
	int i;

	if (type == CONFIG_TYPE_STRING)
		str = config_setting_get_string(s);
	else if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64)
		ll = config_setting_get_int64(s);

	switch (o->type) {
	case CONF_OPT_STR:
	case CONF_OPT_NAME:
	case CONF_OPT_NQN:
	case CONF_OPT_STRP:
	case CONF_OPT_WWN:
	case CONF_OPT_ENUM:
	case CONF_OPT_UUID:
	case CONF_OPT_HEX:
		if (str == NULL)
			return conf_perr(p, s, -EINVAL, "%s must be %s", o->name,
					 type_word(o->type));
		break;
	case CONF_OPT_BOOL:
		if (type != CONFIG_TYPE_BOOL)
			return conf_perr(p, s, -EINVAL, "%s must be %s", o->name,
					 type_word(o->type));
		*(bool *)dst = config_setting_get_bool(s) != 0;
		return 0;
	case CONF_OPT_U16:
	case CONF_OPT_U32:
		if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
			return conf_perr(p, s, -EINVAL, "%s must be %s", o->name,
					 type_word(o->type));
		if (ll < (long long)o->min || (uint64_t)ll > o->max)
			return conf_perr(p, s, -ERANGE, "%s = %lld is outside %llu..%llu", o->name,
					 ll, (unsigned long long)o->min,
					 (unsigned long long)o->max);
		if (o->type == CONF_OPT_U16)
			*(uint16_t *)dst = (uint16_t)ll;
		else
			*(uint32_t *)dst = (uint32_t)ll;
		return 0;
	case CONF_OPT_SIZE32:
	case CONF_OPT_SIZE64:
		if (str != NULL) {
			if (fcnvme_size_parse(str, &v))
				return conf_perr(p, s, -EINVAL, "%s: \"%s\" is not a size", o->name,
						 str);
		} else if ((type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64) && ll >= 0) {
			v = (uint64_t)ll;
		} else {
			return conf_perr(p, s, -EINVAL, "%s must be %s", o->name,
					 type_word(o->type));
		}
		if (v < o->min || v > o->max)
			return conf_perr(p, s, -ERANGE, "%s = %llu is outside %llu..%llu", o->name,
					 (unsigned long long)v, (unsigned long long)o->min,
					 (unsigned long long)o->max);
		if (o->type == CONF_OPT_SIZE32)
			*(uint32_t *)dst = (uint32_t)v;
		else
			*(uint64_t *)dst = v;
		return 0;
	default:
		break;
	}

	switch (o->type) {
	case CONF_OPT_STR:
		if (strlen(str) >= o->size || !printable(str))
			return conf_perr(p, s, -EINVAL,
					 "%s must be printable ASCII of at most %zu characters",
					 o->name, o->size - 1);
		strcpy(dst, str);
		return 0;
	case CONF_OPT_NAME:
		if (strlen(str) >= o->size || !conf_name_valid(str))
			return conf_perr(
				p, s, -EINVAL,
				"%s \"%s\": use a letter then letters, digits, '-' or '_' (at most %zu)",
				o->name, str, o->size - 1);
		strcpy(dst, str);
		return 0;
	case CONF_OPT_NQN: {
		const char *why = NULL;

		if (fcnvme_nqn_validate(str, &why) != 0)
			return conf_perr(p, s, -EINVAL, "%s \"%s\": %s", o->name, str,
					 why != NULL ? why : "invalid NQN");
		if (strcmp(str, FCNVME_DISCOVERY_NQN) == 0)
			return conf_perr(p, s, -EINVAL, "%s: the discovery NQN is reserved",
					 o->name);
		snprintf(dst, o->size, "%s", str);
		return 0;
	}
	case CONF_OPT_STRP:
		if (*str == '\0' || strlen(str) >= 4096)
			return conf_perr(p, s, -EINVAL, "%s must not be empty", o->name);
		free(*(char **)dst);
		*(char **)dst = strdup(str);
		return *(char **)dst != NULL ? 0 : -ENOMEM;
	case CONF_OPT_WWN:
		if (fcnvme_wwn_parse(str, (uint64_t *)dst) != 0)
			return conf_perr(
				p, s, -EINVAL,
				"%s \"%s\" is not a WWN (16 hex digits, e.g. 0x20000090fa000001)",
				o->name, str);
		return 0;
	case CONF_OPT_ENUM:
		i = conf_enum_lookup(o->names, str);
		if (i < 0) {
			char list[128] = "";
			int k;

			for (k = 0; o->names[k] != NULL; k++) {
				strncat(list, k ? ", " : "", sizeof(list) - strlen(list) - 1);
				strncat(list, o->names[k], sizeof(list) - strlen(list) - 1);
			}
			return conf_perr(p, s, -EINVAL, "%s \"%s\" is not one of: %s", o->name, str,
					 list);
		}
		if (o->size == 1)
			*(uint8_t *)dst = (uint8_t)i;
		else
			*(int *)dst = i;
		return 0;
	case CONF_OPT_UUID:
		if (fcnvme_uuid_parse(str, (uint8_t *)dst) != 0)
			return conf_perr(p, s, -EINVAL, "%s \"%s\" is not a UUID", o->name, str);
		*(bool *)((char *)base + o->has_off) = true;
		return 0;
	case CONF_OPT_HEX:
		/* an optional "0x", then exactly 2 * size digits */
		if (fcnvme_hex_parse(str + (strncmp(str, "0x", 2) ? 0 : 2), (uint8_t *)dst,
				     o->size))
			return conf_perr(p, s, -EINVAL, "%s \"%s\" must be %zu hex digits", o->name,
					 str, o->size * 2);
		*(bool *)((char *)base + o->has_off) = true;
		return 0;
	default:
		return conf_perr(p, s, -EINVAL, "%s: internal type error", o->name);
	}
}

/* Set defaults of every option in table. */
static void opts_default(const struct conf_opt *table, void *base)
{
	const struct conf_opt *o;

	for (o = table; o->name != NULL; o++) {
		char *dst = (char *)base + o->off;

		switch (o->type) {
		case CONF_OPT_U16:
			*(uint16_t *)dst = (uint16_t)o->def;
			break;
		case CONF_OPT_U32:
		case CONF_OPT_SIZE32:
			*(uint32_t *)dst = (uint32_t)o->def;
			break;
		case CONF_OPT_SIZE64:
			*(uint64_t *)dst = o->def;
			break;
		case CONF_OPT_BOOL:
			*(bool *)dst = o->def != 0;
			break;
		case CONF_OPT_ENUM:
			if (o->size == 1)
				*(uint8_t *)dst = (uint8_t)o->def;
			else
				*(int *)dst = (int)o->def;
			break;
		default:
			break;
		}
	}
}

/* Refuse the unknown setting s, with the nearest known name of table and
 * extra when it looks like a typo of one. */
static int opts_unknown(struct conf_parse *p, const config_setting_t *s,
			const struct conf_opt *table, const char *const *extra, const char *what)
{
	const char *names[128], *near;
	const char *name = config_setting_name(s);
	size_t n = 0, k;

	for (; table->name != NULL && n < sizeof(names) / sizeof(names[0]); table++)
		names[n++] = table->name;
	for (k = 0; extra != NULL && extra[k] != NULL && n < sizeof(names) / sizeof(names[0]); k++)
		names[n++] = extra[k];
	near = fcnvme_suggest(name, names, n);
	if (near)
		return conf_perr(p, s, -EINVAL, "unknown setting %s in %s (did you mean %s?)", name,
				 what, near);
	return conf_perr(p, s, -EINVAL, "unknown setting %s in %s", name, what);
}

/*
 * Parse the members of group g: members named in table go through
 * opt_parse; members named in extra[] are left to the caller; anything else
 * is an error. Required options must be present.
 */
int conf_opts_parse(struct conf_parse *p, const config_setting_t *g, const struct conf_opt *table,
		    const char *const *extra, void *base, const char *what)
{
	const struct conf_opt *o;
	int i, n, err, first = 0;

	if (!config_setting_is_group(g))
		return conf_perr(p, g, -EINVAL, "%s must be a group { ... }", what);
	opts_default(table, base);
	n = config_setting_length(g);
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(s);
		int k;

		for (o = table; o->name != NULL; o++)
			if (strcmp(o->name, name) == 0)
				break;
		err = 0;
		if (o->name != NULL) {
			err = opt_parse(p, o, s, base);
		} else {
			for (k = 0; extra != NULL && extra[k] != NULL; k++)
				if (strcmp(extra[k], name) == 0)
					break;
			if (extra == NULL || extra[k] == NULL)
				err = opts_unknown(p, s, table, extra, what);
		}
		if (err && !conf_keep_going(p))
			return err;
		if (err && !first)
			first = err;
	}
	for (o = table; o->name != NULL; o++) {
		if ((o->flags & CONF_OPT_REQUIRED) &&
		    config_setting_get_member(g, o->name) == NULL) {
			err = conf_perr(p, g, -EINVAL, "%s needs %s", what, o->name);
			if (!conf_keep_going(p))
				return err;
			if (!first)
				first = err;
		}
	}
	return first;
}
