// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme list: what this host can reach. For every NVMe target port on the
 * fabric (or the one --traddr names) it reads the discovery log (or uses
 * --nqn when the port offers no discovery service), connects to each NVM
 * subsystem entry at that port, and lists its controller (model, serial,
 * firmware) and active namespaces (size and LBA format), as a table like
 * `nvme list` or as JSON.
 */
#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include <fcnvme/nqn.h>
#include <fcnvme/nvme_log.h>

#include "fcnvme.h"

#define LIST_MAX_NS 1024

static void list_size_str(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KB", "MB", "GB", "TB", "PB" };
	double v = (double)bytes;
	unsigned int u = 0;

	while (v >= 1000.0 && u < 5) {
		v /= 1000.0;
		u++;
	}
	snprintf(buf, len, "%.2f %s", v, units[u]);
}

/* List one subsystem: one row per namespace (or one row if none). */
static int list_subsys(struct fcnvme_ctx *x, struct nvme_fc_remote_port *rp, const char *traddr,
		       const char *nqn, json_object *jsubs)
{
	struct fcnvme_host_ctrl *ctrl;
	struct fcnvme_host_buf *id = NULL, *nsl = NULL;
	char mn[41], sn[21], fr[9], size[32], fmt[32];
	json_object *js = NULL, *jns = NULL;
	uint32_t nsids[LIST_MAX_NS];
	unsigned int i, n = 0;
	int rc, ret = -1;

	if (fcnvme_connect(x, rp, nqn, 0, &ctrl))
		return -1;
	rc = fcnvme_host_buf_alloc(ctrl, 4096, &id);
	if (!rc)
		rc = fcnvme_host_buf_alloc(ctrl, 4096, &nsl);
	if (!rc)
		rc = fcnvme_identify(x, ctrl, 1, 0, id);
	if (rc) {
		fcnvme_err_status(x, "Identify Controller", rc);
		goto out;
	}
	fcnvme_fixstr(sn, (const char *)id->addr + 4, 20);
	fcnvme_fixstr(mn, (const char *)id->addr + 24, 40);
	fcnvme_fixstr(fr, (const char *)id->addr + 64, 8);
	rc = fcnvme_identify(x, ctrl, 2, 0, nsl);
	if (rc) {
		fcnvme_err_status(x, "Identify Active Namespace List", rc);
		goto out;
	}
	for (i = 0; i < LIST_MAX_NS && i < 1024; i++) {
		uint32_t v;

		memcpy(&v, (const char *)nsl->addr + 4 * i, 4);
		if (!le32toh(v))
			break;
		nsids[n++] = le32toh(v);
	}
	if (jsubs) {
		js = json_object_new_object();
		jns = json_object_new_array();
		json_object_object_add(js, "subnqn", json_object_new_string(nqn));
		json_object_object_add(js, "model", json_object_new_string(mn));
		json_object_object_add(js, "serial", json_object_new_string(sn));
		json_object_object_add(js, "firmware", json_object_new_string(fr));
	}
	for (i = 0; i < n; i++) {
		uint32_t lbasz = 0;
		uint64_t blocks = 0;

		if (fcnvme_ns_geometry(x, ctrl, nsids[i], &lbasz, &blocks))
			continue;
		if (jns) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "nsid", json_object_new_int64(nsids[i]));
			json_object_object_add(o, "blocks", json_object_new_uint64(blocks));
			json_object_object_add(o, "lba_size", json_object_new_int64(lbasz));
			json_object_object_add(o, "size_bytes",
					       json_object_new_uint64(blocks * lbasz));
			json_object_array_add(jns, o);
			continue;
		}
		list_size_str(blocks * lbasz, size, sizeof(size));
		snprintf(fmt, sizeof(fmt), "%u B + 0 B", lbasz);
		printf("%-44s %-40s %5u %-11s %-12s %-24s %-20s %-8s\n", traddr, nqn, nsids[i],
		       size, fmt, mn, sn, fr);
	}
	if (!n && !jns)
		printf("%-44s %-40s %5s %-11s %-12s %-24s %-20s %-8s\n", traddr, nqn, "-", "-", "-",
		       mn, sn, fr);
	if (js) {
		json_object_object_add(js, "namespaces", jns);
		json_object_array_add(jsubs, js);
	}
	ret = 0;
out:
	if (id)
		fcnvme_host_buf_free(ctrl, id);
	if (nsl)
		fcnvme_host_buf_free(ctrl, nsl);
	fcnvme_disconnect(x, ctrl);
	return ret;
}

