// SPDX-License-Identifier: BSD-2-Clause
/*
 * disk.c - partitions on FreeBSD and macOS: every mounted file system from
 * getfsstat(2) (MNT_NOWAIT, so a hung network mount cannot block), each struct statfs decoded
 * from its bytes by the OS's hook (the two kernels lay the struct out differently); without
 * @all only those mounted from a device path ("/dev/...") are kept, as psutil does.
 * disk_usage() is posix/disk.c's.
 */
#include "sysctl_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/mount.h>

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
	unsigned char *buf;
	int cnt, err = 0;

	out->n = 0;
	out->v = NULL;
	cnt = getfsstat(NULL, 0, MNT_NOWAIT);
	if (cnt < 0)
		return -errno;
	cnt += 4; /* mounts may appear between the two calls */
	buf = calloc((size_t)cnt, fb__os_statfs_size);
	out->v = calloc((size_t)cnt, sizeof(*out->v));
	if (!buf || !out->v) {
		err = -ENOMEM;
		goto free_buf;
	}
	/* FreeBSD takes the size as a long, macOS as an int: an int fits both */
	cnt = getfsstat((struct statfs *)(void *)buf, (int)((size_t)cnt * fb__os_statfs_size),
			MNT_NOWAIT);
	if (cnt < 0) {
		err = -errno;
		goto free_buf;
	}
	for (int i = 0; i < cnt && !err; i++) {
		struct fb_partition *p = &out->v[out->n];

		err = fb__os_decode_statfs(buf + (size_t)i * fb__os_statfs_size, fb__os_statfs_size,
					   p);
		if (err)
			break;
		if (!all && p->device[0] != '/') {
			free(p->device);
			free(p->mountpoint);
			free(p->fstype);
			free(p->opts);
			continue;
		}
		out->n++;
	}
free_buf:
	free(buf);
	if (err)
		fb_partitions_free(out);
	return err;
}
