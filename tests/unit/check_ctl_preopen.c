// SPDX-License-Identifier: Apache-2.0
/*
 * Control requests that wait for backend opens, over the real control
 * server (ctl_server_harness.h) with the real backend_preopen.c and a fake
 * rbd backend whose open waits on a gate the test holds (fake_backend.h):
 * a request that waits for an rbd image to open (on the opening thread) is
 * answered once it is, while other clients are served meanwhile; an open
 * that fails fails it; a client gone meanwhile loses nothing but its
 * answer; an image nobody took is closed on the thread; without the
 * thread the open runs on the caller's. A namespace grow that runs off the
 * control thread (fake_grow_async) holds `namespace resize` and a reload
 * the same way, and each says once what it waits for.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <check.h>
#include <event2/event.h>
#include <linux/netlink.h>

#include <fcnvmectl/ctl_msg.h>

#include "backend/backend.h"
#include "conf/conf.h"
#include "ctl_server_harness.h"
#include "fake_target.h"
#include "fcd.h"
#include "log.h"
#include "log_journal.h"
#include "preopen.h"
#include "suites_control.h"

#define NQN_A "nqn.2026-11.io.x:a"

/* How many logged messages contained logged_word (log_set_journal). */
static const char *logged_word;
static int logged;

static int log_count(const struct iovec *iov, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (memmem(iov[i].iov_base, iov[i].iov_len, logged_word, strlen(logged_word)))
			logged++;
	return 0;
}

/* Count the messages with word from now on, until log_count_stop(). */
static void log_count_start(const char *word)
{
	logged_word = word;
	logged = 0;
	log_set_journal(log_count);
}

static int log_count_stop(void)
{
	log_set_journal(NULL);
	return logged;
}

/* Send `namespace add NQN_A 1 backend rbd cs.path pool/IMAGE` on fd. */
static void cl_send_rbd_add(int fd, const char *image)
{
	struct nl_msg *m = fcnvme_msg_new(FCNVME_CMD_NS_ADD, NLM_F_REQUEST, 91);
	char spec[64];

	snprintf(spec, sizeof(spec), "pool/%s", image);
	ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_NQN, NQN_A), 0);
	ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_BACKEND, "rbd"), 0);
	ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_PATH, spec), 0);
	ck_assert_int_eq(fcnvme_msg_put_u32(m, FCNVME_A_NSID, 1), 0);
	ck_assert_int_eq(send(fd, fcnvme_msg_hdr(m), fcnvme_msg_len(m), MSG_NOSIGNAL),
			 (ssize_t)fcnvme_msg_len(m));
	fcnvme_msg_free(m);
}

/* The answer to the request on fd, running the server for up to ms: 0
 * (done; *nsid from its data message, unless nsid is NULL), the error
 * (text in why), or -EAGAIN when none came. */
static int cl_answer(int fd, int ms, uint32_t *nsid, char *why, size_t whylen)
{
	uint64_t buf[FCNVME_CTL_MSG_MAX / 8 + 1];
	struct fcnvme_msg msg;
	char bad[256];
	ssize_t n;
	int i;

	for (i = 0; i <= ms; i++) {
		event_base_loop(cs.d.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			ck_assert(errno == EAGAIN || errno == EWOULDBLOCK);
			usleep(1000);
			continue;
		}
		ck_assert_int_gt(n, 0);
		ck_assert_int_eq(fcnvme_msg_validate(buf, (size_t)n, FCNVME_MSG_REPLY, &msg, bad,
						     sizeof(bad)),
				 0);
		if (msg.type == NLMSG_DONE)
			return 0;
		if (msg.type == NLMSG_ERROR) {
			const char *t = fcnvme_msg_get_str(&msg, FCNVME_A_ERRMSG);

			snprintf(why, whylen, "%s", t ? t : "");
			return msg.error;
		}
		if (nsid != NULL)
			ck_assert_int_eq(fcnvme_msg_get_u32(&msg, FCNVME_A_NSID, nsid), 0);
	}
	return -EAGAIN;
}

/* Run the server until the opening thread has finished its jobs and
 * been reaped (its waiters resumed). */
