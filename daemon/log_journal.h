/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The logger's journal sink: one structured entry per message, sent with
 * libsystemd's sd_journal_sendv (systemd.journal-fields(7)): MESSAGE=,
 * PRIORITY=, SYSLOG_IDENTIFIER=nvmetfcd and, when the event has them,
 * PORT=, SUBSYS_NQN=, HOST_NQN=, HOST_WWPN=0x... so that, for example,
 * `journalctl SUBSYS_NQN=nqn...` filters. The send function is injectable
 * (tests have no journald). Control thread only.
 */
#ifndef LOG_JOURNAL_H
#define LOG_JOURNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

/* The facts of an event that journal fields carry; NULL or "" (0 for the
 * WWPN) means absent. */
struct log_fields {
	const char *port;
	const char *subsys_nqn;
	const char *host_nqn;
	uint64_t host_wwpn;
};

/* Where entries go: sd_journal_sendv's signature; 0 or -errno. */
typedef int (*log_journal_fn)(const struct iovec *iov, int n);

/* Send one entry through fn (NULL: sd_journal_sendv). 0 or -errno. */
int log_journal_send(log_journal_fn fn, int pri, const struct log_fields *f, const char *msg);
/* True if fd is the journal's stream: $JOURNAL_STREAM ("DEV:INO", set by
 * systemd for a service whose output goes to the journal) names the
 * device and inode fstat(2) gives for fd. */
bool log_journal_stream(int fd);

#endif /* LOG_JOURNAL_H */
