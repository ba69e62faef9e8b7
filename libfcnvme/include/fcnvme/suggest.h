/* SPDX-License-Identifier: Apache-2.0 */
/*
 * "Did you mean …?": the edit distance of two words (optimal string
 * alignment: insertions, deletions, substitutions and transpositions of two
 * adjacent characters each cost 1, the restricted Damerau-Levenshtein
 * distance) and the nearest of a list of known words. Pure functions;
 * nothing is allocated.
 */
#ifndef FCNVME_SUGGEST_H
#define FCNVME_SUGGEST_H

#include <stddef.h>

/* Longest word compared; longer ones are never near anything. */
#define FCNVME_SUGGEST_MAX 64

/* The distance of a and b, or FCNVME_SUGGEST_MAX + 1 if either is longer
 * than FCNVME_SUGGEST_MAX. */
unsigned int fcnvme_edit_distance(const char *a, const char *b);
/* The word of words[0..n) nearest to w (NULL entries skipped) if it is
 * close enough to be a likely typo (distance 1 for words up to 4
 * characters, 2 up to 8, else 3) and not w itself; else NULL. Ties go to
 * the first. */
const char *fcnvme_suggest(const char *w, const char *const *words, size_t n);

#endif /* FCNVME_SUGGEST_H */
