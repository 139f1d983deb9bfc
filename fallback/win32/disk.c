// SPDX-License-Identifier: BSD-2-Clause
/*
 * disk.c - partitions, usage and I/O counters on Windows.  Partitions are the logical drives
 * (GetLogicalDriveStrings) with their type and file system (GetVolumeInformation; a drive
 * that refuses the query keeps an empty fstype).  Without @all only fixed, removable and
 * network drives that answer are listed, as psutil does.  Usage is GetDiskFreeSpaceEx.  I/O
 * counters are IOCTL_DISK_PERFORMANCE on \\.\PhysicalDriveN; drives that do not answer are
 * left out, and no answering drive at all is -ENODATA (never a row of zeros).
 */
#include "fb_win.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <winioctl.h>

#define WIN_MAX_PHYSDRIVES 32

static const char *drive_type_opt(UINT t)
{
	switch (t) {
	case DRIVE_FIXED:
		return "fixed";
	case DRIVE_REMOVABLE:
		return "removable";
	case DRIVE_REMOTE:
		return "remote";
	case DRIVE_CDROM:
		return "cdrom";
	case DRIVE_RAMDISK:
		return "ramdisk";
	default:
		return "unknown";
	}
}

static int add_partition(struct fb_partitions *out, size_t *cap, const wchar_t *root, bool all)
{
	wchar_t fsw[MAX_PATH + 1] = L"";
	char dev[MAX_PATH * 3], fs[64] = "", opts[64];
	DWORD flags = 0;
	UINT type = GetDriveTypeW(root);
	bool answered;
	struct fb_partition *p;
	int err;

	if (type == DRIVE_NO_ROOT_DIR)
		return 0;
	answered = GetVolumeInformationW(root, NULL, 0, NULL, NULL, &flags, fsw, MAX_PATH + 1);
	if (!all && (!answered || type == DRIVE_CDROM))
		return 0;
	fb__w2u(root, -1, dev, sizeof(dev));
	fb__w2u(fsw, -1, fs, sizeof(fs));
	fb__fmt(opts, sizeof(opts), "%s,%s",
		answered && (flags & FILE_READ_ONLY_VOLUME) ? "ro" : "rw", drive_type_opt(type));
	err = fb__grow((void **)&out->v, cap, out->n + 1, sizeof(*out->v));
	if (err)
		return err;
	p = &out->v[out->n];
	p->device = strdup(dev);
	p->mountpoint = strdup(dev);
	p->fstype = strdup(fs);
	p->opts = strdup(opts);
	out->n++;
	if (!p->device || !p->mountpoint || !p->fstype || !p->opts)
		return -ENOMEM;
	return 0;
}

void fb_partitions_free(struct fb_partitions *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].device);
		free(p->v[i].mountpoint);
		free(p->v[i].fstype);
		free(p->v[i].opts);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

int fb_disk_partitions(bool all, struct fb_partitions *out)
{
	wchar_t drives[512];
	size_t cap = 0;
	DWORD len;
	UINT mode;
	int err = 0;

	out->n = 0;
	out->v = NULL;
	len = GetLogicalDriveStringsW(sizeof(drives) / sizeof(drives[0]) - 1, drives);
	if (!len || len >= sizeof(drives) / sizeof(drives[0]))
		return fb__win_err(GetLastError());
	/* no "insert a disk" dialog for an empty removable drive */
	mode = SetErrorMode(SEM_FAILCRITICALERRORS);
	for (const wchar_t *d = drives; *d && !err; d += wcslen(d) + 1)
		err = add_partition(out, &cap, d, all);
	SetErrorMode(mode);
	if (err)
		fb_partitions_free(out);
	return err;
}

int fb_disk_usage(const char *path, struct fb_disk_usage *out)
{
	ULARGE_INTEGER avail, total, freeb;
	wchar_t wpath[MAX_PATH];
	int err;

	err = fb__u2w(path, wpath, MAX_PATH);
	if (err)
		return err;
	if (!GetDiskFreeSpaceExW(wpath, &avail, &total, &freeb))
		return fb__win_err(GetLastError());
	out->total = total.QuadPart;
	out->free = avail.QuadPart;
	out->used = total.QuadPart - freeb.QuadPart;
	out->percent =
		out->used + out->free
			? fb__round1((double)out->used * 100.0 / (double)(out->used + out->free))
			: 0.0;
	return 0;
}

static bool read_drive_perf(int i, struct fb_disk_io *d)
{
	DISK_PERFORMANCE perf;
	char path[32];
	DWORD got = 0;
	HANDLE h;
	BOOL ok;

	fb__fmt(path, sizeof(path), "\\\\.\\PhysicalDrive%d", i);
	h = CreateFileA(path, 0, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return false;
	ok = DeviceIoControl(h, IOCTL_DISK_PERFORMANCE, NULL, 0, &perf, sizeof(perf), &got, NULL);
	CloseHandle(h);
	if (!ok || got < sizeof(perf))
		return false;
	memset(d, 0, sizeof(*d));
	fb__fmt(d->name, sizeof(d->name), "PhysicalDrive%d", i);
	d->read_count = perf.ReadCount;
	d->write_count = perf.WriteCount;
	d->read_bytes = (uint64_t)perf.BytesRead.QuadPart;
	d->write_bytes = (uint64_t)perf.BytesWritten.QuadPart;
	/* 100 ns ticks to ms */
	d->read_time = (uint64_t)perf.ReadTime.QuadPart / 10000;
	d->write_time = (uint64_t)perf.WriteTime.QuadPart / 10000;
	d->valid = FB_DIO_READ_TIME | FB_DIO_WRITE_TIME;
	return true;
}

int fb_disk_io_counters(bool perdisk, struct fb_nowrap *nw, struct fb_disk_io **out, size_t *n)
{
	struct fb_disk_io *v = NULL, tot = { .valid = FB_DIO_READ_TIME | FB_DIO_WRITE_TIME };
	size_t cap = 0, cnt = 0;
	int err;

	*out = NULL;
	*n = 0;
	for (int i = 0; i < WIN_MAX_PHYSDRIVES; i++) {
		struct fb_disk_io d;

		if (!read_drive_perf(i, &d))
			continue;
		if (nw) {
			uint64_t f[6] = { d.read_count,	 d.write_count, d.read_bytes,
					  d.write_bytes, d.read_time,	d.write_time };

			fb_nowrap__apply(nw, d.name, f, 6);
			d.read_count = f[0], d.write_count = f[1], d.read_bytes = f[2];
			d.write_bytes = f[3], d.read_time = f[4], d.write_time = f[5];
		}
		err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
		if (err) {
			free(v);
			return err;
		}
		v[cnt++] = d;
	}
	if (!cnt)
		return -ENODATA;
	if (!perdisk) {
		for (size_t i = 0; i < cnt; i++) {
			tot.read_count += v[i].read_count;
			tot.write_count += v[i].write_count;
			tot.read_bytes += v[i].read_bytes;
			tot.write_bytes += v[i].write_bytes;
			tot.read_time += v[i].read_time;
			tot.write_time += v[i].write_time;
		}
		v[0] = tot;
		cnt = 1;
	}
	*out = v;
	*n = cnt;
	return 0;
}
