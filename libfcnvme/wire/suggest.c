// SPDX-License-Identifier: Apache-2.0
/*
 * Edit distance and the nearest known word (see suggest.h), for messages
 * that answer a misspelt keyword with "did you mean …?".
 */
#include <string.h>

#include <fcnvme/suggest.h>

static unsigned int min3(unsigned int a, unsigned int b, unsigned int c)
{
	unsigned int m = a < b ? a : b;

	return m < c ? m : c;
}

unsigned int fcnvme_edit_distance(const char *a, const char *b)
{
	/* Three rows of the dynamic programme: i-2, i-1, i. */
	unsigned int rows[3][FCNVME_SUGGEST_MAX + 1];
	size_t la = strlen(a), lb = strlen(b), i, j;

	if (la > FCNVME_SUGGEST_MAX || lb > FCNVME_SUGGEST_MAX)
		return FCNVME_SUGGEST_MAX + 1;
	for (j = 0; j <= lb; j++)
		rows[0][j] = (unsigned int)j;
	for (i = 1; i <= la; i++) {
		unsigned int *cur = rows[i % 3], *prev = rows[(i - 1) % 3],
			     *prev2 = rows[(i + 1) % 3];

		cur[0] = (unsigned int)i;
		for (j = 1; j <= lb; j++) {
			unsigned int cost = a[i - 1] != b[j - 1];

			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
	}
	return rows[la % 3][lb];
}

const char *fcnvme_suggest(const char *w, const char *const *words, size_t n)
{
	size_t len = strlen(w), k;
	unsigned int limit = len <= 4 ? 1 : len <= 8 ? 2 : 3, best = limit + 1, d;
	const char *pick = NULL;

	for (k = 0; k < n; k++) {
		if (!words[k])
			continue;
		d = fcnvme_edit_distance(w, words[k]);
		if (d > 0 && d < best) {
			best = d;
			pick = words[k];
		}
	}
	return pick;
}
