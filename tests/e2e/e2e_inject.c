// SPDX-License-Identifier: Apache-2.0
/*
 * e2e_inject: puts malformed input in front of a running nvmetfcd for the
 * end-to-end tests. `ls` and `cmd` open their own host port on a software
 * fabric (the host LLDD of hw/, driven directly through its template, so
 * that any bytes can be sent) and send malformed FC-NVMe Link Service
 * requests and FCP CMD IUs to the target port; `limits` sends Link Services
 * at the edges of a port's max_queue_size and max_io_queues (a host that
 * ignores what the controller advertises); `flood` sends Create
 * Associations that never connect (a host port trying to lock others out
 * of a target port); `exhaust` asks for queues the port's DMA memory cannot
 * back; `ctl` sends malformed messages
 * to the control socket. Every case prints one line
 * "NAME: OUTCOME" and is judged against what a correct target must do
 * (LS_RJT for a bad LS, no successful completion for a bad CMD IU, an
 * error reply or a closed connection for a bad control message); the last
 * line is "e2e_inject MODE: N passed, M failed" and the exit status is 0
 * only when all passed. --seed N varies the random cases (random() seed).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <fcnvme/byteorder.h>
#include <fcnvme/clock.h>
#include <fcnvme/fc_wire.h>
#include <fcnvme/nvme_fc_driver.h>

#include "hw_host_priv.h"

static unsigned int n_pass, n_fail;

static void verdict(const char *name, int good, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void verdict(const char *name, int good, const char *fmt, ...)
{
	va_list ap;

	printf("%s %s: ", good ? "ok:  " : "FAIL:", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (good)
		n_pass++;
	else
		n_fail++;
}

/* ---- the fabric side ---------------------------------------------------- */

struct inj {
	struct hw_host_port *p;
	struct nvme_fc_remote_port *rport;
	void *hwqh;
	char hostnqn[FCNVME_ASSOC_HOSTNQN_LEN];
	char subnqn[FCNVME_ASSOC_SUBNQN_LEN];
	uint64_t assoc_id, conn_id; /* from our own Create Association */
};

struct ls_wait {
	struct nvmefc_ls_req req;
	uint8_t rqst[NVME_FC_MAX_LS_RQST_LEN];
	uint8_t rsp[NVME_FC_MAX_LS_RSP_LEN];
	void *priv;
	int done, status;
};

static void ls_done(struct nvmefc_ls_req *req, int status)
{
	struct ls_wait *w = (struct ls_wait *)req;

	w->status = status;
	w->done = 1;
}

static void inj_pump(struct inj *j)
{
	(void)hw_host_port_process(j->p);
	(void)hw_host_poll(j->p, 0, 64);
}

/* Send an LS; 0 with *rsp filled when an answer came, -errno otherwise. */
static int inj_ls(struct inj *j, const void *buf, uint32_t len, uint8_t *rsp)
{
	static struct ls_wait w;
	uint64_t end;
	int rc;

	memset(&w, 0, sizeof(w));
	memcpy(w.rqst, buf, len);
	w.req.rqstaddr = w.rqst;
	w.req.rqstlen = len;
	w.req.rspaddr = w.rsp;
	w.req.rsplen = sizeof(w.rsp);
	w.req.timeout = 5;
	w.req.done = ls_done;
	w.priv = calloc(1, j->p->tmpl.lsrqst_priv_sz + 8);
	w.req.private = w.priv;
	rc = j->p->tmpl.ls_req(j->p->lport, j->rport, &w.req);
	if (rc) {
		free(w.priv);
		return rc;
	}
	end = fcnvme_clock_ms() + 8000;
	while (!w.done && fcnvme_clock_ms() < end) {
		inj_pump(j);
		usleep(1000);
	}
	if (!w.done) {
		j->p->tmpl.ls_abort(j->p->lport, j->rport, &w.req);
		end = fcnvme_clock_ms() + 2000;
		while (!w.done && fcnvme_clock_ms() < end) {
			inj_pump(j);
			usleep(1000);
		}
		if (!w.done)
			return -ETIMEDOUT; /* leak w.priv: the LLDD may hold it */
	}
	free(w.priv);
	if (w.status)
		return w.status < 0 ? w.status : -EIO;
	memcpy(rsp, w.rsp, sizeof(w.rsp));
	return 0;
}

