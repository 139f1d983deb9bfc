// SPDX-License-Identifier: BSD-2-Clause
/*
 * disk.c - disk_partitions() from <root>/proc/self/mounts with psutil's all=False filter (only
 * fstypes that /proc/filesystems lists without "nodev", plus zfs, and no empty device) and
 * disk_io_counters() from /proc/diskstats in
 * its 2.4 (15 fields), 2.6 (14), partition (7) and 4.18+/5.5+ (18, 20) layouts, sectors of 512
 * bytes, summing only whole disks (those with a /sys/block entry) for the total.
 * disk_usage() is posix/disk.c's.
 */
#include "../common/fb_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* getmntent's unescaping: \040 space, \011 tab, \012 newline, \134 backslash */
static void unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

void fb_partitions_free(struct fb_partitions *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		/* the four strings share one allocation that starts at device */
		free(p->v[i].device);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* Is @fstype a physical filesystem: listed without "nodev" in /proc/filesystems? */
static bool fstype_is_physical(const char *fslist, const char *fstype)
{
	const char *p;

	if (strcmp(fstype, "zfs") == 0)
		return true;
	for (p = fslist; p; p = fb__next_line(p)) {
		char name[64];
		const char *q = p;

		if (strncmp(p, "nodev", 5) == 0)
			continue;
		if (fb__token(q, name, sizeof(name)) && strcmp(name, fstype) == 0)
			return true;
	}
	return false;
}

/*
 * "/dev/root" (and "rootfs") name no real node: find the disk from the mount point's device
 * number through sysfs, as psutil HEAD does (psutil #1442).  Live root only.
 */
static bool resolve_root_device(const char *mountpoint, char *buf, size_t len)
{
	char rel[64], uevent[512], name[64];
	struct stat st;

	if (!fb__root_is_live() || stat(mountpoint, &st))
		return false;
	fb__fmt(rel, sizeof(rel), "dev/block/%u:%u/uevent", major(st.st_dev), minor(st.st_dev));
	if (fb__read(FB_DIR_SYS, rel, uevent, sizeof(uevent)) < 0 ||
	    fb__kv_str_eq(uevent, "DEVNAME", name, sizeof(name)))
		return false;
	return !fb__fmt(buf, len, "%s%s", fb__dev_prefix(), name);
}

int fb_disk_partitions(bool all, struct fb_partitions *out)
{
	char *mounts = NULL, *fslist = NULL;
	size_t cap = 0;
	ssize_t r;
	int err = 0;
	char *line, *save = NULL, rootdev[96];

	out->n = 0;
	out->v = NULL;
	r = fb__read_alloc(FB_DIR_PROC, "self/mounts", &mounts);
	if (r < 0)
		return (int)r;
	/* no /proc/filesystems (psutil #2188 falls back too): keep every fstype */
	if (!all && fb__read_alloc(FB_DIR_PROC, "filesystems", &fslist) < 0)
		fslist = NULL;
	for (line = strtok_r(mounts, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4], *s = line, *blob;
		size_t len[4], total = 0;
		struct fb_partition *pt;
		int i;

		for (i = 0; i < 4; i++) {
			while (*s == ' ')
				s++;
			if (!*s)
				break;
			f[i] = s;
			while (*s && *s != ' ')
				s++;
			if (*s)
				*s++ = '\0';
		}
		if (i < 4)
			continue; /* truncated line */
		for (i = 0; i < 4; i++) {
			unescape(f[i]);
			len[i] = strlen(f[i]);
		}
		if (strcmp(f[0], "none") == 0) {
			f[0][0] = '\0';
			len[0] = 0;
		} else if (!strcmp(f[0], "/dev/root") || !strcmp(f[0], "rootfs")) {
			if (resolve_root_device(f[1], rootdev, sizeof(rootdev))) {
				f[0] = rootdev;
				len[0] = strlen(rootdev);
			}
		}
		if (!all && (!f[0][0] || (fslist && !fstype_is_physical(fslist, f[2]))))
			continue;
		err = fb__grow((void **)&out->v, &cap, out->n + 1, sizeof(*out->v));
		if (err)
			goto free_out;
		for (i = 0; i < 4; i++)
			total += len[i] + 1;
		blob = malloc(total);
		if (!blob) {
			err = -ENOMEM;
			goto free_out;
		}
		pt = &out->v[out->n++];
		pt->device = blob;
		memcpy(blob, f[0], len[0] + 1);
		pt->mountpoint = pt->device + len[0] + 1;
		memcpy(pt->mountpoint, f[1], len[1] + 1);
		pt->fstype = pt->mountpoint + len[1] + 1;
		memcpy(pt->fstype, f[2], len[2] + 1);
		pt->opts = pt->fstype + len[2] + 1;
		memcpy(pt->opts, f[3], len[3] + 1);
	}
	free(fslist);
	free(mounts);
	return 0;

free_out:
	fb_partitions_free(out);
	free(fslist);
	free(mounts);
	return err;
}

static bool is_storage_device(const char *name)
{
	char rel[128];
	int sys = fb__dirfd(FB_DIR_SYS);

	if (sys < 0 || fb__fmt(rel, sizeof(rel), "block/%s", name))
		return false;
	/* "cciss/c0d0" is "cciss!c0d0" in sysfs */
	for (char *c = rel + 6; *c; c++)
		if (*c == '/')
			*c = '!';
	return faccessat(sys, rel, F_OK, 0) == 0;
}

/* Parse one diskstats line; returns 0, or -EINVAL for a line of unknown shape. */
int fb__parse_diskstats_line(const char *line, struct fb_disk_io *d)
{
	uint64_t v[20];
	char name[64], tok[64];
	const char *p = line;
	int n = 0;

	memset(d, 0, sizeof(*d));
	/* count the fields: major minor name + numbers (name is the 3rd, 4th on 2.4) */
	{
		const char *q = line;
		int nf = 0;

		while ((q = fb__token(q, tok, sizeof(tok))))
			nf++;
		n = nf;
	}
	if (n == 15) {
		/* 2.4: major minor #blocks name reads ... */
		uint64_t skip;

		if (fb__parse_u64(&p, &skip) || fb__parse_u64(&p, &skip) ||
		    fb__parse_u64(&p, &v[0]))
			return -EINVAL;
		p = fb__token(p, name, sizeof(name));
		if (!p)
			return -EINVAL;
		for (int i = 1; i < 11; i++)
			if (fb__parse_u64(&p, &v[i]))
				return -EINVAL;
		/* v: reads merged rsect rtime writes wmerged wsect wtime inflight busy */
		d->read_count = v[0];
		d->read_merged_count = v[1];
		d->read_bytes = v[2] * 512;
		d->read_time = v[3];
		d->write_count = v[4];
		d->write_merged_count = v[5];
		d->write_bytes = v[6] * 512;
		d->write_time = v[7];
		d->busy_time = v[9];
		d->weighted_time = v[10];
		d->valid = FB_DIO_READ_TIME | FB_DIO_WRITE_TIME | FB_DIO_MERGED | FB_DIO_BUSY_TIME |
			   FB_DIO_WEIGHTED_TIME;
	} else if (n == 14 || n >= 18 || n == 7) {
		uint64_t skip;
		int want = n == 7 ? 4 : n >= 20 ? 17 : n >= 18 ? 15 : 11;

		if (fb__parse_u64(&p, &skip) || fb__parse_u64(&p, &skip))
			return -EINVAL;
		p = fb__token(p, name, sizeof(name));
		if (!p)
			return -EINVAL;
		for (int i = 0; i < want; i++)
			if (fb__parse_u64(&p, &v[i]))
				return -EINVAL;
		if (n == 7) {
			d->read_count = v[0];
			d->read_bytes = v[1] * 512;
			d->write_count = v[2];
			d->write_bytes = v[3] * 512;
		} else {
			d->read_count = v[0];
			d->read_merged_count = v[1];
			d->read_bytes = v[2] * 512;
			d->read_time = v[3];
			d->write_count = v[4];
			d->write_merged_count = v[5];
			d->write_bytes = v[6] * 512;
			d->write_time = v[7];
			d->busy_time = v[9];
			d->weighted_time = v[10];
			d->valid = FB_DIO_READ_TIME | FB_DIO_WRITE_TIME | FB_DIO_MERGED |
				   FB_DIO_BUSY_TIME | FB_DIO_WEIGHTED_TIME;
		}
		if (want >= 15) {
			/* 4.18+: discards completed, merged, sectors, ms */
			d->discard_count = v[11];
			d->discard_merged_count = v[12];
			d->discard_bytes = v[13] * 512;
			d->discard_time = v[14];
			d->valid |= FB_DIO_DISCARD;
		}
		if (want >= 17) {
			/* 5.5+: flush requests completed, ms */
			d->flush_count = v[15];
			d->flush_time = v[16];
			d->valid |= FB_DIO_FLUSH;
		}
	} else {
		return -EINVAL;
	}
	fb__copy(d->name, sizeof(d->name), name);
	return 0;
}

#define DIO_FIELDS 16 /* the counters nowrap and the total cover */

static void dio_to_fields(const struct fb_disk_io *d, uint64_t f[DIO_FIELDS])
{
	f[0] = d->read_count;
	f[1] = d->write_count;
	f[2] = d->read_bytes;
	f[3] = d->write_bytes;
	f[4] = d->read_time;
	f[5] = d->write_time;
	f[6] = d->read_merged_count;
	f[7] = d->write_merged_count;
	f[8] = d->busy_time;
	f[9] = d->weighted_time;
	f[10] = d->discard_count;
	f[11] = d->discard_merged_count;
	f[12] = d->discard_bytes;
	f[13] = d->discard_time;
	f[14] = d->flush_count;
	f[15] = d->flush_time;
}

static void fields_to_dio(const uint64_t f[DIO_FIELDS], struct fb_disk_io *d)
{
	d->read_count = f[0];
	d->write_count = f[1];
	d->read_bytes = f[2];
	d->write_bytes = f[3];
	d->read_time = f[4];
	d->write_time = f[5];
	d->read_merged_count = f[6];
	d->write_merged_count = f[7];
	d->busy_time = f[8];
	d->weighted_time = f[9];
	d->discard_count = f[10];
	d->discard_merged_count = f[11];
	d->discard_bytes = f[12];
	d->discard_time = f[13];
	d->flush_count = f[14];
	d->flush_time = f[15];
}

int fb_disk_io_counters(bool perdisk, struct fb_nowrap *nw, struct fb_disk_io **out, size_t *n)
{
	struct fb_disk_io *v = NULL, tot = { .valid = ~0u };
	size_t cnt = 0, cap = 0;
	char *text;
	const char *p;
	ssize_t r;
	int err = 0;

	*out = NULL;
	*n = 0;
	r = fb__read_alloc(FB_DIR_PROC, "diskstats", &text);
	if (r < 0)
		return (int)r;
	for (p = text; p; p = fb__next_line(p)) {
		struct fb_disk_io d;
		uint64_t f[DIO_FIELDS];

		if (fb__parse_diskstats_line(p, &d))
			continue;
		d.partition = !is_storage_device(d.name);
		if (!perdisk && d.partition)
			continue;
		if (nw) {
			dio_to_fields(&d, f);
			fb_nowrap__apply(nw, d.name, f, DIO_FIELDS);
			fields_to_dio(f, &d);
		}
		if (perdisk) {
			err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
			if (err)
				goto free_text;
			v[cnt++] = d;
		} else {
			uint64_t a[DIO_FIELDS], b[DIO_FIELDS];

			dio_to_fields(&tot, a);
			dio_to_fields(&d, b);
			for (int i = 0; i < DIO_FIELDS; i++)
				a[i] += b[i];
			fields_to_dio(a, &tot);
			tot.valid &= d.valid;
			cnt++;
		}
	}
	if (nw)
		fb__nowrap_sweep(nw);
	if (!perdisk && cnt) {
		v = malloc(sizeof(*v));
		if (!v) {
			err = -ENOMEM;
			goto free_text;
		}
		tot.name[0] = '\0';
		v[0] = tot;
		cnt = 1;
	}
	*out = v;
	*n = cnt;
	v = NULL;
free_text:
	free(v);
	free(text);
	return err;
}
