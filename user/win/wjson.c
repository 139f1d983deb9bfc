// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * wjson.c (Windows): the stdio JSON writer of vigil.exe's commands: compact output, one document
 * per call sequence, strings escaped (quotes, backslashes, control characters as \u00XX).
 * Non-finite doubles become null, as JSON has no NaN.
 */
#include "wjson.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

void fj__init(struct fj *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->has_items[0] = false;
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void item(struct fj *j, const char *key)
{
	if (j->has_items[j->depth])
		fputc(',', j->f);
	j->has_items[j->depth] = true;
	if (key) {
		put_string(j->f, key);
		fputc(':', j->f);
	}
}

static void open_nest(struct fj *j, const char *key, char open, char close)
{
	item(j, key);
	fputc(open, j->f);
	if (j->depth + 1 < FJ_MAX_DEPTH)
		j->depth++;
	j->has_items[j->depth] = false;
	j->closer[j->depth] = close;
}

void fj__obj(struct fj *j, const char *key)
{
	open_nest(j, key, '{', '}');
}

void fj__arr(struct fj *j, const char *key)
{
	open_nest(j, key, '[', ']');
}

void fj__end(struct fj *j)
{
	if (j->depth == 0)
		return;
	fputc(j->closer[j->depth], j->f);
	if (--j->depth == 0) {
		/* a finished top-level value is a document of its own (NDJSON) */
		fputc('\n', j->f);
		j->has_items[0] = false;
	}
}

void fj__str(struct fj *j, const char *key, const char *v)
{
	item(j, key);
	put_string(j->f, v);
}

void fj__u64(struct fj *j, const char *key, uint64_t v)
{
	item(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void fj__s64(struct fj *j, const char *key, int64_t v)
{
	item(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void fj__f64(struct fj *j, const char *key, double v)
{
	item(j, key);
	char buf[32];

	if (!__builtin_isfinite(v)) { /* mingw's isfinite trips -Wfloat-conversion */
		fputs("null", j->f);
		return;
	}
	/* the shortest of 15 or 17 digits that reads back as the same double */
	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	fputs(buf, j->f);
}

void fj__bool(struct fj *j, const char *key, bool v)
{
	item(j, key);
	fputs(v ? "true" : "false", j->f);
}

void fj__null(struct fj *j, const char *key)
{
	item(j, key);
	fputs("null", j->f);
}

void fj__u64_if(struct fj *j, const char *key, bool ok, uint64_t v)
{
	if (ok)
		fj__u64(j, key, v);
	else
		fj__null(j, key);
}

void fj__f64_if(struct fj *j, const char *key, bool ok, double v)
{
	if (ok)
		fj__f64(j, key, v);
	else
		fj__null(j, key);
}
