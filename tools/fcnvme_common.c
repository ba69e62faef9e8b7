// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme's shared machinery: common options, the host identity found the
 * way nvme-cli finds it (option, else /etc/nvme/hostnqn and
 * /etc/nvme/hostid, else generated with a notice), opening the software-HBA
 * host port, connecting a controller and waiting for LIVE with a clear
 * reason on failure, synchronous commands, and small output helpers.
 */
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>

#include <json-c/json.h>

#include <fcnvme/auth.h>
#include <fcnvme/clock.h>
#include <fcnvme/nqn.h>
#include <fcnvme/nvme_status.h>
#include <fcnvme/random.h>
#include <fcnvme/wwn.h>

#include "hw_fabric.h"
#include "hw_host.h"
#include <fcnvmecli/json.h>

#include "fcnvme.h"

/* Where nvme-cli keeps the host identity; FCNVME_ETC_NVME overrides it
 * (tests). */
static const char *fcnvme_etc_nvme(void)
{
	const char *d = getenv("FCNVME_ETC_NVME");

	return d && *d ? d : "/etc/nvme";
}

/* Set defaults. */
void fcnvme_opts_init(struct fcnvme_ctx *x, const char *cmd)
{
	memset(x, 0, sizeof(*x));
	x->cmd = cmd;
	x->o.nr_io_queues = 1;
	x->o.queue_size = FCNVME_HOST_DEF_QUEUE_SIZE;
	x->o.kato_ms = FCNVME_HOST_DEF_KATO_MS;
	x->o.reconnect_delay_s = FCNVME_HOST_DEF_RECONNECT_S;
	x->o.ctrl_loss_tmo_s = 30;
	x->o.connect_timeout_s = 10;
}

/* The common options; the keys are FCNVME_KEY_COMMON + index unless the
 * short letter is kept (fcnvme.c). */
const struct cli_opt fcnvme_common_opts[] = {
	{ "--fabric", NULL, "NAME", "Software fabric to join (the HBA device soft:NAME).", NULL, 0,
	  FCNVME_KEY_COMMON + 0 },
	{ "--dev", NULL, "DEV",
	  "HBA device to use instead of --fabric: soft:NAME, /dev/uioN or pci:DDDD:BB:DD.F.", NULL,
	  CLI_OPT_FILE, FCNVME_KEY_COMMON + 1 },
	{ "--shm-dir", NULL, "DIR",
	  "Where software fabrics live (default $FCNVME_SHM_DIR or /dev/shm/fcnvme).", NULL,
	  CLI_OPT_FILE, FCNVME_KEY_COMMON + 2 },
	{ "--host-traddr", "-w", "nn-0xWWNN:pn-0xWWPN",
	  "Our port's node and port names, as nvme-cli names an FC host port (or --wwnn and "
	  "--wwpn).",
	  NULL, 0, FCNVME_KEY_COMMON + 3 },
	{ "--wwnn", NULL, "WWN", "Our port's node name (0x and 16 hex digits).", NULL, 0,
	  FCNVME_KEY_COMMON + 4 },
	{ "--wwpn", NULL, "WWN", "Our port's port name (0x and 16 hex digits).", NULL, 0,
	  FCNVME_KEY_COMMON + 5 },
	{ "--traddr", "-a", "nn-0xWWNN:pn-0xWWPN",
	  "The target port to use (default: the first NVMe target or discovery port logged in).",
	  NULL, 0, FCNVME_KEY_COMMON + 6 },
	{ "--nqn", "-n", "NQN", "Subsystem NQN (fcnvme discover lists them).", NULL, 0,
	  FCNVME_KEY_COMMON + 7 },
	{ "--hostnqn", "-q", "NQN", "Host NQN (default: the contents of /etc/nvme/hostnqn).", NULL,
	  0, FCNVME_KEY_COMMON + 8 },
	{ "--hostid", "-I", "UUID", "Host identifier (default: the contents of /etc/nvme/hostid).",
	  NULL, 0, FCNVME_KEY_COMMON + 9 },
	{ "--nr-io-queues", "-i", "N", "I/O queues to ask the controller for, 1 to 128.", NULL, 0,
	  FCNVME_KEY_COMMON + 10 },
	{ "--queue-size", "-Q", "N", "Entries per I/O queue, 16 to 1024.", NULL, 0,
	  FCNVME_KEY_COMMON + 11 },
	{ "--keep-alive-tmo", "-k", "SECONDS", "Keep-alive timeout, 0 to 3600 (0: none).", NULL, 0,
	  FCNVME_KEY_COMMON + 12 },
	{ "--reconnect-delay", "-c", "SECONDS", "Delay between reconnect attempts, 1 to 3600.",
	  NULL, 0, FCNVME_KEY_COMMON + 13 },
	{ "--ctrl-loss-tmo", "-l", "SECONDS",
	  "How long to keep reconnecting a lost controller (-1: forever).", NULL, 0,
	  FCNVME_KEY_COMMON + 14 },
	{ "--connect-timeout", NULL, "SECONDS",
	  "How long to wait for a controller to become live, 1 to 3600 (default 10).", NULL, 0,
	  FCNVME_KEY_COMMON + 15 },
	{ "--verbose", "-v", NULL, "Report controller state changes on stderr.", NULL, 0,
	  FCNVME_KEY_COMMON + 16 },
	{ "--help", "-h", NULL, "Print this help and exit.", NULL, 0, FCNVME_KEY_COMMON + 17 },
	{ "--dhchap-secret", NULL, "KEY",
	  "Authenticate every queue with DH-HMAC-CHAP using this host key (DHHC-1:NN:...: as nvme "
	  "gen-dhchap-key prints it); needed when the subsystem lists this host in its keys file.",
	  NULL, 0, FCNVME_KEY_COMMON + 18 },
	{ "--dhchap-ctrl-secret", NULL, "KEY",
	  "Also authenticate the controller (two-way) with its key; needs --dhchap-secret.", NULL,
	  0, FCNVME_KEY_COMMON + 19 },
	FCNVME_OPT_END,
};