/* A malformed LS must get an LS_RJT. */
static void expect_rjt(struct inj *j, const char *name, const void *buf, uint32_t len)
{
	uint8_t rsp[NVME_FC_MAX_LS_RSP_LEN];
	const struct fcnvme_ls_rjt *r = (const void *)rsp;
	int rc = inj_ls(j, buf, len, rsp);

	if (rc) {
		verdict(name, 0, "no answer (%s), expected LS_RJT", strerror(-rc));
		return;
	}
	if (r->w0.ls_cmd != FCNVME_LS_RJT) {
		verdict(name, 0, "answered ls_cmd %u, expected LS_RJT", r->w0.ls_cmd);
		return;
	}
	verdict(name, 1, "LS_RJT reason 0x%02x explanation 0x%02x", r->rjt.reason_code,
		r->rjt.reason_explanation);
}

static uint32_t build_cra(struct inj *j, uint8_t *buf, uint16_t ersp, uint16_t sqsize)
{
	struct fcnvme_ls_cr_assoc_rqst *q = (void *)buf;
	uint32_t len = (uint32_t)FCNVME_LSDESC_CRA_RQST_MINLEN;

	memset(buf, 0, NVME_FC_MAX_LS_RQST_LEN);
	q->w0.ls_cmd = FCNVME_LS_CREATE_ASSOCIATION;
	q->desc_list_len = cpu_to_be32((uint32_t)FCNVME_LSDESC_CRA_CMD_DESC_MINLEN);
	q->assoc_cmd.desc_tag = cpu_to_be32(FCNVME_LSDESC_CREATE_ASSOC_CMD);
	q->assoc_cmd.desc_len = cpu_to_be32((uint32_t)FCNVME_LSDESC_CRA_CMD_DESC_MIN_DESCLEN);
	q->assoc_cmd.ersp_ratio = cpu_to_be16(ersp);
	q->assoc_cmd.cntlid = cpu_to_be16(0xffff);
	q->assoc_cmd.sqsize = cpu_to_be16(sqsize);
	q->assoc_cmd.hostid[0] = 0x11;
	q->assoc_cmd.hostid[15] = 0x22;
	memcpy(q->assoc_cmd.hostnqn, j->hostnqn, strlen(j->hostnqn));
	memcpy(q->assoc_cmd.subnqn, j->subnqn, strlen(j->subnqn));
	return len;
}

static uint32_t build_crc(uint8_t *buf, uint64_t assoc, uint16_t qid, uint16_t sqsize)
{
	struct fcnvme_ls_cr_conn_rqst *q = (void *)buf;

	memset(buf, 0, NVME_FC_MAX_LS_RQST_LEN);
	q->w0.ls_cmd = FCNVME_LS_CREATE_CONNECTION;
	q->desc_list_len = cpu_to_be32(sizeof(*q) - 8);
	q->associd.desc_tag = cpu_to_be32(FCNVME_LSDESC_ASSOC_ID);
	q->associd.desc_len = fcnvme_lsdesc_len(sizeof(q->associd));
	q->associd.association_id = cpu_to_be64(assoc);
	q->connect_cmd.desc_tag = cpu_to_be32(FCNVME_LSDESC_CREATE_CONN_CMD);
	q->connect_cmd.desc_len = fcnvme_lsdesc_len(sizeof(q->connect_cmd));
	q->connect_cmd.ersp_ratio = cpu_to_be16(4);
	q->connect_cmd.qid = cpu_to_be16(qid);
	q->connect_cmd.sqsize = cpu_to_be16(sqsize);
	return sizeof(*q);
}

static uint32_t build_disc(uint8_t *buf, uint64_t assoc)
{
	struct fcnvme_ls_disconnect_assoc_rqst *q = (void *)buf;

	memset(buf, 0, NVME_FC_MAX_LS_RQST_LEN);
	q->w0.ls_cmd = FCNVME_LS_DISCONNECT_ASSOC;
	q->desc_list_len = cpu_to_be32(sizeof(*q) - 8);
	q->associd.desc_tag = cpu_to_be32(FCNVME_LSDESC_ASSOC_ID);
	q->associd.desc_len = fcnvme_lsdesc_len(sizeof(q->associd));
	q->associd.association_id = cpu_to_be64(assoc);
	q->discon_cmd.desc_tag = cpu_to_be32(FCNVME_LSDESC_DISCONN_CMD);
	q->discon_cmd.desc_len = fcnvme_lsdesc_len(sizeof(q->discon_cmd));
	return sizeof(*q);
}

