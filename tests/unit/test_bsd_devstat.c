// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_bsd_devstat.c - FreeBSD's disk I/O decoder on byte fixtures laid out as FreeBSD 13
 * amd64 returns kern.devstat.all (a long generation, then struct devstat records): device
 * names with units, READ/WRITE operations and bytes, bintime durations and busy time in ms,
 * and refusals of ragged sizes and of a record caught mid-update (sequence0 != sequence1).
 */
#include "fb_test.h"

#include "../../fallback/bsd/bsd_decode.h"

static void put_u32(unsigned char *b, size_t off, uint32_t v)
{
	memcpy(b + off, &v, 4);
}

static void put_u64(unsigned char *b, size_t off, uint64_t v)
{
	memcpy(b + off, &v, 8);
}

/* A bintime of @sec seconds and @quarters quarter seconds (frac = quarters * 2^62). */
static void put_bintime(unsigned char *b, size_t off, uint64_t sec, uint64_t quarters)
{
	put_u64(b, off, sec);
	put_u64(b, off + 8, quarters << 62);
}

static void put_devstat(unsigned char *b, size_t off, const char *name, int unit, uint32_t seq)
{
	memset(b + off, 0, FB_BSD_DEVSTAT_SIZE);
	put_u32(b, off + FB_BSD_DS_SEQUENCE0, seq);
	put_u32(b, off + FB_BSD_DS_SEQUENCE1, seq);
	memcpy(b + off + FB_BSD_DS_NAME, name, strlen(name));
	put_u32(b, off + FB_BSD_DS_UNIT, (uint32_t)unit);
}

#define LEN (FB_BSD_DEVSTAT_GEN + 2 * FB_BSD_DEVSTAT_SIZE)

static void fixture(unsigned char *b)
{
	size_t r = FB_BSD_DEVSTAT_GEN;

	put_u64(b, 0, 12); /* generation */
	put_devstat(b, r, "ada", 0, 7);
	put_u64(b, r + FB_BSD_DS_OPERATIONS + 8 * FB_BSD_DEVSTAT_READ, 1000);
	put_u64(b, r + FB_BSD_DS_OPERATIONS + 8 * FB_BSD_DEVSTAT_WRITE, 250);
	put_u64(b, r + FB_BSD_DS_OPERATIONS + 8 * 3, 99); /* FREE (TRIM): not counted */
	put_u64(b, r + FB_BSD_DS_BYTES + 8 * FB_BSD_DEVSTAT_READ, 4096000);
	put_u64(b, r + FB_BSD_DS_BYTES + 8 * FB_BSD_DEVSTAT_WRITE, 1024000);
	put_bintime(b, r + FB_BSD_DS_DURATION + 16 * FB_BSD_DEVSTAT_READ, 3, 2);  /* 3.5 s */
	put_bintime(b, r + FB_BSD_DS_DURATION + 16 * FB_BSD_DEVSTAT_WRITE, 1, 1); /* 1.25 s */
	put_bintime(b, r + FB_BSD_DS_BUSY_TIME, 4, 3);				  /* 4.75 s */
	/* a 16-character name fills the field without a NUL */
	put_devstat(b, r + FB_BSD_DEVSTAT_SIZE, "abcdefghijklmnop", 12, 3);
}

static void test_layout_constants(void **state)
{
	(void)state;
	assert_int_equal(FB_BSD_DS_UNIT, FB_BSD_DS_NAME + FB_BSD_DS_NAMELEN);
	assert_int_equal(FB_BSD_DS_OPERATIONS, FB_BSD_DS_BYTES + 4 * 8);
	assert_int_equal(FB_BSD_DS_DURATION, FB_BSD_DS_OPERATIONS + 4 * 8);
	assert_int_equal(FB_BSD_DS_BUSY_TIME, FB_BSD_DS_DURATION + 4 * FB_BSD_BINTIME_SIZE);
	assert_true(FB_BSD_DS_SEQUENCE1 + 4 <= FB_BSD_DEVSTAT_SIZE);
}

static void test_devices(void **state)
{
	unsigned char b[LEN];
	struct fb_disk_io *v = NULL;
	size_t n = 0, cap = 0;

	(void)state;
	fixture(b);
	assert_int_equal(fb__bsd_decode_devstat_all(b, sizeof(b), &v, &n, &cap), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].name, "ada0");
	assert_int_equal(v[0].read_count, 1000);
	assert_int_equal(v[0].write_count, 250);
	assert_int_equal(v[0].read_bytes, 4096000);
	assert_int_equal(v[0].write_bytes, 1024000);
	assert_int_equal(v[0].read_time, 3500);
	assert_int_equal(v[0].write_time, 1250);
	assert_int_equal(v[0].busy_time, 4750);
	assert_true(v[0].valid & FB_DIO_BUSY_TIME);
	assert_true(v[0].valid & FB_DIO_READ_TIME);
	assert_false(v[0].valid & FB_DIO_MERGED);
	assert_string_equal(v[1].name, "abcdefghijklmnop12");
	assert_int_equal(v[1].read_count, 0);
	free(v);

	/* no devices: just the generation */
	v = NULL, n = 0, cap = 0;
	assert_int_equal(fb__bsd_decode_devstat_all(b, FB_BSD_DEVSTAT_GEN, &v, &n, &cap), 0);
	assert_int_equal(n, 0);
	free(v);
}

static void test_bad_tables(void **state)
{
	unsigned char b[LEN];
	struct fb_disk_io *v = NULL;
	size_t n = 0, cap = 0;

	(void)state;
	fixture(b);
	assert_int_equal(fb__bsd_decode_devstat_all(b, LEN - 1, &v, &n, &cap), -EINVAL);
	assert_int_equal(fb__bsd_decode_devstat_all(b, 4, &v, &n, &cap), -EINVAL);
	assert_int_equal(fb__bsd_decode_devstat_all(b, FB_BSD_DEVSTAT_GEN + 100, &v, &n, &cap),
			 -EINVAL);
	/* the second record is being updated: retry, and nothing is left behind */
	put_u32(b, FB_BSD_DEVSTAT_GEN + FB_BSD_DEVSTAT_SIZE + FB_BSD_DS_SEQUENCE1, 4);
	assert_int_equal(fb__bsd_decode_devstat_all(b, sizeof(b), &v, &n, &cap), -EAGAIN);
	assert_int_equal(n, 0);
	free(v);
}

/* Every prefix in a heap buffer of exactly its size: decoded (whole records) or refused. */
static void test_prefixes(void **state)
{
	unsigned char b[LEN];

	(void)state;
	fixture(b);
	for (size_t len = 0; len <= LEN; len++) {
		unsigned char *c = malloc(len ? len : 1);
		struct fb_disk_io *v = NULL;
		size_t n = 0, cap = 0;
		int err;

		memcpy(c, b, len);
		err = fb__bsd_decode_devstat_all(c, len, &v, &n, &cap);
		if (len >= FB_BSD_DEVSTAT_GEN &&
		    !((len - FB_BSD_DEVSTAT_GEN) % FB_BSD_DEVSTAT_SIZE))
			assert_int_equal(err, 0);
		else
			assert_int_equal(err, -EINVAL);
		free(v);
		free(c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_constants),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_bad_tables),
		cmocka_unit_test(test_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
