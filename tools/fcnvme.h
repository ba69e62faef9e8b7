/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared pieces of the fcnvme initiator tool: common options, host
 * identity (/etc/nvme/hostnqn, /etc/nvme/hostid), the software-HBA host
 * port, connecting a controller and waiting for it, synchronous commands,
 * and output helpers. One file per command (fcnvme_<cmd>.c) uses these.
 * Single-threaded: everything runs in the caller's loop.
 */
#ifndef FCNVME_TOOL_H
#define FCNVME_TOOL_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include <fcnvme/clock.h>
#include <fcnvme/fc_wire.h>
#include <fcnvme/num.h>
#include <fcnvme/nvme.h>
#include <fcnvme/nvme_fc_driver.h>
#include <fcnvme/nvme_fc_host.h>

struct hw_host_port;
struct json_object;

/* Options every command accepts. */
struct fcnvme_opts {
	const char *fabric;  /* --fabric NAME: dev "soft:NAME" */
	const char *dev;     /* --dev: "soft:NAME" or /dev/uioN */
	const char *shm_dir; /* --shm-dir */
	uint64_t wwnn, wwpn; /* our port */
	bool have_traddr;    /* --traddr: the target port */
	uint64_t t_wwnn, t_wwpn;
	const char *subnqn; /* --nqn / -n */
	const char *hostnqn_opt;
	const char *hostid_opt;
	char hostnqn[256];
	uint8_t hostid[16];
	bool json;
	uint16_t nr_io_queues;
	uint16_t queue_size;
	uint32_t kato_ms;
	uint32_t reconnect_delay_s;
	int32_t ctrl_loss_tmo_s;
	uint32_t connect_timeout_s;
	bool verbose;
};

/* Long options shared by all commands (short letters avoided on purpose
 * where nvme-cli uses them per command). Append to a command's table. */
#define FCNVME_COMMON_LONGOPTS                                                                   \
	{ "fabric", required_argument, NULL, 0x100 }, { "dev", required_argument, NULL, 0x101 }, \
		{ "shm-dir", required_argument, NULL, 0x102 },                                   \
		{ "wwnn", required_argument, NULL, 0x103 },                                      \
		{ "wwpn", required_argument, NULL, 0x104 },                                      \
		{ "traddr", required_argument, NULL, 0x105 },                                    \
		{ "hostnqn", required_argument, NULL, 0x106 },                                   \
		{ "hostid", required_argument, NULL, 0x107 },                                    \
		{ "nr-io-queues", required_argument, NULL, 0x108 },                              \
		{ "queue-size", required_argument, NULL, 0x109 },                                \
		{ "keep-alive-tmo", required_argument, NULL, 0x10a },                            \
		{ "reconnect-delay", required_argument, NULL, 0x10b },                           \
		{ "ctrl-loss-tmo", required_argument, NULL, 0x10c },                             \
		{ "connect-timeout", required_argument, NULL, 0x10d },                           \
		{ "nqn", required_argument, NULL, 0x10e }, { "json", no_argument, NULL, 0x10f }, \
		{ "verbose", no_argument, NULL, 0x110 },                                         \
	{                                                                                        \
		"help", no_argument, NULL, 'h'                                                   \
	}

#define FCNVME_COMMON_HELP                                                       \
	"  --fabric NAME          software fabric to join (device soft:NAME)\n"  \
	"  --dev DEV              HBA device instead (soft:NAME or /dev/uioN)\n" \
	"  --shm-dir DIR          where software fabrics live\n"                 \
	"  --wwnn WWN --wwpn WWN  our port's names (required)\n"                 \
	"  --traddr nn-0x..:pn-0x..  the target port (default: the first one)\n" \
	"  --nqn NQN              subsystem NQN\n"                               \
	"  --hostnqn NQN --hostid UUID  (default /etc/nvme/hostnqn, hostid)\n"   \
	"  --nr-io-queues N --queue-size N --keep-alive-tmo S\n"                 \
	"  --reconnect-delay S --ctrl-loss-tmo S --connect-timeout S\n"          \
	"  --json                 JSON output\n"

/* Per-process state of a command. */
struct fcnvme_ctx {
	struct fcnvme_opts o;
	struct hw_host_port *port;
	struct nvme_fc_local_port *lport;
	const char *cmd;		   /* for messages */
	struct fcnvme_host_ctrl *cur_ctrl; /* last connected */
	bool report_states;		   /* print changes */
};

/* A command: argc/argv start at the command name. */
struct fcnvme_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

/* Set defaults; the command name is used in messages. */
void fcnvme_opts_init(struct fcnvme_ctx *x, const char *cmd);
/* Handle a common option; 1 if it was one, 0 if not, -1 on a bad value
 * (message printed). */
int fcnvme_common_opt(struct fcnvme_ctx *x, int c, const char *arg);
/* Check required options, load the host identity, open the port. 0 or -1
 * (message printed). */
int fcnvme_start(struct fcnvme_ctx *x);
/* Close the port. */
void fcnvme_stop(struct fcnvme_ctx *x);

