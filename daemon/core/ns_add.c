// SPDX-License-Identifier: Apache-2.0
/*
 * tgt_ns_add(): check the parameters, open the backend, load or create
 * the namespace's identifiers, refuse identifiers another namespace
 * carries, and publish it to the I/O queues (ns_view.c). Idempotent: the
 * same parameters again succeed, other ones fail with -EEXIST.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns_priv.h"
#include "tgt_priv.h"

static bool ns_same(const struct ns *ns, const struct tgt_ns_params *p)
{
	const struct tgt_ns_params *q = &ns->params;
	uint32_t lba = p->lba_size ? p->lba_size : 512;

	if (q->backend != p->backend || q->lba_size != lba || q->readonly != p->readonly ||
	    q->resv != p->resv)
		return false;
	if ((q->path || p->path) && (!q->path || !p->path || strcmp(q->path, p->path)))
		return false;
	if (p->backend == TGT_BACKEND_RBD && !tgt_ns_rbd_same(&q->rbd, &p->rbd))
		return false;
	if (p->has_uuid && memcmp(p->uuid, q->uuid, 16))
		return false;
	if (p->has_nguid && memcmp(p->nguid, q->nguid, 16))
		return false;
	if (p->has_eui64 && memcmp(p->eui64, q->eui64, 8))
		return false;
	return true;
}

static int ns_check(struct tgt *t, const struct tgt_ns_params *p, char *err, size_t errlen)
{
	uint32_t grp = p->anagrpid ? p->anagrpid : 1;

	if (!p->nsid || p->nsid > TGT_MAX_NSID) {
		tgt_err(err, errlen, "namespace id must be 1-%u", TGT_MAX_NSID);
		return -EINVAL;
	}
	if (p->lba_size && p->lba_size != 512 && p->lba_size != 4096) {
		tgt_err(err, errlen, "LBA size must be 512 or 4096");
		return -EINVAL;
	}
	if (grp > TGT_MAX_ANAGRP || !t->ana_grp[grp]) {
		tgt_err(err, errlen, "no ANA group %u", grp);
		return -ENOENT;
	}
	if (!backend_ops_for(p->backend)) {
		tgt_err(err, errlen, "unknown backend type");
		return -EINVAL;
	}
	if (p->backend != TGT_BACKEND_FILE && p->path) {
		tgt_err(err, errlen, "only file namespaces take a path");
		return -EINVAL;
	}
	if (p->backend == TGT_BACKEND_RBD && (!p->rbd.pool[0] || !p->rbd.image[0])) {
		tgt_err(err, errlen, "an rbd namespace needs a pool and an image");
		return -EINVAL;
	}
	return 0;
}

/* Whether another namespace already carries one of p's identifiers (two
 * namespaces with one identity confuse host multipathing). */
static int ns_check_dup_ids(struct tgt *t, const struct tgt_ns_params *p, char *err, size_t errlen)
{
	struct subsys *s;
	struct ns *o;

	for (s = t->subsys_list; s; s = s->next) {
		for (o = s->ns_list; o; o = o->next) {
			const char *what = NULL;

			if (!memcmp(o->params.uuid, p->uuid, 16))
				what = "UUID";
			else if (!memcmp(o->params.nguid, p->nguid, 16))
				what = "NGUID";
			else if (!memcmp(o->params.eui64, p->eui64, 8))
				what = "EUI-64";
			if (what) {
				tgt_err(err, errlen, "%s already used by namespace %u of %s", what,
					o->nsid, s->nqn);
				return -EEXIST;
			}
		}
	}
	return 0;
}

/* Identifiers the backing store defines for itself (the same on every node
 * that opens it) fill those the caller did not give. */
