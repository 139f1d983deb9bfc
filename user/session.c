// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * session.c: start, run and stop a set of tracers around one consumer.
 */
#include "session.h"

#include <errno.h>
#include <string.h>

#include "log.h"
#include "stop.h"
#include "wallclock.h"

int session__start(struct session *s, const struct tracer_ops *const *ops, int n,
		   const struct trace_cfg *cfg, struct exporter *ex, consumer_observe_fn observe,
		   void *observe_ctx)
{
	int err = 0;

	memset(s, 0, sizeof(*s));
	consumer__init(&s->consumer, ex, observe, observe_ctx);
	if (n > SESSION_MAX_TRACERS)
		return -E2BIG;
	for (int i = 0; i < n; i++) {
		struct tracer *t;

		err = tracer__new(ops[i], cfg, &t);
		if (err)
			goto err_stop;
		s->tracers[s->ntracers++] = t;
		err = consumer__add_ring(&s->consumer, t->events_fd);
		if (err) {
			pr_err("%s: ring buffer: %s", ops[i]->name, strerror(-err));
			goto err_stop;
		}
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

uint64_t session__drops_total(const struct session *s, int reason)
{
	uint64_t n = 0;

	for (int i = 0; i < s->ntracers; i++)
		n += s->drops_seen[i][reason];
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
	int err = 0;

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
		if (now >= next_drops) {
			session__check_drops(s, s->consumer.ex);
			next_drops = now + 1000000000ULL;
		}
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
		consumer__poll(&s->consumer, 0);
		session__check_drops(s, s->consumer.ex);
		err = session__sink_error(s);
	}
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
}
