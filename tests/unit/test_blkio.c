// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_blkio.c: the block I/O tracer's userspace pieces without BPF: op and flag letters,
 * blk_status errno names, disk name and number lookups in a fixture sysfs tree under the
 * fallback library's root (including hostile entries), the wire layout of struct vg_bio, and
 * decoding hand-built record bytes into rows (nulls for an unknown submitter, an unqueued
 * request and a flush's sector).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <libgen.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkio/blkio_dev.h"
#include "blkio/blkio_fmt.h"
#include "events.h"
#include "core/hist.h"
#include "core/record.h"
#include "fallback.h"

static char root[512];

/* The fixture tree holds sys/: every lookup reads it through the library's one root. */
static int setup_fixture(void **state)
{
	char src[512];

	(void)state;
	snprintf(src, sizeof(src), "%s", __FILE__);
	snprintf(root, sizeof(root), "%s/../fixtures/blkio", dirname(src));
	return fb_root_set(root);
}

static int teardown_fixture(void **state)
{
	(void)state;
	return fb_root_set(NULL);
}

static void test_op_format_letters(void **state)
{
	char b[BLKIO_OP_LEN];

	(void)state;
	assert_string_equal(blkio_op_format(1, VG_BIO_SYNC, b, sizeof(b)), "WS");
	assert_string_equal(blkio_op_format(0, VG_BIO_META, b, sizeof(b)), "RM");
	assert_string_equal(blkio_op_format(0, VG_BIO_RAHEAD, b, sizeof(b)), "RA");
	assert_string_equal(blkio_op_format(2, VG_BIO_PREFLUSH, b, sizeof(b)), "FF");
	assert_string_equal(blkio_op_format(1, VG_BIO_FUA | VG_BIO_SYNC, b, sizeof(b)), "WFS");
	assert_string_equal(blkio_op_format(1, VG_BIO_PREFLUSH | VG_BIO_SYNC, b, sizeof(b)), "FWS");
	assert_string_equal(blkio_op_format(3, 0, b, sizeof(b)), "D");
	assert_string_equal(blkio_op_format(5, 0, b, sizeof(b)), "DE");
	assert_string_equal(blkio_op_format(9, 0, b, sizeof(b)), "Z");
	assert_string_equal(blkio_op_format(34, 0, b, sizeof(b)), "N");
	assert_string_equal(blkio_op_format(0, 0xff, b, sizeof(b)), "FRFASM");
}

static void test_op_format_truncates_safely(void **state)
{
	char b[3];

	(void)state;
	assert_string_equal(blkio_op_format(1, VG_BIO_FUA | VG_BIO_SYNC, b, sizeof(b)), "WF");
}

static void test_status_names(void **state)
{
	char b[16];

	(void)state;
	assert_string_equal(blkio_status_name(0, b, sizeof(b)), "");
	assert_string_equal(blkio_status_name(10, b, sizeof(b)), "EIO");
	assert_string_equal(blkio_status_name(1, b, sizeof(b)), "EOPNOTSUPP");
	assert_string_equal(blkio_status_name(2, b, sizeof(b)), "ETIMEDOUT");
	assert_string_equal(blkio_status_name(3, b, sizeof(b)), "ENOSPC");
	assert_string_equal(blkio_status_name(16, b, sizeof(b)), "ENODEV");
	assert_string_equal(blkio_status_name(19, b, sizeof(b)), "EINVAL");
	/* 11 (the old DM_REQUEUE) and 18 are unused since 6.9; 200 was never used. */
	assert_string_equal(blkio_status_name(11, b, sizeof(b)), "BLK_STS_11");
	assert_string_equal(blkio_status_name(200, b, sizeof(b)), "BLK_STS_200");
}

static void test_disk_name_from_fixture(void **state)
{
	char name[BLKIO_DISK_LEN];

	(void)state;
	assert_int_equal(blkio_disk_name(blkio_dev_make(7, 0), name, sizeof(name)), 0);
	assert_string_equal(name, "loop0");
	assert_int_equal(blkio_disk_name(blkio_dev_make(254, 0), name, sizeof(name)), 0);
	assert_string_equal(name, "vda");
	/* no DEVNAME line; no such device; a buffer too small */
	assert_int_equal(blkio_disk_name(blkio_dev_make(8, 0), name, sizeof(name)), -ENOENT);
	assert_int_equal(blkio_disk_name(blkio_dev_make(9, 9), name, sizeof(name)), -ENOENT);
	assert_int_equal(blkio_disk_name(blkio_dev_make(7, 0), name, 5), -ENOENT);
}

static void test_disk_dev_from_fixture(void **state)
{
	uint32_t dev = 0;

	(void)state;
	assert_int_equal(blkio_disk_dev("loop0", &dev), 0);
	assert_int_equal(dev, (7U << 20) | 0);
	assert_int_equal(blkio_disk_dev("/dev/vda", &dev), 0);
	assert_int_equal(blkio_dev_major(dev), 254);
	assert_int_equal(blkio_dev_minor(dev), 0);
	assert_int_equal(blkio_disk_dev("vda1", &dev), -EINVAL); /* a partition */
	assert_int_equal(blkio_disk_dev("bad", &dev), -EINVAL);	 /* not M:m */
	assert_int_equal(blkio_disk_dev("sdz", &dev), -ENOENT);
	assert_int_equal(blkio_disk_dev("../vda", &dev), -EINVAL);
	assert_int_equal(blkio_disk_dev("", &dev), -EINVAL);
	assert_int_equal(blkio_disk_dev("..", &dev), -EINVAL);
}

static void test_disk_cache_returns_names_and_empty(void **state)
{
	(void)state;
	assert_string_equal(blkio_disk_cached(blkio_dev_make(7, 0)), "loop0");
	assert_string_equal(blkio_disk_cached(blkio_dev_make(7, 0)), "loop0");
	assert_string_equal(blkio_disk_cached(blkio_dev_make(8, 0)), "");
}

static void test_wire_layout(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct vg_bio), 80);
	assert_int_equal(offsetof(struct vg_bio, sector), 16);
	assert_int_equal(offsetof(struct vg_bio, queue_ns), 24);
	assert_int_equal(offsetof(struct vg_bio, service_ns), 32);
	assert_int_equal(offsetof(struct vg_bio, pid), 40);
	assert_int_equal(offsetof(struct vg_bio, bytes), 44);
	assert_int_equal(offsetof(struct vg_bio, dev), 48);
	assert_int_equal(offsetof(struct vg_bio, op), 52);
	assert_int_equal(offsetof(struct vg_bio, flags), 53);
	assert_int_equal(offsetof(struct vg_bio, status), 54);
	assert_int_equal(offsetof(struct vg_bio, known), 55);
	assert_int_equal(offsetof(struct vg_bio, comm), 56);
	assert_int_equal(offsetof(struct vg_bio, cgroup_id), 72);
	assert_int_equal(sizeof(struct vg_io_top), 40);
	assert_true(VG_IO_TOP_KEY(1, 4194304, (254U << 20)) >> 63);
	assert_int_equal((VG_IO_TOP_KEY(0, 4194304, 7U << 20) >> 32), 4194304);
	assert_int_equal((uint32_t)VG_IO_TOP_KEY(1, 1, (254U << 20) | 3), (254U << 20) | 3);
}

