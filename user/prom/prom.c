// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * prom.c: the exposition-format writer behind prom.h. Every line is formatted whole, then
 * appended only if it fits under the limit, so a cut scrape still parses.
 */
#include "prom/prom.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROM_LINE_MAX 1024

void prom__init(struct prom *p, size_t limit)
{
	memset(p, 0, sizeof(*p));
	p->limit = limit;
}

void prom__fini(struct prom *p)
{
	free(p->buf);
	p->buf = NULL;
	p->len = p->cap = 0;
}

char *prom__take(struct prom *p, size_t *len)
{
	char *buf = p->buf;

	*len = p->len;
	p->buf = NULL;
	p->len = p->cap = 0;
	return buf;
}

static void prom__append(struct prom *p, const char *line, size_t n)
{
	if (p->truncated)
		return;
	if (p->len + n > p->limit) {
		p->truncated = true;
		return;
	}
	if (p->len + n > p->cap) {
		size_t cap = p->cap ? p->cap : 16384;
		char *buf;

		while (cap < p->len + n)
			cap *= 2;
		if (cap > p->limit)
			cap = p->limit;
		buf = realloc(p->buf, cap);
		if (!buf) {
			p->truncated = true;
			return;
		}
		p->buf = buf;
		p->cap = cap;
	}
	memcpy(p->buf + p->len, line, n);
	p->len += n;
}

static void prom__line(struct prom *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void prom__line(struct prom *p, const char *fmt, ...)
{
	char line[PROM_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return; /* a line this long is a bug in a caller; never emit half of it */
	prom__append(p, line, (size_t)n);
}

void prom__family(struct prom *p, const char *name, const char *type, const char *help)
{
	prom__line(p, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void prom__u64(struct prom *p, const char *name, const char *labels, uint64_t v)
{
	prom__line(p, "%s%s %llu\n", name, labels, (unsigned long long)v);
}

const char *prom_fmt_double(double v, char buf[32])
{
	/* The shortest of %.15g..%.17g that reads back as the same double. */
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, 32, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

void prom__f64(struct prom *p, const char *name, const char *labels, double v)
{
	char num[32];

	if (isnan(v))
		prom__line(p, "%s%s NaN\n", name, labels);
	else if (isinf(v))
		prom__line(p, "%s%s %sInf\n", name, labels, v < 0 ? "-" : "+");
	else
		prom__line(p, "%s%s %s\n", name, labels, prom_fmt_double(v, num));
}

const char *prom_fmt_seconds(uint64_t ns, char buf[32])
{
	unsigned long long sec = ns / 1000000000ULL, frac = ns % 1000000000ULL;
	int digits = 9;

	if (!frac) {
		snprintf(buf, 32, "%llu", sec);
		return buf;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, 32, "%llu.%0*llu", sec, digits, frac);
	return buf;
}

void prom__ns(struct prom *p, const char *name, const char *labels, uint64_t ns)
{
	char sec[32];

	prom__line(p, "%s%s %s\n", name, labels, prom_fmt_seconds(ns, sec));
}

static size_t escape_value(char *dst, size_t room, const char *v)
{
	size_t n = 0;

	for (; *v && n + 2 < room; v++) {
		if (*v == '\\' || *v == '"') {
			dst[n++] = '\\';
			dst[n++] = *v;
		} else if (*v == '\n') {
			dst[n++] = '\\';
			dst[n++] = 'n';
		} else {
			dst[n++] = *v;
		}
	}
	return n;
}

char *prom_labels(char *buf, ...)
{
	size_t n = 0, room = PROM_LABELS_LEN;
	const char *k;
	va_list ap;

	buf[0] = '\0';
	va_start(ap, buf);
	while ((k = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);
		size_t kl = strlen(k);

		if (n + kl + 8 >= room)
			break;
		buf[n] = n ? ',' : '{';
		n++;
		memcpy(buf + n, k, kl);
		n += kl;
		buf[n++] = '=';
		buf[n++] = '"';
		n += escape_value(buf + n, room - n - 3, v ? v : "");
		buf[n++] = '"';
	}
	va_end(ap);
	if (n) {
		buf[n++] = '}';
		buf[n] = '\0';
	}
	return buf;
}

uint64_t prom_log2_slot_le_ns(int slot, int nslots, uint64_t unit_ns)
{
	if (slot >= nslots - 1 || slot >= 63)
		return UINT64_MAX;
	return (2ULL << slot) * unit_ns - 1;
}

/* labels with le="..." added after the existing ones. */
static void labels_with_le(char *out, size_t len, const char *labels, const char *le)
{
	size_t n = strlen(labels);

	if (n >= 2)
		snprintf(out, len, "%.*s,le=\"%s\"}", (int)(n - 1), labels, le);
	else
		snprintf(out, len, "{le=\"%s\"}", le);
}

void prom__log2_hist(struct prom *p, const char *name, const char *labels, const uint64_t *slots,
		     int nslots, uint64_t sum, uint64_t unit_ns)
{
	char series[256], lbl[PROM_LABELS_LEN + 48], le[32];
	uint64_t cum = 0;

	snprintf(series, sizeof(series), "%s_bucket", name);
	for (int i = 0; i < nslots; i++) {
		uint64_t le_ns = prom_log2_slot_le_ns(i, nslots, unit_ns);

		cum += slots[i];
		if (le_ns == UINT64_MAX)
			break;
		labels_with_le(lbl, sizeof(lbl), labels, prom_fmt_seconds(le_ns, le));
		prom__u64(p, series, lbl, cum);
	}
	labels_with_le(lbl, sizeof(lbl), labels, "+Inf");
	prom__u64(p, series, lbl, cum);
	snprintf(series, sizeof(series), "%s_sum", name);
	prom__ns(p, series, labels, sum * unit_ns);
	snprintf(series, sizeof(series), "%s_count", name);
	prom__u64(p, series, labels, cum);
}
