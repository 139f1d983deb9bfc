/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bsd_int.h - the raw-fetch half of the FreeBSD backend: sysctlbyname() wrappers that return
 * negative errno values, one for fixed-size values and one probe-allocate-retry for tables
 * whose size changes between the size query and the read.
 */
#ifndef VIGIL_FB_BSD_INT_H
#define VIGIL_FB_BSD_INT_H

#include "bsd_decode.h"

/* Read @name into @buf; *len in: capacity, out: bytes written.  0 or -errno. */
int fb__sysctl_fixed(const char *name, void *buf, size_t *len);
/* An unsigned number of either width. */
int fb__sysctl_uint(const char *name, uint64_t *out);
/* Read @name into a malloc'ed buffer (the caller frees it), retrying if it grew. */
int fb__sysctl_alloc(const char *name, void **buf, size_t *len);

#endif /* VIGIL_FB_BSD_INT_H */
