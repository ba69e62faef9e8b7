// SPDX-License-Identifier: Apache-2.0
/*
 * The fake NVMe core of the control-plane tests (see fake_target.h): the
 * call log, subsystems, ANA groups, referrals and controllers; the ports
 * are in fake_target_port.c, the namespaces in fake_target_ns.c. Only
 * what the control code calls is implemented; the model is just enough
 * for the list/show handlers and conf_save.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "fake_target_priv.h"
#include "fcd.h"
#include "backend/backend.h"

static char logbuf[16384];
static char fail_prefix[128];

struct fake_model fake_model;

#define FAKE_ASSOC_ID 0x123456789abc0000ULL

/*
 * Statistics of scale k: 100k commands of which k failed and k aborted,
 * 60 KiB read and 40 KiB written per 100, latencies 98k of 2000 ns (bucket
 * 1920..2047), k of 20000 ns (18432..20479) and k of 1.5 ms (the maximum).
 * So p50 = 1984 and p99 = 19456 (the buckets' middles), and (k = 1) p99.9
 * = 1500000 (the maximum, rank 100 of 100).
 */
static void fake_io_stats(struct tgt_io_stats *st, uint64_t k)
{
	memset(st, 0, sizeof(*st));
	st->cmds = 100 * k;
	st->errors = k;
	st->aborts = k;
	st->read_bytes = 61440 * k;
	st->write_bytes = 40960 * k;
	st->lat.n[fcnvme_hist_index(2000)] = 98 * k;
	st->lat.n[fcnvme_hist_index(20000)] = k;
	st->lat.n[fcnvme_hist_index(1500000)] = k;
	st->lat.sum = (98 * 2000 + 20000 + 1500000) * k; /* the values above */
	st->lat_max_ns = k ? 1500000 : 0;
}

static int dummy_tgt;

struct tgt *fake_tgt(void)
{
	return (struct tgt *)&dummy_tgt;
}

void fake_reset(void)
{
	int i;

	for (i = 0; i < fake_model.nr_ns; i++)
		if (fake_model.ns[i].be)
			backend_ops_for(fake_model.ns[i].backend)->close(fake_model.ns[i].be);
	fake_backend_reset();
	memset(&fake_model, 0, sizeof(fake_model));
	logbuf[0] = '\0';
	fail_prefix[0] = '\0';
}

const char *fake_log(void)
{
	return logbuf;
}

void fake_log_clear(void)
{
	logbuf[0] = '\0';
}

void fake_fail_on(const char *prefix)
{
	snprintf(fail_prefix, sizeof(fail_prefix), "%s", prefix);
}

