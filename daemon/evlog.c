// SPDX-License-Identifier: Apache-2.0
/*
 * The target's story in the log (see evlog.h): one line per association
 * event, the same facts in the text and in the journal fields.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <fcnvme/nqn.h>
#include <fcnvme/nvme.h>

#include "evlog.h"
#include "log.h"
#include "log_rl.h"

/* Control thread only. What a host does wrong logs once per interval and
 * reason; what it does right (connect, disconnect) a few times, enough for
 * paths to several subsystems, not for a host that loops. */
static struct log_rl evlog_rl, evlog_rl_ok;

#define EVLOG_OK_BURST 16

static void evlog_summary(void *arg, uint64_t wwpn, const char *reason, unsigned int n,
			  uint64_t interval_ms)
{
	const struct log_fields f = { .host_wwpn = wwpn };

	(void)arg;
	log_fields(LOG_WARNING, &f,
		   "host port 0x%016" PRIx64 ": suppressed %u similar messages (%s) in %" PRIu64
		   " s",
		   wwpn, n, reason, interval_ms / 1000);
}

void evlog_init(uint64_t interval_ms)
{
	log_rl_init(&evlog_rl, interval_ms, 1, evlog_summary, NULL);
	log_rl_init(&evlog_rl_ok, interval_ms, EVLOG_OK_BURST, evlog_summary, NULL);
}

void evlog_tick(uint64_t now_ms)
{
	log_rl_flush(&evlog_rl, now_ms);
	log_rl_flush(&evlog_rl_ok, now_ms);
}

/* Offsets of the Connect fields a target reports (NVMe over Fabrics 1.1,
 * Connect response: Invalid Parameter, IATTR and IPO). */
void evlog_connect_field(int32_t ipo, char *buf, size_t len)
{
	static const struct {
		int data;
		unsigned int off;
		const char *name;
	} names[] = {
		{ 1, offsetof(struct nvmf_connect_data, hostid), "hostid" },
		{ 1, offsetof(struct nvmf_connect_data, cntlid), "cntlid" },
		{ 1, offsetof(struct nvmf_connect_data, subsysnqn), "subnqn" },
		{ 1, offsetof(struct nvmf_connect_data, hostnqn), "hostnqn" },
		{ 0, offsetof(struct nvmf_connect_command, recfmt), "recfmt" },
		{ 0, offsetof(struct nvmf_connect_command, qid), "qid" },
		{ 0, offsetof(struct nvmf_connect_command, sqsize), "sqsize" },
		{ 0, offsetof(struct nvmf_connect_command, kato), "kato" },
	};
	int data = (ipo >> 16) & 1;
	unsigned int off = (unsigned int)ipo & 0xffff;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].data == data && names[i].off == off) {
			snprintf(buf, len, "Connect %s byte %u (%s)", data ? "data" : "command",
				 off, names[i].name);
			return;
		}
	}
	snprintf(buf, len, "Connect %s byte %u", data ? "data" : "command", off);
}

/* Discovery controllers come and go with every scan: info, not notice. */
static int evlog_pri(const struct tgt_assoc_event *ev, int pri)
{
	return ev->discovery && pri == LOG_NOTICE ? LOG_INFO : pri;
}

/* Whether a success event of priority pri is to be logged now. */
static bool evlog_ok(const struct tgt_assoc_event *ev, int pri, const char *key, uint64_t now_ms)
{
	if (pri == LOG_INFO && log_getverbose() < 1)
		return false;
	return log_rl_allow(&evlog_rl_ok, ev->host_wwpn, key, now_ms);
}

/* Two hosts claim one identity (TGT_ASSOC_EV_HOST_CONFLICT): a warning,
 * once per interval per host port. */
static void evlog_conflict(const struct tgt_assoc_event *ev, const struct log_fields *f,
			   const char *hn, const char *port, uint64_t now_ms)
{
	char id[37], other_id[37];

	if (!log_rl_allow(&evlog_rl, ev->host_wwpn, "host identity conflict", now_ms))
		return;
	fcnvme_uuid_format(ev->hostid, id);
	fcnvme_uuid_format(ev->other_hostid, other_id);
	if (!strcmp(ev->host_nqn, ev->other_nqn))
		log_fields(LOG_WARNING, f,
			   "host %s (wwpn 0x%016" PRIx64 ") on port %s: controller %u of %s "
			   "connected with host ID %s, but controller %u of %s (host wwpn "
			   "0x%016" PRIx64 ") has the same host NQN with host ID %s: two hosts "
			   "share one host NQN (a copied /etc/nvme/hostnqn?), or the host changed "
			   "its host ID; host access lists cannot tell them apart",
			   hn, ev->host_wwpn, port, ev->cntlid, ev->subsys_nqn, id,
			   ev->other_cntlid, ev->other_subsys, ev->other_wwpn, other_id);
	else
		log_fields(LOG_WARNING, f,
			   "host %s (wwpn 0x%016" PRIx64 ") on port %s: controller %u of %s "
			   "connected with host ID %s, which controller %u of %s (host wwpn "
			   "0x%016" PRIx64 ") has with host NQN %s: two hosts share one host ID (a "
			   "copied /etc/nvme/hostid?); reservations cannot tell them apart",
			   hn, ev->host_wwpn, port, ev->cntlid, ev->subsys_nqn, id,
			   ev->other_cntlid, ev->other_subsys, ev->other_wwpn, ev->other_nqn);
}

