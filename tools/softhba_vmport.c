// SPDX-License-Identifier: Apache-2.0
/*
 * softhba-vmport: the port server that makes a software-HBA port usable by a
 * driver inside a QEMU guest (docs/softhba-vm-port.md). It joins a fabric
 * as an ordinary initiator port (or, --role target, as a target port),
 * listens on a unix socket for QEMU's
 * ivshmem-doorbell chardev and serves the guest until it leaves (or, with
 * --persist, until it is stopped). SIGTERM/SIGINT: log out of the targets,
 * take the link down, leave the fabric, remove the socket, exit 0.
 * Exit status: 0 done, 1 runtime failure, 2 bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <fcnvme/num.h>
#include <fcnvme/wwn.h>
#include <fcnvmecli/doc.h>

#include "hw_fabric.h"
#include "hw_vmport.h"

#define PROG "softhba-vmport"

static bool verbose;

enum {
	OPT_GENERATE = 256
};

static const struct cli_opt vmport_opts[] = {
	{ "--fabric", NULL, "NAME",
	  "Software fabric to join (it must exist: softhbactl fabric create NAME).", NULL, 0, 'f' },
	{ "--wwnn", NULL, "WWN", "The port's node name (0x and 16 hex digits).", NULL, 0, 'n' },
	{ "--wwpn", NULL, "WWN", "The port's port name (0x and 16 hex digits).", NULL, 0, 'p' },
	{ "--socket", NULL, "PATH",
	  "Unix socket QEMU connects to: -chardev socket,path=PATH,id=ivs -device "
	  "ivshmem-doorbell,chardev=ivs,vectors=N+1 for N hardware queues.",
	  NULL, CLI_OPT_FILE, 's' },
	{ "--shm-dir", NULL, "DIR",
	  "Where fabrics live (default $FCNVME_SHM_DIR or " HW_DEFAULT_SHM_DIR ").", NULL,
	  CLI_OPT_FILE, 'd' },
	{ "--hw-queues", NULL, "N", "Hardware queues, 1 to 16 (default 1).", NULL, 0, 'q' },
	{ "--xri", NULL, "N", "Exchanges, 16 to 65536 (default 1024).", NULL, 0, 'x' },
	{ "--dma-mb", NULL, "N",
	  "DMA window in MiB, 16 to 65536 (default 64; the region is rounded up to a power of two and "
	  "the window takes the rest).",
	  NULL, 0, 'm' },
	{ "--role", NULL, "ROLE",
	  "initiator (default): log into the fabric's NVMe targets for the guest's host driver; "
	  "target: register as an NVMe target and discovery port and let initiators log in, for a "
	  "target in the guest (nvmetfcd on the device through uio).",
	  (const char *const[]){ "initiator", "target", NULL }, 0, 'r' },
	{ "--persist", NULL, NULL, "After the guest leaves, wait for the next one.", NULL, 0, 'P' },
	{ "--verbose", "-v", NULL, "Log every slow-path event.", NULL, 0, 'v' },
	{ "--help", "-h", NULL, "Print this help and exit.", NULL, 0, 'h' },
	{ "--version", "-V", NULL, "Print the version and exit.", NULL, 0, 'V' },
	{ "--generate", NULL, "WHAT", "Print the manual page or bash completion script.",
	  (const char *const[]){ "man", "bash", NULL }, CLI_OPT_HIDDEN, OPT_GENERATE },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0 },
};

static const struct cli_section vmport_sections[] = {
	{ "signals",
	  "SIGTERM or SIGINT: log out of the targets, take the link down, leave the fabric, remove the "
	  "socket and exit 0." },
	{ "exit status", "0 done, 1 runtime failure, 2 bad usage." },
	{ "see also",
	  "softhbactl(8), nvmetfcd(8), fcnvme(1); docs/softhba-vm-port.md in the source tree." },
	{ NULL, NULL },
};

static const struct cli_prog vmport_prog = {
	.name = PROG,
	.section = 8,
	.summary = "serve a software-HBA port to a QEMU guest",
	.synopsis = "softhba-vmport --fabric NAME --wwnn WWN --wwpn WWN --socket PATH [options]",
	.description =
		"softhba-vmport makes a software-HBA port usable by a driver inside a QEMU guest (the "
		"Linux kernel LLDD softhba.ko). It joins a fabric as an ordinary initiator port, logs "
		"into the NVMe targets and discovery controllers it finds, listens on a unix socket "
		"for QEMU's ivshmem-doorbell chardev and serves the guest until it leaves (or, with "
		"--persist, until it is stopped). The guest sees the port's device region as BAR2 of "
		"the ivshmem device.",
	.shape = CLI_DOC_COMMANDS,
	.global_opts = vmport_opts,
	.sections = vmport_sections,
	.version = PACKAGE_VERSION,
};

static int usage(FILE *f)
{
	if (f == stderr) {
		cli_doc_try_help(f, &vmport_prog, NULL);
		return 2;
	}
	cli_doc_usage(f, &vmport_prog, NULL);
	return 0;
}

static const char *level_name[] = { "error: ", "", "" };

static void log_line(void *arg, int level, const char *msg)
{
	(void)arg;
	if (level == HW_VMPORT_LOG_DEBUG && !verbose)
		return;
	fprintf(stderr, PROG ": %s%s\n", level_name[level], msg);
}

static int num_opt(const char *name, const char *arg, unsigned long lo, unsigned long hi,
		   unsigned long *v)
{
	uint64_t x;

	if (fcnvme_num_parse(arg, lo, hi, &x)) {
		fprintf(stderr, PROG ": --%s: '%s' is not a number in [%lu, %lu]\n", name, arg, lo,
			hi);
		return -1;
	}
	*v = (unsigned long)x;
	return 0;
}

static int wwn_opt(const char *name, const char *arg, uint64_t *v)
{
	if (fcnvme_wwn_parse(arg, v) || !*v) {
		fprintf(stderr, PROG ": --%s: '%s' is not a WWN (e.g. 0x10000090fc000001)\n", name,
			arg);
		return -1;
	}
	return 0;
}

/* Why the port could not open, in words. */
static void open_error(const struct hw_vmport_cfg *cfg, int rc)
{
	const char *root = cfg->shm_dir;
	char dir[HW_PATH_MAX];
	struct hw_fabric fab;
	int slot;

	if (!root || !*root)
		root = getenv("FCNVME_SHM_DIR");
	if (!root || !*root)
		root = HW_DEFAULT_SHM_DIR;
	switch (rc) {
	case -ENOENT:
		fprintf(stderr,
			PROG ": fabric %s does not exist under %s (create it with "
			     "softhbactl fabric create %s)\n",
			cfg->fabric, root, cfg->fabric);
		return;
	case -EADDRINUSE:
		slot = -1;
		if (hw_fabric_path(cfg->shm_dir, cfg->fabric, dir, sizeof(dir)) == 0 &&
		    hw_fabric_open(dir, &fab) == 0) {
			slot = hw_fabric_find(&fab, cfg->wwpn);
			if (slot >= 0)
				fprintf(stderr,
					PROG ": WWPN 0x%016" PRIx64 " is already in use on fabric "
					     "'%s' (by pid %d)\n",
					cfg->wwpn, cfg->fabric, fab.r->ns[slot].pid);
			hw_fabric_close(&fab);
		}
		if (slot < 0)
			fprintf(stderr, PROG ": WWPN 0x%016" PRIx64 " is already in use on '%s'\n",
				cfg->wwpn, cfg->fabric);
		return;
	case -EBUSY:
		fprintf(stderr, PROG ": another server listens on %s\n", cfg->socket);
		return;
	case -ENOSPC:
		fprintf(stderr, PROG ": fabric '%s' has no free port slot\n", cfg->fabric);
		return;
	case -EPROTO:
		fprintf(stderr, PROG ": %s/%s is not a software fabric of this version\n", root,
			cfg->fabric);
		return;
	case -EPERM:
		if (*hw_fabric_why()) {
			fprintf(stderr, PROG ": fabric '%s' refused: %s\n", cfg->fabric,
				hw_fabric_why());
			return;
		}
		break;
	default:
		break;
	}
	fprintf(stderr, PROG ": cannot open port 0x%016" PRIx64 " on fabric '%s': %s\n", cfg->wwpn,
		cfg->fabric, strerror(-rc));
}

