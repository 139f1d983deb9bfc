/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * alert_manager.h: rules evaluated into alerts, and alerts grouped into notifications, with
 * Prometheus' and Alertmanager's semantics (docs/alerts.md). Each evaluation moves every
 * (rule, series) through inactive -> pending (until `for` has held) -> firing -> resolved;
 * each dispatch flushes the groups whose group_wait or group_interval is up, and hands a
 * notification to every notifier when the group changed or repeat_interval has passed. Time
 * is passed in (unix seconds) so tests can drive it. Thread-safe: serve's HTTP thread reads
 * while the alert thread evaluates.
 */
#ifndef VIGIL_ALERT_MANAGER_H
#define VIGIL_ALERT_MANAGER_H

#include <stdint.h>

#include "alert/alert_metrics.h"
#include "alert/alert_rules.h"
#include "alert/notifier.h"
#include "prom/prom.h"

#define ALERT_WINDOW	   120	/* points kept per series, for charts */
#define ALERT_MAX_ALERTS   4096 /* (rule, series) pairs tracked; more are counted, not kept */
#define ALERT_RESOLVED_TTL 900	/* a resolved alert is listed this long (Prometheus: 15m) */

struct alert_manager;

/* Takes rules (freed with m). env: the measurements only serve has (may be NULL). */
struct alert_manager *alert_manager__new(struct alert_rules *rules, const struct alert_env *env);

/*
 * m owns n from now on: alert_manager__free() calls notifier__free(n), then free(n), so n
 * must come from malloc(). 0 or -ENOMEM.
 */
int alert_manager__add_notifier(struct alert_manager *m, struct notifier *n);

/* Evaluate every rule once at time now. */
void alert_manager__eval(struct alert_manager *m, double now);

/* Flush the groups that are due and tick the notifiers (their retries). */
void alert_manager__dispatch(struct alert_manager *m, double now);

/* Alertmanager's GET /api/v2/alerts answer (plus state and value), malloc'd; NULL on ENOMEM. */
char *alert_manager__json(struct alert_manager *m, double now);

/* vigil_alerts{alertname,state}, vigil_notifications_total{kind}, ..._failed_total{kind}. */
void alert_manager__write_prom(struct alert_manager *m, struct prom *p);

/* This host's name in notifications (default: gethostname()). */
void alert_manager__set_host(struct alert_manager *m, const char *host);

/* The external URL in payloads (serve's address), copied. */
void alert_manager__set_url(struct alert_manager *m, const char *url);

const struct alert_rules *alert_manager__rules(const struct alert_manager *m);

void alert_manager__free(struct alert_manager *m);

/* "2026-12-05T07:42:37.123Z" for unix seconds t (0: Go's zero time, as Alertmanager). */
void alert_time_rfc3339(double t, char *buf, size_t len);

#endif /* VIGIL_ALERT_MANAGER_H */
