// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * baseline_out.c: `vigil diff --baseline FILE DIR`: the saved baseline read back, DIR walked
 * again, and what changed written as a table (added / removed / modified, the path, and
 * which attributes changed, old -> new) or as a JSON list of {change, path, what, old, new}.
 * Exit status: 0 unchanged, 1 changed, 2 trouble (an unreadable or foreign baseline file, a
 * missing library, an entry that could not be read now).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "diff/baseline.h"
#include "diff/diff_cmd.h"
#include "diff/diff_dl.h"
#include "diff/diff_file.h"
#include "export/escape.h"
#include "export/json.h"
#include "export/output.h"

static const char *const change_names[] = { "added", "removed", "modified" };

struct bl_out {
	const struct diff_args *a;
	struct sink *s;
	struct jw w;
	size_t n;
};

/* The value of attribute what of e, as text. */
static void bl_value(const struct baseline_entry *e, const char *what, char *buf, size_t len)
{
	if (!strcmp(what, "content")) {
		for (int k = 0; k < 32 && len > 2 * (size_t)k + 2; k++)
			snprintf(buf + 2 * k, len - 2 * (size_t)k, "%02x", e->sha256[k]);
	} else if (!strcmp(what, "target")) {
		esc_str(buf, len, e->target ? e->target : "", SIZE_MAX);
	} else if (!strcmp(what, "type")) {
		snprintf(buf, len, "%s",
			 e->type == 'f'	  ? "file"
			 : e->type == 'd' ? "directory"
			 : e->type == 'l' ? "symlink"
					  : "other");
	} else if (!strcmp(what, "mode")) {
		snprintf(buf, len, "%04o", e->mode);
	} else if (!strcmp(what, "uid")) {
		snprintf(buf, len, "%u", e->uid);
	} else if (!strcmp(what, "gid")) {
		snprintf(buf, len, "%u", e->gid);
	} else if (!strcmp(what, "size")) {
		snprintf(buf, len, "%" PRIu64, e->size);
	} else {
		snprintf(buf, len, "%" PRId64 ".%09" PRId64, e->mtime_ns / 1000000000,
			 e->mtime_ns % 1000000000);
	}
}

static void bl_json_path(struct jw *w, const char *path)
{
	size_t plen = strlen(path);

	if (!esc_is_needed(path, plen)) {
		jw__str(w, "path", path);
		return;
	}
	char *esc = malloc(plen * ESC_MAX_PER_BYTE + 1), *hex = malloc(plen * 2 + 1);

	if (esc && hex) {
		esc_str(esc, plen * ESC_MAX_PER_BYTE + 1, path, plen);
		for (size_t i = 0; i < plen; i++)
			sprintf(hex + 2 * i, "%02x", (unsigned char)path[i]);
		jw__str(w, "path", esc);
		jw__str(w, "path_hex", hex);
	}
	free(esc);
	free(hex);
}

static int bl_change(void *ctx, const struct baseline_diff *d)
{
	struct bl_out *o = ctx;
	const struct baseline_entry *e = d->new ? d->new : d->old;
	char v1[1024], v2[1024];

	o->n++;
	if (o->a->fmt == DIFF_FMT_JSON) {
		jw__obj_begin(&o->w, NULL);
		jw__str(&o->w, "change", change_names[d->change]);
		bl_json_path(&o->w, e->path);
		jw__arr_begin(&o->w, "what");
		for (int i = 0; i < d->nwhat; i++)
			jw__str(&o->w, NULL, d->what[i]);
		jw__arr_end(&o->w);
		for (int side = 0; side < 2 && d->nwhat; side++) {
			jw__obj_begin(&o->w, side ? "new" : "old");
			for (int i = 0; i < d->nwhat; i++) {
				bl_value(side ? d->new : d->old, d->what[i], v1, sizeof(v1));
				jw__str(&o->w, d->what[i], v1);
			}
			jw__obj_end(&o->w);
		}
		jw__obj_end(&o->w);
		return 0;
	}
	sink__printf(o->s, "%-9s ", change_names[d->change]);
	esc_write(o->s, e->path, SIZE_MAX);
	for (int i = 0; i < d->nwhat; i++) {
		bl_value(d->old, d->what[i], v1, sizeof(v1));
		bl_value(d->new, d->what[i], v2, sizeof(v2));
		sink__printf(o->s, "%s%s: %s -> %s", i ? ", " : "  (", d->what[i], v1, v2);
	}
	sink__puts(o->s, d->nwhat ? ")\n" : "\n");
	return 0;
}

static int bl_load(const char *file, struct baseline *old)
{
	struct diff_buf buf;
	const char *why = NULL;
	int err;

	err = diff_file_read(AT_FDCWD, file, &buf);
	if (err) {
		cli_error(diff_cli_cmd(), "--baseline: %s: %s", file, strerror(-err));
		return err;
	}
	err = baseline__parse(old, buf.p, buf.len, &why);
	diff_buf__free(&buf);
	if (err)
		cli_error(diff_cli_cmd(), "--baseline: %s: %s", file, why);
	return err;
}

int diff_baseline_cmd(const struct diff_args *a, const struct cli_common *c, const char *dir)
{
	struct baseline old = { 0 }, now = { 0 };
	struct bl_out o = { .a = a };
	struct cli_common common = *c;
	struct output out;
	int err, rc = EXIT_USAGE;

	if (a->fmt_set && a->fmt != DIFF_FMT_TABLE && a->fmt != DIFF_FMT_JSON) {
		cli_error(diff_cli_cmd(),
			  "--format: invalid value '%s' with --baseline (accepts "
			  "table or json)",
			  a->fmt == DIFF_FMT_HTML ? "html" : "unified");
		return EXIT_USAGE;
	}
	if (bl_load(a->baseline, &old))
		return EXIT_USAGE;
	err = baseline__scan(&now, dir);
	if (err) {
		diff_report_err(dir, err);
		goto free_all;
	}
	common.format = FMT_TABLE;
	common.format_set = true;
	if (output__open(&out, diff_cli_cmd(), &common, FMT_TABLE, 0))
		goto free_all;
	o.s = out.sink;
	if (a->fmt == DIFF_FMT_JSON) {
		jw__init(&o.w, o.s, false);
		jw__arr_begin(&o.w, NULL);
	}
	baseline_compare(&old, &now, bl_change, &o);
	if (a->fmt == DIFF_FMT_JSON) {
		jw__arr_end(&o.w);
		sink__putc(o.s, '\n');
	}
	rc = o.n ? 1 : 0;
	if (now.nerr) {
		cli_error(diff_cli_cmd(), "%zu entries of %s could not be read now", now.nerr, dir);
		rc = EXIT_USAGE;
	}
	if (output__close(&out))
		rc = EXIT_USAGE;
free_all:
	baseline__free(&old);
	baseline__free(&now);
	return rc;
}