int fake_call(char *err, size_t errlen, const char *fmt, ...)
{
	char entry[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(entry, sizeof(entry), fmt, ap);
	va_end(ap);
	if (fail_prefix[0] != '\0' && strncmp(entry, fail_prefix, strlen(fail_prefix)) == 0) {
		fail_prefix[0] = '\0';
		if (err != NULL)
			snprintf(err, errlen, "fake failure of %s", entry);
		strncat(logbuf, "FAIL ", sizeof(logbuf) - strlen(logbuf) - 1);
		strncat(logbuf, entry, sizeof(logbuf) - strlen(logbuf) - 1);
		strncat(logbuf, ";", sizeof(logbuf) - strlen(logbuf) - 1);
		return -EIO;
	}
	strncat(logbuf, entry, sizeof(logbuf) - strlen(logbuf) - 1);
	strncat(logbuf, ";", sizeof(logbuf) - strlen(logbuf) - 1);
	return 0;
}

int tgt_subsys_add(struct tgt *t, const struct tgt_subsys_params *p, char *err, size_t errlen)
{
	int rc = fake_call(err, errlen, "subsys_add %s", p->nqn);

	(void)t;
	if (rc == 0)
		snprintf(fake_model.subsys[fake_model.nr_subsys++], TGT_NQN_SIZE, "%s", p->nqn);
	return rc;
}

int tgt_discovery_nqn_set(struct tgt *t, const char *nqn, char *err, size_t errlen)
{
	(void)t;
	return fake_call(err, errlen, "disc_nqn %s", nqn && nqn[0] ? nqn : "-");
}

int tgt_subsys_del(struct tgt *t, const char *nqn, char *err, size_t errlen)
{
	int rc = fake_call(err, errlen, "subsys_del %s", nqn), i;

	(void)t;
	for (i = 0; rc == 0 && i < fake_model.nr_subsys; i++)
		if (strcmp(fake_model.subsys[i], nqn) == 0) {
			memmove(&fake_model.subsys[i], &fake_model.subsys[i + 1],
				(size_t)(fake_model.nr_subsys - i - 1) * TGT_NQN_SIZE);
			fake_model.nr_subsys--;
		}
	/* its namespaces go with it, as the core's do */
	for (i = 0; rc == 0 && i < fake_model.nr_ns;)
		if (strcmp(fake_model.ns[i].nqn, nqn) == 0)
			fake_ns_drop(i);
		else
			i++;
	return rc;
}

int tgt_subsys_set(struct tgt *t, const struct tgt_subsys_params *p, uint32_t mask, char *err,
		   size_t errlen)
{
	(void)t;
	return fake_call(err, errlen, "subsys_set %s 0x%x", p->nqn, mask);
}

int tgt_subsys_allow_host(struct tgt *t, const char *nqn, const char *hostnqn, char *err,
			  size_t errlen)
{
	(void)t;
	return fake_call(err, errlen, "allow_host %s %s", nqn, hostnqn);
}

int tgt_subsys_disallow_host(struct tgt *t, const char *nqn, const char *hostnqn, char *err,
			     size_t errlen)
{
	(void)t;
	return fake_call(err, errlen, "disallow_host %s %s", nqn, hostnqn);
}

/* DH-HMAC-CHAP keys: recorded by host (and whether two-way), never the key */
int tgt_subsys_set_dhchap(struct tgt *t, const char *nqn, const char *hostnqn, const char *key,
			  const char *ctrl_key, const struct tgt_auth_policy *pol, char *err,
			  size_t errlen)
{
	(void)t;
	return fake_call(err, errlen, "dhchap_set %s %s%s%s", nqn, hostnqn,
			 !key	    ? " none"
			 : ctrl_key ? " bidi"
				    : "",
			 pol && (pol->nhash || pol->ndh) ? " policy" : "");
}

int tgt_set_dhchap_policy(struct tgt *t, const struct tgt_auth_policy *p)
{
	(void)t;
	return fake_call(NULL, 0, "dhchap_policy %u hashes %u groups", p ? p->nhash : 0U,
			 p ? p->ndh : 0U);
}

void tgt_subsys_clear_dhchap(struct tgt *t, const char *nqn)
{
	(void)t;
	fake_call(NULL, 0, "dhchap_clear %s", nqn);
}

int tgt_subsys_allow_wwpn(struct tgt *t, const char *nqn, uint64_t wwpn, char *err, size_t errlen)
{
	(void)t;
	return fake_call(err, errlen, "allow_wwpn %s 0x%016llx", nqn, (unsigned long long)wwpn);
}

int tgt_subsys_disallow_wwpn(struct tgt *t, const char *nqn, uint64_t wwpn, char *err,
			     size_t errlen)
{
	(void)t;
	return fake_call(err, errlen, "disallow_wwpn %s 0x%016llx", nqn, (unsigned long long)wwpn);
}

int tgt_subsys_export(struct tgt *t, const char *nqn, uint16_t portid, char *err, size_t errlen)
{
	(void)t;
	return fake_call(err, errlen, "export %s %u", nqn, portid);
}

int tgt_subsys_unexport(struct tgt *t, const char *nqn, uint16_t portid, char *err, size_t errlen)
{
	(void)t;
	return fake_call(err, errlen, "unexport %s %u", nqn, portid);
}

int tgt_ana_group_add(struct tgt *t, uint32_t grpid, char *err, size_t errlen)
{
	(void)t;
	return fake_call(err, errlen, "ana_add %u", grpid);
}

int tgt_ana_group_del(struct tgt *t, uint32_t grpid, char *err, size_t errlen)
{
	(void)t;
	return fake_call(err, errlen, "ana_del %u", grpid);
}

int tgt_ana_set_state(struct tgt *t, uint32_t grpid, uint16_t portid, uint8_t state, char *err,
		      size_t errlen)
{
	(void)t;
	return fake_call(err, errlen, "ana_state %u %u %u", grpid, portid, state);
}

static int referral_call(const char *op, const struct tgt_referral_params *p, char *err,
			 size_t errlen)
{
	char ports[128] = "";
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < p->nr_ports && n < sizeof(ports); i++)
		n += (size_t)snprintf(ports + n, sizeof(ports) - n, "%s%u", i ? "," : "",
				      p->ports[i]);
	return fake_call(err, errlen, "%s %s 0x%016llx 0x%016llx %u %s %u%s", op, p->name,
			 (unsigned long long)p->node_name, (unsigned long long)p->port_name,
			 p->portid, ports, p->nr_hosts, p->treq ? " treq" : "");
}

