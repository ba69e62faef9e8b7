/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Several nvmetfcd nodes exporting the same subsystems from one Ceph
 * cluster (docs/ceph.md). The definitions every node must agree on live in
 * one RADOS object's omap (the "state object"): the shared subsystems and
 * their rbd namespaces, the ANA groups and which node owns each, and one
 * heartbeat entry per node with the addresses that fence it. Each node
 * applies the shared definitions to its own target core (identical
 * identifiers, serial and model; its own controller id range), reports
 * ANA optimized on its ports for the groups it owns and non-optimized for
 * the others, and takes over the groups of a node whose heartbeat stopped
 * when it is that node's successor, after fencing it (osd blocklist).
 *
 * The local config file keeps its own subsystems; shared ones are not in
 * d->conf and are neither saved nor reloaded from the file. [ctl] only.
 */
#ifndef CLUSTER_H
#define CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fcd;
struct conf_cluster;
struct conf_ns;
struct cluster;

struct cluster_node_info {
	const char *name;
	uint16_t id;
	bool self;
	bool alive;
	uint64_t age_ms;   /* since its heartbeat last moved */
	const char *addrs; /* what fencing it blocklists, comma separated */
};

/* This node and the state object (cluster status). */
struct cluster_status_info {
	const char *node;
	bool member;	       /* read the object, not fenced, rejoin settled */
	bool answers;	       /* cl_answers: commands are taken now */
	uint64_t read_age_ms;  /* since the last read that worked began */
	uint32_t read_fails;   /* in a row */
	uint64_t read_wait_ms; /* the read under way, if any */
	bool hb_ok;	       /* the heartbeat thread's last write worked */
	char job[128];	       /* the group job under way, "" when none */
};

struct cluster_group_info {
	uint32_t grpid;
	const char *owner; /* "" when nobody owns it */
	uint64_t epoch;	   /* bumped by every change of owner */
	uint8_t state;	   /* this node's NVMe ANA state for it */
};

/* Join the cluster: connect, register, watch, start the timer. */
int cluster_start(struct fcd *d, const struct conf_cluster *cc, char *err, size_t errlen);
/* Leave: hand the groups this node owns to their successors (live nodes);
 * owning none then, remove the node's entry from the state, else keep it
 * (others see it stop beating and take its groups over, fence first). */
void cluster_stop(struct fcd *d);

/* A namespace of nqn was fenced: if it is shared, reconnect it once this
 * node knows it is still a member (else when it rejoins). */
void cluster_ns_fenced(struct fcd *d, const char *nqn);
/* Whether nqn is a shared subsystem: 1, or 0 (this node's config defines
 * nqn, or the state object does not hold it). On a miss for an NQN this
 * node does not define: -EINPROGRESS with err said, while a read of the
 * object begun after the request's first call runs (without blocking);
 * the caller calls again at a wake-up (preopen_wake) with the same
 * *ticket (0 before a request's first call) for the answer. While no
 * read can answer (the object does not, a group job runs, the node was
 * fenced), and with ticket NULL, the view read last answers at once
 * (cluster_lookup.c). */
int cluster_lookup(struct fcd *d, const char *nqn, uint64_t *ticket, char *err, size_t errlen);
/* Shared definitions: written to the state object; every node (this one
 * too) applies them when it reads the object again. These edits (and
 * cluster_group_move) run off the control thread (cluster_edit.c): they
 * return -EINPROGRESS while theirs runs, and the caller calls again with
 * the same arguments at a wake-up (preopen_wake) for the answer, given
 * once this node has read the object back and applied it. */
int cluster_subsys_add(struct fcd *d, const char *nqn, bool allow_any, char *err, size_t errlen);
int cluster_subsys_del(struct fcd *d, const char *nqn, char *err, size_t errlen);
int cluster_host_allow(struct fcd *d, const char *nqn, const char *host, bool allow, char *err,
		       size_t errlen);
/* ns: rbd pool/image/rados_ns, nsid (0: the lowest free), ANA group. */
int cluster_ns_add(struct fcd *d, const char *nqn, struct conf_ns *ns, char *err, size_t errlen);
/* Before cluster_ns_add: backend_preopen_want() for the image this node
 * would open for ns (1: queued or opening, run again later). */
int cluster_ns_want_open(struct fcd *d, const struct conf_ns *ns);
int cluster_ns_del(struct fcd *d, const char *nqn, uint32_t nsid, char *err, size_t errlen);
/* Host masking of a shared namespace (as conf_op_ns_host): add or remove
 * host from its list, on every node. -ENOENT (no such namespace, or
 * removing a host it does not list), -EEXIST (adding one it lists),
 * -ENOSPC (the list is full). */
int cluster_ns_host(struct fcd *d, const char *nqn, uint32_t nsid, const char *host, bool add,
		    char *err, size_t errlen);
/* Hand group grpid to node (alive); the old owner steps down. */
int cluster_group_move(struct fcd *d, uint32_t grpid, const char *node, char *err, size_t errlen);

int cluster_foreach_node(struct fcd *d, int (*cb)(const struct cluster_node_info *, void *),
			 void *arg);
/* -ENOENT when this node is in no cluster. */
int cluster_status(struct fcd *d, struct cluster_status_info *info);
int cluster_foreach_group(struct fcd *d, int (*cb)(const struct cluster_group_info *, void *),
			  void *arg);

#endif /* CLUSTER_H */
