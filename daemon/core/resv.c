// SPDX-License-Identifier: Apache-2.0
/*
 * Reservations (NVMe Base 2.0 §8.19, commands §7.6-7.9): Reservation
 * Register, Acquire (with preempt and preempt-and-abort), Release (and
 * clear) and Report with the extended data structure. Registrants are hosts
 * keyed by the 128-bit host identifier of their Connect data, so every
 * controller of a host is the same registrant (as Linux nvmet's pr.c keys
 * them). The commands arrive on an I/O queue ([hwq], resv_parse checks the
 * lengths), run on the control thread, which owns the state, publishes it
 * to the I/O path (resv_publish) and persists it when a host asked for PTPL
 * (resv_ptpl.c), and complete back on the queue's thread after that.
 * Preempt and abort removes the preempted registrants like preempt: their
 * next commands conflict at once; it completes once the commands of theirs
 * already taken have completed (resv_abort.c). Notifications to the
 * other registrants: resv_notify.c.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tgt_priv.h"

#define RESV_CONFLICT NVME_SC_RESERVATION_CONFLICT
#define RESV_BADFIELD (NVME_SC_INVALID_FIELD | NVME_SC_DNR)

static bool resv_all_regs(uint8_t rtype)
{
	return rtype == NVME_RESV_WRITE_EXCLUSIVE_ALL_REGS ||
	       rtype == NVME_RESV_EXCLUSIVE_ACCESS_ALL_REGS;
}

static int resv_find(const struct ns_resv *r, const uint8_t hostid[16])
{
	unsigned int i;

	for (i = 0; i < r->nr_reg; i++)
		if (!memcmp(r->reg[i].hostid, hostid, 16))
			return (int)i;
	return -1;
}

/* Registrant i holds the reservation (all do for the All Registrants
 * types). */
static bool resv_holds(const struct ns_resv *r, int i)
{
	return r->holder >= 0 && (r->holder == i || resv_all_regs(r->rtype));
}

static uint64_t resv_key(const uint8_t *data, unsigned int idx)
{
	uint64_t k;

	memcpy(&k, data + 8 * idx, 8);
	return le64toh(k);
}

/* Remove registrant i; the holder of a Write/Exclusive (All Registrants)
 * reservation passes to another registrant, any other reservation ends
 * with its holder (§8.19.4, §8.19.6). */
static void resv_remove(struct ns_resv *r, int i)
{
	memmove(&r->reg[i], &r->reg[i + 1], (r->nr_reg - (unsigned int)i - 1) * sizeof(r->reg[0]));
	r->nr_reg--;
	if (r->holder > i)
		r->holder--;
	else if (r->holder == i)
		r->holder = resv_all_regs(r->rtype) && r->nr_reg ? 0 : -1;
	if (r->holder < 0)
		r->rtype = 0;
}

/* Remove every registrant with key except registrant me; returns how many
 * and updates *me to me's new index. */
static unsigned int resv_remove_key(struct ns_resv *r, uint64_t key, bool all, int *me)
{
	unsigned int n = 0;
	int i;

	for (i = (int)r->nr_reg - 1; i >= 0; i--) {
		if (i == *me || (!all && r->reg[i].key != key))
			continue;
		resv_remove(r, i);
		if (*me > i)
			(*me)--;
		n++;
	}
	return n;
}

