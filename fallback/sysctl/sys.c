// SPDX-License-Identifier: BSD-2-Clause
/*
 * sys.c - whole-system facts FreeBSD and macOS answer alike: boot_time() from kern.boottime
 * (a struct timeval, whose tv_usec width is the OS's hook fb__os_timeval_usec_size) and the
 * name of the records' source column, "sysctl".  The root is posix/root.c's: the backends
 * read sysctl, not files under it.
 */
#include "sysctl_int.h"

int fb_boot_time(double *out)
{
	unsigned char buf[FB_TIMEVAL_SIZE];
	size_t len = sizeof(buf);
	int err = fb__sysctl_fixed("kern.boottime", buf, &len);

	return err ? err : fb__decode_timeval(buf, len, fb__os_timeval_usec_size, out);
}

const char *fb_source_name(void)
{
	return "sysctl";
}
