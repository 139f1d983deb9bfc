// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * hist.c: the in-kernel log2 histograms as maps: their table, draining (batched, or the
 * growth of a cumulative one-slot array), merging and quantiles. Printing them is
 * export/hist_print.c's.
 */
#include "core/hist.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/map_drain.h"
#include "core/tracer.h"

const struct hist_desc hist_descs[HIST__COUNT] = {
	[HIST_RUNQ] = { .name = "runq",
			.subsystem = "sched",
			.map = "runq_hist",
			.total_map = "runq_hist_total",
			.what = "run queue latency",
			.metric = "vigil_runq_latency_seconds" },
	[HIST_ONCPU] = { .name = "oncpu",
			 .subsystem = "sched",
			 .map = "oncpu_hist",
			 .total_map = "oncpu_hist_total",
			 .what = "on-CPU time slices",
			 .metric = "vigil_oncpu_slice_seconds" },
	[HIST_TCP_CONNECT] = { .name = "tcp-connect",
			       .subsystem = "tcp",
			       .map = "connect_hist",
			       .total_map = "connect_hist_total",
			       .what = "TCP connect latency (SYN_SENT to ESTABLISHED)",
			       .metric = "vigil_tcp_connect_latency_seconds",
			       .pers = 1U << VG_PER_RADDR | 1U << VG_PER_RPORT | 1U << VG_PER_PID },
	[HIST_TCP_RTT] = { .name = "tcp-rtt",
			   .subsystem = "tcp",
			   .map = "rtt_hist",
			   .total_map = "rtt_hist_total",
			   .what = "TCP smoothed RTT per received segment",
			   .metric = "vigil_tcp_rtt_seconds",
			   .pers = 1U << VG_PER_RADDR | 1U << VG_PER_RPORT | 1U << VG_PER_PID },
	[HIST_BLKIO] = { .name = "blkio",
			 .subsystem = "blkio",
			 .map = "blkio_hist",
			 .total_map = "blkio_hist_total",
			 .what = "block I/O latency",
			 .metric = "vigil_blkio_latency_seconds",
			 .pers = 1U << VG_PER_DISK | 1U << VG_PER_OP | 1U << VG_PER_DISK_OP |
				 1U << VG_PER_PID },
	[HIST_DNS] = { .name = "dns",
		       .subsystem = "dns",
		       .map = "dns_hist",
		       .total_map = "dns_hist_total",
		       .what = "DNS latency, query to response",
		       .metric = "vigil_dns_latency_seconds",
		       .pers = 1U << VG_PER_QTYPE | 1U << VG_PER_SERVER | 1U << VG_PER_PID },
};

const char *const hist_per_names[] = { "global", "pid", "tid",	 "cgroup", "raddr",   "rport",
				       "disk",	 "op",	"qtype", "server", "disk-op", NULL };

#define HIST_PER_TASK (1U << VG_PER_PID | 1U << VG_PER_TID | 1U << VG_PER_CGROUP)

bool hist_per_is_allowed(int id, uint32_t per)
{
	uint32_t pers = hist_descs[id].pers ? hist_descs[id].pers : HIST_PER_TASK;

	return per == VG_PER_GLOBAL || (per < 32 && (pers & (1U << per)));
}

const char *hist_per_accepts(int id, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (uint32_t p = 1; hist_per_names[p] && off < len; p++) {
		if (hist_per_is_allowed(id, p))
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
						hist_per_names[p]);
	}
	return buf;
}

int hist_by_name(const char *name)
{
	for (int i = 0; i < HIST__COUNT; i++) {
		if (hist_descs[i].name && !strcmp(hist_descs[i].name, name))
			return i;
	}
	return -EINVAL;
}

