// SPDX-License-Identifier: BSD-2-Clause
/*
 * util.c - small shared services that need nothing from the OS: overflow-checked array growth,
 * Python-compatible rounding, and the string vector type that cmdline() and environ() return.
 * The clock, sleep and sysconf helpers live in posix.c (fallback/win32/clock.c on Windows).
 */
#include "fb_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int fb__grow(void **v, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 16;
	void *nv;

	if (need <= *cap && *v)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		return -ENOMEM;
	nv = realloc(*v, ncap * elem);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

double fb__round1(double x)
{
	/* Python rounds half to even on the binary value; rint() in the default mode does too */
	return rint(x * 10.0) / 10.0;
}

void fb_strv_free(struct fb_strv *s)
{
	if (!s)
		return;
	free(s->v); /* pointers and strings share one block */
	s->v = NULL;
	s->n = 0;
}

void fb_fds_free(struct fb_fds *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].path);
		free(f->v[i].link);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

int fb__strv_split(const char *data, size_t len, char sep, struct fb_strv *out)
{
	size_t n = 0, i, k = 0;
	char **v, *str;

	out->v = NULL;
	out->n = 0;
	/* a trailing separator ends the last item instead of starting an empty one */
	if (len && data[len - 1] == sep)
		len--;
	if (len)
		for (i = 0, n = 1; i < len; i++)
			n += data[i] == sep;
	v = malloc((n + 1) * sizeof(*v) + len + 1);
	if (!v)
		return -ENOMEM;
	str = (char *)(v + n + 1);
	memcpy(str, data, len);
	str[len] = '\0';
	if (n) {
		v[k++] = str;
		for (i = 0; i < len; i++) {
			if (str[i] == sep) {
				str[i] = '\0';
				v[k++] = str + i + 1;
			}
		}
	}
	v[k] = NULL;
	out->v = v;
	out->n = n;
	return 0;
}