static int fcnvme_num_opt(struct fcnvme_ctx *x, const char *name, const char *arg, uint64_t min,
			  uint64_t max, uint64_t *v)
{
	if (fcnvme_num_parse(arg, min, max, v)) {
		fcnvme_fail(x, -1, "%s: '%s' is not a number in [%" PRIu64 ", %" PRIu64 "]", name,
			    arg, min, max);
		return -1;
	}
	return 0;
}

static int fcnvme_wwn_opt(struct fcnvme_ctx *x, const char *name, const char *arg, uint64_t *v)
{
	if (fcnvme_wwn_parse(arg, v) || !*v) {
		fcnvme_fail(x, -1, "%s: '%s' is not a WWN (e.g. 0x20001100aa000001)", name, arg);
		return -1;
	}
	return 0;
}

static int fcnvme_traddr_opt(struct fcnvme_ctx *x, const char *name, const char *arg,
			     uint64_t *wwnn, uint64_t *wwpn)
{
	if (fcnvme_traddr_parse(arg, wwnn, wwpn) || !*wwnn || !*wwpn) {
		fcnvme_fail(x, -1, "%s: '%s' is not nn-0x<16 hex digits>:pn-0x<16 hex digits>",
			    name, arg);
		return -1;
	}
	return 0;
}

