// SPDX-License-Identifier: BSD-2-Clause
/*
 * parse.c - hand-written parsing of the kernel's text formats: overflow-checked decimal and
 * hex numbers, whitespace tokens, lines, and "Key:   value" lookups as found in meminfo and
 * /proc/PID/status.  Every function is bounded by the NUL terminator that the readers in io.c
 * always write, so truncated files parse as far as they go and then report -ENOENT/-EINVAL.
 */
#include "fb_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *fb__skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

int fb__parse_u64(const char **pp, uint64_t *out)
{
	const char *p = fb__skip_ws(*pp);
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	while (*p >= '0' && *p <= '9') {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
		p++;
	}
	*out = v;
	*pp = p;
	return 0;
}

int fb__parse_i64(const char **pp, int64_t *out)
{
	const char *p = fb__skip_ws(*pp);
	bool neg = false;
	uint64_t v;
	int err;

	if (*p == '-' || *p == '+') {
		neg = *p == '-';
		p++;
	}
	err = fb__parse_u64(&p, &v);
	if (err)
		return err;
	if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
		return -ERANGE;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	*pp = p;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int fb__parse_hex(const char **pp, uint64_t *out)
{
	const char *p = fb__skip_ws(*pp);
	uint64_t v = 0;
	int d, nd = 0;

	while ((d = hexval(*p)) >= 0) {
		if (v >> 60)
			return -ERANGE;
		v = (v << 4) | (uint64_t)d;
		p++;
		nd++;
	}
	if (!nd)
		return -EINVAL;
	*out = v;
	*pp = p;
	return 0;
}

const char *fb__token(const char *p, char *buf, size_t len)
{
	size_t n = 0;

	p = fb__skip_ws(p);
	if (!*p || *p == '\n')
		return NULL;
	while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
		if (n + 1 < len)
			buf[n++] = *p;
		p++;
	}
	if (len)
		buf[n] = '\0';
	return p;
}

const char *fb__next_line(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl && nl[1] ? nl + 1 : NULL;
}

/* Find @key followed by ':' at the start of a line; returns the value start or NULL. */
static const char *kv_find(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p) {
		if (strncmp(p, key, klen) == 0 && p[klen] == ':')
			return fb__skip_ws(p + klen + 1);
		p = fb__next_line(p);
	}
	return NULL;
}

int fb__kv_u64(const char *text, const char *key, uint64_t *out)
{
	const char *v = kv_find(text, key);

	if (!v)
		return -ENOENT;
	return fb__parse_u64(&v, out);
}

int fb__kv_str(const char *text, const char *key, char *buf, size_t len)
{
	const char *v = kv_find(text, key);
	size_t n = 0;

	if (!v)
		return -ENOENT;
	while (v[n] && v[n] != '\n')
		n++;
	if (n >= len)
		n = len - 1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return 0;
}

int fb__fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

void fb__copy(char *dst, size_t len, const char *src)
{
	size_t n;

	if (!len)
		return;
	n = strnlen(src, len - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int fb__kv_str_eq(const char *text, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key), n = 0;

	for (const char *p = text; p; p = fb__next_line(p)) {
		if (strncmp(p, key, klen) || p[klen] != '=')
			continue;
		p += klen + 1;
		while (p[n] && p[n] != '\n')
			n++;
		if (n >= len)
			n = len - 1;
		memcpy(buf, p, n);
		buf[n] = '\0';
		return 0;
	}
	return -ENOENT;
}
