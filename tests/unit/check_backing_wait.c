// SPDX-License-Identifier: Apache-2.0
/*
 * Check suite for the start's wait for backing files (daemon/backing_wait.c)
 * on a real event loop: no wait without the setting, or when every file
 * exists, or for a namespace that creates its file; a file that appears
 * while it waits ends the wait; one that does not come ends it at the
 * bound, a stop at once (-EINTR). The daemon's own start, log lines and
 * sd_notify messages: tests/integration/backing_wait.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include <fcnvme/clock.h>

#include "backing_wait.h"
#include "conf/conf.h"
#include "fcd.h"
#include "suites_control.h"

static struct fcd d;
static char dir[64], path[128];

/* A configuration of one subsystem whose file namespace 1 is at path
 * (create: it makes its file), waiting up to wait_ms. */
static struct conf *conf_with(uint32_t wait_ms, bool create)
{
	struct conf *c = conf_new();

	ck_assert_ptr_nonnull(c);
	c->backing_wait_ms = wait_ms;
	c->subsys = calloc(1, sizeof(*c->subsys));
	ck_assert_ptr_nonnull(c->subsys);
	c->nr_subsys = 1;
	snprintf(c->subsys[0].nqn, sizeof(c->subsys[0].nqn), "nqn.2026-12.io.x:wait");
	c->subsys[0].ns = calloc(1, sizeof(*c->subsys[0].ns));
	ck_assert_ptr_nonnull(c->subsys[0].ns);
	c->subsys[0].nr_ns = 1;
	c->subsys[0].ns[0].nsid = 1;
	c->subsys[0].ns[0].backend = TGT_BACKEND_FILE;
	c->subsys[0].ns[0].path = strdup(path);
	ck_assert_ptr_nonnull(c->subsys[0].ns[0].path);
	c->subsys[0].ns[0].create = create;
	return c;
}

static void setup(void)
{
	memset(&d, 0, sizeof(d));
	d.base = event_base_new();
	ck_assert_ptr_nonnull(d.base);
	snprintf(dir, sizeof(dir), "/tmp/backing_wait.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/lun1", dir);
}

static void teardown(void)
{
	unlink(path);
	rmdir(dir);
	event_base_free(d.base);
}

/* Elapsed ms of backing_wait(c) into *ms; its result. */
static int timed_wait(const struct conf *c, uint64_t *ms)
{
	uint64_t t0 = fcnvme_clock_ms();
	int rc = backing_wait(&d, c);

	*ms = fcnvme_clock_ms() - t0;
	return rc;
}

static void make_file(evutil_socket_t fd, short what, void *arg)
{
	int f = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);

	(void)fd;
	(void)what;
	(void)arg;
	ck_assert_int_ge(f, 0);
	close(f);
}

static void stop(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	d.stopping = true;
}

/* One-shot callback cb after ms on d's loop. */
static struct event *after(unsigned int ms, event_callback_fn cb)
{
	struct timeval tv = { 0, (suseconds_t)ms * 1000 };
	struct event *ev = evtimer_new(d.base, cb, NULL);

	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(evtimer_add(ev, &tv), 0);
	return ev;
}

START_TEST(no_wait_when_nothing_to_wait_for)
{
	struct conf *c = conf_with(0, false);
	uint64_t ms;

	ck_assert_int_eq(timed_wait(c, &ms), 0); /* not asked */
	ck_assert_uint_lt(ms, 50);
	c->backing_wait_ms = 5000;
	c->subsys[0].ns[0].create = true; /* it makes its file */
	ck_assert_int_eq(timed_wait(c, &ms), 0);
	ck_assert_uint_lt(ms, 50);
	c->subsys[0].ns[0].create = false;
	c->subsys[0].ns[0].backend = TGT_BACKEND_RAM;
	ck_assert_int_eq(timed_wait(c, &ms), 0);
	ck_assert_uint_lt(ms, 50);
	c->subsys[0].ns[0].backend = TGT_BACKEND_FILE;
	make_file(-1, 0, NULL); /* it exists */
	ck_assert_int_eq(timed_wait(c, &ms), 0);
	ck_assert_uint_lt(ms, 50);
	conf_free(c);
}
END_TEST

START_TEST(file_appears_while_it_waits)
{
	struct conf *c = conf_with(5000, false);
	struct event *ev = after(300, make_file);
	uint64_t ms;

	ck_assert_int_eq(timed_wait(c, &ms), 0);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_uint_ge(ms, 250); /* the timer, give or take the loop's clock */
	ck_assert_uint_lt(ms, 2000);
	event_free(ev);
	conf_free(c);
}
END_TEST

START_TEST(file_never_comes)
{
	struct conf *c = conf_with(400, false);
	uint64_t ms;

	ck_assert_int_eq(timed_wait(c, &ms), 0); /* the start then fails on it */
	ck_assert_uint_ge(ms, 400);
	ck_assert_uint_lt(ms, 2000);
	ck_assert_int_ne(access(path, F_OK), 0);
	conf_free(c);
}
END_TEST

START_TEST(stop_ends_the_wait)
{
	struct conf *c = conf_with(60000, false);
	struct event *ev = after(200, stop);
	uint64_t ms;

	ck_assert_int_eq(timed_wait(c, &ms), -EINTR);
	ck_assert_uint_ge(ms, 150);
	ck_assert_uint_lt(ms, 2000);
	event_free(ev);
	conf_free(c);
}
END_TEST

Suite *backing_wait_suite(void)
{
	Suite *s = suite_create("backing_wait");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, no_wait_when_nothing_to_wait_for);
	tcase_add_test(tc, file_appears_while_it_waits);
	tcase_add_test(tc, file_never_comes);
	tcase_add_test(tc, stop_ends_the_wait);
	suite_add_tcase(s, tc);
	return s;
}
