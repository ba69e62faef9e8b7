// SPDX-License-Identifier: Apache-2.0
/*
 * conf_syntax_check(): libconfig 1.5's grammar (lib/grammar.y) as a
 * recursive descent over conf_lex tokens, run before libconfig parses the
 * text. It accepts exactly what that grammar accepts and reports the first
 * error at the line libconfig would ("syntax error", at the token that
 * does not fit). libconfig 1.5 leaks the string of a string token that is
 * the look-ahead of a syntax error (its grammar has no %destructor; fixed
 * upstream in 1.7, libconfig issue #142); text that passes this check never
 * reaches that path.
 */
#include <errno.h>
#include <stdio.h>

#include "conf_lex.h"
#include "conf_text.h"

#define SYNTAX_MAX_DEPTH 64 /* nested groups, lists and arrays */

struct syntax {
	struct conf_lex lx;
	struct conf_tok tok; /* the look-ahead */
	int depth;
};

static void syntax_next(struct syntax *s)
{
	conf_lex_next(&s->lx, &s->tok);
}

static bool syntax_scalar(enum conf_tok_type t)
{
	return t == CONF_TOK_BOOLEAN || t == CONF_TOK_NUMBER || t == CONF_TOK_STRING;
}

/* simple_value: a scalar, or strings that libconfig concatenates. */
static int syntax_simple(struct syntax *s)
{
	enum conf_tok_type t = s->tok.type;

	if (!syntax_scalar(t))
		return -EINVAL;
	syntax_next(s);
	while (t == CONF_TOK_STRING && s->tok.type == CONF_TOK_STRING)
		syntax_next(s);
	return 0;
}

static int syntax_settings(struct syntax *s);
static int syntax_value(struct syntax *s);

/* open, an optional comma-separated list of items, close. */
static int syntax_seq(struct syntax *s, enum conf_tok_type close, int (*item)(struct syntax *))
{
	int rc;

	if (++s->depth > SYNTAX_MAX_DEPTH)
		return -E2BIG;
	syntax_next(s);
	if (s->tok.type != close) {
		rc = item(s);
		while (rc == 0 && s->tok.type == CONF_TOK_COMMA) {
			syntax_next(s);
			rc = item(s);
		}
		if (rc)
			return rc;
	}
	if (s->tok.type != close)
		return -EINVAL;
	syntax_next(s);
	s->depth--;
	return 0;
}

static int syntax_group(struct syntax *s)
{
	int rc;

	if (++s->depth > SYNTAX_MAX_DEPTH)
		return -E2BIG;
	syntax_next(s);
	rc = syntax_settings(s);
	if (rc)
		return rc;
	if (s->tok.type != CONF_TOK_GROUP_END)
		return -EINVAL;
	syntax_next(s);
	s->depth--;
	return 0;
}

/* value: simple_value | array | list | group */
static int syntax_value(struct syntax *s)
{
	switch (s->tok.type) {
	case CONF_TOK_ARRAY_START:
		return syntax_seq(s, CONF_TOK_ARRAY_END, syntax_simple);
	case CONF_TOK_LIST_START:
		return syntax_seq(s, CONF_TOK_LIST_END, syntax_value);
	case CONF_TOK_GROUP_START:
		return syntax_group(s);
	default:
		return syntax_simple(s);
	}
}

/* setting*: NAME EQUALS value [; or ,] */
static int syntax_settings(struct syntax *s)
{
	int rc;

	while (s->tok.type == CONF_TOK_NAME) {
		syntax_next(s);
		if (s->tok.type != CONF_TOK_EQUALS)
			return -EINVAL;
		syntax_next(s);
		rc = syntax_value(s);
		if (rc)
			return rc;
		if (s->tok.type == CONF_TOK_SEMICOLON || s->tok.type == CONF_TOK_COMMA)
			syntax_next(s);
	}
	return 0;
}

/* Check the whole text; "FILE:LINE: syntax error" at the first misfit. */
int conf_syntax_check(const struct conf_text *t, char *err, size_t errlen)
{
	struct syntax s = { .depth = 0 };
	int rc, line;

	conf_lex_init(&s.lx, t->buf, t->len);
	syntax_next(&s);
	rc = syntax_settings(&s);
	if (rc == 0 && s.tok.type == CONF_TOK_EOF)
		return 0;
	if (rc == -E2BIG)
		return conf_text_error(t, s.tok.end_line, -EINVAL, err, errlen,
				       "nested deeper than %d levels", SYNTAX_MAX_DEPTH);
	/* At the end, the line libconfig names: the last one when the file
	 * lacked a final newline, one after it otherwise. */
	line = s.tok.end_line;
	if (s.tok.type == CONF_TOK_EOF && t->nl_added)
		line--;
	return conf_text_error(t, line, -EINVAL, err, errlen, "syntax error");
}
