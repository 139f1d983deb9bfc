// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * alert_metrics.c: the table of metrics a rule may name (alert_metrics.h) and their
 * collectors. Latency percentiles come from the growth of serve's in-kernel histograms since
 * the previous evaluation, so runq_p99 is the p99 of the last eval interval, not of all
 * time; counters are handed over cumulative and rate() makes them per second. Each metric is
 * read at most once per evaluation round, whatever number of rules name it.
 */
#include "alert/alert_metrics.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hist.h"
#include "fallback.h"

#define ALERT_HIST_SLOTS VG_HIST_SLOTS
#define ALERT_CACHE	 32

struct alert_hist_state {
	const char *name;
	uint64_t last[ALERT_HIST_SLOTS];
	uint64_t delta[ALERT_HIST_SLOTS];
	bool have_last;
	int round; /* the round delta belongs to */
	int err;
};

struct alert_collector {
	struct alert_env env;
	int round;
	struct alert_hist_state hists[2]; /* runq, blkio */
	struct fb_cpu_sampler *cpu;
	struct alert_cache {
		const struct alert_metric *m;
		char module[ALERT_LABEL_LEN], target[ALERT_LABEL_LEN];
		int round;
		struct alert_series_set set;
	} cache[ALERT_CACHE];
	int ncache;
};

struct alert_series *alert_series_set__add(struct alert_series_set *s, double v, ...)
{
	struct alert_series *e;
	const char *k;
	va_list ap;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct alert_series *nv = reallocarray(s->v, cap, sizeof(*nv));

		if (!nv)
			return NULL;
		s->v = nv;
		s->cap = cap;
	}
	e = &s->v[s->n++];
	memset(e, 0, sizeof(*e));
	e->v = v;
	va_start(ap, v);
	while ((k = va_arg(ap, const char *)) && e->nlabels < ALERT_MAX_LABELS) {
		const char *val = va_arg(ap, const char *);

		snprintf(e->key[e->nlabels], sizeof(e->key[0]), "%s", k);
		snprintf(e->val[e->nlabels], sizeof(e->val[0]), "%s", val ? val : "");
		e->nlabels++;
	}
	va_end(ap);
	return e;
}

void alert_series_set__clear(struct alert_series_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].records_csv);
	s->n = 0;
}

/* The histogram's growth this round, in usec slots; NULL when serve has no such histogram. */
static const uint64_t *collector__hist(struct alert_collector *c, const char *name)
{
	struct alert_hist_state *h = &c->hists[strcmp(name, "runq") ? 1 : 0];
	uint64_t now[ALERT_HIST_SLOTS];

	if (h->round == c->round)
		return h->err ? NULL : h->delta;
	h->round = c->round;
	h->err = c->env.hist ? c->env.hist(c->env.ctx, name, now, ALERT_HIST_SLOTS) : -ENOENT;
	if (h->err)
		return NULL;
	for (int i = 0; i < ALERT_HIST_SLOTS; i++) {
		h->delta[i] = h->have_last && now[i] >= h->last[i] ? now[i] - h->last[i] : 0;
		h->last[i] = now[i];
	}
	h->have_last = true;
	return h->delta;
}

/* The upper bound, in seconds, of the slot holding quantile q of usec slots; 0 if empty. */
static double slots_quantile(const uint64_t *slots, double q)
{
	uint64_t total = 0, seen = 0, rank, lo, hi;

	for (int i = 0; i < ALERT_HIST_SLOTS; i++)
		total += slots[i];
	if (!total)
		return 0;
	rank = (uint64_t)(q * (double)total + 0.999999);
	if (!rank)
		rank = 1;
	if (rank > total)
		rank = total;
	for (int i = 0; i < ALERT_HIST_SLOTS; i++) {
		seen += slots[i];
		if (seen >= rank) {
			hist_slot_bounds(i, &lo, &hi);
			return (double)hi * 1e-6;
		}
	}
	return 0;
}

static int hist_quantile(struct alert_collector *c, const char *hist, double q,
			 struct alert_series_set *out)
{
	const uint64_t *d = collector__hist(c, hist);

	if (!d)
		return 0;
	return alert_series_set__add(out, slots_quantile(d, q), NULL) ? 0 : -ENOMEM;
}

#define HIST_COLLECTOR(fn, hist, q)                                                                \
	static int fn(struct alert_collector *c, const struct alert_fixed *f,                      \
		      struct alert_series_set *out)                                                \
	{                                                                                          \
		(void)f;                                                                           \
		return hist_quantile(c, hist, q, out);                                             \
	}

HIST_COLLECTOR(runq_p50, "runq", 0.50)
HIST_COLLECTOR(runq_p90, "runq", 0.90)
HIST_COLLECTOR(runq_p99, "runq", 0.99)
HIST_COLLECTOR(runq_max, "runq", 1.0)
HIST_COLLECTOR(blkio_p50, "blkio", 0.50)
HIST_COLLECTOR(blkio_p99, "blkio", 0.99)
HIST_COLLECTOR(blkio_max, "blkio", 1.0)