/* Our own well-formed association: the malformed CMD IUs go to its admin
 * connection, the malformed Create Connections name it. */
static int inj_assoc(struct inj *j)
{
	uint8_t buf[NVME_FC_MAX_LS_RQST_LEN], rsp[NVME_FC_MAX_LS_RSP_LEN];
	const struct fcnvme_ls_cr_assoc_acc *a = (const void *)rsp;
	uint32_t len = build_cra(j, buf, 4, 31);
	int rc = inj_ls(j, buf, len, rsp);

	if (rc || a->hdr.w0.ls_cmd != FCNVME_LS_ACC) {
		verdict("valid Create Association", 0, "rc %d ls_cmd %u", rc,
			rc ? 0 : a->hdr.w0.ls_cmd);
		return -EIO;
	}
	j->assoc_id = be64_to_cpu(a->associd.association_id);
	j->conn_id = be64_to_cpu(a->connectid.connection_id);
	verdict("valid Create Association", 1, "LS_ACC, association 0x%016llx",
		(unsigned long long)j->assoc_id);
	return 0;
}

static void run_ls(struct inj *j, unsigned int nrandom, unsigned int seed)
{
	uint8_t buf[NVME_FC_MAX_LS_RQST_LEN];
	struct fcnvme_ls_cr_assoc_rqst *cra = (void *)buf;
	uint32_t len;
	unsigned int i, k;

	memset(buf, 0, sizeof(buf));
	buf[0] = FCNVME_LS_CREATE_ASSOCIATION;
	expect_rjt(j, "LS of 4 bytes", buf, 4);
	buf[0] = 0x7e;
	expect_rjt(j, "unknown LS command 0x7e", buf, 64);
	buf[0] = FCNVME_LS_ACC;
	expect_rjt(j, "LS_ACC sent as a request", buf, 64);
	buf[0] = FCNVME_LS_RSVD;
	expect_rjt(j, "reserved LS command 0", buf, 64);

	len = build_cra(j, buf, 4, 31);
	expect_rjt(j, "Create Association truncated to 100 bytes", buf, 100);
	build_cra(j, buf, 4, 31);
	cra->desc_list_len = cpu_to_be32(12);
	expect_rjt(j, "Create Association, desc_list_len 12", buf, len);
	build_cra(j, buf, 4, 31);
	cra->assoc_cmd.desc_tag = cpu_to_be32(FCNVME_LSDESC_DISCONN_CMD);
	expect_rjt(j, "Create Association, wrong descriptor tag", buf, len);
	build_cra(j, buf, 4, 31);
	cra->assoc_cmd.desc_len = cpu_to_be32(8);
	expect_rjt(j, "Create Association, desc_len 8", buf, len);
	build_cra(j, buf, 32, 31);
	expect_rjt(j, "Create Association, ersp_ratio >= sqsize", buf, len);
	build_cra(j, buf, 0, 0);
	expect_rjt(j, "Create Association, sqsize 0", buf, len);
	build_cra(j, buf, 4, 31);
	memset(cra->assoc_cmd.subnqn, 'x', FCNVME_ASSOC_SUBNQN_LEN);
	expect_rjt(j, "Create Association, subnqn without NUL", buf, len);

	len = build_crc(buf, 0x1234567800000000ull, 1, 31);
	expect_rjt(j, "Create Connection, unknown association", buf, len);
	len = build_disc(buf, 0x1234567800000000ull);
	expect_rjt(j, "Disconnect, unknown association", buf, len);
	if (inj_assoc(j) == 0) {
		len = build_crc(buf, j->assoc_id, 0, 31);
		expect_rjt(j, "Create Connection, qid 0", buf, len);
		len = build_crc(buf, j->assoc_id, 1, 0);
		expect_rjt(j, "Create Connection, sqsize 0", buf, len);
		len = build_crc(buf, j->assoc_id, 1, 31);
		expect_rjt(j, "Create Connection truncated to 40 bytes", buf, 40);
		len = build_disc(buf, j->assoc_id);
		buf[len - 1] = 0;
		((struct fcnvme_ls_disconnect_assoc_rqst *)buf)->desc_list_len = cpu_to_be32(4);
		expect_rjt(j, "Disconnect, desc_list_len 4", buf, len);
		len = build_disc(buf, j->assoc_id);
		{
			uint8_t rsp[NVME_FC_MAX_LS_RSP_LEN];
			int rc = inj_ls(j, buf, len, rsp);

			verdict("valid Disconnect of our association",
				rc == 0 && rsp[0] == FCNVME_LS_ACC, "rc %d ls_cmd %u", rc,
				rc ? 0 : rsp[0]);
		}
	}
	/* random bytes behind each valid LS command code */
	srandom(seed);
	for (i = 0; i < nrandom; i++) {
		char name[64];

		len = 8 + (uint32_t)(random() % (NVME_FC_MAX_LS_RQST_LEN - 8));
		for (k = 0; k < len; k++)
			buf[k] = (uint8_t)random();
		buf[0] = (uint8_t)(FCNVME_LS_CREATE_ASSOCIATION + i % 4);
		buf[1] = buf[2] = buf[3] = 0;
		snprintf(name, sizeof(name), "random LS %u (cmd %u, %u bytes)", i, buf[0], len);
		expect_rjt(j, name, buf, len);
	}
}