/* Handle a common option. */
int fcnvme_common_opt(struct fcnvme_ctx *x, const char *name, const char *arg)
{
	struct fcnvme_opts *o = &x->o;
	enum cli_fmt fmt;
	char why[128];
	uint64_t v;

	if (!strcmp(name, "--fabric")) {
		o->fabric = arg;
	} else if (!strcmp(name, "--dev")) {
		o->dev = arg;
	} else if (!strcmp(name, "--shm-dir")) {
		o->shm_dir = arg;
	} else if (!strcmp(name, "--host-traddr")) {
		if (fcnvme_traddr_opt(x, name, arg, &o->wwnn, &o->wwpn))
			return -1;
		o->have_host_traddr = true;
	} else if (!strcmp(name, "--wwnn") || !strcmp(name, "--wwpn")) {
		if (fcnvme_wwn_opt(x, name, arg, name[4] == 'n' ? &o->wwnn : &o->wwpn))
			return -1;
	} else if (!strcmp(name, "--traddr")) {
		if (fcnvme_traddr_opt(x, name, arg, &o->t_wwnn, &o->t_wwpn))
			return -1;
		o->have_traddr = true;
	} else if (!strcmp(name, "--nqn")) {
		o->subnqn = arg;
	} else if (!strcmp(name, "--hostnqn")) {
		o->hostnqn_opt = arg;
	} else if (!strcmp(name, "--hostid")) {
		o->hostid_opt = arg;
	} else if (!strcmp(name, "--dhchap-secret") || !strcmp(name, "--dhchap-ctrl-secret")) {
		struct fcnvme_auth_key k;
		int rc = fcnvme_auth_key_parse(arg, &k);

		explicit_bzero(&k, sizeof(k));
		if (rc) {
			fcnvme_fail(x, -1, "%s: %s", name,
				    rc == -EBADMSG
					    ? "CRC-32 mismatch (a mistyped key?)"
					    : "not a DHHC-1 secret (\"DHHC-1:NN:<base64>:\", "
					      "as nvme gen-dhchap-key prints it)");
			return -1;
		}
		if (!strcmp(name, "--dhchap-ctrl-secret"))
			o->dhchap_ctrl_secret = arg;
		else
			o->dhchap_secret = arg;
	} else if (!strcmp(name, "--nr-io-queues")) {
		if (fcnvme_num_opt(x, name, arg, 1, 128, &v))
			return -1;
		o->nr_io_queues = (uint16_t)v;
	} else if (!strcmp(name, "--queue-size")) {
		if (fcnvme_num_opt(x, name, arg, 16, 1024, &v))
			return -1;
		o->queue_size = (uint16_t)v;
	} else if (!strcmp(name, "--keep-alive-tmo")) {
		if (fcnvme_num_opt(x, name, arg, 0, 3600, &v))
			return -1;
		o->kato_ms = (uint32_t)v * 1000;
	} else if (!strcmp(name, "--reconnect-delay")) {
		if (fcnvme_num_opt(x, name, arg, 1, 3600, &v))
			return -1;
		o->reconnect_delay_s = (uint32_t)v;
	} else if (!strcmp(name, "--ctrl-loss-tmo")) {
		if (!strcmp(arg, "-1")) {
			o->ctrl_loss_tmo_s = -1;
			return 1;
		}
		if (fcnvme_num_opt(x, name, arg, 0, 86400 * 365, &v))
			return -1;
		o->ctrl_loss_tmo_s = (int32_t)v;
	} else if (!strcmp(name, "--connect-timeout")) {
		if (fcnvme_num_opt(x, name, arg, 1, 3600, &v))
			return -1;
		o->connect_timeout_s = (uint32_t)v;
	} else if (!strcmp(name, "--output-format")) {
		if (cli_fmt_parse(arg, CLI_FMT_MASK(CLI_FMT_NORMAL) | CLI_FMT_MASK(CLI_FMT_JSON),
				  &fmt, why, sizeof(why))) {
			fcnvme_fail(x, -1, "%s: %s", name, why);
			return -1;
		}
		o->json = fmt == CLI_FMT_JSON;
	} else if (!strcmp(name, "--json")) {
		o->json = true;
	} else if (!strcmp(name, "--verbose")) {
		o->verbose = true;
	} else {
		return 0;
	}
	return 1;
}

