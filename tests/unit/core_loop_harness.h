/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The harness of check_daemon_loop (core_loop_harness.c): the target core
 * bound to the loop LLDD's target port, our host transport on its host
 * port. One test at a time owns these (Check's fixture: cl_setup before,
 * cl_teardown after); everything runs on the test's thread.
 */
#ifndef CORE_LOOP_HARNESS_H
#define CORE_LOOP_HARNESS_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include <fcnvme/fc_wire.h>
#include <fcnvme/nvme_fc_host.h>

#include "daemon/core/tgt_priv.h"
#include "loop_lldd.h"

#define NS_PER_S 1000000000ull

extern struct loop_pair cl_lp;		     /* the loop: both transports' ports */
extern struct tgt *cl_T;		     /* the core, bound to cl_lp.tport */
extern struct tgt_clock cl_tclock;	     /* the core's fake clock */
extern uint64_t cl_fake_now;		     /* the host's clock, ns */
extern struct fcnvme_host_ctrl *cl_ctrl;     /* the test's controller, or NULL */
extern const struct nvmet_fc_env_ops cl_env; /* the core's env: the FIFO */

/* A command's completion, filled by cl_io_cb. */
struct cl_io_res {
	int done;
	uint16_t status;
	uint32_t dw0;
};

void cl_setup(void);
void cl_teardown(void);
unsigned int cl_fifo_run(void);
void cl_pump(unsigned int n);
int cl_run_until(enum fcnvme_host_ctrl_state st, unsigned int max);
void cl_opts(struct fcnvme_host_ctrl_opts *o, const char *hostnqn);
void cl_connect(const struct fcnvme_host_ctrl_opts *o);
void cl_delete_ctrl(void);
int cl_nr_ctrls(void);
void cl_io_cb(void *arg, uint16_t status, const struct nvme_completion *cqe);
uint16_t cl_host_io_ns(uint16_t qid, uint32_t nsid, uint8_t opc, uint64_t slba, uint16_t nlb,
		       struct fcnvme_host_buf *buf);
uint16_t cl_host_io(uint16_t qid, uint8_t opc, uint64_t slba, uint16_t nlb,
		    struct fcnvme_host_buf *buf);
void cl_prng_seed(const char *test);
void cl_prng_fill(uint8_t *p, size_t n);
void cl_port_limits(uint32_t mdts, uint16_t qsize, uint16_t nq);
void cl_verified_io(uint16_t wq, uint16_t rq, uint64_t slba, uint32_t len);

Suite *cl_suite(const char *name, const TTest *const *tests, size_t n);

Suite *core_loop_suite(void);
Suite *core_loop_limits_suite(void);
Suite *core_loop_zero_copy_suite(void);

#endif
