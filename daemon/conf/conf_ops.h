/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one mutation path of the daemon's model: every operation changes the
 * running objects (ports through port.h, everything else through tgt.h) and
 * then records the change in d->conf, so that "config save" writes what runs
 * and a reload diffs against it. Control commands and conf_apply() both call
 * these. Each returns 0 or -errno with a sentence in err. [ctl] only.
 */
#ifndef CONF_OPS_H
#define CONF_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

struct fcd;

int conf_op_port_add(struct fcd *d, const struct conf_port *p, char *err, size_t errlen);
int conf_op_port_del(struct fcd *d, const char *name, char *err, size_t errlen);
int conf_op_port_enable(struct fcd *d, const char *name, bool on, char *err, size_t errlen);

/* Adds the subsystem only (hosts, ports and namespaces are separate). */
int conf_op_subsys_add(struct fcd *d, const struct conf_subsys *s, char *err, size_t errlen);
int conf_op_subsys_del(struct fcd *d, const char *nqn, char *err, size_t errlen);
/* Name the discovery subsystem (TP 8013's unique discovery NQN; "": the
 * well-known one). */
int conf_op_discovery_nqn(struct fcd *d, const char *nqn, char *err, size_t errlen);
/* Set serial/model/firmware/allow_any_host from s according to mask
 * (TGT_SUBSYS_SET_*). */
int conf_op_subsys_set(struct fcd *d, const struct conf_subsys *s, uint32_t mask, char *err,
		       size_t errlen);
int conf_op_host_allow(struct fcd *d, const char *nqn, const char *host, bool allow, char *err,
		       size_t errlen);
/* Allow or disallow a host port WWPN on a subsystem (WWPN ACL). */
int conf_op_wwpn_allow(struct fcd *d, const char *nqn, uint64_t wwpn, bool allow, char *err,
		       size_t errlen);
int conf_op_subsys_export(struct fcd *d, const char *nqn, const char *port, bool on, char *err,
			  size_t errlen);

/* ns->nsid 0 picks the lowest free NSID and writes it back into ns. In a
 * dry plan that counts opens (plan->want_opens), a backend open that would
 * wait is queued (backend_preopen_want) and counted. */
int conf_op_ns_add(struct fcd *d, const char *nqn, struct conf_ns *ns, char *err, size_t errlen);
/* backend_preopen_want() for the namespace ns would add (1: queued or
 * opening, run again later; 0: add it now). */
int conf_ns_want_open(const struct conf_ns *ns);
/* The size the core has for a namespace (0: none, or a dry run). */
uint64_t conf_ns_size_now(struct fcd *d, const char *nqn, uint32_t nsid);
/* Add a pending namespace of d->conf (struct conf_ns.pending) to the core
 * as recorded; 0 (it is served, no longer pending) or -errno with err. */
int conf_op_ns_attach(struct fcd *d, const char *nqn, struct conf_ns *ns, char *err, size_t errlen);
int conf_op_ns_del(struct fcd *d, const char *nqn, uint32_t nsid, char *err, size_t errlen);
int conf_op_ns_resize(struct fcd *d, const char *nqn, uint32_t nsid, uint64_t size, char *err,
		      size_t errlen);
int conf_op_ns_enable(struct fcd *d, const char *nqn, uint32_t nsid, bool on, char *err,
		      size_t errlen);
int conf_op_ns_set_ana_group(struct fcd *d, const char *nqn, uint32_t nsid, uint32_t grpid,
			     char *err, size_t errlen);
int conf_op_ns_set_readonly(struct fcd *d, const char *nqn, uint32_t nsid, bool readonly, char *err,
			    size_t errlen);
int conf_op_ns_set_resv(struct fcd *d, const char *nqn, uint32_t nsid, bool on, char *err,
			size_t errlen);
int conf_op_ns_set_direct(struct fcd *d, const char *nqn, uint32_t nsid, bool direct, char *err,
			  size_t errlen);
/* Host masking: namespace-add-host / namespace-del-host. */
int conf_op_ns_host(struct fcd *d, const char *nqn, uint32_t nsid, const char *host, bool add,
		    char *err, size_t errlen);

int conf_op_ana_add(struct fcd *d, uint32_t grpid, uint8_t state, char *err, size_t errlen);
int conf_op_ana_del(struct fcd *d, uint32_t grpid, char *err, size_t errlen);
/* port NULL: the group's state on every port. */
int conf_op_ana_set_state(struct fcd *d, uint32_t grpid, const char *port, uint8_t state, char *err,
			  size_t errlen);

/* Referrals (daemon/core/referral.c): add one listed on r->ports (port
 * names of d->conf) to r->hosts (none: every host), change one in place
 * (the same name), or delete one. A port a referral lists cannot be
 * deleted until the referral is. */
int conf_op_referral_add(struct fcd *d, const struct conf_referral *r, char *err, size_t errlen);
int conf_op_referral_set(struct fcd *d, const struct conf_referral *r, char *err, size_t errlen);
int conf_op_referral_del(struct fcd *d, const char *name, char *err, size_t errlen);

/* NVMe ANA state (NVME_ANA_*) of an enum fcnvme_ana_state. */
uint8_t conf_ana_to_nvme(uint8_t state);

#endif /* CONF_OPS_H */
