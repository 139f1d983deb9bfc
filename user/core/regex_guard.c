// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * regex_guard.c: one pass over an extended regular expression that tracks whether the last
 * token was a quantifier and, per open group, whether it holds one. Escapes and bracket
 * expressions are skipped whole: their `*` and `(` are literal, and a `]` right after `[` or
 * `[^` belongs to the set, as do the `]` of `[:class:]`, `[.x.]` and `[=x=]`. `{` is a
 * quantifier only before a digit, as glibc reads it.
 */
#include "core/regex_guard.h"

#include <ctype.h>
#include <string.h>

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

static bool is_quantifier(const char *p)
{
	return *p == '*' || *p == '+' || *p == '?' || (*p == '{' && isdigit((unsigned char)p[1]));
}

/* p at a quantifier: the character after it. */
static const char *skip_quantifier(const char *p)
{
	if (*p == '{')
		while (*p && *p != '}')
			p++;
	return *p ? p + 1 : p;
}

const char *regex_guard__refusal(const struct regex_guard *g, const char *re)
{
	enum { MAX_TRACKED = 64 };
	bool holds[MAX_TRACKED + 1] = { false }; /* per open group: it holds a quantifier */
	bool after_quantifier = false;
	static const struct regex_guard none;
	const char *p = re;
	int depth = 0;

	if (!g)
		g = &none;
	if (g->max_len && strlen(re) > g->max_len)
		return "too long";
	while (*p) {
		bool quantified = false;

		if (*p == '\\') {
			p += p[1] ? 2 : 1;
		} else if (*p == '[') {
			p = skip_bracket(p);
		} else if (*p == '(') {
			if (g->max_depth && depth >= g->max_depth)
				return "groups nested too deep";
			depth++;
			if (depth <= MAX_TRACKED)
				holds[depth] = false;
			p++;
		} else if (*p == ')' && depth > 0) {
			bool inner = depth <= MAX_TRACKED && holds[depth];

			depth--;
			p++;
			if (g->repeated_groups && inner && is_quantifier(p))
				return "a repeated group that holds a quantifier (like (a*)*)";
			if (inner && depth <= MAX_TRACKED)
				holds[depth] = true;
		} else if (is_quantifier(p)) {
			if (after_quantifier)
				return "a quantifier on a quantifier (like a**)";
			if (depth <= MAX_TRACKED)
				holds[depth] = true;
			quantified = true;
			p = skip_quantifier(p);
		} else {
			p++;
		}
		after_quantifier = quantified;
	}
	return NULL;
}
