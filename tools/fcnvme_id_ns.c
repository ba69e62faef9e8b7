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

static const char fcnvme_id_ns_help[] =
	"usage: fcnvme id-ns --nqn NQN -n NSID [--raw-binary] [options]\n"
	"Send Identify Namespace and print it.\n"
	"  -n, --namespace-id N   the namespace (default 1)\n"
	"  -b, --raw-binary       write the 4096-byte structure to stdout\n" FCNVME_COMMON_HELP;

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
	static const struct option lo[] = { { "namespace-id", required_argument, NULL, 'n' },
					    { "raw-binary", no_argument, NULL, 'b' },
					    { "output-format", required_argument, NULL, 'o' },
					    FCNVME_COMMON_LONGOPTS,
					    { NULL, 0, NULL, 0 } };
	struct fcnvme_host_ctrl *ctrl;
	struct fcnvme_host_buf *buf = NULL;
	struct fcnvme_ctx x;
	uint64_t nsid = 1;
	bool raw = false;
	int c, rc, ret = 1;

	fcnvme_opts_init(&x, "id-ns");
	while ((c = getopt_long(argc, argv, "hbn:o:", lo, NULL)) != -1) {
		if (c == 'h') {
			fputs(fcnvme_id_ns_help, stdout);
			return 0;
		}
		if (c == 'b') {
			raw = true;
			continue;
		}
		if (c == 'n') {
			if (fcnvme_num_parse(optarg, 1, 0xfffffffe, &nsid)) {
				fprintf(stderr,
					"fcnvme id-ns: -n: '%s' is not a "
					"namespace ID (1..0xfffffffe)\n",
					optarg);
				return 2;
			}
			continue;
		}
		if (c == 'o' && !strcmp(optarg, "json")) {
			x.o.json = true;
			continue;
		}
		if (fcnvme_common_opt(&x, c, optarg) != 1) {
			fputs(fcnvme_id_ns_help, stderr);
			return 2;
		}
	}
	if (fcnvme_open_subsys(&x, 0, &ctrl))
		return 1;
	rc = fcnvme_host_buf_alloc(ctrl, 4096, &buf);
	if (!rc)
		rc = fcnvme_identify(&x, ctrl, 0, (uint32_t)nsid, buf);
	if (rc) {
		fcnvme_err_status(&x, "Identify Namespace", rc);
	} else if (raw) {
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
		printf("NVME Identify Namespace %" PRIu64 ":\n", nsid);
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
