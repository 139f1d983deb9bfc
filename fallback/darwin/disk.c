// SPDX-License-Identifier: BSD-2-Clause
/*
 * disk.c - macOS's hooks for posix/disk.c: the size of its struct statfs and the decoder
 * that reads one from bytes; disk I/O counters are not provided (IOKit).
 */
#include "darwin_decode.h"

#include "../sysctl/sysctl_int.h"

#include <errno.h>

const size_t fb__os_statfs_size = FB_DARWIN_STATFS_SIZE;

int fb__os_decode_statfs(const void *buf, size_t len, struct fb_partition *p)
{
	return fb__darwin_decode_statfs(buf, len, p);
}

/*
 * Disk I/O counters live in IOKit (the "Statistics" dictionary of each IOBlockStorageDriver),
 * which needs the IOKit and CoreFoundation headers this build cannot check: not provided.
 */
int fb_disk_io_counters(bool perdisk, struct fb_nowrap *nw, struct fb_disk_io **out, size_t *n)
{
	(void)perdisk, (void)nw;
	*out = NULL;
	*n = 0;
	return -ENOTSUP;
}
