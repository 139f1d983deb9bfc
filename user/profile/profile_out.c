// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * profile_out.c: printing a prof_result. Folded output is Brendan Gregg's collapsed-stack
 * format ("comm;root;...;leaf value", one line per distinct stack, merged across threads),
 * which flamegraph.pl, speedscope and inferno read; the value is samples on-CPU and
 * microseconds off-CPU. JSON keeps every key (pid, tid, cgroup) apart. The report line on
 * stderr says how much was missing or truncated, so a thin profile is never mistaken for a
 * quiet one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/json.h"
#include "profile/profile.h"
#include "profile/profile_fold.h"
#include "export/escape.h"

/*
 * Copy src into dst, making it safe inside a folded frame: no ';' (it becomes '_') and
 * control bytes escaped as \xHH (escape.h), so `cat stacks.folded` cannot drive a terminal.
 */
static size_t fold_copy(char *dst, size_t room, const char *src, size_t maxlen)
{
	size_t n = esc_str(dst, room, src, maxlen);

	for (size_t i = 0; i < n; i++) {
		if (dst[i] == ';')
			dst[i] = '_';
	}
	return n;
}

int prof_folded_stack(char *buf, size_t len, const char *comm, char *const *frames, int n)
{
	size_t pos;

	if (!len)
		return -ENOSPC;
	pos = fold_copy(buf, len, comm[0] ? comm : "[unknown]", VG_COMM_LEN);
	for (int i = 0; i < n; i++) {
		size_t flen = strlen(frames[i]);

		if (pos + 1 + flen + 1 > len)
			return -ENOSPC;
		buf[pos++] = ';';
		pos += fold_copy(buf + pos, len - pos, frames[i], flen);
	}
	buf[pos] = '\0';
	return (int)pos;
}

int prof_folded_line(char *buf, size_t len, const char *comm, char *const *frames, int n,
		     uint64_t value)
{
	int pos = prof_folded_stack(buf, len, comm, frames, n);
	int w;

	if (pos < 0)
		return pos;
	w = snprintf(buf + pos, len - (size_t)pos, " %" PRIu64, value);
	if (w < 0 || (size_t)w >= len - (size_t)pos)
		return -ENOSPC;
	return pos + w;
}

static int fold_cmp(const void *a, const void *b)
{
	const struct prof_fold *x = a, *y = b;

	return strcmp(x->stack, y->stack);
}

/* Off-CPU values are ns in the kernel; folded and SVG show microseconds. */
static uint64_t fold_value(const struct prof_result *r, uint64_t v)
{
	return r->off_cpu ? v / 1000 : v;
}

int prof_fold(const struct prof_result *r, struct prof_fold **out, size_t *nout)
{
	struct prof_fold *f = calloc(r->n ? r->n : 1, sizeof(*f));
	size_t n = 0, m = 0;
	char *buf = malloc(PROF_FOLD_LINE_MAX);

	if (!f || !buf) {
		free(f);
		free(buf);
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->n; i++) {
		const struct prof_stack *s = &r->stacks[i];

		if (prof_folded_stack(buf, PROF_FOLD_LINE_MAX, s->comm, s->frames, s->nframes) < 0)
			continue;
		f[n].stack = strdup(buf);
		if (!f[n].stack) {
			free(buf);
			prof_fold__free(f, n);
			return -ENOMEM;
		}
		f[n++].value = fold_value(r, s->value);
	}
	free(buf);
	qsort(f, n, sizeof(*f), fold_cmp);
	for (size_t i = 0; i < n; i++) {
		if (m && !strcmp(f[m - 1].stack, f[i].stack)) {
			f[m - 1].value += f[i].value;
			free(f[i].stack);
			continue;
		}
		f[m++] = f[i];
	}
	*out = f;
	*nout = m;
	return 0;
}

void prof_fold__free(struct prof_fold *f, size_t n)
{
	if (!f)
		return;
	for (size_t i = 0; i < n; i++)
		free(f[i].stack);
	free(f);
}

