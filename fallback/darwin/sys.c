// SPDX-License-Identifier: BSD-2-Clause
/*
 * sys.c - whole-system facts on macOS: boot_time() from kern.boottime, the backend's source
 * name, and the root, which is always the live system (macOS has no /proc to redirect).
 */
#include "darwin_decode.h"

#include <errno.h>
#include <string.h>
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

const char *fb_source_name(void)
{
	return "sysctl";
}

int fb_root_set(const char *root)
{
	if (!root || !root[0] || !strcmp(root, "/"))
		return 0;
	return -ENOTSUP;
}

const char *fb_root_get(void)
{
	return "/";
}
