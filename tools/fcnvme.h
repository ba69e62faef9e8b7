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
#include <fcnvmecli/doc.h>
#include <fcnvmecli/output.h>

struct hw_host_port;
struct json_object;

/* Options every command accepts. */
struct fcnvme_opts {
	const char *fabric;  /* --fabric NAME: dev "soft:NAME" */
	const char *dev;     /* --dev: "soft:NAME", /dev/uioN or pci:BDF */
	const char *shm_dir; /* --shm-dir */
	uint64_t wwnn, wwpn; /* our port */
	bool have_traddr;    /* --traddr: the target port */
	uint64_t t_wwnn, t_wwpn;
	const char *subnqn; /* --nqn / -n */
	const char *hostnqn_opt;
	const char *hostid_opt;
	const char *dhchap_secret;	/* --dhchap-secret: DH-HMAC-CHAP */
	const char *dhchap_ctrl_secret; /* --dhchap-ctrl-secret: two-way */
	char hostnqn[256];
	uint8_t hostid[16];
	bool json;	       /* -o json: results and errors as JSON */
	bool have_host_traddr; /* -w given: wwnn/wwpn from it */
	uint16_t nr_io_queues;
	uint16_t queue_size;
	uint32_t kato_ms;
	uint32_t reconnect_delay_s;
	int32_t ctrl_loss_tmo_s;
	uint32_t connect_timeout_s;
	bool verbose;
};

/* The options every command accepts (fcnvme_common.c), nvme-cli's
 * spelling and short letters: -a --traddr, -n --nqn, -q --hostnqn,
 * -I --hostid, -w --host-traddr, -i --nr-io-queues, -Q --queue-size,
 * -k --keep-alive-tmo, -c --reconnect-delay, -l --ctrl-loss-tmo. A
 * command's own table wins: where it uses a letter for its own concept
 * (read's -n namespace, perf's spdk_nvme_perf letters) the common option
 * keeps only its long name (fcnvme.c merges the tables). */
extern const struct cli_opt fcnvme_common_opts[];
/* -o/--output-format for a command that prints normal text or JSON. */
#define FCNVME_OPT_OUTPUT(alias, key)                                                                     \
	{                                                                                                 \
		"--output-format", alias, "FMT",                                                          \
			"Output format: normal (nvme-cli's text) or json (errors then are a JSON object " \
			"on stderr).",                                                                    \
			(const char *const[]){ "normal", "json", NULL }, 0, key                           \
	}
/* The --json spelling of earlier versions, kept for scripts. */
#define FCNVME_OPT_JSON                                                                      \
	{                                                                                    \
		"--json", NULL, NULL, "Same as --output-format=json.", NULL, CLI_OPT_HIDDEN, \
			FCNVME_KEY_JSON                                                      \
	}
#define FCNVME_OPT_END                             \
	{                                          \
		NULL, NULL, NULL, NULL, NULL, 0, 0 \
	}

/* getopt keys of the common options: above any letter. */
enum {
	FCNVME_KEY_COMMON = 0x100,
	FCNVME_KEY_JSON = 0x180,
	FCNVME_KEY_OUTPUT = 0x181,
};

/* Per-process state of a command. */
struct fcnvme_ctx {
	struct fcnvme_opts o;
	struct hw_host_port *port;
	struct nvme_fc_local_port *lport;
	const char *cmd;		   /* for messages */
	struct fcnvme_host_ctrl *cur_ctrl; /* last connected */
	bool report_states;		   /* print changes */
	/* Live controllers fcnvme_pump also polls (their keep-alives) while a
	 * command waits on another one (perf --assocs connecting the next). */
	struct fcnvme_host_ctrl *const *others;
	unsigned int nr_others;
};

/* A command: argc/argv start at the command name. Its options are its own
 * table followed by fcnvme_common_opts (fcnvme.c merges them once). */
struct fcnvme_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args; /* positional synopsis, or NULL */
	const char *help; /* the manual's paragraph; the first sentence is the summary */
	const struct cli_opt *opts;
};

/* The program's description (fcnvme.c) and the merged entry of a command. */
const struct cli_prog *fcnvme_prog(void);
const struct cli_cmd *fcnvme_cli_cmd(const char *name);

/* A command's own option handler: 1 handled, 0 not one of its own, -1 bad
 * value (message printed). */
typedef int fcnvme_opt_fn(void *arg, int key, const char *val);

/* Parse argv[1..] with the command's merged table: own options first,
 * then the common ones. 0: go on, operands from optind; 1: --help was
 * printed (exit 0); 2: usage error, a message and a one-line hint printed
 * (exit 2). */
int fcnvme_parse(struct fcnvme_ctx *x, int argc, char **argv, fcnvme_opt_fn *own, void *arg);
/* A failure: "fcnvme CMD: message" on stderr, or with -o json the object
 * {"error": {"message": "...", "status": N}} (status: the NVMe status, or omitted)
 * on stderr. status < 0: none. */
void fcnvme_fail(struct fcnvme_ctx *x, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Set defaults; the command name is used in messages. */
void fcnvme_opts_init(struct fcnvme_ctx *x, const char *cmd);
/* Handle a common option by its long name ("--nqn"); 1 if it was one, 0
 * if not, -1 on a bad value (message printed). */
int fcnvme_common_opt(struct fcnvme_ctx *x, const char *name, const char *arg);
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
/* What -n -s -c -d (nvme-cli read/write's letters) set, for
 * fcnvme_rw_opt (an fcnvme_opt_fn); arg is the struct. */
struct fcnvme_rw_args {
	struct fcnvme_ctx *x;
	uint64_t nsid, slba, cnt;
	const char *data;
	bool have_c;
};
int fcnvme_rw_opt(void *arg, int key, const char *val);
/* The read/write command body (read: write == false). */
int fcnvme_rw_main(int argc, char **argv, bool write);

/* The commands and their own option tables. */
extern const struct cli_opt fcnvme_discover_opts[], fcnvme_list_opts[], fcnvme_id_ctrl_opts[],
	fcnvme_id_ns_opts[], fcnvme_read_opts[], fcnvme_write_opts[], fcnvme_perf_opts[],
	fcnvme_mount_opts[], fcnvme_compare_write_opts[], fcnvme_resv_register_opts[],
	fcnvme_resv_acquire_opts[], fcnvme_resv_release_opts[], fcnvme_resv_report_opts[];
int fcnvme_cmd_discover(int argc, char **argv);
int fcnvme_cmd_list(int argc, char **argv);
int fcnvme_cmd_id_ctrl(int argc, char **argv);
int fcnvme_cmd_id_ns(int argc, char **argv);
int fcnvme_cmd_read(int argc, char **argv);
int fcnvme_cmd_write(int argc, char **argv);
int fcnvme_cmd_compare_write(int argc, char **argv);
int fcnvme_cmd_perf(int argc, char **argv);
int fcnvme_cmd_mount(int argc, char **argv);
int fcnvme_cmd_resv_register(int argc, char **argv);
int fcnvme_cmd_resv_acquire(int argc, char **argv);
int fcnvme_cmd_resv_release(int argc, char **argv);
int fcnvme_cmd_resv_report(int argc, char **argv);

#endif /* FCNVME_TOOL_H */
