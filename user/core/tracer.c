// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tracer.c: the lifecycle every BPF subsystem shares, and the subsystem registry.
 */
#include "core/tracer.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/obj_load.h"
#include "core/probe.h"

extern const struct tracer_ops sched_tracer_ops;
extern const struct tracer_ops tcp_tracer_ops;
extern const struct tracer_ops blkio_tracer_ops;
extern const struct tracer_ops dns_tracer_ops;

const struct tracer_ops *const tracer_registry[] = {
	&sched_tracer_ops,
	&tcp_tracer_ops,
	&blkio_tracer_ops,
	&dns_tracer_ops, /* only when asked for (on_request) */
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

int map__shrink_unused(struct bpf_map *map, bool used)
{
	return used ? 0 : bpf_map__set_max_entries(map, 1);
}

int tracer__map_fd(const struct tracer *t, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(t->obj, name);

	return map ? bpf_map__fd(map) : -ENOENT;
}

const struct tracer_hook *tracer_ops__hook(const struct tracer_ops *ops, const char *prog)
{
	for (const struct tracer_hook *h = ops->hooks; h && h->prog; h++) {
		if (!strcmp(h->prog, prog))
			return h;
	}
	return NULL;
}

static bool prog_is_cgroup(const struct bpf_program *prog)
{
	switch (bpf_program__type(prog)) {
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_CGROUP_SOCK:
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
		return true;
	default:
		return false;
	}
}

/* Tracepoints attach by name; cgroup programs to the root of the cgroup v2 tree. */
static struct bpf_link *prog__attach(struct bpf_program *prog)
{
	struct probe_result r;
	struct bpf_link *link;
	char path[4096];
	int fd, err;

	if (!prog_is_cgroup(prog))
		return bpf_program__attach(prog);
	if (!probe_cgroup2_root(path, sizeof(path), &r)) {
		errno = ENOENT;
		return NULL;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	link = bpf_program__attach_cgroup(prog, fd);
	err = errno;
	close(fd);
	errno = err;
	return link;
}

/* An optional hook that does not attach loses its record kinds, loudly, not the subsystem. */
static int tracer__attach_all(struct tracer *t)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, t->obj)
	{
		const struct tracer_hook *hook;
		struct bpf_link *link;

		if (!bpf_program__autoload(prog))
			continue;
		if (t->nlinks == TRACER_MAX_LINKS)
			return -E2BIG;
		link = prog__attach(prog);
		if (!link) {
			int err = -errno;

			hook = tracer_ops__hook(t->ops, bpf_program__name(prog));
			if (hook && hook->optional) {
				pr_warn("%s: attach %s: %s: its records are lost (vigil doctor)",
					t->ops->name, bpf_program__section_name(prog),
					strerror(-err));
				continue;
			}
			pr_err("%s: attach %s: %s", t->ops->name, bpf_program__section_name(prog),
			       strerror(-err));
			return err;
		}
		t->links[t->nlinks++] = link;
		pr_info("%s: attached %s", t->ops->name, bpf_program__section_name(prog));
	}
	return 0;
}

/* -v: each map the kernel gave this tracer, with its type and size. */
static void tracer__log_maps(const struct tracer *t)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, t->obj)
	{
		if (bpf_map__is_internal(map))
			continue; /* .rodata, .bss: the knobs, not tables */
		pr_info("%s: map %s: %s, %u entries (%u-byte keys, %u-byte values)", t->ops->name,
			bpf_map__name(map), libbpf_bpf_map_type_str(bpf_map__type(map)),
			bpf_map__max_entries(map), bpf_map__key_size(map),
			bpf_map__value_size(map));
	}
	pr_info("%s: ring buffers: %d x %u bytes, one per CPU", t->ops->name, t->rings.n,
		t->rings.ring_bytes);
}

static int tracer__open_load(struct tracer *t, const struct trace_cfg *cfg)
{
	int err;

	t->skel = t->ops->open(cfg, &t->obj);
	if (!t->skel) {
		err = -errno;
		pr_err("%s: open BPF object: %s", t->ops->name, strerror(-err));
		return err;
	}
	err = ring_set__prepare(&t->rings, t->obj, trace_cfg__ring_total(cfg));
	if (err) {
		pr_err("%s: ring buffers: %s", t->ops->name, strerror(-err));
		return err;
	}
	err = obj__load(t->obj);
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
	err = ring_set__wait(&t->rings);
	if (err) {
		pr_err("%s: ring buffers: %s", t->ops->name, strerror(-err));
		return err;
	}
	t->drops_fd = tracer__map_fd(t, "drops");
	t->unmatched_fd = tracer__map_fd(t, "unmatched");
	tracer__log_maps(t);
	return 0;
}

