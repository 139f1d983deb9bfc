// SPDX-License-Identifier: BSD-2-Clause
/*
 * sys.c - macOS's hook for sysctl/sys.c: its struct timeval's tv_usec is an int (4 bytes, then
 * 4 of padding), which boot_time() needs to decode kern.boottime.
 */
#include "darwin_decode.h"
#include "../sysctl/sysctl_int.h"

const size_t fb__os_timeval_usec_size = 4;
