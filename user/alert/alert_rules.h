/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * alert_rules.h: a rules file (docs/alerts.md), read with libyaml: Prometheus' alerting-rule
 * groups plus an Alertmanager-like `route:` that says how alerts are grouped and repeated.
 * Every fault is reported as FILE:LINE:COLUMN: what, and a file with any fault is refused
 * whole, so a typo never silently disables a rule.
 */
#ifndef VIGIL_ALERT_RULES_H
#define VIGIL_ALERT_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "alert/alert_expr.h"

struct alert_rule {
	char *name;  /* alert: */
	char *group; /* the group's name */
	char *expr_text;
	struct alert_expr expr;
	double for_s;
	char **labels;		     /* NULL-terminated key, value... */
	char *summary, *description; /* templates: {{ $labels.KEY }}, {{ $value }} */
};

struct alert_route {
	char *receiver;	 /* default "vigil" */
	char **group_by; /* NULL-terminated; ["..."]: every label */
	double group_wait, group_interval, repeat_interval;
	bool send_resolved;
};

struct alert_rules {
	struct alert_rule *v;
	size_t n;
	struct alert_route route;
};

/*
 * Parse text (len bytes, named path in messages). NULL and errno: EINVAL with every fault,
 * one "path:line:col: why" per line, in err; ENOMEM.
 */
struct alert_rules *alert_rules__parse(const char *path, const char *text, size_t len, char *err,
				       size_t errlen);

/* Read and parse the file at path; as alert_rules__parse (errors reading it too). */
struct alert_rules *alert_rules__load(const char *path, char *err, size_t errlen);

void alert_rules__free(struct alert_rules *r);

/*
 * Expand a summary or description template with the alert's labels (NULL-terminated key,
 * value...) and value. Unknown labels expand to "". malloc'd, or NULL on ENOMEM.
 */
char *alert_template__expand(const char *tmpl, const char *const *labels, double value);

/* Check a template: 0, or -EINVAL with the byte offset of the fault in *off. */
int alert_template__check(const char *tmpl, size_t *off, char *why, size_t whylen);

#endif /* VIGIL_ALERT_RULES_H */