static void put16(uint8_t *b, size_t off, uint16_t v)
{
	memcpy(b + off, &v, 2);
}
static void put32(uint8_t *b, size_t off, uint32_t v)
{
	memcpy(b + off, &v, 4);
}
static void put64(uint8_t *b, size_t off, uint64_t v)
{
	memcpy(b + off, &v, 8);
}

/* A bio record built byte by byte, as the kernel lays it out (little-endian x86). */
static void build_bio(uint8_t *b, uint8_t op, uint8_t flags, uint8_t status, uint8_t known)
{
	memset(b, 0, 80);
	put16(b, 0, VG_KIND_BIO);
	put16(b, 2, 80);
	put32(b, 4, 1);
	put64(b, 8, 123456789);
	put64(b, 16, 2048);
	put64(b, 24, 1500);
	put64(b, 32, 250000);
	put32(b, 40, 4242);
	put32(b, 44, 65536);
	put32(b, 48, (7U << 20) | 0);
	b[52] = op;
	b[53] = flags;
	b[54] = status;
	b[55] = known;
	memcpy(b + 56, "fio,\"x\"", 7);
	put64(b, 72, 0x1234); /* the submitter's cgroup id */
}

static void test_decode_bio_full(void **state)
{
	uint8_t b[80];
	struct vrow row;

	(void)state;
	build_bio(b, 1, VG_BIO_SYNC, 0, VG_BIO_QUEUED | VG_BIO_OWNER);
	assert_int_equal(vrow__decode(&row, b, sizeof(b)), 0);
	assert_int_equal(row.kind, VG_KIND_BIO);
	assert_string_equal(vkind__desc(row.kind)->name, "bio");
	assert_int_equal(row.ts_ns, 123456789);
	assert_int_equal(row.v[VF_CPU].u, 1);
	assert_int_equal(row.v[VF_PID].u, 4242);
	assert_string_equal(row.v[VF_COMM].str, "fio,\"x\"");
	assert_string_equal(row.v[VF_DEV].str, "7:0");
	assert_string_equal(row.v[VF_DISK].str, "loop0");
	assert_string_equal(row.v[VF_OP].str, "WS");
	assert_int_equal(row.v[VF_SECTOR].u, 2048);
	assert_int_equal(row.v[VF_BYTES].u, 65536);
	assert_int_equal(row.v[VF_QUEUE_NS].u, 1500);
	assert_int_equal(row.v[VF_SERVICE_NS].u, 250000);
	assert_string_equal(row.v[VF_ERROR].str, "");
	assert_false(vrow__is_null(&row, VF_PID));
	assert_false(vrow__is_null(&row, VF_QUEUE_NS));
	assert_false(vrow__is_null(&row, VF_SECTOR));
	/* the id is handed on; naming it is --with-cgroup's decorator's job */
	assert_int_equal(row.cgroup_id, 0x1234);
	assert_true(vrow__is_null(&row, VF_CGROUP));
	assert_true(vrow__is_null(&row, VF_CONTAINER));
	assert_true(vrow__is_null(&row, VF_UNIT));
}

