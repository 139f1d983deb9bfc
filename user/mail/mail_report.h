/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * mail_report.h: `vigil report`'s content: a host report made from the main job's JSON
 * summary (what `vigil --format json` prints) and the mounted disks' use, as plain text (what
 * `vigil report` prints without --mail) and as a message: the text, an HTML version with the
 * latency histograms (run queue, on-CPU slices) as inline PNG charts, and the summary's JSON
 * attached.
 */
#ifndef VIGIL_MAIL_REPORT_H
#define VIGIL_MAIL_REPORT_H

#include <stddef.h>

#include "mail/mail_msg.h"

struct mail_report;

/* Read the main job's JSON summary (json, len bytes). NULL, after a message, if it is not one. */
struct mail_report *mail_report__new(const char *json, size_t len, const char *host, double now);
void mail_report__free(struct mail_report *r);

/* The report as text into b. 0 or -ENOMEM. */
int mail_report__text(struct mail_report *r, struct mail_buf *b);

/* The report as a message from from to to (charts when cairo is there). 0 or a negative errno. */
int mail_report__compose(struct mail_report *r, struct mail_msg *m, const char *from,
			 const char *to);

#endif /* VIGIL_MAIL_REPORT_H */
