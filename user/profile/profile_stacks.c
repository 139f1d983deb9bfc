// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * profile_stacks.c: the end of a profile: every key of the in-kernel `counts` hash becomes a
 * prof_stack with its frames looked up in the `stacks` map and named through kallsyms and
 * the processes' ELF objects. Stacks that the kernel could not take appear as
 * "[missing kernel stack]" / "[missing user stack]" frames; a user stack that does not reach
 * a process or thread entry point (neither call-frame information nor frame pointers led
 * further, or the depth limit), and that the unwinder did not mark complete, gets a
 * "[truncated]" frame at its root. Both are counted in the result.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "profile/ksyms.h"
#include "core/log.h"
#include "profile.skel.h"
#include "profile/profile_impl.h"
#include "core/tracer.h"
#include "core/wallclock.h"
#include "unwind.h"
#include "profile/unwind_maps.h"
#include "profile/usyms.h"

#define FRAME_NAME_MAX 512

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * Where a complete user stack ends: glibc's process and thread entries, musl's, Go's. A
 * frame-pointer walk that stops anywhere else lost frames on the way, with one exception:
 * a distribution's C library has no .symtab, so its entry trampolines
 * (__libc_start_call_main, start_thread) do not resolve; a walk that ends inside libc or
 * the dynamic loader (below at least one caller) is taken as complete, unless the unwinder
 * marked it cut (the call-frame information knew of a caller there).
 */
static const char *const entry_frames[] = {
	"_start",
	"__libc_start_main",
	"__libc_start_call_main",
	"start_thread",
	"clone",
	"clone3",
	"__clone",
	"__clone3",
	"thread_start",
	"__start",
	"libc_start_main_stage2",
	"start",
	"runtime.goexit",
	"runtime.main",
	"runtime.mstart",
	NULL,
};

static const char *const entry_modules[] = { "libc.so", "libc-",      "ld-linux",
					     "ld-musl", "libpthread", NULL };

bool prof_frame_is_entry(const char *name, const char *module)
{
	const char *base = module ? strrchr(module, '/') : NULL;

	for (int i = 0; entry_frames[i]; i++) {
		if (!strcmp(name, entry_frames[i]))
			return true;
	}
	base = base ? base + 1 : module;
	for (int i = 0; base && entry_modules[i]; i++) {
		if (!strncmp(base, entry_modules[i], strlen(entry_modules[i])))
			return true;
	}
	return false;
}

struct frame_buf {
	char **frames;
	uint32_t *maps;
	int n, cap;
};

/* Add frame name, found in prof_result.maps[map - 1] (0: none). */
static int frame_buf__push_map(struct frame_buf *fb, const char *name, uint32_t map)
{
	if (fb->n == fb->cap) {
		int cap = fb->cap ? fb->cap * 2 : 32;
		char **p = realloc(fb->frames, (size_t)cap * sizeof(*p));
		uint32_t *m;

		if (!p)
			return -ENOMEM;
		fb->frames = p;
		m = realloc(fb->maps, (size_t)cap * sizeof(*m));
		if (!m)
			return -ENOMEM;
		fb->maps = m;
		fb->cap = cap;
	}
	fb->frames[fb->n] = strdup(name);
	if (!fb->frames[fb->n])
		return -ENOMEM;
	fb->maps[fb->n] = map;
	fb->n++;
	return 0;
}

static int frame_buf__push(struct frame_buf *fb, const char *name)
{
	return frame_buf__push_map(fb, name, 0);
}

/* 1 + the index of the object (path, build_id) in r->maps, added if new; 0 if out of memory. */
static uint32_t result__map(struct prof_result *r, const char *path, const char *build_id,
			    const struct proc_map *m)
{
	struct prof_map *p;

	for (size_t i = 0; i < r->nmaps; i++) {
		if (!strcmp(r->maps[i].path, path) && !strcmp(r->maps[i].build_id, build_id))
			return (uint32_t)i + 1;
	}
	p = realloc(r->maps, (r->nmaps + 1) * sizeof(*p));
	if (!p)
		return 0;
	r->maps = p;
	p = &r->maps[r->nmaps];
	memset(p, 0, sizeof(*p));
	p->path = strdup(path);
	if (!p->path)
		return 0;
	snprintf(p->build_id, sizeof(p->build_id), "%s", build_id);
	if (m) {
		p->start = m->start;
		p->limit = m->end;
		p->offset = m->offset;
	}
	return (uint32_t)++r->nmaps;
}

/* The frames of stack id, innermost first, into ips; the depth, or 0 if gone. */
static int stack__read(int fd, __s32 id, __u64 *ips)
{
	__u64 slots[VG_PROF_MAX_DEPTH + 1]; /* as the kernel keeps them, zero-filled */
	int depth = 0;

	if (bpf_map_lookup_elem(fd, &id, slots))
		return 0;
	while (depth < VG_PROF_MAX_DEPTH && slots[depth])
		depth++;
	memcpy(ips, slots, (size_t)depth * sizeof(*ips));
	return depth;
}

