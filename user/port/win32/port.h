/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * port.h (Windows): the few things the shared userspace code needs from the operating system,
 * for the mingw-w64 build. The Makefile puts user/port/$(PLATFORM) on the include path, so a
 * .c file includes "port.h" and never tests the OS itself. Windows has no <linux/types.h>
 * (bpf/events.h's __u8..__u64 come from <stdint.h> here), takes its socket constants from
 * Winsock, has no fnmatch(3) (glob.c matches instead) and spells gmtime_r(3) gmtime_s.
 */
#ifndef VIGIL_PORT_H
#define VIGIL_PORT_H

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <fcntl.h>
#include <io.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <winsock2.h>

/*
 * printf-style checking of a function's format (argument f) and its arguments (from a). The
 * build uses mingw's C99 stdio (__USE_MINGW_ANSI_STDIO), so the formats are GNU's (%zu,
 * %llu), not the Microsoft runtime's that "printf" means to mingw's gcc.
 */
#define PORT_PRINTF(f, a) __attribute__((format(gnu_printf, f, a)))

/* open(2) flags: O_CLOEXEC's Windows name, and bytes in, bytes out (no "\n" -> "\r\n"). */
#define O_CLOEXEC     O_NOINHERIT
#define PORT_O_BINARY O_BINARY

/* Make fd write bytes as they are: stdout starts in text mode, where CSV's "\r\n" would
 * reach the reader as "\r\r\n". */
static inline void port_fd_set_binary(int fd)
{
	_setmode(fd, _O_BINARY);
}

typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef int8_t __s8;
typedef int16_t __s16;
typedef int32_t __s32;
typedef int64_t __s64;

/*
 * The POSIX signals the Windows C runtime does not define, with their Linux numbers, so that
 * `vigil kill --signal NAME` parses the same everywhere. Windows has no signals: the fallback
 * library ends a process for SIGTERM and answers -ENOTSUP for any other.
 */
#define SIGHUP	1
#define SIGQUIT 3
#define SIGKILL 9
#define SIGUSR1 10
#define SIGUSR2 12
#define SIGCONT 18
#define SIGSTOP 19

/*
 * mingw's <stdlib.h> makes environ a macro for the C runtime's block; vigil uses the word as a
 * field name (a process' environ, psutil's key) and never the variable.
 */
#undef environ

/*
 * getrlimit(2)'s resources, with their Linux numbers, so that `vigil proc`'s rlimits names
 * them the same everywhere; Windows has no such limits (fb_proc__rlimit() says -ENOTSUP).
 */
#define RLIMIT_CPU	  0
#define RLIMIT_FSIZE	  1
#define RLIMIT_DATA	  2
#define RLIMIT_STACK	  3
#define RLIMIT_CORE	  4
#define RLIMIT_RSS	  5
#define RLIMIT_NPROC	  6
#define RLIMIT_NOFILE	  7
#define RLIMIT_MEMLOCK	  8
#define RLIMIT_AS	  9
#define RLIMIT_LOCKS	  10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE	  12
#define RLIMIT_NICE	  13
#define RLIMIT_RTPRIO	  14
#define RLIMIT_RTTIME	  15

/* Whether s matches the shell glob pattern (*, ?, [set], [!set], \ escapes), as fnmatch(3). */
bool port_glob_matches(const char *pattern, const char *s);

/* glibc's qsort_r(3): cmp gets arg as its third argument. */
void port_qsort_r(void *base, size_t n, size_t size,
		  int (*cmp)(const void *a, const void *b, void *arg), void *arg);

/* localtime_r(3): *t as local time in *tm; NULL on failure. */
static inline struct tm *port_localtime(const time_t *t, struct tm *tm)
{
	return localtime_s(tm, t) ? NULL : tm;
}

/* gmtime_r(3): *t as UTC in *tm; NULL on failure. */
static inline struct tm *port_gmtime(const time_t *t, struct tm *tm)
{
	return gmtime_s(tm, t) ? NULL : tm;
}

#endif /* VIGIL_PORT_H */
