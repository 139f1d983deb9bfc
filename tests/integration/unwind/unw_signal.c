// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * unw_signal.c: test_profile_unwind.py's signal-frame workload, built with -O2
 * -fomit-frame-pointer: main -> sig_outer -> sig_spin spins until SIGALRM arrives, and the
 * handler (sig_handler -> sig_burn) burns CPU for SECS seconds without returning, so every
 * sample is taken above the kernel's signal frame and glibc's __restore_rt. Prints
 * "ready PID" first.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile double sig_secs;
static volatile unsigned long sig_sink;
static volatile int sig_fired;

static double sig_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static unsigned long sig_burn(double secs)
{
	double end = sig_now() + secs;
	unsigned long x = 1;

	while (sig_now() < end) {
		for (int i = 0; i < 100000; i++)
			x = x * 6364136223846793005UL + 1442695040888963407UL;
	}
	return x;
}

__attribute__((noinline)) static void sig_handler(int sig)
{
	sig_sink += sig_burn(sig_secs) + (unsigned long)sig;
	sig_fired = 1;
}

__attribute__((noinline)) static unsigned long sig_spin(void)
{
	unsigned long n = 0;

	while (!sig_fired)
		n++;
	return n;
}

__attribute__((noinline)) static unsigned long sig_outer(void)
{
	struct itimerval it = { .it_value = { 0, 1000 } };

	setitimer(ITIMER_REAL, &it, NULL);
	return sig_spin() * 3 + 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa;

	if (argc != 2) {
		fprintf(stderr, "usage: unw_signal SECS\n");
		return 2;
	}
	sig_secs = atof(argv[1]);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sig_handler;
	sigaction(SIGALRM, &sa, NULL);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	return sig_outer() == 12345 ? 1 : 0;
}
