/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * port.h (Linux): the few things the shared userspace code needs from the operating system,
 * named once per platform. The Makefile puts user/port/$(PLATFORM) on the include path, so a
 * .c file includes "port.h" and never tests the OS itself. On Linux they are the system's
 * own: the kernel's __u8..__u64 for bpf/events.h, the socket constants the fallback library
 * reports (AF_UNIX, SOCK_STREAM...), the POSIX signal numbers, the RLIMIT_* resources,
 * fnmatch(3), qsort_r(3) and gmtime_r(3).
 */
#ifndef VIGIL_PORT_H
#define VIGIL_PORT_H

#include <fnmatch.h>
#include <linux/types.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

/* printf-style checking of a function's format (argument f) and its arguments (from a). */
#define PORT_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* open(2) flag for files written as bytes: Linux makes no text/binary difference. */
#define PORT_O_BINARY 0

/* Make fd write bytes as they are (a no-op here). */
static inline void port_fd_set_binary(int fd)
{
	(void)fd;
}

/* Whether s matches the shell glob pattern (*, ?, [set]), as fnmatch(pattern, s, 0). */
static inline bool port_glob_matches(const char *pattern, const char *s)
{
	return !fnmatch(pattern, s, 0);
}

/* qsort_r(3), glibc's: cmp gets arg as its third argument. */
static inline void port_qsort_r(void *base, size_t n, size_t size,
				int (*cmp)(const void *a, const void *b, void *arg), void *arg)
{
	qsort_r(base, n, size, cmp, arg);
}

/* localtime_r(3): *t as local time in *tm; NULL on failure. */
static inline struct tm *port_localtime(const time_t *t, struct tm *tm)
{
	return localtime_r(t, tm);
}

/* gmtime_r(3): *t as UTC in *tm; NULL on failure. */
static inline struct tm *port_gmtime(const time_t *t, struct tm *tm)
{
	return gmtime_r(t, tm);
}

#endif /* VIGIL_PORT_H */
