// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * wallclock.c: monotonic-to-UTC conversion for record timestamps.
 */
#include "core/wallclock.h"

#include <string.h>
#include <time.h>

#include "port.h"

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

uint64_t mono_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts_ns(&ts);
}

void wallclock__init_offset(struct wallclock *c, int64_t offset_ns)
{
	c->offset_ns = offset_ns;
	c->cached_sec = INT64_MIN;
}

void wallclock__init(struct wallclock *c)
{
	struct timespec m1, r, m2;
	int64_t best = INT64_MAX, offset = 0;

	/* Bracket a realtime read between two monotonic ones; keep the tightest pair. */
	for (int i = 0; i < 5; i++) {
		clock_gettime(CLOCK_MONOTONIC, &m1);
		clock_gettime(CLOCK_REALTIME, &r);
		clock_gettime(CLOCK_MONOTONIC, &m2);
		if (ts_ns(&m2) - ts_ns(&m1) < best) {
			best = ts_ns(&m2) - ts_ns(&m1);
			offset = ts_ns(&r) - (ts_ns(&m1) + ts_ns(&m2)) / 2;
		}
	}
	wallclock__init_offset(c, offset);
}

static void put_digits(char *p, unsigned int v, int n)
{
	while (n--) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/*
 * A stamp comes from the kernel or from a file being read back, so it can be anything: the
 * sum saturates to the range a time_t of nanoseconds can show (1970 .. 2262) instead of
 * overflowing.
 */
void wallclock__format(struct wallclock *c, uint64_t mono_ns, char out[WALLCLOCK_LEN])
{
	int64_t real, sec;
	unsigned int nsec;

	if (mono_ns > INT64_MAX || __builtin_add_overflow((int64_t)mono_ns, c->offset_ns, &real))
		real = INT64_MAX;
	if (real < 0)
		real = 0;
	sec = real / 1000000000LL;
	nsec = (unsigned int)(real % 1000000000LL);

	if (sec != c->cached_sec) {
		time_t t = (time_t)sec;
		struct tm tm;

		port_gmtime(&t, &tm);
		strftime(c->prefix, sizeof(c->prefix), "%Y-%m-%dT%H:%M:%S", &tm);
		c->cached_sec = sec;
	}
	memcpy(out, c->prefix, 19);
	out[19] = '.';
	put_digits(out + 20, nsec, 9);
	out[29] = 'Z';
	out[30] = '\0';
}
