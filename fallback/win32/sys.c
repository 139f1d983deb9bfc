// SPDX-License-Identifier: BSD-2-Clause
/*
 * sys.c - whole-system facts on Windows: boot_time() is now minus GetTickCount64 (which counts
 * from boot), rounded to the second as psutil does so that it does not jitter between calls.
 * users() needs the Terminal Services API (WTSEnumerateSessions), not wired yet: -ENOTSUP.
 */
#include "fb_win.h"

#include <errno.h>
#include <math.h>

int fb_boot_time(double *out)
{
	FILETIME now;
	uint64_t up = GetTickCount64();

	GetSystemTimeAsFileTime(&now);
	*out = floor(fb__ft_epoch(&now) - (double)up / 1000.0 + 0.5);
	return 0;
}

int fb_users(struct fb_user **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return -ENOTSUP;
}
