// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * unw_cut.c: test_profile_unwind.py's cut-stack workload, linked to libc-vigilcut.so
 * (unw_cut_lib.c). main maps two pages, the upper one PROT_NONE, and has cut_call_on_edge()
 * run cut_leaf on the lower one, below the boundary: cut_leaf spins for SECS seconds, so
 * every sample's user stack is cut_leaf <- cut_call_on_edge, and the walk cannot go further.
 * Prints "ready PID" first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

void cut_call_on_edge(void (*fn)(void), void *edge);

static double cut_secs;

static double cut_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static void cut_leaf(void)
{
	double end = cut_now() + cut_secs;
	volatile unsigned long x = 1;

	while (cut_now() < end) {
		for (int i = 0; i < 100000; i++)
			x = x * 6364136223846793005UL + 1;
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	char *area;

	if (argc != 2) {
		fprintf(stderr, "usage: unw_cut SECS\n");
		return 2;
	}
	cut_secs = atof(argv[1]);
	area = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED || mprotect(area + page, page, PROT_NONE)) {
		perror("unw_cut: mmap");
		return 1;
	}
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	cut_call_on_edge(cut_leaf, area + page);
	return 0;
}
