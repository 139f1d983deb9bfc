/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * diff_text.h: the line diff of two byte buffers, computed by libgit2 (git's xdiff, loaded on
 * first use), walked hunk by hunk and line by line, and printed as a unified diff that
 * patch(1) applies (diff -u's hunk syntax, "\ No newline at end of file" included). Binary
 * content (a NUL in the first 8000 bytes, git's rule) is detected and only reported.
 */
#ifndef VIGIL_DIFF_TEXT_H
#define VIGIL_DIFF_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "export/sink.h"

/* One hunk: diff -u's numbers (a count of 0 has start at the line before). */
struct diff_hunk {
	long old_start, old_lines, new_start, new_lines;
};

struct diff_line {
	char origin;	  /* ' ' context, '-' only in the old buffer, '+' only in the new one */
	long old_no;	  /* line number in the old buffer, or -1 */
	long new_no;	  /* line number in the new buffer, or -1 */
	const char *text; /* the line, without its newline; not NUL-terminated */
	size_t len;
	bool no_eol; /* the last line, with no newline after it */
};

struct diff_text_ops {
	/* Each returns 0 to go on, or a negative errno to stop the walk with. */
	int (*hunk)(void *ctx, const struct diff_hunk *h);
	int (*line)(void *ctx, const struct diff_line *l);
};

/* Walk's outcome. */
enum diff_text_result { DIFF_TEXT_SAME = 0, DIFF_TEXT_DIFFER, DIFF_TEXT_BINARY };

/* The largest context a caller may ask for (a whole-file view). */
#define DIFF_TEXT_ALL_CONTEXT (1L << 30)

/*
 * Diff a against b with context lines of context around each change, calling ops (may be
 * NULL) for each hunk and line. Returns a diff_text_result, or a negative errno (-ENOSYS:
 * libgit2 could not be loaded; -EIO: libgit2 failed, already said why).
 */
int diff_text_walk(const void *a, size_t alen, const void *b, size_t blen, long context,
		   const struct diff_text_ops *ops, void *ctx);

/*
 * The unified diff of a and b to s, under the header lines "--- label_a" and "+++ label_b"
 * (each label already holds its name and, as diff -u, a tab and the time), or "Binary files
 * name_a and name_b differ". Returns a diff_text_result or a negative errno.
 */
int diff_text_unified(struct sink *s, const void *a, size_t alen, const void *b, size_t blen,
		      long context, const char *label_a, const char *label_b, const char *name_a,
		      const char *name_b);

#endif /* VIGIL_DIFF_TEXT_H */
