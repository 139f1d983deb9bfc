// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * alert_manager.c: evaluation, alert states and dispatch (alert_manager.h). Every series a
 * rule sees keeps a window of its values (the chart of a notification) and, for rate(), its
 * last raw value; an alert exists from the first evaluation its condition holds. Groups are
 * Alertmanager's aggregation groups: keyed by the group_by labels' values, flushed group_wait
 * after their first alert and then every group_interval, sending only when what they hold
 * changed or repeat_interval has passed since the last send.
 */
#include "alert/alert_manager.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert/alert_profile.h"
#include "core/log.h"

#define AM_LABELS (ALERT_MAX_LABELS + 32) /* series + rule labels + alertname, as pairs */

enum am_state { AM_INACTIVE, AM_PENDING, AM_FIRING, AM_RESOLVED };
static const char *const am_state_names[] = { "inactive", "pending", "firing", "resolved" };

/* What is remembered of one series of one rule across evaluations. */
struct am_series {
	size_t rule;
	uint64_t fp;
	double last_t, last_raw; /* rate(): the previous reading */
	bool have_raw;
	struct alert_point win[ALERT_WINDOW];
	size_t nwin, head; /* ring: head is the next slot to write */
	int round;	   /* the last round it was seen */
};

struct am_alert {
	size_t rule;
	uint64_t fp;
	char fp_hex[17];
	char *labels[2 * AM_LABELS + 1];
	enum am_state state;
	double active_at, fired_at, resolved_at, value;
	char *summary, *description, *records_csv;
	char *flame_svg;    /* a CPU alert's profile, taken when it is first notified */
	bool seen;	    /* this round */
	bool in_group;	    /* handed to a group once firing */
	bool resolved_done; /* its resolution was dispatched (or need not be) */
	struct am_series *series;
};

struct am_group {
	char *key;
	char **labels; /* NULL-terminated key, value... */
	double next_flush, last_sent;
	uint64_t last_hash;
	bool sent;
};

struct alert_manager {
	struct alert_rules *rules;
	struct alert_collector *col;
	struct alert_env env;
	pthread_mutex_t lock;
	int round;
	struct am_series **series;
	size_t nseries, capseries;
	struct am_alert **alerts;
	size_t nalerts, capalerts;
	struct am_group **groups;
	size_t ngroups, capgroups;
	struct notifier **notifiers;
	size_t nnotifiers;
	uint64_t dropped; /* alerts past ALERT_MAX_ALERTS */
	char host[256];
	char *url;
};

static bool grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *nv;
	size_t c;

	if (n < *cap)
		return true;
	c = *cap ? *cap * 2 : 16;
	nv = reallocarray(*v, c, size);
	if (!nv)
		return false;
	*v = nv;
	*cap = c;
	return true;
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h ^ 0xff; /* a separator: ("ab","c") != ("a","bc") */
}

#define FNV_SEED 14695981039346656037ULL

static uint64_t labels_fp(char *const *labels)
{
	uint64_t h = FNV_SEED;

	for (size_t i = 0; labels[i]; i++)
		h = fnv(h, labels[i]);
	return h;
}

static const char *label_get(char *const *labels, const char *key)
{
	for (size_t i = 0; labels[i]; i += 2)
		if (!strcmp(labels[i], key))
			return labels[i + 1];
	return NULL;
}

static void labels_free(char **labels)
{
	for (size_t i = 0; labels[i]; i++) {
		free(labels[i]);
		labels[i] = NULL;
	}
}

/* Set key to value in a NULL-terminated pair list with room for AM_LABELS pairs. */
static int label_set(char **labels, const char *key, const char *value)
{
	size_t i;

	for (i = 0; labels[i]; i += 2)
		if (!strcmp(labels[i], key)) {
			char *v = strdup(value);

			if (!v)
				return -ENOMEM;
			free(labels[i + 1]);
			labels[i + 1] = v;
			return 0;
		}
	if (i / 2 >= AM_LABELS)
		return -E2BIG;
	labels[i] = strdup(key);
	labels[i + 1] = strdup(value);
	labels[i + 2] = NULL;
	return labels[i] && labels[i + 1] ? 0 : -ENOMEM;
}

