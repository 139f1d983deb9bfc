// SPDX-License-Identifier: BSD-2-Clause
/*
 * disk_io.c - psutil.disk_io_counters() on FreeBSD: kern.devstat.all (every devstat device:
 * disks, CD drives, pass devices) decoded by fb__bsd_decode_devstat_all(), read again when a
 * record was caught mid-update, then nowrap per device and psutil's total (the sum of all).
 */
#include "bsd_int.h"

#include <errno.h>
#include <stdlib.h>

#define NFIELDS 7

static void to_fields(const struct fb_disk_io *d, uint64_t f[NFIELDS])
{
	f[0] = d->read_count, f[1] = d->write_count, f[2] = d->read_bytes;
	f[3] = d->write_bytes, f[4] = d->read_time, f[5] = d->write_time, f[6] = d->busy_time;
}

static void from_fields(const uint64_t f[NFIELDS], struct fb_disk_io *d)
{
	d->read_count = f[0], d->write_count = f[1], d->read_bytes = f[2];
	d->write_bytes = f[3], d->read_time = f[4], d->write_time = f[5], d->busy_time = f[6];
}

static int read_devstat(struct fb_disk_io **v, size_t *n, size_t *cap)
{
	int err = -EAGAIN;

	for (int tries = 0; tries < 5 && err == -EAGAIN; tries++) {
		void *buf;
		size_t len;

		err = fb__sysctl_alloc("kern.devstat.all", &buf, &len);
		if (err)
			return err;
		err = fb__bsd_decode_devstat_all(buf, len, v, n, cap);
		free(buf);
	}
	return err;
}

int fb_disk_io_counters(bool perdisk, struct fb_nowrap *nw, struct fb_disk_io **out, size_t *n)
{
	struct fb_disk_io *v = NULL, tot = { .valid = ~0u };
	size_t cnt = 0, cap = 0;
	int err;

	*out = NULL;
	*n = 0;
	err = read_devstat(&v, &cnt, &cap);
	if (err) {
		free(v);
		return err;
	}
	for (size_t i = 0; i < cnt; i++) {
		uint64_t f[NFIELDS], t[NFIELDS];

		if (nw) {
			to_fields(&v[i], f);
			fb_nowrap__apply(nw, v[i].name, f, NFIELDS);
			from_fields(f, &v[i]);
		}
		to_fields(&tot, t);
		to_fields(&v[i], f);
		for (int k = 0; k < NFIELDS; k++)
			t[k] += f[k];
		from_fields(t, &tot);
		tot.valid &= v[i].valid;
	}
	if (nw)
		fb__nowrap_sweep(nw);
	if (!perdisk && cnt) {
		tot.name[0] = '\0';
		v[0] = tot;
		cnt = 1;
	}
	*out = v;
	*n = cnt;
	return 0;
}
