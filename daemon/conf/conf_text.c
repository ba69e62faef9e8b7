// SPDX-License-Identifier: Apache-2.0
/*
 * Reading configuration text (see conf_text.h): each file is read whole,
 * checked to be text, scanned with the libconfig token rules for comments
 * and strings left open at its end and for "@include" lines, and appended
 * to one combined text with a line map. libconfig 1.5 reads a file through
 * stdio and stops at the first NUL byte or unterminated comment or string
 * without an error, so a truncated file would pass with everything after
 * that point ignored; that cannot happen to text that went through here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcnvme/err.h>

#include "conf_lex.h"
#include "conf_text.h"

/* The files being expanded, outermost first (include loops). */
struct text_stack {
	dev_t dev[CONF_TEXT_MAX_DEPTH + 1];
	ino_t ino[CONF_TEXT_MAX_DEPTH + 1];
	int depth;
};

/* Read the whole of path (at most CONF_TEXT_MAX_BYTES). */
static int text_slurp(const char *path, bool regular_only, char **data, size_t *len,
		      struct stat *st)
{
	size_t cap = 4096, n = 0;
	char *buf, *nb;
	ssize_t r;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st) != 0) {
		rc = -errno;
		goto out_close_fd;
	}
	rc = S_ISDIR(st->st_mode) ? -EISDIR : regular_only && !S_ISREG(st->st_mode) ? -EINVAL : 0;
	if (rc)
		goto out_close_fd;
	buf = malloc(cap);
	if (buf == NULL) {
		rc = -ENOMEM;
		goto out_close_fd;
	}
	for (;;) {
		if (n == cap) {
			if (cap > CONF_TEXT_MAX_BYTES) {
				rc = -EFBIG;
				goto out_free_buf;
			}
			nb = realloc(buf, cap * 2);
			if (nb == NULL) {
				rc = -ENOMEM;
				goto out_free_buf;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			goto out_free_buf;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*data = buf;
	*len = n;
	return 0;

out_free_buf:
	free(buf);
out_close_fd:
	close(fd);
	return rc;
}

/* Length of the UTF-8 sequence at s (of at most n bytes), or 0. */
static size_t text_utf8(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0; /* overlong */
	else if (s[0] == 0xed)
		hi = 0x9f; /* surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90; /* overlong */
	else if (s[0] == 0xf4)
		hi = 0x8f; /* above U+10FFFF */
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* Text: no NUL, no control character but \t \n \r, valid UTF-8. */
static int text_validate(const char *name, const char *data, size_t len, char *err, size_t errlen)
{
	const unsigned char *s = (const unsigned char *)data;
	size_t i = 0, n;
	int line = 1;

	while (i < len) {
		unsigned char c = s[i];

		if (c == '\n') {
			line++;
		} else if (c == 0) {
			return fcnvme_err(
				err, errlen, -EINVAL,
				"%s:%d: NUL byte: not a text file (truncated or corrupted?)", name,
				line);
		} else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
			return fcnvme_err(err, errlen, -EINVAL,
					  "%s:%d: control character 0x%02x: not a text file", name,
					  line, c);
		} else if (c >= 0x80) {
			n = text_utf8(s + i, len - i);
			if (n == 0)
				return fcnvme_err(
					err, errlen, -EINVAL,
					"%s:%d: byte 0x%02x is not UTF-8: not a text file", name,
					line, c);
			if (c == 0xc2 && s[i + 1] < 0xa0)
				return fcnvme_err(
					err, errlen, -EINVAL,
					"%s:%d: control character U+%04X: not a text file", name,
					line, s[i + 1]);
			i += n;
			continue;
		}
		i++;
	}
	return 0;
}

static int text_reserve(struct conf_text *t, size_t more)
{
	size_t cap = t->cap ? t->cap : 4096;
	char *nb;

	if (t->len + more + 1 > CONF_TEXT_MAX_BYTES)
		return -EFBIG;
	while (cap < t->len + more + 1)
		cap *= 2;
	if (cap == t->cap)
		return 0;
	nb = realloc(t->buf, cap);
	if (nb == NULL)
		return -ENOMEM;
	t->buf = nb;
	t->cap = cap;
	return 0;
}

/* Append data[0..len) to the combined text. */
static int text_append(struct conf_text *t, const char *data, size_t len)
{
	size_t i;
	int rc = text_reserve(t, len);

	if (rc)
		return rc;
	memcpy(t->buf + t->len, data, len);
	for (i = 0; i < len; i++)
		t->lines += data[i] == '\n';
	t->len += len;
	t->buf[t->len] = '\0';
	return 0;
}

/* From the next line of the combined text on: file's line line. */
static int text_map(struct conf_text *t, unsigned int file, int line)
{
	struct conf_text_src *n;

	if (t->nr_src > 0 && t->src[t->nr_src - 1].first == t->lines + 1)
		t->nr_src--; /* an empty range */
	n = realloc(t->src, (t->nr_src + 1) * sizeof(*n));
	if (n == NULL)
		return -ENOMEM;
	t->src = n;
	t->src[t->nr_src].first = t->lines + 1;
	t->src[t->nr_src].file = file;
	t->src[t->nr_src].line = line;
	t->nr_src++;
	return 0;
}

static int text_add_file(struct conf_text *t, const char *name, unsigned int *idx)
{
	char **n = realloc(t->files, (t->nr_files + 1) * sizeof(*n));

	if (n == NULL)
		return -ENOMEM;
	t->files = n;
	t->files[t->nr_files] = strdup(name);
	if (t->files[t->nr_files] == NULL)
		return -ENOMEM;
	*idx = t->nr_files++;
	return 0;
}

static int text_expand(struct conf_text *t, const char *name, const char *data, size_t len,
		       struct text_stack *stack, bool have_dir, char *err, size_t errlen);

/* The include in tok of file name (its directory when have_dir). */
static int text_include(struct conf_text *t, const char *name, const struct conf_tok *tok,
			struct text_stack *stack, bool have_dir, char *err, size_t errlen)
{
	const char *slash = strrchr(name, '/');
	char path[PATH_MAX];
	struct stat st;
	size_t len;
	char *data;
	int rc, i;

	if (tok->name[0] == '/')
		rc = snprintf(path, sizeof(path), "%s", tok->name);
	else if (!have_dir)
		return fcnvme_err(err, errlen, -EINVAL,
				  "%s:%d: @include \"%s\": a relative name needs a configuration "
				  "file to be relative to",
				  name, tok->line, tok->name);
	else if (slash == NULL)
		rc = snprintf(path, sizeof(path), "%s", tok->name);
	else
		rc = snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - name), name, tok->name);
	if (rc < 0 || (size_t)rc >= sizeof(path))
		return fcnvme_err(err, errlen, -ENAMETOOLONG,
				  "%s:%d: @include \"%s\": name too long", name, tok->line,
				  tok->name);
	if (stack->depth >= CONF_TEXT_MAX_DEPTH)
		return fcnvme_err(err, errlen, -ELOOP,
				  "%s:%d: @include \"%s\": includes nested deeper than %d", name,
				  tok->line, tok->name, CONF_TEXT_MAX_DEPTH);
	rc = text_slurp(path, true, &data, &len, &st);
	if (rc == -EINVAL)
		return fcnvme_err(err, errlen, rc,
				  "%s:%d: @include \"%s\": %s is not a regular file", name,
				  tok->line, tok->name, path);
	if (rc)
		return fcnvme_err(err, errlen, rc, "%s:%d: @include \"%s\": cannot read %s: %s",
				  name, tok->line, tok->name, path, strerror(-rc));
	for (i = 0; i <= stack->depth; i++)
		if (stack->dev[i] == st.st_dev && stack->ino[i] == st.st_ino) {
			free(data);
			return fcnvme_err(err, errlen, -ELOOP,
					  "%s:%d: @include \"%s\": %s includes itself", name,
					  tok->line, tok->name, path);
		}
	stack->depth++;
	stack->dev[stack->depth] = st.st_dev;
	stack->ino[stack->depth] = st.st_ino;
	rc = text_expand(t, path, data, len, stack, true, err, errlen);
	stack->depth--;
	free(data);
	return rc;
}