/* Sort the pairs by key, as Prometheus orders a label set. */
static void labels_sort(char **labels)
{
	size_t n = 0;

	while (labels[n])
		n += 2;
	for (size_t i = 2; i < n; i += 2)
		for (size_t j = i; j >= 2 && strcmp(labels[j - 2], labels[j]) > 0; j -= 2) {
			char *k = labels[j], *v = labels[j + 1];

			labels[j] = labels[j - 2];
			labels[j + 1] = labels[j - 1];
			labels[j - 2] = k;
			labels[j - 1] = v;
		}
}

struct alert_manager *alert_manager__new(struct alert_rules *rules, const struct alert_env *env)
{
	struct alert_manager *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	pthread_mutex_init(&m->lock, NULL);
	m->rules = rules;
	if (env)
		m->env = *env;
	m->col = alert_collector__new(env);
	if (!m->col) {
		m->rules = NULL;
		alert_manager__free(m);
		errno = ENOMEM;
		return NULL;
	}
	if (gethostname(m->host, sizeof(m->host) - 1))
		snprintf(m->host, sizeof(m->host), "localhost");
	return m;
}

int alert_manager__add_notifier(struct alert_manager *m, struct notifier *n)
{
	struct notifier **nv;

	pthread_mutex_lock(&m->lock);
	nv = reallocarray(m->notifiers, m->nnotifiers + 1, sizeof(*nv));
	if (nv) {
		m->notifiers = nv;
		m->notifiers[m->nnotifiers++] = n;
	}
	pthread_mutex_unlock(&m->lock);
	return nv ? 0 : -ENOMEM;
}

void alert_manager__set_host(struct alert_manager *m, const char *host)
{
	snprintf(m->host, sizeof(m->host), "%s", host);
}

void alert_manager__set_url(struct alert_manager *m, const char *url)
{
	char *u = strdup(url);

	if (!u)
		return;
	free(m->url);
	m->url = u;
}

const struct alert_rules *alert_manager__rules(const struct alert_manager *m)
{
	return m->rules;
}

static struct am_series *series_get(struct alert_manager *m, size_t rule, uint64_t fp)
{
	struct am_series *s;

	for (size_t i = 0; i < m->nseries; i++)
		if (m->series[i]->rule == rule && m->series[i]->fp == fp)
			return m->series[i];
	if (m->nseries >= ALERT_MAX_ALERTS ||
	    !grow((void **)&m->series, &m->capseries, m->nseries, sizeof(*m->series)))
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->rule = rule;
	s->fp = fp;
	m->series[m->nseries++] = s;
	return s;
}

static void series_push(struct am_series *s, double t, double v)
{
	s->win[s->head] = (struct alert_point){ .t = t, .v = v };
	s->head = (s->head + 1) % ALERT_WINDOW;
	if (s->nwin < ALERT_WINDOW)
		s->nwin++;
}

static struct am_alert *alert_find(struct alert_manager *m, size_t rule, uint64_t fp)
{
	for (size_t i = 0; i < m->nalerts; i++)
		if (m->alerts[i]->rule == rule && m->alerts[i]->fp == fp)
			return m->alerts[i];
	return NULL;
}

static void alert_free(struct am_alert *a)
{
	if (!a)
		return;
	labels_free(a->labels);
	free(a->summary);
	free(a->description);
	free(a->records_csv);
	free(a->flame_svg);
	free(a);
}

/* The labels an alert of rule r on series s carries: s's, then r's, then alertname. */
static int alert_labels(const struct alert_rule *r, const struct alert_series *s,
			const struct alert_expr *absent_of, char **out)
{
	int err = 0;

	out[0] = NULL;
	for (int i = 0; s && i < s->nlabels && !err; i++)
		err = label_set(out, s->key[i], s->val[i]);
	/* absent(): the labels the selector fixed with `=`, as Prometheus does */
	for (int i = 0; absent_of && i < absent_of->nm && !err; i++)
		if (absent_of->m[i].op == ALERT_M_EQ)
			err = label_set(out, absent_of->m[i].name, absent_of->m[i].value);
	for (size_t i = 0; r->labels && r->labels[i] && !err; i += 2)
		err = label_set(out, r->labels[i], r->labels[i + 1]);
	if (!err)
		err = label_set(out, "alertname", r->name);
	labels_sort(out);
	return err;
}