static uint16_t resv_register(struct ns *ns, struct ctrl *c, uint32_t cdw10, const uint8_t *data)
{
	struct ns_resv *r = ns->resv;
	uint32_t rrega = cdw10 & NVME_RESV_RREGA_MASK, cptpl = cdw10 >> NVME_RESV_CPTPL_SHIFT;
	bool iekey = cdw10 & NVME_RESV_IEKEY;
	uint64_t crkey = resv_key(data, 0), nrkey = resv_key(data, 1);
	int i = resv_find(r, c->hostid);

	if (rrega > NVME_RESV_REPLACE || cptpl == 1 || (cptpl && !ns->t->state_dir))
		return RESV_BADFIELD;
	switch (rrega) {
	case NVME_RESV_REGISTER:
		if (i >= 0) {
			if (r->reg[i].key != nrkey)
				return RESV_CONFLICT;
			break;
		}
		if (r->nr_reg == TGT_RESV_MAX_REG)
			return NVME_SC_CAP_EXCEEDED | NVME_SC_DNR;
		memcpy(r->reg[r->nr_reg].hostid, c->hostid, 16);
		r->reg[r->nr_reg++].key = nrkey;
		r->gen++;
		break;
	case NVME_RESV_UNREGISTER:
		if (i < 0 || (!iekey && r->reg[i].key != crkey))
			return RESV_CONFLICT;
		resv_remove(r, i);
		r->gen++;
		break;
	default:
		if (i < 0 || (!iekey && r->reg[i].key != crkey))
			return RESV_CONFLICT;
		r->reg[i].key = nrkey;
		r->gen++;
		break;
	}
	if (cptpl)
		r->ptpl = cptpl == 3;
	return NVME_SC_SUCCESS;
}

static uint16_t resv_preempt(struct ns_resv *r, int me, uint8_t rtype, uint64_t prkey)
{
	bool take;
	unsigned int n;

	if (r->holder < 0) {
		take = false;
		n = resv_remove_key(r, prkey, false, &me);
	} else if (resv_all_regs(r->rtype)) {
		take = !prkey;
		n = resv_remove_key(r, prkey, take, &me);
	} else if (r->reg[r->holder].key == prkey) {
		take = true;
		n = resv_remove_key(r, prkey, false, &me);
	} else {
		if (!prkey)
			return RESV_BADFIELD;
		take = false;
		n = resv_remove_key(r, prkey, false, &me);
	}
	if (!n && !take)
		return RESV_CONFLICT;
	if (take) {
		r->holder = me;
		r->rtype = rtype;
	}
	r->gen++;
	return NVME_SC_SUCCESS;
}

static uint16_t resv_acquire(struct ns *ns, struct ctrl *c, uint32_t cdw10, const uint8_t *data)
{
	struct ns_resv *r = ns->resv;
	uint32_t racqa = cdw10 & 7, rtype = (cdw10 >> 8) & 0xff;
	bool iekey = cdw10 & NVME_RESV_IEKEY;
	int i = resv_find(r, c->hostid);

	if (racqa > NVME_RESV_PREEMPT_ABORT || rtype < NVME_RESV_WRITE_EXCLUSIVE ||
	    rtype > NVME_RESV_EXCLUSIVE_ACCESS_ALL_REGS)
		return RESV_BADFIELD;
	if (i < 0 || (!iekey && r->reg[i].key != resv_key(data, 0)))
		return RESV_CONFLICT;
	if (racqa != NVME_RESV_ACQUIRE)
		return resv_preempt(r, i, (uint8_t)rtype, resv_key(data, 1));
	if (r->holder < 0) {
		r->holder = i;
		r->rtype = (uint8_t)rtype;
		return NVME_SC_SUCCESS;
	}
	return resv_holds(r, i) && r->rtype == rtype ? NVME_SC_SUCCESS : RESV_CONFLICT;
}

static uint16_t resv_release(struct ns *ns, struct ctrl *c, uint32_t cdw10, const uint8_t *data)
{
	struct ns_resv *r = ns->resv;
	uint32_t rrela = cdw10 & 7, rtype = (cdw10 >> 8) & 0xff;
	bool iekey = cdw10 & NVME_RESV_IEKEY;
	int i = resv_find(r, c->hostid);

	if (rrela > NVME_RESV_CLEAR)
		return RESV_BADFIELD;
	if (i < 0 || (!iekey && r->reg[i].key != resv_key(data, 0)))
		return RESV_CONFLICT;
	if (rrela == NVME_RESV_CLEAR) {
		r->nr_reg = 0;
		r->holder = -1;
		r->rtype = 0;
		r->gen++;
		return NVME_SC_SUCCESS;
	}
	if (!resv_holds(r, i))
		return NVME_SC_SUCCESS; /* nothing of ours to release */
	if (r->rtype != rtype)
		return RESV_BADFIELD;
	r->holder = -1;
	r->rtype = 0;
	return NVME_SC_SUCCESS;
}

