// SPDX-License-Identifier: Apache-2.0
/*
 * hw_mp's host side harness: drive the host port while waiting for a
 * counter, ask the target process for a command, find the target's
 * remote port, and one FCP I/O (struct io): build its CMD IU and data,
 * submit it, verify its response bytes and data.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcnvme/clock.h>
#include <fcnvme/fc_wire.h>

#include "../unit/check_hw.h"
#include "hw_host.h"
#include "hw_mp.h"

struct hw_host_port *hp;
void *qh[NR_HWQ + 2];

void host_drive(void)
{
	uint16_t q;

	hw_host_port_process(hp);
	for (q = 0; q < NR_HWQ; q++)
		hw_host_poll(hp, q, 256);
}

/* Drive the host until *flag becomes non-zero or ms pass. */
bool host_wait(_Atomic int *flag, int want, int ms)
{
	uint64_t end = fcnvme_clock_ns() + (uint64_t)ms * 1000000u;

	while (fcnvme_clock_ns() < end) {
		host_drive();
		if (atomic_load(flag) >= want)
			return true;
		usleep(200);
	}
	return atomic_load(flag) >= want;
}

int tgt_cmd(int cmd, int ms)
{
	int seq = atomic_load(&sh->cmd_seq) + 1;
	uint64_t end = fcnvme_clock_ns() + (uint64_t)ms * 1000000u;

	atomic_store(&sh->cmd, cmd);
	atomic_store(&sh->cmd_seq, seq);
	while (atomic_load(&sh->cmd_done_seq) != seq && fcnvme_clock_ns() < end) {
		host_drive();
		usleep(200);
	}
	if (atomic_load(&sh->cmd_done_seq) != seq)
		return -ETIMEDOUT;
	return atomic_load(&sh->cmd_rc);
}

struct nvme_fc_remote_port *online_rport(void)
{
	int i;

	for (i = 0; i < hwf_nr_rports; i++)
		if (hwf_rports[i]->port_name == TGT_WWPN &&
		    hwf_rports[i]->port_state == FC_OBJSTATE_ONLINE)
			return hwf_rports[i];
	return NULL;
}

static void io_done(struct nvmefc_fcp_req *req)
{
	struct io *io = (struct io *)req;

	atomic_fetch_add(&io->done, 1);
}

void io_init(struct io *io, uint32_t maxlen, bool dma)
{
	memset(io, 0, sizeof(*io));
	io->dma_buf = dma;
	if (!maxlen)
		return;
	if (dma) {
		if (hwf_host_dev->dma_ops->alloc(hwf_host_dev, maxlen, (void **)&io->buf, &io->dma))
			abort();
	} else {
		io->buf = malloc(maxlen);
		io->dma = (fcnvme_dma_t)(uintptr_t)io->buf; /* not DMA memory */
	}
}

int io_submit(struct io *io, struct nvme_fc_remote_port *rp, uint16_t qid, uint8_t opcode,
	      uint32_t len, uint32_t seed, uint16_t cid)
{
	uint32_t i;

	io->qid = qid;
	io->opcode = opcode;
	io->len = len;
	io->seed = seed;
	io->cid = cid;
	atomic_store(&io->done, 0);
	memset(&io->iu, 0, sizeof(io->iu));
	io->iu.format_id = NVME_CMD_FORMAT_ID;
	io->iu.fc_id = NVME_CMD_FC_ID;
	io->iu.iu_len = cpu_to_be16(24);
	io->iu.rsv_cat = qid ? 0x08 : 0x01;
	io->iu.flags = opcode == HWF_OP_WRITE  ? FCNVME_CMD_FLAGS_WRITE
		       : opcode == HWF_OP_READ ? FCNVME_CMD_FLAGS_READ
					       : 0;
	io->iu.connection_id = cpu_to_be64(0x123456780000ull | qid);
	io->iu.data_len = cpu_to_be32(len);
	io->iu.sqe[0] = opcode;
	memcpy(&io->iu.sqe[2], &cid, 2);
	memcpy(&io->iu.sqe[40], &seed, 4);
	memset(io->rsp, 0xee, sizeof(io->rsp));
	memset(&io->req, 0, sizeof(io->req));
	io->req.cmdaddr = &io->iu;
	io->req.cmdlen = sizeof(io->iu);
	io->req.rspaddr = io->rsp;
	io->req.rsplen = sizeof(io->rsp);
	io->req.done = io_done;
	io->req.sqid = qid;
	if (len) {
		if (opcode == HWF_OP_WRITE)
			for (i = 0; i < len; i++)
				io->buf[i] = hwf_pattern(seed, i);
		else
			memset(io->buf, 0, len);
		io->sg.addr = io->buf;
		io->sg.dma = io->dma;
		io->sg.length = len;
		io->req.first_sgl = &io->sg;
		io->req.sg_table.sgl = &io->sg;
		io->req.sg_table.nents = 1;
		io->req.sg_cnt = 1;
		io->req.payload_length = len;
		io->req.io_dir = opcode == HWF_OP_WRITE	 ? NVMEFC_FCP_WRITE
				 : opcode == HWF_OP_READ ? NVMEFC_FCP_READ
							 : NVMEFC_FCP_NODATA;
	}
	return hwf_host_tmpl->fcp_io(hw_host_port_localport(hp), rp,
				     qh[qid <= NR_HWQ + 1 ? qid : 0], &io->req);
}

/* Check a completed I/O's status, response bytes and data. Returns 0 if ok. */
int io_verify(struct io *io, bool report)
{
	struct nvme_fc_ersp_iu want;
	uint32_t dw0 = 0, i;
	int bad = 0;

	if (io->req.status != 0) {
		if (report)
			fprintf(stderr, "io op %u len %u: status %d\n", io->opcode, io->len,
				(int)io->req.status);
		return -1;
	}
	if (io->opcode == HWF_OP_NODATA) {
		static const uint8_t zero[12];

		if (io->req.rcv_rsplen != 12 || memcmp(io->rsp, zero, 12))
			bad = 1;
		return bad ? -1 : 0;
	}
	if (io->opcode == HWF_OP_WRITE)
		dw0 = hwf_fnv_pattern(io->seed, io->len);
	else
		dw0 = io->seed;
	memset(&want, 0, sizeof(want));
	want.iu_len = cpu_to_be16(8);
	want.rsn = cpu_to_be32(2);
	want.xfrd_len = cpu_to_be32(io->len);
	memcpy(&want.cqe[0], &dw0, 4);
	memcpy(&want.cqe[12], &io->cid, 2);
	if (io->req.rcv_rsplen != 32 || memcmp(io->rsp, &want, 32) ||
	    io->req.transferred_length != io->len) {
		if (report)
			fprintf(stderr, "io op %u: rsplen %u xfrd %u rsp mismatch\n", io->opcode,
				io->req.rcv_rsplen, io->req.transferred_length);
		return -1;
	}
	if (io->opcode == HWF_OP_READ)
		for (i = 0; i < io->len; i++)
			if (io->buf[i] != hwf_pattern(io->seed, i)) {
				if (report)
					fprintf(stderr, "read data mismatch at %u\n", i);
				return -1;
			}
	return 0;
}

int io_run(struct io *io, struct nvme_fc_remote_port *rp, uint16_t qid, uint8_t opcode,
	   uint32_t len, uint32_t seed, int ms)
{
	int rc = io_submit(io, rp, qid, opcode, len, seed, (uint16_t)(seed & 0xffff));

	if (rc)
		return rc;
	if (!host_wait(&io->done, 1, ms))
		return -ETIMEDOUT;
	return 0;
}