/* The condition of rule ri held (active) or not for this label set, with value v. */
static void alert_observe(struct alert_manager *m, size_t ri, char **labels, uint64_t fp,
			  bool active, double v, const char *csv, struct am_series *ser, double now)
{
	const struct alert_rule *r = &m->rules->v[ri];
	struct am_alert *a = alert_find(m, ri, fp);

	if (!active) {
		labels_free(labels);
		if (a)
			a->value = v;
		return;
	}
	if (!a) {
		if (m->nalerts >= ALERT_MAX_ALERTS ||
		    !grow((void **)&m->alerts, &m->capalerts, m->nalerts, sizeof(*m->alerts)) ||
		    !(a = calloc(1, sizeof(*a)))) {
			m->dropped++;
			labels_free(labels);
			return;
		}
		a->rule = ri;
		a->fp = fp;
		snprintf(a->fp_hex, sizeof(a->fp_hex), "%016llx", (unsigned long long)fp);
		memcpy(a->labels, labels, sizeof(a->labels));
		m->alerts[m->nalerts++] = a;
	} else {
		labels_free(labels);
	}
	a->seen = true;
	a->value = v;
	a->series = ser;
	if (a->state == AM_INACTIVE || a->state == AM_RESOLVED) {
		a->state = AM_PENDING;
		a->active_at = now;
		a->resolved_at = 0;
		a->in_group = false;
		a->resolved_done = false;
	}
	if (a->state == AM_PENDING && now - a->active_at >= r->for_s - 1e-9) {
		a->state = AM_FIRING;
		a->fired_at = now;
		pr_info("alert: %s firing", r->name);
	}
	free(a->summary);
	free(a->description);
	a->summary = r->summary
			     ? alert_template__expand(r->summary, (const char *const *)a->labels, v)
			     : NULL;
	a->description = r->description ? alert_template__expand(r->description,
								 (const char *const *)a->labels, v)
					: NULL;
	if (csv) {
		char *c = strdup(csv);

		if (c) {
			free(a->records_csv);
			a->records_csv = c;
		}
	}
}

static void eval_rule(struct alert_manager *m, size_t ri, double now)
{
	const struct alert_rule *r = &m->rules->v[ri];
	const struct alert_expr *e = &r->expr;
	const struct alert_series_set *set;
	struct alert_fixed fixed;
	size_t nmatch = 0;

	alert_expr__fixed(e, &fixed);
	set = alert_collector__get(m->col, e->metric, &fixed);
	for (size_t i = 0; i < set->n; i++) {
		const struct alert_series *s = &set->v[i];
		char *labels[2 * AM_LABELS + 1] = { NULL };
		struct am_series *ser;
		double v = s->v;
		uint64_t fp;

		if (!alert_expr__matches(e, s))
			continue;
		nmatch++;
		if (e->fn == ALERT_FN_ABSENT)
			continue;
		if (alert_labels(r, s, NULL, labels)) {
			labels_free(labels);
			continue;
		}
		fp = labels_fp(labels);
		ser = series_get(m, ri, fp);
		if (!ser) {
			labels_free(labels);
			m->dropped++;
			continue;
		}
		ser->round = m->round;
		if (e->fn == ALERT_FN_RATE) {
			double raw = v;
			bool have = ser->have_raw && now > ser->last_t;

			v = !have		   ? 0
			    : raw >= ser->last_raw ? (raw - ser->last_raw) / (now - ser->last_t)
						   : raw / (now - ser->last_t);
			ser->last_raw = raw;
			ser->last_t = now;
			ser->have_raw = true;
			if (!have) { /* no rate yet: neither firing nor resolving */
				struct am_alert *a = alert_find(m, ri, fp);

				if (a)
					a->seen = true;
				labels_free(labels);
				continue;
			}
		}
		series_push(ser, now, v);
		alert_observe(m, ri, labels, fp, alert_expr__compare(e, v), v, s->records_csv, ser,
			      now);
	}
	if (e->fn == ALERT_FN_ABSENT) {
		char *labels[2 * AM_LABELS + 1] = { NULL };
		struct am_series *ser;
		uint64_t fp;

		if (alert_labels(r, NULL, e, labels)) {
			labels_free(labels);
			return;
		}
		fp = labels_fp(labels);
		ser = series_get(m, ri, fp);
		if (ser) {
			ser->round = m->round;
			series_push(ser, now, (double)nmatch);
		}
		alert_observe(m, ri, labels, fp, nmatch == 0, (double)nmatch, NULL, ser, now);
	}
}

