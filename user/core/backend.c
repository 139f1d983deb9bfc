// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * backend.c: the poller registry and the per-subsystem choice between BPF and a poller.
 */
#include "core/backend.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/tracer.h"

const char *const backend_names[] = { "auto", "bpf", "fallback", NULL };

extern const struct poller_ops sched_poller_ops, blkio_poller_ops, tcp_poller_ops;
extern const struct poller_ops dns_poller_ops;

const struct poller_ops *const poller_registry[] = {
	&sched_poller_ops, &tcp_poller_ops, &blkio_poller_ops, &dns_poller_ops, NULL,
};

const struct poller_ops *poller_ops__by_subsystem(const char *name)
{
	for (int i = 0; poller_registry[i]; i++) {
		if (!strcmp(poller_registry[i]->subsystem, name))
			return poller_registry[i];
	}
	return NULL;
}

bool backend_probe(const struct tracer_ops *ops, bool try_load, struct probe_result *r)
{
	int err;

	if (!probe_machine(r))
		return false;
	for (const char *const *tp = ops->tracepoints; *tp; tp++) {
		if (!probe_has_tracepoint(*tp)) {
			r->ok = false;
			snprintf(r->detail, sizeof(r->detail), "tracepoint %s missing", *tp);
			return false;
		}
	}
	if (ops->probe && !ops->probe(r))
		return false;
	if (try_load) {
		err = tracer__try_load(ops);
		if (err) {
			r->ok = false;
			snprintf(r->detail, sizeof(r->detail),
				 "the kernel refused the BPF object: %s (vigil -vv shows the "
				 "verifier log)",
				 strerror(-err));
			return false;
		}
	}
	r->ok = true;
	snprintf(r->detail, sizeof(r->detail), "BPF usable (%s)",
		 try_load ? "object loads and verifies" : "all checks pass");
	return true;
}

int backend_choose(const struct tracer_ops *ops, enum backend_mode mode, bool try_load,
		   struct backend_choice *c)
{
	memset(c, 0, sizeof(*c));
	c->ops = ops;
	if (mode == BACKEND_FALLBACK) {
		c->why.ok = false;
		snprintf(c->why.detail, sizeof(c->why.detail), "--backend fallback");
	} else {
		backend_probe(ops, try_load, &c->why);
	}
	if (c->why.ok) {
		c->bpf = true;
		return 0;
	}
	if (mode == BACKEND_BPF)
		return -ENOTSUP;
	c->poller = poller_ops__by_subsystem(ops->name);
	if (c->poller && c->poller->probe) {
		struct probe_result r;
		size_t len = strlen(c->why.detail);

		if (!c->poller->probe(&r)) {
			/* say why neither source can be had */
			snprintf(c->why.detail + len, sizeof(c->why.detail) - len,
				 "; fallback %s: %s", c->poller->source, r.detail);
			c->poller = NULL;
		}
	}
	return c->poller ? 0 : -ENOTSUP;
}

const char *backend_choice__source(const struct backend_choice *c)
{
	if (c->bpf)
		return "bpf";
	return c->poller ? c->poller->source : "none";
}
