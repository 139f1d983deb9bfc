// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_kview.c: runs vigil's TCP tracer (user/tcp/, through core/session.c) inside the probe
 * command, filtered in the kernel to this process and streaming only tcp_close summaries,
 * and keeps the last few summaries so each probe run can find its own connection by its
 * 4-tuple once the socket has closed. BPF only: the sock_diag fallback polls, and would miss
 * a connection that lives a millisecond.
 */
#include "probe/probe_kview.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/types.h>

#include "events.h"
#include "core/backend.h"
#include "core/session.h"
#include "core/wallclock.h"

#define KVIEW_KEEP 64 /* summaries kept: more than the connections one probe run opens */

extern const struct tracer_ops tcp_tracer_ops;

struct kview_entry {
	char saddr[48], daddr[48];
	uint64_t sport, dport;
	struct probe_kview_conn c;
};

struct probe_kview {
	struct session s;
	struct kview_entry e[KVIEW_KEEP];
	unsigned int next; /* where the next summary goes (a ring) */
};

static int64_t field(const struct vrow *row, enum vfield f)
{
	return vrow__is_null(row, f) ? -1 : (int64_t)row->v[f].u;
}

static void kview_observe(void *ctx, const struct vrow *row)
{
	struct probe_kview *k = ctx;
	struct kview_entry *e;

	if (row->kind != VG_KIND_TCP_CLOSE)
		return;
	e = &k->e[k->next++ % KVIEW_KEEP];
	snprintf(e->saddr, sizeof(e->saddr), "%s",
		 row->v[VF_SADDR].str ? row->v[VF_SADDR].str : "");
	snprintf(e->daddr, sizeof(e->daddr), "%s",
		 row->v[VF_DADDR].str ? row->v[VF_DADDR].str : "");
	e->sport = row->v[VF_SPORT].u;
	e->dport = row->v[VF_DPORT].u;
	e->c.found = true;
	e->c.connect_latency_ns = field(row, VF_CONNECT_LATENCY_NS);
	e->c.srtt_us = field(row, VF_SRTT_US);
	e->c.srtt_min_us = field(row, VF_SRTT_MIN_US);
	e->c.srtt_max_us = field(row, VF_SRTT_MAX_US);
	e->c.retransmits = field(row, VF_RETRANSMITS);
	e->c.bytes_sent = field(row, VF_BYTES_SENT);
	e->c.bytes_received = field(row, VF_BYTES_RECEIVED);
}

struct probe_kview *probe_kview__start(char *why, size_t len)
{
	const struct tracer_ops *ops[] = { &tcp_tracer_ops };
	struct trace_cfg cfg = { 0 };
	struct backend_choice c;
	struct probe_kview *k;
	int err;

	err = backend_choose(&tcp_tracer_ops, BACKEND_BPF, false, &c);
	if (err) {
		snprintf(why, len, "%s", c.why.detail[0] ? c.why.detail : "BPF is not usable");
		errno = ENOTSUP;
		return NULL;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		snprintf(why, len, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	cfg.tgid = (uint32_t)getpid();
	cfg.stream_kinds = 1ULL << VG_KIND_TCP_CLOSE;
	cfg.backend = BACKEND_BPF;
	cfg.ringbuf_bytes = 256 * 1024;
	cfg.wake_each = 1; /* each run waits for its one summary: be woken by it, not by a timer */
	cfg.tcp_max_conns = PROBE_KVIEW_CONNS;
	err = session__start(&k->s, ops, 1, &cfg, NULL, kview_observe, k);
	if (err) {
		snprintf(why, len, "the TCP tracer did not start: %s", strerror(-err));
		free(k);
		errno = -err;
		return NULL;
	}
	return k;
}

static const struct kview_entry *kview_find(const struct probe_kview *k, const char *lip,
					    long lport, const char *rip, long rport)
{
	for (unsigned int i = 0; i < KVIEW_KEEP; i++) {
		const struct kview_entry *e = &k->e[i];

		if (e->c.found && e->sport == (uint64_t)lport && e->dport == (uint64_t)rport &&
		    !strcmp(e->saddr, lip) && !strcmp(e->daddr, rip))
			return e;
	}
	return NULL;
}

void probe_kview__lookup(struct probe_kview *k, const char *local_ip, long local_port,
			 const char *remote_ip, long remote_port, uint64_t wait_ns,
			 struct probe_kview_conn *c)
{
	uint64_t deadline = mono_now_ns() + wait_ns;
	const struct kview_entry *e;

	memset(c, 0, sizeof(*c));
	if (!k || !local_port || !remote_port)
		return;
	consumer__poll(&k->s.consumer, 0); /* what has come already, without waiting */
	for (;;) {
		e = kview_find(k, local_ip, local_port, remote_ip, remote_port);
		if (e || mono_now_ns() >= deadline)
			break;
		consumer__poll(&k->s.consumer, 1); /* woken by the record when it comes */
	}
	if (e)
		*c = e->c;
}

uint64_t probe_kview__table_full(struct probe_kview *k)
{
	if (!k)
		return 0;
	session__check_drops(&k->s, NULL);
	return session__drops_total(&k->s, VG_DROP_MAP_FULL);
}

void probe_kview__free(struct probe_kview *k)
{
	if (!k)
		return;
	session__stop(&k->s);
	free(k);
}
