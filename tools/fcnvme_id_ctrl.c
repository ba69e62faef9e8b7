// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme id-ctrl: Identify Controller of a subsystem's controller, printed
 * as nvme-cli prints it (the fields from a table), as JSON, or the raw 4096
 * bytes with --raw-binary.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "fcnvme.h"

static const struct fcnvme_field fcnvme_id_ctrl_fields[] = {
	{ "vid", 0, 2, FCNVME_F_HEX },	       { "ssvid", 2, 2, FCNVME_F_HEX },
	{ "sn", 4, 20, FCNVME_F_STR },	       { "mn", 24, 40, FCNVME_F_STR },
	{ "fr", 64, 8, FCNVME_F_STR },	       { "rab", 72, 1, FCNVME_F_DEC },
	{ "ieee", 73, 3, FCNVME_F_IEEE },      { "cmic", 76, 1, FCNVME_F_HEX },
	{ "mdts", 77, 1, FCNVME_F_DEC },       { "cntlid", 78, 2, FCNVME_F_HEX },
	{ "ver", 80, 4, FCNVME_F_HEX },	       { "rtd3r", 84, 4, FCNVME_F_HEX },
	{ "rtd3e", 88, 4, FCNVME_F_HEX },      { "oaes", 92, 4, FCNVME_F_HEX },
	{ "ctratt", 96, 4, FCNVME_F_HEX },     { "rrls", 100, 2, FCNVME_F_HEX },
	{ "cntrltype", 111, 1, FCNVME_F_DEC }, { "fguid", 112, 16, FCNVME_F_BYTES },
	{ "crdt1", 128, 2, FCNVME_F_DEC },     { "crdt2", 130, 2, FCNVME_F_DEC },
	{ "crdt3", 132, 2, FCNVME_F_DEC },     { "oacs", 256, 2, FCNVME_F_HEX },
	{ "acl", 258, 1, FCNVME_F_DEC },       { "aerl", 259, 1, FCNVME_F_DEC },
	{ "frmw", 260, 1, FCNVME_F_HEX },      { "lpa", 261, 1, FCNVME_F_HEX },
	{ "elpe", 262, 1, FCNVME_F_DEC },      { "npss", 263, 1, FCNVME_F_DEC },
	{ "avscc", 264, 1, FCNVME_F_HEX },     { "apsta", 265, 1, FCNVME_F_HEX },
	{ "wctemp", 266, 2, FCNVME_F_DEC },    { "cctemp", 268, 2, FCNVME_F_DEC },
	{ "kas", 320, 2, FCNVME_F_DEC },       { "anatt", 342, 1, FCNVME_F_DEC },
	{ "anacap", 343, 1, FCNVME_F_HEX },    { "anagrpmax", 344, 4, FCNVME_F_DEC },
	{ "nanagrpid", 348, 4, FCNVME_F_DEC }, { "sqes", 512, 1, FCNVME_F_HEX },
	{ "cqes", 513, 1, FCNVME_F_HEX },      { "maxcmd", 514, 2, FCNVME_F_DEC },
	{ "nn", 516, 4, FCNVME_F_DEC },	       { "oncs", 520, 2, FCNVME_F_HEX },
	{ "fuses", 522, 2, FCNVME_F_HEX },     { "fna", 524, 1, FCNVME_F_HEX },
	{ "vwc", 525, 1, FCNVME_F_HEX },       { "awun", 526, 2, FCNVME_F_DEC },
	{ "awupf", 528, 2, FCNVME_F_DEC },     { "icsvscc", 530, 1, FCNVME_F_DEC },
	{ "nwpc", 531, 1, FCNVME_F_DEC },      { "acwu", 532, 2, FCNVME_F_DEC },
	{ "ocfs", 534, 2, FCNVME_F_HEX },      { "sgls", 536, 4, FCNVME_F_HEX },
	{ "mnan", 540, 4, FCNVME_F_DEC },      { "subnqn", 768, 256, FCNVME_F_STR },
	{ "ioccsz", 1792, 4, FCNVME_F_DEC },   { "iorcsz", 1796, 4, FCNVME_F_DEC },
	{ "icdoff", 1800, 2, FCNVME_F_DEC },   { "fcatt", 1802, 1, FCNVME_F_HEX },
	{ "msdbd", 1803, 1, FCNVME_F_DEC },    { "ofcs", 1804, 2, FCNVME_F_HEX },
};

const struct cli_opt fcnvme_id_ctrl_opts[] = {
	{ "--output-format", "-o", "FMT",
	  "Output format: normal (nvme-cli's text), json, or binary (the same as --raw-binary).",
	  (const char *const[]){ "normal", "json", "binary", NULL }, 0, 'o' },
	{ "--raw-binary", "-b", NULL, "Write the 4096-byte Identify Controller data to stdout.",
	  NULL, 0, 'b' },
	FCNVME_OPT_JSON,
	FCNVME_OPT_END,
};

/* -b, -o binary; the rest of -o is the common parser's. */
static int fcnvme_id_ctrl_opt(void *arg, int key, const char *val)
{
	bool *raw = arg;

	if (key == 'b' || (key == 'o' && !strcmp(val, "binary"))) {
		*raw = true;
		return 1;
	}
	return 0;
}

/* fcnvme id-ctrl */
int fcnvme_cmd_id_ctrl(int argc, char **argv)
{
	struct fcnvme_host_ctrl *ctrl;
	struct fcnvme_host_buf *buf = NULL;
	struct fcnvme_ctx x;
	bool raw = false;
	int rc, ret = 1;

	fcnvme_opts_init(&x, "id-ctrl");
	rc = fcnvme_parse(&x, argc, argv, fcnvme_id_ctrl_opt, &raw);
	if (rc)
		return rc == 1 ? 0 : 2;
	if (fcnvme_open_subsys(&x, 0, &ctrl))
		return 1;
	rc = fcnvme_host_buf_alloc(ctrl, 4096, &buf);
	if (!rc)
		rc = fcnvme_identify(&x, ctrl, 1, 0, buf);
	if (rc) {
		fcnvme_err_status(&x, "Identify Controller", rc);
	} else if (raw) {
		ret = fwrite(buf->addr, 1, 4096, stdout) == 4096 ? 0 : 1;
	} else if (x.o.json) {
		json_object *o = json_object_new_object();

		fcnvme_print_fields(
			buf->addr, fcnvme_id_ctrl_fields,
			sizeof(fcnvme_id_ctrl_fields) / sizeof(fcnvme_id_ctrl_fields[0]), o);
		fcnvme_json_print(o);
		ret = 0;
	} else {
		printf("NVME Identify Controller:\n");
		fcnvme_print_fields(
			buf->addr, fcnvme_id_ctrl_fields,
			sizeof(fcnvme_id_ctrl_fields) / sizeof(fcnvme_id_ctrl_fields[0]), NULL);
		ret = 0;
	}
	if (buf)
		fcnvme_host_buf_free(ctrl, buf);
	fcnvme_disconnect(&x, ctrl);
	fcnvme_stop(&x);
	return ret;
}
