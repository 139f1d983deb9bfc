// SPDX-License-Identifier: BSD-2-Clause
/*
 * disk.c - FreeBSD's hooks for posix/disk.c: the size of its struct statfs and the decoder
 * that reads one from bytes.
 */
#include "bsd_int.h"

#include "../sysctl/sysctl_int.h"

const size_t fb__os_statfs_size = FB_BSD_STATFS_SIZE;

int fb__os_decode_statfs(const void *buf, size_t len, struct fb_partition *p)
{
	return fb__bsd_decode_statfs(buf, len, p);
}
