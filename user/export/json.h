/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * json.h: a small streaming JSON writer over a sink. It tracks nesting and commas so
 * callers write keys and values in order, escapes strings (C0, DEL and C1 control characters
 * as \u00XX, quotes, and
 * bytes that are not valid UTF-8, which become U+FFFD) and prints doubles so that they
 * round-trip. Used by the record exporter and by every command with --format json.
 */
#ifndef VIGIL_JSON_H
#define VIGIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "export/sink.h"

#define JW_MAX_DEPTH 32

struct jw {
	struct sink *s;
	int depth;
	bool pretty;
	bool has_items[JW_MAX_DEPTH];
};

/* A quoted, escaped JSON string of at most maxlen bytes of str (stops at NUL). */
void json_write_string(struct sink *s, const char *str, size_t maxlen);

void jw__init(struct jw *w, struct sink *s, bool pretty);

/* key is NULL inside arrays and at top level. */
void jw__obj_begin(struct jw *w, const char *key);
void jw__obj_end(struct jw *w);
void jw__arr_begin(struct jw *w, const char *key);
void jw__arr_end(struct jw *w);
void jw__u64(struct jw *w, const char *key, uint64_t v);
void jw__s64(struct jw *w, const char *key, int64_t v);
void jw__f64(struct jw *w, const char *key, double v);
void jw__str(struct jw *w, const char *key, const char *v);
/* A string of at most maxlen bytes (fixed arrays such as comm). */
void jw__strn(struct jw *w, const char *key, const char *v, size_t maxlen);
void jw__bool(struct jw *w, const char *key, bool v);
void jw__null(struct jw *w, const char *key);
/* A number already in JSON's decimal form (integers wider than 64 bits). */
void jw__num(struct jw *w, const char *key, const char *digits);

#endif /* VIGIL_JSON_H */