static void serve_until_opened(unsigned int opens, unsigned int closes)
{
	int i;

	for (i = 0; i < 5000; i++) {
		struct fake_rbd_counts c = fake_rbd_counts();

		event_base_loop(cs.d.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		if (c.opens >= opens && c.closes >= closes && !backend_preopen_busy() &&
		    cs.d.preopen_waiters == NULL)
			return;
		usleep(1000);
	}
	ck_abort_msg("the opening thread did not finish");
}

/* The tests of the opening thread: the server's fixture, the thread's
 * eventfd watched, and a gate the fake rbd open waits on (gate[1] opens
 * it, one byte per open). */
static int gate[2] = { -1, -1 };

static void preopen_setup(void)
{
	cs_setup();
	ck_assert_int_eq(pipe(gate), 0);
	ck_assert_int_eq(preopen_init(&cs.d), 0);
}

static void preopen_teardown(void)
{
	preopen_exit(&cs.d);
	close(gate[0]);
	close(gate[1]);
	cs_teardown();
}

static const struct conf_ns *ns_of_a(uint32_t nsid)
{
	return conf_ns_find(conf_subsys_find(cs.d.conf, NQN_A), nsid);
}

/* While an rbd image opens, the control thread serves: a `namespace add`
 * of one waits for it on the opening thread, another client's request is
 * answered meanwhile, and the add is answered once the image is open,
 * with the namespace added on the image opened there (none on the
 * control thread). */
START_TEST(rbd_open_off_the_control_thread)
{
	char why[512] = "";
	uint32_t nsid = 0;
	struct fake_rbd_counts c;
	uint64_t opened = backend_preopen_count();
	int a, b;

	fake_rbd_set(gate[0], 0);
	a = cs_connect();
	b = cs_connect();
	cl_send_rbd_add(a, "img");
	/* the image is not open (the gate holds it): no answer on a, ... */
	ck_assert_int_eq(cl_answer(a, 200, &nsid, why, sizeof(why)), -EAGAIN);
	/* ... while b is served */
	ck_assert_int_eq(cs_version(b), 0);
	ck_assert_int_eq(cs_version(b), 0);
	ck_assert_ptr_null(ns_of_a(1));
	ck_assert_uint_eq(fake_rbd_counts().opens, 1);
	ck_assert_int_eq(write(gate[1], "x", 1), 1);
	ck_assert_int_eq(cl_answer(a, 5000, &nsid, why, sizeof(why)), 0);
	ck_assert_uint_eq(nsid, 1);
	ck_assert_ptr_nonnull(ns_of_a(1));
	ck_assert_int_eq(ns_of_a(1)->backend, TGT_BACKEND_RBD);
	ck_assert_str_eq(ns_of_a(1)->rbd.image, "img");
	c = fake_rbd_counts();
	ck_assert_uint_eq(c.opens, 1);
	ck_assert_uint_eq(c.opens_on_ctl, 0);
	ck_assert_uint_eq(c.closes, 0);
	ck_assert_uint_eq(backend_preopen_count(), opened + 1);
	/* the connection reads requests again */
	ck_assert_int_eq(cs_version(a), 0);
	close(a);
	close(b);
}
END_TEST

/* An open that fails on the opening thread fails the request with its
 * reason, and nothing is added. */
START_TEST(rbd_open_fails_off_the_control_thread)
{
	char why[512] = "";
	uint32_t nsid = 0;
	int a;

	fake_rbd_set(-1, -ENOENT);
	a = cs_connect();
	cl_send_rbd_add(a, "gone");
	ck_assert_int_eq(cl_answer(a, 5000, &nsid, why, sizeof(why)), -ENOENT);
	ck_assert_str_eq(why, "cannot open rbd image pool/gone: No such file or directory");
	ck_assert_ptr_null(ns_of_a(1));
	ck_assert_uint_eq(fake_rbd_counts().opens, 1);
	ck_assert_uint_eq(fake_rbd_counts().opens_on_ctl, 0);
	close(a);
}
END_TEST

/* A client that goes away while its image opens: its request runs all
 * the same (as one that did not wait would have), the server drops the
 * connection and goes on. */
START_TEST(rbd_open_client_gone)
{
	int a, b;

	fake_rbd_set(gate[0], 0);
	a = cs_connect();
	cl_send_rbd_add(a, "img");
	ck_assert(!cs_closed(a)); /* runs the server: the request waits */
	close(a);
	ck_assert_int_eq(write(gate[1], "x", 1), 1);
	serve_until_opened(1, 0);
	ck_assert_ptr_nonnull(ns_of_a(1));
	ck_assert_uint_eq(fake_rbd_counts().opens_on_ctl, 0);
	b = cs_connect();
	ck_assert_int_eq(cs_version(b), 0);
	close(b);
}
END_TEST

/* An image opened ahead that nobody takes (the request that asked for it
 * changed its mind, or failed before its add) is kept over one tick for a
 * caller that runs again, then closed on the opening thread; one taken is
 * not closed by the ticks. */
START_TEST(rbd_open_nobody_took)
{
	struct tgt_ns_params p = { .nsid = 1, .backend = TGT_BACKEND_RBD, .size = 1 << 20 };
	struct backend *be = NULL;
	char err[256] = "";
	uint64_t size = 0;
	int rc = -1;

	snprintf(p.rbd.pool, sizeof(p.rbd.pool), "pool");
	snprintf(p.rbd.image, sizeof(p.rbd.image), "left");
	ck_assert_int_eq(backend_preopen_want(&p), 1);
	ck_assert_int_eq(backend_preopen_want(&p), 1); /* queued once */
	ck_assert_int_eq(backend_preopen_start(), 1);
	serve_until_opened(1, 0);
	preopen_tick(&cs.d);			       /* kept: its caller runs again at once */
	ck_assert_int_eq(backend_preopen_want(&p), 0); /* open: add it now */
	preopen_tick(&cs.d);			       /* kept by that want(), for one tick more */
	ck_assert_int_eq(backend_preopen_start(), 0);  /* no close queued */
	ck_assert_uint_eq(fake_rbd_counts().closes, 0);
	preopen_tick(&cs.d);
	serve_until_opened(1, 1);
	ck_assert_uint_eq(fake_rbd_counts().closes, 1);
	ck_assert(!backend_preopen_take(&p, &be, &size, &rc, err, sizeof(err)));
	/* opened again and taken: the ticks leave it alone */
	ck_assert_int_eq(backend_preopen_want(&p), 1);
	ck_assert_int_eq(backend_preopen_start(), 1);
	serve_until_opened(2, 1);
	ck_assert(backend_preopen_take(&p, &be, &size, &rc, err, sizeof(err)));
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(size, 1 << 20);
	preopen_tick(&cs.d);
	preopen_tick(&cs.d);
	preopen_tick(&cs.d);
	ck_assert_uint_eq(fake_rbd_counts().closes, 1);
	backend_ops_for(TGT_BACKEND_RBD)->close(be);
	ck_assert_uint_eq(fake_rbd_counts().opens_on_ctl, 0);
}
END_TEST

/* Without the opening thread (tools, tests, start-up) an rbd namespace
 * opens on the calling thread, at once. */
START_TEST(rbd_open_without_the_thread)
{
	char why[512] = "";
	uint32_t nsid = 0;
	int a = cs_connect();

	cl_send_rbd_add(a, "img");
	ck_assert_int_eq(cl_answer(a, 5000, &nsid, why, sizeof(why)), 0);
	ck_assert_ptr_nonnull(ns_of_a(1));
	ck_assert_uint_eq(fake_rbd_counts().opens_on_ctl, 1);
	close(a);
}
END_TEST

/* An rbd backend's close (it may wait on the cluster as its open does)
 * runs on the opening thread when there is one, else at once. */
static struct backend *fake_rbd_open(void)
{
	struct tgt_ns_params p = { .backend = TGT_BACKEND_RBD, .size = 1 << 20 };
	struct backend *be = NULL;
	uint64_t size = 0;
	char err[128];

	ck_assert_int_eq(backend_ops_for(TGT_BACKEND_RBD)->open(&p, &be, &size, err, sizeof(err)),
			 0);
	return be;
}

START_TEST(rbd_close_without_the_thread)
{
	backend_preopen_close(backend_ops_for(TGT_BACKEND_RBD), fake_rbd_open());
	ck_assert_uint_eq(fake_rbd_counts().closes, 1);
	ck_assert_uint_eq(fake_rbd_counts().closes_on_ctl, 1);
}
END_TEST

START_TEST(rbd_close_off_the_control_thread)
{
	struct pollfd pfd = { .fd = backend_preopen_fd(), .events = POLLIN };

	backend_preopen_close(backend_ops_for(TGT_BACKEND_RBD), fake_rbd_open());
	ck_assert(backend_preopen_busy());
	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
	ck_assert(backend_preopen_reap());
	ck_assert_uint_eq(fake_rbd_counts().closes, 1);
	ck_assert_uint_eq(fake_rbd_counts().closes_on_ctl, 0);
	ck_assert(!backend_preopen_busy());
}
END_TEST

/* Suite: control requests that wait for backend opens. */
/* Send a request with NQN_A and the u32 NSID 1 (nsid) or the PATH path
 * (a reload), a u64 SIZE (size != 0) and a BACKEND (backend) on fd. */
static void cl_send_ns(int fd, int cmd, const char *backend, uint64_t size, const char *path)
{
	struct nl_msg *m = fcnvme_msg_new(cmd, NLM_F_REQUEST, 92);

	if (path != NULL) {
		ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_PATH, path), 0);
	} else {
		ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_NQN, NQN_A), 0);
		ck_assert_int_eq(fcnvme_msg_put_u32(m, FCNVME_A_NSID, 1), 0);
	}
	if (backend != NULL)
		ck_assert_int_eq(fcnvme_msg_put_str(m, FCNVME_A_BACKEND, backend), 0);
	if (size != 0)
		ck_assert_int_eq(fcnvme_msg_put_u64(m, FCNVME_A_SIZE, size), 0);
	ck_assert_int_eq(send(fd, fcnvme_msg_hdr(m), fcnvme_msg_len(m), MSG_NOSIGNAL),
			 (ssize_t)fcnvme_msg_len(m));
	fcnvme_msg_free(m);
}

