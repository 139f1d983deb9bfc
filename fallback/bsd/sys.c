// SPDX-License-Identifier: BSD-2-Clause
/*
 * sys.c - whole-system facts on FreeBSD: boot_time() from kern.boottime (the source name is
 * sysctl/sys.c's, the root posix/root.c's: the backend reads sysctl, not files under it).
 */
#include "bsd_int.h"

#include <errno.h>

int fb_boot_time(double *out)
{
	unsigned char buf[FB_BSD_TIMEVAL_SIZE];
	size_t len = sizeof(buf);
	int err = fb__sysctl_fixed("kern.boottime", buf, &len);

	return err ? err : fb__bsd_decode_timeval(buf, len, out);
}
