// SPDX-License-Identifier: Apache-2.0
/*
 * The libconfig 1.5 token rules (see conf_lex.h), by hand. Where several
 * rules match, the longest match wins and, among equally long ones, the
 * rule listed first in scanner.l: "true" is a boolean, "truex" a name,
 * "1e5" a float, "1e" an integer followed by a name, "." a float.
 */
#include <ctype.h>
#include <string.h>

#include "conf_lex.h"

void conf_lex_init(struct conf_lex *lx, const char *text, size_t len)
{
	lx->start = text;
	lx->p = text;
	lx->end = text + len;
	lx->line = 1;
}

static int lex_peek(const struct conf_lex *lx, size_t off)
{
	return lx->p + off < lx->end ? (unsigned char)lx->p[off] : -1;
}

/* Consume n bytes, counting lines. */
static void lex_skip(struct conf_lex *lx, size_t n)
{
	for (; n > 0 && lx->p < lx->end; n--, lx->p++)
		if (*lx->p == '\n')
			lx->line++;
}

static size_t lex_span(const struct conf_lex *lx, size_t off, int (*cls)(int))
{
	size_t n = 0;

	while (lex_peek(lx, off + n) >= 0 && cls(lex_peek(lx, off + n)))
		n++;
	return n;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_xdigit(int c)
{
	return isxdigit(c);
}

static int is_name_rest(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '*';
}

/* [eE][-+]?[0-9]+ at off: its length or 0. */
static size_t lex_exponent(const struct conf_lex *lx, size_t off)
{
	size_t s, d;

	if (lex_peek(lx, off) != 'e' && lex_peek(lx, off) != 'E')
		return 0;
	s = lex_peek(lx, off + 1) == '-' || lex_peek(lx, off + 1) == '+';
	d = lex_span(lx, off + 1 + s, is_digit);
	return d ? 1 + s + d : 0;
}

static size_t max_sz(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* The longest of integer, integer64, hex, hex64 and float at the cursor. */
static size_t lex_number(const struct conf_lex *lx)
{
	size_t s = lex_peek(lx, 0) == '-' || lex_peek(lx, 0) == '+';
	size_t d1 = lex_span(lx, s, is_digit), d2, n = 0, h;

	if (d1) { /* [-+]?[0-9]+ and [-+]?[0-9]+L(L)? */
		n = s + d1;
		if (lex_peek(lx, n) == 'L')
			n += lex_peek(lx, n + 1) == 'L' ? 2 : 1;
	}
	if (lex_peek(lx, 0) == '0' && (lex_peek(lx, 1) == 'x' || lex_peek(lx, 1) == 'X') &&
	    (h = lex_span(lx, 2, is_xdigit)) > 0) { /* hex, hex64 */
		h += 2;
		if (lex_peek(lx, h) == 'L')
			h += lex_peek(lx, h + 1) == 'L' ? 2 : 1;
		n = max_sz(n, h);
	}
	if (lex_peek(lx, s + d1) == '.') { /* [-+]?[0-9]*\.[0-9]*(exp)? */
		d2 = lex_span(lx, s + d1 + 1, is_digit);
		n = max_sz(n, s + d1 + 1 + d2 + lex_exponent(lx, s + d1 + 1 + d2));
	}
	if (d1 && lex_exponent(lx, s + d1)) /* [-+]?[0-9]+(\.[0-9]*)?exp */
		n = max_sz(n, s + d1 + lex_exponent(lx, s + d1));
	return n;
}

/* At the start of a line: ^[ \t]*@include[ \t]+\" — its length or 0. */
static size_t lex_include_open(const struct conf_lex *lx)
{
	size_t n = 0, b;

	if (lx->p != lx->start && lx->p[-1] != '\n')
		return 0;
	while (lex_peek(lx, n) == ' ' || lex_peek(lx, n) == '\t')
		n++;
	if ((size_t)(lx->end - lx->p) < n + 8 || memcmp(lx->p + n, "@include", 8) != 0)
		return 0;
	n += 8;
	for (b = 0; lex_peek(lx, n) == ' ' || lex_peek(lx, n) == '\t'; b++)
		n++;
	return b && lex_peek(lx, n) == '"' ? n + 1 : 0;
}

/* The file name of an include up to its closing quote. */
static void lex_include(struct conf_lex *lx, struct conf_tok *tok, size_t open)
{
	size_t o = 0, i = open;
	int c;

	tok->type = CONF_TOK_BAD_INCLUDE;
	for (; (c = lex_peek(lx, i)) >= 0 && c != '"' && c != '\n'; i++) {
		if (c == '\\') {
			c = lex_peek(lx, ++i);
			if (c != '\\' && c != '"')
				break;
		}
		if (o + 1 >= sizeof(tok->name))
			break;
		tok->name[o++] = (char)c;
	}
	tok->name[o] = '\0';
	if (lex_peek(lx, i) == '"' && o > 0) {
		tok->type = CONF_TOK_INCLUDE;
		i++;
	}
	lex_skip(lx, i);
}

/* A string: until an unescaped quote; \\ and \" are the escapes that
 * matter for finding the end (others are single characters). */
static void lex_string(struct conf_lex *lx, struct conf_tok *tok)
{
	size_t i = 1;
	int c;

	while ((c = lex_peek(lx, i)) >= 0 && c != '"')
		i += c == '\\' && (lex_peek(lx, i + 1) == '\\' || lex_peek(lx, i + 1) == '"') ? 2
											      : 1;
	if (c < 0) {
		tok->type = CONF_TOK_OPEN_STRING;
		lex_skip(lx, i);
		return;
	}
	tok->type = CONF_TOK_STRING;
	lex_skip(lx, i + 1);
}

/* Whitespace and comments; a block comment open at the end is a token. */
static bool lex_blank(struct conf_lex *lx, struct conf_tok *tok)
{
	for (;;) {
		int c = lex_peek(lx, 0);

		if (lex_include_open(lx))
			return false;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
			lex_skip(lx, 1);
		} else if (c == '#' || (c == '/' && lex_peek(lx, 1) == '/')) {
			while (lex_peek(lx, 0) >= 0 && lex_peek(lx, 0) != '\n')
				lex_skip(lx, 1);
		} else if (c == '/' && lex_peek(lx, 1) == '*') {
			const char *close = NULL, *q;

			tok->start = lx->p;
			tok->line = lx->line;
			for (q = lx->p + 2; close == NULL && q + 1 < lx->end; q++)
				if (q[0] == '*' && q[1] == '/')
					close = q;
			if (close == NULL) {
				tok->type = CONF_TOK_OPEN_COMMENT;
				lex_skip(lx, (size_t)(lx->end - lx->p));
				return true;
			}
			lex_skip(lx, (size_t)(close + 2 - lx->p));
		} else {
			return false;
		}
	}
}

static const struct {
	char c;
	enum conf_tok_type type;
} lex_punct[] = {
	{ '=', CONF_TOK_EQUALS },      { ':', CONF_TOK_EQUALS },      { ',', CONF_TOK_COMMA },
	{ ';', CONF_TOK_SEMICOLON },   { '{', CONF_TOK_GROUP_START }, { '}', CONF_TOK_GROUP_END },
	{ '[', CONF_TOK_ARRAY_START }, { ']', CONF_TOK_ARRAY_END },   { '(', CONF_TOK_LIST_START },
	{ ')', CONF_TOK_LIST_END },
};

/* The next token. */
void conf_lex_next(struct conf_lex *lx, struct conf_tok *tok)
{
	size_t n, i;
	int c;

	tok->name[0] = '\0';
	if (lex_blank(lx, tok))
		goto out;
	tok->start = lx->p;
	tok->line = lx->line;
	c = lex_peek(lx, 0);
	if (c < 0) {
		tok->type = CONF_TOK_EOF;
		goto out;
	}
	if ((n = lex_include_open(lx)) > 0) {
		lex_include(lx, tok, n);
		goto out;
	}
	if (c == '"') {
		lex_string(lx, tok);
		goto out;
	}
	if (isalpha(c) || c == '*') {
		n = 1 + lex_span(lx, 1, is_name_rest);
		tok->type = (n == 4 && strncasecmp(lx->p, "true", 4) == 0) ||
					    (n == 5 && strncasecmp(lx->p, "false", 5) == 0)
				    ? CONF_TOK_BOOLEAN
				    : CONF_TOK_NAME;
		lex_skip(lx, n);
		goto out;
	}
	if ((is_digit(c) || c == '-' || c == '+' || c == '.') && (n = lex_number(lx)) > 0) {
		tok->type = CONF_TOK_NUMBER;
		lex_skip(lx, n);
		goto out;
	}
	tok->type = CONF_TOK_GARBAGE;
	for (i = 0; i < sizeof(lex_punct) / sizeof(lex_punct[0]); i++)
		if (lex_punct[i].c == c)
			tok->type = lex_punct[i].type;
	lex_skip(lx, 1);
out:
	tok->len = (size_t)(lx->p - tok->start);
	tok->end_line = lx->line;
}

const char *conf_lex_name(enum conf_tok_type type)
{
	static const char *const names[] = {
		[CONF_TOK_EOF] = "the end of the file",
		[CONF_TOK_NAME] = "a name",
		[CONF_TOK_EQUALS] = "'='",
		[CONF_TOK_COMMA] = "','",
		[CONF_TOK_SEMICOLON] = "';'",
		[CONF_TOK_GROUP_START] = "'{'",
		[CONF_TOK_GROUP_END] = "'}'",
		[CONF_TOK_ARRAY_START] = "'['",
		[CONF_TOK_ARRAY_END] = "']'",
		[CONF_TOK_LIST_START] = "'('",
		[CONF_TOK_LIST_END] = "')'",
		[CONF_TOK_BOOLEAN] = "a boolean",
		[CONF_TOK_NUMBER] = "a number",
		[CONF_TOK_STRING] = "a string",
		[CONF_TOK_INCLUDE] = "@include",
		[CONF_TOK_GARBAGE] = "a stray character",
		[CONF_TOK_OPEN_COMMENT] = "an unterminated comment",
		[CONF_TOK_OPEN_STRING] = "an unterminated string",
		[CONF_TOK_BAD_INCLUDE] = "a malformed @include",
	};

	return names[type];
}
