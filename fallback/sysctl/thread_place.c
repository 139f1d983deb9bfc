// SPDX-License-Identifier: BSD-2-Clause
/*
 * thread_place.c - where the scan helper thread starts (posix_int.h) on FreeBSD and macOS:
 * wherever their schedulers put it; nothing to set, nothing to undo.
 */
#include "../posix/posix_int.h"

void *fb__par_away(pthread_attr_t *attr)
{
	(void)attr;
	return NULL;
}

void fb__par_home(void *state)
{
	(void)state;
}