/* ---- CMD IUs ------------------------------------------------------------ */

struct fcp_wait {
	struct nvmefc_fcp_req req;
	struct nvme_fc_cmd_iu iu;
	uint8_t rsp[32];
	int done;
};

static void fcp_done(struct nvmefc_fcp_req *req)
{
	((struct fcp_wait *)req)->done = 1;
}

/* A malformed CMD IU must not complete successfully; it may be rejected
 * with an error response, aborted, or dropped (the host then times out). */
static void expect_no_success(struct inj *j, const char *name, const struct nvme_fc_cmd_iu *iu,
			      int want_nvme_error)
{
	static struct fcp_wait w;
	uint64_t end;
	uint16_t sf = 0;
	void *priv;
	int rc;

	memset(&w, 0, sizeof(w));
	w.iu = *iu;
	w.req.cmdaddr = &w.iu;
	w.req.cmdlen = sizeof(w.iu);
	w.req.rspaddr = w.rsp;
	w.req.rsplen = sizeof(w.rsp);
	w.req.io_dir = NVMEFC_FCP_NODATA;
	w.req.done = fcp_done;
	priv = calloc(1, j->p->tmpl.fcprqst_priv_sz + 8);
	w.req.private = priv;
	rc = j->p->tmpl.fcp_io(j->p->lport, j->rport, j->hwqh, &w.req);
	if (rc) {
		verdict(name, 0, "the host LLDD refused to send it (%s)", strerror(-rc));
		free(priv);
		return;
	}
	end = fcnvme_clock_ms() + 15000;
	while (!w.done && fcnvme_clock_ms() < end) {
		inj_pump(j);
		usleep(1000);
	}
	if (!w.done) {
		verdict(name, 0, "never completed, not even by the host timeout");
		return; /* leak priv: still owned by the LLDD */
	}
	free(priv);
	if (w.req.rcv_rsplen == sizeof(struct nvme_fc_ersp_iu)) {
		const struct nvme_fc_ersp_iu *e = (const void *)w.rsp;

		sf = (uint16_t)(e->cqe[14] | (e->cqe[15] << 8));
	}
	if (w.req.status == 0 && w.req.rcv_rsplen == NVME_FC_SIZEOF_ZEROS_RSP) {
		verdict(name, 0, "completed with a success response");
		return;
	}
	if (w.req.status == 0 && w.req.rcv_rsplen == 32 && (sf >> 1) == 0) {
		verdict(name, 0, "completed with an ERSP of status 0");
		return;
	}
	if (want_nvme_error && !(w.req.status == 0 && (sf >> 1))) {
		verdict(name, 0,
			"transport status %d, response %u bytes: expected an NVMe error status",
			(int)w.req.status, w.req.rcv_rsplen);
		return;
	}
	verdict(name, 1, "transport status %d, response %u bytes, NVMe status 0x%x",
		(int)w.req.status, w.req.rcv_rsplen, sf >> 1);
}

static void base_iu(struct inj *j, struct nvme_fc_cmd_iu *iu, uint8_t opcode)
{
	memset(iu, 0, sizeof(*iu));
	iu->format_id = NVME_CMD_FORMAT_ID;
	iu->fc_id = NVME_CMD_FC_ID;
	iu->iu_len = cpu_to_be16(sizeof(*iu) / 4);
	iu->rsv_cat = FCNVME_CMD_CAT_ADMINQ;
	iu->connection_id = cpu_to_be64(j->conn_id);
	iu->csn = cpu_to_be32(1);
	iu->sqe[0] = opcode;
	iu->sqe[2] = 7; /* command id */
}

