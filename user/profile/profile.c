// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * profile.c: the profiler's lifecycle: open the skeleton and set its rodata and map sizes,
 * load only the programs of the chosen mode, attach them (one software CPU-clock perf event
 * per online CPU for on-CPU; two tp_btf programs for off-CPU), and run: the ring buffer
 * carries only "first sample of this pid" records, queued by the callback and handled after
 * each poll, where the process's maps are read while it still exists.
 */
#include "profile/profile.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/log.h"
#include "core/obj_load.h"
#include "core/probe.h"
#include "profile.skel.h"
#include "profile/profile_impl.h"
#include "core/stop.h"
#include "cli/trace_opts.h"
#include "profile/unwind_maps.h"
#include "profile/usyms.h"
#include "core/wallclock.h"
#include "cli/status.h"
#include "core/tracer.h"

#define POLL_MS 100

void profile_cfg__init(struct profile_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	trace_cfg__init(&cfg->trace);
	/*
	 * Only announcements cross the ring (a new pid, a table wanted): one per entry of the
	 * 16384-pid seen map takes 512 KB. The tracers' 8 MB would be allocated for nothing.
	 */
	cfg->trace.ringbuf_bytes = 1 << 20;
	cfg->freq = PROFILE_FREQ_DEFAULT;
	cfg->min_block_ns = 1;
	cfg->max_block_ns = ~0ULL;
	cfg->state_mask = PROF_STATE_S | PROF_STATE_D | PROF_STATE_R;
	cfg->stack_storage = PROFILE_STORAGE_DEFAULT;
	cfg->kernel_stacks = true;
	cfg->user_stacks = true;
	cfg->unwind_memory = UNW_MEMORY_DEFAULT;
	cfg->max_frames = PROFILE_MAX_FRAMES;
}

static int profile_rb_event(void *ctx, void *data, size_t len)
{
	struct profiler *p = ctx;
	struct vg_prof_pid e;

	if (len < sizeof(e))
		return 0;
	memcpy(&e, data, sizeof(e));
	if (e.hdr.kind != VG_KIND_PROF_PID)
		return 0;
	if (e.pad) { /* an evicted unwind table is needed again: a copy from the cache */
		if (p->unw && p->nlinks)
			unw_maps__want(p->unw, e.pad - 1);
		return 0;
	}
	if (p->npending < PROF_PENDING_MAX)
		p->pending[p->npending++] = e.pid;
	else
		p->pending_lost++;
	return 0;
}

static int profiler__open_load(struct profiler *p, const struct profile_cfg *cfg)
{
	struct profile_bpf *skel;
	struct probe_result why;
	int err;

	/* The tracers' pre-flight: say why BPF cannot be had, rather than how the load failed. */
	if (!probe_machine(&why)) {
		pr_err("profile: BPF unavailable: %s", why.detail);
		return -ENOTSUP;
	}
	skel = profile_bpf__open();
	if (!skel) {
		err = -errno;
		pr_err("profile: open BPF object: %s", strerror(-err));
		return err;
	}
	p->skel = skel;
	TRACE_CFG_SET_COMMON_RODATA(skel->rodata, &cfg->trace);
	/* Only "new pid" records travel: wake the consumer at once so maps are read early. */
	skel->rodata->wakeup_bytes = 0;
	skel->rodata->targ_include_idle = cfg->include_idle;
	skel->rodata->targ_kernel_stacks = cfg->kernel_stacks;
	skel->rodata->targ_user_stacks = cfg->user_stacks;
	skel->rodata->targ_min_block_ns = cfg->min_block_ns;
	skel->rodata->targ_max_block_ns = cfg->max_block_ns;
	skel->rodata->targ_state_mask = cfg->state_mask;
	bpf_map__set_max_entries(skel->maps.stacks, cfg->stack_storage);
	bpf_map__set_max_entries(skel->maps.counts, cfg->stack_storage);
	bpf_map__set_max_entries(skel->maps.ustacks, cfg->stack_storage);
	bpf_map__set_max_entries(skel->maps.unw_rows,
				 cfg->user_stacks ? (__u32)(cfg->unwind_memory / UNW_ROW_BYTES)
						  : 1);
	skel->rodata->targ_max_frames = cfg->max_frames;
	err = ring_set__prepare(&p->rings, skel->obj, trace_cfg__ring_total(&cfg->trace));
	if (err) {
		pr_err("profile: ring buffers: %s", strerror(-err));
		return err;
	}
	bpf_program__set_autoload(skel->progs.handle_profile_sample, !cfg->off_cpu);
	bpf_program__set_autoload(skel->progs.handle_offcpu_switch, cfg->off_cpu);
	bpf_program__set_autoload(skel->progs.handle_offcpu_wakeup, cfg->off_cpu);
	/* Task storage is only needed off-CPU; skip creating it otherwise. */
	if (!cfg->off_cpu)
		bpf_map__set_autocreate(skel->maps.offcpu_start, false);
	err = obj__load_skeleton(skel->skeleton);
	if (err) {
		pr_err("profile: load BPF object: %s (run 'vigil doctor' for why)", strerror(-err));
		return err;
	}
	p->unw = unw_maps__new(bpf_map__fd(skel->maps.unw_rows),
			       bpf_map__max_entries(skel->maps.unw_rows),
			       bpf_map__fd(skel->maps.unw_objs), bpf_map__fd(skel->maps.unw_procs),
			       cfg->debug_dir ? cfg->debug_dir : ELF_DEBUG_ROOT);
	if (!p->unw) {
		err = -errno;
		pr_err("profile: unwind tables: %s", strerror(-err));
		return err;
	}
	/* A process named up front unwinds completely from its first sample. */
	if (cfg->user_stacks && cfg->trace.tgid) {
		err = unw_maps__add_pid(p->unw, cfg->trace.tgid);
		if (err)
			pr_debug("profile: pid %u: unwind tables: %s", cfg->trace.tgid,
				 strerror(-err));
	}
	return 0;
}

