// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rows.c: typed rows as CSV (RFC 4180, header first), one JSON array of objects, or NDJSON
 * objects, for the commands whose table format is a Unix tool's own layout.
 */
#include "export/rows.h"

#include <stdint.h>

#include "export/export.h"

void rows__begin(struct rows *r, struct output *o, const char *const *keys)
{
	r->o = o;
	r->keys = keys;
	if (o->fmt == FMT_CSV) {
		for (int i = 0; keys[i]; i++) {
			if (i)
				sink__putc(o->sink, ',');
			csv_write_string(o->sink, keys[i], SIZE_MAX);
		}
		sink__puts(o->sink, "\r\n");
	} else if (o->fmt == FMT_JSON) {
		jw__init(&r->w, o->sink, false);
		jw__arr_begin(&r->w, NULL);
	}
}

static void csv_value(struct sink *s, const struct rowv *v)
{
	switch (v->type) {
	case ROWV_STR:
		csv_write_string(s, v->s, SIZE_MAX);
		break;
	case ROWV_S64:
		sink__s64(s, v->i);
		break;
	case ROWV_F64:
		sink__f64(s, v->f);
		break;
	case ROWV_BOOL:
		sink__puts(s, v->i ? "true" : "false");
		break;
	case ROWV_NULL:
		break;
	}
}

static void json_value(struct jw *w, const char *key, const struct rowv *v)
{
	switch (v->type) {
	case ROWV_STR:
		jw__str(w, key, v->s);
		break;
	case ROWV_S64:
		jw__s64(w, key, v->i);
		break;
	case ROWV_F64:
		jw__f64(w, key, v->f);
		break;
	case ROWV_BOOL:
		jw__bool(w, key, v->i);
		break;
	case ROWV_NULL:
		jw__null(w, key);
		break;
	}
}

void rows__add(struct rows *r, const struct rowv *v)
{
	struct sink *s = r->o->sink;

	if (r->o->fmt == FMT_CSV) {
		for (int i = 0; r->keys[i]; i++) {
			if (i)
				sink__putc(s, ',');
			csv_value(s, &v[i]);
		}
		sink__puts(s, "\r\n");
		return;
	}
	if (r->o->fmt == FMT_NDJSON)
		jw__init(&r->w, s, false);
	jw__obj_begin(&r->w, NULL);
	for (int i = 0; r->keys[i]; i++)
		json_value(&r->w, r->keys[i], &v[i]);
	jw__obj_end(&r->w);
	if (r->o->fmt == FMT_NDJSON)
		sink__putc(s, '\n');
}

void rows__end(struct rows *r)
{
	if (r->o->fmt == FMT_JSON) {
		jw__arr_end(&r->w);
		sink__putc(r->o->sink, '\n');
	}
}
