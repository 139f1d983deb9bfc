// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libc.c (Windows): the C library functions the shared code uses that the Windows C runtime
 * lacks or spells differently. Glob matching for `vigil ps --filter name=GLOB`, where there is
 * no fnmatch(3), follows fnmatch(pattern, s, 0): '*' any run of characters, '?' one character,
 * '[set]' / '[!set]' with a-z ranges, '\' makes the next character literal; an unclosed '['
 * is a literal '['. glibc's qsort_r is qsort_s there, with the context argument first.
 */
#include "port.h"

#include <stddef.h>
#include <stdlib.h>

/* Match the set starting after '[' at *pp against c; NULL if the set is not closed. */
static const char *set_match(const char *p, char c, bool *hit)
{
	bool negate = *p == '!' || *p == '^';

	*hit = false;
	if (negate)
		p++;
	for (bool first = true; first || *p != ']'; first = false) {
		char lo = *p, hi;

		if (!lo)
			return NULL;
		if (lo == '\\' && p[1])
			lo = *++p;
		hi = lo;
		if (p[1] == '-' && p[2] && p[2] != ']') {
			hi = p[2] == '\\' && p[3] ? p[3] : p[2];
			p += hi == p[2] ? 2 : 3;
		}
		if ((unsigned char)c >= (unsigned char)lo && (unsigned char)c <= (unsigned char)hi)
			*hit = true;
		p++;
	}
	*hit ^= negate;
	return p + 1;
}

bool port_glob_matches(const char *pattern, const char *s)
{
	const char *p = pattern, *star_p = NULL, *star_s = NULL;

	while (*s) {
		const char *next = NULL;
		bool hit = false;

		if (*p == '*') {
			star_p = ++p;
			star_s = s;
			continue;
		}
		if (*p == '?') {
			hit = true;
			next = p + 1;
		} else if (*p == '[' && (next = set_match(p + 1, *s, &hit))) {
			/* next is past the closing ']' */
		} else if (*p == '\\' && p[1]) {
			hit = p[1] == *s;
			next = p + 2;
		} else {
			hit = *p && *p == *s;
			next = p + 1;
		}
		if (hit) {
			p = next;
			s++;
		} else if (star_p) {
			p = star_p;
			s = ++star_s;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return !*p;
}

struct sort_ctx {
	int (*cmp)(const void *a, const void *b, void *arg);
	void *arg;
};

static int sort_trampoline(void *ctx, const void *a, const void *b)
{
	const struct sort_ctx *c = ctx;

	return c->cmp(a, b, c->arg);
}

void port_qsort_r(void *base, size_t n, size_t size,
		  int (*cmp)(const void *a, const void *b, void *arg), void *arg)
{
	struct sort_ctx c = { cmp, arg };

	qsort_s(base, n, size, sort_trampoline, &c);
}
