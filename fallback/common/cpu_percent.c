// SPDX-License-Identifier: BSD-2-Clause
/*
 * cpu_percent.c - psutil's cpu_percent() and cpu_times_percent() on top of any backend's
 * fb_cpu_times().  The maths is psutil's: per-field deltas clipped at zero (counters can go
 * backwards, psutil #645 #1210), guest and guest_nice taken out of the total because the
 * kernel already counts them in user and nice, one-decimal rounding, and for the per-field
 * percentages a clamp to [0, 100].  The caller-held sampler replaces psutil's per-thread dict
 * of "last sample", with a separate state for each of the four functions.
 */
#include "fb_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { S_PCT, S_PCT_PERCPU, S_TIMES, S_TIMES_PERCPU, S__COUNT };

struct fb_cpu_sampler {
	struct fb_cpu_times last[2];	  /* S_PCT, S_TIMES */
	struct fb_cpu_times *last_per[2]; /* S_PCT_PERCPU, S_TIMES_PERCPU */
	size_t nlast_per[2];
};

static void deltas(const struct fb_cpu_times *a, const struct fb_cpu_times *b,
		   struct fb_cpu_times *d)
{
#define DELTA(f) d->f = b->f > a->f ? b->f - a->f : 0.0
	DELTA(user);
	DELTA(nice);
	DELTA(system);
	DELTA(idle);
	DELTA(iowait);
	DELTA(irq);
	DELTA(softirq);
	DELTA(steal);
	DELTA(guest);
	DELTA(guest_nice);
#undef DELTA
	d->valid = a->valid & b->valid;
}

static double total_of(const struct fb_cpu_times *d)
{
	/* the kernel's user and nice already include guest and guest_nice */
	return d->user + d->nice + d->system + d->idle + d->iowait + d->irq + d->softirq + d->steal;
}

double fb_cpu_percent_calc(const struct fb_cpu_times *t1, const struct fb_cpu_times *t2)
{
	struct fb_cpu_times d;
	double all, busy;

	deltas(t1, t2, &d);
	all = total_of(&d);
	busy = all - d.idle - d.iowait;
	if (all <= 0)
		return 0.0;
	return fb__round1(busy / all * 100.0);
}

static double clamp_pct(double v, double scale)
{
	v = fb__round1(v * scale);
	if (v < 0)
		return 0.0;
	return v > 100.0 ? 100.0 : v;
}

void fb_cpu_times_percent_calc(const struct fb_cpu_times *t1, const struct fb_cpu_times *t2,
			       struct fb_cpu_times *out)
{
	struct fb_cpu_times d;
	double all, scale;

	deltas(t1, t2, &d);
	all = total_of(&d);
	scale = 100.0 / (all > 1.0 ? all : 1.0);
	out->user = clamp_pct(d.user, scale);
	out->nice = clamp_pct(d.nice, scale);
	out->system = clamp_pct(d.system, scale);
	out->idle = clamp_pct(d.idle, scale);
	out->iowait = clamp_pct(d.iowait, scale);
	out->irq = clamp_pct(d.irq, scale);
	out->softirq = clamp_pct(d.softirq, scale);
	out->steal = clamp_pct(d.steal, scale);
	out->guest = clamp_pct(d.guest, scale);
	out->guest_nice = clamp_pct(d.guest_nice, scale);
	out->valid = d.valid;
}

struct fb_cpu_sampler *fb_cpu_sampler__new(void)
{
	struct fb_cpu_sampler *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return NULL;
	err = fb_cpu_times(&s->last[0]);
	if (err)
		goto free_s;
	s->last[1] = s->last[0];
	for (int i = 0; i < 2; i++) {
		err = fb_cpu_times_percpu(&s->last_per[i], &s->nlast_per[i]);
		if (err)
			goto free_s;
	}
	return s;

free_s:
	fb_cpu_sampler__free(s);
	errno = -err;
	return NULL;
}

void fb_cpu_sampler__free(struct fb_cpu_sampler *s)
{
	if (!s)
		return;
	free(s->last_per[0]);
	free(s->last_per[1]);
	free(s);
}

