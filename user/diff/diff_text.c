// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * diff_text.c: line diffs of two buffers through libgit2's patch API (git_patch_from_buffers:
 * git's xdiff, Myers with diff -u's hunk merging), walked into struct diff_hunk and
 * struct diff_line for the printers: the unified text here, the side-by-side HTML in
 * diff_html.c. The hunk headers are written from the hunk's numbers, without git's function
 * context, so they read as diff -u's. Equal buffers are found with memcmp and never load
 * libgit2.
 */
#include "diff/diff_text.h"

#include <errno.h>
#include <string.h>
#include <git2.h>

#include "core/log.h"
#include "diff/diff_dl.h"

static int diff_text_lines(git_patch *p, size_t h, size_t n, const struct diff_text_ops *ops,
			   void *ctx)
{
	for (size_t i = 0; i < n; i++) {
		const git_diff_line *gl;
		struct diff_line l;
		int err;

		if (git_patch_get_line_in_hunk(&gl, p, h, i))
			return -EIO;
		if (gl->origin != GIT_DIFF_LINE_CONTEXT && gl->origin != GIT_DIFF_LINE_ADDITION &&
		    gl->origin != GIT_DIFF_LINE_DELETION)
			continue; /* the "no newline" markers: no_eol says it */
		l.origin = gl->origin;
		l.old_no = gl->old_lineno;
		l.new_no = gl->new_lineno;
		l.text = gl->content;
		l.len = gl->content_len;
		l.no_eol = !l.len || l.text[l.len - 1] != '\n';
		if (!l.no_eol)
			l.len--;
		err = ops->line(ctx, &l);
		if (err)
			return err;
	}
	return 0;
}

int diff_text_walk(const void *a, size_t alen, const void *b, size_t blen, long context,
		   const struct diff_text_ops *ops, void *ctx)
{
	git_diff_options opts;
	const git_diff_delta *delta;
	git_patch *p = NULL;
	size_t nh;
	int err = DIFF_TEXT_DIFFER;

	if (alen == blen && (!alen || !memcmp(a, b, alen)))
		return DIFF_TEXT_SAME;
	if (context < 0 || context > DIFF_TEXT_ALL_CONTEXT)
		return -EINVAL;
	memset(&opts, 0, sizeof(opts));
	opts.version = GIT_DIFF_OPTIONS_VERSION; /* GIT_DIFF_OPTIONS_INIT's fields, spelt out */
	opts.context_lines = (uint32_t)context;
	opts.interhunk_lines = 0;
	if (git_patch_from_buffers(&p, a, alen, "a", b, blen, "b", &opts)) {
		const git_error *e = diff_dl_missing() ? NULL : git_error_last();

		if (diff_dl_missing())
			return -ENOSYS;
		pr_err("libgit2: %s", e && e->message ? e->message : "diff failed");
		return -EIO;
	}
	delta = git_patch_get_delta(p);
	if (delta && (delta->flags & GIT_DIFF_FLAG_BINARY)) {
		err = DIFF_TEXT_BINARY;
		goto free_patch;
	}
	nh = git_patch_num_hunks(p);
	for (size_t h = 0; ops && h < nh; h++) {
		const git_diff_hunk *gh;
		struct diff_hunk dh;
		size_t nl;
		int e;

		if (git_patch_get_hunk(&gh, &nl, p, h)) {
			err = -EIO;
			goto free_patch;
		}
		dh.old_start = gh->old_start;
		dh.old_lines = gh->old_lines;
		dh.new_start = gh->new_start;
		dh.new_lines = gh->new_lines;
		e = ops->hunk ? ops->hunk(ctx, &dh) : 0;
		if (!e && ops->line)
			e = diff_text_lines(p, h, nl, ops, ctx);
		if (e) {
			err = e;
			goto free_patch;
		}
	}
free_patch:
	git_patch_free(p);
	return err;
}

struct unified_ctx {
	struct sink *s;
	const char *label_a, *label_b;
	bool header_done;
};

/* diff -u's range: "start" for one line, "start,count" otherwise. */
static void unified_range(struct sink *s, char sign, long start, long count)
{
	if (count == 1)
		sink__printf(s, "%c%ld", sign, start);
	else
		sink__printf(s, "%c%ld,%ld", sign, start, count);
}

static int unified_hunk(void *ctx, const struct diff_hunk *h)
{
	struct unified_ctx *u = ctx;

	if (!u->header_done) {
		sink__printf(u->s, "--- %s\n+++ %s\n", u->label_a, u->label_b);
		u->header_done = true;
	}
	sink__puts(u->s, "@@ ");
	unified_range(u->s, '-', h->old_start, h->old_lines);
	sink__putc(u->s, ' ');
	unified_range(u->s, '+', h->new_start, h->new_lines);
	sink__puts(u->s, " @@\n");
	return 0;
}

static int unified_line(void *ctx, const struct diff_line *l)
{
	struct unified_ctx *u = ctx;

	sink__putc(u->s, l->origin);
	sink__write(u->s, l->text, l->len);
	sink__putc(u->s, '\n');
	if (l->no_eol)
		sink__puts(u->s, "\\ No newline at end of file\n");
	return 0;
}

int diff_text_unified(struct sink *s, const void *a, size_t alen, const void *b, size_t blen,
		      long context, const char *label_a, const char *label_b, const char *name_a,
		      const char *name_b)
{
	static const struct diff_text_ops ops = { .hunk = unified_hunk, .line = unified_line };
	struct unified_ctx u = { .s = s, .label_a = label_a, .label_b = label_b };
	int ret = diff_text_walk(a, alen, b, blen, context, &ops, &u);

	if (ret == DIFF_TEXT_BINARY)
		sink__printf(s, "Binary files %s and %s differ\n", name_a, name_b);
	return ret;
}
