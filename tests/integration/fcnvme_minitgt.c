// SPDX-License-Identifier: Apache-2.0
/*
 * A minimal single-threaded FC-NVMe target for the initiator's integration
 * tests: one software-HBA target port (hw/hw_tgt), the real target
 * transport (nvmet_fc_*), and the fake NVMe core of the unit tests
 * (tests/unit/loop_core.c) serving one 2 MiB RAM namespace. Its env ops
 * queue work on a FIFO that the main loop drains between polls. It lets the
 * fcnvme tool and the host transport be tested across processes before and
 * independently of nvmetfcd.
 *
 * usage: fcnvme_minitgt --fabric NAME --wwnn WWN --wwpn WWN
 *        [--nqn NQN] [--corrupt-read N]   (flip a byte in the Nth read)
 * Prints "ready" on stdout once the port is online; stops on SIGINT/SIGTERM.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcnvme/clock.h>
#include <fcnvme/wwn.h>

#include "hw_tgt.h"
#include "../unit/loop_lldd.h"

struct mt_work {
	struct mt_work *next;
	void (*fn)(void *);
	void *arg;
};

static struct mt_work *mt_head, *mt_tail;
static volatile sig_atomic_t mt_stop;

static int mt_queue(void (*fn)(void *), void *arg)
{
	struct mt_work *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->fn = fn;
	w->arg = arg;
	if (mt_tail)
		mt_tail->next = w;
	else
		mt_head = w;
	mt_tail = w;
	return 0;
}

static int mt_run_on_hwq(void *env, uint16_t hwqid, void (*fn)(void *), void *arg)
{
	(void)env;
	(void)hwqid;
	return mt_queue(fn, arg);
}

static int mt_run_on_ctl(void *env, void (*fn)(void *), void *arg)
{
	(void)env;
	return mt_queue(fn, arg);
}

static const struct nvmet_fc_env_ops mt_env = {
	.run_on_hwq = mt_run_on_hwq,
	.run_on_ctl = mt_run_on_ctl,
};

static int mt_drain(void)
{
	int n = 0;

	while (mt_head) {
		struct mt_work *w = mt_head;

		mt_head = w->next;
		if (!mt_head)
			mt_tail = NULL;
		w->fn(w->arg);
		free(w);
		n++;
	}
	return n;
}

static void mt_sig(int sig)
{
	(void)sig;
	mt_stop = 1;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = { { "fabric", required_argument, NULL, 'f' },
					    { "wwnn", required_argument, NULL, 'N' },
					    { "wwpn", required_argument, NULL, 'P' },
					    { "nqn", required_argument, NULL, 'q' },
					    { "corrupt-read", required_argument, NULL, 'c' },
					    { NULL, 0, NULL, 0 } };
	struct nvmet_fc_core_cfg ccfg = {
		.max_data_len = 128 * 1024,
		.max_queue_size = 256,
		.max_io_queues = 8,
		.max_deferred = 64,
	};
	struct hw_tgt_port_cfg cfg;
	struct hw_tgt_port *port;
	struct loop_core *core;
	const char *nqn = LOOP_SUBNQN;
	char dev[256] = "";
	struct sigaction sa;
	unsigned long corrupt = 0;
	uint64_t t_start, t_open, t_ready;
	int c, rc, h;

	memset(&cfg, 0, sizeof(cfg));
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'f':
			snprintf(dev, sizeof(dev), "soft:%s", optarg);
			break;
		case 'N':
			if (fcnvme_wwn_parse(optarg, &cfg.wwnn))
				goto usage;
			break;
		case 'P':
			if (fcnvme_wwn_parse(optarg, &cfg.wwpn))
				goto usage;
			break;
		case 'q':
			nqn = optarg;
			break;
		case 'c':
			corrupt = strtoul(optarg, NULL, 0);
			break;
		default:
			goto usage;
		}
	}
	if (!dev[0] || !cfg.wwnn || !cfg.wwpn)
		goto usage;
	cfg.dev = dev;
	cfg.nr_hwq = 2;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = mt_sig;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	t_start = fcnvme_clock_ns();
	rc = hw_tgt_port_open(&cfg, NULL, NULL, &port);
	t_open = fcnvme_clock_ns();
	if (rc) {
		fprintf(stderr, "minitgt: port open: %s\n", strerror(-rc));
		return 1;
	}
	core = loop_core_new(nqn);
	if (!core)
		return 1;
	loop_core_stats(core)->corrupt_read_at = (uint32_t)corrupt;
	{
		char traddr[FCNVME_TRADDR_STRLEN];

		fcnvme_traddr_format(cfg.wwnn, cfg.wwpn, traddr, sizeof(traddr));
		loop_core_set_traddr(core, traddr);
	}
	loop_core_stats(core)->mdts = 5; /* 128 KiB, = max_data_len */
	rc = nvmet_fc_bind_core(hw_tgt_port_targetport(port), loop_core_ops(), core, &mt_env, NULL,
				&ccfg);
	if (rc) {
		fprintf(stderr, "minitgt: bind core: %s\n", strerror(-rc));
		return 1;
	}
	/* A slow start (seen under load by fcnvme_tool.sh) says where its
	 * time went, on stderr, which the test prints if it gives up. */
	t_ready = fcnvme_clock_ns();
	if (t_ready - t_start > 2000000000ull)
		fprintf(stderr, "minitgt: slow start: port open %llu ms, core bind %llu ms\n",
			(unsigned long long)((t_open - t_start) / 1000000u),
			(unsigned long long)((t_ready - t_open) / 1000000u));
	if (printf("ready\n") < 0 || fflush(stdout)) {
		fprintf(stderr, "minitgt: writing \"ready\": %s\n", strerror(errno));
		return 1;
	}
	while (!mt_stop) {
		static unsigned int idle;
		int work = 0;

		rc = hw_tgt_port_process(port);
		if (rc > 0)
			work += rc;
		for (h = 0; h < cfg.nr_hwq; h++) {
			rc = hw_tgt_poll(port, (uint16_t)h, 256);
			if (rc > 0)
				work += rc;
		}
		work += mt_drain();
		/* busy-poll like the daemon's I/O threads; nap when idle long */
		idle = work ? 0 : idle + 1;
		if (idle > 100000)
			usleep(100);
	}
	mt_drain();
	hw_tgt_port_close(port);
	/* work the transport queued while closing refers to the closed
	 * port; the process ends here, so it is dropped, not run */
	return 0;
usage:
	fprintf(stderr, "usage: fcnvme_minitgt --fabric NAME --wwnn WWN "
			"--wwpn WWN [--nqn NQN] [--corrupt-read N]\n");
	return 2;
}
