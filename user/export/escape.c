// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * escape.c: escaping of untrusted text for terminals (see escape.h): one classifier,
 * esc_unit(), that the table, CSV and JSON writers and every terminal view share.
 */
#include "export/escape.h"

#include <stdint.h>
#include <string.h>

static const char hex[] = "0123456789abcdef";

size_t utf8_seq_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	unsigned int cp;

	if (p[0] < 0xC2 || p[0] > 0xF4)
		return 0;
	len = p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;
	if (len > n)
		return 0;
	cp = p[0] & (0x3F >> (len - 1));
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

size_t esc_unit(const unsigned char *p, size_t n, bool *unsafe)
{
	size_t seq;

	if (p[0] < 0x80) {
		*unsafe = p[0] < 0x20 || p[0] == 0x7f;
		return 1;
	}
	seq = utf8_seq_len(p, n);
	if (!seq) {
		*unsafe = true; /* a lone C1 byte, or anything else that is not UTF-8 */
		return 1;
	}
	*unsafe = seq == 2 && p[0] == 0xC2 && p[1] < 0xA0; /* U+0080-U+009F */
	return seq;
}

bool esc_is_needed(const char *str, size_t maxlen)
{
	const unsigned char *p = (const unsigned char *)str;
	size_t n = strnlen(str, maxlen), i = 0;
	bool unsafe;

	while (i < n) {
		i += esc_unit(p + i, n - i, &unsafe);
		if (unsafe)
			return true;
	}
	return false;
}

size_t esc_str(char *dst, size_t size, const char *src, size_t maxlen)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t n = strnlen(src, maxlen), i = 0, out = 0;
	bool unsafe;

	if (!size)
		return 0;
	while (i < n) {
		size_t len = esc_unit(p + i, n - i, &unsafe);
		size_t need = unsafe ? len * ESC_MAX_PER_BYTE : len;

		if (out + need >= size)
			break;
		for (size_t k = 0; k < len; k++) {
			unsigned char c = p[i + k];

			if (!unsafe) {
				dst[out++] = (char)c;
				continue;
			}
			dst[out++] = '\\';
			dst[out++] = 'x';
			dst[out++] = hex[c >> 4];
			dst[out++] = hex[c & 15];
		}
		i += len;
	}
	dst[out] = '\0';
	return out;
}

char *esc_buf(char *dst, size_t size, const char *src)
{
	esc_str(dst, size, src, SIZE_MAX);
	return dst;
}

size_t esc_write(struct sink *s, const char *src, size_t maxlen)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t n = strnlen(src, maxlen), i = 0, run = 0, out = 0;
	bool unsafe;

	while (i < n) {
		size_t len = esc_unit(p + i, n - i, &unsafe);

		if (!unsafe) {
			i += len;
			run += len;
			continue;
		}
		sink__write(s, p + i - run, run);
		out += run;
		run = 0;
		for (size_t k = 0; k < len; k++, i++) {
			char e[ESC_MAX_PER_BYTE] = { '\\', 'x', hex[p[i] >> 4], hex[p[i] & 15] };

			sink__write(s, e, sizeof(e));
			out += sizeof(e);
		}
	}
	sink__write(s, p + i - run, run);
	return out + run;
}

/* XML text: escape markup; control bytes and bytes that are not UTF-8 print as \xHH
 * (escape.h), so any parser accepts the file and a terminal showing it stays safe. */
void esc_xml_write(struct sink *s, const char *str)
{
	const unsigned char *p = (const unsigned char *)str;
	size_t n = strlen(str), i = 0;

	while (i < n) {
		bool unsafe;
		size_t len = esc_unit(p + i, n - i, &unsafe);

		if (unsafe || len > 1) {
			if (unsafe)
				esc_write(s, str + i, len);
			else
				sink__write(s, p + i, len);
			i += len;
			continue;
		}
		switch (p[i++]) {
		case '&':
			sink__puts(s, "&amp;");
			break;
		case '<':
			sink__puts(s, "&lt;");
			break;
		case '>':
			sink__puts(s, "&gt;");
			break;
		case '"':
			sink__puts(s, "&quot;");
			break;
		case '\'':
			sink__puts(s, "&apos;");
			break;
		default:
			sink__putc(s, (char)p[i - 1]);
		}
	}
}
