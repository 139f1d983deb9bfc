// SPDX-License-Identifier: BSD-2-Clause
/*
 * disk.c - psutil.disk_usage() on Linux, FreeBSD and macOS: statvfs(3) with df's arithmetic.
 * total = blocks x fragment size, free = blocks available to unprivileged users, used = total
 * minus all free blocks, and percent = used / (used + free), so the blocks reserved for root
 * count as neither used nor free (as df and psutil do).
 */
#include "posix_int.h"

#include <errno.h>
#include <sys/statvfs.h>

int fb_disk_usage(const char *path, struct fb_disk_usage *out)
{
	struct statvfs st;
	uint64_t fr, avail_to_root;
	double denom;

	if (!path || !out)
		return -EINVAL;
	if (statvfs(path, &st))
		return -errno;
	fr = st.f_frsize ? st.f_frsize : st.f_bsize; /* some BSD file systems leave f_frsize 0 */
	out->total = (uint64_t)st.f_blocks * fr;
	avail_to_root = (uint64_t)st.f_bfree * fr;
	out->used = out->total - avail_to_root;
	out->free = (uint64_t)st.f_bavail * fr;
	denom = (double)out->used + (double)out->free;
	out->percent = denom > 0 ? fb__round1((double)out->used / denom * 100.0) : 0.0;
	return 0;
}