/* Parse a command's options. */
int fcnvme_parse(struct fcnvme_ctx *x, int argc, char **argv, fcnvme_opt_fn *own, void *arg)
{
	const struct cli_cmd *cmd = fcnvme_cli_cmd(x->cmd);
	struct option lo[64];
	char so[80];
	const struct cli_opt *e;
	int c, rc;

	if (!cmd || cli_opts_getopt(cmd->opts, "", lo, 64, so, sizeof(so))) {
		fcnvme_fail(x, -1, "internal error: option table");
		return 2;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		for (e = cmd->opts; e->name && e->key != c; e++)
			;
		if (!e->name) /* getopt printed why */
			goto out_usage;
		if (!strcmp(e->name, "--help")) {
			cli_doc_usage(stdout, fcnvme_prog(), cmd);
			return 1;
		}
		rc = own ? own(arg, c, optarg) : 0;
		if (rc == 0)
			rc = fcnvme_common_opt(x, e->name, optarg);
		if (rc < 0)
			goto out_usage;
		if (rc == 0) {
			fcnvme_fail(x, -1, "internal error: %s not handled", e->name);
			return 2;
		}
	}
	if (!cmd->args && optind < argc) {
		fcnvme_fail(x, -1, "unexpected argument '%s'", argv[optind]);
		goto out_usage;
	}
	return 0;
out_usage:
	cli_doc_try_help(stderr, fcnvme_prog(), cmd);
	return 2;
}

/* A failure, in text or as a JSON object. */
void fcnvme_fail(struct fcnvme_ctx *x, int status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (x->o.json) {
		/* status: the NVMe status, where fcnvmectl and softhbactl
		 * give errno */
		cli_json_error(stderr, msg, status >= 0 ? "status" : NULL, status);
		return;
	}
	fprintf(stderr, "fcnvme %s: %s\n", x->cmd, msg);
}

static int fcnvme_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -ENODATA;
	}
	fclose(f);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return n ? 0 : -ENODATA;
}

static void fcnvme_gen_uuid(uint8_t u[16])
{
	unsigned int i;

	if (fcnvme_random_uuid(u) == 0)
		return;
	/* no getrandom(): a weaker id is still better than none */
	srand((unsigned int)time(NULL) ^ (unsigned int)getpid());
	for (i = 0; i < 16; i++)
		u[i] = (uint8_t)rand();
	u[6] = (uint8_t)((u[6] & 0x0f) | 0x40); /* version 4 */
	u[8] = (uint8_t)((u[8] & 0x3f) | 0x80); /* variant 1 */
}

static int fcnvme_host_identity(struct fcnvme_ctx *x)
{
	struct fcnvme_opts *o = &x->o;
	char line[256], ustr[FCNVME_UUID_STRLEN], nqnf[512], idf[512];
	const char *why = NULL;
	const char *src = "option";
	bool have_id = false;

	snprintf(nqnf, sizeof(nqnf), "%s/hostnqn", fcnvme_etc_nvme());
	snprintf(idf, sizeof(idf), "%s/hostid", fcnvme_etc_nvme());
	if (o->hostnqn_opt) {
		snprintf(o->hostnqn, sizeof(o->hostnqn), "%s", o->hostnqn_opt);
	} else if (fcnvme_read_line(nqnf, line, sizeof(line)) == 0) {
		memcpy(o->hostnqn, line, sizeof(o->hostnqn));
		src = nqnf;
	} else {
		o->hostnqn[0] = '\0';
	}
	if (o->hostid_opt) {
		if (fcnvme_uuid_parse(o->hostid_opt, o->hostid)) {
			fcnvme_fail(x, -1, "--hostid: '%s' is not a UUID", o->hostid_opt);
			return -1;
		}
		have_id = true;
	} else if (fcnvme_read_line(idf, line, sizeof(line)) == 0 &&
		   fcnvme_uuid_parse(line, o->hostid) == 0) {
		have_id = true;
	}
	if (!have_id && o->hostnqn[0] &&
	    !strncmp(o->hostnqn, FCNVME_UUID_NQN_PREFIX, strlen(FCNVME_UUID_NQN_PREFIX)) &&
	    fcnvme_uuid_parse(o->hostnqn + strlen(FCNVME_UUID_NQN_PREFIX), o->hostid) == 0)
		have_id = true; /* nvme-cli derives it from the NQN */
	if (!have_id)
		fcnvme_gen_uuid(o->hostid);
	if (!o->hostnqn[0]) {
		fcnvme_uuid_format(o->hostid, ustr);
		snprintf(o->hostnqn, sizeof(o->hostnqn), "%s%s", FCNVME_UUID_NQN_PREFIX, ustr);
		fcnvme_fail(x, -1, "no --hostnqn and no %s; using generated host NQN %s", nqnf,
			    o->hostnqn);
	} else if (fcnvme_nqn_validate(o->hostnqn, &why)) {
		fcnvme_fail(x, -1, "host NQN '%s' (from %s): %s", o->hostnqn, src, why);
		return -1;
	}
	return 0;
}

