// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme discover: connect to the well-known discovery NQN of each
 * discovery-capable target port (or the one --traddr names), read the whole
 * discovery log (re-reading while its generation counter moves) and print
 * it as nvme-cli does, or as JSON; with --follow-referrals, also the logs
 * of the discovery services those logs refer to.
 */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <fcnvme/nqn.h>
#include <fcnvme/nvme_log.h>
#include <fcnvme/wwn.h>

#include "fcnvme.h"

#define FCNVME_DISC_MAX_RECORDS 1024

struct fcnvme_name {
	unsigned int val;
	const char *name;
};

static const struct fcnvme_name fcnvme_trtypes[] = {
	{ NVMF_TRTYPE_RDMA, "rdma" },
	{ NVMF_TRTYPE_FC, "fc" },
	{ NVMF_TRTYPE_TCP, "tcp" },
	{ NVMF_TRTYPE_LOOP, "loop" },
	{ 0, NULL },
};
static const struct fcnvme_name fcnvme_adrfams[] = {
	{ NVMF_ADDR_FAMILY_IP4, "ipv4" },      { NVMF_ADDR_FAMILY_IP6, "ipv6" },
	{ NVMF_ADDR_FAMILY_IB, "infiniband" }, { NVMF_ADDR_FAMILY_FC, "fibre-channel" },
	{ NVMF_ADDR_FAMILY_LOOP, "loop" },     { 0, NULL },
};
static const struct fcnvme_name fcnvme_subtypes[] = {
	{ NVME_NQN_DISC, "discovery subsystem referral" },
	{ NVME_NQN_NVME, "nvme subsystem" },
	{ NVME_NQN_CURR, "current discovery subsystem" },
	{ 0, NULL },
};
static const struct fcnvme_name fcnvme_treqs[] = {
	{ NVMF_TREQ_NOT_SPECIFIED, "not specified" },
	{ NVMF_TREQ_REQUIRED, "required" },
	{ NVMF_TREQ_NOT_REQUIRED, "not required" },
	{ 0, NULL },
};

static const char *fcnvme_name_of(const struct fcnvme_name *t, unsigned int v)
{
	for (; t->name; t++)
		if (t->val == v)
			return t->name;
	return "unrecognized";
}

/* TREQ as nvme-cli words it: the secure channel requirement, then the
 * SQ flow control disable capability a Linux target advertises. */
static void fcnvme_treq_str(uint8_t t, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", fcnvme_name_of(fcnvme_treqs, t & 3),
		 (t & NVMF_TREQ_DISABLE_SQFLOW) ? ", sq flow control disable supported" : "");
}

static void fcnvme_eflags_str(uint16_t e, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!e) {
		snprintf(buf, len, "none");
		return;
	}
	if (e & NVMF_DISC_EFLAGS_DUPRETINFO)
		snprintf(buf + strlen(buf), len - strlen(buf), "duplicate returned information");
	if (e & NVMF_DISC_EFLAGS_EPCSD)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? ", " : "",
			 "explicit discovery connections");
	if (e & ~(NVMF_DISC_EFLAGS_DUPRETINFO | NVMF_DISC_EFLAGS_EPCSD))
		snprintf(buf + strlen(buf), len - strlen(buf), "%s0x%x", buf[0] ? ", " : "", e);
}