int hist_reader__init(struct hist_reader *r, int map_fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int err;

	memset(r, 0, sizeof(*r));
	err = bpf_obj_get_info_by_fd(map_fd, &info, &len);
	if (err)
		return -errno;
	r->fd = map_fd;
	r->cumulative = info.type == BPF_MAP_TYPE_ARRAY || info.type == BPF_MAP_TYPE_PERCPU_ARRAY;
	if (info.type == BPF_MAP_TYPE_PERCPU_ARRAY) {
		r->ncpus = libbpf_num_possible_cpus();
		if (r->ncpus <= 0)
			return r->ncpus ? r->ncpus : -EINVAL;
		r->percpu = calloc((size_t)r->ncpus, sizeof(*r->percpu));
		if (!r->percpu)
			return -ENOMEM;
	}
	r->max_entries = info.max_entries;
	r->keys = calloc(info.max_entries, sizeof(*r->keys));
	r->values = calloc(info.max_entries, sizeof(*r->values));
	if (!r->keys || !r->values) {
		hist_reader__fini(r);
		return -ENOMEM;
	}
	return 0;
}

void hist_reader__fini(struct hist_reader *r)
{
	free(r->keys);
	free(r->values);
	free(r->percpu);
	r->keys = NULL;
	r->values = NULL;
	r->percpu = NULL;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct hist_entry *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/* The one-slot array's growth since the last read (summed over CPUs for a per-CPU one). */
static int hist_reader__delta(struct hist_reader *r, struct hist_entry *out)
{
	struct vg_hist now;
	__u32 key = 0;

	if (bpf_map_lookup_elem(r->fd, &key, r->ncpus ? (void *)r->percpu : (void *)&now))
		return -errno;
	if (r->ncpus) {
		memset(&now, 0, sizeof(now));
		for (int cpu = 0; cpu < r->ncpus; cpu++)
			vg_hist__merge(&now, &r->percpu[cpu]);
	}
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < VG_HIST_SLOTS; i++)
		out->h.slots[i] = now.slots[i] - r->last.slots[i]; /* u32: wraps correctly */
	out->h.sum = now.sum - r->last.sum;
	r->last = now;
	return 1;
}

int hist_reader__drain(struct hist_reader *r, struct hist_entry *out)
{
	int n;

	if (r->cumulative)
		return hist_reader__delta(r, out);
	n = map__drain(r->fd, r->keys, sizeof(*r->keys), r->values, sizeof(*r->values),
		       r->max_entries);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		out[i].key = r->keys[i];
		out[i].h = r->values[i];
	}
	qsort(out, (size_t)n, sizeof(*out), cmp_entry);
	return n;
}

int hist_map__sum(const struct tracer *t, const char *map, struct vg_hist *total)
{
	struct hist_reader r;
	struct hist_entry *e;
	int n, fd = tracer__map_fd(t, map);

	if (fd < 0)
		return fd;
	n = hist_reader__init(&r, fd);
	if (n)
		return n;
	e = calloc(r.max_entries, sizeof(*e));
	n = e ? hist_reader__drain(&r, e) : -ENOMEM;
	for (int i = 0; i < n; i++)
		vg_hist__merge(total, &e[i].h);
	free(e);
	hist_reader__fini(&r);
	return n < 0 ? n : 0;
}

void vg_hist__merge(struct vg_hist *dst, const struct vg_hist *src)
{
	for (int i = 0; i < VG_HIST_SLOTS; i++)
		dst->slots[i] += src->slots[i];
	dst->sum += src->sum;
}

uint64_t vg_hist__total(const struct vg_hist *h)
{
	uint64_t n = 0;

	for (int i = 0; i < VG_HIST_SLOTS; i++)
		n += h->slots[i];
	return n;
}

void hist_slot_bounds(int slot, uint64_t *lo, uint64_t *hi)
{
	*lo = slot ? 1ULL << slot : 0;
	*hi = (1ULL << (slot + 1)) - 1;
}

uint64_t vg_hist__quantile(const struct vg_hist *h, double q)
{
	uint64_t total = vg_hist__total(h), seen = 0, lo, hi;
	uint64_t rank = (uint64_t)(q * (double)total + 0.999999);

	if (!total)
		return 0;
	if (!rank)
		rank = 1;
	for (int i = 0; i < VG_HIST_SLOTS; i++) {
		seen += h->slots[i];
		if (seen >= rank) {
			hist_slot_bounds(i, &lo, &hi);
			return hi;
		}
	}
	return 0;
}
