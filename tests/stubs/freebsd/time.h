/* time.h stub (freebsd) for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_TIME_H
#define STUB_TIME_H
#include <sys/types.h>
struct timespec {
	time_t tv_sec;
	long tv_nsec;
};
typedef int clockid_t;
#define CLOCK_MONOTONIC 4
int clock_gettime(clockid_t clk, struct timespec *ts);
int nanosleep(const struct timespec *req, struct timespec *rem);
time_t time(time_t *t);
#endif