/* Check options, load the identity, open the host port. */
int fcnvme_start(struct fcnvme_ctx *x)
{
	struct fcnvme_opts *o = &x->o;
	struct hw_host_port_cfg cfg;
	char dev[300];
	int rc;

	if (!o->fabric && !o->dev) {
		fcnvme_fail(x, -1, "say which fabric to join: --fabric NAME (or --dev)");
		return -1;
	}
	if (!o->wwnn || !o->wwpn) {
		fcnvme_fail(x, -1, "name our port: -w nn-0xWWNN:pn-0xWWPN (or --wwnn and --wwpn)");
		return -1;
	}
	if (fcnvme_host_identity(x))
		return -1;
	if (o->dev)
		snprintf(dev, sizeof(dev), "%s", o->dev);
	else
		snprintf(dev, sizeof(dev), "soft:%s", o->fabric);
	memset(&cfg, 0, sizeof(cfg));
	cfg.dev = dev;
	cfg.shm_dir = o->shm_dir;
	cfg.wwnn = o->wwnn;
	cfg.wwpn = o->wwpn;
	/* One hardware queue per I/O queue asked for, as far as the HBA
	 * has them: the host asks the controller for as many I/O queues as
	 * its port has hardware queues (as Linux's does for an LLDD's
	 * max_hw_queues) and connects with what it is granted. */
	cfg.nr_hwq = o->nr_io_queues < HW_HOST_MAX_HWQ ? o->nr_io_queues : HW_HOST_MAX_HWQ;
	rc = hw_host_port_open(&cfg, &x->port);
	if (rc) {
		const char *why = hw_fabric_why();

		if (*why && rc == -ENOENT)
			fcnvme_fail(x, -1, "cannot bring up host port on %s: %s", dev, why);
		else
			fcnvme_fail(x, -1, "cannot bring up host port on %s: %s%s%s", dev, why,
				    *why ? ": " : "", strerror(-rc));
		return -1;
	}
	x->lport = hw_host_port_localport(x->port);
	return 0;
}

/* Close the port. */
void fcnvme_stop(struct fcnvme_ctx *x)
{
	if (x->port)
		hw_host_port_close(x->port);
	x->port = NULL;
	x->lport = NULL;
}

/* "nn-0x..:pn-0x.." of a remote port. */
void fcnvme_rport_traddr(const struct nvme_fc_remote_port *rp, char *buf, size_t len)
{
	if (fcnvme_traddr_format(rp->node_name, rp->port_name, buf, len))
		snprintf(buf, len, "?");
}

/* The target remote port to use. */
struct nvme_fc_remote_port *fcnvme_pick_rport(struct fcnvme_ctx *x, uint32_t role)
{
	struct nvme_fc_remote_port *rps[64];
	int i, n;

	n = fcnvme_host_rports(x->lport, rps, 64);
	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {
		if (x->o.have_traddr) {
			if (rps[i]->port_name == x->o.t_wwpn && rps[i]->node_name == x->o.t_wwnn)
				return rps[i];
			continue;
		}
		if (!role || (rps[i]->port_role & role))
			return rps[i];
	}
	if (x->o.have_traddr)
		fprintf(stderr,
			"fcnvme %s: target nn-0x%016" PRIx64 ":pn-0x%016" PRIx64
			" is not logged in on this fabric "
			"(%d NVMe port(s) seen)\n",
			x->cmd, x->o.t_wwnn, x->o.t_wwpn, n < 0 ? 0 : n);
	else
		fcnvme_fail(
			x, -1,
			"no NVMe %s port found on the fabric (is nvmetfcd running and its port online?)",
			role == FC_PORT_ROLE_NVME_DISCOVERY ? "discovery" : "target");
	return NULL;
}

