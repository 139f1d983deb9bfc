/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * baseline.h: a file-integrity baseline, as AIDE keeps for /etc: every entry under a
 * directory (links not followed) with its type, mode, owner, size, mtime and, for regular
 * files, the SHA-256 of its content (OpenSSL's libcrypto, loaded on first use). Saved as
 * JSON, read back with jansson, and compared with the tree as it is now: added, removed,
 * and modified with the attributes that changed. A directory's own size and mtime are not
 * kept: they change whenever an entry is added or removed, which is reported already.
 */
#ifndef VIGIL_BASELINE_H
#define VIGIL_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "export/sink.h"

#define BASELINE_FORMAT 1 /* the "vigil_baseline" number this vigil reads and writes */

struct baseline_entry {
	char *path;    /* relative to the root; raw bytes */
	char *target;  /* a symlink's target, else NULL */
	char type;     /* 'f' file, 'd' directory, 'l' symlink, 'o' other */
	uint32_t mode; /* permission bits and setuid/setgid/sticky */
	uint32_t uid, gid;
	uint64_t size;
	int64_t mtime_ns;
	bool has_hash;
	unsigned char sha256[32];
	int err; /* a file whose content could not be read: its errno (no hash) */
};

struct baseline {
	struct baseline_entry *v; /* sorted by path, bytewise */
	size_t n, cap;
	size_t nerr; /* entries that could not be read or listed */
};

/* Walk root into b (empty on entry). 0 or -errno (root itself not a readable directory). */
int baseline__scan(struct baseline *b, const char *root);

/* Write b as JSON to s. */
void baseline__write(const struct baseline *b, struct sink *s, const char *root);

/*
 * Read a file written by baseline__write (len bytes at buf) into b. 0, or -EINVAL with why
 * (a static string: truncated JSON, another format, a bad field) in *why.
 */
int baseline__parse(struct baseline *b, const char *buf, size_t len, const char **why);

void baseline__free(struct baseline *b);

/* What changed for one path; what[] names the attributes ("content", "mode", ...). */
enum baseline_change { BASELINE_ADDED, BASELINE_REMOVED, BASELINE_MODIFIED };

#define BASELINE_MAX_WHAT 8

struct baseline_diff {
	enum baseline_change change;
	const struct baseline_entry *old, *new; /* NULL on the side that lacks it */
	const char *what[BASELINE_MAX_WHAT];
	int nwhat;
};

typedef int (*baseline_cb)(void *ctx, const struct baseline_diff *d);

/* Compare old with new, calling cb per change in path order. 0 or cb's error. */
int baseline_compare(const struct baseline *old, const struct baseline *new, baseline_cb cb,
		     void *ctx);

/* Percent-encode path for the file (bytes outside printable ASCII, '%', '"', '\\'). */
void baseline_path_encode(struct sink *s, const char *path);

/* Decode a path written by baseline_path_encode into a new string; NULL if malformed. */
char *baseline_path_decode(const char *enc, size_t len);

#endif /* VIGIL_BASELINE_H */