static void run_cmd(struct inj *j)
{
	struct nvme_fc_cmd_iu iu;

	if (j->p->tmpl.create_queue(j->p->lport, 0, 32, &j->hwqh)) {
		verdict("create queue", 0, "failed");
		return;
	}
	if (inj_assoc(j))
		return;
	base_iu(j, &iu, 0x18); /* Keep Alive */
	iu.connection_id = cpu_to_be64(0x0badc0de00000000ull);
	expect_no_success(j, "CMD IU for an unknown connection", &iu, 0);
	base_iu(j, &iu, 0x18);
	iu.format_id = 0x00;
	expect_no_success(j, "CMD IU with format id 0x00", &iu, 0);
	base_iu(j, &iu, 0x18);
	iu.fc_id = 0x08;
	expect_no_success(j, "CMD IU with FC id 0x08 (SCSI)", &iu, 0);
	base_iu(j, &iu, 0x18);
	iu.iu_len = cpu_to_be16(23);
	expect_no_success(j, "CMD IU with iu_len 23", &iu, 0);
	base_iu(j, &iu, 0x18);
	iu.flags = FCNVME_CMD_FLAGS_WRITE | FCNVME_CMD_FLAGS_READ;
	expect_no_success(j, "CMD IU with both READ and WRITE flags", &iu, 0);
	base_iu(j, &iu, 0x06); /* Identify: reads 4 KiB */
	iu.flags = FCNVME_CMD_FLAGS_WRITE;
	iu.data_len = cpu_to_be32(4096);
	expect_no_success(j, "Identify with WRITE direction and no data", &iu, 0);
	base_iu(j, &iu, 0x18); /* before Connect: sequence error */
	expect_no_success(j, "Keep Alive before Connect", &iu, 1);
	base_iu(j, &iu, 0xee);
	expect_no_success(j, "unknown admin opcode 0xee before Connect", &iu, 1);
	base_iu(j, &iu, 0x7f); /* Fabrics */
	iu.sqe[4] = 0x7e;      /* unknown fctype */
	expect_no_success(j, "Fabrics command with unknown fctype", &iu, 1);
	base_iu(j, &iu, 0x7f);
	iu.sqe[4] = 0x01; /* Connect without its 1 KiB of data */
	expect_no_success(j, "Connect without data", &iu, 0);
}

/* ---- control socket ----------------------------------------------------- */

/* Send one message on a fresh connection; 1 when answered with an error
 * (nlmsg_type 2, error < 0) or the connection was closed. */
static void ctl_case(const char *sock, const char *name, const void *msg, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint8_t rsp[8192];
	struct pollfd pfd;
	ssize_t n;
	int fd;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		verdict(name, 0, "cannot connect to %s: %s", sock, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	if (send(fd, msg, len, MSG_NOSIGNAL) != (ssize_t)len) {
		verdict(name, 1, "send refused: %s", strerror(errno));
		close(fd);
		return;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 3000) <= 0) {
		verdict(name, 0, "no reply and no close within 3 s");
		close(fd);
		return;
	}
	n = recv(fd, rsp, sizeof(rsp), 0);
	close(fd);
	if (n <= 0) {
		verdict(name, 1, "connection closed");
		return;
	}
	if (n >= 20) {
		uint16_t type;
		int32_t err;

		memcpy(&type, rsp + 4, 2);
		memcpy(&err, rsp + 16, 4);
		if (type == 2 && err < 0) {
			verdict(name, 1, "error reply %d (%s)", err, strerror(-err));
			return;
		}
		verdict(name, 0, "reply of type %u, error %d: expected an error", type, err);
		return;
	}
	verdict(name, 0, "short reply of %zd bytes", n);
}

