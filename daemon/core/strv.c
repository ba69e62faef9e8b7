// SPDX-License-Identifier: Apache-2.0
/*
 * Sorted sets of strings (strcmp order) the core keeps on the control
 * thread: a subsystem's allowed host NQNs, a namespace's host mask.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tgt_priv.h"

/* Whether s is in the set (binary search). */
bool strv_has(char *const *v, unsigned int n, const char *s)
{
	unsigned int lo = 0, hi = n, mid;
	int cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cmp = strcmp(v[mid], s);
		if (!cmp)
			return true;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Insert a copy of s in order: 0, 1 if it was there, -ENOMEM. */
int strv_insert(char ***v, unsigned int *n, const char *s)
{
	unsigned int pos, i;
	char **nv, *c;
	int cmp;

	for (pos = 0; pos < *n; pos++) {
		cmp = strcmp((*v)[pos], s);
		if (!cmp)
			return 1;
		if (cmp > 0)
			break;
	}
	c = strdup(s);
	if (!c)
		return -ENOMEM;
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv) {
		free(c);
		return -ENOMEM;
	}
	for (i = *n; i > pos; i--)
		nv[i] = nv[i - 1];
	nv[pos] = c;
	*v = nv;
	(*n)++;
	return 0;
}

/* Take s out of the set and return it (the caller frees it), or NULL if it
 * was not there. The last one out frees the array. */
char *strv_take(char ***v, unsigned int *n, const char *s)
{
	unsigned int i;
	char *out;

	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s))
			break;
	if (i == *n)
		return NULL;
	out = (*v)[i];
	for (; i + 1 < *n; i++)
		(*v)[i] = (*v)[i + 1];
	if (!--*n) {
		free(*v);
		*v = NULL;
	}
	return out;
}

/* Free every string and the array. */
void strv_free(char ***v, unsigned int *n)
{
	unsigned int i;

	for (i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}
