// SPDX-License-Identifier: BSD-2-Clause
/*
 * human.c - psutil's bytes2human recipe (binary prefixes K..Y, one decimal, "100B" below 1K)
 * and its inverse, which accepts what bytes2human prints plus the forms people type: "1.5 MiB",
 * "2G", "512k", "100B", a bare number.
 */
#include "fb_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>

static const char symbols[] = "KMGTPEZY";

/* 1024^k as a double: exact, powers of two (no libm: vigil would load it at every exec) */
static double pow1024(int k)
{
	double v = 1.0;

	while (k-- > 0)
		v *= 1024.0;
	return v;
}

int fb_bytes2human(uint64_t n, char *buf, size_t len)
{
	for (int i = 7; i >= 0; i--) {
		/* 1 << 10*(i+1): beyond 2^63 as a double, exact as a power of two */
		double prefix = pow1024(i + 1);

		if ((double)n >= prefix)
			return fb__fmt(buf, len, "%.1f%c", (double)n / prefix, symbols[i]);
	}
	return fb__fmt(buf, len, "%lluB", (unsigned long long)n);
}

int fb_human2bytes(const char *s, uint64_t *out)
{
	double whole = 0, frac = 0, scale = 1, v;
	bool digits = false;
	const char *p;
	int shift = 0;

	if (!s)
		return -EINVAL;
	p = fb__skip_ws(s);
	while (isdigit((unsigned char)*p)) {
		whole = whole * 10 + (*p++ - '0');
		digits = true;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			scale /= 10;
			frac += (*p++ - '0') * scale;
			digits = true;
		}
	}
	if (!digits)
		return -EINVAL;
	p = fb__skip_ws(p);
	if (*p) {
		char c = (char)toupper((unsigned char)*p);

		for (int i = 0; symbols[i]; i++)
			if (symbols[i] == c)
				shift = 10 * (i + 1);
		if (shift) {
			p++;
			if (*p == 'i' || *p == 'I')
				p++;
			if (*p == 'B' || *p == 'b')
				p++;
		} else if (c == 'B') {
			p++;
		} else {
			return -EINVAL;
		}
	}
	p = fb__skip_ws(p);
	if (*p)
		return -EINVAL;
	/* v >= 0: + 0.5 rounds half up, as llround() did, which also could not hold 2^63..2^64
	 * (and made every vigil exec load libm for this one call) */
	v = (whole + frac) * pow1024(shift / 10) + 0.5;
	if (v >= 18446744073709551616.0)
		return -ERANGE;
	*out = (uint64_t)v;
	return 0;
}