static int list_port(struct fcnvme_ctx *x, struct nvme_fc_remote_port *rp, json_object *jtargets)
{
	const struct nvmf_disc_rsp_page_entry *e;
	struct fcnvme_host_ctrl *dc;
	char traddr[64], etraddr[NVMF_TRADDR_SIZE + 1], nqn[257];
	json_object *jt = NULL, *jsubs = NULL;
	uint64_t nrec = 0, gen, i;
	void *log = NULL;
	int fails = 0, found = 0;

	fcnvme_rport_traddr(rp, traddr, sizeof(traddr));
	if (jtargets) {
		jt = json_object_new_object();
		jsubs = json_object_new_array();
		json_object_object_add(jt, "traddr", json_object_new_string(traddr));
	}
	if (x->o.subnqn) {
		fails += list_subsys(x, rp, traddr, x->o.subnqn, jsubs) != 0;
		found++;
	} else if (rp->port_role & FC_PORT_ROLE_NVME_DISCOVERY) {
		if (fcnvme_connect(x, rp, FCNVME_DISCOVERY_NQN, 0, &dc)) {
			fails++;
		} else {
			if (fcnvme_disc_log_read(x, dc, &log, &nrec, &gen))
				fails++;
			fcnvme_disconnect(x, dc);
		}
		e = log ? (const void *)((const char *)log + sizeof(struct nvmf_disc_rsp_page_hdr))
			: NULL;
		for (i = 0; e && i < nrec; i++, e++) {
			if (e->subtype != NVME_NQN_NVME)
				continue;
			fcnvme_fixstr(etraddr, e->traddr, sizeof(e->traddr));
			if (strcasecmp(etraddr, traddr))
				continue; /* another port of the target */
			fcnvme_fixstr(nqn, e->subnqn, sizeof(e->subnqn));
			fails += list_subsys(x, rp, traddr, nqn, jsubs) != 0;
			found++;
		}
		free(log);
	} else {
		fprintf(stderr,
			"fcnvme list: %s offers no discovery service; "
			"name a subsystem with --nqn\n",
			traddr);
	}
	if (!found && !jt)
		printf("%-44s %-40s\n", traddr, "(no subsystem for this host)");
	if (jt) {
		json_object_object_add(jt, "subsystems", jsubs);
		json_object_array_add(jtargets, jt);
	}
	return fails;
}

const struct cli_opt fcnvme_list_opts[] = {
	FCNVME_OPT_OUTPUT("-o", 'o'),
	FCNVME_OPT_JSON,
	FCNVME_OPT_END,
};

/* fcnvme list */
int fcnvme_cmd_list(int argc, char **argv)
{
	struct nvme_fc_remote_port *rps[64];
	json_object *root = NULL, *jt = NULL;
	struct fcnvme_ctx x;
	int i, n, rc, fails = 0, ports = 0;

	fcnvme_opts_init(&x, "list");
	rc = fcnvme_parse(&x, argc, argv, NULL, NULL);
	if (rc)
		return rc == 1 ? 0 : 2;
	if (fcnvme_start(&x))
		return 1;
	if (x.o.json) {
		root = json_object_new_object();
		jt = json_object_new_array();
	} else {
		printf("%-44s %-40s %5s %-11s %-12s %-24s %-20s %-8s\n", "Target", "Subsystem",
		       "NSID", "Size", "Format", "Model", "SN", "FW Rev");
		printf("%.44s %.40s %.5s %.11s %.12s %.24s %.20s %.8s\n",
		       "--------------------------------------------",
		       "----------------------------------------", "-----", "-----------",
		       "------------", "------------------------", "--------------------",
		       "--------");
	}
	n = fcnvme_host_rports(x.lport, rps, 64);
	for (i = 0; i < n && i < 64; i++) {
		if (x.o.have_traddr ? rps[i]->port_name != x.o.t_wwpn
				    : !(rps[i]->port_role &
					(FC_PORT_ROLE_NVME_TARGET | FC_PORT_ROLE_NVME_DISCOVERY)))
			continue;
		ports++;
		fails += list_port(&x, rps[i], jt);
	}
	if (!ports)
		fcnvme_pick_rport(&x, FC_PORT_ROLE_NVME_TARGET); /* says why */
	if (root) {
		json_object_object_add(root, "targets", jt);
		fcnvme_json_print(root);
	}
	fcnvme_stop(&x);
	return ports && !fails ? 0 : 1;
}
