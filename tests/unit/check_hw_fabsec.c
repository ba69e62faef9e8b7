// SPDX-License-Identifier: Apache-2.0
/*
 * Fabric security tests, on the files of a fabric: the modes of what a
 * fabric creates (whatever the umask), refusal of directories and files
 * that are not ours (another owner, writable by others, a symlink where a
 * directory or file goes), no symlink followed when a port's device file
 * is created; and what ports that come and go leave behind: name-server
 * slots (reused once all 64 were taken by ports that closed or died),
 * device files, a gone peer's mapping (kept while a doorbell may hold it),
 * and the target's fds and mappings of the hosts it saw (flat over 200
 * host logins/logouts). Also a target hw queue's kick before its sleep,
 * and its batches of responses sent outside its poll (one doorbell each).
 * What a hostile peer forges in shared memory: check_hw_peersec.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcnvme/fc_wire.h>

#include "check_hw.h"
#include "hw_fabric.h"
#include "hw_host.h"
#include "hw_host_priv.h"
#include "hw_priv.h"
#include "hw_tgt.h"
#include "hw_tgt_priv.h"

#define NOBODY 65534

static char root[64], fdir[128];

static void setup(void)
{
	ck_assert_int_eq(hwf_shm_dir_make(root, sizeof(root), "fs"), 0);
	snprintf(fdir, sizeof(fdir), "%s/f", root);
}

static void teardown(void)
{
	ck_assert_int_eq(hwf_shm_dir_remove(root), 0);
}

static unsigned int mode_of(const char *path)
{
	struct stat st;

	ck_assert_msg(lstat(path, &st) == 0, "%s: %s", path, strerror(errno));
	return (unsigned int)(st.st_mode & 07777);
}

/* Owner only, whatever the umask: the shm dir and fabric directory made by
 * us 0700, fabric file, device file and wake-up socket 0600. */
START_TEST(test_fabsec_modes)
{
	struct hw_dev_cfg cfg = hwf_port_cfg(1);
	char shm[128], dir[160], path[HW_PATH_MAX + 64];
	struct hw_dev d;
	mode_t old = umask(0);

	snprintf(shm, sizeof(shm), "%s/shm", root);
	snprintf(dir, sizeof(dir), "%s/f", shm);
	ck_assert_int_eq(hw_fabric_create(dir), 0);
	ck_assert_uint_eq(mode_of(shm), 0700);
	ck_assert_uint_eq(mode_of(dir), 0700);
	snprintf(path, sizeof(path), "%s/fabric", dir);
	ck_assert_uint_eq(mode_of(path), 0600);

	cfg.shm_dir = shm;
	ck_assert_int_eq(hw_dev_open(&d, &cfg), 0);
	hw_fabric_port_path(&d.fab, cfg.wwpn, path, sizeof(path));
	ck_assert_uint_eq(mode_of(path), 0600);
	hw_fabric_sock_path(&d.fab, cfg.wwpn, path, sizeof(path));
	ck_assert_uint_eq(mode_of(path), 0600);
	hw_dev_close(&d);
	umask(old);

	/* A fabric made and a port opened with the usual umask. */
	cfg.shm_dir = NULL;
	ck_assert_int_eq(hw_fabric_create(fdir), 0);
	ck_assert_int_eq(hw_dev_open(&d, &cfg), 0);
	ck_assert_uint_eq(mode_of(fdir), 0700);
	hw_fabric_port_path(&d.fab, cfg.wwpn, path, sizeof(path));
	ck_assert_uint_eq(mode_of(path), 0600);
	hw_dev_close(&d);
}
END_TEST

/* Another user's fabric directory or shm dir, or one others may write, is
 * refused with -EPERM and a reason naming the path. */
