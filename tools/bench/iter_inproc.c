// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_inproc.c: the in-process listings of tools/bench_iter.sh, timed in one process as
 * psutil's are in Python: `iter_inproc WHAT RUNS bpf|fallback`, WHAT one of conns
 * (net_connections('all')) or ps (a fresh process iterator with name, status, cpu_times and
 * memory_info, as psutil.process_iter(ATTRS) with an empty cache). With bpf, the fallback
 * library reads through vigil's iterator feeds (user/iter/), each loaded once for the process
 * as `vigil top` or `serve` would; with fallback, /proc and sock_diag. One warm-up call,
 * then RUNS timed ones; prints one JSON line of wall and CPU milliseconds and the sources.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "fallback.h"
#include "iter/iter_sock.h"
#include "iter/iter_task.h"

static const uint32_t PS_ATTRS = FB_PI_NAME | FB_PI_STATUS | FB_PI_CPU_TIMES | FB_PI_MEMORY_INFO;

static double clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One listing: the number of rows, or -1. */
static long one(bool conns)
{
	long n = 0;

	if (conns) {
		struct fb_conn *c;
		size_t k;

		if (fb_net_connections(FB_KIND_ALL, &c, &k))
			return -1;
		free(c);
		return (long)k;
	}
	struct fb_proc_iter *it = fb_proc_iter__new(PS_ATTRS);

	if (!it)
		return -1;
	while (fb_proc_iter__next(it))
		n++;
	fb_proc_iter__free(it);
	return n;
}

int main(int argc, char **argv)
{
	bool conns, bpf;
	double *wall, *cpu;
	long rows;
	int runs;

	if (argc != 4 || (strcmp(argv[1], "conns") && strcmp(argv[1], "ps")) ||
	    (strcmp(argv[3], "bpf") && strcmp(argv[3], "fallback")) || atoi(argv[2]) < 1) {
		fprintf(stderr, "usage: iter_inproc conns|ps RUNS bpf|fallback\n");
		return 2;
	}
	conns = !strcmp(argv[1], "conns");
	bpf = !strcmp(argv[3], "bpf");
	runs = atoi(argv[2]);
	fb_net_set_owner_feed(bpf ? iter_sock__feed() : NULL);
	fb_net_set_table_feed(bpf ? iter_sock__table_feed() : NULL);
	fb_proc_iter__set_feed(bpf ? iter_task__feed() : NULL);
	wall = calloc((size_t)runs, sizeof(*wall));
	cpu = calloc((size_t)runs, sizeof(*cpu));
	if (!wall || !cpu)
		return 1;
	rows = one(conns); /* warm-up, as the psutil side does */
	if (rows < 0) {
		fprintf(stderr, "iter_inproc: the %s listing failed\n", argv[1]);
		return 1;
	}
	for (int i = 0; i < runs; i++) {
		double t0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);

		one(conns);
		wall[i] = clock_ms(CLOCK_MONOTONIC) - t0;
		cpu[i] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
	}
	printf("{\"what\":\"%s\",\"backend\":\"%s\",\"rows\":%ld,\"table_source\":\"%s\","
	       "\"owner_source\":\"%s\",\"wall_ms\":[",
	       argv[1], argv[3], rows, conns ? fb_net_table_source(AF_INET) : "-",
	       conns ? fb_net_owner_source() : "-");
	for (int i = 0; i < runs; i++)
		printf("%s%.4f", i ? "," : "", wall[i]);
	printf("],\"cpu_ms\":[");
	for (int i = 0; i < runs; i++)
		printf("%s%.4f", i ? "," : "", cpu[i]);
	printf("]}\n");
	free(wall);
	free(cpu);
	return 0;
}