/* Reservation Status, extended data structure (Figure 436/437): a 64-byte
 * header (PRGEN, RTYPE, REGCTL, PTPLS) and 64 bytes per registrant
 * (CNTLID FFFFh: a host, not one controller; RCSTS; RKEY; HOSTID). */
static uint16_t resv_report(struct ns *ns, struct nvmet_fc_req *req)
{
	const struct ns_resv *r = ns->resv;
	uint8_t buf[64 * (TGT_RESV_MAX_REG + 1)] = { 0 };
	uint32_t cdw11 = le32toh(req->cmd->common.cdw11), gen = htole32(r->gen);
	uint16_t regctl = htole16((uint16_t)r->nr_reg), cntlid = htole16(NVME_CNTLID_DYNAMIC);
	unsigned int i;

	/* 128-bit host identifiers need the extended structure (§7.9). */
	if (!(cdw11 & NVME_RESV_REPORT_EDS))
		return NVME_SC_HOST_ID_INCONSIST | NVME_SC_DNR;
	memcpy(buf, &gen, 4);
	buf[4] = r->holder >= 0 ? r->rtype : 0;
	memcpy(buf + 5, &regctl, 2);
	buf[9] = r->ptpl;
	for (i = 0; i < r->nr_reg; i++) {
		uint8_t *e = buf + 64 * (i + 1);
		uint64_t key = htole64(r->reg[i].key);

		memcpy(e, &cntlid, 2);
		e[2] = resv_holds(r, (int)i);
		memcpy(e + 8, &key, 8);
		memcpy(e + 16, r->reg[i].hostid, 16);
	}
	cmd_copy_out(req, buf, 64 * (r->nr_reg + 1));
	return NVME_SC_SUCCESS;
}

/* The registrants and reservation before a command, to notify the
 * difference. */
struct resv_before {
	struct tgt_resv_reg reg[TGT_RESV_MAX_REG];
	unsigned int nr_reg;
	int holder;
	uint8_t rtype;
};

static void resv_before_take(struct resv_before *b, const struct ns_resv *r)
{
	memcpy(b->reg, r->reg, r->nr_reg * sizeof(r->reg[0]));
	b->nr_reg = r->nr_reg;
	b->holder = r->holder;
	b->rtype = r->rtype;
}

/* Notify every registrant of before but the issuer me (§8.19.5): a
 * registration removed (only a preempt removes another host's) is
 * Registration Preempted; a Clear, or a reservation that another host took
 * or changed, is Reservation Preempted; a Registrants Only or All
 * Registrants reservation that ended is Reservation Released. */
static void resv_notify(struct ns *ns, const struct resv_before *b, const uint8_t *me, bool clear)
{
	const struct ns_resv *r = ns->resv;
	bool was = b->holder >= 0, held = r->holder >= 0, changed;
	unsigned int i;

	changed = was && held &&
		  (r->rtype != b->rtype ||
		   (!resv_all_regs(r->rtype) &&
		    memcmp(r->reg[r->holder].hostid, b->reg[b->holder].hostid, 16)));
	for (i = 0; i < b->nr_reg; i++) {
		const uint8_t *h = b->reg[i].hostid;

		if (!memcmp(h, me, 16))
			continue;
		if (clear)
			resv_notify_host(ns, h, NVME_RESV_LOG_PREEMPTED);
		else if (resv_find(r, h) < 0)
			resv_notify_host(ns, h, NVME_RESV_LOG_REG_PREEMPTED);
		else if (changed)
			resv_notify_host(ns, h, NVME_RESV_LOG_PREEMPTED);
		else if (was && !held && b->rtype >= NVME_RESV_WRITE_EXCLUSIVE_REG_ONLY)
			resv_notify_host(ns, h, NVME_RESV_LOG_RELEASED);
	}
}

/* The registrants of before that r no longer has: the hosts a preempt
 * removed. */
static void resv_gone(const struct resv_before *b, const struct ns_resv *r, struct resv_abort *ra)
{
	unsigned int i;

	for (i = 0; i < b->nr_reg; i++)
		if (resv_find(r, b->reg[i].hostid) < 0)
			memcpy(ra->gone[ra->nr_gone++], b->reg[i].hostid, 16);
}