void evlog_assoc(const struct tgt_assoc_event *ev, uint64_t now_ms)
{
	const struct log_fields f = {
		.port = ev->port,
		.subsys_nqn = ev->subsys_nqn,
		.host_nqn = ev->host_nqn,
		.host_wwpn = ev->host_wwpn,
	};
	const char *hn = ev->host_nqn && *ev->host_nqn ? ev->host_nqn : "(no NQN)";
	const char *port = ev->port && *ev->port ? ev->port : "?";
	char key[LOG_RL_REASON_MAX], field[64];
	int pri;

	switch (ev->kind) {
	case TGT_ASSOC_EV_REFUSED:
		if (!log_rl_allow(&evlog_rl, ev->host_wwpn, "Create Association refused", now_ms))
			return;
		log_fields(LOG_WARNING, &f,
			   "host port 0x%016" PRIx64 " on port %s: Create Association refused "
			   "(insufficient resources): it holds %u associations that have not "
			   "connected yet",
			   ev->host_wwpn, port, ev->limit);
		return;
	case TGT_ASSOC_EV_EXPIRED:
		if (!log_rl_allow(&evlog_rl, ev->host_wwpn, "no Connect in time", now_ms))
			return;
		log_fields(LOG_WARNING, &f,
			   "host port 0x%016" PRIx64 " on port %s: association 0x%016" PRIx64
			   " deleted: no Connect within %" PRIu64 " ms",
			   ev->host_wwpn, port, ev->assoc_id, ev->timeout_ms);
		return;
	case TGT_ASSOC_EV_CONNECT_REFUSED:
		snprintf(key, sizeof(key), "Connect refused: %s", ev->reason);
		if (!log_rl_allow(&evlog_rl, ev->host_wwpn, key, now_ms))
			return;
		field[0] = '\0';
		if (ev->ipo >= 0)
			evlog_connect_field(ev->ipo, field, sizeof(field));
		log_fields(LOG_WARNING, &f,
			   "host %s (wwpn 0x%016" PRIx64 ") on port %s: refused by %s: %s "
			   "(Connect qid %u, status 0x%04x%s%s)",
			   hn, ev->host_wwpn, port, ev->subsys_nqn, ev->reason, ev->qid, ev->status,
			   *field ? ", invalid field " : "", field);
		return;
	case TGT_ASSOC_EV_CONNECTED:
		if (!evlog_ok(ev, evlog_pri(ev, LOG_NOTICE), "connected", now_ms))
			return;
		log_fields(evlog_pri(ev, LOG_NOTICE), &f,
			   "host %s (wwpn 0x%016" PRIx64 ") on port %s: connected to %s "
			   "(controller %u, association 0x%016" PRIx64 ")",
			   hn, ev->host_wwpn, port, ev->subsys_nqn, ev->cntlid, ev->assoc_id);
		return;
	case TGT_ASSOC_EV_KA_EXPIRED:
		if (!log_rl_allow(&evlog_rl, ev->host_wwpn, "keep-alive timeout", now_ms))
			return;
		log_fields(LOG_WARNING, &f,
			   "host %s (wwpn 0x%016" PRIx64 ") on port %s: keep-alive timeout on %s "
			   "(controller %u): no command for %" PRIu64 " ms; deleting association "
			   "0x%016" PRIx64,
			   hn, ev->host_wwpn, port, ev->subsys_nqn, ev->cntlid, ev->timeout_ms,
			   ev->assoc_id);
		return;
	case TGT_ASSOC_EV_AUTHENTICATED:
		/* the admin queue's at info; each I/O queue's at debug, not
		 * counted against the burst (a host with 16 queues) */
		if (ev->qid ? log_getverbose() < 2
			    : !evlog_ok(ev, LOG_INFO, "authenticated", now_ms))
			return;
		log_fields(ev->qid ? LOG_DEBUG : LOG_INFO, &f,
			   "host %s (wwpn 0x%016" PRIx64 ") on port %s: authenticated to %s "
			   "(controller %u, qid %u): %s",
			   hn, ev->host_wwpn, port, ev->subsys_nqn, ev->cntlid, ev->qid,
			   ev->reason);
		return;
	case TGT_ASSOC_EV_LS_REJECTED:
		/* what keeps a host from connecting is a warning; a rejected
		 * Disconnect (an association already gone) is routine */
		pri = tgt_ls_rejected_blocks(ev) ? LOG_WARNING : LOG_INFO;
		if (pri == LOG_INFO && log_getverbose() < 1)
			return;
		if (!log_rl_allow(&evlog_rl, ev->host_wwpn, ev->reason, now_ms))
			return;
		log_fields(pri, &f, "host port 0x%016" PRIx64 " on port %s: %s", ev->host_wwpn,
			   port, ev->reason);
		return;
	case TGT_ASSOC_EV_HOST_CONFLICT:
		evlog_conflict(ev, &f, hn, port, now_ms);
		return;
	case TGT_ASSOC_EV_ENDED:
		if (!evlog_ok(ev, evlog_pri(ev, LOG_NOTICE), "controller gone", now_ms))
			return;
		log_fields(evlog_pri(ev, LOG_NOTICE), &f,
			   "host %s (wwpn 0x%016" PRIx64 ") on port %s: controller %u of %s gone "
			   "(association 0x%016" PRIx64 "): %s",
			   hn, ev->host_wwpn, port, ev->cntlid, ev->subsys_nqn, ev->assoc_id,
			   ev->reason);
		return;
	}
}
