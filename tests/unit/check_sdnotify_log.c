// SPDX-License-Identifier: Apache-2.0
/*
 * sd_notify helpers and the logger: the exact datagrams systemd receives on
 * NOTIFY_SOCKET (READY, RELOADING with MONOTONIC_USEC, STOPPING, STATUS,
 * WATCHDOG, EXTEND_TIMEOUT_USEC), the watchdog interval from the
 * environment, its raise around a bounded wait (WATCHDOG_USEC=) and its
 * restore at the next ping, and the logger's "<N>" lines, verbosity filter
 * and errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "log.h"
#include "sdnotify.h"
#include "stderr_capture.h"
#include "suites_control.h"

static int nfd = -1;
static char npath[64];

static void notify_setup(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	snprintf(npath, sizeof(npath), "/tmp/check_notify.%d", (int)getpid());
	unlink(npath);
	strcpy(sun.sun_path, npath);
	nfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(nfd, 0);
	ck_assert_int_eq(bind(nfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	setenv("NOTIFY_SOCKET", npath, 1);
}

static void notify_teardown(void)
{
	unsetenv("NOTIFY_SOCKET");
	close(nfd);
	unlink(npath);
}

static const char *next(void)
{
	static char buf[512];
	ssize_t n = recv(nfd, buf, sizeof(buf) - 1, 0);

	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	return buf;
}

START_TEST(notify_messages)
{
	struct timespec ts;
	unsigned long long before, usec = 0;
	const char *m;

	sdnotify_ready();
	ck_assert_str_eq(next(), "READY=1");
	clock_gettime(CLOCK_MONOTONIC, &ts);
	before = (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000;
	sdnotify_reloading();
	m = next();
	ck_assert_int_eq(strncmp(m, "RELOADING=1\nMONOTONIC_USEC=", 27), 0);
	usec = strtoull(m + 27, NULL, 10);
	ck_assert_uint_ge(usec, before);
	ck_assert_uint_lt(usec, before + 10000000ULL);
	sdnotify_stopping();
	ck_assert_str_eq(next(), "STOPPING=1");
	sdnotify_status("serving: %u port(s)", 2u);
	ck_assert_str_eq(next(), "STATUS=serving: 2 port(s)");
	sdnotify_watchdog();
	ck_assert_str_eq(next(), "WATCHDOG=1");
	sdnotify_extend_timeout(5000000);
	ck_assert_str_eq(next(), "EXTEND_TIMEOUT_USEC=5000000");
}
END_TEST

START_TEST(watchdog_interval)
{
	char pid[32];

	unsetenv("WATCHDOG_USEC");
	ck_assert_uint_eq(sdnotify_watchdog_usec(), 0);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	setenv("WATCHDOG_USEC", "30000000", 1);
	ck_assert_uint_eq(sdnotify_watchdog_usec(), 30000000);
	setenv("WATCHDOG_PID", "1", 1); /* meant for another process */
	ck_assert_uint_eq(sdnotify_watchdog_usec(), 0);
	unsetenv("WATCHDOG_PID");
	unsetenv("WATCHDOG_USEC");
}
END_TEST

static void silent(void)
{
	ck_assert_int_eq(recv(nfd, (char[8]){ 0 }, 8, 0), -1);
	ck_assert_int_eq(errno, EAGAIN);
}

/* WATCHDOG_USEC=N: N, within [lo, lo + 100 ms) */
static unsigned long long raised(unsigned long long lo)
{
	const char *m = next();
	unsigned long long v;

	ck_assert_msg(!strncmp(m, "WATCHDOG_USEC=", 14), "got %s", m);
	v = strtoull(m + 14, NULL, 10);
	ck_assert_uint_ge(v, lo);
	ck_assert_uint_lt(v, lo + 100000);
	return v;
}

static void *wait_elsewhere(void *arg)
{
	(void)arg;
	sdnotify_wait_begin(10000000);
	sdnotify_wait_end();
	return NULL;
}

static void watchdog_on(void)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	setenv("WATCHDOG_USEC", "2000000", 1);
	ck_assert_uint_eq(sdnotify_watchdog_usec(), 2000000);
}

