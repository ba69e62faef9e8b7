// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme resv-register, resv-acquire, resv-release, resv-report: the NVMe
 * Reservation commands (NVMe Base 2.0 §7.6-7.9) with nvme-cli's option
 * names and letters (man nvme-resv-register etc.), sent on I/O queue 1 of
 * a controller of --nqn. Report asks for the extended data structure (the
 * host identifiers of NVMe over Fabrics are 128 bits; --eds is accepted
 * for nvme-cli's spelling) and prints it as nvme-cli does, or as JSON.
 */
#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <fcnvme/hex.h>

#include <json-c/json.h>

#include "fcnvme.h"

#define OPT_NSID                                                                           \
	{                                                                                  \
		"--namespace-id", "-n", "NSID", "The namespace (default 1).", NULL, 0, 'n' \
	}
#define OPT_CRKEY                                                                \
	{                                                                        \
		"--crkey", "-c", "KEY", "Current reservation key.", NULL, 0, 'c' \
	}
#define OPT_IEKEY                                                                                 \
	{                                                                                         \
		"--iekey", "-i", NULL,                                                            \
			"Ignore the existing key (the current key is not checked).", NULL, 0, 'i' \
	}
#define OPT_RTYPE                                                                                    \
	{                                                                                            \
		"--rtype", "-t", "TYPE",                                                             \
			"Reservation type: 1 Write Exclusive, 2 Exclusive Access, 3/4 the same for " \
			"Registrants Only, 5/6 for All Registrants.",                                \
			NULL, 0, 't'                                                                 \
	}

const struct cli_opt fcnvme_resv_register_opts[] = {
	OPT_NSID,
	OPT_CRKEY,
	{ "--nrkey", "-k", "KEY", "New reservation key.", NULL, 0, 'k' },
	{ "--rrega", "-r", "ACTION", "0 register, 1 unregister, 2 replace the key.", NULL, 0, 'r' },
	{ "--cptpl", "-p", "PTPL",
	  "Change Persist Through Power Loss: 0 no change, 2 off, 3 on (kept in the target's state "
	  "directory).",
	  NULL, 0, 'p' },
	OPT_IEKEY,
	FCNVME_OPT_END,
};

const struct cli_opt fcnvme_resv_acquire_opts[] = {
	OPT_NSID,
	OPT_CRKEY,
	{ "--prkey", "-p", "KEY", "Preempt reservation key (preempt, preempt and abort).", NULL, 0,
	  'p' },
	OPT_RTYPE,
	{ "--racqa", "-a", "ACTION", "0 acquire, 1 preempt, 2 preempt and abort.", NULL, 0, 'a' },
	OPT_IEKEY,
	FCNVME_OPT_END,
};

const struct cli_opt fcnvme_resv_release_opts[] = {
	OPT_NSID,
	OPT_CRKEY,
	OPT_RTYPE,
	{ "--rrela", "-a", "ACTION", "0 release, 1 clear (every registrant and the reservation).",
	  NULL, 0, 'a' },
	OPT_IEKEY,
	FCNVME_OPT_END,
};

const struct cli_opt fcnvme_resv_report_opts[] = {
	OPT_NSID,
	{ "--numd", "-d", "DWORDS",
	  "Dwords to transfer, 1-4096 (default 1024: 4 KiB, the header and 63 registrants).", NULL,
	  0, 'd' },
	{ "--eds", "-e", NULL, "Extended data structure (always used: 128-bit host ids).", NULL, 0,
	  'e' },
	FCNVME_OPT_OUTPUT("-o", 'o'),
	FCNVME_OPT_JSON,
	FCNVME_OPT_END,
};

struct resv_args {
	struct fcnvme_ctx *x;
	uint64_t nsid, crkey, key2, action, rtype, cptpl, numd;
	bool iekey;
};

static int resv_opt(void *arg, int key, const char *val)
{
	struct resv_args *a = arg;
	uint64_t *dst, max = UINT64_MAX;

	switch (key) {
	case 'i':
	case 'e':
		a->iekey |= key == 'i';
		return 1;
	case 'o':
		a->x->o.json = !strcmp(val, "json");
		return 1;
	case 'n':
		dst = &a->nsid;
		max = 0xfffffffe;
		break;
	case 'c':
		dst = &a->crkey;
		break;
	case 'k':
		dst = &a->key2;
		break;
	case 'p': /* register: cptpl; acquire: prkey */
		dst = !strcmp(a->x->cmd, "resv-register") ? &a->cptpl : &a->key2;
		max = dst == &a->cptpl ? 3 : max;
		break;
	case 'r':
	case 'a':
		dst = &a->action;
		max = 7;
		break;
	case 't':
		dst = &a->rtype;
		max = 255;
		break;
	case 'd':
		dst = &a->numd;
		max = 4096; /* 16 KiB: the header and 255 registrants */
		break;
	default:
		return 0;
	}
	if (fcnvme_num_parse(val, 0, max, dst) || (key == 'n' && !*dst) || (key == 'd' && !*dst)) {
		fcnvme_fail(a->x, -1, "-%c: '%s' is not a valid value (0..%" PRIu64 ")", key, val,
			    max);
		return -1;
	}
	return 1;
}

static void resv_report_print(struct fcnvme_ctx *x, const uint8_t *d, uint32_t len)
{
	uint16_t regctl = (uint16_t)(d[5] | d[6] << 8);
	json_object *jo = NULL, *arr = NULL;
	uint32_t gen, i;
	char hostid[33];

	memcpy(&gen, d, 4);
	gen = le32toh(gen);
	if (x->o.json) {
		jo = json_object_new_object();
		arr = json_object_new_array();
		json_object_object_add(jo, "gen", json_object_new_int64(gen));
		json_object_object_add(jo, "rtype", json_object_new_int(d[4]));
		json_object_object_add(jo, "regctl", json_object_new_int(regctl));
		json_object_object_add(jo, "ptpls", json_object_new_int(d[9]));
	} else {
		printf("\nNVME Reservation status:\n\n");
		printf("gen       : %" PRIu32 "\nrtype     : %u\nregctl    : %u\nptpls     : %u\n",
		       gen, d[4], regctl, d[9]);
	}
	for (i = 0; i < regctl && 64 * (i + 2) <= len; i++) {
		const uint8_t *e = d + 64 * (i + 1);
		uint64_t rkey;

		memcpy(&rkey, e + 8, 8);
		rkey = le64toh(rkey);
		fcnvme_hex_format(e + 16, 16, hostid, sizeof(hostid));
		if (jo) {
			json_object *o = json_object_new_object();
			char k[19];

			snprintf(k, sizeof(k), "%#" PRIx64, rkey);
			json_object_object_add(o, "cntlid", json_object_new_int(e[0] | e[1] << 8));
			json_object_object_add(o, "rcsts", json_object_new_int(e[2]));
			json_object_object_add(o, "rkey", json_object_new_string(k));
			json_object_object_add(o, "hostid", json_object_new_string(hostid));
			json_object_array_add(arr, o);
			continue;
		}
		printf("\nregctlext[%u] :\n  cntlid     : %x\n  rcsts      : %x\n"
		       "  rkey       : %" PRIx64 "\n  hostid     : %s\n",
		       i, (unsigned int)(e[0] | e[1] << 8), e[2], rkey, hostid);
	}
	if (jo) {
		json_object_object_add(jo, "regctlext", arr);
		fcnvme_json_print(jo);
	} else {
		printf("\n");
	}
}

/* The body of the four commands: build the command, send it, report. */
static int resv_main(int argc, char **argv, const char *cmd, uint8_t opcode, const char *what)
{
	struct fcnvme_host_ctrl *ctrl;
	struct fcnvme_host_buf *buf = NULL;
	struct fcnvme_ctx x;
	struct resv_args a = { .x = &x, .nsid = 1, .numd = 1024 };
	struct nvme_command c;
	uint32_t len = 16;
	uint64_t keys[2];
	int rc, ret = 1;

	fcnvme_opts_init(&x, cmd);
	rc = fcnvme_parse(&x, argc, argv, resv_opt, &a);
	if (rc)
		return rc == 1 ? 0 : 2;
	memset(&c, 0, sizeof(c));
	c.common.opcode = opcode;
	c.common.nsid = htole32((uint32_t)a.nsid);
	if (opcode == nvme_cmd_resv_report) {
		len = (uint32_t)a.numd * 4;
		c.common.cdw10 = htole32((uint32_t)a.numd - 1);
		c.common.cdw11 = htole32(NVME_RESV_REPORT_EDS);
	} else {
		c.common.cdw10 = htole32((uint32_t)a.action | (a.iekey ? NVME_RESV_IEKEY : 0) |
					 (uint32_t)a.rtype << 8 |
					 (uint32_t)a.cptpl << NVME_RESV_CPTPL_SHIFT);
	}
	if (fcnvme_open_subsys(&x, 1, &ctrl))
		return 1;
	rc = fcnvme_host_buf_alloc(ctrl, len, &buf);
	if (rc) {
		fcnvme_err_status(&x, "buffer", rc);
		goto out_disc;
	}
	memset(buf->addr, 0, len);
	if (opcode != nvme_cmd_resv_report) {
		keys[0] = htole64(a.crkey);
		keys[1] = htole64(a.key2);
		memcpy(buf->addr, keys, 16);
	}
	rc = fcnvme_sync(&x, ctrl, 1, &c, buf, len, NULL);
	if (rc) {
		fcnvme_err_status(&x, what, rc);
	} else {
		if (opcode == nvme_cmd_resv_report)
			resv_report_print(&x, buf->addr, len);
		else
			printf("NVME %s success\n", what);
		ret = 0;
	}
	fcnvme_host_buf_free(ctrl, buf);
out_disc:
	fcnvme_disconnect(&x, ctrl);
	fcnvme_stop(&x);
	return ret;
}

int fcnvme_cmd_resv_register(int argc, char **argv)
{
	return resv_main(argc, argv, "resv-register", nvme_cmd_resv_register,
			 "Reservation Register");
}

int fcnvme_cmd_resv_acquire(int argc, char **argv)
{
	return resv_main(argc, argv, "resv-acquire", nvme_cmd_resv_acquire, "Reservation Acquire");
}

int fcnvme_cmd_resv_release(int argc, char **argv)
{
	return resv_main(argc, argv, "resv-release", nvme_cmd_resv_release, "Reservation Release");
}

int fcnvme_cmd_resv_report(int argc, char **argv)
{
	return resv_main(argc, argv, "resv-report", nvme_cmd_resv_report, "Reservation Report");
}