/* One round: slow path, then the controller. */
void fcnvme_pump(struct fcnvme_ctx *x, struct fcnvme_host_ctrl *ctrl)
{
	unsigned int i;

	if (x->port)
		hw_host_port_process(x->port);
	if (ctrl)
		fcnvme_host_ctrl_poll(ctrl);
	for (i = 0; i < x->nr_others; i++)
		if (x->others[i] != ctrl)
			fcnvme_host_ctrl_poll(x->others[i]);
}

static void fcnvme_state_cb(void *arg, enum fcnvme_host_ctrl_state st)
{
	struct fcnvme_ctx *x = arg;

	if (x->o.verbose || x->report_states)
		fcnvme_fail(
			x, -1, "controller %s%s%s", fcnvme_host_ctrl_state_name(st),
			st == FCNVME_HOST_CTRL_RESETTING || st == FCNVME_HOST_CTRL_RECONNECT_WAIT ||
					st == FCNVME_HOST_CTRL_DEAD
				? ": "
				: "",
			(st == FCNVME_HOST_CTRL_RESETTING ||
			 st == FCNVME_HOST_CTRL_RECONNECT_WAIT || st == FCNVME_HOST_CTRL_DEAD) &&
					x->cur_ctrl
				? fcnvme_host_ctrl_reason(x->cur_ctrl)
				: "");
}

/* Connect and wait for LIVE. */
int fcnvme_connect(struct fcnvme_ctx *x, struct nvme_fc_remote_port *rp, const char *subnqn,
		   uint16_t nr_io_queues, struct fcnvme_host_ctrl **ctrlp)
{
	struct fcnvme_host_ctrl_opts co;
	struct fcnvme_host_ctrl *ctrl;
	enum fcnvme_host_ctrl_state st;
	char traddr[FCNVME_TRADDR_STRLEN];
	uint64_t end;
	int rc;

	memset(&co, 0, sizeof(co));
	co.subnqn = subnqn;
	co.hostnqn = x->o.hostnqn;
	memcpy(co.hostid, x->o.hostid, sizeof(co.hostid));
	co.nr_io_queues = nr_io_queues;
	co.queue_size = x->o.queue_size;
	co.kato_ms = strcmp(subnqn, FCNVME_DISCOVERY_NQN) ? x->o.kato_ms : 0;
	co.reconnect_delay_s = x->o.reconnect_delay_s;
	co.ctrl_loss_tmo_s = x->o.ctrl_loss_tmo_s;
	co.state_cb = fcnvme_state_cb;
	co.state_arg = x;
	fcnvme_rport_traddr(rp, traddr, sizeof(traddr));
	if (x->o.dhchap_ctrl_secret && !x->o.dhchap_secret) {
		fcnvme_fail(x, -1, "--dhchap-ctrl-secret needs --dhchap-secret");
		return -1;
	}
	if (x->o.dhchap_secret && strcmp(subnqn, FCNVME_DISCOVERY_NQN))
		rc = fcnvme_host_ctrl_create_auth(x->lport, rp, &co, x->o.dhchap_secret,
						  x->o.dhchap_ctrl_secret, &ctrl);
	else
		rc = fcnvme_host_ctrl_create(x->lport, rp, &co, &ctrl);
	if (rc) {
		fcnvme_fail(x, -1, "cannot create a controller for %s at %s: %s", subnqn, traddr,
			    strerror(-rc));
		return -1;
	}
	x->cur_ctrl = ctrl;
	end = fcnvme_clock_ms() + (uint64_t)x->o.connect_timeout_s * 1000;
	for (;;) {
		fcnvme_pump(x, ctrl);
		st = fcnvme_host_ctrl_state(ctrl);
		if (st == FCNVME_HOST_CTRL_LIVE)
			break;
		if (st == FCNVME_HOST_CTRL_DEAD || fcnvme_clock_ms() >= end) {
			const char *why = fcnvme_host_ctrl_reason(ctrl);
			uint16_t sc = fcnvme_host_ctrl_reason_status(ctrl);

			fcnvme_fail(x, why[0] && sc ? sc : -1, "cannot connect to %s at %s: %s",
				    subnqn, traddr, why[0] ? why : "timed out");
			fcnvme_disconnect(x, ctrl);
			return -1;
		}
	}
	*ctrlp = ctrl;
	return 0;
}