void alert_manager__eval(struct alert_manager *m, double now)
{
	pthread_mutex_lock(&m->lock);
	m->round++;
	alert_collector__round(m->col);
	for (size_t i = 0; i < m->nalerts; i++)
		m->alerts[i]->seen = false;
	for (size_t i = 0; i < m->rules->n; i++)
		eval_rule(m, i, now);
	for (size_t i = 0; i < m->nalerts; i++) {
		struct am_alert *a = m->alerts[i];

		if (a->seen)
			continue;
		if (a->state == AM_PENDING) {
			a->state = AM_INACTIVE;
		} else if (a->state == AM_FIRING) {
			a->state = AM_RESOLVED;
			a->resolved_at = now;
			a->resolved_done = !a->in_group;
			pr_info("alert: %s resolved", m->rules->v[a->rule].name);
		}
	}
	/* forget what is over: inactive, and resolved ones dispatched and past their TTL */
	for (size_t i = 0; i < m->nalerts;) {
		struct am_alert *a = m->alerts[i];

		if (a->state == AM_INACTIVE || (a->state == AM_RESOLVED && a->resolved_done &&
						now - a->resolved_at >= ALERT_RESOLVED_TTL)) {
			alert_free(a);
			m->alerts[i] = m->alerts[--m->nalerts];
			continue;
		}
		i++;
	}
	/* and the series no rule saw for a while, unless an alert still shows them */
	for (size_t i = 0; i < m->nseries;) {
		struct am_series *s = m->series[i];
		bool used = m->round - s->round < 4;

		for (size_t j = 0; j < m->nalerts && !used; j++)
			used = m->alerts[j]->series == s;
		if (!used) {
			free(s);
			m->series[i] = m->series[--m->nseries];
			continue;
		}
		i++;
	}
	pthread_mutex_unlock(&m->lock);
}

/* The group key of an alert's labels: "{k=\"v\",...}" over group_by ("..." : every label). */
static char *group_key(const struct alert_route *rt, char *const *labels, char ***glabels)
{
	bool all = rt->group_by[0] && !strcmp(rt->group_by[0], "...");
	size_t cap = 2, n = 0, cnt = 0;
	char *key, **gl;

	for (size_t i = 0; labels[i]; i += 2)
		cap += strlen(labels[i]) + strlen(labels[i + 1]) + 6;
	while (rt->group_by[cnt])
		cnt++;
	if (all)
		for (cnt = 0; labels[cnt * 2]; cnt++)
			;
	key = malloc(cap);
	gl = calloc(cnt * 2 + 1, sizeof(*gl));
	if (!key || !gl) {
		free(key);
		free(gl);
		return NULL;
	}
	key[n++] = '{';
	cnt = 0;
	for (size_t g = 0; all ? labels[g * 2] != NULL : rt->group_by[g] != NULL; g++) {
		const char *k = all ? labels[g * 2] : rt->group_by[g];
		const char *v = label_get(labels, k);

		if (!v)
			continue;
		n += (size_t)snprintf(key + n, cap - n, "%s%s=\"%s\"", cnt ? "," : "", k, v);
		gl[cnt * 2] = strdup(k);
		gl[cnt * 2 + 1] = strdup(v);
		cnt++;
	}
	snprintf(key + n, cap - n, "}");
	*glabels = gl;
	return key;
}

static void group_free(struct am_group *g)
{
	if (!g)
		return;
	for (size_t i = 0; g->labels && g->labels[i]; i++)
		free(g->labels[i]);
	free(g->labels);
	free(g->key);
	free(g);
}

static struct am_group *group_get(struct alert_manager *m, struct am_alert *a, double now)
{
	char **gl = NULL;
	char *key = group_key(&m->rules->route, a->labels, &gl);
	struct am_group *g;