/* The target remote port (--traddr or the first with role), or NULL. */
struct nvme_fc_remote_port *fcnvme_pick_rport(struct fcnvme_ctx *x, uint32_t role);
/* Connect to subnqn on rport and wait until LIVE. 0 or -1 (message). */
int fcnvme_connect(struct fcnvme_ctx *x, struct nvme_fc_remote_port *rp, const char *subnqn,
		   uint16_t nr_io_queues, struct fcnvme_host_ctrl **ctrlp);
/* Delete a controller, waiting for its teardown. */
void fcnvme_disconnect(struct fcnvme_ctx *x, struct fcnvme_host_ctrl *ctrl);
/* One round of the slow path and the controller's poll. */
void fcnvme_pump(struct fcnvme_ctx *x, struct fcnvme_host_ctrl *ctrl);
/* Submit and wait; returns the NVMe status (>= 0) or -errno. */
int fcnvme_sync(struct fcnvme_ctx *x, struct fcnvme_host_ctrl *ctrl, uint16_t qid,
		const struct nvme_command *cmd, struct fcnvme_host_buf *buf, uint32_t len,
		struct nvme_completion *cqe);
/* Identify (cns, nsid) into buf (4096 bytes). */
int fcnvme_identify(struct fcnvme_ctx *x, struct fcnvme_host_ctrl *ctrl, uint8_t cns, uint32_t nsid,
		    struct fcnvme_host_buf *buf);
/* Get Log Page lid of len bytes at offset into buf. */
int fcnvme_get_log(struct fcnvme_ctx *x, struct fcnvme_host_ctrl *ctrl, uint8_t lid, uint64_t off,
		   uint32_t len, struct fcnvme_host_buf *buf);
/* Print an error for a command status or errno. */
void fcnvme_err_status(struct fcnvme_ctx *x, const char *what, int rc);

/* "nn-0x...:pn-0x..." of a remote port. */
void fcnvme_rport_traddr(const struct nvme_fc_remote_port *rp, char *buf, size_t len);
/* Copy a space-padded fixed field into a trimmed C string. */
void fcnvme_fixstr(char *dst, const char *src, size_t n);
/* Print a JSON object to stdout, pretty, and free it. */
void fcnvme_json_print(struct json_object *o);
/* Parse an unsigned number (any base) with bounds; 0 or -1. */

/* Read the whole discovery log of a discovery controller into a malloc'd
 * buffer (header + entries); 0 or -1 (message printed). */
int fcnvme_disc_log_read(struct fcnvme_ctx *x, struct fcnvme_host_ctrl *ctrl, void **logp,
			 uint64_t *numrec, uint64_t *genctr);

/* One field of an Identify structure, for table-driven printing. */
enum fcnvme_field_kind {
	FCNVME_F_HEX,	/* little-endian integer, 0x%x */
	FCNVME_F_DEC,	/* little-endian integer, %u */
	FCNVME_F_STR,	/* space padded ASCII */
	FCNVME_F_BYTES, /* hex bytes in order (nguid, eui64) */
	FCNVME_F_IEEE,	/* hex bytes, last first (OUI) */
};

struct fcnvme_field {
	const char *name;
	uint16_t off;
	uint16_t size;
	uint8_t kind;
};

/* Print fields as "name : value" lines, or add them to a JSON object. */
void fcnvme_print_fields(const uint8_t *data, const struct fcnvme_field *f, size_t n,
			 struct json_object *jo);
/* Common start for id-ctrl/id-ns/read/write: start, pick the target port
 * and connect to --nqn (required). 0 or -1. */
int fcnvme_open_subsys(struct fcnvme_ctx *x, uint16_t nr_io_queues,
		       struct fcnvme_host_ctrl **ctrlp);

/* The LBA size and block count of a namespace; 0 or -1 (message). */
int fcnvme_ns_geometry(struct fcnvme_ctx *x, struct fcnvme_host_ctrl *ctrl, uint32_t nsid,
		       uint32_t *lbasz, uint64_t *nblocks);
/* Move nblocks blocks from slba between the namespace and fd, in chunks
 * of at most the controller's max transfer, on I/O queue 1. 0 or -1. */
int fcnvme_ns_rw(struct fcnvme_ctx *x, struct fcnvme_host_ctrl *ctrl, uint32_t nsid, bool write,
		 uint64_t slba, uint64_t nblocks, uint32_t lbasz, int fd);
/* The read/write command body (read: write == false). */
int fcnvme_rw_main(int argc, char **argv, bool write);

/* The commands. */
int fcnvme_cmd_discover(int argc, char **argv);
int fcnvme_cmd_list(int argc, char **argv);
int fcnvme_cmd_id_ctrl(int argc, char **argv);
int fcnvme_cmd_id_ns(int argc, char **argv);
int fcnvme_cmd_read(int argc, char **argv);
int fcnvme_cmd_write(int argc, char **argv);
int fcnvme_cmd_perf(int argc, char **argv);
int fcnvme_cmd_mount(int argc, char **argv);

#endif /* FCNVME_TOOL_H */