/* Delete a controller and wait for its teardown (bounded). */
void fcnvme_disconnect(struct fcnvme_ctx *x, struct fcnvme_host_ctrl *ctrl)
{
	uint64_t end = fcnvme_clock_ms() + 25000;

	while (fcnvme_host_ctrl_delete(ctrl) == 1) {
		if (x->port)
			hw_host_port_process(x->port);
		if (fcnvme_clock_ms() >= end) {
			fcnvme_fail(x, -1, "controller teardown did not finish; leaving it");
			return;
		}
	}
}

struct fcnvme_sync_res {
	bool done;
	uint16_t status;
	struct nvme_completion cqe;
};

static void fcnvme_sync_done(void *arg, uint16_t status, const struct nvme_completion *cqe)
{
	struct fcnvme_sync_res *r = arg;

	r->done = true;
	r->status = status;
	r->cqe = *cqe;
}

/* Submit one command and wait for it. */
int fcnvme_sync(struct fcnvme_ctx *x, struct fcnvme_host_ctrl *ctrl, uint16_t qid,
		const struct nvme_command *cmd, struct fcnvme_host_buf *buf, uint32_t len,
		struct nvme_completion *cqe)
{
	struct fcnvme_sync_res r = { 0 };
	int rc;

	rc = fcnvme_host_submit(ctrl, qid, cmd, buf, 0, len, fcnvme_sync_done, &r);
	if (rc)
		return rc;
	while (!r.done)
		fcnvme_pump(x, ctrl);
	if (cqe)
		*cqe = r.cqe;
	return r.status;
}

/* Identify into buf. */
int fcnvme_identify(struct fcnvme_ctx *x, struct fcnvme_host_ctrl *ctrl, uint8_t cns, uint32_t nsid,
		    struct fcnvme_host_buf *buf)
{
	struct nvme_command c;

	memset(&c, 0, sizeof(c));
	c.common.opcode = nvme_admin_identify;
	c.common.nsid = htole32(nsid);
	c.common.cdw10 = htole32(cns);
	return fcnvme_sync(x, ctrl, 0, &c, buf, 4096, NULL);
}

/* Get Log Page into buf. */
int fcnvme_get_log(struct fcnvme_ctx *x, struct fcnvme_host_ctrl *ctrl, uint8_t lid, uint64_t off,
		   uint32_t len, struct fcnvme_host_buf *buf)
{
	struct nvme_command c;
	uint32_t numd = len / 4 - 1;

	memset(&c, 0, sizeof(c));
	c.common.opcode = nvme_admin_get_log_page;
	c.common.nsid = htole32(0xffffffff);
	c.common.cdw10 = htole32(lid | ((numd & 0xffff) << 16));
	c.common.cdw11 = htole32(numd >> 16);
	c.common.cdw12 = htole32((uint32_t)off);
	c.common.cdw13 = htole32((uint32_t)(off >> 32));
	return fcnvme_sync(x, ctrl, 0, &c, buf, len, NULL);
}

/* Print why a command failed: errno, or the NVMe status in words
 * (fcnvme/nvme_status.h) with its value. */
void fcnvme_err_status(struct fcnvme_ctx *x, const char *what, int rc)
{
	char why[160];

	if (rc < 0) {
		fcnvme_fail(x, -1, "%s: %s", what, strerror(-rc));
		return;
	}
	fcnvme_nvme_status_str((uint16_t)rc, NULL, why, sizeof(why));
	fcnvme_fail(x, rc, "%s: %s", what, why);
}