	if (!key)
		return NULL;
	for (size_t i = 0; i < m->ngroups; i++)
		if (!strcmp(m->groups[i]->key, key)) {
			free(key);
			for (size_t j = 0; gl[j]; j++)
				free(gl[j]);
			free(gl);
			return m->groups[i];
		}
	g = calloc(1, sizeof(*g));
	if (!g || !grow((void **)&m->groups, &m->capgroups, m->ngroups, sizeof(*m->groups))) {
		free(g);
		free(key);
		for (size_t j = 0; gl[j]; j++)
			free(gl[j]);
		free(gl);
		return NULL;
	}
	g->key = key;
	g->labels = gl;
	g->next_flush = now + m->rules->route.group_wait;
	m->groups[m->ngroups++] = g;
	return g;
}

static bool alert_in_group(const struct alert_manager *m, const struct am_alert *a,
			   const struct am_group *g)
{
	char **gl = NULL;
	char *key;
	bool in;

	if (!a->in_group || a->resolved_done || (a->state != AM_FIRING && a->state != AM_RESOLVED))
		return false;
	key = group_key(&m->rules->route, a->labels, &gl);
	in = key && !strcmp(key, g->key);
	free(key);
	for (size_t j = 0; gl && gl[j]; j++)
		free(gl[j]);
	free(gl);
	return in;
}

/* Fill the notifier's view of alert a (pointers into a, valid while the lock is held). */
static void alert_view(const struct alert_manager *m, const struct am_alert *a, struct alert *out,
		       struct alert_point *pts)
{
	const struct alert_rule *r = &m->rules->v[a->rule];
	size_t n = 0;

	if (a->series) {
		const struct am_series *s = a->series;
		size_t start = (s->head + ALERT_WINDOW - s->nwin) % ALERT_WINDOW;

		for (size_t i = 0; i < s->nwin; i++)
			pts[n++] = s->win[(start + i) % ALERT_WINDOW];
	}
	*out = (struct alert){
		.name = r->name,
		.status = a->state == AM_FIRING ? "firing" : "resolved",
		.labels = (const char *const *)a->labels,
		.summary = a->summary ? a->summary : "",
		.description = a->description ? a->description : "",
		.expr = r->expr_text,
		.fingerprint = a->fp_hex,
		.value = a->value,
		.threshold = r->expr.threshold,
		.unit = r->expr.unit,
		.starts_at = a->active_at,
		.ends_at = a->state == AM_RESOLVED ? a->resolved_at : 0,
		.series = pts,
		.nseries = n,
		.records_csv = a->records_csv,
		.flame_svg = a->flame_svg,
	};
}

/*
 * A CPU alert's flame graph, taken the first time it is notified firing (without the lock:
 * only this thread writes alerts; the pointer is published under it for readers' sake).
 */
static void alert_take_profile(struct alert_manager *m, struct am_alert *a, struct alert *view)
{
	const struct alert_rule *r = &m->rules->v[a->rule];
	char title[640];
	char *svg;

	if (!m->env.flame || a->flame_svg || a->state != AM_FIRING ||
	    !alert_profile__wanted(r->expr.metric->name))
		return;
	snprintf(title, sizeof(title), "%s on %s: on-CPU stacks when it fired", r->name, m->host);
	svg = m->env.flame(m->env.ctx, title);
	pthread_mutex_lock(&m->lock);
	a->flame_svg = svg;
	pthread_mutex_unlock(&m->lock);
	view->flame_svg = svg;
}

