// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * hist_print.c: printing the in-kernel log2 histograms: runqlat's "usecs : count |
 * distribution" layout for people, and JSON and CSV with exact bucket bounds. Reading the
 * maps is core/hist.c's.
 */
#include "export/hist_print.h"

#include <stdio.h>
#include <string.h>

#include "blkio/blkio_fmt.h"
#include "dns/dns_msg.h"
#include "export/escape.h"
#include "export/json.h"
#include "fallback.h"
#include "tcp/tcp_addr.h"

/* Room for any key's text: an address, a disk and op, or a cgroup path. */
#define HIST_KEY_LEN 1024

/* The path of a --per cgroup key, when it can be found (the cgroup may be gone). */
static const char *hist_cgroup_path(const struct hist_print *p, const struct hist_entry *e)
{
	return p->per == VG_PER_CGROUP ? cgroup_ids__path(p->cgroups, e->key) : NULL;
}

/* The text of a --per key: a number and the comm, or an address (raddr keys carry it). */
static const char *hist_key_text(const struct hist_print *p, const struct hist_entry *e, char *buf,
				 size_t len)
{
	if (p->per == VG_PER_RADDR || p->per == VG_PER_SERVER)
		return tcp_addr6_format((const uint8_t *)e->h.comm, 1, buf, len);
	if (p->per == VG_PER_QTYPE)
		return dns_qtype_name((uint16_t)e->key, buf, len);
	if (p->per == VG_PER_DISK)
		return blkio_disk_label((uint32_t)e->key, buf, len);
	if (p->per == VG_PER_OP)
		return blkio_op_format(e->key & 0xff, (e->key >> 8) & 0xff, buf, len);
	if (p->per == VG_PER_DISK_OP) {
		char disk[48];

		snprintf(buf, len, "%s %s", blkio_disk_label((uint32_t)e->key, disk, sizeof(disk)),
			 blkio_op_name((uint8_t)(e->key >> 32)));
		return buf;
	}
	if (hist_cgroup_path(p, e)) {
		snprintf(buf, len, "%s", hist_cgroup_path(p, e));
		return buf;
	}
	snprintf(buf, len, "%llu", (unsigned long long)e->key);
	return buf;
}

/* A cgroup keyed by its path needs no task's name: only pid, tid and unresolved cgroups do. */
static bool hist_per_has_comm(const struct hist_print *p, const struct hist_entry *e)
{
	if (p->per == VG_PER_CGROUP)
		return !hist_cgroup_path(p, e);
	return p->per == VG_PER_PID || p->per == VG_PER_TID;
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

static void hist_print_table(struct sink *s, const struct hist_print *p, const struct hist_entry *e)
{
	uint64_t total = vg_hist__total(&e->h);
	char key[HIST_KEY_LEN];

	if (p->per != VG_PER_GLOBAL) {
		struct fb_cgroup_name n;
		char c[32];

		sink__printf(s, "\n%s = ", hist_per_names[p->per]);
		esc_write(s, hist_key_text(p, e, key, sizeof(key)), sizeof(key));
		if (hist_per_has_comm(p, e)) {
			sink__putc(s, ' ');
			esc_write(s, e->h.comm, VG_COMM_LEN);
		}
		fb_cgroup_name_parse(hist_cgroup_path(p, e), &n);
		if (*fb_cgroup_name_container(&n, c, sizeof(c)))
			sink__printf(s, " [%s]", c);
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

/* A cgroup's path and the container and systemd unit it names (null when none). */
static void hist_json_cgroup(struct jw *w, const char *path)
{
	struct fb_cgroup_name n;
	char c[32];

	fb_cgroup_name_parse(path, &n);
	path ? jw__str(w, "cgroup", path) : jw__null(w, "cgroup");
	*fb_cgroup_name_container(&n, c, sizeof(c)) ? jw__str(w, "container", c)
						    : jw__null(w, "container");
	n.unit[0] ? jw__str(w, "systemd_unit", n.unit) : jw__null(w, "systemd_unit");
}

static void hist_print_json(struct sink *s, const struct hist_print *p, const struct hist_entry *e,
			    bool pretty)
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
	if (p->per == VG_PER_RADDR || p->per == VG_PER_SERVER || p->per == VG_PER_QTYPE) {
		char key[TCP_ADDR_STRLEN];

		jw__str(&w, "key", hist_key_text(p, e, key, sizeof(key)));
	} else if (p->per != VG_PER_GLOBAL) {
		jw__u64(&w, "key", e->key);
		if (hist_per_has_comm(p, e))
			jw__strn(&w, "comm", e->h.comm, VG_COMM_LEN);
		if (p->per == VG_PER_CGROUP)
			hist_json_cgroup(&w, hist_cgroup_path(p, e));
		if (p->per == VG_PER_DISK || p->per == VG_PER_OP || p->per == VG_PER_DISK_OP) {
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

static void hist_print_csv(struct sink *s, const struct hist_print *p, const struct hist_entry *e)
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
			char key[HIST_KEY_LEN];

			csv_write_string(s, hist_key_text(p, e, key, sizeof(key)), sizeof(key));
			sink__putc(s, ',');
			if (hist_per_has_comm(p, e))
				csv_write_string(s, e->h.comm, VG_COMM_LEN);
		} else {
			sink__putc(s, ',');
		}
		sink__printf(s, ",%llu,%llu,%u\r\n", (unsigned long long)lo, (unsigned long long)hi,
			     e->h.slots[i]);
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

/* The non-empty log2 buckets of h, as "buckets": [{lo, hi, count}, ...]. */
static void hist_json_buckets(struct jw *w, const struct vg_hist *h)
{
	jw__arr_begin(w, "buckets");
	for (int i = 0; i < VG_HIST_SLOTS; i++) {
		uint64_t lo, hi;

		if (!h->slots[i])
			continue;
		hist_slot_bounds(i, &lo, &hi);
		jw__obj_begin(w, NULL);
		jw__u64(w, "lo", lo);
		jw__u64(w, "hi", hi);
		jw__u64(w, "count", h->slots[i]);
		jw__obj_end(w);
	}
	jw__arr_end(w);
}

void hist_json_summary(struct jw *w, const char *key, const struct vg_hist *h, bool buckets)
{
	uint64_t n = vg_hist__total(h);

	jw__obj_begin(w, key);
	jw__str(w, "unit", "usecs");
	jw__u64(w, "count", n);
	jw__u64(w, "sum", h->sum);
	if (n) {
		jw__u64(w, "avg", h->sum / n);
		jw__u64(w, "p50", vg_hist__quantile(h, 0.5));
		jw__u64(w, "p99", vg_hist__quantile(h, 0.99));
	} else { /* no statistics of nothing */
		jw__null(w, "avg");
		jw__null(w, "p50");
		jw__null(w, "p99");
	}
	if (buckets)
		hist_json_buckets(w, h);
	jw__obj_end(w);
}
