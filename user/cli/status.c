// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * status.c: the live status line of long jobs on a terminal's stderr (see status.h).
 */
#include "cli/status.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define STATUS_PERIOD_NS 1000000000ULL

/* The line on screen now, for status_line__interrupt(): there is one stderr. */
static struct status_line *shown;

void status_line__init(struct status_line *st, const char *cmd, const char *what,
		       status_count_fn count, void *ctx, uint64_t now)
{
	memset(st, 0, sizeof(*st));
	st->on = isatty(STDERR_FILENO);
	st->cmd = cmd;
	st->what = what;
	st->count = count;
	st->ctx = ctx;
	st->start_ns = now;
	st->next_ns = now + STATUS_PERIOD_NS;
}

void status_line__update(struct status_line *st, uint64_t now, uint64_t drops)
{
	uint64_t secs, records;
	char line[160];
	int n;

	if (!status_line__is_due(st, now))
		return;
	st->next_ns = now + STATUS_PERIOD_NS;
	secs = (now - st->start_ns) / STATUS_PERIOD_NS;
	records = st->count ? st->count(st->ctx) : 0;
	n = snprintf(line, sizeof(line), "vigil %s: %llu:%02llu:%02llu, %llu %s, %llu drops",
		     st->cmd, (unsigned long long)(secs / 3600),
		     (unsigned long long)(secs / 60 % 60), (unsigned long long)(secs % 60),
		     (unsigned long long)records, st->what, (unsigned long long)drops);
	if (n < 0)
		return;
	if (n >= (int)sizeof(line))
		n = (int)sizeof(line) - 1;
	/* pad over a longer previous line rather than send an erase sequence */
	fprintf(stderr, "\r%s%*s", line, st->width > n ? st->width - n : 0, "");
	fflush(stderr);
	if (n > st->width)
		st->width = n;
	shown = st;
}

void status_line__clear(struct status_line *st)
{
	if (!st || !st->on || !st->width)
		return;
	fprintf(stderr, "\r%*s\r", st->width, "");
	fflush(stderr);
	st->width = 0;
	if (shown == st)
		shown = NULL;
}

void status_line__interrupt(void)
{
	struct status_line *st = shown;

	if (!st)
		return;
	status_line__clear(st);
	st->next_ns = 0; /* redraw at the next chance, under the message */
}
