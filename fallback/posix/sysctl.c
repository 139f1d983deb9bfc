// SPDX-License-Identifier: BSD-2-Clause
/*
 * sysctl.c - what the sysctl listings of Linux (/proc/sys, linux/sysctl.c) and of FreeBSD and
 * macOS (the sysctl(3) meta-MIB, sysctl/sysctl.c) share: the list they return, an owned array
 * of owned name/value strings, and its destructor.
 */
#include "posix_int.h"

#include <stdlib.h>

void fb_sysctls_free(struct fb_sysctls *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].value);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}
