// SPDX-License-Identifier: BSD-2-Clause
/*
 * sysctl_raw.c - the FreeBSD and macOS backends' sysctlbyname(3) reads: fixed-size reads,
 * unsigned numbers of either width, and a probe-allocate-retry read for tables (kern.cp_times
 * grows with CPUs coming online) that asks for the size, adds a margin, and retries a bounded
 * number of times on ENOMEM.
 */
#include "sysctl_int.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/sysctl.h>

int fb__sysctl_fixed(const char *name, void *buf, size_t *len)
{
	return sysctlbyname(name, buf, len, NULL, 0) ? -errno : 0;
}

int fb__sysctl_uint(const char *name, uint64_t *out)
{
	unsigned char buf[8];
	size_t len = sizeof(buf);
	int err = fb__sysctl_fixed(name, buf, &len);

	return err ? err : fb__decode_uint(buf, len, out);
}

int fb__sysctl_alloc(const char *name, void **buf, size_t *len)
{
	void *p = NULL;
	size_t size = 0;
	int err = -ENOMEM;

	for (int tries = 0; tries < 8; tries++) {
		void *np;

		if (sysctlbyname(name, NULL, &size, NULL, 0))
			return -errno;
		size += size / 8 + 64;
		np = realloc(p, size);
		if (!np) {
			err = -ENOMEM;
			break;
		}
		p = np;
		if (!sysctlbyname(name, p, &size, NULL, 0)) {
			*buf = p;
			*len = size;
			return 0;
		}
		err = -errno;
		if (err != -ENOMEM)
			break;
	}
	free(p);
	return err;
}