/*
 * The frames of user stack id (the unwinder's `ustacks` map), innermost first; the depth, or
 * 0 if gone. *complete: the call-frame information said the outermost frame is the last;
 * *cut: it said there was a caller the walk did not reach.
 */
static int ustack__read(int fd, __s32 id, __u64 *ips, bool *complete, bool *cut)
{
	__u64 slots[VG_PROF_MAX_DEPTH + 1];
	int depth = 0;

	*complete = *cut = false;
	if (bpf_map_lookup_elem(fd, &id, slots))
		return 0;
	while (depth < VG_PROF_MAX_DEPTH + 1 && slots[depth] && slots[depth] != VG_UNW_END_MARK &&
	       slots[depth] != VG_UNW_CUT_MARK)
		depth++;
	if (depth <= VG_PROF_MAX_DEPTH) {
		*complete = slots[depth] == VG_UNW_END_MARK;
		*cut = slots[depth] == VG_UNW_CUT_MARK;
	}
	if (depth > VG_PROF_MAX_DEPTH)
		depth = VG_PROF_MAX_DEPTH;
	memcpy(ips, slots, (size_t)depth * sizeof(*ips));
	return depth;
}

static int push_user(struct profiler *p, struct prof_result *r, const struct vg_prof_key *k,
		     const struct vg_prof_val *v, int fd, struct frame_buf *fb)
{
	__u64 ips[VG_PROF_MAX_DEPTH];
	char name[FRAME_NAME_MAX];
	bool complete = false, cut = false;
	int depth, err;

	if (k->ustack_id == VG_STACK_NONE)
		return 0;
	depth = k->ustack_id >= 0 ? ustack__read(fd, k->ustack_id, ips, &complete, &cut) : 0;
	if (!depth) {
		r->missing_user += v->value;
		return frame_buf__push(fb, "[missing user stack]");
	}
	if (!usyms__has_pid(p->usyms, k->pid) && usyms__add_pid(p->usyms, k->pid))
		r->unknown_pids++;
	/* Root first: walk from the outermost frame in. Return addresses point past the call. */
	for (int i = depth - 1; i >= 0; i--) {
		const struct proc_map *m;
		const char *module, *build_id;
		uint32_t map = 0;

		/*
		 * A signal trampoline's "return address" is its first instruction (the kernel
		 * pushes it; nothing called it): when the byte before names nothing, the
		 * address itself does (glibc's __restore_rt).
		 */
		if (!usyms__resolve(p->usyms, k->pid, i ? ips[i] - 1 : ips[i], name, sizeof(name),
				    &module) &&
		    i)
			usyms__resolve(p->usyms, k->pid, ips[i], name, sizeof(name), &module);
		m = module ? usyms__mapping(p->usyms, k->pid, ips[i], &build_id) : NULL;
		if (m)
			map = result__map(r, m->path, build_id, m);
		if (i == depth - 1 && !complete &&
		    (cut || depth == VG_PROF_MAX_DEPTH || depth < 2 ||
		     !prof_frame_is_entry(name, module))) {
			r->truncated_user += v->value;
			err = frame_buf__push(fb, "[truncated]");
			if (err)
				return err;
		}
		err = frame_buf__push_map(fb, name, map);
		if (err)
			return err;
	}
	return 0;
}

static bool ksym_is_tracing_glue(const struct ksym *sym)
{
	return sym &&
	       (!strncmp(sym->name, "bpf_prog_", 9) || !strncmp(sym->name, "bpf_trace_run", 13) ||
		!strncmp(sym->name, "__bpf_trace_", 12) || !strncmp(sym->name, "__traceiter_", 12));
}

/* kallsyms, read when a kernel frame first needs a name: user-only profiles never pay it. */
struct ksyms_lazy {
	struct ksyms *ks;
	bool tried;
};

static const struct ksyms *ksyms_lazy__get(struct ksyms_lazy *l)
{
	if (l->tried)
		return l->ks;
	l->tried = true;
	l->ks = ksyms__load(NULL);
	if (!l->ks)
		pr_warn("profile: kallsyms: %s; kernel frames print as addresses", strerror(errno));
	return l->ks;
}

static int push_kernel(struct ksyms_lazy *kl, struct prof_result *r, const struct vg_prof_key *k,
		       const struct vg_prof_val *v, int fd, struct frame_buf *fb)
{
	__u64 ips[VG_PROF_MAX_DEPTH];
	char name[FRAME_NAME_MAX];
	const struct ksyms *ks;
	int depth, err;
	uint32_t map;

	if (k->kstack_id == VG_STACK_NONE)
		return 0;
	depth = k->kstack_id >= 0 ? stack__read(fd, k->kstack_id, ips) : 0;
	if (!depth) {
		r->missing_kernel += v->value;
		return frame_buf__push(fb, "[missing kernel stack]");
	}
	ks = ksyms_lazy__get(kl);
	/* Off-CPU stacks are taken inside the tracepoint: drop vigil's own frames. */
	while (depth > 1 && ks && ksym_is_tracing_glue(ksyms__find(ks, ips[0]))) {
		memmove(ips, ips + 1, (size_t)(depth - 1) * sizeof(*ips));
		depth--;
	}
	map = result__map(r, "[kernel.kallsyms]", "", NULL);
	for (int i = depth - 1; i >= 0; i--) {
		const struct ksym *sym = ks ? ksyms__find(ks, i ? ips[i] - 1 : ips[i]) : NULL;

		if (sym)
			snprintf(name, sizeof(name), "%s_[k]", sym->name);
		else
			snprintf(name, sizeof(name), "0x%llx_[k]", (unsigned long long)ips[i]);
		err = frame_buf__push_map(fb, name, map);
		if (err)
			return err;
	}
	return 0;
}

