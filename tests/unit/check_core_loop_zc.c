// SPDX-License-Identifier: Apache-2.0
/*
 * Zero-copy Reads of the ram backend end to end (issue 20,
 * core_loop_harness.c): data sent from the image when the LLDD sets
 * NVMET_FCTGTFEAT_DATA_VADDR, copied when it does not, and the namespace
 * kept until the transport has sent the data.
 */
#include <check.h>
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "core_loop_harness.h"

static bool in_range(const void *p, const uint8_t *base, size_t len)
{
	return (const uint8_t *)p >= base && (const uint8_t *)p < base + len;
}

/* With NVMET_FCTGTFEAT_DATA_VADDR on the loop's target port, a Read of the
 * ram namespace is sent from the image: the sg the LLDD gets points into it
 * (a Write Zeroes, which moves no data, changes the bytes there), the host
 * gets exactly what was written, and every context's next command (a
 * Write, a Read of the null namespace 2 that must see zeroes, an admin
 * Identify) uses the transport's own buffers again: 70 rounds of three
 * commands through a 32-entry queue give every context each transition.
 * Without the flag the Read is copied. Every request gives its namespace
 * back (inflight 0) and the namespace can be deleted. */
START_TEST(test_zero_copy_read)
{
	struct tgt_ns_params np2 = { .nsid = 2, .backend = TGT_BACKEND_NULL, .size = 1 << 20 };
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_buf *w, *r, *id;
	const size_t img_len = LOOP_NS_BLOCKS * 512ull;
	const uint8_t *img;
	struct nvme_command c;
	struct cl_io_res ir;
	char err[128];
	struct sq *sq;
	unsigned int i, j;

	cl_prng_seed("test_zero_copy_read");
	ck_assert_int_eq(tgt_ns_add(cl_T, LOOP_SUBNQN, &np2, err, sizeof(err)), 0);
	cl_lp.ttmpl.target_features |= NVMET_FCTGTFEAT_DATA_VADDR;
	cl_opts(&o, LOOP_HOSTNQN);
	cl_connect(&o);
	ck_assert_int_eq(fcnvme_host_buf_alloc(cl_ctrl, 65536, &w), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(cl_ctrl, 65536, &r), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(cl_ctrl, 4096, &id), 0);

	cl_prng_fill(w->addr, 65536);
	ck_assert_uint_eq(cl_host_io(1, nvme_cmd_write, 8, 128, w), 0);
	memset(r->addr, 0, 65536);
	ck_assert_uint_eq(cl_host_io(1, nvme_cmd_read, 8, 128, r), 0);
	ck_assert_mem_eq(r->addr, w->addr, 65536);
	img = (const uint8_t *)cl_lp.last_read_sg0 - 8 * 512;
	ck_assert_mem_eq(img + 4096, w->addr, 65536);
	ck_assert_uint_eq(cl_host_io(1, nvme_cmd_write_zeroes, 8, 128, NULL), 0);
	for (i = 0; i < 65536; i++)
		ck_assert_uint_eq(img[4096 + i], 0);

	for (i = 0; i < 70; i++) {
		uint64_t slba = (i % 64) * 8;

		cl_prng_fill(w->addr, 4096);
		ck_assert_uint_eq(cl_host_io(1, nvme_cmd_write, slba, 8, w), 0);
		memset(r->addr, 0xee, 4096);
		ck_assert_uint_eq(cl_host_io(1, nvme_cmd_read, slba, 8, r), 0);
		ck_assert_mem_eq(r->addr, w->addr, 4096);
		ck_assert_ptr_eq(cl_lp.last_read_sg0, img + slba * 512);
		memset(r->addr, 0xee, 4096);
		ck_assert_uint_eq(cl_host_io_ns(1, 2, nvme_cmd_read, slba, 8, r), 0);
		for (j = 0; j < 4096; j++)
			ck_assert_uint_eq(((uint8_t *)r->addr)[j], 0);
		ck_assert(!in_range(cl_lp.last_read_sg0, img, img_len));
		if (i % 8)
			continue;
		memset(&c, 0, sizeof(c));
		c.common.opcode = nvme_admin_identify;
		c.common.cdw10 = htole32(NVME_ID_CNS_CTRL);
		memset(id->addr, 0xee, 4096);
		memset(&ir, 0, sizeof(ir));
		ck_assert_int_eq(fcnvme_host_submit(cl_ctrl, 0, &c, id, 0, 4096, cl_io_cb, &ir), 0);
		for (j = 0; j < 1000 && !ir.done; j++)
			cl_pump(1);
		ck_assert_int_eq(ir.done, 1);
		ck_assert_uint_eq(ir.status, 0);
		ck_assert_mem_eq((uint8_t *)id->addr + 4, "CORE0001            ", 20);
	}

	/* The LLDD without the flag: copied through the transport's buffer. */
	cl_lp.ttmpl.target_features &= ~NVMET_FCTGTFEAT_DATA_VADDR;
	cl_prng_fill(w->addr, 65536);
	ck_assert_uint_eq(cl_host_io(1, nvme_cmd_write, 16, 128, w), 0);
	memset(r->addr, 0, 65536);
	ck_assert_uint_eq(cl_host_io(1, nvme_cmd_read, 16, 128, r), 0);
	ck_assert_mem_eq(r->addr, w->addr, 65536);
	ck_assert(!in_range(cl_lp.last_read_sg0, img, img_len));

	for (sq = cl_T->sq_list; sq; sq = sq->assoc_next)
		if (sq->ns) /* I/O queues */
			ck_assert_uint_eq(sq->ns[1].inflight[0] + sq->ns[1].inflight[1], 0);
	ck_assert_int_eq(tgt_ns_del(cl_T, LOOP_SUBNQN, 1, err, sizeof(err)), 0);
	cl_pump(20);
	ck_assert_uint_ne(cl_host_io(1, nvme_cmd_read, 8, 8, r), 0);
	fcnvme_host_buf_free(cl_ctrl, w);
	fcnvme_host_buf_free(cl_ctrl, r);
	fcnvme_host_buf_free(cl_ctrl, id);
	cl_delete_ctrl();
}
END_TEST

