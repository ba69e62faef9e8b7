/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The text of a configuration before libconfig parses it: read by us, not
 * by libconfig, so that nothing in a file is silently ignored. Every file
 * must be text (no NUL byte, no control character but tab, newline and
 * carriage return, valid UTF-8) and end outside any comment or string;
 * "@include" lines are replaced by the included file (a relative name is
 * taken from the including file's directory), and a map keeps, for every
 * line of the combined text, the file and line it came from, so that every
 * message names the file that holds the mistake. libconfig then reads the
 * combined text whole, as a string. Internal to conf_*.c.
 */
#ifndef CONF_TEXT_H
#define CONF_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#define CONF_TEXT_MAX_BYTES (16u << 20) /* combined text */
#define CONF_TEXT_MAX_DEPTH 10		/* nested includes, as libconfig */

/* Lines [first, next entry's first) of buf are lines line.. of file. */
struct conf_text_src {
	int first;
	unsigned int file; /* index in files[] */
	int line;
};

struct conf_text {
	char *buf; /* combined text, NUL-terminated, every file ending in \n */
	size_t len;
	size_t cap;
	bool string;   /* files[0] is a name for text from memory, not a file */
	int lines;     /* newlines in buf */
	bool nl_added; /* the last one was added: the top file lacked it */
	struct conf_text_src *src;
	unsigned int nr_src;
	char **files; /* as named in messages */
	unsigned int nr_files;
};

/* Read path and its includes; 0, or -errno with "FILE[:LINE]: reason". */
int conf_text_read(struct conf_text *t, const char *path, char *err, size_t errlen);
/* The same from memory (len bytes); name is used in messages, relative
 * includes are refused (there is no directory to take them from). */
int conf_text_string(struct conf_text *t, const char *text, size_t len, const char *name, char *err,
		     size_t errlen);
void conf_text_free(struct conf_text *t);

/* The file and line of line of buf (file NULL if unknown). */
void conf_text_where(const struct conf_text *t, int line, const char **file, int *fline);
/* "FILE:LINE: message" for line of buf into err; returns error. */
int conf_text_error(const struct conf_text *t, int line, int error, char *err, size_t errlen,
		    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Check the grammar of t (conf_syntax.c). */
int conf_syntax_check(const struct conf_text *t, char *err, size_t errlen);

#endif /* CONF_TEXT_H */