START_TEST(test_fabsec_refuse_owner_mode)
{
	struct hw_dev_cfg cfg = hwf_port_cfg(2);
	char other[160], path[200];
	struct hw_fabric fab;
	struct hw_dev d;

	if (geteuid() != 0)
		return; /* chown needs root */
	ck_assert_int_eq(hw_fabric_create(fdir), 0);

	/* fabric directory of uid 65534 */
	ck_assert_int_eq(chown(fdir, NOBODY, NOBODY), 0);
	ck_assert_int_eq(hw_fabric_open(fdir, &fab), -EPERM);
	ck_assert_ptr_nonnull(strstr(hw_fabric_why(), fdir));
	ck_assert_ptr_nonnull(strstr(hw_fabric_why(), "owned by uid 65534"));
	ck_assert_int_eq(hw_dev_open(&d, &cfg), -EPERM);
	ck_assert_ptr_nonnull(strstr(hw_fabric_why(), fdir));
	ck_assert_int_eq(chown(fdir, 0, 0), 0);

	/* writable by others, by the group */
	ck_assert_int_eq(chmod(fdir, 0777), 0);
	ck_assert_int_eq(hw_fabric_open(fdir, &fab), -EPERM);
	ck_assert_ptr_nonnull(strstr(hw_fabric_why(), "writable by group or others"));
	ck_assert_int_eq(chmod(fdir, 0770), 0);
	ck_assert_int_eq(hw_dev_open(&d, &cfg), -EPERM);
	ck_assert_int_eq(chmod(fdir, 0700), 0);

	/* the fabric file: another owner, group-writable */
	snprintf(path, sizeof(path), "%s/fabric", fdir);
	ck_assert_int_eq(chown(path, NOBODY, NOBODY), 0);
	ck_assert_int_eq(hw_fabric_open(fdir, &fab), -EPERM);
	ck_assert_ptr_nonnull(strstr(hw_fabric_why(), path));
	ck_assert_int_eq(chown(path, 0, 0), 0);
	ck_assert_int_eq(chmod(path, 0660), 0);
	ck_assert_int_eq(hw_fabric_open(fdir, &fab), -EPERM);
	ck_assert_int_eq(chmod(path, 0600), 0);

	/* the shm dir itself */
	ck_assert_int_eq(chown(root, NOBODY, NOBODY), 0);
	ck_assert_int_eq(hw_fabric_open(fdir, &fab), -EPERM);
	ck_assert_ptr_nonnull(strstr(hw_fabric_why(), root));
	ck_assert_int_eq(chown(root, 0, 0), 0);

	/* all ours again: accepted */
	ck_assert_int_eq(hw_fabric_open(fdir, &fab), 0);
	ck_assert_str_eq(hw_fabric_why(), "");
	hw_fabric_close(&fab);
	ck_assert_int_eq(hw_dev_open(&d, &cfg), 0);
	hw_dev_close(&d);

	/* a directory someone else made first is not taken over */
	snprintf(other, sizeof(other), "%s/g", root);
	ck_assert_int_eq(mkdir(other, 0755), 0);
	ck_assert_int_eq(chown(other, NOBODY, NOBODY), 0);
	ck_assert_int_eq(hw_fabric_create(other), -EPERM);
	snprintf(path, sizeof(path), "%s/fabric", other);
	ck_assert_int_eq(access(path, F_OK), -1);
	cfg.dev = "soft:g";
	ck_assert_int_eq(hw_dev_open(&d, &cfg), -EPERM);
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

/* Symlinks where a directory or a file of the fabric goes are never
 * followed. */
START_TEST(test_fabsec_refuse_symlink)
{
	struct hw_dev_cfg a = hwf_port_cfg(3), c = hwf_port_cfg(4);
	char path[HW_PATH_MAX + 64], target[HW_PATH_MAX + 64], victim[128], real[128];
	struct hw_peer_map m;
	struct hw_fabric fab;
	struct hw_dev da, dc;
	struct stat st;
	int fd, slot;

	/* the fabric file is a symlink to a file elsewhere */
	snprintf(victim, sizeof(victim), "%s/victim", root);
	fd = open(victim, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "keep", 4), 4);
	close(fd);
	ck_assert_int_eq(mkdir(fdir, 0700), 0);
	snprintf(path, sizeof(path), "%s/fabric", fdir);
	ck_assert_int_eq(symlink(victim, path), 0);
	ck_assert_int_eq(hw_fabric_open(fdir, &fab), -EPERM);
	ck_assert_ptr_nonnull(strstr(hw_fabric_why(), path));
	ck_assert_int_eq(hw_fabric_create(fdir), -EEXIST);
	ck_assert_int_eq(unlink(path), 0);

	/* the fabric directory is a symlink */
	snprintf(real, sizeof(real), "%s/real", root);
	ck_assert_int_eq(rename(fdir, real), 0);
	ck_assert_int_eq(hw_fabric_create(real), 0);
	ck_assert_int_eq(symlink(real, fdir), 0);
	ck_assert_int_eq(hw_fabric_open(fdir, &fab), -EPERM);
	ck_assert_int_eq(hw_dev_open(&da, &a), -EPERM);
	ck_assert_int_eq(unlink(fdir), 0);
	ck_assert_int_eq(rename(real, fdir), 0);

	/* a symlink planted where port c's device file goes, to a's */
	ck_assert_int_eq(hw_dev_open(&da, &a), 0);
	ck_assert_int_eq(hw_fabric_open(fdir, &fab), 0);
	hw_fabric_lock(&fab);
	slot = hw_fabric_claim(&fab, c.wwnn, c.wwpn, c.roles);
	hw_fabric_unlock(&fab);
	ck_assert_int_ge(slot, 0);
	hw_fabric_port_path(&fab, a.wwpn, target, sizeof(target));
	hw_fabric_port_path(&fab, c.wwpn, path, sizeof(path));
	ck_assert_int_eq(symlink(target, path), 0);
	ck_assert_int_eq(hw_fabric_map_slot(&fab, (unsigned int)slot, &m), -EPERM);
	ck_assert_ptr_nonnull(strstr(hw_fabric_why(), path));
	ck_assert_int_eq(unlink(path), 0);

	/* a symlink planted at port c's temporary file: replaced, the file it
	 * points to is left alone */
	snprintf(path + strlen(path), sizeof(path) - strlen(path), ".new.%d", (int)getpid());
	ck_assert_int_eq(symlink(victim, path), 0);
	ck_assert_int_eq(hw_dev_open(&dc, &c), 0);
	ck_assert_int_eq(stat(victim, &st), 0);
	ck_assert_int_eq(st.st_size, 4);
	ck_assert_int_eq(lstat(path, &st), -1);
	hw_fabric_port_path(&fab, c.wwpn, path, sizeof(path));
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	hw_dev_close(&dc);
	hw_dev_close(&da);
	hw_fabric_close(&fab);
}
END_TEST

