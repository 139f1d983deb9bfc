// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * top_render.c: `vigil top`'s frames (see top_render.h). Cells are formatted per column
 * (durations with units, rates and sizes as bytes2human, '-' for unknown), padded by display
 * width (µ is one column, two bytes) and each line is cut to the terminal's width.
 */
#include "view/top_render.h"

#include <string.h>

#include "export/escape.h"
#include "export/human.h"
#include "export/json.h"
#include "fallback.h"
#include "port.h"
#include "view/top_screen.h"

#define LINE_MAX_BYTES 1024

/* Width of each column (negative: left-aligned), by enum top_col. */
static const int col_width[TOP__COUNT] = {
	[TOP_PID] = 7,	     [TOP_COMM] = -16,	  [TOP_CPU] = 6,	[TOP_MEM] = 5,
	[TOP_RES] = 6,	     [TOP_TIME] = 9,	  [TOP_RUNQ_P50] = 9,	[TOP_RUNQ_P99] = 9,
	[TOP_RUNQ_AVG] = 9,  [TOP_DISK_READ] = 8, [TOP_DISK_WRITE] = 8, [TOP_DISK_P99] = 9,
	[TOP_TCP_CONNS] = 5, [TOP_TCP_RTT] = 9,	  [TOP_DNS_QPS] = 7,	[TOP_DNS_P99] = 9,
};

const char *const top_extra_names[] = { "cgroup", "container", "unit", NULL };
static const char *const extra_titles[] = { "CGROUP", "CONTAINER", "UNIT" };
static const int extra_width[] = { -32, -19, -24 };

/* The cgroup path of pid and the names derived from it; false if unreadable. */
static bool extra_read(uint32_t pid, char *path, size_t len, struct fb_cgroup_name *n)
{
	if (fb_cgroup_path((pid_t)pid, path, len))
		return false;
	fb_cgroup_name_parse(path, n);
	return true;
}

/* The text of extra column i ("" when the path names none); NULL if unreadable. */
static const char *extra_text(int i, bool ok, const char *path, const struct fb_cgroup_name *n,
			      char *buf, size_t len)
{
	if (!ok)
		return NULL;
	if (i == 0)
		return path;
	if (i == 1)
		return fb_cgroup_name_container(n, buf, len);
	return n->unit;
}

/* The text of column c of row r. */
static void cell(const struct top_row *r, enum top_col c, char *buf, size_t len)
{
	uint64_t us = 0;
	double t;

	if (!top_row__has(r, c)) {
		snprintf(buf, len, "-");
		return;
	}
	switch (c) {
	case TOP_PID:
		snprintf(buf, len, "%u", r->pid);
		return;
	case TOP_COMM:
		esc_str(buf, len, r->comm, sizeof(r->comm));
		return;
	case TOP_CPU:
		snprintf(buf, len, "%.1f", r->cpu_pct);
		return;
	case TOP_MEM:
		snprintf(buf, len, "%.1f", r->mem_pct);
		return;
	case TOP_RES:
		fb_bytes2human(r->res_bytes, buf, len);
		return;
	case TOP_TIME: /* top's TIME+: minutes:seconds.hundredths */
		t = r->cpu_time_s;
		snprintf(buf, len, "%llu:%05.2f", (unsigned long long)(t / 60),
			 t - 60.0 * (double)(unsigned long long)(t / 60));
		return;
	case TOP_DISK_READ:
		fb_bytes2human(r->disk_read_bps, buf, len);
		return;
	case TOP_DISK_WRITE:
		fb_bytes2human(r->disk_write_bps, buf, len);
		return;
	case TOP_TCP_CONNS:
		snprintf(buf, len, "%llu", (unsigned long long)r->tcp_conns);
		return;
	case TOP_DNS_QPS:
		snprintf(buf, len, "%.1f", r->dns_qps);
		return;
	case TOP_RUNQ_P50:
		us = r->runq_p50_us;
		break;
	case TOP_RUNQ_P99:
		us = r->runq_p99_us;
		break;
	case TOP_RUNQ_AVG:
		us = r->runq_avg_us;
		break;
	case TOP_DISK_P99:
		us = r->disk_p99_us;
		break;
	case TOP_TCP_RTT:
		us = r->tcp_rtt_us;
		break;
	case TOP_DNS_P99:
		us = r->dns_p99_us;
		break;
	default:
		snprintf(buf, len, "-");
		return;
	}
	human_duration(us * 1000, buf, len);
}

/* Append the cell text to line (at *n), padded to its column; a space before all but the first. */
static void append(char *line, size_t *n, const char *text, int width, bool first)
{
	char padded[ESC_MAX_PER_BYTE * 64 + 1];

	human_pad(padded, sizeof(padded), text, width < 0 ? -width : width, width < 0);
	*n += (size_t)snprintf(line + *n, LINE_MAX_BYTES - *n, "%s%s", first ? "" : " ", padded);
	if (*n >= LINE_MAX_BYTES)
		*n = LINE_MAX_BYTES - 1;
}

