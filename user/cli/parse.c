// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * parse.c: the value parsers behind every flag. Durations keep nanosecond precision by
 * splitting the integer and fractional parts instead of going through a double.
 */
#include "cli/parse.h"

#include <stdbool.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

/* *acc = *acc * 10 + digit, or -ERANGE if that does not fit in 64 bits. */
static int mul10_add(uint64_t *acc, char digit)
{
	uint64_t d = (uint64_t)(digit - '0');

	if (*acc > UINT64_MAX / 10 || (*acc == UINT64_MAX / 10 && d > UINT64_MAX % 10))
		return -ERANGE;
	*acc = *acc * 10 + d;
	return 0;
}

struct unit {
	const char *suffix;
	uint64_t mult;
};

static const struct unit duration_units[] = {
	{ "ns", 1 },	       { "us", NSEC_PER_USEC },	   { "ms", NSEC_PER_MSEC },
	{ "s", NSEC_PER_SEC }, { "m", 60 * NSEC_PER_SEC }, { "h", 3600 * NSEC_PER_SEC },
	{ NULL, 0 },
};

static const struct unit size_units[] = {
	{ "b", 1 },	      { "k", 1ULL << 10 },   { "kb", 1ULL << 10 },  { "kib", 1ULL << 10 },
	{ "m", 1ULL << 20 },  { "mb", 1ULL << 20 },  { "mib", 1ULL << 20 }, { "g", 1ULL << 30 },
	{ "gb", 1ULL << 30 }, { "gib", 1ULL << 30 }, { NULL, 0 },
};

static int unit_lookup(const struct unit *units, const char *suffix, uint64_t *mult)
{
	for (; units->suffix; units++) {
		if (!strcasecmp(units->suffix, suffix)) {
			*mult = units->mult;
			return 0;
		}
	}
	return -EINVAL;
}

/* Parse "123" or "123.456" at *sp into integer and fraction (fraction as num/den). */
static int parse_decimal(const char **sp, uint64_t *whole, uint64_t *frac, uint64_t *den)
{
	const char *s = *sp;
	int digits = 0;

	*whole = 0;
	*frac = 0;
	*den = 1;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (mul10_add(whole, *s))
			return -ERANGE;
	}
	if (*s == '.') {
		s++;
		for (; *s >= '0' && *s <= '9'; s++, digits++) {
			if (*den < 1000000000000ULL) { /* keep 12 fractional digits */
				*frac = *frac * 10 + (uint64_t)(*s - '0');
				*den *= 10;
			}
		}
	}
	if (!digits)
		return -EINVAL;
	*sp = s;
	return 0;
}

static int scale(uint64_t whole, uint64_t frac, uint64_t den, uint64_t mult, uint64_t *out)
{
	if (mult && whole > UINT64_MAX / mult)
		return -ERANGE;
	/* frac/den < 1, so frac * mult / den < mult; split to avoid overflow. */
	*out = whole * mult + (frac * (mult / den)) + (frac * (mult % den)) / den;
	return 0;
}

/* A decimal number with an optional unit suffix from units; a bare number is in bare_mult. */
static int parse_scaled(const char *s, const struct unit *units, uint64_t bare_mult, uint64_t *out)
{
	uint64_t whole, frac, den, mult = bare_mult;
	int err;

	if (!s || !*s)
		return -EINVAL;
	err = parse_decimal(&s, &whole, &frac, &den);
	if (err)
		return err;
	if (*s && unit_lookup(units, s, &mult))
		return -EINVAL;
	return scale(whole, frac, den, mult, out);
}

int parse_duration(const char *s, uint64_t default_unit_ns, uint64_t *out_ns)
{
	return parse_scaled(s, duration_units, default_unit_ns, out_ns);
}

int parse_size(const char *s, uint64_t *out_bytes)
{
	return parse_scaled(s, size_units, 1, out_bytes);
}

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (mul10_add(&v, *s))
			return -ERANGE;
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_choice(const char *s, const char *const *names)
{
	for (int i = 0; s && names[i]; i++) {
		if (!strcmp(s, names[i]))
			return i;
	}
	return -EINVAL;
}

int parse_block_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGTPE";
	uint64_t n = 0, mult = 1, base = 1024;
	const char *u;
	int err;

	bool digits = false;

	if (!s || !*s)
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		digits = true;
		err = mul10_add(&n, *s);
		if (err)
			return -ERANGE;
	}
	if (digits && !n)
		return -EINVAL;
	if (!*s) {
		*out = n;
		return 0;
	}
	u = strchr(units, *s);
	if (!u)
		return -EINVAL;
	if (!strcmp(s + 1, "B"))
		base = 1000;
	else if (s[1] && strcmp(s + 1, "iB"))
		return -EINVAL;
	for (long i = 0; i <= u - units; i++)
		mult *= base;
	if (!n)
		n = 1;
	if (n > UINT64_MAX / mult)
		return -ERANGE;
	*out = n * mult;
	return 0;
}