/* [ctl] Run one reservation command, publish and persist the result; for a
 * Preempt and Abort (ra), note the hosts it removed. */
static uint16_t resv_exec(struct ns *ns, struct ctrl *c, struct nvmet_fc_req *req,
			  struct resv_abort *ra)
{
	struct ns_resv *r = ns->resv;
	uint32_t cdw10 = le32toh(req->cmd->common.cdw10);
	bool ptpl = r->ptpl;
	struct resv_before b;
	uint16_t status;

	if (req->cmd->common.opcode == nvme_cmd_resv_report)
		return resv_report(ns, req);
	resv_before_take(&b, r);
	switch (req->cmd->common.opcode) {
	case nvme_cmd_resv_register:
		status = resv_register(ns, c, cdw10, req->data);
		break;
	case nvme_cmd_resv_acquire:
		status = resv_acquire(ns, c, cdw10, req->data);
		break;
	default:
		status = resv_release(ns, c, cdw10, req->data);
		break;
	}
	if (status)
		return status;
	resv_publish(r);
	if (ra)
		resv_gone(&b, r, ra);
	resv_notify(ns, &b, c->hostid,
		    req->cmd->common.opcode == nvme_cmd_resv_release &&
			    (cdw10 & 7) == NVME_RESV_CLEAR);
	if (r->ptpl ? resv_ptpl_save(ns, NULL, 0) : (ptpl ? resv_ptpl_forget(ns) : 0))
		return NVME_SC_INTERNAL; /* in effect, but not persisted */
	return 0;
}

static bool resv_is_preempt_abort(const struct nvmet_fc_req *req)
{
	return req->cmd->common.opcode == nvme_cmd_resv_acquire &&
	       (le32toh(req->cmd->common.cdw10) & 7) == NVME_RESV_PREEMPT_ABORT;
}

static void resv_exec_ctl(void *arg)
{
	struct nvmet_fc_req *req = arg;
	struct req_ctx *rc = req_ctx(req);
	struct ctrl *c = atomic_load(&rc->sq->ctrl);
	struct resv_abort *ra = NULL;
	uint16_t status;

	if (!c || c->deleting)
		status = NVME_SC_ABORT_REQ;
	else if (rc->ns->deleting)
		status = NVME_SC_INVALID_NS | NVME_SC_DNR;
	else if (!rc->ns->resv) /* turned off after resv_parse */
		status = NVME_SC_INVALID_OPCODE | NVME_SC_DNR;
	else if (resv_is_preempt_abort(req) && !(ra = resv_abort_new(req)))
		status = NVME_SC_INTERNAL; /* nothing changed */
	else
		status = resv_exec(rc->ns, c, req, ra);
	if (ra)
		resv_abort_start(ra, rc->ns, status);
	else
		tgt_req_complete_from_ctl(req, status);
}

static void resv_execute(struct nvmet_fc_req *req)
{
	struct sq *sq = req_ctx(req)->sq;

	if (tgt_run_on_ctl(sq->t, sq->port, resv_exec_ctl, req))
		tgt_req_complete(req, NVME_SC_INTERNAL);
}

/* [hwq] Parse a reservation command on ns: the data it carries (CRKEY,
 * NRKEY/PRKEY: 16 bytes, Release 8; hosts may send more, Linux sends 16
 * for each) or the Report buffer of NUMD + 1 dwords. */
