// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fbcmd.c (Windows): option parsing and error reporting shared by the fallback commands.
 * Hand-rolled (no getopt_long, which the Windows C runtime lacks) and strict: an unknown flag, a
 * missing value or a bad number is one message naming the flag and what it accepts, and exit 2.
 */
#include "fbcmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool extra_has(const char *extra, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = extra; p && (p = strstr(p, name)); p += len)
		if ((p == extra || p[-1] == ',') && (p[len] == '\0' || p[len] == ','))
			return true;
	return false;
}

static int bad(const char *cmd, const char *flag, const char *accepts)
{
	fprintf(stderr, "vigil %s: %s: expected %s\n", cmd, flag, accepts);
	return FBCMD_USAGE;
}

static int number(const char *cmd, const char *flag, const char *s, double min, double *out)
{
	char *end;
	double v;

	if (!s)
		return bad(cmd, flag, "a value");
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < min)
		return bad(cmd, flag, min > 0 ? "a positive number" : "a number >= 0");
	*out = v;
	return 0;
}

int fbcmd_parse(const char *cmd, const char *usage, const char *extra, int argc, char **argv,
		struct fbcmd_opts *o, char **pos, int *npos, int maxpos)
{
	double v;
	int err;

	memset(o, 0, sizeof(*o));
	o->timeout = 3;
	o->interval = 1;
	*npos = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			printf("usage: vigil %s %s\n", cmd, usage);
			return 1;
		} else if (!strcmp(a, "--format") || !strcmp(a, "-f")) {
			if (!val || (strcmp(val, "json") && strcmp(val, "table")))
				return bad(cmd, a, "table or json");
			o->json = !strcmp(val, "json");
			i++;
		} else if (!strcmp(a, "--tree") && extra_has(extra, "tree")) {
			o->tree = true;
		} else if (!strcmp(a, "--timeout") && extra_has(extra, "timeout")) {
			err = number(cmd, a, val, 0, &o->timeout);
			if (err)
				return err;
			i++;
		} else if (!strcmp(a, "--interval") && extra_has(extra, "interval")) {
			err = number(cmd, a, val, 0.001, &o->interval);
			if (err)
				return err;
			i++;
		} else if (!strcmp(a, "--duration") && extra_has(extra, "duration")) {
			err = number(cmd, a, val, 0.001, &o->duration);
			if (err)
				return err;
			i++;
		} else if (!strcmp(a, "--count") && extra_has(extra, "count")) {
			err = number(cmd, a, val, 1, &v);
			if (err)
				return err;
			o->count = (long)v;
			i++;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "vigil %s: unknown option %s (see --help)\n", cmd, a);
			return FBCMD_USAGE;
		} else if (*npos < maxpos) {
			pos[(*npos)++] = argv[i];
		} else {
			fprintf(stderr, "vigil %s: unexpected argument '%s' (see --help)\n", cmd,
				a);
			return FBCMD_USAGE;
		}
	}
	return 0;
}

int fbcmd_fail(const char *cmd, const char *what, int err)
{
	fprintf(stderr, "vigil %s: %s: %s\n", cmd, what,
		err == -ENOTSUP ? "not supported on this platform" : strerror(-err));
	return 1;
}
