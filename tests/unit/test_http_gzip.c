// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_http_gzip.c: serve's Accept-Encoding test (the forms clients send: Prometheus' "gzip",
 * browsers' lists, weights, "*", refusals with q=0, odd spacing and case) and its gzip
 * stream, inflated back with zlib.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "prom/http_gzip.h"

static void test_accept_encoding_forms(void **state)
{
	(void)state;
	assert_true(http_accepts_gzip("gzip"));
	assert_true(http_accepts_gzip("identity, gzip"));
	assert_true(http_accepts_gzip("gzip, deflate, br"));
	assert_true(http_accepts_gzip(" GZip ;q=0.5"));
	assert_true(http_accepts_gzip("x-gzip"));
	assert_true(http_accepts_gzip("*"));
	assert_true(http_accepts_gzip("br;q=1.0, gzip;q=0.8, *;q=0.1"));
	assert_true(http_accepts_gzip("gzip;level=1;q=0.001"));
	assert_false(http_accepts_gzip(NULL));
	assert_false(http_accepts_gzip(""));
	assert_false(http_accepts_gzip("identity"));
	assert_false(http_accepts_gzip("deflate, br"));
	assert_false(http_accepts_gzip("gzip;q=0"));
	assert_false(http_accepts_gzip("gzip; q=0.000"));
	assert_false(http_accepts_gzip("*;q=0"));
	assert_false(http_accepts_gzip("gzip;q=0, *"));	   /* gzip named: its weight wins */
	assert_false(http_accepts_gzip("gzipped, xgzip")); /* whole names only */
	assert_false(http_accepts_gzip(",,;;=,"));
}

static void test_gzip_inflates_back(void **state)
{
	char text[4096], back[8192];
	size_t zlen = 0;
	z_stream z;
	char *gz;

	(void)state;
	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + i % 7);
	gz = http_gzip(text, sizeof(text), &zlen);
	assert_non_null(gz);
	assert_true(zlen > 18 && zlen < sizeof(text));
	assert_true((unsigned char)gz[0] == 0x1f && (unsigned char)gz[1] == 0x8b);
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)gz;
	z.avail_in = (uInt)zlen;
	z.next_out = (Bytef *)back;
	z.avail_out = sizeof(back);
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, sizeof(text));
	assert_memory_equal(back, text, sizeof(text));
	inflateEnd(&z);
	free(gz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_encoding_forms),
		cmocka_unit_test(test_gzip_inflates_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
