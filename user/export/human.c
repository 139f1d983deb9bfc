// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * human.c: durations with units and UTF-8 aware padding for the tables (see human.h).
 */
#include "export/human.h"

#include <stdio.h>
#include <string.h>

/* value in unit with three significant digits: 1.23, 12.3, 123. */
static void three_digits(double v, const char *unit, char *buf, size_t len)
{
	if (v < 9.995)
		snprintf(buf, len, "%.2f %s", v, unit);
	else if (v < 99.95)
		snprintf(buf, len, "%.1f %s", v, unit);
	else
		snprintf(buf, len, "%.0f %s", v, unit);
}

void human_duration(uint64_t ns, char *buf, size_t len)
{
	double v = (double)ns;

	if (ns < 1000)
		snprintf(buf, len, "%llu ns", (unsigned long long)ns);
	else if (v < 999.5e3)
		three_digits(v / 1e3, "\xc2\xb5s", buf, len);
	else if (v < 999.5e6)
		three_digits(v / 1e6, "ms", buf, len);
	else if (v < 59.95e9)
		three_digits(v / 1e9, "s", buf, len);
	else if (v < 59.95 * 60e9)
		three_digits(v / 60e9, "min", buf, len);
	else
		three_digits(v / 3600e9, "h", buf, len);
}

size_t human_width(const char *str)
{
	size_t w = 0;

	for (const unsigned char *p = (const unsigned char *)str; *p; p++)
		w += (*p & 0xC0) != 0x80;
	return w;
}

char *human_pad(char *buf, size_t len, const char *str, int width, int left)
{
	size_t w = human_width(str), n = strlen(str), pad = 0;

	if (width > 0 && w < (size_t)width)
		pad = (size_t)width - w;
	if (!len)
		return buf;
	if (pad + n + 1 > len) { /* too long for buf: as much of str as fits */
		snprintf(buf, len, "%s", str);
		return buf;
	}
	if (left) {
		memcpy(buf, str, n);
		memset(buf + n, ' ', pad);
	} else {
		memset(buf, ' ', pad);
		memcpy(buf + pad, str, n);
	}
	buf[n + pad] = '\0';
	return buf;
}
