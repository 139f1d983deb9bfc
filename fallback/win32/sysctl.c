// SPDX-License-Identifier: BSD-2-Clause
/*
 * sysctl.c - Windows has no sysctl namespace (its tunables live in the registry, under names
 * that do not map onto dotted keys): every call is -ENOTSUP and there are no tracer keys.
 */
#include "fb_win.h"

#include <errno.h>

const char *const fb_sysctl_tracer_keys[] = { NULL };

int fb_sysctl_list(const char *pattern, struct fb_sysctls *out)
{
	(void)pattern;
	out->n = 0;
	out->v = NULL;
	return -ENOTSUP;
}

void fb_sysctls_free(struct fb_sysctls *s)
{
	(void)s;
}

int fb_sysctl_read(const char *name, char *buf, size_t len)
{
	(void)name, (void)buf, (void)len;
	return -ENOTSUP;
}
