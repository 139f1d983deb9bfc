// SPDX-License-Identifier: BSD-2-Clause
/*
 * sys.c - the name FreeBSD and macOS give their records' source column: both backends read
 * the kernel through sysctl(3).
 */
#include "sysctl_int.h"

const char *fb_source_name(void)
{
	return "sysctl";
}
