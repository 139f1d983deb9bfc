/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hist_print.h: a histogram drained from the kernel (core/hist.h), printed: runqlat's
 * layout ("usecs : count | distribution") for a table, exact bucket bounds for JSON and CSV.
 * A histogram without samples says so and gives no average or percentile.
 */
#ifndef VIGIL_HIST_PRINT_H
#define VIGIL_HIST_PRINT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cgroup_ids.h"
#include "core/hist.h"
#include "core/wallclock.h"
#include "export/export.h"
#include "export/json.h"
#include "export/sink.h"

struct hist_print {
	const struct hist_desc *desc;
	const char *unit; /* "usecs" or "msecs" */
	uint32_t per;	  /* enum vg_hist_per */
	uint64_t ts_ns;	  /* end of the interval, CLOCK_MONOTONIC */
	struct wallclock *clock;
	struct cgroup_ids *cgroups; /* --per cgroup: ids to paths (NULL: the id and a comm) */
};

/* One histogram in the chosen format; key/comm describe the section (ignored for global). */
void hist_print(struct sink *s, enum out_format fmt, const struct hist_print *p,
		const struct hist_entry *e);

/* runqlat's layout for a bare slot array. */
void hist_print_log2(struct sink *s, const uint32_t *slots, int nslots, const char *unit);

/*
 * A histogram as one JSON object of the summaries: unit, count, sum, avg, p50 and p99 (null
 * when it has no samples), and with buckets its non-empty log2 buckets as {lo, hi, count}.
 */
void hist_json_summary(struct jw *w, const char *key, const struct vg_hist *h, bool buckets);

#endif /* VIGIL_HIST_PRINT_H */
