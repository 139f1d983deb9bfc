// SPDX-License-Identifier: BSD-2-Clause
/*
 * sys.c - whole-system facts on macOS: boot_time() from kern.boottime (the source name is
 * sysctl/sys.c's, the root posix/root.c's: the backend reads sysctl, not files under it).
 */
#include "darwin_decode.h"

#include <errno.h>
#include <sys/types.h>
#include <sys/sysctl.h>

int fb_boot_time(double *out)
{
	_Alignas(8) unsigned char buf[FB_DARWIN_TIMEVAL_SIZE];
	size_t len = sizeof(buf);

	if (sysctlbyname("kern.boottime", buf, &len, NULL, 0))
		return -errno;
	return fb__darwin_decode_timeval(buf, len, out);
}
