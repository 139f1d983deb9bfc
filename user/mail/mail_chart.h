/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * mail_chart.h: the PNG charts of the mail, drawn by vigil with cairo (loaded on first use,
 * dl/cairo_dl.c): an alert's metric over its window with the threshold as a dashed line, and a
 * latency histogram as bars, both with a title and axes in human units, both of the size the
 * HTML states (MAIL_CHART_W x MAIL_CHART_H).
 */
#ifndef VIGIL_MAIL_CHART_H
#define VIGIL_MAIL_CHART_H

#include <stddef.h>
#include <stdint.h>

#include "alert/notifier.h"
#include "mail/mail_buf.h"

#define MAIL_CHART_W 640
#define MAIL_CHART_H 240

/*
 * A value in unit ("s", "%", "/s", "B" or "") as a person reads it: 0.0123 s is "12.3 ms",
 * 1536 B is "1.5 KiB".
 */
void mail_fmt_value(char *buf, size_t len, double v, const char *unit);

/*
 * The series (oldest first) as a line over time, threshold (NAN: none) dashed across, into
 * png. 0, or a negative errno after one message saying why (cairo missing, no memory).
 */
int mail_chart__series(const char *title, const struct alert_point *pts, size_t n, double threshold,
		       const char *unit, struct mail_buf *png);

/*
 * A log2 histogram of microseconds (slot i holds values in [2^i, 2^(i+1)), slot 0 [0, 1]) as
 * bars from the first to the last non-empty slot, into png. 0 or a negative errno.
 */
int mail_chart__hist(const char *title, const uint64_t *slots, int nslots, struct mail_buf *png);

#endif /* VIGIL_MAIL_CHART_H */