static void test_decode_bio_flush_without_owner(void **state)
{
	uint8_t b[80];
	struct vrow row;

	(void)state;
	build_bio(b, 2, VG_BIO_PREFLUSH, 10, 0);
	put64(b, 16, UINT64_MAX);
	put32(b, 48, (9U << 20) | 9); /* a disk the fixture does not know */
	assert_int_equal(vrow__decode(&row, b, sizeof(b)), 0);
	assert_string_equal(row.v[VF_OP].str, "FF");
	assert_string_equal(row.v[VF_ERROR].str, "EIO");
	assert_string_equal(row.v[VF_DEV].str, "9:9");
	assert_true(vrow__is_null(&row, VF_PID));
	assert_true(vrow__is_null(&row, VF_COMM));
	assert_true(vrow__is_null(&row, VF_QUEUE_NS));
	assert_true(vrow__is_null(&row, VF_SECTOR));
	assert_true(vrow__is_null(&row, VF_DISK));
}

static void test_decode_bio_rejects_bad_sizes(void **state)
{
	uint8_t b[88];
	struct vrow row;

	(void)state;
	build_bio(b, 0, 0, 0, 0);
	assert_int_equal(vrow__decode(&row, b, 79), -EINVAL); /* truncated */
	put16(b, 2, 72);
	assert_int_equal(vrow__decode(&row, b, 80), -EINVAL); /* header says another size */
	put16(b, 2, 88);
	assert_int_equal(vrow__decode(&row, b, 88), -EINVAL);
	assert_int_equal(vrow__decode(&row, b, 8), -EINVAL); /* shorter than a header */
}

static void test_kinds_have_schema_columns(void **state)
{
	const struct vkind_desc *bio = vkind__desc(VG_KIND_BIO);
	const struct vkind_desc *top = vkind__desc(VK_BIO_TOP);
	const char *want[] = { "pid",	"comm",	  "cpu",       "dev",	   "disk",
			       "op",	"sector", "bytes",     "queue_ns", "service_ns",
			       "error", "cgroup", "container", "unit" };

	(void)state;
	assert_non_null(bio);
	assert_int_equal(bio->nfields, 14);
	for (int i = 0; i < bio->nfields; i++)
		assert_string_equal(vf_descs[bio->fields[i]].name, want[i]);
	assert_int_equal(vkind__by_name("bio"), VG_KIND_BIO);
	assert_int_equal(vkind__by_name("bio_top"), VK_BIO_TOP);
	assert_int_equal(top->wire_size, 0);
}

static void test_hist_keys_and_per_choices(void **state)
{
	char b[64];

	(void)state;
	assert_int_equal(hist_by_name("blkio"), HIST_BLKIO);
	assert_string_equal(hist_per_accepts(HIST_BLKIO, b, sizeof(b)), "pid, disk, op, disk-op");
	assert_true(hist_per_is_allowed(HIST_BLKIO, VG_PER_DISK));
	assert_true(hist_per_is_allowed(HIST_BLKIO, VG_PER_GLOBAL));
	assert_false(hist_per_is_allowed(HIST_BLKIO, VG_PER_TID));
	assert_false(hist_per_is_allowed(HIST_RUNQ, VG_PER_DISK));
	assert_string_equal(hist_per_names[VG_PER_DISK], "disk");
	assert_string_equal(hist_per_names[VG_PER_OP], "op");
	assert_string_equal(hist_per_names[VG_PER_DISK_OP], "disk-op");
	assert_true(hist_per_is_allowed(HIST_BLKIO, VG_PER_DISK_OP));
	assert_false(hist_per_is_allowed(HIST_RUNQ, VG_PER_DISK_OP));
	assert_string_equal(blkio_op_name(0), "read");
	assert_string_equal(blkio_op_name(1), "write");
	assert_string_equal(blkio_op_name(3), "discard");
	assert_string_equal(blkio_op_name(9), "other");
	assert_string_equal(blkio_disk_label((7U << 20) | 0, b, sizeof(b)), "loop0 (7:0)");
	assert_string_equal(blkio_disk_label((9U << 20) | 9, b, sizeof(b)), "9:9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_op_format_letters),
		cmocka_unit_test(test_op_format_truncates_safely),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_disk_name_from_fixture),
		cmocka_unit_test(test_disk_dev_from_fixture),
		cmocka_unit_test(test_disk_cache_returns_names_and_empty),
		cmocka_unit_test(test_wire_layout),
		cmocka_unit_test(test_decode_bio_full),
		cmocka_unit_test(test_decode_bio_flush_without_owner),
		cmocka_unit_test(test_decode_bio_rejects_bad_sizes),
		cmocka_unit_test(test_kinds_have_schema_columns),
		cmocka_unit_test(test_hist_keys_and_per_choices),
	};

	return cmocka_run_group_tests(tests, setup_fixture, teardown_fixture);
}
