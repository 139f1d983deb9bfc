// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tracer.c: the lifecycle every BPF subsystem shares, and the subsystem registry.
 */
#include "tracer.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "probe.h"

extern const struct tracer_ops sched_tracer_ops;
extern const struct tracer_ops tcp_tracer_ops;
extern const struct tracer_ops blkio_tracer_ops;

const struct tracer_ops *const tracer_registry[] = {
	&sched_tracer_ops,
	&tcp_tracer_ops,
	&blkio_tracer_ops,
	NULL,
};

const char *const drop_reason_names[TRACER_DROP_REASONS] = {
	"ringbuf_full",
	"map_full",
	"no_storage",
};

const char *const unmatched_reason_names[TRACER_UNMATCHED_REASONS] = {
	"started_before_trace",
	"start_not_seen",
};

const struct tracer_ops *tracer_ops__by_name(const char *name)
{
	for (int i = 0; tracer_registry[i]; i++) {
		if (!strcmp(tracer_registry[i]->name, name))
			return tracer_registry[i];
	}
	return NULL;
}

const char *tracer_names(void)
{
	static char names[128];

	if (!names[0]) {
		for (int i = 0; tracer_registry[i]; i++) {
			if (i)
				strncat(names, ", ", sizeof(names) - strlen(names) - 1);
			strncat(names, tracer_registry[i]->name, sizeof(names) - strlen(names) - 1);
		}
	}
	return names;
}

int tracer__map_fd(const struct tracer *t, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(t->obj, name);

	return map ? bpf_map__fd(map) : -ENOENT;
}

static int tracer__attach_all(struct tracer *t)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, t->obj) {
		struct bpf_link *link;

		if (!bpf_program__autoload(prog))
			continue;
		if (t->nlinks == TRACER_MAX_LINKS)
			return -E2BIG;
		link = bpf_program__attach(prog);
		if (!link) {
			int err = -errno;

			pr_err("%s: attach %s: %s", t->ops->name, bpf_program__section_name(prog),
			       strerror(-err));
			return err;
		}
		t->links[t->nlinks++] = link;
	}
	return 0;
}

static int tracer__open_load(struct tracer *t, const struct trace_cfg *cfg)
{
	struct bpf_map *events;
	int err;

	t->skel = t->ops->open(cfg, &t->obj);
	if (!t->skel) {
		err = -errno;
		pr_err("%s: open BPF object: %s", t->ops->name, strerror(-err));
		return err;
	}
	events = bpf_object__find_map_by_name(t->obj, "events");
	if (events && cfg->ringbuf_bytes) {
		err = bpf_map__set_max_entries(events, (__u32)cfg->ringbuf_bytes);
		if (err)
			return err;
	}
	err = bpf_object__load(t->obj);
	if (err) {
		pr_err("%s: load BPF object: %s (run 'vigil doctor' for why)", t->ops->name,
		       strerror(-err));
		return err;
	}
	if (t->ops->loaded) {
		err = t->ops->loaded(t->skel, cfg);
		if (err) {
			pr_err("%s: set up filter maps: %s", t->ops->name, strerror(-err));
			return err;
		}
	}
	t->events_fd = tracer__map_fd(t, "events");
	t->drops_fd = tracer__map_fd(t, "drops");
	t->unmatched_fd = tracer__map_fd(t, "unmatched");
	return 0;
}

int tracer__new(const struct tracer_ops *ops, const struct trace_cfg *cfg, struct tracer **out)
{
	struct probe_result why;
	struct tracer *t;
	int err;

	if (!probe_subsystem(ops, false, &why)) {
		pr_err("%s: BPF unavailable: %s", ops->name, why.detail);
		return -ENOTSUP;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->ops = ops;
	err = tracer__open_load(t, cfg);
	if (err)
		goto err_free;
	err = tracer__attach_all(t);
	if (err)
		goto err_free;
	*out = t;
	return 0;

err_free:
	tracer__free(t);
	return err;
}

int tracer__try_load(const struct tracer_ops *ops)
{
	struct trace_cfg cfg = { .ringbuf_bytes = 1 << 16, .hist_unit_ns = 1000 };
	struct tracer t = { .ops = ops };
	int err = tracer__open_load(&t, &cfg);

	if (t.skel)
		ops->destroy(t.skel);
	return err;
}

/* Sum the n per-CPU u64 counters of the array map fd into out[0..n). */
static int percpu_counters__read(int fd, uint64_t *out, __u32 n)
{
	int ncpus = libbpf_num_possible_cpus();
	uint64_t *percpu;

	memset(out, 0, sizeof(uint64_t) * n);
	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	if (fd < 0)
		return 0; /* an object without such counters counts nothing */
	percpu = calloc((size_t)ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (__u32 reason = 0; reason < n; reason++) {
		if (bpf_map_lookup_elem(fd, &reason, percpu))
			continue;
		for (int cpu = 0; cpu < ncpus; cpu++)
			out[reason] += percpu[cpu];
	}
	free(percpu);
	return 0;
}

int tracer__read_drops(const struct tracer *t, uint64_t out[TRACER_DROP_REASONS])
{
	return percpu_counters__read(t->drops_fd, out, TRACER_DROP_REASONS);
}

int tracer__read_unmatched(const struct tracer *t, uint64_t out[TRACER_UNMATCHED_REASONS])
{
	return percpu_counters__read(t->unmatched_fd, out, TRACER_UNMATCHED_REASONS);
}

void tracer__free(struct tracer *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->nlinks; i++)
		bpf_link__destroy(t->links[i]);
	if (t->skel)
		t->ops->destroy(t->skel);
	free(t);
}
