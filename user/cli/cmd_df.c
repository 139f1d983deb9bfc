// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_df.c: `vigil df [-h] [-a] [-B SIZE] [-T] [PATH...]`: file system use from the fallback
 * library in df's columns (Filesystem 1K-blocks Used Available Use% Mounted on; -h: Size Used
 * Avail; -T adds Type). With PATHs, psutil's disk_usage of each path and the mount holding
 * it; without, the mounts df lists (view/df_select.c: no pseudo file systems, each device
 * once, tmpfs and overlay included) or with -a disk_partitions(all=True). Block counts and
 * Use% round up, as df. -f csv|json|ndjson gives rows in bytes with psutil's names.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/parse.h"
#include "core/log.h"
#include "export/escape.h"
#include "export/output.h"
#include "export/rows.h"
#include "fallback.h"
#include "view/df_select.h"

enum { OPT_HUMAN = CLI_COMMON_MAX, OPT_ALL, OPT_BLOCK, OPT_TYPE };

struct df_args {
	bool human, all, type;
	uint64_t bs;
	const char *bs_arg;
};

static const struct cli_opt df_opts[] = {
	{ "human-readable", 'h', NULL, OPT_HUMAN, NULL, "sizes in powers of 1024 (1K 234M 2G)" },
	{ "all", 'a', NULL, OPT_ALL, NULL,
	  "every mount, pseudo file systems and repeats too (all=True)" },
	{ "block-size", 'B', "SIZE", OPT_BLOCK, "a size such as 1, 4096, K, 1M or 1MB",
	  "count in blocks of SIZE (default 1K)" },
	{ "print-type", 'T', NULL, OPT_TYPE, NULL, "add the file system type" },
	CLI_OPT_FORMAT_TOOL,
	CLI_OPT_OUTPUT,
	CLI_OPT_END,
};

static int df_set(void *ctx, int id, const char *arg)
{
	struct df_args *a = ctx;

	switch (id) {
	case OPT_HUMAN:
		a->human = true;
		return 0;
	case OPT_ALL:
		a->all = true;
		return 0;
	case OPT_BLOCK:
		a->bs_arg = arg;
		a->human = false;
		return parse_block_size(arg, &a->bs);
	case OPT_TYPE:
		a->type = true;
		return 0;
	}
	return -EINVAL;
}

static const struct cli_cmd df_cmd = {
	.name = "df",
	.usage = "vigil df [-h] [-a] [-B SIZE] [-T] [PATH...]",
	.summary = "Show file system use, as df.",
	.details = "Use --help for help (-h means human-readable sizes, as in df).",
	.examples = "vigil df -h\n"
		    "vigil df -T /var\n"
		    "vigil df -f json",
	.opts = df_opts,
	.set = df_set,
};

struct df_row {
	char *cell[7]; /* Filesystem, Type, blocks, Used, Available, Use%, Mounted on */
};

#define DF_COLS 7

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

/* df -h: one decimal below 10, rounded up, as df. */
static void df_human(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	double x = (double)v;
	int i = -1;

	if (v < 1024) {
		snprintf(buf, len, "%llu", (unsigned long long)v);
		return;
	}
	while (x >= 1024 && units[i + 1]) {
		x /= 1024;
		i++;
	}
	if (x < 10) {
		double up = (double)(uint64_t)(x * 10);

		if (up < x * 10)
			up += 1;
		if (up >= 100)
			snprintf(buf, len, "%.0f%c", up / 10, units[i]);
		else
			snprintf(buf, len, "%.1f%c", up / 10, units[i]);
	} else {
		uint64_t n = (uint64_t)x + ((double)(uint64_t)x < x);

		if (n >= 1024 && units[i + 1])
			snprintf(buf, len, "1.0%c", units[i + 1]);
		else
			snprintf(buf, len, "%llu%c", (unsigned long long)n, units[i]);
	}
}

static void df_size(const struct df_args *a, uint64_t v, char *buf, size_t len)
{
	if (a->human)
		df_human(v, buf, len);
	else
		snprintf(buf, len, "%llu", (unsigned long long)ceil_div(v, a->bs));
}