static void run_ctl(const char *sock, unsigned int nrandom, unsigned int seed)
{
	uint8_t m[512];
	uint32_t u32;
	uint16_t u16;
	unsigned int i, k;

	memset(m, 0, sizeof(m));
	ctl_case(sock, "3 bytes", "abc", 3);
	u32 = 1000;
	memcpy(m, &u32, 4);
	ctl_case(sock, "nlmsg_len 1000 in a 16-byte message", m, 16);
	u32 = 8;
	memcpy(m, &u32, 4);
	ctl_case(sock, "nlmsg_len 8 (below the header)", m, 16);
	u32 = 20;
	memcpy(m, &u32, 4);
	u16 = 0x7777;
	memcpy(m + 4, &u16, 2);
	ctl_case(sock, "unknown message type 0x7777", m, 20);
	u32 = 20;
	memcpy(m, &u32, 4);
	u16 = 0x10; /* first dynamic family id */
	memcpy(m + 4, &u16, 2);
	u16 = 1; /* NLM_F_REQUEST */
	memcpy(m + 6, &u16, 2);
	m[16] = 0xee; /* unknown command */
	m[17] = 0x7f; /* unknown version */
	ctl_case(sock, "unknown command 0xee, version 0x7f", m, 20);
	u32 = 28;
	memcpy(m, &u32, 4);
	m[16] = 1;
	m[17] = 1;
	u16 = 0xffff; /* attribute longer than the message */
	memcpy(m + 20, &u16, 2);
	ctl_case(sock, "attribute length 0xffff", m, 28);
	srandom(seed);
	for (i = 0; i < nrandom; i++) {
		char name[64];
		uint32_t len = 16 + (uint32_t)(random() % 200);

		for (k = 0; k < len; k++)
			m[k] = (uint8_t)random();
		memcpy(m, &len, 4);
		m[4] = 0x10; /* the family range, so it is parsed */
		m[5] = 0;
		snprintf(name, sizeof(name), "random control message %u (%u bytes)", i, len);
		ctl_case(sock, name, m, len);
	}
}

/* An LS must get exactly this LS_RJT (reason, explanation), or an ACC
 * when reason is 0; returns 0 for a correct answer. */
static int expect_answer(struct inj *j, const char *name, const void *buf, uint32_t len,
			 uint8_t reason, uint8_t explan, uint8_t *rsp)
{
	const struct fcnvme_ls_rjt *r = (const void *)rsp;
	int rc = inj_ls(j, buf, len, rsp);

	if (rc) {
		verdict(name, 0, "no answer (%s)", strerror(-rc));
		return -EIO;
	}
	if (!reason) {
		verdict(name, r->w0.ls_cmd == FCNVME_LS_ACC, "ls_cmd %u, want LS_ACC",
			r->w0.ls_cmd);
		return r->w0.ls_cmd == FCNVME_LS_ACC ? 0 : -EIO;
	}
	if (r->w0.ls_cmd != FCNVME_LS_RJT || r->rjt.reason_code != reason ||
	    r->rjt.reason_explanation != explan) {
		verdict(name, 0,
			"ls_cmd %u reason 0x%02x explanation 0x%02x, want LS_RJT 0x%02x/0x%02x",
			r->w0.ls_cmd, r->rjt.reason_code, r->rjt.reason_explanation, reason,
			explan);
		return -EIO;
	}
	verdict(name, 1, "LS_RJT reason 0x%02x explanation 0x%02x", reason, explan);
	return 0;
}

/* The port's limits at the LS level: the admin queue takes Linux's 32
 * entries whatever max_queue_size is, and no more than max(max_queue_size,
 * 32); I/O queues take max_queue_size entries and qids up to
 * max_io_queues (beyond: RJT LOGIC, as nvmet-fc's failed allocation). */
static void run_limits(struct inj *j, unsigned int qsize, unsigned int nq)
{
	uint8_t buf[NVME_FC_MAX_LS_RQST_LEN], rsp[NVME_FC_MAX_LS_RSP_LEN];
	unsigned int aq = qsize > 32 ? qsize : 32;
	uint32_t len;

	len = build_cra(j, buf, 4, (uint16_t)aq);
	expect_answer(j, "admin queue above max(max_queue_size, 32)", buf, len,
		      FCNVME_RJT_RC_INV_PARAM, FCNVME_RJT_EXP_INV_SQSIZE, rsp);
	if (inj_assoc(j))
		return;
	len = build_crc(buf, j->assoc_id, (uint16_t)(nq + 1), (uint16_t)(qsize - 1));
	expect_answer(j, "qid above max_io_queues", buf, len, FCNVME_RJT_RC_LOGIC,
		      FCNVME_RJT_EXP_NONE, rsp);
	len = build_crc(buf, j->assoc_id, 1, (uint16_t)qsize);
	expect_answer(j, "I/O queue above max_queue_size", buf, len, FCNVME_RJT_RC_INV_PARAM,
		      FCNVME_RJT_EXP_INV_SQSIZE, rsp);
	/* at most 32 entries: every entry costs an mdts-sized buffer */
	len = build_crc(buf, j->assoc_id, (uint16_t)nq, (uint16_t)(qsize < 32 ? qsize - 1 : 31));
	expect_answer(j, "I/O queue max_io_queues within max_queue_size", buf, len, 0, 0, rsp);
	len = build_disc(buf, j->assoc_id);
	expect_answer(j, "Disconnect Association", buf, len, 0, 0, rsp);
}

