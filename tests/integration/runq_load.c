// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * runq_load.c: a known scheduler workload for the integration tests. A sleeper thread pinned
 * to one CPU sleeps --sleep-us at a time, --loops times, and measures how late each wakeup
 * was (the oversleep bounds the run-queue wait vigil may report for it). With --busy N, N
 * spinning threads are pinned to the same CPU, so the sleeper's wakeups must wait for a turn.
 * With --herd N, N more threads made at startup sleep, pinned to that CPU, until --herd-at-ms
 * after startup, so one timer interrupt wakes them all at once: tasks a tracer has never seen,
 * all needing their first stamp in the same interrupt. It prints its pid, the sleeper's tid,
 * the totals and the herd's CLOCK_MONOTONIC wake time as one JSON line when done; with
 * --linger-ms it then stays alive that long, so pollers can still read its counters.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct load_opts {
	int cpu;
	int busy;
	long loops;
	long sleep_us;
	long start_delay_ms;
	long linger_ms;
	int herd;
	long herd_at_ms;
};

static struct timespec herd_at;

static atomic_int stop_busy;

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET((size_t)cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *busy_main(void *arg)
{
	volatile unsigned long spin = 0;

	pin(*(int *)arg);
	while (!atomic_load_explicit(&stop_busy, memory_order_relaxed))
		spin++;
	return NULL;
}

static void *herd_main(void *arg)
{
	pin(*(int *)arg);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &herd_at, NULL) == EINTR)
		;
	return NULL;
}

static long long ts_ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static void ts_add_ns(struct timespec *t, long long ns)
{
	long long sum = ts_ns(t) + ns;

	t->tv_sec = sum / 1000000000LL;
	t->tv_nsec = sum % 1000000000LL;
}

int main(int argc, char **argv)
{
	struct load_opts o = { .cpu = 0, .loops = 200, .sleep_us = 1000, .herd_at_ms = 2000 };
	pthread_t busy[16], *herd;
	pthread_attr_t small;
	long long late_total = 0, late_max = 0;
	struct timespec next, now;

	for (int i = 1; i + 1 < argc; i += 2) {
		long v = strtol(argv[i + 1], NULL, 10);

		if (!strcmp(argv[i], "--cpu"))
			o.cpu = (int)v;
		else if (!strcmp(argv[i], "--busy"))
			o.busy = v > 16 ? 16 : (int)v;
		else if (!strcmp(argv[i], "--loops"))
			o.loops = v;
		else if (!strcmp(argv[i], "--sleep-us"))
			o.sleep_us = v;
		else if (!strcmp(argv[i], "--start-delay-ms"))
			o.start_delay_ms = v;
		else if (!strcmp(argv[i], "--linger-ms"))
			o.linger_ms = v;
		else if (!strcmp(argv[i], "--herd"))
			o.herd = (int)v;
		else if (!strcmp(argv[i], "--herd-at-ms"))
			o.herd_at_ms = v;
	}
	pin(o.cpu);
	clock_gettime(CLOCK_MONOTONIC, &herd_at);
	ts_add_ns(&herd_at, o.herd_at_ms * 1000000LL);
	herd = calloc((size_t)o.herd + 1, sizeof(*herd));
	pthread_attr_init(&small);
	pthread_attr_setstacksize(&small, 64 * 1024);
	for (int i = 0; i < o.herd; i++)
		if (pthread_create(&herd[i], &small, herd_main, &o.cpu))
			return 1;
	if (o.start_delay_ms < 0) { /* -1: start when the test says its tracers are ready */
		char go;

		if (read(0, &go, 1) < 0)
			return 1;
	} else if (o.start_delay_ms) { /* lets a tracer attach before any work starts */
		usleep((useconds_t)o.start_delay_ms * 1000);
	}
	for (int i = 0; i < o.busy; i++)
		pthread_create(&busy[i], NULL, busy_main, &o.cpu);
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (long i = 0; i < o.loops; i++) {
		long long late;

		ts_add_ns(&next, o.sleep_us * 1000LL);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
		clock_gettime(CLOCK_MONOTONIC, &now);
		late = ts_ns(&now) - ts_ns(&next);
		late_total += late;
		late_max = late > late_max ? late : late_max;
		next = now; /* the next sleep starts from now: every loop is one real sleep */
	}
	atomic_store(&stop_busy, 1);
	for (int i = 0; i < o.busy; i++)
		pthread_join(busy[i], NULL);
	for (int i = 0; i < o.herd; i++)
		pthread_join(herd[i], NULL);
	printf("{\"pid\": %d, \"tid\": %ld, \"loops\": %ld, \"late_total_ns\": %lld, "
	       "\"late_max_ns\": %lld, \"herd\": %d, \"herd_at_ns\": %lld}\n",
	       getpid(), (long)syscall(SYS_gettid), o.loops, late_total, late_max, o.herd,
	       o.herd ? ts_ns(&herd_at) : 0);
	fflush(stdout);
	if (o.linger_ms)
		usleep((useconds_t)o.linger_ms * 1000);
	return 0;
}