static int df_row__fill(struct df_row *r, const struct df_args *a, const char *dev,
			const char *fstype, const char *mnt, const struct fb_disk_usage *u)
{
	char v[4][32], safe[3][PATH_MAX];
	uint64_t base = u->used + u->free;

	df_size(a, u->total, v[0], sizeof(v[0]));
	df_size(a, u->used, v[1], sizeof(v[1]));
	df_size(a, u->free, v[2], sizeof(v[2]));
	if (base)
		snprintf(v[3], sizeof(v[3]), "%llu%%",
			 (unsigned long long)ceil_div(u->used * 100, base));
	else
		snprintf(v[3], sizeof(v[3]), "-");
	/* names come from the mount table: escape what a terminal would act on */
	esc_buf(safe[0], sizeof(safe[0]), dev);
	esc_buf(safe[1], sizeof(safe[1]), fstype);
	esc_buf(safe[2], sizeof(safe[2]), mnt);
	r->cell[0] = strdup(safe[0]);
	r->cell[1] = strdup(safe[1]);
	r->cell[2] = strdup(v[0]);
	r->cell[3] = strdup(v[1]);
	r->cell[4] = strdup(v[2]);
	r->cell[5] = strdup(v[3]);
	r->cell[6] = strdup(safe[2]);
	for (int i = 0; i < DF_COLS; i++) {
		if (!r->cell[i])
			return -ENOMEM;
	}
	return 0;
}

static void df_row__free(struct df_row *r)
{
	for (int i = 0; i < DF_COLS; i++)
		free(r->cell[i]);
}

/* The mount holding path: the longest mount point that prefixes its real path (the last). */
static const struct fb_partition *df_mount_of(const struct fb_partitions *parts, const char *path)
{
	const struct fb_partition *best = NULL;
	char real[PATH_MAX];
	size_t best_len = 0;

	if (!realpath(path, real))
		return NULL;
	for (size_t i = 0; i < parts->n; i++) {
		const char *m = parts->v[i].mountpoint;
		size_t len = strlen(m);

		if (strncmp(real, m, len) ||
		    (real[len] != '/' && real[len] != '\0' && strcmp(m, "/")))
			continue;
		if (len >= best_len) {
			best = &parts->v[i];
			best_len = len;
		}
	}
	return best;
}

static void df_print(struct sink *s, const struct df_args *a, struct df_row *rows, size_t n)
{
	char blocks[64];
	const char *head[DF_COLS] = {
		"Filesystem", "Type",	   blocks, "Used", a->human ? "Avail" : "Available",
		"Use%",	      "Mounted on"
	};
	/* df's own minimum widths */
	static const int min_w[DF_COLS] = { 14, 4, 5, 5, 5, 4, 0 };
	int w[DF_COLS];

	if (a->human)
		snprintf(blocks, sizeof(blocks), "Size");
	else if (!a->bs_arg)
		snprintf(blocks, sizeof(blocks), "1K-blocks");
	else if (a->bs_arg[0] >= '0' && a->bs_arg[0] <= '9')
		snprintf(blocks, sizeof(blocks), "%s%s-blocks", a->bs_arg,
			 a->bs_arg[strlen(a->bs_arg) - 1] <= '9' ? "B" : "");
	else
		snprintf(blocks, sizeof(blocks), "1%s-blocks", a->bs_arg);
	for (int c = 0; c < DF_COLS; c++) {
		w[c] = (int)strlen(head[c]) > min_w[c] ? (int)strlen(head[c]) : min_w[c];
		for (size_t i = 0; i < n; i++)
			w[c] = (int)strlen(rows[i].cell[c]) > w[c] ? (int)strlen(rows[i].cell[c])
								   : w[c];
	}
	for (size_t i = 0; i <= n; i++) {
		const char *const *cell = i ? (const char *const *)rows[i - 1].cell : head;

		sink__printf(s, "%-*s", w[0], cell[0]);
		if (a->type)
			sink__printf(s, " %-*s", w[1], cell[1]);
		for (int c = 2; c < 6; c++)
			sink__printf(s, " %*s", w[c], cell[c]);
		sink__printf(s, " %s\n", cell[6]);
	}
}

