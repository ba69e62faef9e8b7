// SPDX-License-Identifier: Apache-2.0
/*
 * Reservations on the I/O path: the conflict table of NVMe Base 2.0
 * §8.19.7 (Figure "Command Behavior in the Presence of a Reservation") and
 * the lock-free check of a command's host against a namespace's published
 * reservation (struct resv_snap, a seqlock: [ctl] writes, [hwq] reads).
 */
#include <string.h>

#include "tgt_priv.h"

/* Whether a command of the read group (Read, Compare) or the write group
 * (Write, Write Zeroes, Dataset Management, Flush) from a host in role
 * conflicts with a reservation of type rtype (0: none). The holder never
 * conflicts; a registrant that does not hold is refused writes by the two
 * plain types and reads by Exclusive Access; a non-registrant is refused
 * every write and, for the Exclusive Access types, reads. For the
 * All Registrants types every registrant is a holder. */
bool resv_conflicts(uint8_t rtype, enum resv_role role, bool write)
{
	if (!rtype || role == RESV_HOLDER)
		return false;
	if (role == RESV_REGISTRANT && rtype != NVME_RESV_WRITE_EXCLUSIVE &&
	    rtype != NVME_RESV_EXCLUSIVE_ACCESS)
		return false;
	if (write)
		return true;
	return rtype == NVME_RESV_EXCLUSIVE_ACCESS ||
	       rtype == NVME_RESV_EXCLUSIVE_ACCESS_REG_ONLY ||
	       rtype == NVME_RESV_EXCLUSIVE_ACCESS_ALL_REGS;
}

static bool resv_all_regs(uint8_t rtype)
{
	return rtype == NVME_RESV_WRITE_EXCLUSIVE_ALL_REGS ||
	       rtype == NVME_RESV_EXCLUSIVE_ACCESS_ALL_REGS;
}

/* [hwq] Does a command of this host conflict with ns's reservation? */
bool resv_io_conflict(struct resv_snap *s, const uint8_t hostid[16], bool write)
{
	enum resv_role role;
	uint64_t h[2];
	uint32_t seq, rtype, nr, i;

	memcpy(h, hostid, 16);
	for (;;) {
		seq = atomic_load_explicit(&s->seq, memory_order_acquire);
		if (seq & 1)
			continue; /* [ctl] is writing */
		rtype = atomic_load_explicit(&s->rtype, memory_order_relaxed);
		role = RESV_OTHER;
		if (rtype) {
			if (atomic_load_explicit(&s->holder[0], memory_order_relaxed) == h[0] &&
			    atomic_load_explicit(&s->holder[1], memory_order_relaxed) == h[1])
				role = RESV_HOLDER;
			nr = atomic_load_explicit(&s->nr, memory_order_relaxed);
			for (i = 0; role == RESV_OTHER && i < nr && i < TGT_RESV_MAX_REG; i++)
				if (atomic_load_explicit(&s->reg[i][0], memory_order_relaxed) ==
					    h[0] &&
				    atomic_load_explicit(&s->reg[i][1], memory_order_relaxed) ==
					    h[1])
					role = resv_all_regs((uint8_t)rtype) ? RESV_HOLDER
									     : RESV_REGISTRANT;
		}
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&s->seq, memory_order_relaxed) == seq)
			break;
	}
	return resv_conflicts((uint8_t)rtype, role, write);
}

static void resv_store_id(_Atomic uint64_t dst[2], const uint8_t id[16])
{
	uint64_t w[2];

	memcpy(w, id, 16);
	atomic_store_explicit(&dst[0], w[0], memory_order_relaxed);
	atomic_store_explicit(&dst[1], w[1], memory_order_relaxed);
}

/* [ctl] Publish r's reservation to the I/O path: a command parsed after
 * this returns sees it. */
void resv_publish(struct ns_resv *r)
{
	struct resv_snap *s = &r->snap;
	uint32_t seq = atomic_load_explicit(&s->seq, memory_order_relaxed);
	static const uint8_t none[16];
	unsigned int i;

	atomic_store_explicit(&s->seq, seq + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&s->rtype, r->holder >= 0 ? r->rtype : 0, memory_order_relaxed);
	resv_store_id(s->holder, r->holder >= 0 ? r->reg[r->holder].hostid : none);
	for (i = 0; i < r->nr_reg; i++)
		resv_store_id(s->reg[i], r->reg[i].hostid);
	atomic_store_explicit(&s->nr, r->nr_reg, memory_order_relaxed);
	atomic_store_explicit(&s->seq, seq + 2, memory_order_release);
}
