// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_diff.c: `vigil diff`: what changed. Between two files, a unified diff (-U N) or
 * difflib's side-by-side HTML, from libgit2's diff (user/diff/diff_text.c); between two
 * trees (--files), filecmp.dircmp's categories, shallow (stat signature) or --deep
 * (content), with --diff adding each differing text file's unified diff. Exit status as
 * diff(1): 0 nothing differs, 1 something does, 2 trouble (an unreadable entry, a missing
 * library, a bad argument).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/parse.h"
#include "core/log.h"
#include "diff/diff_cmd.h"
#include "diff/diff_dl.h"
#include "diff/diff_file.h"
#include "diff/diff_html.h"
#include "diff/diff_text.h"
#include "diff/diff_tree.h"
#include "export/output.h"

enum {
	OPT_FMT = CLI_COMMON_MAX,
	OPT_UNIFIED,
	OPT_FILES,
	OPT_SHALLOW,
	OPT_DEEP,
	OPT_DIFF,
	OPT_SAME,
	OPT_IGNORE,
	OPT_BASELINE,
	OPT_INCLUDE,
	OPT_THRESHOLD,
};

static const char *const diff_fmt_names[] = { "table", "json", "unified", "html", NULL };

static const struct cli_opt diff_opts[] = {
	{ "format", 'f', "FMT", OPT_FMT, "table, json, unified or html",
	  "output format (two files: unified (default) or html; trees, baselines: table or json)" },
	CLI_OPT_OUTPUT,
	{ "unified", 'U', "N", OPT_UNIFIED, "a number of lines, 0 to 1000000",
	  "lines of context around each change (default 3; with -f html: only the changes)" },
	{ "files", 0, NULL, OPT_FILES, NULL, "compare two directory trees, as filecmp.dircmp" },
	{ "shallow", 0, NULL, OPT_SHALLOW, NULL,
	  "--files: equal type, size and mtime means identical (the default, as filecmp)" },
	{ "deep", 0, NULL, OPT_DEEP, NULL, "--files: compare the content of every common file" },
	{ "diff", 0, NULL, OPT_DIFF, NULL, "--files: add the unified diff of each differing file" },
	{ "same", 0, NULL, OPT_SAME, NULL,
	  "--files: list identical files and common directories too" },
	{ "ignore", 0, "NAMES", OPT_IGNORE, "names separated by commas; '' for none",
	  "--files: names to skip on both sides (default filecmp's: " TREE_IGNORE_DEFAULT ")" },
	{ "baseline", 0, "FILE", OPT_BASELINE, "a file written by 'vigil baseline save'",
	  "compare DIR with the baseline FILE: added, removed, modified" },
	{ "include", 0, "WHAT", OPT_INCLUDE, "counters",
	  "snapshots: compare counters too (CPU, memory, I/O, connection counts)" },
	{ "threshold", 0, "PCT", OPT_THRESHOLD, "a number of percentage points, 0 to 100",
	  "snapshots: report disk usage that moved by at least PCT points (default 5)" },
	CLI_OPT_END,
};

static int diff_set(void *ctx, int id, const char *arg)
{
	struct diff_args *a = ctx;
	uint64_t v;
	int r;

	switch (id) {
	case OPT_FMT:
		r = parse_choice(arg, diff_fmt_names);
		if (r < 0)
			return r;
		a->fmt = (enum diff_fmt)r;
		a->fmt_set = true;
		return 0;
	case OPT_UNIFIED:
		if (parse_u64(arg, 0, 1000000, &v))
			return -EINVAL;
		a->context = (long)v;
		a->context_set = true;
		return 0;
	case OPT_FILES:
		a->files = true;
		return 0;
	case OPT_SHALLOW:
		a->shallow = true;
		return 0;
	case OPT_DEEP:
		a->deep = true;
		return 0;
	case OPT_DIFF:
		a->with_diff = true;
		return 0;
	case OPT_SAME:
		a->same = true;
		return 0;
	case OPT_IGNORE:
		a->ignore = arg;
		return 0;
	case OPT_BASELINE:
		a->baseline = arg;
		return 0;
	case OPT_INCLUDE:
		if (strcmp(arg, "counters"))
			return -EINVAL;
		a->counters = true;
		a->include_set = true;
		return 0;
	case OPT_THRESHOLD:
		if (parse_u64(arg, 0, 100, &v))
			return -EINVAL;
		a->threshold = (double)v;
		a->threshold_set = true;
		return 0;
	}
	return -EINVAL;
}