/* Flush group g: 1 to keep it, 0 when it holds nothing any more. */
static int group_flush(struct alert_manager *m, struct am_group *g, double now)
{
	const struct alert_route *rt = &m->rules->route;
	struct am_alert **mem = calloc(m->nalerts + 1, sizeof(*mem));
	struct alert_point *pts = NULL;
	struct alert *view = NULL;
	struct am_alert **src = NULL; /* view[i] is src[i]'s */
	size_t n = 0, nfiring = 0, nsend = 0;
	uint64_t h = FNV_SEED;
	bool send;

	if (!mem)
		return 1;
	for (size_t i = 0; i < m->nalerts; i++)
		if (alert_in_group(m, m->alerts[i], g))
			mem[n++] = m->alerts[i];
	if (!n) {
		free(mem);
		return 0;
	}
	view = calloc(n, sizeof(*view));
	src = calloc(n, sizeof(*src));
	pts = calloc(n * ALERT_WINDOW, sizeof(*pts));
	if (!view || !src || !pts)
		goto out;
	for (size_t i = 0; i < n; i++) {
		bool firing = mem[i]->state == AM_FIRING;

		if (!firing && !rt->send_resolved)
			continue;
		nfiring += firing;
		h = fnv(h, mem[i]->fp_hex);
		h = fnv(h, firing ? "f" : "r");
		alert_view(m, mem[i], &view[nsend], pts + nsend * ALERT_WINDOW);
		src[nsend++] = mem[i];
	}
	send = nsend && (!g->sent || h != g->last_hash ||
			 (nfiring && now - g->last_sent >= rt->repeat_interval - 1e-9));
	/* a group that only ever resolved, and was never sent, need not say so */
	if (send && !nfiring && !g->sent)
		send = false;
	if (send) {
		struct notification note = {
			.group_key = g->key,
			.status = nfiring ? "firing" : "resolved",
			.group_labels = (const char *const *)g->labels,
			.alerts = view,
			.nalerts = nsend,
			.host = m->host,
		};

		/*
		 * Only this thread writes alerts and groups (eval and dispatch share it), so the
		 * lock, which keeps serve's readers out while they change, is not held while a
		 * notifier talks to a slow server: /metrics and /api/v2/alerts are not held up.
		 */
		pthread_mutex_unlock(&m->lock);
		for (size_t i = 0; i < nsend; i++)
			alert_take_profile(m, src[i], &view[i]);
		for (size_t i = 0; i < m->nnotifiers; i++)
			if (notifier__send(m->notifiers[i], &note))
				pr_warn("alert: %s notification of %s refused",
					m->notifiers[i]->ops->kind, g->key);
		pthread_mutex_lock(&m->lock);
		g->sent = true;
		g->last_hash = h;
		g->last_sent = now;
	}
	for (size_t i = 0; i < n; i++)
		if (mem[i]->state == AM_RESOLVED)
			mem[i]->resolved_done = true;
out:
	free(src);
	free(view);
	free(pts);
	free(mem);
	return nfiring ? 1 : 0;
}

void alert_manager__dispatch(struct alert_manager *m, double now)
{
	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < m->nalerts; i++) {
		struct am_alert *a = m->alerts[i];

		if (a->state == AM_FIRING && !a->in_group && group_get(m, a, now))
			a->in_group = true;
	}
	for (size_t i = 0; i < m->ngroups;) {
		struct am_group *g = m->groups[i];

		if (now + 1e-9 >= g->next_flush) {
			g->next_flush = now + m->rules->route.group_interval;
			if (!group_flush(m, g, now)) {
				group_free(g);
				m->groups[i] = m->groups[--m->ngroups];
				continue;
			}
		}
		i++;
	}
	pthread_mutex_unlock(&m->lock);
	for (size_t i = 0; i < m->nnotifiers; i++)
		notifier__tick(m->notifiers[i], now);
}

void alert_time_rfc3339(double t, char *buf, size_t len)
{
	time_t s = (time_t)t;
	struct tm tm;

	if (t <= 0) {
		snprintf(buf, len, "0001-01-01T00:00:00Z");
		return;
	}
	gmtime_r(&s, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)((t - (double)s) * 1000));
}

static json_t *labels_json(char *const *labels)
{
	json_t *o = json_object();

	for (size_t i = 0; o && labels[i]; i += 2)
		json_object_set_new(o, labels[i], json_string(labels[i + 1]));
	return o;
}

