// SPDX-License-Identifier: BSD-2-Clause
/*
 * posix.c - the OS services the shared code needs, for the POSIX backends (Linux, BSD, macOS):
 * cached sysconf values (clock ticks, page size), the monotonic clock and an EINTR-safe sleep.
 * The Win32 backend provides the same four functions in fallback/win32/clock.c.
 */
#include "fb_int.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>

long fb__clk_tck(void)
{
	static long tck;

	if (!tck) {
		tck = sysconf(_SC_CLK_TCK);
		if (tck <= 0)
			tck = 100;
	}
	return tck;
}

long fb__page_size(void)
{
	static long ps;

	if (!ps) {
		ps = sysconf(_SC_PAGESIZE);
		if (ps <= 0)
			ps = 4096;
	}
	return ps;
}

double fb__mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void fb__sleep(double seconds)
{
	struct timespec ts;

	if (seconds <= 0)
		return;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}
