// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * blkio_summary.c: the main job's block I/O summary. The main job keys its histograms per
 * pid; here the per-pid latency histograms merge into one, and the io_top map gives the
 * I/O count, bytes and busiest processes.
 */
#include "blkio/blkio_summary.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkio/blkio_dev.h"
#include "export/escape.h"
#include "export/hist_print.h"

void run_blkio__configure(struct trace_cfg *cfg)
{
	cfg->hists |= 1U << HIST_BLKIO;
	cfg->blkio_top = 1;
}

static int collect_top(struct run_blkio *b, const struct tracer *t)
{
	struct io_top_reader r;
	struct io_top_row *rows;
	int n, fd = tracer__map_fd(t, "io_top");

	if (fd < 0)
		return fd;
	n = io_top_reader__init(&r, fd);
	if (n)
		return n;
	rows = calloc(r.max_entries, sizeof(*rows));
	n = rows ? io_top_reader__drain(&r, rows) : -ENOMEM;
	for (int i = 0; i < n; i++) {
		b->ios += rows[i].v.ios;
		b->bytes += rows[i].v.bytes;
		if (b->ntop < RUN_BLKIO_TOP)
			b->top[b->ntop++] = rows[i];
	}
	free(rows);
	io_top_reader__fini(&r);
	return n < 0 ? n : 0;
}

int run_blkio__collect(struct run_blkio *b, const struct session *s)
{
	const struct tracer *t = session__tracer(s, "blkio");
	int err;

	memset(b, 0, sizeof(*b));
	if (!t)
		return 0;
	b->present = true;
	err = hist_map__sum(t, hist_descs[HIST_BLKIO].map, &b->lat);
	return collect_top(b, t) ?: err;
}

static double avg_ms(const struct io_top_row *r)
{
	return r->v.ios ? (double)r->v.sum_ns / (double)r->v.ios / 1e6 : 0.0;
}

void run_blkio__print_table(struct sink *out, const struct run_blkio *b)
{
	uint64_t n = vg_hist__total(&b->lat);

	if (!b->present)
		return;
	if (!n) { /* no average or percentile of nothing */
		sink__printf(out, "\nblock I/O: %llu I/Os, %llu KiB; latency: no samples\n",
			     (unsigned long long)b->ios, (unsigned long long)(b->bytes / 1024));
		return;
	}
	sink__printf(out,
		     "\nblock I/O: %llu I/Os, %llu KiB; latency avg %llu us, p50 <= %llu us, "
		     "p99 <= %llu us\n",
		     (unsigned long long)b->ios, (unsigned long long)(b->bytes / 1024),
		     (unsigned long long)(b->lat.sum / n),
		     (unsigned long long)vg_hist__quantile(&b->lat, 0.5),
		     (unsigned long long)vg_hist__quantile(&b->lat, 0.99));
	hist_print_log2(out, b->lat.slots, VG_HIST_SLOTS, "usecs");
	sink__printf(out, "\ntop processes by block I/O bytes:\n%7s %-16s %1s %-8s %7s %9s %8s\n",
		     "PID", "COMM", "D", "DISK", "I/O", "Kbytes", "AVGms");
	for (int i = 0; i < b->ntop; i++) {
		const struct io_top_row *r = &b->top[i];
		char pid[16], comm[ESC_MAX_PER_BYTE * VG_COMM_LEN + 1];

		snprintf(pid, sizeof(pid), r->pid ? "%u" : "-", r->pid);
		esc_str(comm, sizeof(comm), r->pid ? r->v.comm : "-", VG_COMM_LEN);
		sink__printf(out, "%7s %-16s %1s %-8s %7llu %9llu %8.2f\n", pid, comm,
			     r->write ? "W" : "R", blkio_disk_cached(r->dev),
			     (unsigned long long)r->v.ios, (unsigned long long)(r->v.bytes / 1024),
			     avg_ms(r));
	}
}

void run_blkio__print_json(struct jw *w, const struct run_blkio *b)
{
	uint64_t n = vg_hist__total(&b->lat);

	if (!b->present)
		return;
	jw__obj_begin(w, "blkio");
	jw__u64(w, "ios", b->ios);
	jw__u64(w, "bytes", b->bytes);
	jw__u64(w, "latency_count", n);
	jw__u64(w, "latency_sum_us", b->lat.sum);
	if (n) {
		jw__u64(w, "latency_p50_us", vg_hist__quantile(&b->lat, 0.5));
		jw__u64(w, "latency_p99_us", vg_hist__quantile(&b->lat, 0.99));
	} else { /* no statistics of nothing */
		jw__null(w, "latency_p50_us");
		jw__null(w, "latency_p99_us");
	}
	jw__arr_begin(w, "top");
	for (int i = 0; i < b->ntop; i++) {
		const struct io_top_row *r = &b->top[i];

		jw__obj_begin(w, NULL);
		if (r->pid) {
			jw__u64(w, "pid", r->pid);
			jw__strn(w, "comm", r->v.comm, VG_COMM_LEN);
		} else {
			jw__null(w, "pid");
			jw__null(w, "comm");
		}
		jw__str(w, "disk", blkio_disk_cached(r->dev));
		jw__str(w, "op", r->write ? "W" : "R");
		jw__u64(w, "ios", r->v.ios);
		jw__u64(w, "bytes", r->v.bytes);
		jw__f64(w, "avg_ms", avg_ms(r));
		jw__obj_end(w);
	}
	jw__arr_end(w);
	jw__obj_end(w);
}
