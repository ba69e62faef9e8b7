/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who tried to log in on one target port: per remote (host) port WWPN, the
 * host NQNs it presented in Connect (the last HOSTLOG_NQNS distinct ones,
 * with counts), when it was last seen, whether it is logged in, and its
 * last refusal (the reason as evlog.c prints it, the NVMe status, when)
 * with a refusal counter. Entries stay after a logout; at most
 * HOSTLOG_MAX per port, the oldest logged-out entry evicted first (then
 * the oldest one), so a misbehaving fabric cannot grow memory without
 * bound. Whether a subsystem allows the host is not kept here: it is
 * computed when asked, from the configuration of that moment (port.c).
 * Ownership: control thread only (the hw login/logout events and the
 * core's association events that feed it are reported there); the data
 * path never touches it. Errors: 0 or -errno.
 */
#ifndef HOSTLOG_H
#define HOSTLOG_H

#include <stdbool.h>
#include <stdint.h>

#include <fcnvme/nqn.h>

#define HOSTLOG_MAX	   256 /* entries per port */
#define HOSTLOG_NQNS	   4   /* distinct host NQNs kept per entry */
#define HOSTLOG_REASON_MAX 192

struct hostlog_nqn {
	char nqn[FCNVME_NQN_MAXLEN + 1];
	uint64_t count;	  /* Connects that presented it, accepted or not */
	uint64_t last_ms; /* fcnvme_clock_ms() of the last one */
};

struct hostlog_entry {
	uint64_t wwnn, wwpn;
	uint32_t nport_id;
	bool logged_in;	  /* as the last login/logout event said */
	uint64_t last_ms; /* last event of any kind */
	/* Most recent first; nr_nqns <= HOSTLOG_NQNS. */
	struct hostlog_nqn nqns[HOSTLOG_NQNS];
	unsigned int nr_nqns;
	uint64_t refusals;		    /* Create Association or Connect refused */
	char reason[HOSTLOG_REASON_MAX];    /* last refusal, "" if none */
	char subsys[FCNVME_NQN_MAXLEN + 1]; /* the subsystem it asked for, "" if none */
	uint16_t status;		    /* its NVMe status (with DNR), 0 if none */
	uint64_t refused_ms;		    /* when */
};

/* One port's table. Zero-initialised is empty. [ctl] only. */
struct hostlog {
	struct hostlog_entry *e; /* n of them, in order of first sight */
	unsigned int n, cap;
};

/* The entry of wwpn, or NULL. */
const struct hostlog_entry *hostlog_find(const struct hostlog *hl, uint64_t wwpn);
/* A remote port logged in (PRLI accepted). */
int hostlog_login(struct hostlog *hl, uint64_t wwnn, uint64_t wwpn, uint32_t nport_id,
		  uint64_t now_ms);
/* It logged out or was lost (kept, marked logged out). */
void hostlog_logout(struct hostlog *hl, uint64_t wwpn, uint64_t now_ms);
/* A Connect from it presented host NQN nqn ("" or NULL: none, ignored). */
int hostlog_connect(struct hostlog *hl, uint64_t wwpn, const char *nqn, uint64_t now_ms);
/* Something it asked for was refused: reason, the subsystem NQN it asked
 * for ("" or NULL: none), NVMe status (0 if none). A Connect's host NQN is
 * recorded with hostlog_connect. */
int hostlog_refused(struct hostlog *hl, uint64_t wwpn, const char *reason, const char *subsys,
		    uint16_t status, uint64_t now_ms);
/* Forget everything (port deleted). */
void hostlog_free(struct hostlog *hl);

#endif /* HOSTLOG_H */