/* A grow that runs off the control thread (an rbd image's): `namespace
 * resize` waits for it without holding the server (another client is
 * answered), runs again at each wake-up and waits again while the grow
 * is under way, and is answered once it is done, the namespace grown. */
START_TEST(rbd_grow_off_the_control_thread)
{
	char why[512] = "";
	uint32_t nsid = 0;
	int a, b;

	a = cs_connect();
	b = cs_connect();
	cl_send_ns(a, FCNVME_CMD_NS_ADD, "ram", 1 << 20, NULL);
	ck_assert_int_eq(cl_answer(a, 2000, &nsid, why, sizeof(why)), 0);
	ck_assert_uint_eq(nsid, 1);
	fake_grow_async(true);
	fake_log_clear();
	log_count_start("growing");
	cl_send_ns(a, FCNVME_CMD_NS_RESIZE, NULL, 2 << 20, NULL);
	ck_assert_int_eq(cl_answer(a, 200, &nsid, why, sizeof(why)), -EAGAIN);
	ck_assert_int_eq(cs_version(b), 0);
	ck_assert_str_eq(fake_log(), "ns_resize_wait nqn.2026-11.io.x:a 1 2097152;");
	ck_assert_uint_eq(ns_of_a(1)->size, 1 << 20);
	/* woken while the grow is still under way: it runs and waits again */
	preopen_wake(&cs.d);
	preopen_tick(&cs.d);
	ck_assert_int_eq(cl_answer(a, 200, &nsid, why, sizeof(why)), -EAGAIN);
	ck_assert_str_eq(fake_log(), "ns_resize_wait nqn.2026-11.io.x:a 1 2097152;"
				     "ns_resize_wait nqn.2026-11.io.x:a 1 2097152;");
	/* the grow is done: the next wake-up answers it */
	fake_grow_async(false);
	ck_assert_int_eq(cl_answer(a, 200, &nsid, why, sizeof(why)), -EAGAIN);
	preopen_wake(&cs.d);
	preopen_tick(&cs.d);
	ck_assert_int_eq(cl_answer(a, 2000, &nsid, why, sizeof(why)), 0);
	ck_assert_str_eq(fake_log(), "ns_resize_wait nqn.2026-11.io.x:a 1 2097152;"
				     "ns_resize_wait nqn.2026-11.io.x:a 1 2097152;"
				     "ns_resize nqn.2026-11.io.x:a 1 2097152;");
	ck_assert_int_eq(log_count_stop(), 1); /* said when it started, not again */
	ck_assert_uint_eq(ns_of_a(1)->size, 2 << 20);
	ck_assert_ptr_null(cs.d.preopen_waiters);
	ck_assert_int_eq(cs_version(a), 0);
	close(a);
	close(b);
}
END_TEST

