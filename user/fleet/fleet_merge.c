// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fleet_merge.c: one output from many hosts' vigil output. Rows are tagged without parsing
 * them: vigil writes one JSON object per NDJSON line, one CSV record per row (RFC 4180, so a
 * quoted field may hold a newline) and one table row per line, so a host key, column or cell
 * goes in front of each. Histograms are the one thing merged by value: each host's
 * `vigil hist -f ndjson` line is read with Jansson and its log2 buckets added into one
 * histogram, printed as vigil hist prints its own.
 */
#include "fleet/fleet_merge.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/hist.h"
#include "core/log.h"
#include "core/wallclock.h"
#include "export/hist_print.h"
#include "export/json.h"

/* Host labels hold only [A-Za-z0-9._:%@-] (fleet_hosts.c): safe in JSON and CSV as they are. */

static void fleet_merge_json_line(struct fleet_merge *m, struct sink *s, const char *host,
				  const char *obj, size_t n)
{
	const char *rest = obj + 1;
	size_t rn = n - 1;

	if (m->fmt == FMT_JSON)
		sink__puts(s, m->started ? ",\n" : "[\n");
	m->started = true;
	while (rn && (*rest == ' ' || *rest == '\t')) {
		rest++;
		rn--;
	}
	sink__printf(s, "{\"host\":\"%s\"", host);
	if (rn && *rest != '}')
		sink__putc(s, ',');
	sink__write(s, rest, rn);
	if (m->fmt == FMT_NDJSON)
		sink__putc(s, '\n');
}

static bool fleet_header_is_first(struct fleet_merge *m, const char *line, size_t n)
{
	if (!m->header) {
		m->header = malloc(n ? n : 1);
		if (m->header)
			memcpy(m->header, line, n);
		m->header_len = n;
		return true;
	}
	if (n == m->header_len && !memcmp(line, m->header, n))
		return false; /* the same header again: one for all */
	if (!m->header_differs) {
		pr_warn("fleet: the hosts' outputs have different columns (different vigil "
			"versions?): each host's header is kept");
		m->header_differs = true;
	}
	return true;
}

static void fleet_pad(struct sink *s, const char *text, size_t width)
{
	size_t n = strlen(text);

	sink__puts(s, text);
	for (; n < width; n++)
		sink__putc(s, ' ');
	sink__putc(s, ' ');
}

/* The end of the CSV record starting at p: after its line end outside quotes. */
static const char *fleet_csv_record_end(const char *p, const char *end)
{
	bool quoted = false;

	for (; p < end; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (*p == '\n' && !quoted)
			return p + 1;
	}
	return end;
}

size_t fleet_merge__host(struct fleet_merge *m, struct sink *s, const char *host, const char *buf,
			 size_t len)
{
	const char *p = buf, *end = buf + len;
	size_t bad = 0;
	bool first = true;

	while (p < end) {
		const char *nl = m->fmt == FMT_CSV ? fleet_csv_record_end(p, end)
						   : memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end, *b = p;
		size_t n;

		if (m->fmt == FMT_CSV) {
			n = (size_t)(stop - p);
			if (first ? fleet_header_is_first(m, p, n) : true) {
				sink__puts(s, first ? "host," : host);
				if (!first)
					sink__putc(s, ',');
				sink__write(s, p, n);
				m->started = true;
			}
		} else if (m->fmt == FMT_TABLE) {
			n = (size_t)(stop - p);
			bool header = first && !m->plain;

			if (header ? fleet_header_is_first(m, p, n) : n > 0) {
				fleet_pad(s, header ? "HOST" : host, m->host_width);
				sink__write(s, p, n);
				sink__putc(s, '\n');
				m->started = true;
			}
		} else {
			while (b < stop && (*b == ' ' || *b == '\t'))
				b++;
			n = (size_t)(stop - b);
			while (n && (b[n - 1] == '\r' || b[n - 1] == ' '))
				n--;
			if (n && *b == '{' && b[n - 1] == '}')
				fleet_merge_json_line(m, s, host, b, n);
			else if (n)
				bad++;
		}
		first = false;
		p = m->fmt == FMT_CSV ? stop : (nl ? nl + 1 : end);
	}
	return bad;
}

void fleet_merge__end(struct fleet_merge *m, struct sink *s)
{
	if (m->fmt == FMT_JSON)
		sink__puts(s, m->started ? "\n]\n" : "[]\n");
}

void fleet_merge__free(struct fleet_merge *m)
{
	free(m->header);
	m->header = NULL;
}

/* ------------------------------------------------------------------ histograms */

struct fleet_hist {
	int desc;      /* index in hist_descs */
	char unit[16]; /* "usecs", "msecs" */
	struct vg_hist h;
	uint64_t hosts; /* lines added */
};

struct fleet_hists {
	struct fleet_hist *v;
	size_t n, cap;
};

struct fleet_hists *fleet_hists__new(void)
{
	return calloc(1, sizeof(struct fleet_hists));
}

static int fleet_slot_of(uint64_t lo)
{
	for (int i = 0; i < VG_HIST_SLOTS; i++) {
		uint64_t l, h;

		hist_slot_bounds(i, &l, &h);
		if (l == lo)
			return i;
	}
	return -1;
}

static struct fleet_hist *fleet_hists_find(struct fleet_hists *h, int desc, const char *unit)
{
	struct fleet_hist *e;

	for (size_t i = 0; i < h->n; i++) {
		if (h->v[i].desc == desc && !strcmp(h->v[i].unit, unit))
			return &h->v[i];
	}
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 8;
		struct fleet_hist *v = realloc(h->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		h->v = v;
		h->cap = cap;
	}
	e = &h->v[h->n++];
	memset(e, 0, sizeof(*e));
	e->desc = desc;
	snprintf(e->unit, sizeof(e->unit), "%s", unit);
	return e;
}