/* The line, cut to cols, without trailing spaces; reverse video when hl. */
static void put_line(FILE *out, char *line, int cols, bool hl)
{
	size_t n = strlen(line);

	while (n && line[n - 1] == ' ' && !hl)
		line[--n] = '\0';
	if (hl)
		fputs("\033[7m", out);
	top_screen__put(out, line, cols);
	if (hl)
		fputs("\033[m", out);
}

static void header_line(char *line, bool peer, uint32_t extra)
{
	size_t n = 0;

	for (int i = 0; i < TOP__COUNT; i++) {
		enum top_col c = top_col_order[i];

		append(line, &n, top_col_titles[c], col_width[c], i == 0);
	}
	for (int i = 0; top_extra_names[i]; i++) {
		if (extra & (1u << i))
			append(line, &n, extra_titles[i], extra_width[i], false);
	}
	if (peer)
		append(line, &n, "PEER", 0, false);
}

static void row_line(char *line, const struct top_row *r, const struct top_frame *f)
{
	char text[ESC_MAX_PER_BYTE * 64 + 1], name[256];
	size_t n = 0;

	for (int i = 0; i < TOP__COUNT; i++) {
		enum top_col c = top_col_order[i];

		cell(r, c, text, sizeof(text));
		append(line, &n, text, col_width[c], i == 0);
	}
	if (f->extra) {
		struct fb_cgroup_name cg;
		char path[512], buf[32];
		bool ok = extra_read(r->pid, path, sizeof(path), &cg);

		for (int i = 0; top_extra_names[i]; i++) {
			const char *t = extra_text(i, ok, path, &cg, buf, sizeof(buf));

			if (!(f->extra & (1u << i)))
				continue;
			esc_str(text, sizeof(text), t && *t ? t : "-", 64);
			append(line, &n, text, extra_width[i], false);
		}
	}
	if (f->peer) {
		esc_str(text, sizeof(text), f->peer(f->peer_ctx, r->pid, name, sizeof(name)), 64);
		append(line, &n, text, 0, false);
	}
}

/* Line 3: the prompt of what is being typed, else the last news. */
static void prompt_line(char *line, const struct top_view *v)
{
	switch (v->mode) {
	case TOPM_FILTER:
		snprintf(line, LINE_MAX_BYTES, "Filter by name (Enter applies, Esc cancels): %s",
			 v->edit);
		break;
	case TOPM_KILL_PID:
		snprintf(line, LINE_MAX_BYTES, "PID to signal (Esc cancels): %s", v->edit);
		break;
	case TOPM_KILL_SIG:
		snprintf(line, LINE_MAX_BYTES, "Signal to send to %d: %s", v->kill_pid, v->edit);
		break;
	case TOPM_KILL_ASK:
		snprintf(line, LINE_MAX_BYTES, "Send signal %d to pid %d? [y/n]", v->kill_sig,
			 v->kill_pid);
		break;
	default:
		snprintf(line, LINE_MAX_BYTES, "%s", v->msg);
	}
}

static void draw_help(FILE *out, int cols)
{
	char line[LINE_MAX_BYTES];

	for (int i = 0; top_help_lines[i]; i++) {
		snprintf(line, sizeof(line), "%s", top_help_lines[i]);
		put_line(out, line, cols, false);
		fputc('\n', out);
	}
}

static void draw_sort_chooser(FILE *out, const struct top_view *v, int cols)
{
	char line[LINE_MAX_BYTES];

	snprintf(line, sizeof(line), "Sort by (Up/Down, Enter chooses, Esc cancels):");
	put_line(out, line, cols, false);
	for (int i = 0; i < TOP__COUNT; i++) {
		enum top_col c = top_col_order[i];

		snprintf(line, sizeof(line), "%s %-9s %s", c == v->sort ? "*" : " ",
			 top_col_titles[c], top_sort_names[c]);
		fputc('\n', out);
		put_line(out, line, cols, i == v->sort_pick);
	}
	fputc('\n', out);
}