static int perf_event_open_cpu_clock(int cpu, uint32_t freq)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.freq = 1;
	attr.sample_freq = freq;
	return (int)syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

static int profiler__attach_link(struct profiler *p, struct bpf_link *link, const char *what)
{
	if (!link) {
		int err = -errno;

		pr_err("profile: attach %s: %s", what, strerror(-err));
		return err;
	}
	if (p->nlinks == PROF_MAX_LINKS) {
		bpf_link__destroy(link);
		return -E2BIG;
	}
	p->links[p->nlinks++] = link;
	return 0;
}

static int profiler__attach_cpus(struct profiler *p, uint32_t freq)
{
	int ncpus = libbpf_num_possible_cpus();

	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	for (int cpu = 0; cpu < ncpus; cpu++) {
		struct bpf_link *link;
		int fd = perf_event_open_cpu_clock(cpu, freq);
		int err;

		if (fd < 0) {
			err = -errno;
			if (err == -ENODEV) /* offline CPU */
				continue;
			pr_err("profile: perf_event_open(cpu-clock, cpu %d): %s", cpu,
			       strerror(-err));
			return err;
		}
		link = bpf_program__attach_perf_event(p->skel->progs.handle_profile_sample, fd);
		if (!link)
			close(fd);
		err = profiler__attach_link(p, link, "perf_event");
		if (err)
			return err;
		p->ncpus++;
	}
	return 0;
}

static int profiler__attach(struct profiler *p, const struct profile_cfg *cfg)
{
	int err;

	if (!cfg->off_cpu)
		return profiler__attach_cpus(p, cfg->freq);
	err = profiler__attach_link(p, bpf_program__attach(p->skel->progs.handle_offcpu_switch),
				    "tp_btf/sched_switch");
	if (err)
		return err;
	return profiler__attach_link(p, bpf_program__attach(p->skel->progs.handle_offcpu_wakeup),
				     "tp_btf/sched_wakeup");
}

int profiler__new(const struct profile_cfg *cfg, struct profiler **out)
{
	struct profiler *p = calloc(1, sizeof(*p));
	int err;

	if (!p)
		return -ENOMEM;
	p->cfg = *cfg;
	p->usyms = usyms__new();
	if (!p->usyms) {
		err = -ENOMEM;
		goto err_free;
	}
	usyms__set_demangle(p->usyms, !cfg->no_demangle);
	if (cfg->debug_dir)
		usyms__set_debug_dir(p->usyms, cfg->debug_dir);
	err = profiler__open_load(p, cfg);
	if (err)
		goto err_free;
	err = ring_set__wait(&p->rings);
	if (!err)
		err = ring_set__add_to(&p->rings, &p->rb, profile_rb_event, p);
	if (err) {
		pr_err("profile: ring buffer: %s", strerror(-err));
		goto err_free;
	}
	err = profiler__attach(p, cfg);
	if (err)
		goto err_free;
	if (cfg->off_cpu)
		pr_info("profile: off-CPU on tp_btf/sched_switch and sched_wakeup, blocks %llu to "
			"%llu ns",
			(unsigned long long)cfg->min_block_ns,
			(unsigned long long)cfg->max_block_ns);
	else
		pr_info("profile: on-CPU, cpu-clock perf events at %u Hz on %d CPUs", cfg->freq,
			p->ncpus);
	pr_info("profile: %u stacks and keys kept in the kernel; %s%s stacks", cfg->stack_storage,
		cfg->kernel_stacks ? "kernel" : "", cfg->user_stacks ? " user" : "");
	p->start_ns = mono_now_ns();
	*out = p;
	return 0;

err_free:
	profiler__free(p);
	return err;
}

