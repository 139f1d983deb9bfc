// SPDX-License-Identifier: BSD-2-Clause
/*
 * cpu.c - what FreeBSD and macOS answer alike about CPUs: the load average from vm.loadavg
 * (struct loadavg, the same layout on both) and per-CPU frequencies, which neither backend
 * reads yet (-ENOTSUP).
 */
#include "sysctl_int.h"

#include <errno.h>

int fb_getloadavg(double out[3])
{
	unsigned char buf[FB_LOADAVG_SIZE];
	size_t len = sizeof(buf);
	int err = fb__sysctl_fixed("vm.loadavg", buf, &len);

	return err ? err : fb__decode_loadavg(buf, len, out);
}

int fb_cpu_freq_percpu(struct fb_cpu_freq **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return -ENOTSUP;
}