/* A wait of up to 3 s raises a 2 s watchdog to 3 + 2 s past the last ping;
 * a shorter nested wait leaves it; the next ping after the last wait puts
 * 2 s back, once; a later wait with no ping since counts the time gone
 * too; another thread's wait does nothing. */
START_TEST(watchdog_wait)
{
	unsigned long long first, second;
	pthread_t t;

	watchdog_on();
	sdnotify_watchdog();
	ck_assert_str_eq(next(), "WATCHDOG=1");
	sdnotify_wait_begin(3000000);
	first = raised(5000000);
	sdnotify_wait_begin(1000000);
	sdnotify_wait_end();
	silent();
	sdnotify_wait_end();
	silent();
	sdnotify_watchdog();
	ck_assert_str_eq(next(), "WATCHDOG=1\nWATCHDOG_USEC=2000000");
	sdnotify_watchdog();
	ck_assert_str_eq(next(), "WATCHDOG=1");

	sdnotify_wait_begin(3000000);
	first = raised(5000000);
	sdnotify_wait_end();
	usleep(200000);
	sdnotify_wait_begin(3000000);
	second = raised(first + 200000);
	sdnotify_wait_end();
	/* still waiting: the ping does not put the interval back */
	sdnotify_wait_begin(1000000);
	sdnotify_watchdog();
	ck_assert_str_eq(next(), "WATCHDOG=1");
	sdnotify_wait_end();
	sdnotify_watchdog();
	ck_assert_str_eq(next(), "WATCHDOG=1\nWATCHDOG_USEC=2000000");
	ck_assert_uint_gt(second, first);

	ck_assert_int_eq(pthread_create(&t, NULL, wait_elsewhere, NULL), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	silent();
	unsetenv("WATCHDOG_PID");
	unsetenv("WATCHDOG_USEC");
}
END_TEST

/* Without a watchdog a wait says nothing. */
START_TEST(watchdog_wait_without_watchdog)
{
	unsetenv("WATCHDOG_USEC");
	ck_assert_uint_eq(sdnotify_watchdog_usec(), 0);
	sdnotify_wait_begin(3000000);
	sdnotify_wait_end();
	silent();
}
END_TEST

START_TEST(no_notify_socket_is_silent)
{
	unsetenv("NOTIFY_SOCKET");
	sdnotify_ready(); /* must not crash or block */
	ck_assert_int_eq(recv(nfd, (char[8]){ 0 }, 8, 0), -1);
	ck_assert_int_eq(errno, EAGAIN);
}
END_TEST

static void log_sample(void)
{
	log_init(1, 1);
	errno = ENOENT;
	log_warn("open %s", "x.conf");
	ck_assert_int_eq(errno, ENOENT);
	log_warnx("plain %d", 7);
	log_info("info shown");
	log_debug("debug hidden");
	log_setverbose(2);
	log_debug("debug shown");
	log_setverbose(0);
	log_info("info hidden");
	ck_assert_int_eq(log_getverbose(), 0);
}

START_TEST(log_lines)
{
	ck_assert_str_eq(stderr_capture(log_sample), "<4>open x.conf: No such file or directory\n"
						     "<4>plain 7\n"
						     "<6>info shown\n"
						     "<7>debug shown\n");
}
END_TEST

/* Suite: sd_notify and the logger. */
Suite *sdnotify_log_suite(void)
{
	Suite *s = suite_create("sdnotify_log");
	TCase *tc = tcase_create("notify");

	tcase_add_checked_fixture(tc, notify_setup, notify_teardown);
	tcase_add_test(tc, notify_messages);
	tcase_add_test(tc, watchdog_interval);
	tcase_add_test(tc, watchdog_wait);
	tcase_add_test(tc, watchdog_wait_without_watchdog);
	tcase_add_test(tc, no_notify_socket_is_silent);
	suite_add_tcase(s, tc);
	tc = tcase_create("log");
	tcase_add_test(tc, log_lines);
	suite_add_tcase(s, tc);
	return s;
}
