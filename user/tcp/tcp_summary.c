// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tcp_summary.c: the main job's TCP summary (see tcp_summary.h).
 */
#include "tcp/tcp_summary.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hist.h"
#include "export/hist_print.h"
#include "core/session.h"
#include "export/escape.h"

void run_tcp__configure(struct trace_cfg *cfg)
{
	cfg->stream_kinds |= (1ULL << VG_KIND_TCP_CLOSE) | (1ULL << VG_KIND_TCP_RESET);
	cfg->hists |= (1U << HIST_TCP_CONNECT) | (1U << HIST_TCP_RTT);
	cfg->tcp_io_bytes = 1;
}

static struct run_tcp_proc *run_tcp__proc(struct run_tcp *t, uint64_t pid, const char *comm)
{
	for (int i = 0; i < t->nprocs; i++) {
		if (t->procs[i].pid == pid)
			return &t->procs[i];
	}
	if (t->nprocs == RUN_TCP_PROCS) {
		t->untracked++;
		return NULL;
	}
	t->procs[t->nprocs].pid = pid;
	if (comm)
		strncpy(t->procs[t->nprocs].comm, comm, VG_COMM_LEN);
	return &t->procs[t->nprocs++];
}

void run_tcp__observe(struct run_tcp *t, const struct vrow *row)
{
	struct run_tcp_proc *p;

	if (row->kind == VG_KIND_TCP_RESET) {
		t->resets++;
		return;
	}
	if (row->kind != VG_KIND_TCP_CLOSE)
		return;
	t->closes++;
	t->partial += row->v[VF_PARTIAL].u;
	t->retransmits += row->v[VF_RETRANSMITS].u;
	if (vrow__is_null(row, VF_PID))
		p = run_tcp__proc(t, UINT64_MAX, NULL);
	else
		p = run_tcp__proc(t, row->v[VF_PID].u, row->v[VF_COMM].str);
	if (!p)
		return;
	p->conns++;
	p->retransmits += row->v[VF_RETRANSMITS].u;
}

/* Add the per-process byte counters the kernel kept (map io_bytes: tgid -> vg_tcp_io). */
static int read_io(struct run_tcp *t, struct tracer *tr)
{
	int fd = tracer__map_fd(tr, "io_bytes");
	__u32 key, next;
	void *prev = NULL;

	if (fd < 0)
		return fd;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		struct vg_tcp_io io;
		struct run_tcp_proc *p;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &io))
			continue;
		p = run_tcp__proc(t, key, io.comm);
		if (!p)
			continue;
		if (!p->comm[0])
			memcpy(p->comm, io.comm, VG_COMM_LEN);
		p->bytes_sent += io.sent;
		p->bytes_received += io.received;
	}
	return 0;
}

static int cmp_bytes(const void *a, const void *b)
{
	const struct run_tcp_proc *x = a, *y = b;
	uint64_t bx = x->bytes_sent + x->bytes_received, by = y->bytes_sent + y->bytes_received;

	return bx < by ? 1 : bx > by ? -1 : 0;
}

int run_tcp__finish(struct run_tcp *t, struct session *s)
{
	struct tracer *tcp = session__tracer(s, "tcp");
	int err = 0;

	if (tcp) {
		t->active = true;
		err = hist_map__sum(tcp, hist_descs[HIST_TCP_CONNECT].map, &t->connect);
		if (!err)
			err = hist_map__sum(tcp, hist_descs[HIST_TCP_RTT].map, &t->rtt);
		if (!err)
			err = read_io(t, tcp);
	}
	qsort(t->procs, (size_t)t->nprocs, sizeof(t->procs[0]), cmp_bytes);
	return err;
}

static void print_hist(struct sink *out, const char *title, const struct vg_hist *h)
{
	uint64_t n = vg_hist__total(h);

	if (!n) { /* no average or percentile of nothing */
		sink__printf(out, "\n%s: no samples\n", title);
		return;
	}
	sink__printf(out, "\n%s: %llu samples, avg %llu us, p50 <= %llu us, p99 <= %llu us\n",
		     title, (unsigned long long)n, (unsigned long long)(h->sum / n),
		     (unsigned long long)vg_hist__quantile(h, 0.5),
		     (unsigned long long)vg_hist__quantile(h, 0.99));
	hist_print_log2(out, h->slots, VG_HIST_SLOTS, "usecs");
}

void run_tcp__print_table(const struct run_tcp *t, struct sink *out, int top)
{
	if (!t->active)
		return;
	sink__printf(out,
		     "\ntcp: %llu connections closed (%llu partial), %llu connects timed, "
		     "%llu retransmits, %llu resets\n",
		     (unsigned long long)t->closes, (unsigned long long)t->partial,
		     (unsigned long long)vg_hist__total(&t->connect),
		     (unsigned long long)t->retransmits, (unsigned long long)t->resets);
	print_hist(out, "tcp connect latency (SYN_SENT to ESTABLISHED)", &t->connect);
	print_hist(out, "tcp smoothed RTT (per received segment)", &t->rtt);
	if (!t->nprocs)
		return;
	sink__printf(out, "\ntop processes by TCP bytes sent and received during the trace:\n");
	sink__printf(out, "%7s %-16s %12s %12s %7s %8s\n", "PID", "COMM", "TX_BYTES", "RX_BYTES",
		     "CLOSED", "RETRANS");
	for (int i = 0; i < t->nprocs && i < top; i++) {
		const struct run_tcp_proc *p = &t->procs[i];
		char comm[ESC_MAX_PER_BYTE * VG_COMM_LEN + 1];

		esc_str(comm, sizeof(comm), p->comm, VG_COMM_LEN);
		if (p->pid == UINT64_MAX)
			sink__printf(out, "%7s %-16s ", "-", "(owner unknown)");
		else
			sink__printf(out, "%7llu %-16s ", (unsigned long long)p->pid, comm);
		sink__printf(out, "%12llu %12llu %7llu %8llu\n", (unsigned long long)p->bytes_sent,
			     (unsigned long long)p->bytes_received, (unsigned long long)p->conns,
			     (unsigned long long)p->retransmits);
	}
}

void run_tcp__print_json(const struct run_tcp *t, struct jw *w, int top)
{
	if (!t->active)
		return;
	jw__obj_begin(w, "tcp");
	jw__u64(w, "closes", t->closes);
	jw__u64(w, "partial", t->partial);
	jw__u64(w, "retransmits", t->retransmits);
	jw__u64(w, "resets", t->resets);
	hist_json_summary(w, "connect", &t->connect, false);
	hist_json_summary(w, "rtt", &t->rtt, false);
	jw__arr_begin(w, "top");
	for (int i = 0; i < t->nprocs && i < top; i++) {
		const struct run_tcp_proc *p = &t->procs[i];

		jw__obj_begin(w, NULL);
		if (p->pid == UINT64_MAX) {
			jw__null(w, "pid");
			jw__null(w, "comm");
		} else {
			jw__u64(w, "pid", p->pid);
			jw__strn(w, "comm", p->comm, VG_COMM_LEN);
		}
		jw__u64(w, "bytes_sent", p->bytes_sent);
		jw__u64(w, "bytes_received", p->bytes_received);
		jw__u64(w, "closed", p->conns);
		jw__u64(w, "retransmits", p->retransmits);
		jw__obj_end(w);
	}
	jw__arr_end(w);
	jw__obj_end(w);
}
