// SPDX-License-Identifier: BSD-2-Clause
/*
 * sys.c - whole-system facts on FreeBSD: boot_time() from kern.boottime, the backend's source
 * name, and the root: there is no /proc tree to redirect (FreeBSD's procfs is optional and
 * the backend reads sysctl), so only the live system is accepted.
 */
#include "bsd_int.h"

#include <errno.h>
#include <string.h>

int fb_boot_time(double *out)
{
	unsigned char buf[FB_BSD_TIMEVAL_SIZE];
	size_t len = sizeof(buf);
	int err = fb__sysctl_fixed("kern.boottime", buf, &len);

	return err ? err : fb__bsd_decode_timeval(buf, len, out);
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
