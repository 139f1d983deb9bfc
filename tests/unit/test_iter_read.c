// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_iter_read.c: the BPF iterator reader (user/iter/iter_read.c) on streams written to a
 * memfd in place of an iterator fd: whole records in order, a walk longer than a read chunk
 * (records cut by the chunk's end are carried over intact), and what must fall back to
 * /proc: a record of another version or size, a walk that ends inside a record.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>
#include <errno.h>

#include <linux/types.h>

#include "iter/iter_read.h"
#include "iter_rec.h"

/* A reader over n socket records (inode = index), the last one cut to cut bytes if > 0. */
static void reader_over(struct iter_reader *r, size_t n, uint16_t version, uint16_t size,
			size_t cut)
{
	int fd = memfd_create("iter", 0);

	assert_true(fd >= 0);
	for (size_t i = 0; i < n; i++) {
		struct iter_sock_rec rec = {
			.version = version, .size = size, .pid = 7, .fd = (int)i, .inode = i
		};
		size_t len = cut && i == n - 1 ? cut : sizeof(rec);

		assert_int_equal(write(fd, &rec, len), (ssize_t)len);
	}
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(iter_reader__init(r, -1, "socket owner"), 0);
	r->fd = fd;
}

static void test_records_in_order(void **state)
{
	struct iter_reader r;
	const struct iter_sock_rec *rec;
	size_t n = 0;
	int ret;

	(void)state;
	reader_over(&r, 3, ITER_SOCK_VERSION, sizeof(*rec), 0);
	assert_int_equal(iter_reader__check_first(&r, ITER_SOCK_VERSION, sizeof(*rec)), 0);
	while ((ret = iter_reader__next(&r, ITER_SOCK_VERSION, sizeof(*rec), (const void **)&rec)) >
	       0) {
		assert_int_equal(rec->inode, n);
		n++;
	}
	assert_int_equal(ret, 0);
	assert_int_equal(n, 3);
	iter_reader__fini(&r);
}

static void test_walk_longer_than_a_chunk(void **state)
{
	struct iter_reader r;
	const struct iter_sock_rec *rec;
	size_t n = 0, total = 20000; /* 480 KB: records cut at every 64 KiB chunk's end */
	int ret;

	(void)state;
	reader_over(&r, total, ITER_SOCK_VERSION, sizeof(*rec), 0);
	while ((ret = iter_reader__next(&r, ITER_SOCK_VERSION, sizeof(*rec), (const void **)&rec)) >
	       0) {
		assert_int_equal(rec->inode, n);
		assert_int_equal(rec->fd, (int)n);
		n++;
	}
	assert_int_equal(ret, 0);
	assert_int_equal(n, total);
	iter_reader__fini(&r);
}

static void test_foreign_version_or_size(void **state)
{
	struct iter_reader r;
	const void *rec;

	(void)state;
	reader_over(&r, 2, ITER_SOCK_VERSION + 1, sizeof(struct iter_sock_rec), 0);
	assert_int_equal(iter_reader__check_first(&r, ITER_SOCK_VERSION, 24), -EPROTO);
	assert_int_equal(iter_reader__next(&r, ITER_SOCK_VERSION, 24, &rec), -EPROTO);
	iter_reader__fini(&r);
	reader_over(&r, 2, ITER_SOCK_VERSION, 32, 0);
	assert_int_equal(iter_reader__next(&r, ITER_SOCK_VERSION, 24, &rec), -EPROTO);
	iter_reader__fini(&r);
}

static void test_walk_ending_inside_a_record(void **state)
{
	struct iter_reader r;
	const void *rec;

	(void)state;
	reader_over(&r, 3, ITER_SOCK_VERSION, 24, 10);
	assert_int_equal(iter_reader__next(&r, ITER_SOCK_VERSION, 24, &rec), 1);
	assert_int_equal(iter_reader__next(&r, ITER_SOCK_VERSION, 24, &rec), 1);
	assert_int_equal(iter_reader__next(&r, ITER_SOCK_VERSION, 24, &rec), -EPROTO);
	iter_reader__fini(&r);
	/* a header alone (4 bytes), then nothing */
	reader_over(&r, 1, ITER_SOCK_VERSION, 24, 4);
	assert_int_equal(iter_reader__next(&r, ITER_SOCK_VERSION, 24, &rec), -EPROTO);
	iter_reader__fini(&r);
}

static void test_empty_walk(void **state)
{
	struct iter_reader r;
	const void *rec;

	(void)state;
	reader_over(&r, 0, ITER_SOCK_VERSION, 24, 0);
	assert_int_equal(iter_reader__check_first(&r, ITER_SOCK_VERSION, 24), 0);
	assert_int_equal(iter_reader__next(&r, ITER_SOCK_VERSION, 24, &rec), 0);
	iter_reader__fini(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_in_order),
		cmocka_unit_test(test_walk_longer_than_a_chunk),
		cmocka_unit_test(test_foreign_version_or_size),
		cmocka_unit_test(test_walk_ending_inside_a_record),
		cmocka_unit_test(test_empty_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