/* An LS the target must accept while it has room (admit) and refuse with
 * Insufficient Resources once it has none. */
static void expect_admission(struct inj *j, const char *name, const void *buf, uint32_t len,
			     bool admit, uint8_t *rsp)
{
	if (admit)
		expect_answer(j, name, buf, len, 0, 0, rsp);
	else
		expect_answer(j, name, buf, len, FCNVME_RJT_RC_INSUF_RES, FCNVME_RJT_EXP_NONE, rsp);
}

/* A host port that can log in but never connects: `count` Create
 * Associations and no Connect. The target holds at most `allowed` of them
 * (ACC) and refuses the rest with Insufficient Resources; the port then
 * stays logged in for `hold` seconds (answering the target's Disconnect
 * LSs when it deletes the associations that never connected). */
static void run_flood(struct inj *j, unsigned int count, unsigned int allowed, unsigned int hold)
{
	uint8_t buf[NVME_FC_MAX_LS_RQST_LEN], rsp[NVME_FC_MAX_LS_RSP_LEN];
	unsigned int i;
	uint32_t len;
	uint64_t end;

	for (i = 0; i < count; i++) {
		char name[64];

		snprintf(name, sizeof(name), "unconnected Create Association %u", i + 1);
		len = build_cra(j, buf, 4, 31);
		expect_admission(j, name, buf, len, i < allowed, rsp);
	}
	end = fcnvme_clock_ms() + (uint64_t)hold * 1000;
	while (fcnvme_clock_ms() < end) {
		inj_pump(j);
		usleep(1000);
	}
}

/* Queues the port's DMA memory cannot back: one association, then `count`
 * Create Connections of `sqsize` (0's based); the first `allowed` are
 * accepted, the rest get Insufficient Resources; then Disconnect. */
static void run_exhaust(struct inj *j, unsigned int count, unsigned int allowed,
			unsigned int sqsize)
{
	uint8_t buf[NVME_FC_MAX_LS_RQST_LEN], rsp[NVME_FC_MAX_LS_RSP_LEN];
	unsigned int i;
	uint32_t len;

	if (inj_assoc(j))
		return;
	for (i = 0; i < count; i++) {
		char name[64];

		snprintf(name, sizeof(name), "Create Connection qid %u sqsize %u", i + 1, sqsize);
		len = build_crc(buf, j->assoc_id, (uint16_t)(i + 1), (uint16_t)sqsize);
		expect_admission(j, name, buf, len, i < allowed, rsp);
	}
	len = build_disc(buf, j->assoc_id);
	expect_answer(j, "Disconnect Association", buf, len, 0, 0, rsp);
}

/* ---- main --------------------------------------------------------------- */

