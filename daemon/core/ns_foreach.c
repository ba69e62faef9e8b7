// SPDX-License-Identifier: Apache-2.0
/*
 * tgt_ns_foreach(): the walk over namespaces for listings (one subsystem
 * or all), with each namespace's settings, reservation and statistics.
 */
#include <errno.h>
#include <string.h>

#include "tgt_priv.h"

static int ns_foreach_subsys(struct subsys *s, int (*cb)(const struct tgt_ns_info *, void *),
			     void *arg)
{
	struct tgt_ns_info info;
	uint64_t st[NS_ST_MAX];
	struct ns *ns;
	int rc;

	for (ns = s->ns_list; ns; ns = ns->next) {
		memset(&info, 0, sizeof(info));
		info.subnqn = s->nqn;
		info.nsid = ns->nsid;
		info.backend = ns->params.backend;
		info.path = ns->params.path;
		info.rbd = ns->params.backend == TGT_BACKEND_RBD ? &ns->params.rbd : NULL;
		info.size = ns->params.size;
		info.lba_size = ns->params.lba_size;
		info.anagrpid = ns->params.anagrpid;
		info.readonly = ns->params.readonly;
		info.direct = ns->params.direct;
		info.enabled = ns->enabled;
		info.hosts = (const char *const *)ns->hosts;
		info.nr_hosts = ns->nr_hosts;
		if (ns->resv) {
			info.resv = true;
			info.ptpl = ns->resv->ptpl;
			info.rtype = ns->resv->rtype;
			info.resv_holder = ns->resv->holder;
			info.resv_gen = ns->resv->gen;
			info.regs = ns->resv->reg;
			info.nr_regs = ns->resv->nr_reg;
		}
		memcpy(info.uuid, ns->params.uuid, 16);
		memcpy(info.nguid, ns->params.nguid, 16);
		memcpy(info.eui64, ns->params.eui64, 8);
		ns_stats(ns, st, &info.stats);
		info.reads = st[NS_ST_READS];
		info.writes = st[NS_ST_WRITES];
		info.read_bytes = st[NS_ST_RBYTES];
		info.write_bytes = st[NS_ST_WBYTES];
		rc = cb(&info, arg);
		if (rc)
			return rc;
	}
	return 0;
}

/* Walk the namespaces of one subsystem (nqn) or of all. */
int tgt_ns_foreach(struct tgt *t, const char *nqn, int (*cb)(const struct tgt_ns_info *, void *),
		   void *arg)
{
	struct subsys *s;
	int rc;

	if (nqn) {
		s = subsys_find(t, nqn);
		if (!s)
			return -ENOENT;
		return ns_foreach_subsys(s, cb, arg);
	}
	for (s = t->subsys_list; s; s = s->next) {
		rc = ns_foreach_subsys(s, cb, arg);
		if (rc)
			return rc;
	}
	return 0;
}
