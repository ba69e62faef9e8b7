// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvme id-ns: Identify Namespace for one NSID of a subsystem, printed as
 * nvme-cli prints it (fields from a table, then the LBA formats with the
 * one in use marked), as JSON, or raw with --raw-binary.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "fcnvme.h"

static const struct fcnvme_field fcnvme_id_ns_fields[] = {
	{ "nsze", 0, 8, FCNVME_F_HEX },	      { "ncap", 8, 8, FCNVME_F_HEX },
	{ "nuse", 16, 8, FCNVME_F_HEX },      { "nsfeat", 24, 1, FCNVME_F_HEX },
	{ "nlbaf", 25, 1, FCNVME_F_DEC },     { "flbas", 26, 1, FCNVME_F_HEX },
	{ "mc", 27, 1, FCNVME_F_HEX },	      { "dpc", 28, 1, FCNVME_F_HEX },
	{ "dps", 29, 1, FCNVME_F_HEX },	      { "nmic", 30, 1, FCNVME_F_HEX },
	{ "rescap", 31, 1, FCNVME_F_HEX },    { "fpi", 32, 1, FCNVME_F_HEX },
	{ "dlfeat", 33, 1, FCNVME_F_DEC },    { "nawun", 34, 2, FCNVME_F_DEC },
	{ "nawupf", 36, 2, FCNVME_F_DEC },    { "nacwu", 38, 2, FCNVME_F_DEC },
	{ "nabsn", 40, 2, FCNVME_F_DEC },     { "nabo", 42, 2, FCNVME_F_DEC },
	{ "nabspf", 44, 2, FCNVME_F_DEC },    { "noiob", 46, 2, FCNVME_F_DEC },
	{ "npwg", 64, 2, FCNVME_F_DEC },      { "npwa", 66, 2, FCNVME_F_DEC },
	{ "npdg", 68, 2, FCNVME_F_DEC },      { "npda", 70, 2, FCNVME_F_DEC },
	{ "nows", 72, 2, FCNVME_F_DEC },      { "mssrl", 74, 2, FCNVME_F_DEC },
	{ "mcl", 76, 4, FCNVME_F_DEC },	      { "msrc", 80, 1, FCNVME_F_DEC },
	{ "anagrpid", 92, 4, FCNVME_F_DEC },  { "nsattr", 99, 1, FCNVME_F_DEC },
	{ "nvmsetid", 100, 2, FCNVME_F_DEC }, { "endgid", 102, 2, FCNVME_F_DEC },
	{ "nguid", 104, 16, FCNVME_F_BYTES }, { "eui64", 120, 8, FCNVME_F_BYTES },
};

const struct cli_opt fcnvme_id_ns_opts[] = {
	{ "--namespace-id", "-n", "NSID", "The namespace to identify (default 1).", NULL, 0, 'n' },
	{ "--output-format", "-o", "FMT",
	  "Output format: normal (nvme-cli's text), json, or binary (the same as --raw-binary).",
	  (const char *const[]){ "normal", "json", "binary", NULL }, 0, 'o' },
	{ "--raw-binary", "-b", NULL, "Write the 4096-byte Identify Namespace data to stdout.",
	  NULL, 0, 'b' },
	FCNVME_OPT_JSON,
	FCNVME_OPT_END,
};

struct fcnvme_id_ns_args {
	struct fcnvme_ctx *x;
	uint64_t nsid;
	bool raw;
};

static int fcnvme_id_ns_opt(void *arg, int key, const char *val)
{
	struct fcnvme_id_ns_args *a = arg;

	if (key == 'b' || (key == 'o' && !strcmp(val, "binary"))) {
		a->raw = true;
		return 1;
	}
	if (key != 'n')
		return 0;
	if (fcnvme_num_parse(val, 1, 0xfffffffe, &a->nsid)) {
		fcnvme_fail(a->x, -1, "--namespace-id: '%s' is not a namespace ID (1..0xfffffffe)",
			    val);
		return -1;
	}
	return 1;
}

static void fcnvme_id_ns_lbafs(const uint8_t *id, json_object *jo)
{
	unsigned int i, nlbaf = id[25], cur = id[26] & 0x0f;
	json_object *arr = jo ? json_object_new_array() : NULL;

	for (i = 0; i <= nlbaf && i < 64; i++) {
		const uint8_t *l = id + 128 + 4 * i;
		unsigned int ms = (unsigned int)(l[0] | (l[1] << 8));

		if (arr) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "ms", json_object_new_int((int)ms));
			json_object_object_add(o, "ds", json_object_new_int(l[2]));
			json_object_object_add(o, "rp", json_object_new_int(l[3] & 3));
			json_object_array_add(arr, o);
			continue;
		}
		printf("lbaf %2u : ms:%-3u lbads:%-2u rp:%#x %s\n", i, ms, l[2], l[3] & 3,
		       i == cur ? "(in use)" : "");
	}
	if (arr)
		json_object_object_add(jo, "lbafs", arr);
}

/* fcnvme id-ns */
int fcnvme_cmd_id_ns(int argc, char **argv)
{
	struct fcnvme_host_ctrl *ctrl;
	struct fcnvme_host_buf *buf = NULL;
	struct fcnvme_ctx x;
	struct fcnvme_id_ns_args a = { .x = &x, .nsid = 1 };
	int rc, ret = 1;

	fcnvme_opts_init(&x, "id-ns");
	rc = fcnvme_parse(&x, argc, argv, fcnvme_id_ns_opt, &a);
	if (rc)
		return rc == 1 ? 0 : 2;
	if (fcnvme_open_subsys(&x, 0, &ctrl))
		return 1;
	rc = fcnvme_host_buf_alloc(ctrl, 4096, &buf);
	if (!rc)
		rc = fcnvme_identify(&x, ctrl, 0, (uint32_t)a.nsid, buf);
	if (rc) {
		fcnvme_err_status(&x, "Identify Namespace", rc);
	} else if (a.raw) {
		ret = fwrite(buf->addr, 1, 4096, stdout) == 4096 ? 0 : 1;
	} else if (x.o.json) {
		json_object *o = json_object_new_object();

		fcnvme_print_fields(buf->addr, fcnvme_id_ns_fields,
				    sizeof(fcnvme_id_ns_fields) / sizeof(fcnvme_id_ns_fields[0]),
				    o);
		fcnvme_id_ns_lbafs(buf->addr, o);
		fcnvme_json_print(o);
		ret = 0;
	} else {
		printf("NVME Identify Namespace %" PRIu64 ":\n", a.nsid);
		fcnvme_print_fields(buf->addr, fcnvme_id_ns_fields,
				    sizeof(fcnvme_id_ns_fields) / sizeof(fcnvme_id_ns_fields[0]),
				    NULL);
		fcnvme_id_ns_lbafs(buf->addr, NULL);
		ret = 0;
	}
	if (buf)
		fcnvme_host_buf_free(ctrl, buf);
	fcnvme_disconnect(&x, ctrl);
	fcnvme_stop(&x);
	return ret;
}