static const struct cli_cmd diff_cmd = {
	.name = "diff",
	.usage = "vigil diff [-f table|json|unified|html] [--include counters] [--threshold PCT] "
		 "BASE.json [OTHER.json]\n"
		 "       vigil diff [-U N] [-f unified|html] FILE1 FILE2\n"
		 "       vigil diff --files [--shallow|--deep] [--diff] [--same] [--ignore NAMES]\n"
		 "                  [-f table|json] DIR1 DIR2\n"
		 "       vigil diff --baseline FILE [-f table|json] DIR",
	.summary = "Show what changed: the system since a snapshot, two files, two trees.",
	.details = "BASE.json is a 'vigil snapshot' file; alone, it is compared with the live\n"
		   "system. Exit status: 0 nothing differs, 1 something does, 2 trouble.\n"
		   "--files lists filecmp.dircmp's categories: left_only, right_only, diff_files,\n"
		   "common_funny (a file against a directory, or a dangling link), funny_files\n"
		   "(unreadable) and, with --same, same_files and common_dirs.",
	.examples = "vigil diff before.json after.json\n"
		    "vigil diff -f unified a.json b.json",
	.opts = diff_opts,
	.set = diff_set,
};

const struct cli_cmd *diff_cli_cmd(void)
{
	return &diff_cmd;
}

/* Say why a diff failed; -ENOSYS is a library diff_dl.c could not load (it said which). */
void diff_report_err(const char *what, int err)
{
	if (err == -ENOSYS)
		cli_error(&diff_cmd, "%s: needs %s, which could not be loaded", what,
			  diff_dl_missing() ? diff_dl_missing() : "a library");
	else
		cli_error(&diff_cmd, "%s: %s", what, strerror(-err));
}