/* Read the whole discovery log. */
int fcnvme_disc_log_read(struct fcnvme_ctx *x, struct fcnvme_host_ctrl *ctrl, void **logp,
			 uint64_t *numrec, uint64_t *genctr)
{
	struct nvmf_disc_rsp_page_hdr *hdr;
	struct fcnvme_host_buf *buf = NULL;
	uint64_t n, gen;
	uint32_t len;
	int tries, rc;

	for (tries = 0; tries < 10; tries++) {
		if (buf)
			fcnvme_host_buf_free(ctrl, buf);
		buf = NULL;
		rc = fcnvme_host_buf_alloc(ctrl, sizeof(*hdr), &buf);
		if (rc)
			goto out_err;
		rc = fcnvme_get_log(x, ctrl, 0x70, 0, sizeof(*hdr), buf);
		if (rc)
			goto out_err;
		hdr = buf->addr;
		n = le64toh(hdr->numrec);
		gen = le64toh(hdr->genctr);
		if (n > FCNVME_DISC_MAX_RECORDS) {
			fprintf(stderr,
				"fcnvme %s: discovery log claims %" PRIu64
				" records; reading the first %d\n",
				x->cmd, n, FCNVME_DISC_MAX_RECORDS);
			n = FCNVME_DISC_MAX_RECORDS;
		}
		len = (uint32_t)(sizeof(*hdr) + n * sizeof(struct nvmf_disc_rsp_page_entry));
		fcnvme_host_buf_free(ctrl, buf);
		rc = fcnvme_host_buf_alloc(ctrl, len, &buf);
		if (rc)
			goto out_err;
		rc = fcnvme_get_log(x, ctrl, 0x70, 0, len, buf);
		if (rc)
			goto out_err;
		hdr = buf->addr;
		if (le64toh(hdr->genctr) != gen)
			continue; /* changed while reading: again */
		*logp = malloc(len);
		if (!*logp) {
			rc = -ENOMEM;
			goto out_err;
		}
		memcpy(*logp, buf->addr, len);
		*numrec = n;
		*genctr = gen;
		fcnvme_host_buf_free(ctrl, buf);
		return 0;
	}
	fcnvme_fail(x, -1, "discovery log kept changing");
	fcnvme_host_buf_free(ctrl, buf);
	return -1;
out_err:
	fcnvme_err_status(x, "Get Log Page (discovery)", rc);
	if (buf)
		fcnvme_host_buf_free(ctrl, buf);
	return -1;
}

static void fcnvme_disc_print(const void *log, uint64_t n, uint64_t gen, json_object *jarr)
{
	const struct nvmf_disc_rsp_page_entry *e =
		(const void *)((const char *)log + sizeof(struct nvmf_disc_rsp_page_hdr));
	char trsvcid[NVMF_TRSVCID_SIZE + 1], traddr[NVMF_TRADDR_SIZE + 1];
	char subnqn[257], eflags[128], treq[64];
	uint64_t i;

	if (!jarr)
		printf("\nDiscovery Log Number of Records %" PRIu64 ", Generation counter %" PRIu64
		       "\n",
		       n, gen);
	for (i = 0; i < n; i++, e++) {
		fcnvme_fixstr(trsvcid, e->trsvcid, sizeof(e->trsvcid));
		fcnvme_fixstr(traddr, e->traddr, sizeof(e->traddr));
		fcnvme_fixstr(subnqn, e->subnqn, sizeof(e->subnqn));
		fcnvme_eflags_str(le16toh(e->eflags), eflags, sizeof(eflags));
		fcnvme_treq_str(e->treq, treq, sizeof(treq));
		if (jarr) {
			json_object *o = json_object_new_object();

			json_object_object_add(
				o, "trtype",
				json_object_new_string(fcnvme_name_of(fcnvme_trtypes, e->trtype)));
			json_object_object_add(
				o, "adrfam",
				json_object_new_string(fcnvme_name_of(fcnvme_adrfams, e->adrfam)));
			json_object_object_add(o, "subtype",
					       json_object_new_string(fcnvme_name_of(
						       fcnvme_subtypes, e->subtype)));
			json_object_object_add(o, "treq", json_object_new_string(treq));
			json_object_object_add(o, "portid",
					       json_object_new_int(le16toh(e->portid)));
			json_object_object_add(o, "trsvcid", json_object_new_string(trsvcid));
			json_object_object_add(o, "subnqn", json_object_new_string(subnqn));
			json_object_object_add(o, "traddr", json_object_new_string(traddr));
			json_object_object_add(o, "eflags", json_object_new_string(eflags));
			json_object_array_add(jarr, o);
			continue;
		}
		printf("=====Discovery Log Entry %" PRIu64 "======\n", i);
		printf("trtype:  %s\n", fcnvme_name_of(fcnvme_trtypes, e->trtype));
		printf("adrfam:  %s\n", fcnvme_name_of(fcnvme_adrfams, e->adrfam));
		printf("subtype: %s\n", fcnvme_name_of(fcnvme_subtypes, e->subtype));
		printf("treq:    %s\n", treq);
		printf("portid:  %u\n", le16toh(e->portid));
		printf("trsvcid: %s\n", trsvcid);
		printf("subnqn:  %s\n", subnqn);
		printf("traddr:  %s\n", traddr);
		printf("eflags:  %s\n", eflags);
	}
}

