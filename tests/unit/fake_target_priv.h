/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the fake target's files share (fake_target.c: the call log, the
 * subsystems, ANA groups, referrals and controllers; fake_target_port.c:
 * the ports; fake_target_ns.c: the namespaces): the model and the call
 * that logs.
 */
#ifndef FAKE_TARGET_PRIV_H
#define FAKE_TARGET_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fake_target.h"
#include "port.h"
#include "core/tgt.h"

struct fake_ns {
	char nqn[TGT_NQN_SIZE];
	uint32_t nsid;
	uint64_t size;
	bool enabled;
	enum tgt_backend_type backend;
	uint32_t lba_size;
	uint32_t anagrpid;
	bool readonly;
	bool resv;     /* reservations on: shown with no registrant */
	bool has_uuid; /* given: uuid, else a derived one */
	uint8_t uuid[16];
	char hosts[FAKE_NS_HOSTS][TGT_NQN_SIZE]; /* host masking, sorted */
	unsigned int nr_hosts;
	struct backend *be; /* rbd's, closed at the delete */
};

struct fake_model {
	char ports[8][PORT_NAME_MAX];
	bool enabled[8];
	int nr_ports;
	char subsys[8][TGT_NQN_SIZE];
	int nr_subsys;
	struct fake_ns ns[32];
	int nr_ns;
	bool assoc_deleted; /* the one association is gone */
	/* fake_grow_async(): a grow waits (as an rbd image's, off the
	 * control thread) until turned off */
	bool grow_async;
	/* how many times tgt_ns_resize_want said 1 */
	unsigned int grows_wanted;
};

extern struct fake_model fake_model;

/* Log a call; returns -EIO (and disarms) when it matches the prefix of
 * fake_fail_on(). */
int fake_call(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Remove model namespace i, its backend closed (fake_target_ns.c). */
void fake_ns_drop(int i);

#endif /* FAKE_TARGET_PRIV_H */
