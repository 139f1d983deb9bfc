// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_expect.c: the --expect-status list ("200", "2xx", "200-299,301") and the --expect
 * value sets of the DNS probe: bounded, strict parsers that accept the whole string or
 * nothing, and the comparisons the probes make with what they got.
 */
#include "probe/probe_expect.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

/* A three-digit code 100..599 at s[0..2]; -1 if it is not one. */
static int status_code(const char *s, size_t len)
{
	if (len != 3 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    !isdigit((unsigned char)s[2]))
		return -1;
	int v = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');

	return v >= 100 && v <= 599 ? v : -1;
}

static int status_item(const char *s, size_t len, int *lo, int *hi)
{
	const char *dash = memchr(s, '-', len);

	if (len == 3 && s[0] >= '1' && s[0] <= '5' && tolower((unsigned char)s[1]) == 'x' &&
	    tolower((unsigned char)s[2]) == 'x') {
		*lo = (s[0] - '0') * 100;
		*hi = *lo + 99;
		return 0;
	}
	if (dash) {
		*lo = status_code(s, (size_t)(dash - s));
		*hi = status_code(dash + 1, len - (size_t)(dash - s) - 1);
	} else {
		*lo = *hi = status_code(s, len);
	}
	return *lo < 0 || *hi < 0 || *lo > *hi ? -EINVAL : 0;
}

int probe_status_set__parse(struct probe_status_set *s, const char *str)
{
	struct probe_status_set t = *s;
	const char *p = str;

	if (!*p)
		return -EINVAL;
	for (;;) {
		size_t len = strcspn(p, ",");
		int lo, hi;

		if (t.n >= PROBE_STATUS_RANGES || status_item(p, len, &lo, &hi))
			return -EINVAL;
		t.r[t.n].lo = lo;
		t.r[t.n].hi = hi;
		t.n++;
		if (!p[len])
			break;
		p += len + 1;
	}
	*s = t;
	return 0;
}

bool probe_status_set__has(const struct probe_status_set *s, long status)
{
	if (!s->n)
		return status >= 200 && status <= 399;
	for (int i = 0; i < s->n; i++) {
		if (status >= s->r[i].lo && status <= s->r[i].hi)
			return true;
	}
	return false;
}

void probe_value_norm(char *v)
{
	size_t len = strlen(v);

	for (size_t i = 0; i < len; i++)
		v[i] = (char)tolower((unsigned char)v[i]);
	if (len > 1 && v[len - 1] == '.')
		v[len - 1] = '\0';
}

int probe_value_set__parse(struct probe_value_set *s, const char *str)
{
	int n = s->n;
	const char *p = str;

	for (;;) {
		size_t len = strcspn(p, ",");

		if (!len || len >= PROBE_EXPECT_VAL_LEN)
			return -EINVAL;
		for (size_t i = 0; i < len; i++) {
			if (!isprint((unsigned char)p[i]))
				return -EINVAL;
		}
		if (n >= PROBE_EXPECT_MAX)
			return -ERANGE;
		n++;
		if (!p[len])
			break;
		p += len + 1;
	}
	/* valid as a whole: now copy */
	for (p = str; s->n < n;) {
		size_t len = strcspn(p, ",");

		memcpy(s->v[s->n], p, len);
		s->v[s->n][len] = '\0';
		probe_value_norm(s->v[s->n]);
		s->n++;
		p += len + (p[len] ? 1 : 0);
	}
	return 0;
}

static bool value_in(const char *v, char (*set)[PROBE_EXPECT_VAL_LEN], int n)
{
	for (int i = 0; i < n; i++) {
		if (!strcmp(v, set[i]))
			return true;
	}
	return false;
}

bool probe_value_set__equals(const struct probe_value_set *s, char (*got)[PROBE_EXPECT_VAL_LEN],
			     int n)
{
	for (int i = 0; i < n; i++) {
		if (!value_in(got[i], (char(*)[PROBE_EXPECT_VAL_LEN])s->v, s->n))
			return false;
	}
	for (int i = 0; i < s->n; i++) {
		if (!value_in(s->v[i], got, n))
			return false;
	}
	return true;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int probe_unescape(const char *in, char *out, size_t len, size_t *n)
{
	size_t o = 0;

	for (const char *p = in; *p; p++) {
		char c = *p;

		if (c == '\\') {
			int hi, lo;

			switch (*++p) {
			case 'r':
				c = '\r';
				break;
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case '0':
				c = '\0';
				break;
			case '\\':
				c = '\\';
				break;
			case 'x':
				hi = p[1] ? hex_digit(p[1]) : -1;
				lo = hi >= 0 && p[2] ? hex_digit(p[2]) : -1;
				if (lo < 0)
					return -EINVAL;
				c = (char)(hi << 4 | lo);
				p += 2;
				break;
			default:
				return -EINVAL; /* also a final lone backslash */
			}
		}
		if (o >= len)
			return -ERANGE;
		out[o++] = c;
	}
	*n = o;
	return 0;
}
