/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * diff_cmd.h: what `vigil diff`'s modes share: its parsed flags, its output formats, and the
 * modes that live in user/diff/ (the tree comparison's output, the baseline check), called
 * by user/cli/cmd_diff.c once it knows which one was asked for.
 */
#ifndef VIGIL_DIFF_CMD_H
#define VIGIL_DIFF_CMD_H

#include <stdbool.h>

#include "cli/cli.h"

enum diff_fmt { DIFF_FMT_TABLE, DIFF_FMT_JSON, DIFF_FMT_UNIFIED, DIFF_FMT_HTML };

struct diff_args {
	enum diff_fmt fmt;
	bool fmt_set;
	long context; /* -U */
	bool context_set;
	bool files, shallow, deep, with_diff, same;
	const char *baseline; /* --baseline FILE */
	const char *ignore;   /* --ignore NAMES; NULL: filecmp's DEFAULT_IGNORES */
	bool counters;	      /* --include counters */
	bool include_set, threshold_set;
	double threshold; /* --threshold: disk usage, percentage points */
};

/* The command, for cli_error(). */
const struct cli_cmd *diff_cli_cmd(void);

/* Say on stderr why what failed (-ENOSYS: a library could not be loaded). */
void diff_report_err(const char *what, int err);

/* `vigil diff --files LEFT RIGHT`: the exit status (0 same, 1 different, 2 trouble). */
int diff_files_cmd(const struct diff_args *a, const struct cli_common *c, const char *left,
		   const char *right);

/* `vigil diff --baseline FILE DIR`: the exit status (0 unchanged, 1 changed, 2 trouble). */
int diff_baseline_cmd(const struct diff_args *a, const struct cli_common *c, const char *dir);

/* Whether the file at path is a `vigil snapshot` document (of any vigil version). */
bool diff_is_snapshot(const char *path);

/* `vigil diff BASE.json [OTHER.json]` (other NULL: the live system): the exit status. */
int diff_drift_cmd(const struct diff_args *a, const struct cli_common *c, const char *base,
		   const char *other);

#endif /* VIGIL_DIFF_CMD_H */
