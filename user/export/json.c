// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * json.c: JSON string escaping and the nesting-aware writer declared in json.h.
 */
#include "export/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/escape.h"

static const char hex[] = "0123456789abcdef";

void json_write_string(struct sink *s, const char *str, size_t maxlen)
{
	const unsigned char *p = (const unsigned char *)str;
	size_t n = strnlen(str, maxlen), i = 0, run = 0;

	sink__putc(s, '"');
	while (i < n) {
		unsigned char c = p[i];
		size_t seq;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			i++;
			run++;
			continue;
		}
		sink__write(s, p + i - run, run);
		run = 0;
		if (c >= 0x80) {
			seq = utf8_seq_len(p + i, n - i);
			if (seq == 2 && c == 0xC2 && p[i + 1] < 0xA0) {
				/* C1 controls: escaped, like C0, so no terminal acts on them */
				char esc[6] = {
					'\\', 'u', '0', '0', hex[p[i + 1] >> 4], hex[p[i + 1] & 15]
				};

				sink__write(s, esc, sizeof(esc));
				i += seq;
			} else if (seq) {
				sink__write(s, p + i, seq);
				i += seq;
			} else {
				sink__puts(s, "\\ufffd");
				i++;
			}
			continue;
		}
		switch (c) {
		case '"':
			sink__puts(s, "\\\"");
			break;
		case '\\':
			sink__puts(s, "\\\\");
			break;
		case '\n':
			sink__puts(s, "\\n");
			break;
		case '\r':
			sink__puts(s, "\\r");
			break;
		case '\t':
			sink__puts(s, "\\t");
			break;
		default: {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			sink__write(s, esc, sizeof(esc));
		}
		}
		i++;
	}
	sink__write(s, p + i - run, run);
	sink__putc(s, '"');
}

void jw__init(struct jw *w, struct sink *s, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->s = s;
	w->pretty = pretty;
}

static void jw__indent(struct jw *w)
{
	if (!w->pretty)
		return;
	sink__putc(w->s, '\n');
	for (int i = 0; i < w->depth; i++)
		sink__write(w->s, "  ", 2);
}

/* Comma, newline and key before a value. */
static void jw__prefix(struct jw *w, const char *key)
{
	if (w->has_items[w->depth])
		sink__putc(w->s, ',');
	w->has_items[w->depth] = true;
	if (w->depth)
		jw__indent(w);
	if (key) {
		json_write_string(w->s, key, SIZE_MAX);
		sink__write(w->s, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
	}
}

static void jw__open(struct jw *w, const char *key, char c)
{
	jw__prefix(w, key);
	sink__putc(w->s, c);
	if (w->depth < JW_MAX_DEPTH - 1)
		w->depth++;
	w->has_items[w->depth] = false;
}

static void jw__close(struct jw *w, char c)
{
	bool had = w->has_items[w->depth];

	if (w->depth)
		w->depth--;
	if (had)
		jw__indent(w);
	sink__putc(w->s, c);
}

void jw__obj_begin(struct jw *w, const char *key)
{
	jw__open(w, key, '{');
}

void jw__obj_end(struct jw *w)
{
	jw__close(w, '}');
}

void jw__arr_begin(struct jw *w, const char *key)
{
	jw__open(w, key, '[');
}

void jw__arr_end(struct jw *w)
{
	jw__close(w, ']');
}

void jw__u64(struct jw *w, const char *key, uint64_t v)
{
	jw__prefix(w, key);
	sink__u64(w->s, v);
}

void jw__s64(struct jw *w, const char *key, int64_t v)
{
	jw__prefix(w, key);
	sink__s64(w->s, v);
}

void jw__f64(struct jw *w, const char *key, double v)
{
	jw__prefix(w, key);
	if (!__builtin_isfinite(v)) { /* mingw's isfinite() narrows to float first */
		sink__puts(w->s, "null");
		return;
	}
	sink__f64(w->s, v);
}

void jw__str(struct jw *w, const char *key, const char *v)
{
	jw__prefix(w, key);
	if (!v) {
		sink__puts(w->s, "null");
		return;
	}
	json_write_string(w->s, v, SIZE_MAX);
}

void jw__strn(struct jw *w, const char *key, const char *v, size_t maxlen)
{
	jw__prefix(w, key);
	json_write_string(w->s, v, maxlen);
}

void jw__bool(struct jw *w, const char *key, bool v)
{
	jw__prefix(w, key);
	sink__puts(w->s, v ? "true" : "false");
}

void jw__null(struct jw *w, const char *key)
{
	jw__prefix(w, key);
	sink__puts(w->s, "null");
}

void jw__num(struct jw *w, const char *key, const char *digits)
{
	jw__prefix(w, key);
	sink__puts(w->s, digits);
}