/*
 * Read the maps of the processes announced since the last poll and load their unwind
 * tables, unless the profile is over (end, CLOCK_MONOTONIC ns; 0: no end): tables that come
 * too late help nothing, and must not make it overrun its --duration.
 */
static void profiler__cache_pending(struct profiler *p, uint64_t end)
{
	for (int i = 0; i < p->npending; i++) {
		int err = usyms__add_pid(p->usyms, p->pending[i]);

		if (err)
			pr_debug("profile: pid %u: maps: %s", p->pending[i], strerror(-err));
		/* After the detach, tables would help nothing. */
		if (!p->cfg.user_stacks || !p->nlinks || (end && mono_now_ns() >= end))
			continue;
		err = unw_maps__add_pid(p->unw, p->pending[i]);
		if (err)
			pr_debug("profile: pid %u: unwind tables: %s", p->pending[i],
				 strerror(-err));
	}
	p->npending = 0;
}

static void profiler__detach(struct profiler *p)
{
	for (int i = 0; i < p->nlinks; i++)
		bpf_link__destroy(p->links[i]);
	p->nlinks = 0;
}

/* Distinct stacks counted so far: the keys of the counts map (a status_count_fn). */
static uint64_t profiler__stacks(void *ctx)
{
	struct profiler *p = ctx;
	int fd = bpf_map__fd(p->skel->maps.counts);
	char key[2][256];
	uint64_t n = 0;
	int cur = 0;

	if (bpf_map__key_size(p->skel->maps.counts) > sizeof(key[0]))
		return 0;
	if (bpf_map_get_next_key(fd, NULL, key[cur]))
		return 0;
	do {
		n++;
		cur ^= 1;
	} while (!bpf_map_get_next_key(fd, key[cur ^ 1], key[cur]));
	return n;
}

void profiler__show_status(struct profiler *p, struct status_line *st)
{
	status_line__init(st, "profile", "stacks", profiler__stacks, p, mono_now_ns());
	p->status = st;
}

static void profiler__update_status(struct profiler *p, uint64_t now)
{
	struct tracer t = { .drops_fd = bpf_map__fd(p->skel->maps.drops) };
	uint64_t drops[TRACER_DROP_REASONS] = { 0 }, total = p->pending_lost;

	tracer__read_drops(&t, drops);
	for (int i = 0; i < TRACER_DROP_REASONS; i++)
		total += drops[i];
	status_line__update(p->status, now, total);
}

int profiler__run(struct profiler *p, uint64_t duration_ns)
{
	uint64_t end = duration_ns ? p->start_ns + duration_ns : 0;
	int err = 0;

	while (!stop_is_requested()) {
		uint64_t now = mono_now_ns();
		int timeout = POLL_MS;

		if (end && now >= end)
			break;
		if (end && end - now < (uint64_t)POLL_MS * 1000000)
			timeout = (int)((end - now) / 1000000) + 1;
		err = ring_buffer__poll(p->rb, timeout);
		if (err == -EINTR) {
			err = 0;
			continue;
		}
		if (err < 0) {
			pr_err("profile: ring buffer poll: %s", strerror(-err));
			break;
		}
		err = 0;
		profiler__cache_pending(p, end);
		if (status_line__is_due(p->status, now))
			profiler__update_status(p, now);
	}
	status_line__clear(p->status);
	/* Detach first: symbolising afterwards must not profile vigil itself. */
	profiler__detach(p);
	p->end_ns = mono_now_ns();
	profiler__close_open_blocks(p, p->end_ns);
	ring_buffer__consume(p->rb);
	profiler__cache_pending(p, 0);
	return err;
}

void profiler__free(struct profiler *p)
{
	if (!p)
		return;
	profiler__detach(p);
	ring_buffer__free(p->rb);
	ring_set__free(&p->rings);
	profile_bpf__destroy(p->skel);
	usyms__free(p->usyms);
	unw_maps__free(p->unw);
	free(p);
}
