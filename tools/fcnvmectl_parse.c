// SPDX-License-Identifier: Apache-2.0
/*
 * fcnvmectl's command-line parser: match "OBJECT [VERB]" exactly against
 * the grammar table (no prefix matching), then convert positional
 * arguments and "KEYWORD VALUE" options into attributes of the request.
 * Every value is checked here, so a typo gets a precise message before
 * anything is sent.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include <fcnvmectl/ctl_msg.h>
#include <fcnvme/err.h>
#include <fcnvme/hex.h>
#include <fcnvme/nqn.h>
#include <fcnvme/num.h>
#include <fcnvme/size.h>
#include <fcnvme/wwn.h>

#include "fcnvmectl.h"

static int parse_bool(const char *s)
{
	static const char *const yes[] = { "yes", "on", "true", "1", NULL };
	static const char *const no[] = { "no", "off", "false", "0", NULL };
	int i;

	for (i = 0; yes[i] != NULL; i++)
		if (strcmp(s, yes[i]) == 0)
			return 1;
	for (i = 0; no[i] != NULL; i++)
		if (strcmp(s, no[i]) == 0)
			return 0;
	return -EINVAL;
}

/* Convert word per arg and append it to m. */
static int put_arg(struct nl_msg *m, const struct ctlarg *a, const char *w, char *err,
		   size_t errlen)
{
	uint8_t bin[16];
	const char *why = NULL;
	uint64_t v;
	int rc = 0, i;

	switch (a->kind) {
	case ARG_NQN:
		if (fcnvme_nqn_validate(w, &why) != 0)
			return fcnvme_err(err, errlen, -EINVAL, "%s \"%s\": %s", a->name, w,
					  why != NULL ? why : "not an NQN");
		/* FALLTHROUGH */
	case ARG_STR:
		rc = fcnvme_msg_put_str(m, a->attr, w);
		break;
	case ARG_WWN:
		if (fcnvme_wwn_parse(w, &v) != 0)
			return fcnvme_err(err, errlen, -EINVAL,
					  "%s \"%s\" is not a WWN (e.g. 0x10000090fa000001)",
					  a->name, w);
		rc = fcnvme_msg_put_u64(m, a->attr, v);
		break;
	case ARG_U16:
		if (fcnvme_num_parse(w, 0, UINT16_MAX, &v))
			return fcnvme_err(err, errlen, -EINVAL, "%s \"%s\" is not a number",
					  a->name, w);
		rc = fcnvme_msg_put_u16(m, a->attr, (uint16_t)v);
		break;
	case ARG_U32:
		if (fcnvme_num_parse(w, 0, UINT32_MAX, &v))
			return fcnvme_err(err, errlen, -EINVAL, "%s \"%s\" is not a number",
					  a->name, w);
		rc = fcnvme_msg_put_u32(m, a->attr, (uint32_t)v);
		break;
	case ARG_U64:
		if (fcnvme_num_parse(w, 0, UINT64_MAX, &v))
			return fcnvme_err(err, errlen, -EINVAL, "%s \"%s\" is not a number",
					  a->name, w);
		rc = fcnvme_msg_put_u64(m, a->attr, v);
		break;
	case ARG_SIZE:
		if (fcnvme_size_parse(w, &v))
			return fcnvme_err(err, errlen, -EINVAL,
					  "%s \"%s\" is not a size (e.g. 4096, 256M, 1G)", a->name,
					  w);
		rc = fcnvme_msg_put_u64(m, a->attr, v);
		break;
	case ARG_BOOL:
		i = parse_bool(w);
		if (i < 0)
			return fcnvme_err(err, errlen, -EINVAL, "%s \"%s\": say yes or no", a->name,
					  w);
		rc = fcnvme_msg_put_u8(m, a->attr, (uint8_t)i);
		break;
	case ARG_ANA_STATE:
		i = fcnvme_ana_state_parse(w);
		if (i < 0)
			return fcnvme_err(
				err, errlen, -EINVAL,
				"%s \"%s\": use optimized, non-optimized, inaccessible, persistent-loss or change",
				a->name, w);
		rc = fcnvme_msg_put_u8(m, a->attr, (uint8_t)i);
		break;
	case ARG_OBJ:
		i = fcnvme_obj_parse(w);
		if (i < 0)
			return fcnvme_err(err, errlen, -EINVAL,
					  "%s \"%s\": use port, subsystem, namespace or host",
					  a->name, w);
		rc = fcnvme_msg_put_u8(m, a->attr, (uint8_t)i);
		break;
	case ARG_LOG_LEVEL:
		i = fcnvme_log_level_parse(w);
		if (i < 0)
			return fcnvme_err(err, errlen, -EINVAL,
					  "%s \"%s\": use warn, info or debug", a->name, w);
		rc = fcnvme_msg_put_u8(m, a->attr, (uint8_t)i);
		break;
	case ARG_UUID:
		if (fcnvme_uuid_parse(w, bin) != 0)
			return fcnvme_err(err, errlen, -EINVAL, "%s \"%s\" is not a UUID", a->name,
					  w);
		rc = fcnvme_msg_put_bin(m, a->attr, bin, 16);
		break;
	case ARG_TRADDR: {
		char norm[FCNVME_TRADDR_STRLEN];
		uint64_t nn, pn;

		if (fcnvme_traddr_parse(w, &nn, &pn) != 0)
			return fcnvme_err(err, errlen, -EINVAL,
					  "%s \"%s\" is not an FC address (nn-0xWWNN:pn-0xWWPN)",
					  a->name, w);
		fcnvme_traddr_format(nn, pn, norm, sizeof(norm));
		rc = fcnvme_msg_put_str(m, a->attr, norm);
		break;
	}
	case ARG_HEX: {
		size_t n = a->attr == FCNVME_A_EUI64 ? 8 : 16;

		/* an optional "0x", then exactly 2 * n digits */
		if (fcnvme_hex_parse(w + (strncmp(w, "0x", 2) ? 0 : 2), bin, n))
			return fcnvme_err(err, errlen, -EINVAL, "%s \"%s\" must be %zu hex digits",
					  a->name, w, 2 * n);
		rc = fcnvme_msg_put_bin(m, a->attr, bin, n);
		break;
	}
	default:
		return fcnvme_err(err, errlen, -EINVAL, "%s cannot be given", a->name);
	}
	if (rc)
		return fcnvme_err(err, errlen, -EINVAL, "%s \"%s\" is out of range", a->name, w);
	return 0;
}

