// SPDX-License-Identifier: Apache-2.0
/*
 * The cluster without librados (built without librbd): a config with a
 * cluster section is refused at start; nothing is ever shared.
 */
#include <errno.h>
#include <stdio.h>

#include "cluster.h"
#include "fcd.h"

int cluster_start(struct fcd *d, const struct conf_cluster *cc, char *err, size_t errlen)
{
	(void)d;
	(void)cc;
	snprintf(err, errlen, "cluster: nvmetfcd was built without librados/librbd");
	return -EOPNOTSUPP;
}

void cluster_stop(struct fcd *d)
{
	(void)d;
}

void cluster_ns_fenced(struct fcd *d, const char *nqn)
{
	(void)d;
	(void)nqn;
}

int cluster_lookup(struct fcd *d, const char *nqn, uint64_t *ticket, char *err, size_t errlen)
{
	(void)d;
	(void)nqn;
	(void)ticket;
	(void)err;
	(void)errlen;
	return 0;
}

static int cluster_none(char *err, size_t errlen)
{
	snprintf(err, errlen, "this node is not in a cluster (built without librados)");
	return -ENOENT;
}

int cluster_subsys_add(struct fcd *d, const char *nqn, bool allow_any, char *err, size_t errlen)
{
	(void)d;
	(void)nqn;
	(void)allow_any;
	return cluster_none(err, errlen);
}

int cluster_subsys_del(struct fcd *d, const char *nqn, char *err, size_t errlen)
{
	(void)d;
	(void)nqn;
	return cluster_none(err, errlen);
}

int cluster_host_allow(struct fcd *d, const char *nqn, const char *host, bool allow, char *err,
		       size_t errlen)
{
	(void)d;
	(void)nqn;
	(void)host;
	(void)allow;
	return cluster_none(err, errlen);
}

int cluster_ns_host(struct fcd *d, const char *nqn, uint32_t nsid, const char *host, bool add,
		    char *err, size_t errlen)
{
	(void)d;
	(void)nqn;
	(void)nsid;
	(void)host;
	(void)add;
	return cluster_none(err, errlen);
}

int cluster_ns_add(struct fcd *d, const char *nqn, struct conf_ns *ns, char *err, size_t errlen)
{
	(void)d;
	(void)nqn;
	(void)ns;
	return cluster_none(err, errlen);
}

int cluster_ns_want_open(struct fcd *d, const struct conf_ns *ns)
{
	(void)d;
	(void)ns;
	return 0;
}

int cluster_ns_del(struct fcd *d, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	(void)d;
	(void)nqn;
	(void)nsid;
	return cluster_none(err, errlen);
}

int cluster_group_move(struct fcd *d, uint32_t grpid, const char *node, char *err, size_t errlen)
{
	(void)d;
	(void)grpid;
	(void)node;
	return cluster_none(err, errlen);
}

int cluster_foreach_node(struct fcd *d, int (*cb)(const struct cluster_node_info *, void *),
			 void *arg)
{
	(void)d;
	(void)cb;
	(void)arg;
	return 0;
}

int cluster_status(struct fcd *d, struct cluster_status_info *info)
{
	(void)d;
	(void)info;
	return -ENOENT;
}

int cluster_foreach_group(struct fcd *d, int (*cb)(const struct cluster_group_info *, void *),
			  void *arg)
{
	(void)d;
	(void)cb;
	(void)arg;
	return 0;
}
