// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_accept_encoding.c: libFuzzer target for serve's Accept-Encoding test,
 * http_accepts_gzip(), which reads a header any client can send. Any text must be answered
 * without reading past it; a value that names gzip with no weight must be accepted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prom/http_gzip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 7);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)http_accepts_gzip(s);
	if (!memchr(s, ';', size) && !memchr(s, ',', size)) {
		memcpy(s + strlen(s), ",gzip", 6); /* the last element wins: this must accept */
		if (!http_accepts_gzip(s))
			abort();
	}
	free(s);
	return 0;
}
