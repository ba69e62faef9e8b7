// SPDX-License-Identifier: Apache-2.0
/*
 * Recording the operations of a reload (conf_plan.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_plan.h"
#include "log.h"

int conf_plan_open(struct conf_plan *p, bool dry)
{
	memset(p, 0, sizeof(*p));
	p->dry = dry;
	p->fp = open_memstream(&p->text, &p->len);
	return p->fp != NULL ? 0 : -ENOMEM;
}

void conf_plan_close(struct conf_plan *p)
{
	if (p->fp != NULL)
		fclose(p->fp);
	p->fp = NULL;
	if (p->text == NULL) {
		p->text = strdup("");
		p->len = 0;
	}
}

void conf_plan_free(struct conf_plan *p)
{
	conf_plan_close(p);
	free(p->text);
	p->text = NULL;
	p->len = 0;
	free(p->grows);
	p->grows = NULL;
	p->nr_grows = 0;
}

int conf_plan_grow(struct fcd *d, const char *nqn, uint32_t nsid, uint64_t size)
{
	struct conf_plan *p = d->plan;
	struct conf_plan_grow *g;

	g = reallocarray(p->grows, p->nr_grows + 1, sizeof(*g));
	if (g == NULL)
		return -ENOMEM;
	p->grows = g;
	g += p->nr_grows++;
	snprintf(g->nqn, sizeof(g->nqn), "%s", nqn);
	g->nsid = nsid;
	g->size = size;
	return 0;
}

void conf_plan_add(struct fcd *d, const char *fmt, ...)
{
	struct conf_plan *p = d->plan;
	va_list ap;

	if (p == NULL || p->fp == NULL || p->mute)
		return;
	va_start(ap, fmt);
	vfprintf(p->fp, fmt, ap);
	va_end(ap);
	fputc('\n', p->fp);
	p->nr++;
}

void conf_plan_log(const struct conf_plan *p)
{
	const char *line = p->text, *end;

	while (line != NULL && *line != '\0') {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		log_info("reload: %.*s", (int)(end - line), line);
		line = *end != '\0' ? end + 1 : end;
	}
	if (p->nr == 0)
		log_info("reload: no changes");
}
