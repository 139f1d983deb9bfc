/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * probe_regex.h: the check every probe regular expression passes before regcomp(): glibc's
 * regcomp() takes time polynomial in the length of stacked quantifiers (`o` and 80 `*`: 1.1 s,
 * 120: 5.5 s, found by fuzzing the modules file), so a quantifier right after another is
 * refused. POSIX leaves such patterns undefined; `a**` means `a*` where they are taken.
 */
#ifndef VIGIL_PROBE_REGEX_H
#define VIGIL_PROBE_REGEX_H

#include <stdbool.h>

/* Does the extended regular expression re put a quantifier (* + ? {m,n}) on a quantifier? */
bool probe_regex__stacked(const char *re);

#endif /* VIGIL_PROBE_REGEX_H */