enum {
	DISC_KEY_FOLLOW = 0x300,
};

const struct cli_opt fcnvme_discover_opts[] = {
	FCNVME_OPT_OUTPUT("-o", 'o'),
	FCNVME_OPT_JSON,
	{ "--follow-referrals", NULL, NULL,
	  "Also read the log of every discovery service a log refers to (a discovery subsystem "
	  "referral over FC), and the ones those refer to, each port once; the exit status is 1 "
	  "when a referred service cannot be read.",
	  NULL, 0, DISC_KEY_FOLLOW },
	FCNVME_OPT_END,
};

/* discover's own option: --follow-referrals (arg: its bool). */
static int fcnvme_disc_opt(void *arg, int key, const char *val)
{
	(void)val;
	if (key != DISC_KEY_FOLLOW)
		return 0;
	*(bool *)arg = true;
	return 1;
}

/* The ports whose logs a discover run reads, in order: the ones asked for,
 * then (--follow-referrals) each referred port, breadth first. A port is
 * queued at most once, so a walk over referral loops ends, after at most
 * FCNVME_DISC_MAX_PORTS logs. Owned by fcnvme_cmd_discover's frame. */
#define FCNVME_DISC_MAX_PORTS 64

struct fcnvme_disc_walk {
	struct fcnvme_ctx *x;
	struct nvme_fc_remote_port *rps[FCNVME_DISC_MAX_PORTS]; /* the fabric's ports */
	int nr_rps;
	int queue[FCNVME_DISC_MAX_PORTS];    /* indexes into rps */
	int referrer[FCNVME_DISC_MAX_PORTS]; /* queue position that referred, or -1 */
	int nr_queued;
	bool queued[FCNVME_DISC_MAX_PORTS]; /* by index into rps */
	int failed;
};

static void fcnvme_disc_enqueue(struct fcnvme_disc_walk *w, int rp, int referrer)
{
	if (w->queued[rp])
		return;
	w->queued[rp] = true;
	w->queue[w->nr_queued] = rp;
	w->referrer[w->nr_queued] = referrer;
	w->nr_queued++;
}

/* Queue the ports the referral entries of the log at queue position pos
 * refer to. One that cannot be followed is said on stderr; one that is
 * not on this fabric, or whose address is not FC's, counts as a failure;
 * a referral over another transport is only said (fcnvme reaches FC
 * ports only). */
static void fcnvme_disc_referrals(struct fcnvme_disc_walk *w, int pos, const void *log, uint64_t n)
{
	const struct nvmf_disc_rsp_page_entry *e =
		(const void *)((const char *)log + sizeof(struct nvmf_disc_rsp_page_hdr));
	char from[FCNVME_TRADDR_STRLEN], traddr[NVMF_TRADDR_SIZE + 1];
	uint64_t i, wwnn, wwpn;
	int k;

	fcnvme_rport_traddr(w->rps[w->queue[pos]], from, sizeof(from));
	for (i = 0; i < n; i++, e++) {
		if (e->subtype != NVME_NQN_DISC)
			continue;
		fcnvme_fixstr(traddr, e->traddr, sizeof(e->traddr));
		if (e->trtype != NVMF_TRTYPE_FC) {
			fprintf(stderr,
				"fcnvme %s: %s refers to a discovery service over %s (%s): not "
				"followed\n",
				w->x->cmd, from, fcnvme_name_of(fcnvme_trtypes, e->trtype), traddr);
			continue;
		}
		if (fcnvme_traddr_parse(traddr, &wwnn, &wwpn)) {
			fprintf(stderr,
				"fcnvme %s: %s refers to \"%s\", which is not an FC address\n",
				w->x->cmd, from, traddr);
			w->failed++;
			continue;
		}
		for (k = 0; k < w->nr_rps; k++)
			if (w->rps[k]->port_name == wwpn && w->rps[k]->node_name == wwnn)
				break;
		if (k == w->nr_rps) {
			fprintf(stderr,
				"fcnvme %s: %s refers to %s, which is not logged in on this fabric "
				"for this port\n",
				w->x->cmd, from, traddr);
			w->failed++;
			continue;
		}
		fcnvme_disc_enqueue(w, k, pos);
	}
}