/* Write a configuration of subsystem NQN_A with namespaces (the list's
 * entries, libconfig) to path. */
static void conf_with_ns(const char *path, const char *namespaces)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f,
		"ports = ( { name = \"p0\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";"
		" wwpn = \"0x10000090fa000001\"; } );\n"
		"subsystems = ( { nqn = \"" NQN_A "\"; ports = [ \"p0\" ];\n"
		"  namespaces = ( %s ); } );\n",
		namespaces);
	ck_assert_int_eq(fclose(f), 0);
}

/* ... with a RAM namespace 1 of size bytes. */
static void conf_with_ram_ns(const char *path, unsigned long size)
{
	char ns[128];

	snprintf(ns, sizeof(ns), "{ nsid = 1; backend = \"ram\"; size = %lu; }", size);
	conf_with_ns(path, ns);
}

/* A reload that removes an rbd namespace opens its image ahead too, off
 * the control thread: when the reload then fails, its rollback adds the
 * namespace back on that image, and the control thread opens none. */
START_TEST(reload_rollback_reopens_off_the_control_thread)
{
	char path[64], why[512] = "";
	struct fake_rbd_counts c;
	FILE *f;
	int a;

	snprintf(path, sizeof(path), "/tmp/check_ctl_preopen.%d.conf", (int)getpid());
	a = cs_connect();
	conf_with_ns(path, "{ nsid = 1; backend = \"rbd\"; pool = \"pool\"; image = \"img\"; }");
	cl_send_ns(a, FCNVME_CMD_CONFIG_RELOAD, NULL, 0, path);
	ck_assert_int_eq(cl_answer(a, 5000, NULL, why, sizeof(why)), 0);
	ck_assert_int_eq(ns_of_a(1)->backend, TGT_BACKEND_RBD);
	c = fake_rbd_counts();
	ck_assert_uint_eq(c.opens, 1);
	ck_assert_uint_eq(c.opens_on_ctl, 0);
	/* namespace 1 goes, namespace 2 comes and fails: rolled back */
	conf_with_ns(path, "{ nsid = 2; backend = \"ram\"; size = 1048576; }");
	fake_fail_on("ns_add " NQN_A " 2");
	fake_log_clear();
	cl_send_ns(a, FCNVME_CMD_CONFIG_RELOAD, NULL, 0, path);
	ck_assert_int_eq(cl_answer(a, 5000, NULL, why, sizeof(why)), -EIO);
	ck_assert_str_eq(fake_log(),
			 "ns_del " NQN_A " 1;FAIL ns_add " NQN_A " 2;ns_add " NQN_A " 1;");
	ck_assert_ptr_nonnull(ns_of_a(1));
	ck_assert_int_eq(ns_of_a(1)->backend, TGT_BACKEND_RBD);
	ck_assert_ptr_null(ns_of_a(2));
	c = fake_rbd_counts();
	ck_assert_uint_eq(c.opens, 2);	      /* the first add, and ahead of the reload */
	ck_assert_uint_eq(c.opens_on_ctl, 0); /* not the rollback's own */
	ck_assert_uint_eq(c.closes, 1);	      /* the deleted namespace's */
	/* the whole subsystem goes, another comes and fails: the same */
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "ports = ( { name = \"p0\"; dev = \"soft:f\"; wwnn = \"0x20000090fa000001\";"
		   " wwpn = \"0x10000090fa000001\"; } );\n"
		   "subsystems = ( { nqn = \"" NQN_A "-b\"; ports = [ \"p0\" ]; } );\n");
	ck_assert_int_eq(fclose(f), 0);
	fake_fail_on("subsys_add " NQN_A "-b");
	fake_log_clear();
	cl_send_ns(a, FCNVME_CMD_CONFIG_RELOAD, NULL, 0, path);
	ck_assert_int_eq(cl_answer(a, 5000, NULL, why, sizeof(why)), -EIO);
	ck_assert_ptr_nonnull(strstr(fake_log(), "subsys_del " NQN_A ";"));
	ck_assert_ptr_nonnull(strstr(fake_log(), "ns_add " NQN_A " 1;"));
	ck_assert_int_eq(ns_of_a(1)->backend, TGT_BACKEND_RBD);
	c = fake_rbd_counts();
	ck_assert_uint_eq(c.opens, 3);
	ck_assert_uint_eq(c.opens_on_ctl, 0);
	ck_assert_uint_eq(c.closes, 2);
	unlink(path);
	close(a);
}
END_TEST

