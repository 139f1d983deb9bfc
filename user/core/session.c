// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * session.c: start, run and stop a set of tracers around one consumer.
 */
#include "core/session.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/hist.h"
#include "core/log.h"
#include "core/notify.h"
#include "core/stop.h"
#include "core/wallclock.h"
#include "cli/trace_opts.h"

/* Whether one of the histograms cfg asks of ops can be keyed by cfg->hist_per. */
static bool tracer_takes_per(const struct tracer_ops *ops, const struct trace_cfg *cfg)
{
	for (int id = 0; id < HIST__COUNT; id++) {
		if ((ops->hists & cfg->hists & (1U << id)) &&
		    hist_per_is_allowed(id, cfg->hist_per))
			return true;
	}
	return false;
}

static int session__add_tracer(struct session *s, const struct tracer_ops *ops,
			       const struct trace_cfg *cfg)
{
	struct trace_cfg own = *cfg;
	struct tracer *t;
	int err;

	/*
	 * A key none of its histograms has (per disk, for sched) leaves them global, or keyed
	 * by hist_per_alt if they can be (serve: sched per cgroup beside blkio per disk).
	 */
	if (cfg->hist_per == VG_PER_GLOBAL || !tracer_takes_per(ops, cfg)) {
		own.hist_per = cfg->hist_per_alt;
		if (!tracer_takes_per(ops, &own))
			own.hist_per = VG_PER_GLOBAL;
	}
	err = tracer__new(ops, &own, &t);

	if (err)
		return err;
	s->tracers[s->ntracers++] = t;
	for (int i = 0; i < t->rings.n && !err; i++)
		err = consumer__add_ring(&s->consumer, t->rings.fds[i]);
	if (err)
		pr_err("%s: ring buffer: %s", ops->name, strerror(-err));
	return err;
}

static int session__add_poller(struct session *s, const struct backend_choice *c,
			       const struct trace_cfg *cfg)
{
	struct session_poller *p = &s->pollers[s->npollers];
	uint32_t unmet = trace_cfg__filters(cfg) & ~c->poller->filters;
	int err;

	if (unmet && cfg->skip_unfiltered) {
		pr_warn("%s: left out: its fallback (%s) cannot apply %s, and BPF is not used (%s)",
			c->ops->name, c->poller->source, trace_filter_flag(unmet), c->why.detail);
		return 0;
	}
	if (unmet) {
		/* A filter the poller cannot apply would silently widen what is reported. */
		pr_err("%s: %s needs BPF: its fallback (%s) cannot apply it, and BPF is not used "
		       "(%s)",
		       c->ops->name, trace_filter_flag(unmet), c->poller->source, c->why.detail);
		return -ENOTSUP;
	}
	err = c->poller->open(cfg, &p->state);
	if (err) {
		pr_err("%s: fallback %s: %s", c->ops->name, c->poller->source, strerror(-err));
		return err;
	}
	p->ops = c->poller;
	p->why = c->why;
	s->npollers++;
	pr_info("%s: source %s (BPF not used: %s)", c->ops->name, c->poller->source, c->why.detail);
	return 0;
}

/* One subsystem: BPF if chosen (and, under auto, the poller if BPF then fails to load). */
static int session__add(struct session *s, const struct tracer_ops *ops,
			const struct trace_cfg *cfg)
{
	enum backend_mode mode = (enum backend_mode)cfg->backend;
	struct backend_choice c;
	int err = backend_choose(ops, mode, false, &c);

	if (err) {
		if (mode == BACKEND_FALLBACK)
			pr_err("%s: no fallback source for this subsystem", ops->name);
		else
			pr_err("%s: BPF unavailable: %s", ops->name, c.why.detail);
		return err;
	}
	if (c.bpf) {
		pr_info("%s: source bpf (--backend %s: %s)", ops->name, backend_names[mode],
			c.why.detail[0] ? c.why.detail : "BPF works here");
		err = session__add_tracer(s, ops, cfg);
		if (!err || mode != BACKEND_AUTO ||
		    !(c.poller = poller_ops__by_subsystem(ops->name)))
			return err;
		c.bpf = false;
		c.why.ok = false;
		snprintf(c.why.detail, sizeof(c.why.detail), "the BPF object failed: %s",
			 strerror(-err));
	}
	return session__add_poller(s, &c, cfg);
}