/* Deleting the ram namespace while a zero-copy Read's data is still to be
 * sent (the loop moves READDATA later, from its FIFO): the Read has
 * completed in the core, yet the namespace (and its image) stays until the
 * transport's req_data_done; then the host gets the bytes and the namespace
 * goes. (Freed at completion, the image would be unmapped under the
 * transfer.) */
START_TEST(test_zero_copy_read_ns_delete)
{
	struct fcnvme_host_ctrl_opts o;
	struct fcnvme_host_buf *w, *r;
	struct nvme_command c;
	struct cl_io_res res = { 0 };
	char err[128];
	unsigned int i;

	cl_prng_seed("test_zero_copy_read_ns_delete");
	cl_lp.ttmpl.target_features |= NVMET_FCTGTFEAT_DATA_VADDR;
	cl_opts(&o, LOOP_HOSTNQN);
	cl_connect(&o);
	ck_assert_int_eq(fcnvme_host_buf_alloc(cl_ctrl, 65536, &w), 0);
	ck_assert_int_eq(fcnvme_host_buf_alloc(cl_ctrl, 65536, &r), 0);
	cl_prng_fill(w->addr, 65536);
	ck_assert_uint_eq(cl_host_io(1, nvme_cmd_write, 0, 128, w), 0);

	cl_lp.defer_readdata = true;
	memset(r->addr, 0, 65536);
	memset(&c, 0, sizeof(c));
	c.rw.opcode = nvme_cmd_read;
	c.rw.nsid = htole32(1);
	c.rw.length = htole16(127);
	ck_assert_int_eq(fcnvme_host_submit(cl_ctrl, 1, &c, r, 0, 65536, cl_io_cb, &res), 0);
	ck_assert_ptr_nonnull(cl_lp.head); /* the READDATA waits in the FIFO */
	ck_assert_int_eq(tgt_ns_del(cl_T, LOOP_SUBNQN, 1, err, sizeof(err)), 0);
	for (i = 0; i < 10; i++)
		cl_fifo_run();
	ck_assert_uint_eq(cl_T->ns_draining, 1);
	ck_assert_int_eq(res.done, 0);
	for (i = 0; i < 1000 && !res.done; i++)
		cl_pump(1);
	ck_assert_int_eq(res.done, 1);
	ck_assert_uint_eq(res.status, 0);
	ck_assert_mem_eq(r->addr, w->addr, 65536);
	cl_pump(20);
	ck_assert_uint_eq(cl_T->ns_draining, 0);
	cl_lp.defer_readdata = false;
	fcnvme_host_buf_free(cl_ctrl, w);
	fcnvme_host_buf_free(cl_ctrl, r);
	cl_delete_ctrl();
}
END_TEST

Suite *core_loop_zero_copy_suite(void)
{
	const TTest *t[] = { test_zero_copy_read, test_zero_copy_read_ns_delete };

	return cl_suite("core_loop_zero_copy", t, sizeof(t) / sizeof(t[0]));
}