static const struct ctlarg *find_opt(const struct ctlarg *opts, const char *w)
{
	for (; opts != NULL && opts->name != NULL; opts++)
		if (strcmp(opts->name, w) == 0)
			return opts;
	return NULL;
}

static void list_words(char *buf, size_t len, const char *object)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < ctl_nverbs; i++) {
		const char *w = object == NULL ? ctl_verbs[i].object : ctl_verbs[i].verb;

		if (object != NULL && strcmp(ctl_verbs[i].object, object) != 0)
			continue;
		if (w == NULL ||
		    (object == NULL && i > 0 && strcmp(ctl_verbs[i - 1].object, w) == 0))
			continue;
		if (buf[0] != '\0')
			strncat(buf, ", ", len - strlen(buf) - 1);
		strncat(buf, w, len - strlen(buf) - 1);
	}
}

/* Find the grammar entry for argv; returns how many words it used. */
int ctl_match(int argc, char **argv, const struct ctlverb **out, char *err, size_t errlen)
{
	char words[512];
	bool object_known = false;
	size_t i;

	if (argc < 1) {
		list_words(words, sizeof(words), NULL);
		return fcnvme_err(err, errlen, -EINVAL, "missing object (one of: %s)", words);
	}
	for (i = 0; i < ctl_nverbs; i++) {
		const struct ctlverb *v = &ctl_verbs[i];

		if (strcmp(v->object, argv[0]) != 0)
			continue;
		object_known = true;
		if (v->verb == NULL) {
			*out = v;
			return 1;
		}
		if (argc >= 2 && strcmp(v->verb, argv[1]) == 0) {
			*out = v;
			return 2;
		}
	}
	if (!object_known) {
		list_words(words, sizeof(words), NULL);
		return fcnvme_err(err, errlen, -EINVAL, "unknown object \"%s\" (one of: %s)",
				  argv[0], words);
	}
	list_words(words, sizeof(words), argv[0]);
	if (argc < 2)
		return fcnvme_err(err, errlen, -EINVAL, "%s: missing verb (one of: %s)", argv[0],
				  words);
	return fcnvme_err(err, errlen, -EINVAL, "%s: unknown verb \"%s\" (one of: %s)", argv[0],
			  argv[1], words);
}

/* One value of a repeatable (ARG_LIST) keyword option: host NQNs must be
 * NQNs; everything else is checked by the daemon. */
