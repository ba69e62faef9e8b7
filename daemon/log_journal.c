// SPDX-License-Identifier: Apache-2.0
/*
 * The logger's journal sink (see log_journal.h): the fields of one entry, and
 * whether a descriptor is the journal's stream ($JOURNAL_STREAM, described
 * in systemd.exec(5)).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <systemd/sd-journal.h>

#include "log_journal.h"

#define LJ_MAX_FIELDS 7

struct lj_entry {
	struct iovec iov[LJ_MAX_FIELDS];
	char buf[LJ_MAX_FIELDS][1100];
	int n;
};

static void lj_add(struct lj_entry *e, const char *key, const char *val)
{
	int len;

	if (!val || !*val || e->n >= LJ_MAX_FIELDS)
		return;
	len = snprintf(e->buf[e->n], sizeof(e->buf[0]), "%s=%s", key, val);
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(e->buf[0]))
		len = (int)sizeof(e->buf[0]) - 1;
	e->iov[e->n].iov_base = e->buf[e->n];
	e->iov[e->n].iov_len = (size_t)len;
	e->n++;
}

static int lj_sd_send(const struct iovec *iov, int n)
{
	return sd_journal_sendv(iov, n);
}

int log_journal_send(log_journal_fn fn, int pri, const struct log_fields *f, const char *msg)
{
	static struct lj_entry e; /* control thread only; too big for a stack frame */
	char num[24];

	e.n = 0;
	lj_add(&e, "MESSAGE", msg);
	snprintf(num, sizeof(num), "%d", pri);
	lj_add(&e, "PRIORITY", num);
	lj_add(&e, "SYSLOG_IDENTIFIER", "nvmetfcd");
	if (f) {
		lj_add(&e, "PORT", f->port);
		lj_add(&e, "SUBSYS_NQN", f->subsys_nqn);
		lj_add(&e, "HOST_NQN", f->host_nqn);
		if (f->host_wwpn) {
			snprintf(num, sizeof(num), "0x%016" PRIx64, f->host_wwpn);
			lj_add(&e, "HOST_WWPN", num);
		}
	}
	return (fn ? fn : lj_sd_send)(e.iov, e.n);
}

bool log_journal_stream(int fd)
{
	const char *v = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!v || sscanf(v, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(fd, &st))
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}
