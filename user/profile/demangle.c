// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * demangle.c: C++ and Rust symbol names made readable (demangle.h). The C++ ABI does the
 * decoding; this file only decides what to hand it and tidies Rust's legacy names, whose
 * path components carry escapes ($LT$ for '<', $u20$ for ' ', ".." for "::") and end with a
 * hash component that only the linker needs.
 */
#include "profile/demangle.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define RUST_HASH_LEN 16

/* Whether s ends in "::h" and 16 hex digits: the hash of a Rust legacy symbol. */
static bool has_rust_hash(const char *s, size_t n)
{
	const char *h;

	if (n < RUST_HASH_LEN + 3)
		return false;
	h = s + n - RUST_HASH_LEN - 3;
	if (strncmp(h, "::h", 3))
		return false;
	for (int i = 0; i < RUST_HASH_LEN; i++) {
		if (!isxdigit((unsigned char)h[3 + i]))
			return false;
	}
	return true;
}

static const struct {
	const char *esc;
	char c;
} rust_escapes[] = {
	{ "$SP$", '@' }, { "$BP$", '*' }, { "$RF$", '&' }, { "$LT$", '<' },
	{ "$GT$", '>' }, { "$LP$", '(' }, { "$RP$", ')' }, { "$C$", ',' },
};

/* Decode the escape at s ("$LT$", "$u7b$"); its length, or 0 if it is not one. */
static size_t rust_escape(const char *s, char *out)
{
	char *end;
	unsigned long v;

	for (size_t i = 0; i < sizeof(rust_escapes) / sizeof(rust_escapes[0]); i++) {
		size_t n = strlen(rust_escapes[i].esc);

		if (!strncmp(s, rust_escapes[i].esc, n)) {
			*out = rust_escapes[i].c;
			return n;
		}
	}
	if (s[1] != 'u' || !isxdigit((unsigned char)s[2]))
		return 0;
	v = strtoul(s + 2, &end, 16);
	if (*end != '$' || end - s > 6 || v < 0x20 || v > 0x7e)
		return 0;
	*out = (char)v;
	return (size_t)(end - s) + 1;
}

size_t rust_legacy_clean(char *s)
{
	size_t n = strlen(s), r = 0, w = 0;

	if (!has_rust_hash(s, n))
		return n;
	n -= RUST_HASH_LEN + 3;
	while (r < n) {
		char c;
		size_t k;

		if (s[r] == '$' && (k = rust_escape(s + r, &c)) && r + k <= n) {
			s[w++] = c;
			r += k;
		} else if (s[r] == '.' && r + 1 < n && s[r + 1] == '.') {
			s[w++] = ':';
			s[w++] = ':';
			r += 2;
		} else if (s[r] == '_' && r + 1 < n && s[r + 1] == '$' &&
			   (r == 0 || s[r - 1] == ':')) {
			r++; /* a component starting with an escape gets a '_' in front */
		} else {
			s[w++] = s[r++];
		}
	}
	s[w] = '\0';
	return w;
}

char *sym_demangle(const char *name)
{
	char *out;
	int status = 0;

	if (strncmp(name, "_Z", 2))
		return NULL;
	out = __cxa_demangle(name, NULL, NULL, &status);
	if (!out || status) {
		free(out);
		return NULL;
	}
	if (!strncmp(name, "_ZN", 3))
		rust_legacy_clean(out);
	return out;
}
