/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * top_keys.h: what the keys of `vigil top` do, as top and htop users expect: P, M, T and N
 * sort by CPU, memory, CPU time and pid, F (or < and >) chooses the sort column, the arrows,
 * PgUp/PgDn, Home and End move the selected row, / types a name filter (Backspace edits,
 * Enter applies, Esc cancels), k sends a signal (it asks the pid, the selected row's by
 * default, then the signal, 15 by default, then y or n), ? or h shows the help, q quits.
 * vigil's own sort keys (c, r, a, d, w, i, t, l, s, p, n) still work. The state is a plain
 * struct the renderer draws from; keys are bytes in, so tests can feed them.
 */
#ifndef VIGIL_TOP_KEYS_H
#define VIGIL_TOP_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "view/top.h"

#define TOP_LINE_MAX 64

enum top_mode {
	TOPM_TABLE,
	TOPM_HELP,
	TOPM_FILTER,   /* typing the filter */
	TOPM_SORT,     /* choosing the sort column */
	TOPM_KILL_PID, /* typing the pid to signal */
	TOPM_KILL_SIG, /* typing the signal */
	TOPM_KILL_ASK, /* y or n */
};

struct top_view {
	enum top_col sort;
	enum top_mode mode;
	char filter[TOP_LINE_MAX];
	char edit[TOP_LINE_MAX]; /* the line being typed */
	size_t first, sel;	 /* first row shown, selected row: in the sorted rows */
	size_t nrows, page;	 /* rows in the frame and how many fit: from the renderer */
	/* the pid of the row at index i of the rows drawn, 0 if none: k's default */
	uint32_t (*pid_at)(void *ctx, size_t i);
	void *pid_ctx;
	int sort_pick; /* TOPM_SORT: index in top_col_order under the cursor */
	int kill_pid, kill_sig;
	char msg[96]; /* one line of news: what k did */
	bool quit;
};

void top_view__init(struct top_view *v, enum top_col sort, const char *filter);

/* Handle n bytes typed; true when the screen must be drawn again. */
bool top_keys__feed(struct top_view *v, const unsigned char *buf, size_t n);

/* Keep sel and first inside nrows rows with page rows shown. */
void top_view__clamp(struct top_view *v, size_t nrows, size_t page);

/* The help screen's lines, NULL-terminated. */
extern const char *const top_help_lines[];

#endif /* VIGIL_TOP_KEYS_H */