/* -v: the filters and sizes the kernel side is about to get. */
static void session_log_cfg(const struct trace_cfg *cfg)
{
	pr_info("filters: pid %u, tid %u, comm '%s', cgroup id %llu, min latency %llu ns "
		"(0/empty: any)",
		cfg->tgid, cfg->tid, cfg->comm, (unsigned long long)cfg->cgroup_id,
		(unsigned long long)cfg->min_latency_ns);
	pr_info("ring buffer %llu bytes per subsystem; fallbacks poll every %.3f s; "
		"stream kinds 0x%llx, histograms 0x%x",
		(unsigned long long)cfg->ringbuf_bytes, (double)cfg->poll_interval_ns / 1e9,
		(unsigned long long)cfg->stream_kinds, cfg->hists);
}

int session__start(struct session *s, const struct tracer_ops *const *ops, int n,
		   const struct trace_cfg *cfg, struct exporter *ex, consumer_observe_fn observe,
		   void *observe_ctx)
{
	int err = 0;

	memset(s, 0, sizeof(*s));
	consumer__init(&s->consumer, ex, observe, observe_ctx);
	s->poll_interval_ns =
		cfg->poll_interval_ns ? cfg->poll_interval_ns : POLL_INTERVAL_DEFAULT_NS;
	if (n > SESSION_MAX_TRACERS)
		return -E2BIG;
	session_log_cfg(cfg);
	for (int i = 0; i < n; i++) {
		err = session__add(s, ops[i], cfg);
		if (err)
			goto err_stop;
	}
	if (n && !s->ntracers && !s->npollers) {
		pr_err("nothing left to trace: no subsystem can apply the filters given");
		err = -ENOTSUP;
		goto err_stop;
	}
	return 0;

err_stop:
	session__stop(s);
	return err;
}

void session__check_drops(struct session *s, struct exporter *ex)
{
	for (int i = 0; i < s->ntracers; i++) {
		uint64_t now[TRACER_DROP_REASONS];

		tracer__read_unmatched(s->tracers[i], s->unmatched_seen[i]);
		if (tracer__read_drops(s->tracers[i], now))
			continue;
		for (int r = 0; r < TRACER_DROP_REASONS; r++) {
			struct vrow row = { .kind = VK_DROPS, .source = "bpf" };

			if (now[r] <= s->drops_seen[i][r])
				continue;
			row.ts_ns = mono_now_ns();
			row.v[VF_SUBSYSTEM].str = s->tracers[i]->ops->name;
			row.v[VF_LOST].u = now[r] - s->drops_seen[i][r];
			row.v[VF_REASON].str = drop_reason_names[r];
			s->drops_seen[i][r] = now[r];
			s->consumer.records[VK_DROPS]++;
			if (ex)
				exporter__write(ex, &row);
		}
	}
}

uint64_t session_plan_kinds(const struct tracer_ops *const *ops, int n, const struct trace_cfg *cfg)
{
	uint64_t kinds = 0;

	for (int i = 0; i < n; i++) {
		struct backend_choice c;

		if (backend_choose(ops[i], (enum backend_mode)cfg->backend, false, &c))
			continue;
		kinds |= c.bpf ? ops[i]->kinds : c.poller->kinds;
	}
	return kinds;
}

/* The tracers' userspace side: rows they make themselves (dns timeouts). */
static void session__tick_tracers(struct session *s, uint64_t now_ns)
{
	for (int i = 0; i < s->ntracers; i++) {
		const struct tracer_ops *ops = s->tracers[i]->ops;

		if (ops->tick)
			ops->tick(s->tracers[i]->skel, now_ns, consumer__emit, &s->consumer);
	}
}

void session__poll(struct session *s, uint64_t now_ns)
{
	for (int i = 0; i < s->npollers; i++) {
		int err = s->pollers[i].ops->poll(s->pollers[i].state, now_ns, consumer__emit,
						  &s->consumer);

		if (err)
			pr_warn("%s: poll: %s", s->pollers[i].ops->subsystem, strerror(-err));
	}
}