/* Take the "before" sample: a fresh one after sleeping, or the saved one. */
static int total_pair(struct fb_cpu_sampler *s, int slot, double interval, struct fb_cpu_times *t1,
		      struct fb_cpu_times *t2)
{
	int err;

	if (interval < 0)
		return -EINVAL;
	if (interval > 0) {
		err = fb_cpu_times(t1);
		if (err)
			return err;
		fb__sleep(interval);
	} else {
		*t1 = s->last[slot];
	}
	err = fb_cpu_times(t2);
	if (err)
		return err;
	s->last[slot] = *t2;
	return 0;
}

int fb_cpu_percent(struct fb_cpu_sampler *s, double interval, double *out)
{
	struct fb_cpu_times t1, t2;
	int err;

	if (!s || !out)
		return -EINVAL;
	err = total_pair(s, 0, interval, &t1, &t2);
	if (err)
		return err;
	*out = fb_cpu_percent_calc(&t1, &t2);
	return 0;
}

int fb_cpu_times_percent(struct fb_cpu_sampler *s, double interval, struct fb_cpu_times *out)
{
	struct fb_cpu_times t1, t2;
	int err;

	if (!s || !out)
		return -EINVAL;
	err = total_pair(s, 1, interval, &t1, &t2);
	if (err)
		return err;
	fb_cpu_times_percent_calc(&t1, &t2, out);
	return 0;
}

static int percpu_pair(struct fb_cpu_sampler *s, int slot, double interval,
		       struct fb_cpu_times **t1, size_t *n1, struct fb_cpu_times **t2, size_t *n2)
{
	int err;

	*t1 = *t2 = NULL;
	if (interval < 0)
		return -EINVAL;
	if (interval > 0) {
		err = fb_cpu_times_percpu(t1, n1);
		if (err)
			return err;
		fb__sleep(interval);
	} else {
		*t1 = s->last_per[slot];
		*n1 = s->nlast_per[slot];
		s->last_per[slot] = NULL;
	}
	err = fb_cpu_times_percpu(t2, n2);
	if (err) {
		free(*t1);
		*t1 = NULL;
		return err;
	}
	free(s->last_per[slot]);
	s->last_per[slot] = malloc(*n2 * sizeof(**t2) + 1);
	if (s->last_per[slot])
		memcpy(s->last_per[slot], *t2, *n2 * sizeof(**t2));
	s->nlast_per[slot] = s->last_per[slot] ? *n2 : 0;
	return 0;
}

int fb_cpu_percent_percpu(struct fb_cpu_sampler *s, double interval, double **out, size_t *n)
{
	struct fb_cpu_times *t1, *t2;
	size_t n1 = 0, n2 = 0;
	double *v;
	int err;

	if (!s || !out || !n)
		return -EINVAL;
	err = percpu_pair(s, 0, interval, &t1, &n1, &t2, &n2);
	if (err)
		return err;
	v = calloc(n2 ? n2 : 1, sizeof(*v));
	if (!v) {
		err = -ENOMEM;
		goto free_samples;
	}
	for (size_t i = 0; i < n2; i++)
		v[i] = i < n1 ? fb_cpu_percent_calc(&t1[i], &t2[i]) : 0.0;
	*out = v;
	*n = n2;
free_samples:
	free(t1);
	free(t2);
	return err;
}

int fb_cpu_times_percent_percpu(struct fb_cpu_sampler *s, double interval,
				struct fb_cpu_times **out, size_t *n)
{
	struct fb_cpu_times *t1, *t2, *v;
	size_t n1 = 0, n2 = 0;
	int err;

	if (!s || !out || !n)
		return -EINVAL;
	err = percpu_pair(s, 1, interval, &t1, &n1, &t2, &n2);
	if (err)
		return err;
	v = calloc(n2 ? n2 : 1, sizeof(*v));
	if (!v) {
		err = -ENOMEM;
		goto free_samples;
	}
	for (size_t i = 0; i < n2; i++) {
		if (i < n1)
			fb_cpu_times_percent_calc(&t1[i], &t2[i], &v[i]);
	}
	*out = v;
	*n = n2;
free_samples:
	free(t1);
	free(t2);
	return err;
}
