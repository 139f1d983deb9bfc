// SPDX-License-Identifier: BSD-2-Clause
/*
 * util.c - small shared services: overflow-checked array growth, cached sysconf values, the
 * monotonic clock, an EINTR-safe sleep, Python-compatible rounding, and the string vector
 * type that cmdline() and environ() return.
 */
#include "fb_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* Lazily cached; racing threads store the same value (relaxed atomics keep TSan quiet). */
static long cached_sysconf(long *slot, int name, long fallback)
{
	long v = __atomic_load_n(slot, __ATOMIC_RELAXED);

	if (!v) {
		v = sysconf(name);
		if (v <= 0)
			v = fallback;
		__atomic_store_n(slot, v, __ATOMIC_RELAXED);
	}
	return v;
}

long fb__clk_tck(void)
{
	static long tck;

	return cached_sysconf(&tck, _SC_CLK_TCK, 100);
}

long fb__page_size(void)
{
	static long ps;

	return cached_sysconf(&ps, _SC_PAGESIZE, 4096);
}

double fb__mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void fb__sleep(double seconds)
{
	struct timespec ts;

	if (seconds <= 0)
		return;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
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