static int tcp_retransmits(struct alert_collector *c, const struct alert_fixed *f,
			   struct alert_series_set *out)
{
	double v;

	(void)f;
	if (!c->env.counter || c->env.counter(c->env.ctx, "tcp_retransmits", &v))
		return 0;
	return alert_series_set__add(out, v, NULL) ? 0 : -ENOMEM;
}

static int cpu_percent(struct alert_collector *c, const struct alert_fixed *f,
		       struct alert_series_set *out)
{
	double v;

	(void)f;
	if (!c->cpu || fb_cpu_percent(c->cpu, 0, &v))
		return 0;
	return alert_series_set__add(out, v, NULL) ? 0 : -ENOMEM;
}

static int memory_used_percent(struct alert_collector *c, const struct alert_fixed *f,
			       struct alert_series_set *out)
{
	struct fb_vmem vm;

	(void)c;
	(void)f;
	if (fb_virtual_memory(&vm) || !(vm.valid & FB_VMEM_PERCENT))
		return 0;
	return alert_series_set__add(out, vm.percent, NULL) ? 0 : -ENOMEM;
}

static int load1(struct alert_collector *c, const struct alert_fixed *f,
		 struct alert_series_set *out)
{
	double l[3];

	(void)c;
	(void)f;
	if (getloadavg(l, 3) < 1)
		return 0;
	return alert_series_set__add(out, l[0], NULL) ? 0 : -ENOMEM;
}

/* One series per mounted file system (the first mount of a mount point wins), with its CSV. */
static int disks(struct alert_collector *c, bool free_bytes, struct alert_series_set *out)
{
	struct fb_partitions parts = { 0 };
	int err = 0;

	(void)c;
	if (fb_disk_partitions(false, &parts))
		return 0;
	for (size_t i = 0; i < parts.n && !err; i++) {
		const struct fb_partition *p = &parts.v[i];
		struct fb_disk_usage u;
		struct alert_series *s;
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(parts.v[j].mountpoint, p->mountpoint);
		if (seen || fb_disk_usage(p->mountpoint, &u) || !u.total)
			continue;
		s = alert_series_set__add(out, free_bytes ? (double)u.free : u.percent, "mount",
					  p->mountpoint, "device", p->device, "fstype", p->fstype,
					  NULL);
		if (!s) {
			err = -ENOMEM;
			break;
		}
		if (asprintf(&s->records_csv,
			     "mount,device,fstype,total_bytes,used_bytes,free_bytes,used_percent\n"
			     "\"%s\",\"%s\",%s,%llu,%llu,%llu,%.1f\n",
			     p->mountpoint, p->device, p->fstype, (unsigned long long)u.total,
			     (unsigned long long)u.used, (unsigned long long)u.free, u.percent) < 0)
			s->records_csv = NULL;
	}
	fb_partitions_free(&parts);
	return err;
}

static int disk_used_percent(struct alert_collector *c, const struct alert_fixed *f,
			     struct alert_series_set *out)
{
	(void)f;
	return disks(c, false, out);
}

static int disk_free_bytes(struct alert_collector *c, const struct alert_fixed *f,
			   struct alert_series_set *out)
{
	(void)f;
	return disks(c, true, out);
}

/* Append a CSV row to *csv (grown with realloc); false on ENOMEM. */
static bool csv_append(char **csv, size_t *len, const char *row)
{
	size_t n = strlen(row);
	char *nv = realloc(*csv, *len + n + 1);

	if (!nv)
		return false;
	memcpy(nv + *len, row, n + 1);
	*csv = nv;
	*len += n;
	return true;
}

/* One series per process name: how many processes have it, with their pids as CSV. */
static int process(struct alert_collector *c, const struct alert_fixed *f,
		   struct alert_series_set *out)
{
	struct fb_proc_iter *it = fb_proc_iter__new(FB_PI_NAME | FB_PI_STATUS | FB_PI_PPID);
	const struct fb_proc_info *pi;
	int err = 0;

	(void)c;
	(void)f;
	if (!it)
		return 0;
	while (!err && (pi = fb_proc_iter__next(it))) {
		struct alert_series *s = NULL;
		size_t len;
		char row[160];

		if (!(pi->valid & FB_PI_NAME) || !pi->name[0])
			continue;
		for (size_t i = 0; i < out->n && !s; i++)
			if (!strcmp(out->v[i].val[0], pi->name))
				s = &out->v[i];
		if (!s) {
			s = alert_series_set__add(out, 0, "name", pi->name, NULL);
			if (!s || !csv_append(&s->records_csv, &(size_t){ 0 },
					      "pid,ppid,name,status\n")) {
				err = -ENOMEM;
				break;
			}
		}
		s->v += 1;
		/* the name is the series' own label: quote it for CSV */
		snprintf(row, sizeof(row), "%d,%d,\"%s\",%s\n", (int)pi->pid, (int)pi->ppid,
			 pi->name, fb_status_name(pi->status));
		len = strlen(s->records_csv);
		if (!csv_append(&s->records_csv, &len, row))
			err = -ENOMEM;
	}
	fb_proc_iter__free(it);
	return err;
}

