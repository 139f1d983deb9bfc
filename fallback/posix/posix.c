// SPDX-License-Identifier: BSD-2-Clause
/*
 * posix.c - the OS services the shared code needs, for the POSIX backends (Linux, BSD, macOS):
 * cached sysconf values (clock ticks, page size), the monotonic clock and an EINTR-safe sleep.
 * The Win32 backend provides the same four functions in fallback/win32/clock.c.
 */
#include "posix_int.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>

/* Lazily cached; racing threads store the same value (relaxed atomics keep TSan quiet). */
static long cached_sysconf(long *slot, int name, long fallback)
{
	long v = __atomic_load_n(slot, __ATOMIC_RELAXED);

	if (!v) {
		v = sysconf(name);
		if (v <= 0)
			v = fallback;
		__atomic_store_n(slot, v, __ATOMIC_RELAXED);
	}
	return v;
}

long fb__clk_tck(void)
{
	static long tck;

	return cached_sysconf(&tck, _SC_CLK_TCK, 100);
}

long fb__page_size(void)
{
	static long ps;

	return cached_sysconf(&ps, _SC_PAGESIZE, 4096);
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