uint16_t resv_parse(struct nvmet_fc_req *req, struct ns *ns)
{
	uint32_t cdw10 = le32toh(req->cmd->common.cdw10);

	/* resv_exec_ctl checks again: they may go off meanwhile */
	if (!atomic_load_explicit(&ns->resv, memory_order_relaxed))
		return NVME_SC_INVALID_OPCODE | NVME_SC_DNR;
	switch (req->cmd->common.opcode) {
	case nvme_cmd_resv_register:
	case nvme_cmd_resv_acquire:
		if (req->transfer_len < 16)
			return NVME_SC_SGL_INVALID_DATA | NVME_SC_DNR;
		break;
	case nvme_cmd_resv_release:
		if (req->transfer_len < 8)
			return NVME_SC_SGL_INVALID_DATA | NVME_SC_DNR;
		break;
	default:
		if (cdw10 >= TGT_MAX_XFER / 4 || cmd_check_len(req, (cdw10 + 1) * 4))
			return NVME_SC_SGL_INVALID_DATA | NVME_SC_DNR;
		break;
	}
	req->execute = resv_execute;
	return NVME_SC_SUCCESS;
}

/* [ctl] Clear from the control socket: every registrant is told
 * Reservation Preempted. */
int tgt_ns_resv_clear(struct tgt *t, const char *nqn, uint32_t nsid, char *err, size_t errlen)
{
	static const uint8_t nobody[16];
	struct ns *ns = ns_lookup(t, nqn, nsid, err, errlen);
	struct ns_resv *r;
	struct resv_before b;
	int rc;

	if (!ns)
		return -ENOENT;
	r = ns->resv;
	if (!r) {
		tgt_err(err, errlen, "namespace %u has no reservations", nsid);
		return -EOPNOTSUPP;
	}
	resv_before_take(&b, r);
	r->nr_reg = 0;
	r->holder = -1;
	r->rtype = 0;
	r->gen++;
	resv_publish(r);
	resv_notify(ns, &b, nobody, true);
	rc = r->ptpl ? resv_ptpl_save(ns, err, errlen) : 0;
	return rc;
}

/* [ctl] No reservation, no registrant, generation 0, PTPL off; snap
 * untouched (resv_publish moves it). */
static void resv_reset(struct ns_resv *r)
{
	memset(r->reg, 0, sizeof(r->reg));
	r->nr_reg = 0;
	r->holder = -1;
	r->rtype = 0;
	r->gen = 0;
	r->ptpl = false;
}

/* [ctl] Turn reservations on (a namespace being added with params.resv,
 * or in place): empty, or what resv_ptpl.c kept. A state file that cannot
 * be read leaves them empty and says why in err (returns 0: the namespace
 * still comes up). The memory of an earlier time on is used again: it has
 * no registrant (resv_off), and snap moves only through resv_publish, so a
 * command that still reads it sees a consistent state. Like a namespace
 * added, they start at generation 0. */
int resv_init(struct ns *ns, char *err, size_t errlen)
{
	struct ns_resv *r = ns->resv_mem;

	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return -ENOMEM;
		ns->resv_mem = r;
	}
	resv_reset(r);
	if (resv_ptpl_load(ns, err, errlen))
		resv_reset(r);
	resv_publish(r);
	atomic_store_explicit(&ns->resv, r, memory_order_release);
	return 0;
}

/* [ctl] Turn reservations off: only with no host registered (a
 * reservation needs a registrant), so that nothing a host set up is lost
 * silently. The state file goes (with no registrant it holds nothing but
 * the generation; a corrupt one would be read again when they come back
 * on). */
int resv_off(struct ns *ns, char *err, size_t errlen)
{
	struct ns_resv *r = ns->resv;

	if (!r)
		return 0;
	if (r->nr_reg) {
		tgt_err(err, errlen,
			"namespace %u has %u registered host%s%s, which would be lost; clear "
			"them first (fcnvmectl namespace resv-clear %s %u)",
			ns->nsid, r->nr_reg, r->nr_reg == 1 ? "" : "s",
			r->holder >= 0 ? " and a reservation" : "", ns->subsys->nqn, ns->nsid);
		return -EBUSY;
	}
	if (resv_ptpl_forget(ns)) {
		tgt_err(err, errlen, "cannot remove the reservations file of namespace %u",
			ns->nsid);
		return -EIO;
	}
	r->ptpl = false;
	atomic_store_explicit(&ns->resv, NULL, memory_order_release);
	return 0;
}

void resv_free(struct ns *ns)
{
	atomic_store_explicit(&ns->resv, NULL, memory_order_relaxed);
	free(ns->resv_mem);
	ns->resv_mem = NULL;
}
