// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * unw_vdso.c: test_profile_unwind.py's [vdso] workload, built with -O2 -fomit-frame-pointer:
 * main -> vdso_outer -> vdso_loop calls clock_gettime() (the vdso's, through libc) for SECS
 * seconds, so most samples land in the vdso. Prints "ready PID" first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

__attribute__((noinline)) static unsigned long vdso_loop(double secs)
{
	struct timespec ts;
	unsigned long n = 0;
	double end;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	end = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + secs;
	do {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		n++;
	} while ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9 < end);
	return n;
}

__attribute__((noinline)) static unsigned long vdso_outer(double secs)
{
	return vdso_loop(secs) * 3 + 1;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: unw_vdso SECS\n");
		return 2;
	}
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	return vdso_outer(atof(argv[1])) == 12345 ? 1 : 0;
}
