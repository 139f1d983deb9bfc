// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * alert_serve.c: the rules in `vigil serve` (alert_serve.h). One thread evaluates every
 * eval interval and dispatches every ALERT_DISPATCH_MS in between, so a group_wait or
 * group_interval shorter than the eval interval is honoured to that granularity. Time is the
 * wall clock: it stamps startsAt and endsAt.
 */
#include "alert/alert_serve.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert/alert_profile.h"
#include "alert/webhook.h"
#include "cli/mail_opts.h"
#include "mail/mail_notifier.h"
#include "core/log.h"
#include "probe/probe_modules.h"
#include "probe/probe_prom.h"
#include "prom/metrics.h"

#define ALERT_DISPATCH_MS 100

struct alert_serve {
	struct alert_manager *m;
	struct metrics *mt;
	struct probe_modules *pm;
	double eval_s;
	pthread_t thread;
	bool started, stop;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int env_hist(void *ctx, const char *name, uint64_t *slots, int nslots)
{
	struct alert_serve *as = ctx;

	return metrics__hist_total(as->mt, name, slots, nslots);
}

static int env_counter(void *ctx, const char *name, double *v)
{
	struct alert_serve *as = ctx;

	return metrics__counter(as->mt, name, v);
}

/* A CPU alert's flame graph: a short profile by a child vigil (alert_profile.c). */
static char *env_flame(void *ctx, const char *title)
{
	(void)ctx;
	return alert_profile__svg(title);
}

/* One probe with a --probe.config module; success read back from its probe_success line. */
static int env_probe(void *ctx, const char *module, const char *target, double *success)
{
	struct alert_serve *as = ctx;
	const struct probe_module *pmod = as->pm ? probe_modules__find(as->pm, module) : NULL;
	char err[256];
	struct prom p;
	const char *line = NULL;
	int rc;

	if (!pmod)
		return -ENOENT;
	prom__init(&p, 1 << 20);
	rc = probe_prom__run(pmod, target, &p, err, sizeof(err));
	if (!rc && p.buf) {
		/* the sample line "probe_success 1", at the start of the text or of a line */
		line = strncmp(p.buf, "probe_success ", 14) ? strstr(p.buf, "\nprobe_success ")
							    : p.buf;
		if (line && *line == '\n')
			line++;
	}
	if (!rc && !line)
		rc = -EIO;
	if (!rc)
		*success = strtod(line + 14, NULL);
	prom__fini(&p);
	return rc;
}

int alert_serve__notifiers(struct alert_manager *m, const struct alert_serve_opts *o, char *why,
			   size_t whylen)
{
	const struct alert_rules *r = alert_manager__rules(m);

	if (o->webhook) {
		char w[256];
		struct notifier *n =
			webhook__new(o->webhook, r->route.receiver, o->url, w, sizeof(w));

		if (!n) {
			snprintf(why, whylen, "--webhook %s: %s", o->webhook, w);
			return -EINVAL;
		}
		if (alert_manager__add_notifier(m, n)) {
			notifier__free(n);
			free(n);
			return -ENOMEM;
		}
	}
	if (o->mail && mail_opts__enabled(o->mail)) {
		struct notifier *n = mail_notifier__new(o->mail);

		if (!n) {
			snprintf(why, whylen, "--state-dir %s: cannot keep the mail spool there",
				 o->mail->state_dir);
			return -EINVAL;
		}
		if (alert_manager__add_notifier(m, n)) {
			notifier__free(n);
			free(n);
			return -ENOMEM;
		}
	}
	return 0;
}

struct alert_serve *alert_serve__new(const struct alert_serve_opts *o, struct metrics *mt,
				     struct probe_modules *pm, char *why, size_t whylen)
{
	struct alert_serve *as = calloc(1, sizeof(*as));
	struct alert_rules *r;

	if (!as)
		return NULL;
	as->mt = mt;
	as->pm = pm;
	as->eval_s = (double)(o->eval_ns ? o->eval_ns : ALERT_EVAL_DEFAULT_NS) / 1e9;
	pthread_mutex_init(&as->lock, NULL);
	pthread_cond_init(&as->cond, NULL);
	r = alert_rules__load(o->rules, why, whylen);
	if (!r)
		goto err;
	as->m = alert_manager__new(r, &(struct alert_env){ .hist = env_hist,
							   .counter = env_counter,
							   .probe = env_probe,
							   .flame = env_flame,
							   .ctx = as });
	if (!as->m) {
		alert_rules__free(r);
		goto err;
	}
	/* a probe rule whose module serve does not have would never fire: refuse it */
	for (size_t i = 0; i < r->n; i++) {
		struct alert_fixed f;

		if (strcmp(r->v[i].expr.metric->name, "probe_success"))
			continue;
		alert_expr__fixed(&r->v[i].expr, &f);
		if (!pm || !probe_modules__find(pm, f.module)) {
			snprintf(why, whylen,
				 "%s: rule %s: probe module '%s' is not in --probe.config",
				 o->rules, r->v[i].name, f.module);
			errno = EINVAL;
			goto err;
		}
	}
	if (o->url)
		alert_manager__set_url(as->m, o->url);
	if (alert_serve__notifiers(as->m, o, why, whylen)) {
		errno = EINVAL;
		goto err;
	}
	return as;
err:
	alert_serve__free(as);
	return NULL;
}

static void *alert_serve__run(void *arg)
{
	struct alert_serve *as = arg;
	double next = wall_now();

	pthread_mutex_lock(&as->lock);
	while (!as->stop) {
		double now = wall_now(), wake;
		struct timespec ts;

		pthread_mutex_unlock(&as->lock);
		if (now >= next) {
			alert_manager__eval(as->m, now);
			next += as->eval_s;
			if (next < now) /* a stall: skip the missed rounds */
				next = now + as->eval_s;
		}
		alert_manager__dispatch(as->m, wall_now());
		pthread_mutex_lock(&as->lock);
		wake = wall_now() + ALERT_DISPATCH_MS / 1e3;
		if (wake > next)
			wake = next;
		ts.tv_sec = (time_t)wake;
		ts.tv_nsec = (long)((wake - (double)ts.tv_sec) * 1e9);
		if (!as->stop)
			pthread_cond_timedwait(&as->cond, &as->lock, &ts);
	}
	pthread_mutex_unlock(&as->lock);
	return NULL;
}

int alert_serve__start(struct alert_serve *as)
{
	int err = pthread_create(&as->thread, NULL, alert_serve__run, as);

	if (err)
		return -err;
	as->started = true;
	return 0;
}

struct alert_manager *alert_serve__manager(struct alert_serve *as)
{
	return as->m;
}

char *alert_serve__json(void *ctx)
{
	struct alert_serve *as = ctx;

	return alert_manager__json(as->m, wall_now());
}

void alert_serve__free(struct alert_serve *as)
{
	if (!as)
		return;
	if (as->started) {
		pthread_mutex_lock(&as->lock);
		as->stop = true;
		pthread_cond_signal(&as->cond);
		pthread_mutex_unlock(&as->lock);
		pthread_join(as->thread, NULL);
	}
	alert_manager__free(as->m);
	pthread_mutex_destroy(&as->lock);
	pthread_cond_destroy(&as->cond);
	free(as);
}
