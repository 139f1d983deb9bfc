// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_modules_none.c: serve's probe modules in a build without libmicrohttpd (and so
 * without serve's libyaml loader): there is no /probe endpoint to offer them at.
 */
#include "probe/probe_modules.h"

#include <errno.h>
#include <stdio.h>

struct probe_modules *probe_modules__parse(const char *text, size_t len, char *err, size_t errlen)
{
	(void)text;
	(void)len;
	snprintf(err, errlen, "not in this build (it needs libmicrohttpd and libyaml)");
	errno = ENOTSUP;
	return NULL;
}

struct probe_modules *probe_modules__load(const char *path, char *err, size_t errlen)
{
	(void)path;
	return probe_modules__parse(NULL, 0, err, errlen);
}

const struct probe_module *probe_modules__find(const struct probe_modules *m, const char *name)
{
	(void)m;
	(void)name;
	return NULL;
}

void probe_modules__free(struct probe_modules *m)
{
	(void)m;
}
