/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * alert_expr.h: a rule's condition (docs/alerts.md), parsed once and evaluated each round:
 *
 *   expr     := selector OP number | rate(selector) OP number | absent(selector)
 *   selector := metric [ '{' label ('=' | '!=' | '=~' | '!~') "string" , ... '}' ]
 *   OP       := > >= < <= == !=
 *   number   := a decimal number with an optional unit: ns us ms s m h (time), % (percent),
 *               B KiB MiB GiB TiB KB MB GB TB (bytes), /s (per second)
 *
 * Regexes are POSIX extended and anchored at both ends, as Prometheus'. The unit must fit the
 * metric's (a bare number is in the metric's own unit: seconds, percent, bytes).
 */
#ifndef VIGIL_ALERT_EXPR_H
#define VIGIL_ALERT_EXPR_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "alert/alert_metrics.h"

#define ALERT_MAX_MATCHERS 8

enum alert_fn { ALERT_FN_NONE, ALERT_FN_RATE, ALERT_FN_ABSENT };
enum alert_op { ALERT_GT, ALERT_GE, ALERT_LT, ALERT_LE, ALERT_EQ, ALERT_NE };
enum alert_match { ALERT_M_EQ, ALERT_M_NE, ALERT_M_RE, ALERT_M_NRE };

struct alert_matcher {
	char name[32];
	enum alert_match op;
	char *value;
	regex_t re;
	bool has_re;
};

struct alert_expr {
	enum alert_fn fn;
	const struct alert_metric *metric;
	struct alert_matcher m[ALERT_MAX_MATCHERS];
	int nm;
	enum alert_op op;
	double threshold; /* in the metric's unit; NAN for absent() */
	const char *unit; /* the value's unit: the metric's, "/s" under rate() */
};

/*
 * Parse text into e. 0, or -EINVAL with *err_off the byte offset of the fault and why in
 * err; -ENOMEM. e is freed with alert_expr__fini whatever the outcome.
 */
int alert_expr__parse(struct alert_expr *e, const char *text, size_t *err_off, char *err,
		      size_t errlen);
void alert_expr__fini(struct alert_expr *e);

/* Whether series s passes every label matcher of e. */
bool alert_expr__matches(const struct alert_expr *e, const struct alert_series *s);

/* Whether v OP threshold holds. */
bool alert_expr__compare(const struct alert_expr *e, double v);

/* The label values fixed with `=` that a collector needs (probe_success's module, target). */
void alert_expr__fixed(const struct alert_expr *e, struct alert_fixed *f);

/* ">": for messages and text. */
const char *alert_op_name(enum alert_op op);

#endif /* VIGIL_ALERT_EXPR_H */
