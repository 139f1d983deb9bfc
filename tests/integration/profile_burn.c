// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * profile_burn.c: the profiler's workload driver, built with frame pointers and without
 * inlining (see its Makefile rule) so that stacks walk and the hot functions stay apart.
 *   cpu SECS        burn CPU in burn_a and burn_b, 3:1 (same work per unit, 3x the units)
 *   sleep SECS N [DELAY]  after DELAY seconds (default 0), or when DELAY is "-" after a line
 *                   on stdin, a thread "sleeper" sleeps N times SECS/N in nanosleep; prints
 *                   the total
 *   syscalls SECS   a syscall-heavy loop (getppid), for kernel frames
 *   stacks SECS     burn at the end of 12 levels of rec_a/rec_b recursion picked by the bits
 *                   of a counter: 4096 distinct user stacks, to fill a small stack map
 *   bench SECS [T]  T threads (default: one per CPU) burn for SECS; prints "ops_per_sec N"
 *                   (wall clock) and "ops_per_cpu_sec N" (per second of its own CPU time,
 *                   which other load on the machine does not skew)
 * It prints "ready PID" once running, on stdout, unbuffered.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define UNIT 20000UL

static volatile uint64_t sink_a, sink_b;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The two hot functions: the same loop (different constants, so no merging). */
__attribute__((noinline)) void burn_a(unsigned long units)
{
	uint64_t x = sink_a;

	for (unsigned long i = 0; i < units * UNIT; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	sink_a = x;
}

__attribute__((noinline)) void burn_b(unsigned long units)
{
	uint64_t x = sink_b;

	for (unsigned long i = 0; i < units * UNIT; i++)
		x = x * 2862933555777941757ULL + 3037000493ULL;
	sink_b = x;
}

__attribute__((noinline)) static void run_cpu(double secs)
{
	double end = now_s() + secs;

	while (now_s() < end) {
		burn_a(3);
		burn_b(1);
	}
}

struct sleeper {
	double secs;
	int n;
	double slept;
};

__attribute__((noinline)) static void *sleeper_main(void *arg)
{
	struct sleeper *s = arg;
	double step = s->secs / s->n;
	struct timespec ts = { (time_t)step, (long)((step - (double)(time_t)step) * 1e9) };

	pthread_setname_np(pthread_self(), "sleeper");
	for (int i = 0; i < s->n; i++) {
		double t0 = now_s();

		nanosleep(&ts, NULL);
		s->slept += now_s() - t0;
	}
	return NULL;
}

static int run_sleep(double secs, int n, const char *delay_arg)
{
	struct sleeper s = { secs, n > 0 ? n : 1, 0 };
	double delay = delay_arg ? atof(delay_arg) : 0;
	struct timespec d = { (time_t)delay, (long)((delay - (double)(time_t)delay) * 1e9) };
	char line[16];
	pthread_t t;

	if (delay_arg && !strcmp(delay_arg, "-")) {
		if (!fgets(line, sizeof(line), stdin))
			return 1;
	} else if (delay > 0) {
		nanosleep(&d, NULL);
	}

	if (pthread_create(&t, NULL, sleeper_main, &s))
		return 1;
	pthread_join(t, NULL);
	printf("slept_ns %.0f\n", s.slept * 1e9);
	return 0;
}

__attribute__((noinline)) static void syscall_loop(double secs)
{
	double end = now_s() + secs;

	while (now_s() < end) {
		for (int i = 0; i < 1000; i++)
			syscall(SYS_getppid);
	}
}

__attribute__((noinline)) void rec_b(unsigned int bits, int depth);

__attribute__((noinline)) void rec_a(unsigned int bits, int depth)
{
	if (!depth) {
		burn_a(1);
		return;
	}
	if (bits & 1)
		rec_a(bits >> 1, depth - 1);
	else
		rec_b(bits >> 1, depth - 1);
	sink_b++; /* not a tail call: keep this frame on the stack */
}

__attribute__((noinline)) void rec_b(unsigned int bits, int depth)
{
	if (!depth) {
		burn_a(1);
		return;
	}
	if (bits & 1)
		rec_a(bits >> 1, depth - 1);
	else
		rec_b(bits >> 1, depth - 1);
	sink_b++;
}

static void run_stacks(double secs)
{
	double end = now_s() + secs;

	for (unsigned int i = 0; now_s() < end; i++)
		rec_a(i * 2654435761u, 12);
}

struct bench {
	double secs;
	uint64_t ops;
};

static void *bench_main(void *arg)
{
	struct bench *b = arg;
	double end = now_s() + b->secs;

	while (now_s() < end) {
		burn_a(1);
		b->ops++;
	}
	return NULL;
}

static int run_bench(double secs, int nthreads)
{
	struct bench b[64];
	pthread_t t[64];
	uint64_t ops = 0;
	double t0 = now_s();
	struct rusage ru;

	if (nthreads <= 0)
		nthreads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (nthreads > 64)
		nthreads = 64;
	for (int i = 0; i < nthreads; i++) {
		b[i] = (struct bench){ secs, 0 };
		pthread_create(&t[i], NULL, bench_main, &b[i]);
	}
	for (int i = 0; i < nthreads; i++) {
		pthread_join(t[i], NULL);
		ops += b[i].ops;
	}
	printf("ops_per_sec %.1f\n", (double)ops / (now_s() - t0));
	if (!getrusage(RUSAGE_SELF, &ru))
		printf("ops_per_cpu_sec %.1f\n",
		       (double)ops /
			       ((double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
				(double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6));
	return 0;
}

int main(int argc, char **argv)
{
	double secs = argc > 2 ? atof(argv[2]) : 3;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: profile_burn cpu|sleep|syscalls|bench SECS [N]\n");
		return 2;
	}
	printf("ready %d\n", (int)getpid());
	if (!strcmp(argv[1], "cpu"))
		run_cpu(secs);
	else if (!strcmp(argv[1], "sleep"))
		return run_sleep(secs, argc > 3 ? atoi(argv[3]) : 10, argc > 4 ? argv[4] : NULL);
	else if (!strcmp(argv[1], "syscalls"))
		syscall_loop(secs);
	else if (!strcmp(argv[1], "stacks"))
		run_stacks(secs);
	else if (!strcmp(argv[1], "bench"))
		return run_bench(secs, argc > 3 ? atoi(argv[3]) : 0);
	else
		return 2;
	return 0;
}
