/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * notifier.h: the contract between the alert manager (rules, states, grouping) and the ways
 * a notification leaves the host (e-mail, webhook). The manager builds a notification for a
 * group of alerts, as Alertmanager does, and hands it to every notifier. A notifier either
 * delivers it or keeps it durably (a spool on disk) and retries in notifier__tick; once
 * notifier__send returns 0 the manager never hands the same notification again. Strings and
 * arrays belong to the caller and live only for the call: a notifier copies what it keeps.
 */
#ifndef VIGIL_NOTIFIER_H
#define VIGIL_NOTIFIER_H

#include <stddef.h>
#include <stdint.h>

/* One point of the metric behind an alert: unix time in seconds, value in the expr's unit. */
struct alert_point {
	double t;
	double v;
};

/* One alert of a group. labels: NULL-terminated key, value, key, value... list. */
struct alert {
	const char *name;   /* the rule's name: the alertname label */
	const char *status; /* "firing" or "resolved" */
	const char *const *labels;
	const char *summary; /* the annotations, templates already expanded */
	const char *description;
	const char *expr;	 /* the rule's condition, as written */
	const char *fingerprint; /* stable id of (name, labels), hex */
	double value;		 /* the last value of the left-hand side */
	double threshold;	 /* the right-hand side; NAN when there is none (absent()) */
	const char *unit;	 /* "s", "%", "/s", "B" or "" */
	double starts_at;	 /* unix seconds */
	double ends_at;		 /* unix seconds; 0 while firing */
	const struct alert_point *series; /* the last window of the left-hand side, oldest first */
	size_t nseries;
	const char *records_csv; /* the records behind the alert as CSV, or NULL */
	const char *flame_svg;	 /* for CPU alerts: a short profile's flame graph, or NULL */
};

/* What Alertmanager calls a notification: one group of alerts, sent together. */
struct notification {
	const char *group_key;		 /* stable: the group_by labels' values */
	const char *status;		 /* "firing" when any alert fires, else "resolved" */
	const char *const *group_labels; /* NULL-terminated key, value... list */
	const struct alert *alerts;
	size_t nalerts;
	const char *host; /* this host's name, for subjects and titles */
};

struct notifier;

struct notifier_ops {
	const char *kind; /* "mail", "webhook": the metrics' label */
	/* 0: delivered, or queued durably to be retried. <0: refused for good (logged). */
	int (*send)(void *ctx, const struct notification *n);
	/* Retry what is queued whose backoff has expired. now: unix seconds. */
	void (*tick)(void *ctx, double now);
	void (*free)(void *ctx);
};

struct notifier {
	const struct notifier_ops *ops;
	void *ctx;
	uint64_t sent;	 /* accepted by the far end */
	uint64_t failed; /* vigil_notifications_failed_total{kind} */
};

static inline int notifier__send(struct notifier *n, const struct notification *msg)
{
	return n->ops->send(n->ctx, msg);
}

static inline void notifier__tick(struct notifier *n, double now)
{
	if (n->ops->tick)
		n->ops->tick(n->ctx, now);
}

static inline void notifier__free(struct notifier *n)
{
	if (n && n->ops->free)
		n->ops->free(n->ctx);
}

#endif /* VIGIL_NOTIFIER_H */