/* fcnvme discover */
int fcnvme_cmd_discover(int argc, char **argv)
{
	struct fcnvme_disc_walk w = { 0 };
	struct fcnvme_host_ctrl *ctrl;
	json_object *root = NULL, *jdevs = NULL;
	struct fcnvme_ctx x;
	bool follow = false;
	int i, pos, rc, ok = 0;

	fcnvme_opts_init(&x, "discover");
	rc = fcnvme_parse(&x, argc, argv, fcnvme_disc_opt, &follow);
	if (rc)
		return rc == 1 ? 0 : 2;
	if (fcnvme_start(&x))
		return 1;
	w.x = &x;
	if (x.o.json) {
		root = json_object_new_object();
		jdevs = json_object_new_array();
	}
	w.nr_rps = fcnvme_host_rports(x.lport, w.rps, FCNVME_DISC_MAX_PORTS);
	if (w.nr_rps > FCNVME_DISC_MAX_PORTS)
		w.nr_rps = FCNVME_DISC_MAX_PORTS;
	for (i = 0; i < w.nr_rps; i++)
		if (x.o.have_traddr ? w.rps[i]->port_name == x.o.t_wwpn
				    : !!(w.rps[i]->port_role & FC_PORT_ROLE_NVME_DISCOVERY))
			fcnvme_disc_enqueue(&w, i, -1);
	for (pos = 0; pos < w.nr_queued; pos++) {
		struct nvme_fc_remote_port *rp = w.rps[w.queue[pos]];
		char traddr[FCNVME_TRADDR_STRLEN], by[FCNVME_TRADDR_STRLEN];
		void *log;
		uint64_t nrec, gen;

		fcnvme_rport_traddr(rp, traddr, sizeof(traddr));
		if (fcnvme_connect(&x, rp, FCNVME_DISCOVERY_NQN, 0, &ctrl)) {
			w.failed++;
			continue;
		}
		if (fcnvme_disc_log_read(&x, ctrl, &log, &nrec, &gen) == 0) {
			if (root) {
				json_object *d = json_object_new_object();
				json_object *recs = json_object_new_array();

				json_object_object_add(d, "traddr", json_object_new_string(traddr));
				if (w.referrer[pos] >= 0) {
					fcnvme_rport_traddr(w.rps[w.queue[w.referrer[pos]]], by,
							    sizeof(by));
					json_object_object_add(d, "referred_by",
							       json_object_new_string(by));
				}
				json_object_object_add(d, "genctr", json_object_new_uint64(gen));
				fcnvme_disc_print(log, nrec, gen, recs);
				json_object_object_add(d, "records", recs);
				json_object_array_add(jdevs, d);
			} else {
				fcnvme_disc_print(log, nrec, gen, NULL);
			}
			if (follow)
				fcnvme_disc_referrals(&w, pos, log, nrec);
			free(log);
			ok++;
		} else {
			w.failed++;
		}
		fcnvme_disconnect(&x, ctrl);
	}
	if (!w.nr_queued)
		fcnvme_pick_rport(&x, FC_PORT_ROLE_NVME_DISCOVERY); /* says why */
	if (root) {
		json_object_object_add(root, "discovery", jdevs);
		fcnvme_json_print(root);
	}
	fcnvme_stop(&x);
	return ok && !w.failed ? 0 : 1;
}
