// SPDX-License-Identifier: Apache-2.0
/*
 * softhbactl fault list|clear|drop-cmd|drop|delay|fail-data|abts: bounded
 * fault records in the fabric region, read lock-free by the firmware of
 * every port. Each record fires at most a given number of times or for a
 * given time.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "softhbactl.h"

static const char *const shc_class_names[HW_FC_NR] = {
	[HW_FC_ANY] = "any", [HW_FC_LS] = "ls",	    [HW_FC_CMD] = "cmd", [HW_FC_DATA] = "data",
	[HW_FC_RSP] = "rsp", [HW_FC_ABTS] = "abts", [HW_FC_ELS] = "els",
};

/* Indexed by HW_FAULT_*; also the verbs of the fault commands. */
static const char *const shc_kind_names[] = {
	[HW_FAULT_NONE] = "none",   [HW_FAULT_DROP_CMD] = "drop-cmd",	[HW_FAULT_DROP] = "drop",
	[HW_FAULT_DELAY] = "delay", [HW_FAULT_FAIL_DATA] = "fail-data", [HW_FAULT_ABTS] = "abts",
};

#define SHC_NKINDS (sizeof(shc_kind_names) / sizeof(shc_kind_names[0]))

static int shc_class(const char *s, uint32_t *fc)
{
	uint32_t i;

	for (i = 0; s && i < HW_FC_NR; i++)
		if (strcmp(s, shc_class_names[i]) == 0) {
			*fc = i;
			return 0;
		}
	return -EINVAL;
}

/* "count N | for MS", then "after M" and "port WWPN". */
static int shc_fault_tail(struct shc *c, int argc, char **argv, struct hw_fault *f)
{
	uint32_t v;
	int i;

	for (i = 0; i < argc; i += 2) {
		const char *k = argv[i], *a = i + 1 < argc ? argv[i + 1] : NULL;

		if (!a)
			return shc_err(c, EINVAL, "'%s' needs a value", k);
		if (strcmp(k, "count") == 0) {
			if (shc_u32(a, 1, 1000000, &v))
				return shc_err(c, EINVAL, "invalid count '%s' (1..1000000)", a);
			f->remaining = (int32_t)v;
		} else if (strcmp(k, "for") == 0) {
			if (shc_u32(a, 1, 600000, &v))
				return shc_err(c, EINVAL, "invalid duration '%s' (1..600000 ms)",
					       a);
			f->expires_ms = hw_now_ms() + v;
		} else if (strcmp(k, "after") == 0) {
			if (shc_u32(a, 0, 1000000, &v))
				return shc_err(c, EINVAL, "invalid 'after' '%s' (0..1000000)", a);
			f->skip = v;
		} else if (strcmp(k, "port") == 0) {
			if (shc_wwpn(c, a, &f->wwpn))
				return shc_err(c, EINVAL, "invalid WWPN '%s'", a);
		} else {
			return shc_err(c, EINVAL, "unknown fault option '%s'", k);
		}
	}
	if (f->remaining <= 0 && !f->expires_ms)
		return shc_err(c, EINVAL, "a fault needs a bound: 'count N' or 'for MS'");
	return 0;
}

int shc_fault_add(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv)
{
	struct hw_fault f;
	unsigned int kind;
	uint32_t v;
	int rc, used = 0;

	memset(&f, 0, sizeof(f));
	for (kind = 1; kind < SHC_NKINDS; kind++)
		if (strcmp(cmd->verb, shc_kind_names[kind]) == 0)
			break;
	f.kind = kind;
	switch (kind) {
	case HW_FAULT_DROP_CMD:
		f.fclass = HW_FC_CMD;
		if (strcmp(argv[0], "opcode") && strcmp(argv[0], "fctype"))
			return shc_err(c, EINVAL, "usage: fault drop-cmd %s", cmd->usage);
		if (shc_u32(argv[1], 0, 255, &v))
			return shc_err(c, EINVAL, "invalid opcode/fctype '%s' (0..255)", argv[1]);
		f.opcode = strcmp(argv[0], "fctype") == 0 ? 0x100u | v : v;
		used = 2;
		break;
	case HW_FAULT_DROP:
	case HW_FAULT_DELAY:
		if (shc_class(argv[0], &f.fclass))
			return shc_err(
				c, EINVAL,
				"invalid frame class '%s' (any, ls, cmd, data, rsp, abts, els)",
				argv[0]);
		used = 1;
		if (kind == HW_FAULT_DELAY) {
			if (shc_u32(argv[1], 1, 10000, &f.delay_ms))
				return shc_err(c, EINVAL, "invalid delay '%s' (1..10000 ms)",
					       argv[1]);
			used = 2;
		}
		break;
	case HW_FAULT_FAIL_DATA:
		f.fclass = HW_FC_DATA;
		break;
	case HW_FAULT_ABTS:
		f.fclass = HW_FC_CMD;
		break;
	default:
		return shc_err(c, EINVAL, "unknown fault '%s'", cmd->verb);
	}
	if (shc_fault_tail(c, argc - used, argv + used, &f))
		return 1;
	rc = hw_fabric_fault_add(&c->fab, &f);
	if (rc < 0)
		return shc_err(c, -rc, "cannot add fault: %s", strerror(-rc));
	if (c->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "fault", json_object_new_int(rc));
		shc_json_print(o);
	} else {
		printf("fault %d added\n", rc);
	}
	return 0;
}

int shc_fault_list(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;
	char port[24];

	(void)cmd;
	(void)argc;
	(void)argv;
	for (i = 0; i < HW_MAX_FAULTS; i++) {
		struct hw_fault *d = &c->fab.r->faults[i];
		uint32_t k = atomic_load(&d->kind);
		struct json_object *o;

		if (k == HW_FAULT_NONE || k >= SHC_NKINDS)
			continue;
		snprintf(port, sizeof(port), "0x%016" PRIx64, d->wwpn);
		if (!c->json) {
			printf("%u %s class=%s opcode=%#x after=%u left=%d seen=%u delay=%u port=%s%s\n",
			       i, shc_kind_names[k], shc_class_names[d->fclass % HW_FC_NR],
			       d->opcode, d->skip, atomic_load(&d->remaining),
			       atomic_load(&d->seen), d->delay_ms, port,
			       d->expires_ms ? " timed" : "");
			continue;
		}
		o = json_object_new_object();
		json_object_object_add(o, "index", json_object_new_int((int)i));
		json_object_object_add(o, "kind", json_object_new_string(shc_kind_names[k]));
		json_object_object_add(
			o, "class", json_object_new_string(shc_class_names[d->fclass % HW_FC_NR]));
		json_object_object_add(o, "opcode", json_object_new_int64(d->opcode));
		json_object_object_add(o, "after", json_object_new_int64(d->skip));
		json_object_object_add(o, "left", json_object_new_int(atomic_load(&d->remaining)));
		json_object_object_add(o, "seen", json_object_new_int64(atomic_load(&d->seen)));
		json_object_object_add(o, "delay_ms", json_object_new_int64(d->delay_ms));
		json_object_object_add(o, "port", json_object_new_string(port));
		json_object_object_add(o, "timed", json_object_new_boolean(d->expires_ms != 0));
		json_object_array_add(a, o);
	}
	if (c->json)
		shc_json_print(a);
	else
		json_object_put(a);
	return 0;
}

int shc_fault_clear(struct shc *c, const struct shc_cmd *cmd, int argc, char **argv)
{
	(void)cmd;
	(void)argc;
	(void)argv;
	hw_fabric_fault_clear(&c->fab);
	return 0;
}
