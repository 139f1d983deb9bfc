/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * http_gzip.h: gzip for serve's answers. Whether a client's Accept-Encoding header (RFC 9110
 * section 12.5.3) accepts gzip, and the gzip compression (zlib) of a whole answer. The parser
 * takes any bytes a client sends; it reads, never writes, and never looks past the NUL.
 */
#ifndef VIGIL_HTTP_GZIP_H
#define VIGIL_HTTP_GZIP_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether the Accept-Encoding value v accepts gzip: a "gzip" or "x-gzip" coding, else "*",
 * whose weight is not q=0 ("gzip;q=0" refuses it; a coding named more than once: the last
 * one). NULL or "" (no header, or identity only): false.
 */
bool http_accepts_gzip(const char *v);

/* The gzip stream of in[0..len) in a malloc'd buffer of *out_len bytes; NULL if out of memory. */
char *http_gzip(const char *in, size_t len, size_t *out_len);

#endif /* VIGIL_HTTP_GZIP_H */
