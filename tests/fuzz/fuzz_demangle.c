// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_demangle.c: libFuzzer target for the Rust legacy-name cleaner (profile/demangle.c):
 * any text, with and without a valid-looking hash appended, is cleaned in place; the result
 * must be a NUL-terminated string no longer than the input, of the length returned.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profile/demangle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(char *s, size_t n)
{
	size_t r = rust_legacy_clean(s);

	if (r > n || strlen(s) != r)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char hash[] = "::h0123456789abcdef";
	char *s = malloc(size + sizeof(hash));
	size_t n;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	n = strlen(s);
	check(s, n);
	memcpy(s, data, size);
	s[size] = '\0';
	n = strlen(s);
	memcpy(s + n, hash, sizeof(hash));
	check(s, n + sizeof(hash) - 1);
	free(s);
	return 0;
}