/* Entries of directory dir whose name starts with prefix. */
static int count_entries(const char *dir, const char *prefix)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

/* Device files of the fabric (port-WWPN, no socket, no temporary). */
static int count_devfiles(void)
{
	struct dirent *de;
	DIR *d = opendir(fdir);
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		if (strncmp(de->d_name, "port-", 5) == 0 && !strchr(de->d_name, '.'))
			n++;
	closedir(d);
	return n;
}

/* Ports that close, then ports that die, take every slot in turn; a new
 * port still gets one, and what the old ones left is removed. */
START_TEST(test_fabsec_slot_reuse)
{
	struct hw_dev_cfg cfg;
	struct hw_dev d;
	unsigned int i, slot;
	int status;
	pid_t pid;

	/* closed: the slot stays the port's for its restart... */
	ck_assert_int_eq(hw_fabric_create(fdir), 0);
	cfg = hwf_port_cfg(0x100);
	ck_assert_int_eq(hw_dev_open(&d, &cfg), 0);
	slot = d.slot;
	hw_dev_close(&d);
	ck_assert_int_eq(hw_dev_open(&d, &cfg), 0);
	ck_assert_uint_eq(d.slot, slot);
	hw_dev_close(&d);
	/* ...until others need it: 2 x 64 ports that come and go */
	for (i = 1; i < 2 * HW_MAX_PORTS + 2; i++) {
		cfg = hwf_port_cfg(0x100 + i);
		ck_assert_msg(hw_dev_open(&d, &cfg) == 0, "port %u could not log in", i);
		hw_dev_close(&d);
	}
	/* a closed port's device file is gone */
	ck_assert_int_eq(count_devfiles(), 0);

	/* ports that die without closing (still online, no live owner) */
	for (i = 0; i < HW_MAX_PORTS; i++) {
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			cfg = hwf_port_cfg(0x400 + i);
			_exit(hw_dev_open(&d, &cfg) ? 1 : 0);
		}
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			      "dead port %u could not log in", i);
	}
	ck_assert_int_eq(count_devfiles(), HW_MAX_PORTS);
	cfg = hwf_port_cfg(0x500);
	ck_assert_int_eq(hw_dev_open(&d, &cfg), 0);
	ck_assert_uint_eq(atomic_load(&d.fab.r->ns[d.slot].state), HW_NS_ONLINE);
	/* the dead port whose slot it took left nothing behind */
	ck_assert_int_eq(count_devfiles(), HW_MAX_PORTS);
	hw_dev_close(&d);
}
END_TEST

