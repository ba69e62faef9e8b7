/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared declarations of hw's tests: the Check suites of the unit runner and
 * the fake transports (check_hw_fake.c) that stand in for libfcnvme's
 * nvmet_fc_* and nvme_fc_* when hw is tested on its own.
 */
#ifndef CHECK_HW_H
#define CHECK_HW_H

#include <check.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <fcnvme/nvme_fc_driver.h>

Suite *hw_ring_suite(void);
Suite *hw_fabric_suite(void);
Suite *hw_fabsec_suite(void);
Suite *hw_peersec_suite(void);
Suite *hw_map_suite(void);
Suite *hw_fw_suite(void);
Suite *hw_abi_suite(void);
Suite *hw_remote_suite(void);
Suite *hw_vmport_suite(void);
Suite *hw_ls_suite(void);
Suite *hw_rdrv_suite(void);

/* Test opcodes understood by the fake target transport. */
enum {
	HWF_OP_NODATA = 0x00, /* zero RSP */
	HWF_OP_WRITE = 0x01,  /* WRITEDATA, ERSP with FNV-1a of the data in dw0 */
	HWF_OP_READ = 0x02,   /* READDATA of hwf_pattern(seed), ERSP */
	HWF_OP_DEFER = 0x97,  /* zero RSP when the test calls hwf_answer_deferred */
	HWF_OP_TABORT = 0x98, /* the target aborts the exchange */
	HWF_OP_HANG = 0x99,   /* never answered (until ABTS) */
};

/* What the fakes saw; atomics because the target fake runs on hwq threads. */
struct hwf_stats {
	_Atomic int tgt_registered, tgt_deleted;
	_Atomic int ls_rcvd, fcp_rcvd, fcp_aborts, invalidated, host_released;
	_Atomic int steer_errors, data_errors;
	_Atomic int lport_registered, rport_registered, rport_unregistered, rescans;
	_Atomic int host_ls_rcvd;
};

extern struct hwf_stats hwf;
/* Set by a fuzzer whose CMD IUs are whatever a hostile peer left in its
 * memory: the fake target transport then refuses (-EIO) a data length
 * above HWF_MAX_DATA and takes HWF_OP_HANG as HWF_OP_NODATA, as a real
 * transport bounds the one and has no other. False: as always. */
#define HWF_MAX_DATA (1u << 20)
extern bool hwf_hostile_iu;
/* The last hosthandle seen by the target fake, and its port. */
extern void *hwf_last_hosthandle;
extern struct nvmet_fc_target_port *hwf_tgtport;
extern struct nvmet_fc_target_template *hwf_tgt_tmpl;
extern struct nvme_fc_port_template *hwf_host_tmpl;
extern struct fcnvme_device *hwf_host_dev;
extern struct nvme_fc_remote_port *hwf_rports[8];
extern _Atomic int hwf_nr_rports;

/* [hwq] Send the zero RSP of every HWF_OP_DEFER command received so far,
 * in order; returns how many. */
int hwf_answer_deferred(void);
struct hw_bar;
struct hw_dev;
struct nvme_fc_cmd_iu;
/* Host device h: set up exchange xri (tag; one SGE of len bytes at dma, or
 * none for len 0), build in iu a CMD IU with opcode and connection id conn
 * and post it on h's WQ 0 to peer slot slot (its lwq, hw_dev.lwq, if it
 * has one: a host port's). For a remote driver's port (HW_BAR_F_REMOTE)
 * iu must lie in h's DMA window: the WQE names it by handle, as a guest
 * driver does, and goes into WQ 0 by h's private geometry (hw_dev.geo).
 * hw_ring_post's or hw_lwq_put's 0 or -errno (-EINVAL: iu outside the
 * window)
 * (no Check assertion in the fakes: tests/fuzz/fuzz_hw_peer.c links them
 * outside a Check runner). The WQE points at iu: it must stay until the
 * test has rung the doorbell. */
int hwf_post_cmd(struct hw_dev *h, unsigned int slot, unsigned int xri, uint32_t tag, uint64_t conn,
		 uint8_t opcode, uint64_t dma, uint32_t len, struct nvme_fc_cmd_iu *iu);