void top_render__screen(FILE *out, struct top_view *v, const struct top_frame *f, int cols,
			int rows, bool live)
{
	const struct top_table *t = f->t;
	char line[LINE_MAX_BYTES], when[16];
	size_t page;
	struct tm tm;

	if (live)
		fputs("\033[H\033[J", out);
	if (v->mode == TOPM_HELP) {
		draw_help(out, cols);
		return;
	}
	if (v->mode == TOPM_SORT) {
		draw_sort_chooser(out, v, cols);
		return;
	}
	port_localtime(&f->when.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	snprintf(line, sizeof(line),
		 "vigil top - %s, every %.1fs, sort %s%s%s; sched: %s, procs: %s, disk: io%s, "
		 "tcp: %s",
		 when, f->interval_s, top_sort_names[v->sort], v->filter[0] ? ", filter " : "",
		 v->filter, f->sched ? f->sched : "none", f->procs, f->bpf_disk ? " + bpf" : "",
		 f->bpf_tcp ? "bpf_iter" : "sock_diag");
	put_line(out, line, cols, false);
	snprintf(line, sizeof(line), "%zu %s; RQ = run-queue wait%s", t->n,
		 t->n == 1 ? "process" : "processes",
		 f->sched && strcmp(f->sched, "bpf") ? " (p50/p99 need BPF: mean per slice shown)"
						     : "");
	fputc('\n', out);
	put_line(out, line, cols, false);
	prompt_line(line, v);
	fputc('\n', out);
	put_line(out, line, cols, false);
	header_line(line, f->peer != NULL, f->extra);
	fputc('\n', out);
	put_line(out, line, cols, live);
	page = f->max_rows ? f->max_rows : rows > 5 ? (size_t)rows - 4 : 1;
	if (!live)
		v->first = 0;
	top_view__clamp(v, t->n, page);
	for (size_t i = v->first; i < t->n && i < v->first + page; i++) {
		row_line(line, &t->rows[i], f);
		fputc('\n', out);
		put_line(out, line, cols, live && i == v->sel);
	}
	if (!live)
		fputc('\n', out);
}

static void json_u64(struct jw *w, const struct top_row *r, enum top_col c, const char *key,
		     uint64_t v)
{
	if (top_row__has(r, c))
		jw__u64(w, key, v);
	else
		jw__null(w, key);
}

static void json_f64(struct jw *w, const struct top_row *r, enum top_col c, const char *key,
		     double v)
{
	if (top_row__has(r, c))
		jw__f64(w, key, v);
	else
		jw__null(w, key);
}

static void json_row(struct jw *w, const struct top_row *r, const struct top_frame *f)
{
	char name[256];

	jw__obj_begin(w, NULL);
	jw__u64(w, "pid", r->pid);
	jw__strn(w, "comm", r->comm, sizeof(r->comm));
	json_f64(w, r, TOP_CPU, "cpu_pct", r->cpu_pct);
	json_f64(w, r, TOP_MEM, "mem_pct", r->mem_pct);
	json_u64(w, r, TOP_RES, "rss_bytes", r->res_bytes);
	json_f64(w, r, TOP_TIME, "cpu_time_s", r->cpu_time_s);
	json_u64(w, r, TOP_RUNQ_P50, "runq_p50_us", r->runq_p50_us);
	json_u64(w, r, TOP_RUNQ_P99, "runq_p99_us", r->runq_p99_us);
	json_u64(w, r, TOP_RUNQ_AVG, "runq_avg_us", r->runq_avg_us);
	json_u64(w, r, TOP_DISK_READ, "read_bytes_per_s", r->disk_read_bps);
	json_u64(w, r, TOP_DISK_WRITE, "write_bytes_per_s", r->disk_write_bps);
	json_u64(w, r, TOP_DISK_P99, "disk_p99_us", r->disk_p99_us);
	json_u64(w, r, TOP_TCP_CONNS, "tcp_conns", r->tcp_conns);
	json_u64(w, r, TOP_TCP_RTT, "tcp_rtt_us", r->tcp_rtt_us);
	json_f64(w, r, TOP_DNS_QPS, "dns_qps", r->dns_qps);
	json_u64(w, r, TOP_DNS_P99, "dns_p99_us", r->dns_p99_us);
	if (f->peer)
		jw__str(w, "peer", f->peer(f->peer_ctx, r->pid, name, sizeof(name)));
	if (f->extra) {
		struct fb_cgroup_name cg;
		char path[1024], buf[32];
		bool ok = extra_read(r->pid, path, sizeof(path), &cg);

		for (int i = 0; top_extra_names[i]; i++) {
			const char *t = extra_text(i, ok, path, &cg, buf, sizeof(buf));

			if (!(f->extra & (1u << i)))
				continue;
			if (t && *t)
				jw__str(w, top_extra_names[i], t);
			else
				jw__null(w, top_extra_names[i]);
		}
	}
	jw__obj_end(w);
}

void top_render__json(struct sink *s, const struct top_view *v, const struct top_frame *f)
{
	const struct top_table *t = f->t;
	struct jw w;

	jw__init(&w, s, false);
	jw__obj_begin(&w, NULL);
	jw__str(&w, "time", f->time);
	jw__u64(&w, "ts_ns", f->ts_ns);
	jw__f64(&w, "interval", f->interval_s);
	jw__str(&w, "sort", top_sort_names[v->sort]);
	if (v->filter[0])
		jw__str(&w, "filter", v->filter);
	else
		jw__null(&w, "filter");
	if (f->sched)
		jw__str(&w, "sched", f->sched);
	else
		jw__null(&w, "sched");
	jw__str(&w, "procs", f->procs);
	jw__u64(&w, "processes", t->n);
	jw__arr_begin(&w, "rows");
	for (size_t i = 0; i < t->n && (!f->max_rows || i < f->max_rows); i++)
		json_row(&w, &t->rows[i], f);
	jw__arr_end(&w);
	jw__obj_end(&w);
	sink__putc(s, '\n');
	sink__flush(s);
}