static int count_fds(void)
{
	return count_entries("/proc/self/fd", "") - 2; /* . and .. */
}

/* Mappings of files of the fabric (a removed file still counts). */
static int count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, fdir))
			n++;
	fclose(f);
	return n;
}

/* Wait up to 3 s for the fabric mappings of the process to drop to want. */
static int wait_maps(int want)
{
	struct timespec ts = { 0, 5000000 };
	int i, n = count_maps();

	for (i = 0; i < 600 && n > want; i++) {
		nanosleep(&ts, NULL);
		n = count_maps();
	}
	return n;
}

/* 200 host ports (each a new WWPN) log into a target and go away: the
 * target's fds and mappings stay flat, slots keep being found. */
START_TEST(test_fabsec_peer_unmap)
{
	struct hw_tgt_port *tp;
	struct hw_host_port *hp;
	int i, fds = -1, reg;
	pthread_t th;

	ck_assert_int_eq(hw_fabric_create(fdir), 0);
	ck_assert_int_eq(hwf_tgt_open(0xf1, &tp), 0);
	/* a local port's firmware reads data by virtual address: it offers
	 * zero-copy Reads (a remote driver's would not: vmport_target.sh) */
	ck_assert_uint_eq(hwf_tgt_tmpl->target_features & NVMET_FCTGTFEAT_DATA_VADDR,
			  NVMET_FCTGTFEAT_DATA_VADDR);
	ck_assert_int_eq(hwf_tgt_thread_start(tp, &th), 0);
	for (i = 0; i < 200; i++) {
		struct hw_host_port_cfg hc = {
			.dev = "soft:f",
			.wwnn = 0x2000000000001000ull + (uint64_t)i,
			.wwpn = 0x1000000000001000ull + (uint64_t)i,
			.queue_depth = 16,
		};

		reg = atomic_load(&hwf.rport_registered);
		ck_assert_msg(hw_host_port_open(&hc, &hp) == 0, "host %d could not log in", i);
		ck_assert_msg(atomic_load(&hwf.rport_registered) == reg + 1,
			      "host %d did not log into the target", i);
		hw_host_port_close(hp);
		if (i == 0) {
			/* the target's own fabric file and device file */
			ck_assert_int_eq(wait_maps(2), 2);
			fds = count_fds();
		}
	}
	ck_assert_int_eq(wait_maps(2), 2);
	ck_assert_int_eq(count_fds(), fds);
	hwf_tgt_thread_stop(th);
	hw_tgt_port_close(tp);
}
END_TEST

/* A gone peer's view is withdrawn at once, its mapping kept while a hw
 * queue may still be inside a doorbell that took the old view, unmapped
 * once that queue has left it; mapping a peer holds no fd. */