static int usage(void)
{
	fprintf(stderr,
		"usage: e2e_inject ls|cmd --fabric F --shm-dir D --wwnn W --wwpn W\n"
		"                  --target WWPN --hostnqn NQN --subnqn NQN [--random N] [--seed N]\n"
		"       e2e_inject limits (same) --max-queue-size N --max-io-queues N\n"
		"       e2e_inject flood (same) --count N --allowed N --hold SECS\n"
		"       e2e_inject exhaust (same) --count N --allowed N --sqsize N\n"
		"       e2e_inject ctl --socket PATH [--random N] [--seed N]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "fabric", 1, NULL, 'f' },
					      { "shm-dir", 1, NULL, 'd' },
					      { "wwnn", 1, NULL, 'n' },
					      { "wwpn", 1, NULL, 'p' },
					      { "target", 1, NULL, 't' },
					      { "hostnqn", 1, NULL, 'h' },
					      { "subnqn", 1, NULL, 's' },
					      { "random", 1, NULL, 'r' },
					      { "socket", 1, NULL, 'S' },
					      { "max-queue-size", 1, NULL, 'Q' },
					      { "max-io-queues", 1, NULL, 'N' },
					      { "seed", 1, NULL, 'e' },
					      { "count", 1, NULL, 'c' },
					      { "allowed", 1, NULL, 'a' },
					      { "hold", 1, NULL, 'H' },
					      { "sqsize", 1, NULL, 'z' },
					      { NULL, 0, NULL, 0 } };
	struct hw_host_port_cfg cfg = { .nr_hwq = 1, .queue_depth = 32, .fcp_timeout_ms = 3000 };
	const char *mode, *fabric = NULL, *sock = NULL;
	char dev[256];
	uint64_t target = 0;
	unsigned int nrandom = 20, qsize = 0, nq = 0, seed = 0;
	unsigned int count = 0, allowed = 0, hold = 0, sqsize = 0;
	bool seeded = false;
	struct inj j;
	struct hw_host_rport *rp;
	struct hw_rport *r;
	int c, rc;

	memset(&j, 0, sizeof(j));
	if (argc < 2)
		return usage();
	mode = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fabric = optarg;
			break;
		case 'd':
			cfg.shm_dir = optarg;
			break;
		case 'n':
			cfg.wwnn = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			cfg.wwpn = strtoull(optarg, NULL, 0);
			break;
		case 't':
			target = strtoull(optarg, NULL, 0);
			break;
		case 'h':
			snprintf(j.hostnqn, sizeof(j.hostnqn), "%s", optarg);
			break;
		case 's':
			snprintf(j.subnqn, sizeof(j.subnqn), "%s", optarg);
			break;
		case 'r':
			nrandom = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'S':
			sock = optarg;
			break;
		case 'e':
			seed = (unsigned int)strtoul(optarg, NULL, 0);
			seeded = true;
			break;
		case 'Q':
			qsize = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'N':
			nq = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'c':
			count = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'a':
			allowed = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'H':
			hold = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'z':
			sqsize = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		default:
			return usage();
		}
	}
	if (strcmp(mode, "ctl") == 0) {
		if (!sock)
			return usage();
		run_ctl(sock, nrandom, seeded ? seed : 777);
		goto out;
	}
	if ((strcmp(mode, "ls") && strcmp(mode, "cmd") && strcmp(mode, "limits") &&
	     strcmp(mode, "flood") && strcmp(mode, "exhaust")) ||
	    !fabric || !target || !cfg.wwnn || !cfg.wwpn || !j.hostnqn[0] || !j.subnqn[0])
		return usage();
	if (!strcmp(mode, "limits") && (qsize < 2 || qsize > 65535 || !nq || nq > 127))
		return usage();
	if (!strcmp(mode, "flood") && (!count || count > 1000 || allowed > count || hold > 600))
		return usage();
	if (!strcmp(mode, "exhaust") &&
	    (!count || count > 127 || allowed > count || !sqsize || sqsize > 65534))
		return usage();
	snprintf(dev, sizeof(dev), "soft:%s", fabric);
	cfg.dev = dev;
	rc = hw_host_port_open(&cfg, &j.p);
	if (rc) {
		fprintf(stderr, "e2e_inject: cannot open host port on %s: %s\n", dev,
			strerror(-rc));
		return 1;
	}
	for (r = j.p->rports.list; r; r = r->next) {
		rp = (struct hw_host_rport *)r;
		if (r->info.wwpn == target && rp->rport &&
		    atomic_load(&r->state) == HW_RPORT_ONLINE)
			j.rport = rp->rport;
	}
	if (!j.rport) {
		fprintf(stderr, "e2e_inject: target port 0x%016llx not logged in\n",
			(unsigned long long)target);
		hw_host_port_close(j.p);
		return 1;
	}
	if (strcmp(mode, "ls") == 0)
		run_ls(&j, nrandom, seeded ? seed : 12345);
	else if (strcmp(mode, "limits") == 0)
		run_limits(&j, qsize, nq);
	else if (strcmp(mode, "flood") == 0)
		run_flood(&j, count, allowed, hold);
	else if (strcmp(mode, "exhaust") == 0)
		run_exhaust(&j, count, allowed, sqsize);
	else
		run_cmd(&j);
	hw_host_port_close(j.p);
out:
	printf("e2e_inject %s: %u passed, %u failed\n", mode, n_pass, n_fail);
	return n_fail ? 1 : 0;
}