static int probe_success(struct alert_collector *c, const struct alert_fixed *f,
			 struct alert_series_set *out)
{
	double ok;

	if (!c->env.probe || !f->module || !f->target ||
	    c->env.probe(c->env.ctx, f->module, f->target, &ok))
		return 0;
	return alert_series_set__add(out, ok, "module", f->module, "target", f->target, NULL)
		       ? 0
		       : -ENOMEM;
}

const struct alert_metric alert_metrics[] = {
	{ "runq_p50", "s", ALERT_GAUGE, "", "run-queue latency, median of the eval interval",
	  runq_p50 },
	{ "runq_p90", "s", ALERT_GAUGE, "", "run-queue latency, 90th percentile", runq_p90 },
	{ "runq_p99", "s", ALERT_GAUGE, "", "run-queue latency, 99th percentile", runq_p99 },
	{ "runq_max", "s", ALERT_GAUGE, "", "run-queue latency, the largest", runq_max },
	{ "blkio_p50", "s", ALERT_GAUGE, "", "block I/O latency, median", blkio_p50 },
	{ "blkio_p99", "s", ALERT_GAUGE, "", "block I/O latency, 99th percentile", blkio_p99 },
	{ "blkio_max", "s", ALERT_GAUGE, "", "block I/O latency, the largest", blkio_max },
	{ "tcp_retransmits", "", ALERT_COUNTER, "",
	  "retransmitted segments of closed TCP connections", tcp_retransmits },
	{ "cpu_percent", "%", ALERT_GAUGE, "", "CPU busy, all CPUs", cpu_percent },
	{ "memory_used_percent", "%", ALERT_GAUGE, "", "memory in use (psutil's percent)",
	  memory_used_percent },
	{ "load1", "", ALERT_GAUGE, "", "the 1-minute load average", load1 },
	{ "disk_used_percent", "%", ALERT_GAUGE, "mount, device, fstype",
	  "space used of a mounted file system, as df", disk_used_percent },
	{ "disk_free_bytes", "B", ALERT_GAUGE, "mount, device, fstype",
	  "space free of a mounted file system", disk_free_bytes },
	{ "process", "", ALERT_GAUGE, "name", "processes running with that name", process },
	{ "probe_success", "", ALERT_GAUGE, "module, target",
	  "1 if a probe with a --probe.config module succeeded, else 0", probe_success },
	{ NULL, NULL, ALERT_GAUGE, NULL, NULL, NULL },
};

const struct alert_metric *alert_metric__find(const char *name, size_t len)
{
	for (const struct alert_metric *m = alert_metrics; m->name; m++)
		if (strlen(m->name) == len && !memcmp(m->name, name, len))
			return m;
	return NULL;
}

bool alert_metric__has_label(const struct alert_metric *m, const char *key, size_t len)
{
	const char *p = m->labels;

	while (*p) {
		size_t n = strcspn(p, ", ");

		if (n == len && !memcmp(p, key, len))
			return true;
		p += n;
		p += strspn(p, ", ");
	}
	return false;
}

struct alert_collector *alert_collector__new(const struct alert_env *env)
{
	struct alert_collector *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (env)
		c->env = *env;
	c->hists[0].name = "runq";
	c->hists[1].name = "blkio";
	c->hists[0].round = c->hists[1].round = -1;
	c->cpu = fb_cpu_sampler__new(); /* NULL: no cpu_percent series */
	return c;
}

void alert_collector__free(struct alert_collector *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->ncache; i++) {
		alert_series_set__clear(&c->cache[i].set);
		free(c->cache[i].set.v);
	}
	fb_cpu_sampler__free(c->cpu);
	free(c);
}

void alert_collector__round(struct alert_collector *c)
{
	c->round++;
}

const struct alert_series_set *alert_collector__get(struct alert_collector *c,
						    const struct alert_metric *m,
						    const struct alert_fixed *fixed)
{
	const char *mod = fixed && fixed->module ? fixed->module : "";
	const char *tgt = fixed && fixed->target ? fixed->target : "";
	struct alert_cache *e = NULL;

	for (int i = 0; i < c->ncache && !e; i++)
		if (c->cache[i].m == m && !strcmp(c->cache[i].module, mod) &&
		    !strcmp(c->cache[i].target, tgt))
			e = &c->cache[i];
	if (!e) {
		if (c->ncache == ALERT_CACHE) {
			static struct alert_series_set empty;

			return &empty;
		}
		e = &c->cache[c->ncache++];
		e->m = m;
		e->round = -1;
		snprintf(e->module, sizeof(e->module), "%s", mod);
		snprintf(e->target, sizeof(e->target), "%s", tgt);
	}
	if (e->round != c->round) {
		e->round = c->round;
		alert_series_set__clear(&e->set);
		if (m->collect(c,
			       &(struct alert_fixed){ fixed ? fixed->module : NULL,
						      fixed ? fixed->target : NULL },
			       &e->set))
			alert_series_set__clear(&e->set);
	}
	return &e->set;
}