int tracer__new(const struct tracer_ops *ops, const struct trace_cfg *cfg, struct tracer **out)
{
	struct tracer *t;
	int err;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->ops = ops;
	t->hist_per = cfg->hist_per;
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

/* Asking for nothing loads every program: the doctor's trial configuration. */
static const struct trace_cfg try_cfg = { .ringbuf_bytes = 1 << 16, .hist_unit_ns = 1000 };

int tracer__try_load(const struct tracer_ops *ops)
{
	struct tracer t = { .ops = ops };
	struct trace_cfg cfg = try_cfg;
	int err = tracer__open_load(&t, &cfg);

	if (t.skel)
		ops->destroy(t.skel);
	ring_set__free(&t.rings);
	return err;
}

/* Attach prog and detach it at once: proof that the kernel takes it here. */
static void hook__try_attach(struct bpf_program *prog, struct tracer_hook_check *c)
{
	struct bpf_link *link;

	if (!bpf_program__autoload(prog)) {
		snprintf(c->detail, sizeof(c->detail), "not loaded");
		return;
	}
	link = prog__attach(prog);
	if (!link) {
		snprintf(c->detail, sizeof(c->detail), "attach: %s", strerror(errno));
		return;
	}
	bpf_link__destroy(link);
	c->ok = true;
	snprintf(c->detail, sizeof(c->detail), "verifies and attaches");
}

/*
 * Open ops' object with the programs of the hooks that have a tracepoint (only: just that
 * one) set to load, whatever a trace would pick, and load it. 0 or a negative errno.
 */
static int hooks__open_load(const struct tracer_ops *ops, const bool *present, const char *only,
			    struct tracer *t)
{
	struct trace_cfg cfg = try_cfg;

	t->skel = ops->open(&cfg, &t->obj);
	if (!t->skel)
		return -errno;
	for (int i = 0; ops->hooks[i].prog; i++) {
		struct bpf_program *prog =
			bpf_object__find_program_by_name(t->obj, ops->hooks[i].prog);

		if (prog)
			bpf_program__set_autoload(prog, only ? !strcmp(ops->hooks[i].prog, only)
							     : present[i]);
	}
	return obj__load(t->obj);
}

/* The whole object did not load: load the hook's program alone to see whether it is to blame. */
static void hook__check_alone(const struct tracer_ops *ops, const struct tracer_hook *h,
			      struct tracer_hook_check *c)
{
	struct tracer t = { .ops = ops };
	struct bpf_program *prog;
	int err = hooks__open_load(ops, NULL, h->prog, &t);

	prog = t.obj ? bpf_object__find_program_by_name(t.obj, h->prog) : NULL;
	if (err)
		snprintf(c->detail, sizeof(c->detail),
			 "the kernel refused the program: %s (vigil -vv shows the verifier log)",
			 strerror(-err));
	else if (prog)
		hook__try_attach(prog, c);
	if (t.skel)
		ops->destroy(t.skel);
}

int tracer__check_hooks(const struct tracer_ops *ops, struct tracer_hook_check *out)
{
	bool present[TRACER_MAX_HOOKS + 1] = { 0 };
	struct tracer t = { .ops = ops };
	int n = 0, err;

	for (const struct tracer_hook *h = ops->hooks; h && h->prog && n < TRACER_MAX_HOOKS; h++) {
		struct tracer_hook_check *c = &out[n];

		memset(c, 0, sizeof(*c));
		snprintf(c->attach, sizeof(c->attach), "%s", h->prog);
		present[n] = !h->tracepoint || probe_has_tracepoint(h->tracepoint);
		if (!present[n])
			snprintf(c->detail, sizeof(c->detail),
				 "tracepoint %s missing from kernel BTF", h->tracepoint);
		n++;
	}
	if (!n)
		return 0;
	err = hooks__open_load(ops, present, NULL, &t);
	for (int i = 0; i < n; i++) {
		const struct tracer_hook *h = &ops->hooks[i];
		struct bpf_program *prog =
			t.obj ? bpf_object__find_program_by_name(t.obj, h->prog) : NULL;

		if (prog)
			snprintf(out[i].attach, sizeof(out[i].attach), "%s",
				 bpf_program__section_name(prog));
		if (!present[i])
			continue;
		if (!t.skel)
			snprintf(out[i].detail, sizeof(out[i].detail), "open BPF object: %s",
				 strerror(-err));
		else if (err)
			hook__check_alone(ops, h, &out[i]);
		else if (prog)
			hook__try_attach(prog, &out[i]);
		else
			snprintf(out[i].detail, sizeof(out[i].detail), "no program %s", h->prog);
	}
	if (t.skel)
		ops->destroy(t.skel);
	return n;
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
	ring_set__free(&t->rings);
	free(t);
}
