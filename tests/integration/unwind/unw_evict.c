// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * unw_evict.c: test_profile_unwind.py's eviction workload. Linked to three libraries whose
 * unwind tables do not fit together in the smallest --unwind-memory (the test pads each with
 * generated functions), it burns CPU in each in turn, for SLICE seconds at a time, so the
 * profiler must evict and reload tables while stacks stay correct. Prints "ready PID" first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

unsigned long evict0_burn(double secs);
unsigned long evict1_burn(double secs);
unsigned long evict2_burn(double secs);

static volatile unsigned long evict_sink;

__attribute__((noinline)) static void evict_loop(double slice)
{
	for (;;) {
		evict_sink += evict0_burn(slice);
		evict_sink += evict1_burn(slice);
		evict_sink += evict2_burn(slice);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: unw_evict SLICE\n");
		return 2;
	}
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	evict_loop(atof(argv[1]));
	return 0;
}
