// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * http_gzip.c: the Accept-Encoding test and the compression behind http_gzip.h. A list
 * element is a coding name, then parameters after ';'; only q matters, and only whether it is
 * zero ("0", "0.", "0.000"), since vigil has one encoding to offer. The compression is one
 * deflate call into a buffer of deflateBound() bytes, with gzip's header and trailer.
 */
#include "prom/http_gzip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define GZIP_WINDOW (15 + 16) /* zlib: a gzip wrapper, not zlib's own */

static const char *skip_ows(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* Whether [s, end) (a parameter list, each one after ';') sets q to zero. */
static bool weight_is_zero(const char *s, const char *end)
{
	while (s < end) {
		const char *semi = memchr(s, ';', (size_t)(end - s));
		const char *p = skip_ows(s, end), *pend = semi ? semi : end;

		if (pend - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			p += 2;
			if (p == pend || *p != '0')
				return false;
			for (p++; p < pend && (*p == '.' || *p == '0'); p++)
				;
			p = skip_ows(p, pend);
			return p == pend;
		}
		if (!semi)
			break;
		s = semi + 1;
	}
	return false;
}

/* Whether [s, end), trimmed, is the coding name (case-insensitive). */
static bool coding_is(const char *s, const char *end, const char *name)
{
	size_t n = strlen(name);

	s = skip_ows(s, end);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return (size_t)(end - s) == n && !strncasecmp(s, name, n);
}

bool http_accepts_gzip(const char *v)
{
	int gzip = -1, star = -1; /* -1 not named; else whether accepted */

	if (!v)
		return false;
	while (*v) {
		const char *comma = strchr(v, ',');
		const char *end = comma ? comma : v + strlen(v);
		const char *semi = memchr(v, ';', (size_t)(end - v));
		const char *name_end = semi ? semi : end;
		bool ok = !(semi && weight_is_zero(semi + 1, end));

		if (coding_is(v, name_end, "gzip") || coding_is(v, name_end, "x-gzip"))
			gzip = ok;
		else if (coding_is(v, name_end, "*"))
			star = ok;
		if (!comma)
			break;
		v = comma + 1;
	}
	return gzip >= 0 ? gzip == 1 : star == 1;
}

char *http_gzip(const char *in, size_t len, size_t *out_len)
{
	z_stream z;
	char *out;
	uLong cap;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, GZIP_WINDOW, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	cap = deflateBound(&z, (uLong)len);
	out = malloc(cap);
	if (!out) {
		deflateEnd(&z);
		return NULL;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(out);
		return NULL;
	}
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}
