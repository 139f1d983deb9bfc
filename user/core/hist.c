// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * hist.c: draining, merging, summarising and printing the in-kernel log2 histograms.
 */
#include "core/hist.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkio/blkio_fmt.h"
#include "export/json.h"
#include "core/map_drain.h"
#include "core/tracer.h"
#include "cli/parse.h"
#include "tcp/tcp_addr.h"
#include "export/escape.h"

const struct hist_desc hist_descs[HIST__COUNT] = {
	[HIST_RUNQ] = { .name = "runq", .subsystem = "sched", .map = "runq_hist",
			.total_map = "runq_hist_total", .what = "run queue latency" },
	[HIST_ONCPU] = { .name = "oncpu", .subsystem = "sched", .map = "oncpu_hist",
			 .total_map = "oncpu_hist_total", .what = "on-CPU time slices" },
	[HIST_TCP_CONNECT] = { .name = "tcp-connect", .subsystem = "tcp", .map = "connect_hist",
			       .total_map = "connect_hist_total",
			       .what = "TCP connect latency (SYN_SENT to ESTABLISHED)",
			       .pers = 1U << VG_PER_RADDR | 1U << VG_PER_RPORT | 1U << VG_PER_PID },
	[HIST_TCP_RTT] = { .name = "tcp-rtt", .subsystem = "tcp", .map = "rtt_hist",
			   .total_map = "rtt_hist_total",
			   .what = "TCP smoothed RTT per received segment",
			   .pers = 1U << VG_PER_RADDR | 1U << VG_PER_RPORT | 1U << VG_PER_PID },
	[HIST_BLKIO] = { .name = "blkio", .subsystem = "blkio", .map = "blkio_hist",
			 .total_map = "blkio_hist_total", .what = "block I/O latency",
			 .pers = 1U << VG_PER_DISK | 1U << VG_PER_OP | 1U << VG_PER_PID },
};

const char *const hist_per_names[] = { "global", "pid",	 "tid", "cgroup", "raddr",
				       "rport",	 "disk", "op",	NULL };

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

/* The text of a --per key: a number and the comm, or an address (raddr keys carry it). */
static const char *hist_key_text(const struct hist_print *p, const struct hist_entry *e,
				 char *buf, size_t len)
{
	if (p->per == VG_PER_RADDR)
		return tcp_addr6_format((const uint8_t *)e->h.comm, 1, buf, len);
	if (p->per == VG_PER_DISK)
		return blkio_disk_label((uint32_t)e->key, buf, len);
	if (p->per == VG_PER_OP)
		return blkio_op_format(e->key & 0xff, (e->key >> 8) & 0xff, buf, len);
	snprintf(buf, len, "%llu", (unsigned long long)e->key);
	return buf;
}