/* The remote ports are targets, or initiators in the target role. */
static void print_stats(const struct hw_vmport_stats *s, bool target)
{
	fprintf(stderr,
		PROG ": stats: guests %" PRIu64 ", mq %" PRIu64 " (bad %" PRIu64
		     "), LS out %" PRIu64 " (refused %" PRIu64 ") in %" PRIu64 ", deq %" PRIu64
		     " (lost %" PRIu64 "), doorbells %" PRIu64 ", WQEs %" PRIu64
		     ", interrupts %" PRIu64 ", %s online %" PRIu64 " offline %" PRIu64 "\n",
		s->guests, s->mq_entries, s->mq_bad, s->ls_out, s->ls_refused, s->ls_in,
		s->deq_posts, s->deq_full, s->doorbells, s->wqes, s->irqs,
		target ? "initiators" : "targets", s->rport_online, s->rport_offline);
}

int main(int argc, char **argv)
{
	struct option opts[sizeof(vmport_opts) / sizeof(vmport_opts[0])];
	char shortopts[16];
	struct hw_vmport_cfg cfg = {
		.nr_hwq = 1,
		.nr_xri = 1024,
		.dma_mb = 64,
		.stop_fd = -1,
		.log = log_line,
	};
	struct hw_vmport_stats st;
	struct hw_vmport *v;
	unsigned long n;
	sigset_t sigs;
	int c, rc;

	if (cli_opts_getopt(vmport_opts, "", opts, sizeof(opts) / sizeof(opts[0]), shortopts,
			    sizeof(shortopts)))
		return 1;
	while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			cfg.fabric = optarg;
			break;
		case 'd':
			cfg.shm_dir = optarg;
			break;
		case 'n':
			if (wwn_opt("wwnn", optarg, &cfg.wwnn))
				return 2;
			break;
		case 'p':
			if (wwn_opt("wwpn", optarg, &cfg.wwpn))
				return 2;
			break;
		case 'q':
			if (num_opt("hw-queues", optarg, 1, 16, &n))
				return 2;
			cfg.nr_hwq = (uint16_t)n;
			break;
		case 'x':
			if (num_opt("xri", optarg, 16, 65536, &n))
				return 2;
			cfg.nr_xri = (uint32_t)n;
			break;
		case 'm':
			if (num_opt("dma-mb", optarg, 16, 65536, &n))
				return 2;
			cfg.dma_mb = (uint32_t)n;
			break;
		case 's':
			cfg.socket = optarg;
			break;
		case 'r':
			if (strcmp(optarg, "target") && strcmp(optarg, "initiator")) {
				fprintf(stderr, PROG ": --role: initiator or target, not \"%s\"\n",
					optarg);
				return 2;
			}
			cfg.target = strcmp(optarg, "target") == 0;
			break;
		case 'P':
			cfg.persist = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			return usage(stdout);
		case 'V':
			cli_doc_version(stdout, &vmport_prog);
			return 0;
		case OPT_GENERATE:
			if (cli_doc_generate(stdout, &vmport_prog, optarg)) {
				fprintf(stderr, PROG ": --generate: man or bash\n");
				return 2;
			}
			return 0;
		default:
			return usage(stderr);
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]);
		return usage(stderr);
	}
	if (!cfg.fabric || !cfg.wwnn || !cfg.wwpn || !cfg.socket) {
		fprintf(stderr, PROG ": --fabric, --wwnn, --wwpn and --socket are required\n");
		return usage(stderr);
	}
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) ||
	    (cfg.stop_fd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		fprintf(stderr, PROG ": signals: %s\n", strerror(errno));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	rc = hw_vmport_open(&cfg, &v);
	if (rc) {
		open_error(&cfg, rc);
		return 1;
	}
	fprintf(stderr,
		PROG ": port 0x%016" PRIx64 " on fabric '%s' (slot %u), %u hw queue(s), %u "
		     "exchanges, region %" PRIu64 " MiB; waiting for QEMU on %s "
		     "(ivshmem-doorbell vectors=%u)\n",
		cfg.wwpn, cfg.fabric, hw_vmport_slot(v), cfg.nr_hwq, cfg.nr_xri,
		hw_vmport_region_size(v) >> 20, cfg.socket, 1u + cfg.nr_hwq);
	rc = hw_vmport_run(v);
	if (rc)
		fprintf(stderr, PROG ": error: the server failed: %s\n", strerror(-rc));
	hw_vmport_get_stats(v, &st);
	hw_vmport_close(v);
	print_stats(&st, cfg.target);
	fprintf(stderr, PROG ": port 0x%016" PRIx64 " left fabric '%s'\n", cfg.wwpn, cfg.fabric);
	close(cfg.stop_fd);
	return rc ? 1 : 0;
}