static void ns_backend_ids(struct ns *ns)
{
	struct tgt_ns_params *p = &ns->params;
	uint8_t uuid[16], nguid[16], eui64[8];

	if (!ns->be->ops->ids || ns->be->ops->ids(ns->be, uuid, nguid, eui64))
		return;
	if (!p->has_uuid)
		memcpy(p->uuid, uuid, 16);
	if (!p->has_nguid)
		memcpy(p->nguid, nguid, 16);
	if (!p->has_eui64)
		memcpy(p->eui64, eui64, 8);
	p->has_uuid = p->has_nguid = p->has_eui64 = true;
}

/* Add a namespace (idempotent). */
int tgt_ns_add(struct tgt *t, const char *nqn, const struct tgt_ns_params *p, char *err,
	       size_t errlen)
{
	struct subsys *s = ns_subsys(t, nqn, err, errlen);
	struct ns *ns, **pp;
	char note[512] = "";
	uint64_t size;
	int rc, gen;

	if (!s)
		return -ENOENT;
	if (!p)
		return -EINVAL;
	rc = ns_check(t, p, err, errlen);
	if (rc)
		return rc;
	ns = ns_find(s, p->nsid);
	if (ns) {
		if (ns_same(ns, p))
			return 0;
		tgt_err(err, errlen, "namespace %u exists with other settings", p->nsid);
		return -EEXIST;
	}
	ns = calloc(1, sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	ns->t = t;
	ns->subsys = s;
	ns->nsid = p->nsid;
	ns->params = *p;
	ns->params.lba_size = p->lba_size ? p->lba_size : 512;
	ns->params.anagrpid = p->anagrpid ? p->anagrpid : 1;
	ns->lba_shift = ns->params.lba_size == 4096 ? 12 : 9;
	if (p->path) {
		ns->path_buf = strdup(p->path);
		if (!ns->path_buf) {
			rc = -ENOMEM;
			goto out_free_ns;
		}
	}
	ns->params.path = ns->path_buf;
	ns->params.hosts = NULL;
	ns->params.nr_hosts = 0;
	rc = ns_host_init(ns, p->hosts, p->nr_hosts, err, errlen);
	if (rc)
		goto out_free_ns;
	/* opened ahead, off the control thread (backend_preopen.c), or now */
	if (!backend_preopen_take(&ns->params, &ns->be, &size, &rc, err, errlen))
		rc = backend_ops_for(p->backend)->open(&ns->params, &ns->be, &size, err, errlen);
	if (rc)
		goto out_free_ns;
	ns_backend_ids(ns);
	gen = ns_id_load_or_create(t, s->nqn, &ns->params, err, errlen);
	if (gen < 0) {
		rc = gen;
		goto out_free_ns;
	}
	rc = ns_check_dup_ids(t, &ns->params, err, errlen);
	if (rc)
		goto out_free_ns;
	if (size >> ns->lba_shift == 0) {
		tgt_err(err, errlen, "namespace smaller than one block");
		rc = -EINVAL;
		goto out_free_ns;
	}
	if (gen) { /* new, or the state file held another store's ids */
		rc = ns_id_save(t, s->nqn, &ns->params, err, errlen);
		if (rc)
			goto out_free_ns;
	}
	if (p->resv) {
		rc = resv_init(ns, note, sizeof(note));
		if (rc) {
			tgt_err(err, errlen, "out of memory");
			goto out_free_ns;
		}
	}
	atomic_init(&ns->nblocks, size >> ns->lba_shift);
	atomic_init(&ns->anagrpid, ns->params.anagrpid);
	atomic_init(&ns->readonly, ns->params.readonly);
	ns->params.size = size;
	ns->enabled = !p->disabled;
	for (pp = &s->ns_list; *pp && (*pp)->nsid < ns->nsid; pp = &(*pp)->next)
		;
	ns->next = *pp;
	*pp = ns;
	s->nr_ns++;
	if (ns->enabled) {
		ns_view_publish(ns);
		subsys_ns_changed(s, ns);
	}
	if (note[0])
		ns_event(ns, TGT_NS_EV_NOTE, note);
	return 0;

out_free_ns:
	ns_free(ns);
	return rc;
}
