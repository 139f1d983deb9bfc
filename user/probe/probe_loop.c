// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_loop.c: the repeat loop every probe shares: --count, --interval and --timeout, the
 * wait between two runs (deadline-based on CLOCK_MONOTONIC, cut short by Ctrl-C), and the
 * closing summary: min/avg/max of the successful runs' durations and the loss, as ping ends.
 */
#include "probe/probe.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "cli/parse.h"
#include "core/stop.h"
#include "core/wallclock.h"
#include "export/sink.h"

void probe_loop__init(struct probe_loop *l)
{
	l->count = 1;
	l->interval_ns = PROBE_INTERVAL_DEF;
	l->timeout_ns = PROBE_TIMEOUT_DEF;
}

int probe_loop__set(struct probe_loop *l, int id, const char *arg)
{
	switch (id) {
	case PROBE_OPT_COUNT:
		return parse_u64(arg, 1, PROBE_COUNT_MAX, &l->count);
	case PROBE_OPT_INTERVAL:
		return parse_duration(arg, NSEC_PER_SEC, &l->interval_ns);
	case PROBE_OPT_TIMEOUT: {
		int err = parse_duration(arg, NSEC_PER_SEC, &l->timeout_ns);

		if (!err && !l->timeout_ns)
			return -EINVAL;
		/* a day is more than any probe needs, and keeps milliseconds in a long */
		if (!err && l->timeout_ns > 86400ULL * NSEC_PER_SEC)
			return -ERANGE;
		return err;
	}
	case PROBE_OPT_NO_KERNEL:
		l->no_kernel = true;
		return 0;
	default:
		return -ENOENT;
	}
}

bool probe_loop__wait(const struct probe_loop *l, uint64_t started_ns)
{
	uint64_t deadline = started_ns + l->interval_ns;

	while (!stop_is_requested()) {
		uint64_t now = mono_now_ns(), left;
		struct timespec ts;

		if (now >= deadline)
			return true;
		left = deadline - now;
		if (left > 100 * NSEC_PER_MSEC)
			left = 100 * NSEC_PER_MSEC; /* look at the stop flag ten times a second */
		ts.tv_sec = (time_t)(left / NSEC_PER_SEC);
		ts.tv_nsec = (long)(left % NSEC_PER_SEC);
		nanosleep(&ts, NULL);
	}
	return false;
}

void probe_stats__add(struct probe_stats *s, bool ok, uint64_t duration_ns)
{
	s->runs++;
	if (!ok)
		return;
	if (!s->ok || duration_ns < s->min_ns)
		s->min_ns = duration_ns;
	if (duration_ns > s->max_ns)
		s->max_ns = duration_ns;
	s->sum_ns += duration_ns;
	s->ok++;
}

void probe_fmt_ms(char *buf, size_t len, int64_t ns)
{
	snprintf(buf, len, "%.3f", (double)ns / 1e6);
}

void probe_fmt_ms_cell(char *buf, size_t len, int64_t ns)
{
	if (ns < 0)
		snprintf(buf, len, "-");
	else
		probe_fmt_ms(buf, len, ns);
}

void probe_fmt_unix(char *buf, size_t len, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void probe_stats__print(const struct probe_stats *s, const char *probe, const char *target,
			struct sink *table_sink)
{
	double loss = s->runs ? 100.0 * (double)(s->runs - s->ok) / (double)s->runs : 0;
	char line[512];
	int n;

	n = snprintf(line, sizeof(line), "--- %s %s: %llu runs, %llu ok, %.1f%% loss", probe,
		     target, (unsigned long long)s->runs, (unsigned long long)s->ok, loss);
	if (s->ok && n > 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n,
			 "; duration min/avg/max = %.3f/%.3f/%.3f ms", (double)s->min_ns / 1e6,
			 (double)s->sum_ns / (double)s->ok / 1e6, (double)s->max_ns / 1e6);
	if (table_sink)
		sink__printf(table_sink, "%s\n", line);
	else
		fprintf(stderr, "%s\n", line);
}
