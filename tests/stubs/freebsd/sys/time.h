/* sys/time.h stub (freebsd) for the BSD/macOS compile check (tests/stubs/README.md). */
#ifndef STUB_SYS_TIME_H
#define STUB_SYS_TIME_H
#include <sys/types.h>
struct timeval {
	time_t tv_sec;
	suseconds_t tv_usec;
};
int gettimeofday(struct timeval *tv, void *tz);
#endif
