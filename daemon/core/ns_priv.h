/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the namespace files of the NVMe core share beyond tgt_priv.h
 * (ns.c, ns_add.c, ns_view.c, ns_msg.c, ns_tick.c). [ctl] only: every
 * function here runs on the control thread.
 */
#ifndef NS_PRIV_H
#define NS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tgt_priv.h"

/* ns.c */
/* Close the backend and free ns (no queue may still see it). */
void ns_free(struct ns *ns);
/* Subsystem nqn (not the discovery subsystem), with a message if unknown. */
struct subsys *ns_subsys(struct tgt *t, const char *nqn, char *err, size_t errlen);
/* Hand a namespace event to tgt_set_ns_event_cb's callback. */
void ns_event(struct ns *ns, enum tgt_ns_event ev, const char *msg);

/* ns_view.c */
/* Add an enabled ns to the views of the queues that may see it. */
void ns_view_publish(struct ns *ns);
/* Remove ns from every queue's view; a deleted ns is freed once drained. */
void ns_view_unpublish(struct ns *ns);
/* Every queue acknowledged a removal of ns (ns_msg.c's last ack). */
void ns_view_drained(struct ns *ns);
/* Give view nsid of sq a latency histogram before the namespace first
 * shows in it (without one, that view counts no latency). */
void ns_view_lat_alloc(struct sq *sq, uint32_t nsid);

/* ns_msg.c */
/* Send one message to each connected I/O queue of c: add ns (remove
 * false) or remove it (remove true; ns NULL: hide nsid). */
void ns_msg_ctrl(struct ctrl *c, struct ns *ns, uint32_t nsid, bool remove);

#endif