static int result__add(struct prof_result *r, size_t *cap, const struct vg_prof_key *k,
		       const struct vg_prof_val *v, struct frame_buf *fb, int nkframes)
{
	struct prof_stack *s;

	if (r->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct prof_stack *p = realloc(r->stacks, ncap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		r->stacks = p;
		*cap = ncap;
	}
	s = &r->stacks[r->n++];
	memset(s, 0, sizeof(*s));
	s->pid = k->pid;
	s->tid = k->tid;
	s->cgroup_id = k->cgroup_id;
	memcpy(s->comm, k->comm, VG_COMM_LEN);
	s->value = v->value;
	s->count = v->count;
	s->frames = fb->frames;
	s->frame_maps = fb->maps;
	s->nframes = fb->n;
	s->nkframes = nkframes;
	r->total_value += v->value;
	r->total_count += v->count;
	return 0;
}

static int stack_cmp(const void *a, const void *b)
{
	const struct prof_stack *x = a, *y = b;

	if (x->value != y->value)
		return x->value > y->value ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static void profiler__read_errs(struct profiler *p, struct prof_result *r)
{
	int ncpus = libbpf_num_possible_cpus(), fd = bpf_map__fd(p->skel->maps.stack_errs);
	__u64 *percpu;

	if (ncpus <= 0)
		return;
	percpu = calloc((size_t)ncpus, sizeof(*percpu));
	if (!percpu)
		return;
	for (__u32 i = 0; i < VG_SERR_MAX; i++) {
		if (bpf_map_lookup_elem(fd, &i, percpu))
			continue;
		for (int c = 0; c < ncpus; c++)
			r->stack_errs[i] += percpu[c];
	}
	free(percpu);
}

static void profiler__read_drops(struct profiler *p, struct prof_result *r)
{
	struct tracer t = { .drops_fd = bpf_map__fd(p->skel->maps.drops) };

	tracer__read_drops(&t, r->drops);
}

int profiler__collect(struct profiler *p, struct prof_result *r)
{
	int counts_fd = bpf_map__fd(p->skel->maps.counts);
	int stacks_fd = bpf_map__fd(p->skel->maps.stacks);
	int ustacks_fd = bpf_map__fd(p->skel->maps.ustacks);
	struct vg_prof_key key, next, *prev = NULL;
	struct ksyms_lazy kl = { 0 };
	size_t cap = 0;
	int err = 0;

	memset(r, 0, sizeof(*r));
	r->off_cpu = p->cfg.off_cpu;
	r->freq = p->cfg.freq;
	r->ncpus = p->ncpus;
	r->duration_ns = (p->end_ns ? p->end_ns : p->start_ns) - p->start_ns;
	r->start_realtime_ns = realtime_ns() - (mono_now_ns() - p->start_ns);
	r->task_matched = p->skel->bss->task_matched;
	while (!bpf_map_get_next_key(counts_fd, prev, &next)) {
		struct frame_buf fb = { 0 };
		struct vg_prof_val v;
		int nuser;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(counts_fd, &key, &v))
			continue;
		err = push_user(p, r, &key, &v, ustacks_fd, &fb);
		nuser = fb.n;
		if (!err)
			err = push_kernel(&kl, r, &key, &v, stacks_fd, &fb);
		if (!err)
			err = result__add(r, &cap, &key, &v, &fb, fb.n - nuser);
		if (err) {
			for (int i = 0; i < fb.n; i++)
				free(fb.frames[i]);
			free(fb.frames);
			free(fb.maps);
			break;
		}
	}
	ksyms__free(kl.ks);
	if (err) {
		prof_result__fini(r);
		return err;
	}
	if (r->n)
		qsort(r->stacks, r->n, sizeof(*r->stacks), stack_cmp);
	profiler__read_errs(p, r);
	profiler__read_drops(p, r);
	r->drops[VG_DROP_RINGBUF_FULL] += p->pending_lost;
	r->open_blocks = p->open_blocks;
	if (p->unw)
		unw_maps__stats(p->unw, &r->unwind);
	return 0;
}

void prof_result__fini(struct prof_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		for (int j = 0; j < r->stacks[i].nframes; j++)
			free(r->stacks[i].frames[j]);
		free(r->stacks[i].frames);
		free(r->stacks[i].frame_maps);
	}
	free(r->stacks);
	r->stacks = NULL;
	r->n = 0;
	for (size_t i = 0; i < r->nmaps; i++)
		free(r->maps[i].path);
	free(r->maps);
	r->maps = NULL;
	r->nmaps = 0;
}
