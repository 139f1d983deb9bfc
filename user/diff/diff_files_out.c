// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * diff_files_out.c: `vigil diff --files`: the tree comparison of diff_tree.c written out, as a
 * table (one line per entry: filecmp's category, the path, and for funny entries why) or as a
 * JSON list of {category, path, left_type, right_type, error}, with the unified diff of each
 * differing file under --diff. "errors" holds the directories not walked: not listable, or
 * a symlink loop. Names are untrusted bytes: the table escapes them
 * (export/escape.h), JSON carries the same escaped text plus path_hex, the exact bytes, when
 * the name needed escaping. Exit status: 0 nothing differs, 1 something does, 2 when an
 * entry could not be compared (funny_files, a directory that could not be listed).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli/commands.h"
#include "diff/diff_cmd.h"
#include "diff/diff_file.h"
#include "diff/diff_text.h"
#include "diff/diff_tree.h"
#include "export/escape.h"
#include "export/json.h"
#include "export/output.h"

struct files_out {
	const struct diff_args *a;
	const char *left, *right;
	struct sink *s;
	struct jw w;
	int memfd; /* --diff with JSON: each diff is written here, then read back */
	size_t counts[TREE_NCATS];
	int err; /* the first failure of a --diff (a library, memory) */
};

static const char *files_type(const struct stat *st)
{
	if (!st)
		return NULL;
	switch (st->st_mode & S_IFMT) {
	case S_IFREG:
		return "file";
	case S_IFDIR:
		return "directory";
	case S_IFLNK:
		return "symlink";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "socket";
	case S_IFCHR:
		return "char device";
	case S_IFBLK:
		return "block device";
	}
	return "other";
}

/* The unified diff of a differing file to s. 0, or -errno when it could not be made. */
static int files_diff_one(struct files_out *o, struct sink *s, const struct tree_entry *e)
{
	char n1[PATH_MAX * 2], n2[PATH_MAX * 2], l1[PATH_MAX * 2 + 64], l2[PATH_MAX * 2 + 64];
	struct diff_buf b1, b2;
	int err;

	err = diff_file_read(e->ldir, e->name, &b1);
	if (err)
		return err;
	err = diff_file_read(e->rdir, e->name, &b2);
	if (err) {
		diff_buf__free(&b1);
		return err;
	}
	snprintf(n1, sizeof(n1), "%s/%s", o->left, e->path);
	snprintf(n2, sizeof(n2), "%s/%s", o->right, e->path);
	diff_file_label(l1, sizeof(l1), n1, e->lst);
	diff_file_label(l2, sizeof(l2), n2, e->rst);
	err = diff_text_unified(s, b1.p, b1.len, b2.p, b2.len, o->a->context, l1, l2, n1, n2);
	diff_buf__free(&b1);
	diff_buf__free(&b2);
	return err < 0 ? err : 0;
}

static void files_detail(const struct tree_entry *e, char *buf, size_t len)
{
	buf[0] = '\0';
	if (e->cat == TREE_ERROR || e->cat == TREE_DIR_ERROR)
		snprintf(buf, len, "%s: %s", e->why ? e->why : "error", strerror(e->err));
	else if (e->cat == TREE_FUNNY && e->err)
		snprintf(buf, len, "stat: %s", strerror(e->err));
	else if (e->cat == TREE_FUNNY)
		snprintf(buf, len, "%s / %s", files_type(e->lst), files_type(e->rst));
}

static bool files_is_listed(const struct files_out *o, enum tree_cat c)
{
	return o->a->same || (c != TREE_SAME && c != TREE_COMMON_DIR);
}

static int files_table(struct files_out *o, const struct tree_entry *e)
{
	char detail[256];

	files_detail(e, detail, sizeof(detail));
	sink__printf(o->s, "%-13s ", tree_cat_names[e->cat]);
	esc_write(o->s, e->path, SIZE_MAX);
	if (detail[0])
		sink__printf(o->s, "  (%s)", detail);
	sink__putc(o->s, '\n');
	if (e->cat == TREE_DIFF && o->a->with_diff) {
		int err = files_diff_one(o, o->s, e);

		if (err && !o->err)
			o->err = err;
	}
	return 0;
}

/* --diff into JSON: the diff goes to the memfd, then into the "diff" string. */
static void files_json_diff(struct files_out *o, const struct tree_entry *e)
{
	struct sink *ms;
	off_t len;
	char *buf;
	int err;

	if (o->memfd < 0 || ftruncate(o->memfd, 0) || lseek(o->memfd, 0, SEEK_SET)) {
		o->err = o->err ? o->err : -errno;
		return;
	}
	ms = sink__from_fd(o->memfd);
	if (!ms) {
		o->err = o->err ? o->err : -ENOMEM;
		return;
	}
	err = files_diff_one(o, ms, e);
	sink__close(ms);
	if (err) {
		o->err = o->err ? o->err : err;
		return;
	}
	len = lseek(o->memfd, 0, SEEK_CUR);
	buf = len > 0 ? malloc((size_t)len + 1) : NULL;
	if (buf && pread(o->memfd, buf, (size_t)len, 0) == len) {
		buf[len] = '\0';
		jw__strn(&o->w, "diff", buf, (size_t)len);
	}
	free(buf);
}

static int files_json(struct files_out *o, const struct tree_entry *e)
{
	size_t plen = strlen(e->path);
	char detail[256];

	jw__obj_begin(&o->w, NULL);
	jw__str(&o->w, "category", tree_cat_names[e->cat]);
	if (esc_is_needed(e->path, plen)) {
		char *esc = malloc(plen * ESC_MAX_PER_BYTE + 1), *hex = malloc(plen * 2 + 1);

		if (esc && hex) {
			esc_str(esc, plen * ESC_MAX_PER_BYTE + 1, e->path, plen);
			for (size_t i = 0; i < plen; i++)
				sprintf(hex + 2 * i, "%02x", (unsigned char)e->path[i]);
			jw__str(&o->w, "path", esc);
			jw__str(&o->w, "path_hex", hex);
		}
		free(esc);
		free(hex);
	} else {
		jw__str(&o->w, "path", e->path);
	}
	if (files_type(e->lst))
		jw__str(&o->w, "left_type", files_type(e->lst));
	if (files_type(e->rst))
		jw__str(&o->w, "right_type", files_type(e->rst));
	files_detail(e, detail, sizeof(detail));
	if (e->err || e->cat == TREE_ERROR || e->cat == TREE_DIR_ERROR)
		jw__str(&o->w, "error", detail);
	if (e->cat == TREE_DIFF && o->a->with_diff)
		files_json_diff(o, e);
	jw__obj_end(&o->w);
	return 0;
}

static int files_entry(void *ctx, const struct tree_entry *e)
{
	struct files_out *o = ctx;

	o->counts[e->cat]++;
	if (!files_is_listed(o, e->cat))
		return 0;
	if (o->a->fmt == DIFF_FMT_JSON)
		return files_json(o, e);
	return files_table(o, e);
}

int diff_files_cmd(const struct diff_args *a, const struct cli_common *c, const char *left,
		   const char *right)
{
	struct files_out o = { .a = a, .left = left, .right = right, .memfd = -1 };
	struct tree_opts to = { .deep = a->deep,
				.ignore = a->ignore ? a->ignore : TREE_IGNORE_DEFAULT };
	struct cli_common common = *c;
	struct output out;
	int err, rc;

	if (a->fmt_set && a->fmt != DIFF_FMT_TABLE && a->fmt != DIFF_FMT_JSON) {
		cli_error(diff_cli_cmd(),
			  "--format: invalid value '%s' with --files (accepts table "
			  "or json)",
			  a->fmt == DIFF_FMT_HTML ? "html" : "unified");
		return EXIT_USAGE;
	}
	common.format = FMT_TABLE;
	common.format_set = true;
	if (output__open(&out, diff_cli_cmd(), &common, FMT_TABLE, 0))
		return EXIT_USAGE;
	o.s = out.sink;
	if (a->fmt == DIFF_FMT_JSON) {
		if (a->with_diff)
			o.memfd = memfd_create("vigil-diff", MFD_CLOEXEC);
		jw__init(&o.w, o.s, false);
		jw__arr_begin(&o.w, NULL);
	}
	err = tree_compare(left, right, &to, files_entry, &o);
	if (a->fmt == DIFF_FMT_JSON) {
		jw__arr_end(&o.w);
		sink__putc(o.s, '\n');
	}
	if (o.memfd >= 0)
		close(o.memfd);
	rc = o.counts[TREE_LEFT_ONLY] || o.counts[TREE_RIGHT_ONLY] || o.counts[TREE_DIFF] ||
	     o.counts[TREE_FUNNY];
	if (err) {
		diff_report_err("--files", err);
		rc = EXIT_USAGE;
	} else if (o.counts[TREE_ERROR] || o.counts[TREE_DIR_ERROR]) {
		cli_error(diff_cli_cmd(),
			  "not compared: %zu files (funny_files), %zu directories "
			  "(errors)",
			  o.counts[TREE_ERROR], o.counts[TREE_DIR_ERROR]);
		rc = EXIT_USAGE;
	}
	if (o.err) {
		diff_report_err("--diff", o.err);
		rc = EXIT_USAGE;
	}
	if (output__close(&out))
		rc = EXIT_USAGE;
	return rc;
}
