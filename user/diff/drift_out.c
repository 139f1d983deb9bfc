// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * drift_out.c: `vigil diff BASE.json [OTHER.json]`: system drift between two `vigil snapshot`
 * files, or between one and the live system (a snapshot taken now, into memory, with only
 * `vigil snapshot`'s default process keys). The changes (drift.h) are written as a table, a
 * JSON list of {section, key, change, old, new}, unified text (a "@@ section @@" header, then
 * "-key = old" / "+key = new" lines) or a side-by-side HTML page. Exit status: 0 nothing
 * changed, 1 something did, 2 trouble (a file that is not a snapshot of this format, or not
 * whole).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "cli/commands.h"
#include "cli/snapshot.h"
#include "diff/diff_cmd.h"
#include "diff/diff_file.h"
#include "diff/diff_html.h"
#include "diff/drift.h"
#include "export/escape.h"
#include "export/json.h"
#include "export/output.h"

struct drift_out {
	const struct diff_args *a;
	struct sink *s;
	struct jw w;
	const char *last_section;
	size_t n;
};

static int drift_row(void *ctx, const struct drift_diff *d)
{
	struct drift_out *o = ctx;

	o->n++;
	switch (o->a->fmt) {
	case DIFF_FMT_JSON:
		jw__obj_begin(&o->w, NULL);
		jw__str(&o->w, "section", d->section);
		jw__str(&o->w, "key", d->key);
		jw__str(&o->w, "change", drift_change_names[d->change]);
		if (d->old)
			jw__str(&o->w, "old", d->old);
		else
			jw__null(&o->w, "old");
		if (d->new)
			jw__str(&o->w, "new", d->new);
		else
			jw__null(&o->w, "new");
		jw__obj_end(&o->w);
		break;
	case DIFF_FMT_UNIFIED:
		if (d->section != o->last_section)
			sink__printf(o->s, "@@ %s @@\n", d->section);
		for (int side = 0; side < 2; side++) {
			const char *v = side ? d->new : d->old;

			if (!v)
				continue;
			sink__putc(o->s, side ? '+' : '-');
			esc_write(o->s, d->key, SIZE_MAX);
			if (*v) {
				sink__puts(o->s, " = ");
				esc_write(o->s, v, SIZE_MAX);
			}
			sink__putc(o->s, '\n');
		}
		break;
	case DIFF_FMT_HTML:
		if (d->section != o->last_section) {
			sink__puts(o->s, "<tr><th class=\"diff_next\"></th><th colspan=\"2\" "
					 "class=\"diff_header\">");
			diff_html_text(o->s, d->section, strlen(d->section));
			sink__puts(o->s, "</th><th class=\"diff_next\"></th><th colspan=\"2\" "
					 "class=\"diff_header\"></th></tr>\n");
		}
		sink__puts(o->s, "<tr>");
		for (int side = 0; side < 2; side++) {
			const char *v = side ? d->new : d->old;
			const char *cls = d->change == DRIFT_CHANGED ? "diff_chg"
					  : side		     ? "diff_add"
								     : "diff_sub";

			sink__puts(o->s, "<td class=\"diff_next\"></td><td class=\"diff_header\">");
			sink__puts(o->s, "</td><td class=\"text\">");
			if (v) {
				sink__printf(o->s, "<span class=\"%s\">", cls);
				diff_html_text(o->s, d->key, strlen(d->key));
				if (*v) {
					sink__puts(o->s, " = ");
					diff_html_text(o->s, v, strlen(v));
				}
				sink__puts(o->s, "</span>");
			}
			sink__puts(o->s, "</td>");
		}
		sink__puts(o->s, "</tr>\n");
		break;
	default:
		sink__printf(o->s, "%-14s %-8s ", d->section, drift_change_names[d->change]);
		esc_write(o->s, d->key, SIZE_MAX);
		if (d->change == DRIFT_CHANGED) {
			sink__puts(o->s, "  ");
			esc_write(o->s, d->old, SIZE_MAX);
			sink__puts(o->s, " -> ");
			esc_write(o->s, d->new, SIZE_MAX);
		} else if (*(d->old ? d->old : d->new)) {
			sink__puts(o->s, "  ");
			esc_write(o->s, d->old ? d->old : d->new, SIZE_MAX);
		}
		sink__putc(o->s, '\n');
	}
	o->last_section = d->section;
	return 0;
}

/*
 * A snapshot of the live system, written to memory and read back as a file would be. Its
 * processes carry `vigil snapshot`'s default keys, so the two sides list the same processes
 * (a process whose keys cannot all be read is left out of both).
 */
static int drift_live(struct diff_buf *b)
{
	uint64_t attrs = snapshot_default_attrs();
	struct sink *s;
	struct jw w;
	off_t len;
	int fd, err = 0;

	fd = memfd_create("vigil-snapshot", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	s = sink__from_fd(fd);
	if (!s) {
		err = -ENOMEM;
		goto close_fd;
	}
	jw__init(&w, s, false);
	snapshot_write(&w, attrs);
	err = sink__close(s);
	if (err)
		goto close_fd;
	len = lseek(fd, 0, SEEK_END);
	if (len <= 0) {
		err = -EIO;
		goto close_fd;
	}
	b->p = malloc((size_t)len);
	b->len = (size_t)len;
	if (!b->p) {
		err = -ENOMEM;
		goto close_fd;
	}
	if (pread(fd, b->p, (size_t)len, 0) != len) {
		err = -EIO;
		diff_buf__free(b);
	}
close_fd:
	close(fd);
	return err;
}

/*
 * The snapshot at path whole, gunzipped when it is gzip'd (`snapshot -o FILE.gz`); zlib reads
 * a plain file as it is. 0, -errno, or -EFBIG past DIFF_FILE_MAX; -EINVAL with zlib's reason
 * in why for a corrupt gzip.
 */
static int snapshot_read(const char *path, struct diff_buf *b, char *why, size_t whylen)
{
	size_t cap = 1 << 16;
	gzFile g = gzopen(path, "rb");
	int n, err = 0;

	b->len = 0;
	b->p = g ? malloc(cap) : NULL;
	if (!b->p) {
		err = g ? -ENOMEM : -(errno ? errno : ENOMEM);
		goto out;
	}
	while ((n = gzread(g, b->p + b->len, (unsigned)(cap - b->len))) > 0) {
		char *np;

		b->len += (size_t)n;
		if (b->len < cap)
			continue;
		if (cap >= DIFF_FILE_MAX) {
			err = -EFBIG;
			goto out;
		}
		np = realloc(b->p, cap * 2);
		if (!np) {
			err = -ENOMEM;
			goto out;
		}
		b->p = np;
		cap *= 2;
	}
	if (n < 0) {
		const char *msg = gzerror(g, &n);
		size_t plen = strlen(path);

		/* zlib's message starts with the path, which the caller names already */
		if (!strncmp(msg, path, plen) && !strncmp(msg + plen, ": ", 2))
			msg += plen + 2;
		snprintf(why, whylen, "not a whole gzip file: %s", msg);
		err = -EINVAL;
	}
out:
	if (err)
		diff_buf__free(b);
	if (g)
		gzclose(g);
	return err;
}

static int drift_load_file(const char *path, struct drift_set *s, const struct drift_opts *o)
{
	struct diff_buf b;
	const char *why = "";
	char gzwhy[128];
	int err;

	err = snapshot_read(path, &b, gzwhy, sizeof(gzwhy));
	if (err) {
		cli_error(diff_cli_cmd(), "%s: %s", path, err == -EINVAL ? gzwhy : strerror(-err));
		return err;
	}
	err = drift_set__load(s, b.p, b.len, o, &why);
	diff_buf__free(&b);
	if (err)
		cli_error(diff_cli_cmd(), "%s: %s", path, why);
	return err;
}

bool diff_is_snapshot(const char *path)
{
	char head[256];
	gzFile g = gzopen(path, "rb"); /* a snapshot.json.gz too */
	int n;

	if (!g)
		return false;
	n = gzread(g, head, sizeof(head) - 1);
	gzclose(g);
	if (n <= 0)
		return false;
	head[n] = '\0';
	/* this format opens with its number; an older vigil's opened with time and source */
	return !strncmp(head, "{\"vigil_snapshot\":", 18) ||
	       (!strncmp(head, "{\"time\":", 8) && strstr(head, "\"source\":"));
}

int diff_drift_cmd(const struct diff_args *a, const struct cli_common *c, const char *base,
		   const char *other)
{
	struct drift_opts o = { .counters = a->counters, .threshold = a->threshold };
	struct drift_set old = { 0 }, new = { 0 };
	struct drift_out d = { .a = a };
	struct cli_common common = *c;
	struct output out;
	int rc = EXIT_USAGE;

	if (drift_load_file(base, &old, &o))
		return EXIT_USAGE;
	if (other) {
		if (drift_load_file(other, &new, &o))
			goto free_sets;
	} else {
		struct diff_buf live;
		const char *why = "";
		int err = drift_live(&live);

		if (!err) {
			err = drift_set__load(&new, live.p, live.len, &o, &why);
			diff_buf__free(&live);
		}
		if (err) {
			diff_report_err("the live system", err);
			goto free_sets;
		}
	}
	common.format = FMT_TABLE;
	common.format_set = true;
	if (output__open(&out, diff_cli_cmd(), &common, FMT_TABLE, 0))
		goto free_sets;
	d.s = out.sink;
	if (a->fmt == DIFF_FMT_JSON) {
		jw__init(&d.w, d.s, false);
		jw__arr_begin(&d.w, NULL);
	} else if (a->fmt == DIFF_FMT_UNIFIED) {
		sink__printf(d.s, "--- %s\n+++ %s\n", base, other ? other : "live system");
	} else if (a->fmt == DIFF_FMT_HTML) {
		diff_html_begin(d.s, "vigil diff: system drift");
		sink__puts(d.s, "<table class=\"diff\" cellspacing=\"0\" cellpadding=\"0\" "
				"rules=\"groups\">\n<thead><tr><th class=\"diff_next\"><br /></th>"
				"<th colspan=\"2\" class=\"diff_header\">");
		diff_html_text(d.s, base, strlen(base));
		sink__puts(d.s, "</th><th class=\"diff_next\"><br /></th><th colspan=\"2\" "
				"class=\"diff_header\">");
		diff_html_text(d.s, other ? other : "live system",
			       strlen(other ? other : "live system"));
		sink__puts(d.s, "</th></tr></thead>\n<tbody>\n");
	}
	rc = drift_compare(&old, &new, &o, drift_row, &d) ? EXIT_USAGE : 0;
	if (a->fmt == DIFF_FMT_JSON) {
		jw__arr_end(&d.w);
		sink__putc(d.s, '\n');
	} else if (a->fmt == DIFF_FMT_HTML) {
		sink__puts(d.s, "</tbody>\n</table>\n");
		diff_html_end(d.s);
	}
	if (!rc && d.n)
		rc = 1;
	if (output__close(&out))
		rc = EXIT_USAGE;
free_sets:
	drift_set__free(&old);
	drift_set__free(&new);
	return rc;
}
