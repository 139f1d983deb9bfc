// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mail_buf.c: the growable byte buffer of the mail code (mail_buf.h): doubling growth, a NUL
 * kept past the end, printf and HTML-escaping appenders.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail_buf.h"

static int mail_buf__reserve(struct mail_buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (n > ((size_t)-1) / 4 - b->len)
		return -ENOMEM;
	if (b->len + n + 1 <= b->cap)
		return 0;
	while (cap < b->len + n + 1)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int mail_buf__append(struct mail_buf *b, const void *p, size_t n)
{
	if (mail_buf__reserve(b, n))
		return -ENOMEM;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int mail_buf__printf(struct mail_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || mail_buf__reserve(b, (size_t)n))
		return -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int mail_buf__html(struct mail_buf *b, const char *s)
{
	int err = 0;

	for (; s && *s && !err; s++) {
		switch (*s) {
		case '&':
			err = mail_buf__append(b, "&amp;", 5);
			break;
		case '<':
			err = mail_buf__append(b, "&lt;", 4);
			break;
		case '>':
			err = mail_buf__append(b, "&gt;", 4);
			break;
		case '"':
			err = mail_buf__append(b, "&quot;", 6);
			break;
		default:
			err = mail_buf__append(b, s, 1);
		}
	}
	return err;
}

void mail_buf__free(struct mail_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