/* Without -a: the indices of the mounts df would list, into *sel. 0 or -ENOMEM. */
static int df_choose(const struct fb_partitions *parts, size_t **sel, size_t *n)
{
	struct df_mount *m = calloc(parts->n ? parts->n : 1, sizeof(*m));

	*sel = calloc(parts->n ? parts->n : 1, sizeof(**sel));
	if (!m || !*sel) {
		free(m);
		free(*sel);
		*sel = NULL;
		return -ENOMEM;
	}
	for (size_t i = 0; i < parts->n; i++) {
		const struct fb_partition *pt = &parts->v[i];
		struct fb_disk_usage u;
		struct stat st;

		m[i] = (struct df_mount){ .device = pt->device,
					  .mountpoint = pt->mountpoint,
					  .fstype = pt->fstype };
		/* df stats neither dummy nor unreadable mounts; neither is listed */
		if (df_select__is_dummy(pt->fstype) || stat(pt->mountpoint, &st) ||
		    fb_disk_usage(pt->mountpoint, &u))
			continue;
		m[i].dev = (uint64_t)st.st_dev;
		m[i].total = u.total;
		m[i].ok = true;
	}
	*n = df_select__mounts(m, parts->n, *sel);
	free(m);
	return 0;
}

int cmd_df(int argc, char **argv)
{
	static const char *const keys[] = { "device", "fstype", "mountpoint", "total",
					    "used",   "free",	"percent",    NULL };
	struct df_args a = { .bs = 1024 };
	struct cli_common common = { 0 };
	struct fb_partitions parts = { 0 }, mounts = { 0 };
	struct df_row *rows = NULL;
	size_t nrows = 0, nwant, *sel = NULL, parts_shown = 0;
	struct output out;
	struct rows rw;
	int first, err, rc = 0;
	bool help;

	first = cli_parse(&df_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first < argc && a.all) {
		cli_error(&df_cmd, "--all does nothing with PATH arguments: drop one of them");
		return EXIT_USAGE;
	}
	log_set_level(common.verbose);
	err = fb_disk_partitions(true, &mounts);
	if (!err && first >= argc)
		err = fb_disk_partitions(true, &parts);
	if (!err && first >= argc)
		err = a.all ? 0 : df_choose(&parts, &sel, &parts_shown);
	else
		parts_shown = parts.n;
	if (err) {
		cli_error(&df_cmd, "cannot read the mount table: %s", strerror(-err));
		rc = 1;
		goto free_parts;
	}
	nwant = first < argc ? (size_t)(argc - first) : a.all ? parts.n : parts_shown;
	rows = calloc(nwant ? nwant : 1, sizeof(*rows));
	if (!rows) {
		rc = 1;
		goto free_parts;
	}
	if (output__open(&out, &df_cmd, &common, FMT_TABLE, 0)) {
		rc = 1;
		goto free_rows;
	}
	if (out.fmt != FMT_TABLE)
		rows__begin(&rw, &out, keys);
	for (size_t i = 0; i < nwant; i++) {
		const struct fb_partition *pt;
		const char *path;
		struct fb_disk_usage u;

		if (first < argc) {
			path = argv[first + (int)i];
			pt = df_mount_of(&mounts, path);
		} else {
			pt = &parts.v[sel ? sel[i] : i];
			path = pt->mountpoint;
		}
		err = fb_disk_usage(path, &u);
		if (err) {
			/* a mount we may not look into is left out, as df does */
			if (first < argc) {
				cli_error(&df_cmd, "%s: %s", path, strerror(-err));
				rc = 1;
			}
			continue;
		}
		if (out.fmt != FMT_TABLE) {
			rows__add(&rw,
				  (const struct rowv[]){ pt ? ROWV_S(pt->device) : ROWV_NONE,
							 pt ? ROWV_S(pt->fstype) : ROWV_NONE,
							 pt ? ROWV_S(pt->mountpoint) : ROWV_NONE,
							 ROWV_I(u.total), ROWV_I(u.used),
							 ROWV_I(u.free), ROWV_F(u.percent) });
			continue;
		}
		if (df_row__fill(&rows[nrows++], &a, pt ? pt->device : "-", pt ? pt->fstype : "-",
				 pt ? pt->mountpoint : "-", &u)) {
			cli_error(&df_cmd, "out of memory");
			rc = 1;
			break;
		}
	}
	if (out.fmt == FMT_TABLE && (nrows || first >= argc))
		df_print(out.sink, &a, rows, nrows);
	if (out.fmt != FMT_TABLE)
		rows__end(&rw);
	if (output__close(&out))
		rc = 1;
free_rows:
	for (size_t i = 0; i < nrows; i++)
		df_row__free(&rows[i]);
	free(rows);
free_parts:
	free(sel);
	fb_partitions_free(&parts);
	fb_partitions_free(&mounts);
	return rc;
}
