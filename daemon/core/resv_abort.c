// SPDX-License-Identifier: Apache-2.0
/*
 * Preempt and Abort (Reservation Acquire, RACQA 010b; NVMe Base 2.0 §8.19
 * and §7.7): the preempted registrants' commands on the namespace are
 * aborted. Their next commands already conflict (resv_publish); the
 * ones their queues took before may still be in the backend, and a Write
 * of theirs landing after the preempting host saw its Acquire complete
 * would be data the new holder did not expect. So the Acquire completes
 * only once those commands have completed, as Linux nvmet's pr.c waits
 * for the preempted hosts' references: a drain barrier goes to every I/O
 * queue of every controller of a preempted host (ns_msg_drain), and the
 * last acknowledgement completes the command. A Compare of theirs that
 * waits for its fused Write ends with Command Aborted due to Preempt and
 * Abort; commands in the backend are not cancelled but waited for. The
 * issuer's own host is never preempted (resv.c), so its queue, where the
 * Acquire itself counts, is not drained.
 */
#include <stdlib.h>
#include <string.h>

#include "tgt_priv.h"

/* [ctl] Before the command changes anything: nothing can fail later for
 * want of memory (a drain message aside, see ns_msg_drain). */
struct resv_abort *resv_abort_new(struct nvmet_fc_req *req)
{
	struct resv_abort *ra = calloc(1, sizeof(*ra));

	if (ra)
		ra->req = req;
	return ra;
}

/* [ctl] The command ran with status; drain the queues of the hosts it
 * removed (ra->gone, none if it failed), then complete it. */
void resv_abort_start(struct resv_abort *ra, struct ns *ns, uint16_t status)
{
	struct ctrl *c;
	unsigned int i;

	ra->status = status;
	ra->pending = 1;
	for (c = ns->subsys->ctrls; c; c = c->next)
		for (i = 0; i < ra->nr_gone; i++)
			if (!memcmp(c->hostid, ra->gone[i], 16)) {
				ns_msg_drain(c, ns->nsid, ra);
				break;
			}
	resv_abort_acked(ra);
}

/* [ctl] One queue drained (or the sending ended). */
void resv_abort_acked(struct resv_abort *ra)
{
	if (--ra->pending)
		return;
	tgt_req_complete_from_ctl(ra->req, ra->status);
	free(ra);
}
