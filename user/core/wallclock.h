/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * wallclock.h: turns the kernel's CLOCK_MONOTONIC stamps into RFC 3339 UTC times with
 * nanoseconds. The monotonic-to-realtime offset is measured once at start; the date and
 * time-of-day prefix is cached per second, so formatting a record costs a few stores.
 */
#ifndef VIGIL_WALLCLOCK_H
#define VIGIL_WALLCLOCK_H

#include <stdint.h>

#define WALLCLOCK_LEN 31 /* "2026-11-21T05:51:00.123456789Z" + NUL */

struct wallclock {
	int64_t offset_ns; /* realtime - monotonic */
	int64_t cached_sec;
	char prefix[20]; /* "2026-11-21T05:51:00" */
};

void wallclock__init(struct wallclock *c);
void wallclock__init_offset(struct wallclock *c, int64_t offset_ns);
void wallclock__format(struct wallclock *c, uint64_t mono_ns, char out[WALLCLOCK_LEN]);

/* CLOCK_MONOTONIC now, in ns: the clock bpf_ktime_get_ns() uses. */
uint64_t mono_now_ns(void);

#endif /* VIGIL_WALLCLOCK_H */
