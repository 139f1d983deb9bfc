// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * toolvals.c: taskset's CPU lists ("0,2,4-7", "0-8:2") and hex masks, and prlimit's
 * SOFT:HARD values: parsed whole or refused, and printed back in the tools' own forms.
 */
#include "cli/toolvals.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/parse.h"

#define TOOLVAL_MAX_CPU 8192

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Sort cpus and drop repeats. */
static size_t cpus_unique(int *cpus, size_t n)
{
	size_t k = 0;

	if (!n)
		return 0;
	qsort(cpus, n, sizeof(*cpus), cmp_int);
	for (size_t i = 1; i < n; i++) {
		if (cpus[i] != cpus[k])
			cpus[++k] = cpus[i];
	}
	return k + 1;
}

static int cpus_push(int **cpus, size_t *n, size_t *cap, int cpu)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		int *v = realloc(*cpus, ncap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		*cpus = v;
		*cap = ncap;
	}
	(*cpus)[(*n)++] = cpu;
	return 0;
}

/* A decimal CPU number at *q, advancing it. */
static int cpu_num(const char **q, uint64_t *out)
{
	char *end;

	if (**q < '0' || **q > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(*q, &end, 10);
	if (errno || *out >= TOOLVAL_MAX_CPU)
		return -EINVAL;
	*q = end;
	return 0;
}

int toolval_parse_cpu_list(const char *s, int **cpus, size_t *n)
{
	const char *q = s;
	size_t cnt = 0, cap = 0;
	int *v = NULL, err = -EINVAL;

	if (!*s)
		goto free_v;
	for (;;) {
		uint64_t a, b, stride = 1;

		if (cpu_num(&q, &a))
			goto free_v;
		b = a;
		if (*q == '-') {
			q++;
			if (cpu_num(&q, &b) || b < a)
				goto free_v;
			if (*q == ':') {
				q++;
				if (cpu_num(&q, &stride) || !stride)
					goto free_v;
			}
		}
		for (uint64_t c = a; c <= b; c += stride) {
			err = cpus_push(&v, &cnt, &cap, (int)c);
			if (err)
				goto free_v;
		}
		err = -EINVAL;
		if (!*q)
			break;
		if (*q++ != ',')
			goto free_v;
	}
	*cpus = v;
	*n = cpus_unique(v, cnt);
	return 0;
free_v:
	free(v);
	return err;
}

int toolval_parse_cpu_mask(const char *s, int **cpus, size_t *n)
{
	size_t len, cnt = 0, cap = 0;
	int *v = NULL, err = -EINVAL;

	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		s += 2;
	len = strlen(s);
	if (!len || len > TOOLVAL_MAX_CPU / 4)
		goto free_v;
	for (size_t i = 0; i < len; i++) {
		char c = s[len - 1 - i];
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			goto free_v;
		for (int bit = 0; bit < 4; bit++) {
			if (!(d & (1 << bit)))
				continue;
			err = cpus_push(&v, &cnt, &cap, (int)(i * 4) + bit);
			if (err)
				goto free_v;
			err = -EINVAL;
		}
	}
	*cpus = v;
	*n = cnt;
	return 0;
free_v:
	free(v);
	return err;
}

void toolval_format_cpu_list(const int *cpus, size_t n, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < len;) {
		size_t j = i;
		int w;

		while (j + 1 < n && cpus[j + 1] == cpus[j] + 1)
			j++;
		/* as util-linux: a run of two is "a,b", three or more "a-b" */
		if (j - i >= 2)
			w = snprintf(buf + off, len - off, "%s%d-%d", off ? "," : "", cpus[i],
				     cpus[j]);
		else if (j > i)
			w = snprintf(buf + off, len - off, "%s%d,%d", off ? "," : "", cpus[i],
				     cpus[j]);
		else
			w = snprintf(buf + off, len - off, "%s%d", off ? "," : "", cpus[i]);
		off += w > 0 ? (size_t)w : 0;
		i = j + 1;
	}
}

void toolval_format_cpu_mask(const int *cpus, size_t n, char *buf, size_t len)
{
	int top = n ? cpus[n - 1] : 0, nibbles = top / 4 + 1;
	size_t off = 0;

	for (int k = nibbles - 1; k >= 0 && off + 1 < len; k--) {
		int d = 0;

		for (size_t i = 0; i < n; i++) {
			if (cpus[i] / 4 == k)
				d |= 1 << (cpus[i] % 4);
		}
		buf[off++] = "0123456789abcdef"[d];
	}
	buf[off] = '\0';
}

static int rlim_side(const char *s, size_t len, int64_t *out)
{
	char num[32];
	uint64_t v;

	if (!len) {
		*out = TOOLVAL_RLIM_KEEP;
		return 0;
	}
	if (len >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, len);
	num[len] = '\0';
	if (!strcmp(num, "unlimited") || !strcmp(num, "infinity")) {
		*out = -1;
		return 0;
	}
	if (parse_u64(num, 0, INT64_MAX, &v))
		return -EINVAL;
	*out = (int64_t)v;
	return 0;
}

int toolval_parse_rlimit(const char *s, int64_t *soft, int64_t *hard)
{
	const char *colon = strchr(s, ':');

	if (!*s || (colon && strchr(colon + 1, ':')))
		return -EINVAL;
	if (!colon) {
		if (rlim_side(s, strlen(s), soft))
			return -EINVAL;
		*hard = *soft;
		return 0;
	}
	if (colon == s && !colon[1])
		return -EINVAL; /* ":" sets nothing */
	if (rlim_side(s, (size_t)(colon - s), soft) ||
	    rlim_side(colon + 1, strlen(colon + 1), hard))
		return -EINVAL;
	return 0;
}
