// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mail_report.c: the host report of `vigil report` (mail_report.h), read from the main job's
 * JSON summary with Jansson (loaded on first use) and the disks from the fallback library
 * (psutil's disk_partitions and disk_usage, as `vigil df` reads them). The text is laid out as
 * the main job's own summary is: sources and losses, records, the latency statistics, the
 * processes that waited longest for a CPU, TCP and block I/O when traced, then disks.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "core/log.h"
#include "fallback.h"
#include "mail/mail_chart.h"
#include "mail/mail_report.h"

#define REPORT_TOP   10
#define REPORT_SLOTS 64

struct mail_report {
	json_t *root;
	char *json; /* the summary as the main job wrote it, attached to the mail */
	size_t len;
	char host[256];
	double now;
};

struct mail_report *mail_report__new(const char *json, size_t len, const char *host, double now)
{
	struct mail_report *r = calloc(1, sizeof(*r));
	json_error_t err;

	if (!r)
		return NULL;
	r->root = json_loadb(json, len, 0, &err);
	if (!r->root || !json_is_object(r->root)) {
		pr_err("report: the main job's summary is not JSON: %s (line %d)\n", err.text,
		       err.line);
		mail_report__free(r);
		return NULL;
	}
	r->json = malloc(len + 1);
	if (!r->json) {
		mail_report__free(r);
		return NULL;
	}
	memcpy(r->json, json, len);
	r->len = len;
	snprintf(r->host, sizeof(r->host), "%s", host);
	r->now = now;
	return r;
}

void mail_report__free(struct mail_report *r)
{
	if (!r)
		return;
	if (r->root)
		json_delete(r->root);
	free(r->json);
	free(r);
}

static json_t *get(json_t *o, const char *path)
{
	char key[64];

	while (o && *path) {
		size_t n = strcspn(path, ".");

		snprintf(key, sizeof(key), "%.*s", (int)(n < 63 ? n : 63), path);
		o = json_is_object(o) ? json_object_get(o, key) : NULL;
		path += n + (path[n] == '.');
	}
	return o;
}

static double num(json_t *o, const char *path)
{
	json_t *v = get(o, path);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *str(json_t *o, const char *path)
{
	json_t *v = get(o, path);

	return json_is_string(v) ? json_string_value(v) : "";
}

/* One latency statistics line ("run queue latency: 6766 samples, avg 3.13 ms, ..."). */
static int text_hist(struct mail_buf *b, json_t *root, const char *key, const char *title)
{
	double count = num(get(root, key), "count");
	char avg[32], p50[32], p99[32];

	if (isnan(count))
		return 0;
	if (count == 0)
		return mail_buf__printf(b, "%s: no samples\n", title);
	mail_fmt_value(avg, sizeof(avg), num(get(root, key), "avg") * 1e-6, "s");
	mail_fmt_value(p50, sizeof(p50), num(get(root, key), "p50") * 1e-6, "s");
	mail_fmt_value(p99, sizeof(p99), num(get(root, key), "p99") * 1e-6, "s");
	return mail_buf__printf(b, "%s: %.0f samples, avg %s, p50 <= %s, p99 <= %s\n", title, count,
				avg, p50, p99);
}

static int text_subsystems(struct mail_buf *b, json_t *root)
{
	json_t *subs = get(root, "subsystems");
	int err = 0;

	for (size_t i = 0; !err && i < json_array_size(subs); i++) {
		json_t *s = json_array_get(subs, i), *drops = get(s, "drops");
		const char *src = str(s, "source");
		double lost = 0;

		for (void *it = json_object_iter(drops); it;
		     it = json_object_iter_next(drops, it)) {
			json_t *v = json_object_iter_value(it);

			lost += json_is_number(v) ? json_number_value(v) : 0;
		}
		if (!*src)
			err = mail_buf__printf(b, "%-6s unavailable: %s\n", str(s, "name"),
					       str(s, "reason"));
		else if (strcmp(src, "bpf"))
			err = mail_buf__printf(b, "%-6s source=%s (%s)\n", str(s, "name"), src,
					       str(s, "reason"));
		else
			err = mail_buf__printf(b, "%-6s source=bpf  drops: %.0f\n", str(s, "name"),
					       lost);
	}
	return err;
}

static int text_records(struct mail_buf *b, json_t *root)
{
	json_t *recs = get(root, "records");
	int err = mail_buf__printf(b, "records:");

	for (void *it = json_object_iter(recs); it && !err; it = json_object_iter_next(recs, it)) {
		const char *k = json_object_iter_key(it);
		json_t *v = json_object_iter_value(it);

		if (json_is_number(v))
			err = mail_buf__printf(b, " %s %.0f", k, json_number_value(v));
		else
			err = mail_buf__printf(b, " %s n/a", k);
	}
	return err ? err : mail_buf__printf(b, "\n");
}

/* Without BPF the main job reads each process' schedstat: the same question, coarser. */
static int text_top_schedstat(struct mail_buf *b, json_t *root)
{
	json_t *top = get(root, "fallback.top_schedstat");
	int err;

	if (!json_array_size(top))
		return 0;
	err = mail_buf__printf(b,
			       "\ntop processes by time spent waiting for a CPU (schedstat):\n"
			       "%7s %-16s %10s %12s %12s\n",
			       "PID", "COMM", "SLICES", "WAIT_US", "ONCPU_US");
	for (size_t i = 0; !err && i < json_array_size(top) && i < REPORT_TOP; i++) {
		json_t *p = json_array_get(top, i);

		err = mail_buf__printf(b, "%7.0f %-16.16s %10.0f %12.0f %12.0f\n", num(p, "pid"),
				       str(p, "comm"), num(p, "timeslices"),
				       num(p, "run_delay_ns") / 1e3, num(p, "oncpu_ns") / 1e3);
	}
	return err;
}

static int text_top(struct mail_buf *b, json_t *root)
{
	json_t *top = get(root, "top");
	int err;

	if (!json_array_size(top))
		return text_top_schedstat(b, root);
	err = mail_buf__printf(b,
			       "\ntop processes by time spent waiting for a CPU:\n%7s %-16s %9s "
			       "%10s %10s %12s\n",
			       "PID", "COMM", "WAKEUPS", "WAIT_US", "P99_US", "ONCPU_US");
	for (size_t i = 0; !err && i < json_array_size(top) && i < REPORT_TOP; i++) {
		json_t *p = json_array_get(top, i);

		err = mail_buf__printf(b, "%7.0f %-16.16s %9.0f %10.0f %10.0f %12.0f\n",
				       num(p, "pid"), str(p, "comm"), num(p, "runq_count"),
				       num(p, "runq_sum_us"), num(p, "runq_p99_us"),
				       num(p, "oncpu_sum_us"));
	}
	return err;
}

static int text_io(struct mail_buf *b, json_t *root)
{
	json_t *tcp = get(root, "tcp"), *blk = get(root, "blkio");
	char p50[32], p99[32];
	int err = 0;

	if (json_is_object(tcp))
		err = mail_buf__printf(b,
				       "\ntcp: %.0f connections closed, %.0f retransmits, "
				       "%.0f resets\n",
				       num(tcp, "closes"), num(tcp, "retransmits"),
				       num(tcp, "resets"));
	if (!err && json_is_object(blk)) {
		mail_fmt_value(p50, sizeof(p50), num(blk, "latency_p50_us") * 1e-6, "s");
		mail_fmt_value(p99, sizeof(p99), num(blk, "latency_p99_us") * 1e-6, "s");
		err = mail_buf__printf(b,
				       "block I/O: %.0f I/Os, %.0f bytes, latency p50 <= %s, "
				       "p99 <= %s\n",
				       num(blk, "ios"), num(blk, "bytes"), p50, p99);
	}
	return err;
}

static int text_disks(struct mail_buf *b)
{
	struct fb_partitions parts = { 0 };
	int err;

	if (fb_disk_partitions(false, &parts))
		return mail_buf__printf(b, "\ndisks: cannot list the mounted file systems\n");
	err = mail_buf__printf(b, "\ndisks:\n%-24s %-8s %10s %10s %10s %5s\n", "MOUNTED ON", "TYPE",
			       "SIZE", "USED", "AVAIL", "USE%");
	for (size_t i = 0; !err && i < parts.n; i++) {
		struct fb_disk_usage u;
		char size[32], used[32], avail[32];

		if (fb_disk_usage(parts.v[i].mountpoint, &u) || !u.total)
			continue;
		mail_fmt_value(size, sizeof(size), (double)u.total, "B");
		mail_fmt_value(used, sizeof(used), (double)u.used, "B");
		mail_fmt_value(avail, sizeof(avail), (double)u.free, "B");
		err = mail_buf__printf(b, "%-24s %-8s %10s %10s %10s %4.0f%%\n",
				       parts.v[i].mountpoint, parts.v[i].fstype, size, used, avail,
				       u.percent);
	}
	fb_partitions_free(&parts);
	return err;
}

int mail_report__text(struct mail_report *r, struct mail_buf *b)
{
	char date[64];
	int err;

	mail_date(date, sizeof(date), r->now);
	err = mail_buf__printf(b, "vigil report: %s, %s, %.1f s traced\n\n", r->host, date,
			       num(r->root, "duration_s"));
	err = err ? err : text_subsystems(b, r->root);
	err = err ? err : text_records(b, r->root);
	err = err ? err : mail_buf__printf(b, "\n");
	err = err ? err : text_hist(b, r->root, "runq", "run queue latency (wakeup to on-CPU)");
	err = err ? err : text_hist(b, r->root, "oncpu", "on-CPU time slices");
	err = err ? err : text_top(b, r->root);
	err = err ? err : text_io(b, r->root);
	return err ? err : text_disks(b);
}

/* The summary's buckets ({lo, hi, count}) as log2 slots (slot 0: [0,1], slot i: [2^i, ...)). */
static int hist_slots(json_t *h, uint64_t *slots)
{
	json_t *buckets = get(h, "buckets");
	int n = 0;

	memset(slots, 0, REPORT_SLOTS * sizeof(*slots));
	for (size_t i = 0; i < json_array_size(buckets); i++) {
		json_t *bk = json_array_get(buckets, i);
		double lo = num(bk, "lo"), count = num(bk, "count");
		int slot = 0;

		if (isnan(lo) || isnan(count) || count < 0 || lo >= 0x1p63)
			continue;
		if (lo >= 2) /* floor(log2(lo)), in integers: no libm at every command's exec */
			slot = 63 - __builtin_clzll((unsigned long long)lo);
		if (slot >= REPORT_SLOTS)
			continue;
		slots[slot] += (uint64_t)count;
		n = slot + 1 > n ? slot + 1 : n;
	}
	return n;
}

static int compose_chart(struct mail_report *r, struct mail_msg *m, const char *key,
			 const char *title)
{
	uint64_t slots[REPORT_SLOTS];
	struct mail_buf png = { 0 };
	char name[64];
	int n = hist_slots(get(r->root, key), slots), err;

	if (!n)
		return 0;
	if (mail_chart__hist(title, slots, n, &png))
		return 0; /* no cairo: the text says it all */
	snprintf(name, sizeof(name), "%s.png", key);
	err = mail_msg__add_part(m, true, "image/png", name, png.data, png.len);
	err = err ? err
		  : mail_buf__printf(&m->html,
				     "<p><img src=\"cid:%s\" width=\"%d\" height=\"%d\" "
				     "alt=\"%s\"></p>\n",
				     name, MAIL_CHART_W, MAIL_CHART_H, title);
	mail_buf__free(&png);
	return err;
}

int mail_report__compose(struct mail_report *r, struct mail_msg *m, const char *from,
			 const char *to)
{
	char id[320], date[64], subject[300];
	int err;

	memset(m, 0, sizeof(*m));
	mail_date(date, sizeof(date), r->now);
	snprintf(id, sizeof(id), "vigil.report.%lld.%d@%s", (long long)r->now, (int)getpid(),
		 r->host);
	snprintf(subject, sizeof(subject), "vigil report: %s", r->host);
	err = mail_msg__set(&m->message_id, id);
	err = err ? err : mail_msg__set(&m->from, from);
	err = err ? err : mail_msg__set(&m->to, to);
	err = err ? err : mail_msg__set(&m->date, date);
	err = err ? err : mail_msg__set(&m->subject, subject);
	err = err ? err : mail_report__text(r, &m->text);
	err = err ? err
		  : mail_buf__printf(&m->html, "<!DOCTYPE html>\n<html><body style=\""
					       "font-family:sans-serif\">\n<h2>");
	err = err ? err : mail_buf__html(&m->html, subject);
	err = err ? err : mail_buf__printf(&m->html, "</h2>\n");
	err = err ? err : compose_chart(r, m, "runq", "run queue latency (wakeup to on-CPU)");
	err = err ? err : compose_chart(r, m, "oncpu", "on-CPU time slices");
	err = err ? err : mail_buf__printf(&m->html, "<pre style=\"font-size:13px\">");
	err = err ? err : mail_buf__html(&m->html, m->text.data);
	err = err ? err : mail_buf__printf(&m->html, "</pre>\n</body></html>\n");
	err = err ? err
		  : mail_msg__add_part(m, false, "application/json", "summary.json", r->json,
				       r->len);
	if (err)
		mail_msg__free(m);
	return err;
}
