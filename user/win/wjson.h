/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * wjson.h (Windows): a tiny JSON writer over stdio for vigil.exe's commands (snapshot, ps, net,
 * sys, kill), which also build for Windows where the sink/zlib stack of the tracer is not carried.
 * It tracks commas and nesting, escapes strings, and writes an invalid value as null.
 */
#ifndef VIGIL_WJSON_H
#define VIGIL_WJSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define FJ_MAX_DEPTH 16

struct fj {
	FILE *f;
	int depth;
	bool has_items[FJ_MAX_DEPTH];
	char closer[FJ_MAX_DEPTH];
};

void fj__init(struct fj *j, FILE *f);
/* key is NULL inside arrays and at top level. */
void fj__obj(struct fj *j, const char *key);
void fj__arr(struct fj *j, const char *key);
/* Close the innermost object or array; a newline after the outermost. */
void fj__end(struct fj *j);
void fj__str(struct fj *j, const char *key, const char *v);
void fj__u64(struct fj *j, const char *key, uint64_t v);
void fj__s64(struct fj *j, const char *key, int64_t v);
void fj__f64(struct fj *j, const char *key, double v);
void fj__bool(struct fj *j, const char *key, bool v);
void fj__null(struct fj *j, const char *key);
/* v when ok, else null. */
void fj__u64_if(struct fj *j, const char *key, bool ok, uint64_t v);
void fj__f64_if(struct fj *j, const char *key, bool ok, double v);

#endif /* VIGIL_WJSON_H */