int tgt_referral_add(struct tgt *t, const struct tgt_referral_params *p, char *err, size_t errlen)
{
	(void)t;
	return referral_call("referral_add", p, err, errlen);
}

int tgt_referral_set(struct tgt *t, const struct tgt_referral_params *p, char *err, size_t errlen)
{
	(void)t;
	return referral_call("referral_set", p, err, errlen);
}

int tgt_referral_del(struct tgt *t, const char *name, char *err, size_t errlen)
{
	(void)t;
	return fake_call(err, errlen, "referral_del %s", name);
}

int tgt_subsys_foreach(struct tgt *t, int (*cb)(const struct tgt_subsys_info *, void *), void *arg)
{
	static const char *const hosts[] = { "nqn.2026-11.io.x:h1" };
	static const uint16_t portids[] = { 1 };
	struct tgt_subsys_info si;
	int i, rc;

	(void)t;
	for (i = 0; i < fake_model.nr_subsys; i++) {
		memset(&si, 0, sizeof(si));
		si.nqn = fake_model.subsys[i];
		si.serial = "SERIAL";
		si.model = "nvmetfcd";
		si.firmware = "1.0";
		si.hosts = hosts;
		si.nr_hosts = 1;
		si.portids = portids;
		si.nr_ports = 1;
		/* the fake association belongs to subsystem "a" */
		fake_io_stats(&si.stats, strcmp(si.nqn, "nqn.2026-11.io.x:a") == 0);
		rc = cb(&si, arg);
		if (rc)
			return rc;
	}
	return 0;
}

int tgt_ctrl_foreach(struct tgt *t, int (*cb)(const struct tgt_ctrl_info *, void *), void *arg)
{
	struct tgt_ctrl_info ci = {
		.subnqn = "nqn.2026-11.io.x:a",
		.hostnqn = "nqn.2026-11.io.x:h1",
		.cntlid = 1,
		.portid = 1,
		.host_wwpn = 0x10000090fa0000aaULL,
		.association_id = FAKE_ASSOC_ID,
		.kato_ms = 5000,
		.nr_io_queues = 2,
	};

	(void)t;
	fake_io_stats(&ci.stats, 1);
	return fake_model.nr_subsys > 0 && !fake_model.assoc_deleted ? cb(&ci, arg) : 0;
}

int tgt_ctrl_delete(struct tgt *t, uint64_t association_id, char *err, size_t errlen)
{
	(void)t;
	if (fake_model.nr_subsys == 0 || fake_model.assoc_deleted ||
	    association_id != FAKE_ASSOC_ID) {
		snprintf(err, errlen, "no association 0x%016llx",
			 (unsigned long long)association_id);
		return -ENOENT;
	}
	fake_model.assoc_deleted = true;
	return fake_call(err, errlen, "ctrl_delete 0x%016llx", (unsigned long long)association_id);
}

int tgt_port_stats(struct tgt *t, uint16_t portid, struct tgt_io_stats *out)
{
	(void)t;
	fake_io_stats(out, portid == 1 ? 2 : 0);
	return 0;
}
