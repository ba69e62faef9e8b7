// SPDX-License-Identifier: Apache-2.0
/*
 * The discovery log page (LID 70h) for one discovery controller: an entry
 * for the current discovery subsystem, then one per subsystem exported on
 * the port the controller's association came in on and open to its host
 * (NQN ACL, WWPN list), in NQN order. FC addressing: trtype 2, adrfam 4,
 * traddr "nn-0x<WWNN>:pn-0x<WWPN>", trsvcid "none". Then the referrals
 * (referral.c) listed on that port for that host, in name order. [ctl]
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcnvme/wwn.h>

#include "tgt_priv.h"

#define DISC_ASQSZ 32

/* An entry for nqn at FC port wwnn/wwpn, portid; treq 0 (not specified). */
static void disc_entry_addr(struct nvmf_disc_rsp_page_entry *e, uint64_t wwnn, uint64_t wwpn,
			    uint16_t portid, const char *nqn, uint8_t subtype)
{
	char traddr[FCNVME_TRADDR_STRLEN];

	memset(e, 0, sizeof(*e));
	e->trtype = NVMF_TRTYPE_FC;
	e->adrfam = NVMF_ADDR_FAMILY_FC;
	e->subtype = subtype;
	e->portid = htole16(portid);
	e->cntlid = htole16(NVME_CNTLID_DYNAMIC);
	e->asqsz = htole16(DISC_ASQSZ);
	if (subtype == NVME_NQN_CURR)
		e->eflags = htole16(NVMF_DISC_EFLAGS_DUPRETINFO | NVMF_DISC_EFLAGS_EPCSD);
	/* NUL-padded, as nvmet copies its NUL-padded port address
	 * (discovery.c nvmet_format_discovery_entry); e is zeroed. */
	memcpy(e->trsvcid, "none", 4);
	snprintf(e->subnqn, sizeof(e->subnqn), "%s", nqn);
	if (!fcnvme_traddr_format(wwnn, wwpn, traddr, sizeof(traddr)))
		memcpy(e->traddr, traddr, strlen(traddr));
}

/* An entry for nqn at our port p. */
static void disc_entry(struct nvmf_disc_rsp_page_entry *e, const struct tgt_port *p,
		       const char *nqn, uint8_t subtype)
{
	disc_entry_addr(e, p->tp->node_name, p->tp->port_name, p->portid, nqn, subtype);
	/* SQ flow control disable supported, as a Linux port says by
	 * default (configfs.c nvmet_ports_make); secure channel not
	 * specified. */
	e->treq = NVMF_TREQ_NOT_SPECIFIED | NVMF_TREQ_DISABLE_SQFLOW;
}

/* Copy the part of an entry at log position pos that falls in the window
 * [off, off + len) into buf. */
static void disc_put(uint8_t *buf, uint64_t off, uint32_t len, uint64_t pos, const void *src,
		     size_t size)
{
	uint64_t from, to, n;

	if (pos + size <= off || pos >= off + len)
		return;
	from = pos >= off ? 0 : off - pos;
	to = pos + from - off;
	n = size - from;
	if (to + n > len)
		n = len - to;
	memcpy(buf + to, (const uint8_t *)src + from, n);
}

/* Whether discovery controller c's log lists subsystem s. */
static bool disc_lists(const struct ctrl *c, const struct subsys *s)
{
	return subsys_exported_on(s, c->port->portid) &&
	       subsys_host_allowed(s, c->hostnqn, c->host_wwpn);
}

static uint64_t disc_fnv(uint64_t h, const void *data, size_t n)
{
	const uint8_t *b = data;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

/* FNV-1a (64-bit) over the NQNs c's log lists, NUL-separated (the entries
 * come and go with subsystems, their port address is fixed), then the
 * listed referrals' names and addresses. */
uint64_t cmd_discovery_view(const struct ctrl *c)
{
	uint64_t h = 0xcbf29ce484222325ull;
	const struct subsys *s;
	const struct referral *r;

	if (!c->port)
		return h;
	/* the current discovery subsystem's entry names it */
	h = disc_fnv(h, c->t->disc->nqn, strlen(c->t->disc->nqn) + 1);
	for (s = c->t->subsys_list; s; s = s->next)
		if (disc_lists(c, s))
			h = disc_fnv(h, s->nqn, strlen(s->nqn) + 1);
	for (r = c->t->referrals; r; r = r->next) {
		if (!referral_lists(r, c))
			continue;
		h = disc_fnv(h, r->name, strlen(r->name) + 1);
		h = disc_fnv(h, &r->node_name, sizeof(r->node_name));
		h = disc_fnv(h, &r->port_name, sizeof(r->port_name));
		h = disc_fnv(h, &r->portid, sizeof(r->portid));
	}
	return h;
}

/* Write bytes [off, off + len) of c's discovery log into buf. */
void cmd_discovery_log(struct ctrl *c, uint8_t *buf, uint64_t off, uint32_t len)
{
	struct tgt *t = c->t;
	struct nvmf_disc_rsp_page_hdr hdr;
	struct nvmf_disc_rsp_page_entry e;
	struct subsys *s;
	struct referral *r;
	uint64_t numrec = 0, pos = sizeof(hdr);

	memset(buf, 0, len);
	if (c->port) {
		disc_entry(&e, c->port, t->disc->nqn, NVME_NQN_CURR);
		disc_put(buf, off, len, pos, &e, sizeof(e));
		pos += sizeof(e);
		numrec++;
		for (s = t->subsys_list; s; s = s->next) {
			if (!disc_lists(c, s))
				continue;
			disc_entry(&e, c->port, s->nqn, NVME_NQN_NVME);
			disc_put(buf, off, len, pos, &e, sizeof(e));
			pos += sizeof(e);
			numrec++;
		}
		/* subnqn the discovery NQN, treq as configured (default
		 * not specified), as nvmet's referrals (discovery.c
		 * nvmet_execute_disc_get_log_page, configfs addr_treq) */
		for (r = t->referrals; r; r = r->next) {
			if (!referral_lists(r, c))
				continue;
			disc_entry_addr(&e, r->node_name, r->port_name, r->portid,
					NVME_DISC_SUBSYS_NAME, NVME_NQN_DISC);
			e.treq = r->treq;
			disc_put(buf, off, len, pos, &e, sizeof(e));
			pos += sizeof(e);
			numrec++;
		}
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.genctr = htole64(t->disc_genctr);
	hdr.numrec = htole64(numrec);
	disc_put(buf, off, len, 0, &hdr, sizeof(hdr));
}
