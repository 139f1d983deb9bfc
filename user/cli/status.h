/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * status.h: the one line that shows a long job is alive. `trace -o`, `profile -o` and `hist`
 * without an interval write nothing to the terminal until they end; when stderr is a
 * terminal they keep one line there instead, redrawn in place (\r) at most once a second:
 * elapsed time, what was collected so far, and drops. status_line__clear() blanks it before
 * the final report. When stderr is not a terminal nothing is printed at all.
 */
#ifndef VIGIL_STATUS_H
#define VIGIL_STATUS_H

#include <stdbool.h>
#include <stdint.h>

/* What the line counts, read once a second (not per event): ctx is the caller's. */
typedef uint64_t (*status_count_fn)(void *ctx);

struct status_line {
	bool on;	  /* stderr is a terminal */
	const char *cmd;  /* "trace", ... */
	const char *what; /* "records", "stacks", "events" */
	status_count_fn count;
	void *ctx;
	uint64_t start_ns, next_ns;
	int width; /* of the line on screen, to blank it */
};

/* Start the clock at now (CLOCK_MONOTONIC ns); on only when stderr is a terminal. */
void status_line__init(struct status_line *st, const char *cmd, const char *what,
		       status_count_fn count, void *ctx, uint64_t now);

static inline bool status_line__is_due(const struct status_line *st, uint64_t now)
{
	return st && st->on && now >= st->next_ns;
}

/* Redraw, if a second has passed since the last time: count from the callback. */
void status_line__update(struct status_line *st, uint64_t now, uint64_t drops);

/* Blank the line (before anything else goes to stderr); NULL is fine. */
void status_line__clear(struct status_line *st);

/* Blank whichever line is on screen, for a message; the next update redraws it. */
void status_line__interrupt(void);

#endif /* VIGIL_STATUS_H */
