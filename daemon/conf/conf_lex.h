/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tokenizer for libconfig text that splits it exactly as libconfig 1.5's
 * scanner (lib/scanner.l) does: the same token classes, longest match,
 * comments, strings with their escapes, and "@include" at the start of a
 * line. conf_text.c uses it to find includes and constructs left open at
 * the end of a file; conf_syntax.c to check the grammar before libconfig
 * sees the text. Unlike libconfig, a comment or string still open at the
 * end of the text is a token of its own (CONF_TOK_OPEN_*) instead of the
 * silent end of the input. Internal to conf_*.c.
 */
#ifndef CONF_LEX_H
#define CONF_LEX_H

#include <stdbool.h>
#include <stddef.h>

enum conf_tok_type {
	CONF_TOK_EOF,
	CONF_TOK_NAME,
	CONF_TOK_EQUALS, /* = or : */
	CONF_TOK_COMMA,
	CONF_TOK_SEMICOLON,
	CONF_TOK_GROUP_START,
	CONF_TOK_GROUP_END,
	CONF_TOK_ARRAY_START,
	CONF_TOK_ARRAY_END,
	CONF_TOK_LIST_START,
	CONF_TOK_LIST_END,
	CONF_TOK_BOOLEAN,
	CONF_TOK_NUMBER,       /* integer, 64-bit, hex or float */
	CONF_TOK_STRING,       /* "..." with its quotes */
	CONF_TOK_INCLUDE,      /* @include "NAME" at the start of a line */
	CONF_TOK_GARBAGE,      /* one byte no rule takes */
	CONF_TOK_OPEN_COMMENT, /* a block comment runs to the end */
	CONF_TOK_OPEN_STRING,  /* a string runs to the end */
	CONF_TOK_BAD_INCLUDE,  /* @include "NAME with a newline or bad escape */
};

struct conf_tok {
	enum conf_tok_type type;
	const char *start; /* first byte of the token */
	size_t len;
	int line;     /* line of its first byte */
	int end_line; /* line of its last byte (where libconfig reports) */
	/* CONF_TOK_INCLUDE: the unescaped file name (NUL-terminated). */
	char name[4096];
};

/* Cursor over one text; the caller owns the text. */
struct conf_lex {
	const char *start; /* of the text */
	const char *p;	   /* next byte */
	const char *end;   /* one past the last byte */
	int line;	   /* line of *p */
};

/* Start at the beginning of text[0..len). */
void conf_lex_init(struct conf_lex *lx, const char *text, size_t len);
/* The next token (CONF_TOK_EOF at the end, repeatedly). */
void conf_lex_next(struct conf_lex *lx, struct conf_tok *tok);
/* A short name of a token type for messages ("string", "'='", ...). */
const char *conf_lex_name(enum conf_tok_type type);

#endif /* CONF_LEX_H */