static int diff_two_files(const struct diff_args *a, struct sink *s, const char *p1, const char *p2,
			  const struct stat *s1, const struct stat *s2)
{
	struct diff_buf b1, b2;
	char l1[8192], l2[8192];
	int err, ret;

	err = diff_file_read(AT_FDCWD, p1, &b1);
	if (err) {
		diff_report_err(p1, err);
		return EXIT_USAGE;
	}
	err = diff_file_read(AT_FDCWD, p2, &b2);
	if (err) {
		diff_report_err(p2, err);
		diff_buf__free(&b1);
		return EXIT_USAGE;
	}
	if (a->fmt == DIFF_FMT_HTML) {
		diff_html_begin(s, "vigil diff");
		ret = diff_html_table(s, b1.p, b1.len, b2.p, b2.len,
				      a->context_set ? a->context : -1, p1, p2);
		diff_html_end(s);
	} else {
		diff_file_label(l1, sizeof(l1), p1, s1);
		diff_file_label(l2, sizeof(l2), p2, s2);
		ret = diff_text_unified(s, b1.p, b1.len, b2.p, b2.len, a->context, l1, l2, p1, p2);
	}
	diff_buf__free(&b1);
	diff_buf__free(&b2);
	if (ret < 0) {
		diff_report_err("diff", ret);
		return EXIT_USAGE;
	}
	return ret == DIFF_TEXT_SAME ? 0 : 1;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_args a = { .context = 3 };
	struct cli_common common = { 0 };
	struct stat s1, s2;
	struct output out;
	int first, rc;
	bool help;

	first = cli_parse(&diff_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	log_set_level(common.verbose);
	if (!a.files && (a.shallow || a.deep || a.with_diff || a.same || a.ignore)) {
		cli_error(&diff_cmd, "--%s needs --files",
			  a.shallow	? "shallow"
			  : a.deep	? "deep"
			  : a.with_diff ? "diff"
			  : a.same	? "same"
					: "ignore");
		return EXIT_USAGE;
	}
	if (a.shallow && a.deep) {
		cli_error(&diff_cmd, "--shallow and --deep: give one of them");
		return EXIT_USAGE;
	}
	if (a.context_set && (a.baseline || (a.files && !a.with_diff))) {
		cli_error(&diff_cmd,
			  "--unified applies to file diffs (two files, or --files --diff)");
		return EXIT_USAGE;
	}
	if (a.baseline && a.files) {
		cli_error(&diff_cmd, "--baseline and --files: give one of them");
		return EXIT_USAGE;
	}
	if (a.baseline) {
		if (argc - first != 1) {
			cli_error(&diff_cmd, "--baseline FILE: needs one directory to check");
			return EXIT_USAGE;
		}
		return diff_baseline_cmd(&a, &common, argv[first]);
	}
	if ((a.include_set || a.threshold_set) &&
	    (a.files ||
	     (argc - first != 1 && !(argc - first == 2 && diff_is_snapshot(argv[first]))))) {
		cli_error(&diff_cmd, "--%s applies to snapshots only",
			  a.include_set ? "include" : "threshold");
		return EXIT_USAGE;
	}
	if (!a.threshold_set)
		a.threshold = 5;
	if (!a.files &&
	    (argc - first == 1 || (argc - first == 2 && diff_is_snapshot(argv[first])))) {
		if (argc - first == 1 && !diff_is_snapshot(argv[first])) {
			cli_error(&diff_cmd,
				  "%s: not a vigil snapshot (to compare two files, give both)",
				  argv[first]);
			return EXIT_USAGE;
		}
		if (a.context_set) {
			cli_error(&diff_cmd, "--unified applies to files, not snapshots");
			return EXIT_USAGE;
		}
		return diff_drift_cmd(&a, &common, argv[first],
				      argc - first == 2 ? argv[first + 1] : NULL);
	}
	if (argc - first != 2) {
		cli_error(&diff_cmd, "needs two paths to compare (see 'vigil diff --help')");
		return EXIT_USAGE;
	}
	if (stat(argv[first], &s1) || stat(argv[first + 1], &s2)) {
		cli_error(&diff_cmd, "%s: %s",
			  stat(argv[first], &s1) ? argv[first] : argv[first + 1], strerror(errno));
		return EXIT_USAGE;
	}
	if (a.files) {
		if (!S_ISDIR(s1.st_mode) || !S_ISDIR(s2.st_mode)) {
			cli_error(&diff_cmd, "--files: %s is not a directory",
				  S_ISDIR(s1.st_mode) ? argv[first + 1] : argv[first]);
			return EXIT_USAGE;
		}
		return diff_files_cmd(&a, &common, argv[first], argv[first + 1]);
	}
	if (S_ISDIR(s1.st_mode) || S_ISDIR(s2.st_mode)) {
		cli_error(&diff_cmd, "%s is a directory: compare directories with --files",
			  S_ISDIR(s1.st_mode) ? argv[first] : argv[first + 1]);
		return EXIT_USAGE;
	}
	if (!a.fmt_set)
		a.fmt = DIFF_FMT_UNIFIED;
	if (a.fmt != DIFF_FMT_UNIFIED && a.fmt != DIFF_FMT_HTML) {
		cli_error(&diff_cmd,
			  "--format: invalid value '%s' for two files (accepts unified or "
			  "html)",
			  diff_fmt_names[a.fmt]);
		return EXIT_USAGE;
	}
	common.format = FMT_TABLE;
	common.format_set = true;
	if (output__open(&out, &diff_cmd, &common, FMT_TABLE, 0))
		return EXIT_USAGE;
	rc = diff_two_files(&a, out.sink, argv[first], argv[first + 1], &s1, &s2);
	if (output__close(&out))
		rc = EXIT_USAGE;
	return rc;
}
