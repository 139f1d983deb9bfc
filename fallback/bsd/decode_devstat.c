// SPDX-License-Identifier: BSD-2-Clause
/*
 * decode_devstat.c - FreeBSD's disk I/O counters from bytes: the kern.devstat.all table (a
 * generation number, then struct devstat per device) into psutil's disk_io_counters fields,
 * as iostat(8) reads them: operations and bytes of the READ and WRITE transaction types,
 * their accumulated durations and the busy time, each a struct bintime turned into ms.
 */
#include "bsd_decode.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* struct bintime { time_t sec; uint64_t frac (1/2^64 s); } in ms */
static uint64_t bintime_ms(const unsigned char *p)
{
	return get_u64(p) * 1000 + (((get_u64(p + 8) >> 32) * 1000) >> 32);
}

static int walk(const unsigned char *p, size_t len, struct fb_disk_io **v, size_t *n, size_t *cap)
{
	for (size_t off = FB_BSD_DEVSTAT_GEN; off < len; off += FB_BSD_DEVSTAT_SIZE) {
		const unsigned char *r = p + off;
		char name[FB_BSD_DS_NAMELEN + 1];
		struct fb_disk_io *d;
		int err;

		if (get_u32(r + FB_BSD_DS_SEQUENCE0) != get_u32(r + FB_BSD_DS_SEQUENCE1))
			return -EAGAIN;
		err = fb__grow((void **)v, cap, *n + 1, sizeof(**v));
		if (err)
			return err;
		d = &(*v)[(*n)++];
		memset(d, 0, sizeof(*d));
		memcpy(name, r + FB_BSD_DS_NAME, FB_BSD_DS_NAMELEN);
		name[FB_BSD_DS_NAMELEN] = '\0';
		snprintf(d->name, sizeof(d->name), "%s%d", name, (int)get_u32(r + FB_BSD_DS_UNIT));
		d->read_count = get_u64(r + FB_BSD_DS_OPERATIONS + 8 * FB_BSD_DEVSTAT_READ);
		d->write_count = get_u64(r + FB_BSD_DS_OPERATIONS + 8 * FB_BSD_DEVSTAT_WRITE);
		d->read_bytes = get_u64(r + FB_BSD_DS_BYTES + 8 * FB_BSD_DEVSTAT_READ);
		d->write_bytes = get_u64(r + FB_BSD_DS_BYTES + 8 * FB_BSD_DEVSTAT_WRITE);
		d->read_time = bintime_ms(r + FB_BSD_DS_DURATION +
					  FB_BSD_BINTIME_SIZE * FB_BSD_DEVSTAT_READ);
		d->write_time = bintime_ms(r + FB_BSD_DS_DURATION +
					   FB_BSD_BINTIME_SIZE * FB_BSD_DEVSTAT_WRITE);
		d->busy_time = bintime_ms(r + FB_BSD_DS_BUSY_TIME);
		d->valid = FB_DIO_READ_TIME | FB_DIO_WRITE_TIME | FB_DIO_BUSY_TIME;
	}
	return 0;
}

int fb__bsd_decode_devstat_all(const void *buf, size_t len, struct fb_disk_io **v, size_t *n,
			       size_t *cap)
{
	size_t n0 = *n;
	int err;

	if (len < FB_BSD_DEVSTAT_GEN || (len - FB_BSD_DEVSTAT_GEN) % FB_BSD_DEVSTAT_SIZE)
		return -EINVAL;
	err = walk(buf, len, v, n, cap);
	if (err)
		*n = n0;
	return err;
}