void prof_write_folded(struct sink *s, const struct prof_result *r)
{
	struct prof_fold *f;
	size_t n;

	if (prof_fold(r, &f, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		if (!f[i].value)
			continue;
		sink__puts(s, f[i].stack);
		sink__putc(s, ' ');
		sink__u64(s, f[i].value);
		sink__putc(s, '\n');
		sink__end_record(s); /* a full disk cuts the file between lines */
	}
	prof_fold__free(f, n);
}

static void json_frames(struct jw *w, const struct prof_stack *st, bool kernel)
{
	int from = kernel ? st->nframes - st->nkframes : 0;
	int to = kernel ? st->nframes : st->nframes - st->nkframes;

	jw__arr_begin(w, kernel ? "kernel_frames" : "user_frames");
	for (int i = from; i < to; i++) {
		const char *f = st->frames[i];
		size_t len = strlen(f);

		/* The "_[k]" suffix is for folded readers; JSON says it by the array. */
		if (kernel && len > 4 && !strcmp(f + len - 4, "_[k]"))
			jw__strn(w, NULL, f, len - 4);
		else
			jw__str(w, NULL, f);
	}
	jw__arr_end(w);
}

void prof_write_json(struct sink *s, const struct prof_result *r)
{
	struct jw w;

	jw__init(&w, s, false);
	jw__obj_begin(&w, NULL);
	jw__str(&w, "mode", r->off_cpu ? "off-cpu" : "on-cpu");
	jw__str(&w, "unit", r->off_cpu ? "ns" : "samples");
	if (!r->off_cpu)
		jw__u64(&w, "freq_hz", r->freq);
	jw__u64(&w, "cpus", (uint64_t)r->ncpus);
	jw__u64(&w, "duration_ns", r->duration_ns);
	jw__u64(&w, "total", r->total_value);
	jw__u64(&w, "total_count", r->total_count);
	if (r->off_cpu)
		jw__u64(&w, "open_blocks", r->open_blocks);
	jw__obj_begin(&w, "missing");
	jw__u64(&w, "kernel", r->missing_kernel);
	jw__u64(&w, "user", r->missing_user);
	jw__u64(&w, "truncated_user", r->truncated_user);
	jw__u64(&w, "unknown_pids", r->unknown_pids);
	jw__obj_end(&w);
	jw__obj_begin(&w, "stackid_errors");
	for (int k = 0; k < 2; k++) {
		const uint64_t *e = &r->stack_errs[k * VG_SERR_PER_STACK];

		jw__obj_begin(&w, k ? "user" : "kernel");
		jw__u64(&w, "EEXIST", e[VG_SERR_EEXIST]);
		jw__u64(&w, "EFAULT", e[VG_SERR_EFAULT]);
		jw__u64(&w, "ENOMEM", e[VG_SERR_ENOMEM]);
		jw__u64(&w, "other", e[VG_SERR_OTHER]);
		jw__obj_end(&w);
	}
	jw__obj_end(&w);
	jw__obj_begin(&w, "drops");
	jw__u64(&w, "map_full", r->drops[VG_DROP_MAP_FULL]);
	jw__u64(&w, "ringbuf_full", r->drops[VG_DROP_RINGBUF_FULL]);
	jw__u64(&w, "no_storage", r->drops[VG_DROP_NO_STORAGE]);
	jw__obj_end(&w);
	jw__obj_begin(&w, "unwind");
	jw__u64(&w, "tables", r->unwind.tables);
	jw__u64(&w, "rows", r->unwind.rows);
	jw__u64(&w, "rows_capacity", r->unwind.rows_cap);
	jw__u64(&w, "loads", r->unwind.loads);
	jw__u64(&w, "evictions", r->unwind.evictions);
	jw__u64(&w, "failed_objects", r->unwind.failed_objs);
	jw__obj_end(&w);
	jw__arr_begin(&w, "stacks");
	for (size_t i = 0; i < r->n; i++) {
		const struct prof_stack *st = &r->stacks[i];

		jw__obj_begin(&w, NULL);
		jw__u64(&w, "pid", st->pid);
		jw__u64(&w, "tid", st->tid);
		jw__strn(&w, "comm", st->comm, VG_COMM_LEN);
		jw__u64(&w, "cgroup_id", st->cgroup_id);
		jw__u64(&w, "value", st->value);
		jw__u64(&w, "count", st->count);
		json_frames(&w, st, false);
		json_frames(&w, st, true);
		jw__obj_end(&w);
	}
	jw__arr_end(&w);
	jw__obj_end(&w);
	sink__putc(s, '\n');
}

void prof_report(const struct prof_result *r)
{
	const char *u = r->off_cpu ? "ns" : "samples";
	uint64_t collisions;

	fprintf(stderr,
		"vigil profile: %" PRIu64 " %s in %" PRIu64 " %s, %zu stacks, %.1fs; "
		"missing kernel stacks: %" PRIu64 " %s, missing user stacks: %" PRIu64 " %s"
		", truncated user stacks: %" PRIu64 " %s"
		", processes gone before symbolisation: %" PRIu64 "; drops: %" PRIu64
		" map full, %" PRIu64 " ring buffer full, %" PRIu64 " off-CPU blocks lost to busy "
		"task storage\n",
		r->total_value, r->off_cpu ? "ns blocked" : "samples", r->total_count,
		r->off_cpu ? "blocks" : "ticks", r->n, (double)r->duration_ns / 1e9,
		r->missing_kernel, u, r->missing_user, u, r->truncated_user, u, r->unknown_pids,
		r->drops[VG_DROP_MAP_FULL], r->drops[VG_DROP_RINGBUF_FULL],
		r->drops[VG_DROP_NO_STORAGE]);
	collisions = r->stack_errs[VG_SERR_EEXIST] + r->stack_errs[VG_SERR_ENOMEM] +
		     r->stack_errs[VG_SERR_PER_STACK + VG_SERR_EEXIST] +
		     r->stack_errs[VG_SERR_PER_STACK + VG_SERR_ENOMEM];
	if (r->off_cpu && r->open_blocks)
		fprintf(stderr,
			"vigil profile: %" PRIu64 " blocks were still open at the end: counted up "
			"to it\n",
			r->open_blocks);
	if (r->drops[VG_DROP_MAP_FULL] ||
	    (!r->off_cpu && collisions > 10 && collisions * 100 > r->total_count))
		fprintf(stderr,
			"vigil profile: %" PRIu64 " stacks lost to a full or colliding "
			"stack map, %" PRIu64 " keys to a full counts map: raise "
			"--stack-storage\n",
			collisions, r->drops[VG_DROP_MAP_FULL]);
	if (r->unwind.evictions)
		fprintf(stderr,
			"vigil profile: %" PRIu64 " unwind tables evicted to make room (%" PRIu64
			" loaded in all, %" PRIu64 " of %" PRIu64
			" rows in use): frames there fell "
			"back to frame pointers until reloaded; raise --unwind-memory\n",
			r->unwind.evictions, r->unwind.loads, r->unwind.rows, r->unwind.rows_cap);
}
