/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * rows.h: the machine formats (csv, json, ndjson) of the Unix-tool commands (free, df,
 * taskset, prlimit...), whose table format is the tool's own text printed by the command.
 * A command names its columns once (CSV header = JSON keys) and hands over one row of typed
 * values at a time; a value may be null (CSV: empty, JSON: null).
 */
#ifndef VIGIL_ROWS_H
#define VIGIL_ROWS_H

#include <stdbool.h>
#include <stdint.h>

#include "export/json.h"
#include "export/output.h"

enum rowv_type { ROWV_NULL = 0, ROWV_STR, ROWV_S64, ROWV_F64, ROWV_BOOL };

struct rowv {
	enum rowv_type type;
	const char *s;
	int64_t i;
	double f;
};

#define ROWV_S(v) ((struct rowv){ .type = ROWV_STR, .s = (v) })
#define ROWV_I(v) ((struct rowv){ .type = ROWV_S64, .i = (int64_t)(v) })
#define ROWV_F(v) ((struct rowv){ .type = ROWV_F64, .f = (v) })
#define ROWV_B(v) ((struct rowv){ .type = ROWV_BOOL, .i = (v) ? 1 : 0 })
#define ROWV_NONE ((struct rowv){ .type = ROWV_NULL })

struct rows {
	struct output *o;
	const char *const *keys; /* NULL-terminated */
	struct jw w;
};

/* Start the document on o (not for FMT_TABLE); keys name the columns, in order. */
void rows__begin(struct rows *r, struct output *o, const char *const *keys);
/* One row: v holds one value per key. */
void rows__add(struct rows *r, const struct rowv *v);
/* End the document (JSON's closing bracket). */
void rows__end(struct rows *r);

#endif /* VIGIL_ROWS_H */
