// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_regex.c: one pass over an extended regular expression that tracks whether the last
 * token was a quantifier, skipping escapes and bracket expressions (their `*` are literal,
 * and a `]` right after `[` or `[^` belongs to the set, as do `[:class:]`, `[.x.]`, `[=x=]`).
 */
#include "probe/probe_regex.h"

#include <ctype.h>

/* p at a '[': the character after its closing ']', or the end of the string. */
static const char *skip_bracket(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']') {
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			char end = p[1];

			for (p += 2; *p && !(*p == end && p[1] == ']'); p++)
				;
			if (*p)
				p += 2;
			continue;
		}
		p++;
	}
	return *p ? p + 1 : p;
}

bool probe_regex__stacked(const char *re)
{
	bool after_quantifier = false;
	const char *p = re;

	while (*p) {
		if (*p == '\\') {
			p += p[1] ? 2 : 1;
			after_quantifier = false;
		} else if (*p == '[') {
			p = skip_bracket(p);
			after_quantifier = false;
		} else if (*p == '*' || *p == '+' || *p == '?' ||
			   (*p == '{' && isdigit((unsigned char)p[1]))) {
			if (after_quantifier)
				return true;
			after_quantifier = true;
			if (*p == '{')
				while (*p && *p != '}')
					p++;
			if (*p)
				p++;
		} else {
			after_quantifier = false;
			p++;
		}
	}
	return false;
}