static bool hist_per_has_comm(uint32_t per)
{
	return per == VG_PER_PID || per == VG_PER_TID || per == VG_PER_CGROUP;
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

static int last_nonzero(const uint32_t *slots, int nslots)
{
	int last = -1;

	for (int i = 0; i < nslots; i++) {
		if (slots[i])
			last = i;
	}
	return last;
}

void hist_print_log2(struct sink *s, const uint32_t *slots, int nslots, const char *unit)
{
	int last = last_nonzero(slots, nslots);
	int width = last <= 32 ? 10 : 20;
	uint32_t max = 0;
	char bar[41];

	for (int i = 0; i <= last; i++)
		max = slots[i] > max ? slots[i] : max;
	sink__printf(s, "%*s%-*s : count    distribution\n", width - 5, "", width + 9, unit);
	for (int i = 0; i <= last; i++) {
		uint64_t lo, hi;
		int stars = max ? (int)((uint64_t)slots[i] * 40 / max) : 0;

		hist_slot_bounds(i, &lo, &hi);
		memset(bar, ' ', 40);
		memset(bar, '*', (size_t)stars);
		bar[40] = '\0';
		sink__printf(s, "%*llu -> %-*llu : %-8u |%s|\n", width, (unsigned long long)lo,
			     width, (unsigned long long)hi, slots[i], bar);
	}
}

static void hist_print_table(struct sink *s, const struct hist_print *p,
			     const struct hist_entry *e)
{
	uint64_t total = vg_hist__total(&e->h);
	char key[TCP_ADDR_STRLEN];

	if (p->per != VG_PER_GLOBAL) {
		sink__printf(s, "\n%s = %s ", hist_per_names[p->per],
			     hist_key_text(p, e, key, sizeof(key)));
		if (hist_per_has_comm(p->per))
			esc_write(s, e->h.comm, VG_COMM_LEN);
		sink__putc(s, '\n');
	}
	if (!total) { /* no average or percentile of nothing */
		sink__puts(s, "no samples\n");
		return;
	}
	hist_print_log2(s, e->h.slots, VG_HIST_SLOTS, p->unit);
	sink__printf(s, "count %llu, avg %llu %s, p50 <= %llu, p99 <= %llu\n",
		     (unsigned long long)total, (unsigned long long)(e->h.sum / total), p->unit,
		     (unsigned long long)vg_hist__quantile(&e->h, 0.50),
		     (unsigned long long)vg_hist__quantile(&e->h, 0.99));
}

static void hist_print_json(struct sink *s, const struct hist_print *p,
			    const struct hist_entry *e, bool pretty)
{
	int last = last_nonzero(e->h.slots, VG_HIST_SLOTS);
	char when[WALLCLOCK_LEN];
	struct jw w;

	wallclock__format(p->clock, p->ts_ns, when);
	jw__init(&w, s, pretty);
	jw__obj_begin(&w, NULL);
	jw__str(&w, "time", when);
	jw__u64(&w, "ts_ns", p->ts_ns);
	jw__str(&w, "hist", p->desc->name);
	jw__str(&w, "unit", p->unit);
	jw__str(&w, "per", hist_per_names[p->per]);
	if (p->per == VG_PER_RADDR) {
		char key[TCP_ADDR_STRLEN];

		jw__str(&w, "key", hist_key_text(p, e, key, sizeof(key)));
	} else if (p->per != VG_PER_GLOBAL) {
		jw__u64(&w, "key", e->key);
		if (hist_per_has_comm(p->per))
			jw__strn(&w, "comm", e->h.comm, VG_COMM_LEN);
		if (p->per == VG_PER_DISK || p->per == VG_PER_OP) {
			char key[64];

			jw__str(&w, "label", hist_key_text(p, e, key, sizeof(key)));
		}
	}
	jw__u64(&w, "count", vg_hist__total(&e->h));
	jw__u64(&w, "sum", e->h.sum);
	jw__arr_begin(&w, "buckets");
	for (int i = 0; i <= last; i++) {
		uint64_t lo, hi;

		hist_slot_bounds(i, &lo, &hi);
		jw__obj_begin(&w, NULL);
		jw__u64(&w, "lo", lo);
		jw__u64(&w, "hi", hi);
		jw__u64(&w, "count", e->h.slots[i]);
		jw__obj_end(&w);
	}
	jw__arr_end(&w);
	jw__obj_end(&w);
	if (!pretty)
		sink__putc(s, '\n');
}

static void hist_print_csv(struct sink *s, const struct hist_print *p,
			   const struct hist_entry *e)
{
	int last = last_nonzero(e->h.slots, VG_HIST_SLOTS);
	char when[WALLCLOCK_LEN];

	wallclock__format(p->clock, p->ts_ns, when);
	for (int i = 0; i <= last; i++) {
		uint64_t lo, hi;

		hist_slot_bounds(i, &lo, &hi);
		sink__printf(s, "%s,%llu,%s,%s,%s,", when, (unsigned long long)p->ts_ns,
			     p->desc->name, p->unit, hist_per_names[p->per]);
		if (p->per != VG_PER_GLOBAL) {
			char key[TCP_ADDR_STRLEN];

			sink__puts(s, hist_key_text(p, e, key, sizeof(key)));
			sink__putc(s, ',');
			if (hist_per_has_comm(p->per))
				csv_write_string(s, e->h.comm, VG_COMM_LEN);
		} else {
			sink__putc(s, ',');
		}
		sink__printf(s, ",%llu,%llu,%u\r\n", (unsigned long long)lo,
			     (unsigned long long)hi, e->h.slots[i]);
	}
}

void hist_print(struct sink *s, enum out_format fmt, const struct hist_print *p,
		const struct hist_entry *e)
{
	switch (fmt) {
	case FMT_TABLE:
		hist_print_table(s, p, e);
		break;
	case FMT_JSON:
		hist_print_json(s, p, e, true);
		break;
	case FMT_NDJSON:
		hist_print_json(s, p, e, false);
		break;
	case FMT_CSV:
		hist_print_csv(s, p, e);
		break;
	}
}