START_TEST(test_fabsec_peer_grace)
{
	struct hw_dev_cfg ca = hwf_port_cfg(0x600), cb = hwf_port_cfg(0x601);
	struct hw_dev a, b;
	unsigned int slot;
	int fds;

	ca.roles = FC_PORT_ROLE_NVME_TARGET;
	ca.nr_hwq = 2;
	ck_assert_int_eq(hw_fabric_create(fdir), 0);
	ck_assert_int_eq(hw_dev_open(&a, &ca), 0);
	ck_assert_int_eq(hw_dev_open(&b, &cb), 0);
	slot = b.slot;
	fds = count_fds();
	ck_assert_int_eq(hw_dev_peer(&a, slot), 0);
	ck_assert_int_eq(count_fds(), fds);
	ck_assert_uint_eq(hw_dev_peer_maps(&a), 1);
	ck_assert_ptr_nonnull(hw_dev_peer_view(&a, slot));
	/* alive and online: kept */
	hw_dev_peers_gc(&a);
	ck_assert_uint_eq(hw_dev_peer_maps(&a), 1);

	/* hw queue 1 is inside a doorbell (odd) when the peer goes */
	atomic_store(&a.fw_epoch[1].seq, 7);
	hw_dev_close(&b);
	hw_dev_peers_gc(&a);
	ck_assert_ptr_null(hw_dev_peer_view(&a, slot));
	ck_assert_uint_eq(hw_dev_peer_maps(&a), 1);
	ck_assert(!hw_dev_peer_alive(&a, slot));
	hw_dev_peers_gc(&a);
	ck_assert_uint_eq(hw_dev_peer_maps(&a), 1);
	/* it left (even): unmapped */
	atomic_store(&a.fw_epoch[1].seq, 8);
	hw_dev_peers_gc(&a);
	ck_assert_uint_eq(hw_dev_peer_maps(&a), 0);

	/* the peer restarts: the old incarnation's mapping is replaced and
	 * goes as soon as no doorbell can hold it (left and entered again) */
	ck_assert_int_eq(hw_dev_open(&b, &cb), 0);
	ck_assert_uint_eq(b.slot, slot);
	ck_assert_int_eq(hw_dev_peer(&a, slot), 0);
	hw_dev_close(&b);
	ck_assert_int_eq(hw_dev_open(&b, &cb), 0);
	atomic_store(&a.fw_epoch[0].seq, 1);
	ck_assert(!hw_dev_peer_alive(&a, slot)); /* not the incarnation we knew */
	ck_assert_int_eq(hw_dev_peer(&a, slot), 0);
	ck_assert_uint_eq(hw_dev_peer_maps(&a), 2);
	ck_assert_ptr_nonnull(hw_dev_peer_view(&a, slot));
	atomic_store(&a.fw_epoch[0].seq, 3);
	hw_dev_peers_gc(&a);
	ck_assert_uint_eq(hw_dev_peer_maps(&a), 1);
	ck_assert(hw_dev_peer_alive(&a, slot));
	hw_dev_close(&b);
	hw_dev_close(&a);
}
END_TEST

/* A target hw queue's kick that comes before its thread sleeps (a
 * backend's completion between the thread's last look and its futex) is
 * not lost: the wait returns at once instead of sleeping out its 5 s. */
