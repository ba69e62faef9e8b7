// SPDX-License-Identifier: Apache-2.0
/*
 * fuzz_core_cmd's namespaces: their backends, namespace 2 (re)added on the
 * test backend, and the control plane's changes while hosts work
 * (fz.ns2_*).
 */
#include <string.h>

#include "fuzz_core.h"

/* Namespace nsid's backend in the first subsystem, or NULL. */
struct backend *fz_ns_be(uint32_t nsid)
{
	struct ns *ns;

	for (ns = H->t->subsys_list->ns_list; ns && ns->nsid != nsid; ns = ns->next)
		;
	return ns ? ns->be : NULL;
}

/* Namespace 2 was added (again): a new, zeroed medium on h_be. */
void fz_ns_added(void)
{
	h_be_use(2, false);
	fz.be2 = fz_ns_be(2);
	fz.ns2_size = fz.ns2_params.size;
	fz.ns2_shift = fz.ns2_params.lba_size == 4096 ? 12 : 9;
	memset(fz.img2, 0, sizeof(fz.img2));
}

/* Control-plane changes while hosts work: namespace 2 hidden, masked,
 * grown, removed and added again; the ANA state of group 1 (both
 * namespaces') on port 1. */
void fz_ns_change(uint8_t sel)
{
	static const uint8_t ana[] = { NVME_ANA_OPTIMIZED, NVME_ANA_NONOPTIMIZED,
				       NVME_ANA_INACCESSIBLE, NVME_ANA_PERSISTENT_LOSS,
				       NVME_ANA_CHANGE };
	char err[128];

	if (sel % 4 == 3) {
		if (tgt_ana_set_state(H->t, 1, 1, ana[(sel >> 2) % 5], err, sizeof(err)))
			fz_fail_msg(err);
		return;
	}
	if (!fz.ns2_on || (fz.ns2_gone && sel % 4 != 2))
		return;
	switch (sel % 4) {
	case 0:
		if (fz.ns2_hidden)
			tgt_ns_enable(H->t, H_SUBNQN, 2, err, sizeof(err));
		else
			tgt_ns_disable(H->t, H_SUBNQN, 2, err, sizeof(err));
		fz.ns2_hidden = !fz.ns2_hidden;
		break;
	case 1:
		if (fz.ns2_masked)
			tgt_ns_add_host(H->t, H_SUBNQN, 2, H_HOSTNQN, err, sizeof(err));
		else
			tgt_ns_del_host(H->t, H_SUBNQN, 2, H_HOSTNQN, err, sizeof(err));
		fz.ns2_masked = !fz.ns2_masked;
		break;
	default:
		if (!(sel & 4)) {
			if (!tgt_ns_resize(H->t, H_SUBNQN, 2, 1u << 17, err, sizeof(err)))
				fz.ns2_size = 1u << 17;
			break;
		}
		/* removed (its I/O drains), or added again */
		if (fz.ns2_gone) {
			if (tgt_ns_add(H->t, H_SUBNQN, &fz.ns2_params, err, sizeof(err)))
				break;
			fz_ns_added();
			fz.ns2_masked = fz.ns2_params.nr_hosts;
			fz.ns2_hidden = fz.ns2_gone = false;
		} else {
			tgt_ns_del(H->t, H_SUBNQN, 2, err, sizeof(err));
			fz.ns2_gone = true;
		}
		break;
	}
}
