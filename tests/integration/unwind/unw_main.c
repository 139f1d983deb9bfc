// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * unw_main.c: test_profile_unwind.py's workload, built with -O2 -fomit-frame-pointer and
 * linked to unw_lib.so: main -> unw_a1 .. unw_a5 -> unw_l1 .. unw_l5 (the library), ten
 * frames below main. "unw_main cpu SECS" burns CPU at the bottom, "unw_main sleep SECS"
 * sleeps there in 1 ms nanosleeps. Prints "ready PID" first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int unw_l1(int mode, double secs);

static volatile int unw_bits;

__attribute__((noinline)) static int unw_a5(int mode, double secs)
{
	return unw_l1(mode, secs) * 3 + 1 + (unw_bits & 1);
}

__attribute__((noinline)) static int unw_a4(int mode, double secs)
{
	return unw_a5(mode, secs) * 5 + 2 + (unw_bits & 2);
}

__attribute__((noinline)) static int unw_a3(int mode, double secs)
{
	return unw_a4(mode, secs) * 7 + 3 + (unw_bits & 4);
}

__attribute__((noinline)) static int unw_a2(int mode, double secs)
{
	return unw_a3(mode, secs) * 11 + 4 + (unw_bits & 8);
}

__attribute__((noinline)) static int unw_a1(int mode, double secs)
{
	return unw_a2(mode, secs) * 13 + 5 + (unw_bits & 16);
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "cpu") && strcmp(argv[1], "sleep"))) {
		fprintf(stderr, "usage: unw_main cpu|sleep SECS\n");
		return 2;
	}
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	return unw_a1(!strcmp(argv[1], "sleep"), atof(argv[2])) == 12345 ? 1 : 0;
}
