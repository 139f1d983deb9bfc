/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * alert_metrics.h: the measurements a rule's expr may name, and how one evaluation reads
 * them. Each metric has a unit, a kind (gauge, counter, or a presence such as `process`) and
 * a collector that fills a set of series (labels and a value) from what serve collects: the
 * in-kernel histograms, the tcp_close counters (through struct alert_env, so tests can feed
 * their own) and the fallback library (disks, processes, CPU, memory). docs/alerts.md lists
 * them.
 */
#ifndef VIGIL_ALERT_METRICS_H
#define VIGIL_ALERT_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ALERT_MAX_LABELS 4 /* per series */
#define ALERT_LABEL_LEN	 128

enum alert_kind {
	ALERT_GAUGE,
	ALERT_COUNTER, /* only meaningful under rate() */
};

/* What serve hands the collectors that only it can read; a NULL callback: none. */
struct alert_env {
	/* the cumulative log2 histogram (usec slots) of `vigil hist NAME`; 0 or -ENOENT */
	int (*hist)(void *ctx, const char *name, uint64_t *slots, int nslots);
	/* a cumulative counter by name ("tcp_retransmits"); 0 or -ENOENT */
	int (*counter)(void *ctx, const char *name, double *v);
	/* probe target with probe module `module`: success 0 or 1; 0 or -errno */
	int (*probe)(void *ctx, const char *module, const char *target, double *success);
	/* a short host profile's flame graph SVG titled title, malloc'd, or NULL; a NULL hook
	 * leaves CPU alerts without one */
	char *(*flame)(void *ctx, const char *title);
	void *ctx;
};

struct alert_series {
	char key[ALERT_MAX_LABELS][32];
	char val[ALERT_MAX_LABELS][ALERT_LABEL_LEN];
	int nlabels;
	double v;
	char *records_csv; /* malloc'd or NULL: the records behind this series */
};

struct alert_series_set {
	struct alert_series *v;
	size_t n, cap;
};

struct alert_metric;
struct alert_collector;

/* The label values an expr fixed with `=` (probe_success needs its module and target). */
struct alert_fixed {
	const char *module, *target;
};

struct alert_metric {
	const char *name;
	const char *unit; /* "s", "%", "B" or "" */
	enum alert_kind kind;
	const char *labels; /* "mount, device, fstype", for docs and errors; "" none */
	const char *help;
	/* add this evaluation's series to out; state: the collector's memory for this metric */
	int (*collect)(struct alert_collector *c, const struct alert_fixed *fixed,
		       struct alert_series_set *out);
};

extern const struct alert_metric alert_metrics[];

/* The metric of that name, or NULL. */
const struct alert_metric *alert_metric__find(const char *name, size_t len);

/* Whether series s carries label key (so a matcher on it can ever match). */
bool alert_metric__has_label(const struct alert_metric *m, const char *key, size_t len);

/* State kept across evaluations (the previous histogram, the CPU sampler). NULL and errno. */
struct alert_collector *alert_collector__new(const struct alert_env *env);
void alert_collector__free(struct alert_collector *c);

/* A new evaluation starts: metrics are read at most once per round. */
void alert_collector__round(struct alert_collector *c);

/*
 * The series of m this round (read on first use, then shared by every rule), with fixed
 * label values for the metrics that need them. Borrowed until the next round.
 */
const struct alert_series_set *alert_collector__get(struct alert_collector *c,
						    const struct alert_metric *m,
						    const struct alert_fixed *fixed);

/* Append a series with labels "k", "v", ..., NULL. NULL on ENOMEM. */
struct alert_series *alert_series_set__add(struct alert_series_set *s, double v, ...);
void alert_series_set__clear(struct alert_series_set *s);

#endif /* VIGIL_ALERT_METRICS_H */