/* After an include's closing quote: blanks, then a line comment or the end
 * of the line. Returns the start of the next line, or NULL. */
static const char *text_include_rest(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	if (p < end && (*p == '#' || (*p == '/' && p + 1 < end && p[1] == '/')))
		while (p < end && *p != '\n')
			p++;
	if (p == end)
		return p;
	return *p == '\n' ? p + 1 : NULL;
}

/* Validate one file's text and append it, its includes expanded. */
static int text_expand(struct conf_text *t, const char *name, const char *data, size_t len,
		       struct text_stack *stack, bool have_dir, char *err, size_t errlen)
{
	const char *from = data, *next;
	struct conf_tok *tok;
	struct conf_lex lx;
	unsigned int idx;
	int rc;

	rc = text_validate(name, data, len, err, errlen);
	if (rc)
		return rc;
	tok = malloc(sizeof(*tok));
	if (tok == NULL)
		return -ENOMEM;
	rc = text_add_file(t, name, &idx);
	if (rc == 0)
		rc = text_map(t, idx, 1);
	conf_lex_init(&lx, data, len);
	while (rc == 0) {
		conf_lex_next(&lx, tok);
		if (tok->type == CONF_TOK_EOF)
			break;
		if (tok->type == CONF_TOK_OPEN_COMMENT) {
			rc = fcnvme_err(err, errlen, -EINVAL,
					"%s:%d: comment opened here is never closed (missing */)",
					name, tok->line);
		} else if (tok->type == CONF_TOK_OPEN_STRING) {
			rc = fcnvme_err(err, errlen, -EINVAL,
					"%s:%d: string opened here is never closed (missing \")",
					name, tok->line);
		} else if (tok->type == CONF_TOK_BAD_INCLUDE) {
			rc = fcnvme_err(err, errlen, -EINVAL,
					"%s:%d: @include needs a file name in double quotes on "
					"its line",
					name, tok->line);
		} else if (tok->type == CONF_TOK_INCLUDE) {
			next = text_include_rest(lx.p, lx.end);
			if (next == NULL) {
				rc = fcnvme_err(err, errlen, -EINVAL,
						"%s:%d: @include \"%s\": only a comment may follow "
						"on its line",
						name, tok->line, tok->name);
				break;
			}
			/* The text before the include line, the included file,
			 * then this file again from the next line. */
			rc = text_append(t, from, (size_t)(tok->start - from));
			if (rc == 0)
				rc = text_include(t, name, tok, stack, have_dir, err, errlen);
			if (rc == 0)
				rc = text_map(t, idx, tok->line + 1);
			from = next;
			conf_lex_init(&lx, data, len);
			lx.p = next;
			lx.line = tok->line + 1;
		}
	}
	free(tok);
	if (rc == 0)
		rc = text_append(t, from, (size_t)(data + len - from));
	if (rc == 0 && t->len > 0 && t->buf[t->len - 1] != '\n') {
		rc = text_append(t, "\n", 1);
		t->nl_added = stack->depth == 0;
	}
	if (rc == -ENOMEM || rc == -EFBIG)
		return fcnvme_err(err, errlen, rc, "%s: %s", name,
				  rc == -ENOMEM ? "out of memory"
						: "the configuration is larger than 16 MiB");
	return rc;
}

