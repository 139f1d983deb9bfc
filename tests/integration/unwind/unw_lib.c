// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * unw_lib.c: the shared-library half of test_profile_unwind.py's workload, built by the
 * test with -O2 -fomit-frame-pointer like Debian's libraries: five frames, unw_l1 to
 * unw_l5, none a tail call, and the leaf either burns CPU or sleeps in nanosleep.
 */
#include <time.h>

int unw_l1(int mode, double secs);

static volatile unsigned long unw_sink;

static double unw_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static int unw_l5(int mode, double secs)
{
	double end = unw_now() + secs;
	struct timespec ms = { 0, 1000000 };

	while (unw_now() < end) {
		if (mode)
			nanosleep(&ms, NULL);
		else
			for (int i = 0; i < 100000; i++)
				unw_sink += (unsigned long)i * 7;
	}
	return (int)(unw_sink & 1);
}

__attribute__((noinline)) static int unw_l4(int mode, double secs)
{
	return unw_l5(mode, secs) * 3 + 1 + (int)(unw_sink & 1);
}

__attribute__((noinline)) static int unw_l3(int mode, double secs)
{
	return unw_l4(mode, secs) * 5 + 2 + (int)(unw_sink & 2);
}

__attribute__((noinline)) static int unw_l2(int mode, double secs)
{
	return unw_l3(mode, secs) * 7 + 3 + (int)(unw_sink & 4);
}

__attribute__((noinline)) int unw_l1(int mode, double secs)
{
	return unw_l2(mode, secs) * 11 + 4 + (int)(unw_sink & 8);
}