static int check_list_word(const struct ctlarg *a, const char *w, char *err, size_t errlen)
{
	const char *why = NULL;

	if (a->attr == FCNVME_A_HOSTS && fcnvme_nqn_validate(w, &why) != 0)
		return fcnvme_err(err, errlen, -EINVAL, "%s \"%s\": %s", a->name, w,
				  why != NULL ? why : "not an NQN");
	return 0;
}

/* Append every value of the repeatable options (already checked) among
 * the KEYWORD VALUE pairs argv[from..argc) as one list attribute each. */
static int put_lists(struct nl_msg *m, const struct ctlverb *v, int argc, char **argv, int from,
		     char *err, size_t errlen)
{
	const struct ctlarg *o;
	struct nlattr *l;
	int i, rc;

	for (o = v->opts; o != NULL && o->name != NULL; o++) {
		if (o->kind != ARG_LIST)
			continue;
		l = NULL;
		for (i = from; i + 1 < argc; i += 2) {
			if (strcmp(argv[i], o->name) != 0)
				continue;
			if (l == NULL && (l = fcnvme_msg_list_start(m, o->attr)) == NULL)
				return fcnvme_err(err, errlen, -EINVAL, "too many values");
			rc = fcnvme_msg_list_put_str(m, l, argv[i + 1]);
			if (rc)
				return fcnvme_err(err, errlen, -EINVAL, "%s \"%s\" is too long",
						  o->name, argv[i + 1]);
		}
		if (l != NULL && fcnvme_msg_list_end(m, l) != 0)
			return fcnvme_err(err, errlen, -EINVAL, "too many values");
	}
	return 0;
}

/* Parse argv into a request; see fcnvmectl.h. */
int ctl_parse(int argc, char **argv, uint32_t seq, const struct ctlverb **verb, struct nl_msg **out,
	      char *err, size_t errlen)
{
	const struct ctlverb *v = NULL;
	fcnvme_amask_t seen = 0;
	struct nl_msg *m;
	int i, k, rc, from;

	*verb = NULL;
	rc = ctl_match(argc, argv, &v, err, errlen);
	if (rc < 0)
		return rc;
	*verb = v;
	i = rc;
	m = fcnvme_msg_new(v->cmd, NLM_F_REQUEST, seq);
	if (m == NULL)
		return fcnvme_err(err, errlen, -EINVAL, "out of memory");
	for (k = 0; k < CTL_MAX_POS && v->pos[k].name != NULL; k++) {
		const struct ctlarg *a = &v->pos[k];

		if (i >= argc || (a->optional && find_opt(v->opts, argv[i]))) {
			if (a->optional)
				continue;
			rc = fcnvme_err(err, errlen, -EINVAL, "%s %s: missing %s", v->object,
					v->verb != NULL ? v->verb : "", a->name);
			goto out_free_msg;
		}
		rc = put_arg(m, a, argv[i++], err, errlen);
		if (rc)
			goto out_free_msg;
		seen |= FCNVME_ABIT(a->attr);
	}
	from = i;
	while (i < argc) {
		const struct ctlarg *a = find_opt(v->opts, argv[i]);

		if (a == NULL) {
			rc = fcnvme_err(err, errlen, -EINVAL, "unexpected \"%s\"", argv[i]);
			goto out_free_msg;
		}
		if (a->kind == ARG_LIST) {
			/* repeatable: checked now, sent as one list below */
			if (i + 1 >= argc) {
				rc = fcnvme_err(err, errlen, -EINVAL, "%s needs a value", a->name);
				goto out_free_msg;
			}
			rc = check_list_word(a, argv[i + 1], err, errlen);
			if (rc)
				goto out_free_msg;
			i += 2;
			continue;
		}
		if (seen & FCNVME_ABIT(a->attr)) {
			rc = fcnvme_err(err, errlen, -EINVAL, "%s given twice", a->name);
			goto out_free_msg;
		}
		if (i + 1 >= argc) {
			rc = fcnvme_err(err, errlen, -EINVAL, "%s needs a value", a->name);
			goto out_free_msg;
		}
		rc = put_arg(m, a, argv[i + 1], err, errlen);
		if (rc)
			goto out_free_msg;
		seen |= FCNVME_ABIT(a->attr);
		i += 2;
	}
	rc = put_lists(m, v, argc, argv, from, err, errlen);
	if (rc)
		goto out_free_msg;
	*verb = v;
	*out = m;
	return 0;

out_free_msg:
	fcnvme_msg_free(m);
	return rc;
}