START_TEST(test_fabsec_tgt_kick_before_wait)
{
	struct hw_tgt_port *tp;
	struct timespec a, b;

	ck_assert_int_eq(hw_fabric_create(fdir), 0);
	ck_assert_int_eq(hwf_tgt_open(0xf2, &tp), 0);
	hw_tgt_hwq_kick(tp, 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	ck_assert_int_eq(hw_tgt_hwq_wait(tp, 0, 5000000), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ck_assert_int_lt(b.tv_sec - a.tv_sec, 2);
	hw_tgt_port_close(tp);
}
END_TEST

/* The firmware runs of tp's hw queue 0 so far (two seq steps each). */
static uint32_t fw_runs(struct hw_tgt_port *tp)
{
	return atomic_load(&tp->dev.fw_epoch[0].seq) / 2;
}

/* Responses sent by a target hw queue's thread outside its poll (a
 * backend's completions, drained after it) inside a batch: the WQ's
 * doorbell rings, so the firmware runs and the sleeping host is woken,
 * once at the batch's end, with every response in its CQ then; outside a
 * batch the firmware runs once per response, as before. */
START_TEST(test_fabsec_tgt_batch_one_doorbell)
{
	struct hw_tgt_port *tp;
	struct hw_host_port *hp;
	struct hw_ring *cq;
	struct hw_cqe *c;
	uint32_t runs, futex;
	unsigned int i;
	pthread_t th;

	ck_assert_int_eq(hwf_pair_open(fdir, 0xf3, &tp, &hp, &th), 0);
	cq = &hp->dev.bar->cq[0];
	ck_assert_ptr_nonnull(hw_tgt_hwq_ops.batch);

	/* in a batch: four responses, one firmware run, one wake */
	ck_assert_int_eq(hwf_defer_cmds(&hp->dev, tp, 4, 100), 0);
	runs = fw_runs(tp);
	futex = atomic_load(&cq->futex);
	atomic_store(&cq->armed, 1); /* the host sleeps on its CQ */
	hw_tgt_hwq_ops.batch(tp, 0, true);
	ck_assert_int_eq(hwf_answer_deferred(), 4);
	ck_assert_uint_eq(fw_runs(tp), runs);
	ck_assert_ptr_null(hw_ring_peek(hp->dev.base, cq));
	ck_assert_uint_eq(atomic_load(&cq->futex), futex);
	hw_tgt_hwq_ops.batch(tp, 0, false);
	ck_assert_uint_eq(fw_runs(tp), runs + 1);
	ck_assert_uint_eq(atomic_load(&cq->futex), futex + 1);
	ck_assert_uint_eq(atomic_load(&cq->armed), 0);
	for (i = 0; i < 4; i++) {
		c = hw_ring_peek(hp->dev.base, cq);
		ck_assert_ptr_nonnull(c);
		ck_assert_uint_eq(c->type, HW_CQE_FCP_RSP);
		ck_assert_uint_eq(c->xri, i);
		ck_assert_uint_eq(c->tag, 100 + i);
		ck_assert_uint_eq(c->c.len, NVME_FC_SIZEOF_ZEROS_RSP);
		hw_ring_pop(cq, c);
	}
	ck_assert_ptr_null(hw_ring_peek(hp->dev.base, cq));
	/* their WQE_DONEs release the four exchanges */
	ck_assert_int_eq(hw_tgt_poll(tp, 0, 64), 4);

	/* outside a batch: a firmware run per response */
	ck_assert_int_eq(hwf_defer_cmds(&hp->dev, tp, 3, 200), 0);
	runs = fw_runs(tp);
	ck_assert_int_eq(hwf_answer_deferred(), 3);
	ck_assert_uint_eq(fw_runs(tp), runs + 3);
	for (i = 0; i < 3; i++) {
		c = hw_ring_peek(hp->dev.base, cq);
		ck_assert_ptr_nonnull(c);
		ck_assert_uint_eq(c->tag, 200 + i);
		hw_ring_pop(cq, c);
	}
	ck_assert_int_eq(hw_tgt_poll(tp, 0, 64), 3);

	hwf_pair_close(tp, hp, th);
}
END_TEST

/* Fabric security tests. */
Suite *hw_fabsec_suite(void)
{
	Suite *s = suite_create("hw_fabsec");
	TCase *tc = tcase_create("fabsec");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fabsec_modes);
	tcase_add_test(tc, test_fabsec_refuse_owner_mode);
	tcase_add_test(tc, test_fabsec_refuse_symlink);
	suite_add_tcase(s, tc);
	tc = tcase_create("reclaim");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_fabsec_slot_reuse);
	tcase_add_test(tc, test_fabsec_peer_unmap);
	tcase_add_test(tc, test_fabsec_peer_grace);
	tcase_add_test(tc, test_fabsec_tgt_kick_before_wait);
	tcase_add_test(tc, test_fabsec_tgt_batch_one_doorbell);
	suite_add_tcase(s, tc);
	return s;
}