char *alert_manager__json(struct alert_manager *m, double now)
{
	json_t *arr = json_array();
	char *out;

	if (!arr)
		return NULL;
	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < m->nalerts; i++) {
		const struct am_alert *a = m->alerts[i];
		json_t *o = json_object(), *ann = json_object(), *st = json_object();
		json_t *rcv = json_array(), *r1 = json_object();
		char ts[40];

		if (!o || !ann || !st || !rcv || !r1) {
			json_decref(o);
			json_decref(ann);
			json_decref(st);
			json_decref(rcv);
			json_decref(r1);
			continue;
		}
		if (a->summary)
			json_object_set_new(ann, "summary", json_string(a->summary));
		if (a->description)
			json_object_set_new(ann, "description", json_string(a->description));
		json_object_set_new(o, "labels", labels_json(a->labels));
		json_object_set_new(o, "annotations", ann);
		alert_time_rfc3339(a->active_at, ts, sizeof(ts));
		json_object_set_new(o, "startsAt", json_string(ts));
		alert_time_rfc3339(a->state == AM_RESOLVED ? a->resolved_at : 0, ts, sizeof(ts));
		json_object_set_new(o, "endsAt", json_string(ts));
		alert_time_rfc3339(now, ts, sizeof(ts));
		json_object_set_new(o, "updatedAt", json_string(ts));
		json_object_set_new(o, "fingerprint", json_string(a->fp_hex));
		json_object_set_new(st, "state",
				    json_string(a->state == AM_FIRING	 ? "active"
						: a->state == AM_PENDING ? "unprocessed"
									 : "resolved"));
		json_object_set_new(st, "silencedBy", json_array());
		json_object_set_new(st, "inhibitedBy", json_array());
		json_object_set_new(o, "status", st);
		json_object_set_new(r1, "name", json_string(m->rules->route.receiver));
		json_array_append_new(rcv, r1);
		json_object_set_new(o, "receivers", rcv);
		json_object_set_new(o, "generatorURL", json_string(m->url ? m->url : ""));
		/* vigil's own: Prometheus' alert state, and the value behind it */
		json_object_set_new(o, "state", json_string(am_state_names[a->state]));
		json_object_set_new(o, "value", json_real(isfinite(a->value) ? a->value : 0));
		json_object_set_new(o, "expr", json_string(m->rules->v[a->rule].expr_text));
		json_array_append_new(arr, o);
	}
	pthread_mutex_unlock(&m->lock);
	out = json_dumps(arr, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(arr);
	return out;
}

void alert_manager__write_prom(struct alert_manager *m, struct prom *p)
{
	char lbl[PROM_LABELS_LEN];

	pthread_mutex_lock(&m->lock);
	prom__family(p, "vigil_alerts", "gauge",
		     "Alerts by rule and state (pending, firing), as Prometheus' ALERTS.");
	for (size_t r = 0; r < m->rules->n; r++) {
		bool dup = false;

		/* one series per alert name: rules may share a name */
		for (size_t q = 0; q < r && !dup; q++)
			dup = !strcmp(m->rules->v[q].name, m->rules->v[r].name);
		if (dup)
			continue;
		for (int s = AM_PENDING; s <= AM_FIRING; s++) {
			uint64_t n = 0;

			for (size_t i = 0; i < m->nalerts; i++)
				n += (int)m->alerts[i]->state == s &&
				     !strcmp(m->rules->v[m->alerts[i]->rule].name,
					     m->rules->v[r].name);
			prom__u64(p, "vigil_alerts",
				  prom_labels(lbl, "alertname", m->rules->v[r].name, "state",
					      am_state_names[s], NULL),
				  n);
		}
	}
	prom__family(p, "vigil_notifications_total", "counter",
		     "Notifications the far end accepted, by kind of notifier.");
	for (size_t i = 0; i < m->nnotifiers; i++)
		prom__u64(p, "vigil_notifications_total",
			  prom_labels(lbl, "kind", m->notifiers[i]->ops->kind, NULL),
			  __atomic_load_n(&m->notifiers[i]->sent, __ATOMIC_RELAXED));
	prom__family(p, "vigil_notifications_failed_total", "counter",
		     "Notifications that failed (each failed attempt), by kind of notifier.");
	for (size_t i = 0; i < m->nnotifiers; i++)
		prom__u64(p, "vigil_notifications_failed_total",
			  prom_labels(lbl, "kind", m->notifiers[i]->ops->kind, NULL),
			  __atomic_load_n(&m->notifiers[i]->failed, __ATOMIC_RELAXED));
	pthread_mutex_unlock(&m->lock);
}

void alert_manager__free(struct alert_manager *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nnotifiers; i++) {
		notifier__free(m->notifiers[i]);
		free(m->notifiers[i]);
	}
	free(m->notifiers);
	for (size_t i = 0; i < m->nalerts; i++)
		alert_free(m->alerts[i]);
	free(m->alerts);
	for (size_t i = 0; i < m->nseries; i++)
		free(m->series[i]);
	free(m->series);
	for (size_t i = 0; i < m->ngroups; i++)
		group_free(m->groups[i]);
	free(m->groups);
	alert_collector__free(m->col);
	alert_rules__free(m->rules);
	free(m->url);
	pthread_mutex_destroy(&m->lock);
	free(m);
}