/* Add one NDJSON object if it is a global histogram. 0, or -ENOMEM. */
static int fleet_hists_add_obj(struct fleet_hists *h, const json_t *o)
{
	const char *name = json_string_value(json_object_get(o, "hist"));
	const char *unit = json_string_value(json_object_get(o, "unit"));
	const char *per = json_string_value(json_object_get(o, "per"));
	const json_t *buckets = json_object_get(o, "buckets"), *sum = json_object_get(o, "sum");
	struct fleet_hist *e;
	int desc;

	if (!name || !unit || !per || strcmp(per, "global") || !json_is_array(buckets) ||
	    strlen(unit) >= sizeof(e->unit))
		return 0;
	desc = hist_by_name(name);
	if (desc < 0)
		return 0;
	e = fleet_hists_find(h, desc, unit);
	if (!e)
		return -ENOMEM;
	e->hosts++;
	if (json_is_integer(sum) && json_integer_value(sum) > 0)
		e->h.sum += (uint64_t)json_integer_value(sum);
	for (size_t i = 0; i < json_array_size(buckets); i++) {
		const json_t *b = json_array_get(buckets, i);
		const json_t *lo = json_object_get(b, "lo"), *count = json_object_get(b, "count");
		json_int_t c = json_integer_value(count);
		int slot;

		if (!json_is_integer(lo) || !json_is_integer(count) || c <= 0 ||
		    json_integer_value(lo) < 0)
			continue;
		slot = fleet_slot_of((uint64_t)json_integer_value(lo));
		if (slot < 0)
			continue;
		/* the kernel's slots are 32-bit: a sum past that saturates, as it would there */
		if ((uint64_t)e->h.slots[slot] + (uint64_t)c > UINT32_MAX)
			e->h.slots[slot] = UINT32_MAX;
		else
			e->h.slots[slot] += (uint32_t)c;
	}
	return 0;
}

int fleet_hists__add(struct fleet_hists *h, const char *buf, size_t len, size_t *bad)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		json_error_t jerr;
		json_t *o;
		int err;

		if (n) {
			o = json_loadb(p, n, 0, &jerr);
			if (!json_is_object(o)) {
				(*bad)++;
			} else {
				err = fleet_hists_add_obj(h, o);
				if (err) {
					json_decref(o);
					return err;
				}
			}
			json_decref(o);
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static void fleet_hist_print_json(const struct fleet_hist *e, struct fleet_merge *m, struct sink *s,
				  size_t nhosts)
{
	uint64_t total = vg_hist__total(&e->h);
	struct jw w;

	if (m->fmt == FMT_JSON)
		sink__puts(s, m->started ? ",\n" : "[\n");
	m->started = true;
	jw__init(&w, s, false);
	jw__obj_begin(&w, NULL);
	jw__str(&w, "host", "*");
	jw__u64(&w, "hosts", nhosts);
	jw__str(&w, "hist", hist_descs[e->desc].name);
	jw__str(&w, "unit", e->unit);
	jw__str(&w, "per", "global");
	jw__u64(&w, "count", total);
	jw__u64(&w, "sum", e->h.sum);
	if (total) {
		jw__u64(&w, "p50", vg_hist__quantile(&e->h, 0.5));
		jw__u64(&w, "p99", vg_hist__quantile(&e->h, 0.99));
	}
	jw__arr_begin(&w, "buckets");
	for (int i = 0; i < VG_HIST_SLOTS; i++) {
		uint64_t lo, hi;

		if (!e->h.slots[i])
			continue;
		hist_slot_bounds(i, &lo, &hi);
		jw__obj_begin(&w, NULL);
		jw__u64(&w, "lo", lo);
		jw__u64(&w, "hi", hi);
		jw__u64(&w, "count", e->h.slots[i]);
		jw__obj_end(&w);
	}
	jw__arr_end(&w);
	jw__obj_end(&w);
	if (m->fmt == FMT_NDJSON)
		sink__putc(s, '\n');
}

static void fleet_hists_table(struct fleet_hists *h, struct sink *s, const char *host,
			      size_t nhosts)
{
	struct wallclock clock;

	wallclock__init(&clock);
	for (size_t i = 0; i < h->n; i++) {
		const struct fleet_hist *e = &h->v[i];
		struct hist_entry he = { .key = 0, .h = e->h };
		struct hist_print p = {
			.desc = &hist_descs[e->desc],
			.unit = e->unit,
			.per = VG_PER_GLOBAL,
			.ts_ns = mono_now_ns(),
			.clock = &clock,
		};

		if (host)
			sink__printf(s, "\n%s on %s:\n", hist_descs[e->desc].name, host);
		else
			sink__printf(s, "\n%s, merged over %zu hosts:\n", hist_descs[e->desc].name,
				     nhosts);
		hist_print(s, FMT_TABLE, &p, &he);
	}
}

void fleet_hists__print_host(const char *host, const char *buf, size_t len, struct sink *s)
{
	struct fleet_hists h = { 0 };
	size_t bad = 0;

	if (!fleet_hists__add(&h, buf, len, &bad))
		fleet_hists_table(&h, s, host, 1);
	free(h.v);
}

size_t fleet_hists__print(struct fleet_hists *h, struct fleet_merge *m, struct sink *s,
			  size_t nhosts)
{
	if (m->fmt == FMT_TABLE) {
		fleet_hists_table(h, s, NULL, nhosts);
		return h->n;
	}
	for (size_t i = 0; i < h->n; i++)
		fleet_hist_print_json(&h->v[i], m, s, nhosts);
	return h->n;
}

void fleet_hists__free(struct fleet_hists *h)
{
	if (!h)
		return;
	free(h->v);
	free(h);
}
