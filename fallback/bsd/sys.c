// SPDX-License-Identifier: BSD-2-Clause
/*
 * sys.c - FreeBSD's hook for sysctl/sys.c: its struct timeval's tv_usec is a long (8 bytes),
 * which boot_time() needs to decode kern.boottime.
 */
#include "bsd_int.h"

const size_t fb__os_timeval_usec_size = 8;