const char *session__source(const struct session *s, const char *name)
{
	for (int i = 0; i < s->ntracers; i++) {
		if (!strcmp(s->tracers[i]->ops->name, name))
			return "bpf";
	}
	for (int i = 0; i < s->npollers; i++) {
		if (!strcmp(s->pollers[i].ops->subsystem, name))
			return s->pollers[i].ops->source;
	}
	return NULL;
}

uint64_t session__drops_total(const struct session *s, int reason)
{
	uint64_t n = 0;

	for (int i = 0; i < s->ntracers; i++)
		n += s->drops_seen[i][reason];
	return n;
}

uint64_t session__records(void *session)
{
	const struct session *s = session;
	uint64_t n = 0;

	for (unsigned int k = 0; k < VK_MAX; k++) {
		if (k != VK_DROPS)
			n += s->consumer.records[k];
	}
	return n;
}

static uint64_t session__drops_all(const struct session *s)
{
	uint64_t n = 0;

	for (int r = 0; r < TRACER_DROP_REASONS; r++)
		n += session__drops_total(s, r);
	return n;
}

uint64_t session__unmatched_total(const struct session *s, int reason)
{
	uint64_t n = 0;

	for (int i = 0; i < s->ntracers; i++)
		n += s->unmatched_seen[i][reason];
	return n;
}

static int session__sink_error(const struct session *s)
{
	return s->consumer.ex ? sink__error(s->consumer.ex->sink) : 0;
}

int session__run(struct session *s, uint64_t duration_ns, uint64_t tick_ns, session_tick_fn tick,
		 void *ctx)
{
	uint64_t start = mono_now_ns(), next_tick = start + tick_ns, next_drops = start;
	uint64_t next_poll = start + s->poll_interval_ns;
	int err = 0;

	pr_info("running: %d BPF tracer(s), %d poller(s); duration %.3f s (0: until a signal), "
		"interval %.3f s (0: none)",
		s->ntracers, s->npollers, (double)duration_ns / 1e9, (double)tick_ns / 1e9);

	notify__ready(); /* every tracer is attached and the consumer is set up */
	while (!stop_is_requested()) {
		uint64_t now = mono_now_ns();

		if (duration_ns && now - start >= duration_ns)
			break;
		err = consumer__poll(&s->consumer, SESSION_POLL_MS);
		if (err < 0 && err != -EINTR) {
			pr_err("reading ring buffer: %s", strerror(-err));
			break;
		}
		err = 0;
		now = mono_now_ns();
		session__tick_tracers(s, now);
		if (s->npollers && now >= next_poll) {
			session__poll(s, now);
			next_poll += s->poll_interval_ns;
			if (next_poll < now)
				next_poll = now + s->poll_interval_ns;
		}
		if (now >= next_drops) {
			session__check_drops(s, s->consumer.ex);
			next_drops = now + 1000000000ULL;
		}
		if (status_line__is_due(s->status, now))
			status_line__update(s->status, now, session__drops_all(s));
		if (tick && tick_ns && now >= next_tick) {
			err = tick(ctx, now);
			if (err) {
				err = err > 0 ? 0 : err; /* > 0: the tick says it is done */
				break;
			}
			next_tick += tick_ns;
		}
		err = session__sink_error(s);
		if (err)
			break;
	}
	if (!err) {
		/* Hand over what is still in the rings before the final drop count. */
		consumer__drain_all(&s->consumer);
		session__tick_tracers(s, mono_now_ns());
		session__poll(s, mono_now_ns()); /* what changed since the last poll */
		session__check_drops(s, s->consumer.ex);
		err = session__sink_error(s);
	}
	status_line__clear(s->status);
	return err;
}

struct tracer *session__tracer(const struct session *s, const char *name)
{
	for (int i = 0; i < s->ntracers; i++) {
		if (!strcmp(s->tracers[i]->ops->name, name))
			return s->tracers[i];
	}
	return NULL;
}

void session__stop(struct session *s)
{
	consumer__fini(&s->consumer);
	for (int i = 0; i < s->ntracers; i++)
		tracer__free(s->tracers[i]);
	s->ntracers = 0;
	for (int i = 0; i < s->npollers; i++)
		s->pollers[i].ops->close(s->pollers[i].state);
	s->npollers = 0;
}