/* Read and expand a configuration file. */
int conf_text_read(struct conf_text *t, const char *path, char *err, size_t errlen)
{
	struct text_stack stack = { .depth = 0 };
	struct stat st;
	size_t len;
	char *data;
	int rc;

	memset(t, 0, sizeof(*t));
	rc = text_slurp(path, false, &data, &len, &st);
	if (rc == -EFBIG)
		return fcnvme_err(err, errlen, rc, "%s: the configuration is larger than 16 MiB",
				  path);
	if (rc)
		return fcnvme_err(err, errlen, rc, "%s: cannot read: %s", path, strerror(-rc));
	stack.dev[0] = st.st_dev;
	stack.ino[0] = st.st_ino;
	rc = text_expand(t, path, data, len, &stack, true, err, errlen);
	free(data);
	if (rc)
		conf_text_free(t);
	return rc;
}

/* Expand configuration text held in memory. */
int conf_text_string(struct conf_text *t, const char *text, size_t len, const char *name, char *err,
		     size_t errlen)
{
	struct text_stack stack = { .depth = 0 };
	int rc;

	memset(t, 0, sizeof(*t));
	stack.dev[0] = (dev_t)-1;
	stack.ino[0] = (ino_t)-1;
	t->string = true;
	rc = text_expand(t, name, text, len, &stack, false, err, errlen);
	if (rc)
		conf_text_free(t);
	return rc;
}

void conf_text_free(struct conf_text *t)
{
	unsigned int i;

	for (i = 0; i < t->nr_files; i++)
		free(t->files[i]);
	free(t->files);
	free(t->src);
	free(t->buf);
	memset(t, 0, sizeof(*t));
}

/* Where line of the combined text came from. */
void conf_text_where(const struct conf_text *t, int line, const char **file, int *fline)
{
	unsigned int i;

	*file = NULL;
	*fline = line;
	for (i = t->nr_src; i-- > 0;)
		if (t->src[i].first <= line) {
			*file = t->files[t->src[i].file];
			*fline = t->src[i].line + (line - t->src[i].first);
			return;
		}
	if (t->nr_files > 0)
		*file = t->files[0];
}

int conf_text_error(const struct conf_text *t, int line, int error, char *err, size_t errlen,
		    const char *fmt, ...)
{
	char msg[400];
	const char *file;
	va_list ap;
	int fline;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	conf_text_where(t, line, &file, &fline);
	return fcnvme_err(err, errlen, error, "%s:%d: %s", file != NULL ? file : "?", fline, msg);
}
