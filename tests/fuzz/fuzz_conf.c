// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for the configuration reader, parser and validator:
 * any bytes go through conf_load_buffer() exactly as a file would (text
 * check, includes, our syntax check, libconfig, every option and cross
 * reference). Whatever is refused must say "t.conf:LINE: reason" (or
 * "t.conf: reason"), and our syntax check must never pass text libconfig
 * calls a syntax error. Whatever is accepted is printed, read back and
 * printed again: the normalised form is a fixed point, and a deep copy
 * prints the same (ASan/UBSan watch all of it, LSan every exit).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_text.h"

static char *print(const struct conf *c, size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);

	if (fp == NULL)
		abort();
	conf_print(fp, c);
	fclose(fp);
	return buf;
}

/* "t.conf:LINE: syntax error", the whole message (a value echoed in
 * another message may contain the words). */
static bool is_syntax_error(const char *err)
{
	int line, end = 0;

	return sscanf(err, "t.conf:%d: syntax error%n", &line, &end) == 1 && end > 0 &&
	       err[end] == '\0';
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct conf *c = NULL, *c2 = NULL, *dup;
	char err[512] = "", err2[512] = "";
	struct conf_text t;
	size_t l1, l2, l3;
	char *p1, *p2, *p3;
	bool syntax_ok;

	if (size > 1 << 16)
		return 0;
	if (conf_text_string(&t, (const char *)data, size, "t.conf", err, sizeof(err)) == 0) {
		syntax_ok = conf_syntax_check(&t, err, sizeof(err)) == 0;
		conf_text_free(&t);
	} else {
		syntax_ok = false;
	}
	if (conf_load_buffer((const char *)data, size, "t.conf", &c, err, sizeof(err)) != 0) {
		if (c != NULL || strncmp(err, "t.conf:", 7) != 0)
			abort(); /* a refusal names the file */
		if (syntax_ok && is_syntax_error(err))
			abort(); /* libconfig disagrees with our grammar */
		return 0;
	}
	p1 = print(c, &l1);
	if (conf_load_buffer(p1, l1, "t.conf", &c2, err2, sizeof(err2)) != 0) {
		fprintf(stderr, "printed form refused: %s\n%s", err2, p1);
		abort();
	}
	p2 = print(c2, &l2);
	dup = conf_dup(c);
	if (dup == NULL)
		abort();
	p3 = print(dup, &l3);
	if (l1 != l2 || memcmp(p1, p2, l1) != 0 || l1 != l3 || memcmp(p1, p3, l1) != 0) {
		fprintf(stderr, "print is not a fixed point:\n%s---\n%s", p1, p2);
		abort();
	}
	free(p1);
	free(p2);
	free(p3);
	conf_free(c);
	conf_free(c2);
	conf_free(dup);
	return 0;
}