/* Copy the geometry (off, entries, esize) of the first n CQs and WQs of
 * src into dst, leaving dst's indices as they are: to save a region's
 * geometry before a test lets a peer rewrite it and to put it back after.
 * It reads none of the indices, which a live port thread may be moving. */
void hwf_ring_geo_copy(struct hw_bar *dst, const struct hw_bar *src, unsigned int n);
struct hw_cqe;
/* Copy the next entry of device d's CQ q (by its private geometry,
 * hw_dev.geo) into out and pop it; 0, or -EAGAIN where the CQ is empty. */
int hwf_cqe_pop(struct hw_dev *d, unsigned int q, struct hw_cqe *out);
struct hw_tgt_port;
/* n (at most 8) HWF_OP_DEFER commands, no data, from host device h's
 * exchanges 0..n-1 with tags tag..tag+n-1, over one doorbell into hw queue
 * 0 of tp (qid 1), and tp's poll receiving them; 0, -EINVAL for n > 8,
 * hwf_post_cmd's -errno, or -EPROTO where the doorbell or the poll did not
 * take exactly n. */
int hwf_defer_cmds(struct hw_dev *h, struct hw_tgt_port *tp, unsigned int n, uint32_t tag);
/* [test thread] Run tp's control side (hw_tgt_port_process, woken by its
 * event fd or every 5 ms) on a new thread th until hwf_tgt_thread_stop(th):
 * one such thread at a time. 0 or -errno. */
int hwf_tgt_thread_start(struct hw_tgt_port *tp, pthread_t *th);
void hwf_tgt_thread_stop(pthread_t th);
/* Open a target port of WWNN/WWPN 0x20../0x10.. | id on soft fabric f (of
 * FCNVME_SHM_DIR), 1 hw queue, 16 receive buffers, no events: what
 * hw_tgt_port_open returns. */
int hwf_tgt_open(uint64_t id, struct hw_tgt_port **tpp);
/* The config of a bare initiator port of WWN id on fabric "soft:f": one
 * hw queue, a 64-entry CQ, a 1 MiB DMA window (hw_dev_open). */
struct hw_dev_cfg hwf_port_cfg(uint64_t id);
struct hw_host_port;
/* [test thread] Create fabric fdir (FCNVME_SHM_DIR/f), open a target port
 * there (hwf_tgt_open(id)), start its control thread th
 * (hwf_tgt_thread_start) and open a host port of WWN id + 1 (16 commands
 * deep), which logs into the target; 0, or the first -errno with what was
 * opened closed again. hwf_pair_close stops th, then closes the ports. */
int hwf_pair_open(const char *fdir, uint64_t id, struct hw_tgt_port **tpp,
		  struct hw_host_port **hpp, pthread_t *th);
void hwf_pair_close(struct hw_tgt_port *tp, struct hw_host_port *hp, pthread_t th);
/* Make a test's private shm dir, <base>/hw_<tag>.XXXXXX with base
 * /dev/shm (/tmp where /dev/shm cannot be written), into buf (len bytes),
 * and point FCNVME_SHM_DIR at it; 0 or -errno (-EINVAL: it does not fit,
 * or tag has a /). */
int hwf_shm_dir_make(char *buf, size_t len, const char *tag);
/* Remove dir, made by hwf_shm_dir_make, and everything in it, whatever the
 * tests made there (nested fabric files and dirs, symlinks): no symlink is
 * followed, no other file system entered, and a dir whose name is not one
 * hwf_shm_dir_make makes is refused (-EINVAL) before anything is touched.
 * 0, or the first -errno (what could be removed still is). */
int hwf_shm_dir_remove(const char *dir);
uint8_t hwf_pattern(uint32_t seed, uint32_t off);
uint32_t hwf_fnv(const uint8_t *p, uint32_t len, uint32_t h);
uint32_t hwf_fnv_pattern(uint32_t seed, uint32_t len);

#endif /* CHECK_HW_H */