/* Trim a space/NUL padded field. */
void fcnvme_fixstr(char *dst, const char *src, size_t n)
{
	size_t len = 0, i;

	for (i = 0; i < n && src[i]; i++)
		len = i + 1;
	while (len && (src[len - 1] == ' ' || src[len - 1] == '\0'))
		len--;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Print JSON pretty and free it. */
void fcnvme_json_print(struct json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static uint64_t fcnvme_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

/* Print Identify fields. */
void fcnvme_print_fields(const uint8_t *data, const struct fcnvme_field *f, size_t n,
			 struct json_object *jo)
{
	char s[600];
	size_t i, j;

	for (i = 0; i < n; i++, f++) {
		const uint8_t *p = data + f->off;
		uint64_t v = f->size <= 8 ? fcnvme_le(p, f->size) : 0;

		switch (f->kind) {
		case FCNVME_F_HEX:
			snprintf(s, sizeof(s), "%#" PRIx64, v);
			break;
		case FCNVME_F_DEC:
			snprintf(s, sizeof(s), "%" PRIu64, v);
			break;
		case FCNVME_F_STR:
			fcnvme_fixstr(s, (const char *)p, f->size);
			break;
		case FCNVME_F_BYTES:
		case FCNVME_F_IEEE:
			for (j = 0; j < f->size && j * 2 + 2 < sizeof(s); j++)
				snprintf(s + j * 2, 3, "%02x",
					 f->kind == FCNVME_F_BYTES ? p[j] : p[f->size - 1 - j]);
			break;
		default:
			s[0] = '\0';
		}
		if (jo) {
			if (f->kind == FCNVME_F_HEX || f->kind == FCNVME_F_DEC)
				json_object_object_add(jo, f->name, json_object_new_uint64(v));
			else
				json_object_object_add(jo, f->name, json_object_new_string(s));
		} else {
			printf("%-10s: %s\n", f->name, s);
		}
	}
}

/* Start, pick the target, connect to --nqn. */
int fcnvme_open_subsys(struct fcnvme_ctx *x, uint16_t nr_io_queues, struct fcnvme_host_ctrl **ctrlp)
{
	struct nvme_fc_remote_port *rp;

	if (!x->o.subnqn) {
		fcnvme_fail(x, -1, "say which subsystem: --nqn NQN (fcnvme discover lists them)");
		return -1;
	}
	if (fcnvme_start(x))
		return -1;
	rp = fcnvme_pick_rport(x, FC_PORT_ROLE_NVME_TARGET);
	if (!rp || fcnvme_connect(x, rp, x->o.subnqn, nr_io_queues, ctrlp)) {
		fcnvme_stop(x);
		return -1;
	}
	return 0;
}

/* LBA size and block count of a namespace. */
int fcnvme_ns_geometry(struct fcnvme_ctx *x, struct fcnvme_host_ctrl *ctrl, uint32_t nsid,
		       uint32_t *lbasz, uint64_t *nblocks)
{
	struct fcnvme_host_buf *buf = NULL;
	const uint8_t *id;
	uint64_t nsze;
	int rc;

	rc = fcnvme_host_buf_alloc(ctrl, 4096, &buf);
	if (!rc)
		rc = fcnvme_identify(x, ctrl, 0, nsid, buf);
	if (rc) {
		fcnvme_err_status(x, "Identify Namespace", rc);
		/* -errno from identify: never submitted, the buffer is ours */
		if (buf)
			fcnvme_host_buf_free(ctrl, buf);
		return -1;
	}
	id = buf->addr;
	memcpy(&nsze, id, 8);
	*nblocks = le64toh(nsze);
	*lbasz = 1u << id[128 + 4 * (id[26] & 0x0f) + 2];
	fcnvme_host_buf_free(ctrl, buf);
	if (!*nblocks || *lbasz < 512 || *lbasz > 65536) {
		fcnvme_fail(x, -1, "namespace %u is inactive or has an unusable format", nsid);
		return -1;
	}
	return 0;
}
