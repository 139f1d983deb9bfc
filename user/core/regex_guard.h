/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * regex_guard.h: the check a user's extended regular expression passes before regcomp().
 * glibc's regcomp() takes time polynomial in stacked quantifiers (`o` and 80 `*`: 1.1 s, 120:
 * 5.5 s, found by fuzzing), so a quantifier right after another is always refused; POSIX
 * leaves such patterns undefined, and `a**` means `a*` where they are taken. A caller can
 * also bound the length and the nesting, and refuse a repeated group that holds a repetition
 * (`(a*)*`), as the alert rules do for patterns that run against every label of every sample.
 */
#ifndef VIGIL_REGEX_GUARD_H
#define VIGIL_REGEX_GUARD_H

#include <stdbool.h>
#include <stddef.h>

struct regex_guard {
	size_t max_len;	      /* 0: any length */
	int max_depth;	      /* 0: any nesting of groups */
	bool repeated_groups; /* refuse `(a*)*` */
};

/*
 * NULL when re may go to regcomp(); otherwise what it refuses, "a quantifier on a quantifier
 * (like a**)" and the like, to follow the name of the flag or field. g NULL: no bounds beyond
 * the one on stacked quantifiers.
 */
const char *regex_guard__refusal(const struct regex_guard *g, const char *re);

#endif /* VIGIL_REGEX_GUARD_H */