/* A reload that grows a namespace whose grow runs off the control thread
 * waits for it the same way (started once its dry run has passed), and applies
 * the file once it is done. */
START_TEST(reload_grow_off_the_control_thread)
{
	char path[64], why[512] = "";
	int a, b;

	snprintf(path, sizeof(path), "/tmp/check_ctl_preopen.%d.conf", (int)getpid());
	a = cs_connect();
	b = cs_connect();
	conf_with_ram_ns(path, 1 << 20);
	cl_send_ns(a, FCNVME_CMD_CONFIG_RELOAD, NULL, 0, path);
	ck_assert_int_eq(cl_answer(a, 2000, NULL, why, sizeof(why)), 0);
	ck_assert_uint_eq(ns_of_a(1)->size, 1 << 20);
	conf_with_ram_ns(path, 4 << 20);
	fake_grow_async(true);
	fake_log_clear();
	log_count_start("growing 1 namespace(s) first");
	cl_send_ns(a, FCNVME_CMD_CONFIG_RELOAD, NULL, 0, path);
	ck_assert_int_eq(cl_answer(a, 200, NULL, why, sizeof(why)), -EAGAIN);
	ck_assert_int_eq(cs_version(b), 0);
	ck_assert_uint_eq(ns_of_a(1)->size, 1 << 20);
	ck_assert_ptr_null(strstr(fake_log(), "ns_resize "));
	/* woken while the grow is still under way: it waits again, unsaid */
	preopen_wake(&cs.d);
	preopen_tick(&cs.d);
	ck_assert_int_eq(cl_answer(a, 200, NULL, why, sizeof(why)), -EAGAIN);
	ck_assert_int_eq(log_count_stop(), 1);
	fake_grow_async(false);
	preopen_wake(&cs.d);
	preopen_tick(&cs.d);
	ck_assert_int_eq(cl_answer(a, 2000, NULL, why, sizeof(why)), 0);
	ck_assert_ptr_nonnull(strstr(fake_log(), "ns_resize nqn.2026-11.io.x:a 1 4194304;"));
	ck_assert_uint_eq(ns_of_a(1)->size, 4 << 20);
	ck_assert_uint_eq(fake_grows_wanted(), 2); /* each run while it waited */
	unlink(path);
	close(a);
	close(b);
}
END_TEST

Suite *ctl_preopen_suite(void)
{
	Suite *s = suite_create("ctl_preopen");
	TCase *tc = tcase_create("without the thread");

	tcase_add_checked_fixture(tc, cs_setup, cs_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, rbd_open_without_the_thread);
	tcase_add_test(tc, rbd_close_without_the_thread);
	suite_add_tcase(s, tc);
	tc = tcase_create("preopen");
	tcase_add_checked_fixture(tc, preopen_setup, preopen_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, rbd_open_off_the_control_thread);
	tcase_add_test(tc, rbd_close_off_the_control_thread);
	tcase_add_test(tc, rbd_open_fails_off_the_control_thread);
	tcase_add_test(tc, rbd_open_client_gone);
	tcase_add_test(tc, rbd_open_nobody_took);
	tcase_add_test(tc, rbd_grow_off_the_control_thread);
	tcase_add_test(tc, reload_grow_off_the_control_thread);
	tcase_add_test(tc, reload_rollback_reopens_off_the_control_thread);
	suite_add_tcase(s, tc);
	return s;
}
