// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dns.c: the DNS subsystem's side of the tracer ops: its attach points (cgroup programs on
 * the root of the cgroup v2 tree, no tracepoints), what it needs beyond the machine checks
 * (that tree, CAP_NET_ADMIN), how a trace_cfg becomes dns.bpf.c's rodata, and the sweep of
 * the kernel's pending queries: every 100 ms, a query older than --dns-timeout is taken
 * out of the map and reported as a timeout (whoever deletes the entry reports it, so a
 * response racing the sweep is reported once, either way).
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/capability.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "core/log.h"
#include "core/probe.h"
#include "core/record.h"
#include "core/tracer.h"
#include "dns.skel.h"
#include "dns/dns.h"
#include "dns/dns_record.h"
#include "net/net_lpm.h"

#define DNS_SWEEP_NS	    100000000ULL
#define DNS_TIMEOUT_DEFAULT 5000000000ULL /* --dns-timeout */

struct dns_tracer {
	struct dns_bpf *skel;
	uint64_t timeout_ns;
	uint64_t next_sweep_ns;
	bool stream;
	struct vg_dns_key *expired; /* one sweep's keys, sized as the map */
	uint32_t max_pending;
	uint64_t timeouts;
};

static void *dns_open(const struct trace_cfg *cfg, struct bpf_object **obj)
{
	struct dns_tracer *t = calloc(1, sizeof(*t));
	struct dns_bpf__rodata *ro;

	if (!t)
		return NULL;
	t->skel = dns_bpf__open();
	if (!t->skel) {
		free(t);
		return NULL;
	}
	ro = t->skel->rodata;
	TRACE_CFG_SET_COMMON_RODATA(ro, cfg);
	t->stream = cfg->stream_kinds & (1ULL << VG_KIND_DNS);
	ro->targ_stream = t->stream;
	ro->targ_hist = !!(cfg->hists & (1U << HIST_DNS));
	ro->targ_hist_per = cfg->hist_per;
	ro->targ_hist_unit_ns = cfg->hist_unit_ns ? cfg->hist_unit_ns : 1000;
	ro->targ_min_ns = cfg->min_latency_ns;
	ro->targ_has_laddr = cfg->tcp_laddr.n > 0;
	ro->targ_has_raddr = cfg->tcp_raddr.n > 0;
	ro->targ_laddr_miss = !cfg->tcp_laddr.npos;
	ro->targ_raddr_miss = !cfg->tcp_raddr.npos;
	t->timeout_ns = cfg->dns_timeout_ns ? cfg->dns_timeout_ns : DNS_TIMEOUT_DEFAULT;
	t->max_pending = bpf_map__max_entries(t->skel->maps.pending);
	t->expired = calloc(t->max_pending, sizeof(*t->expired));
	if (!t->expired) {
		dns_bpf__destroy(t->skel);
		free(t);
		errno = ENOMEM;
		return NULL;
	}
	*obj = t->skel->obj;
	return t;
}

/* --laddr/--raddr into the tries, once loaded (empty sets are never looked up). */
static int dns_loaded(void *p, const struct trace_cfg *cfg)
{
	struct dns_tracer *t = p;
	int err = lpm_trie__fill(t->skel->maps.laddr_lpm, &cfg->tcp_laddr);

	return err ? err : lpm_trie__fill(t->skel->maps.raddr_lpm, &cfg->tcp_raddr);
}

static void dns_destroy(void *p)
{
	struct dns_tracer *t = p;

	if (!t)
		return;
	dns_bpf__destroy(t->skel);
	free(t->expired);
	free(t);
}

/* A pending query past the timeout, as a record: what the query said, and no response. */
static void dns_emit_timeout(struct dns_tracer *t, const struct vg_dns_pending *q,
			     void (*emit)(void *ctx, const struct vrow *row), void *ctx)
{
	static struct vg_dns rec; /* 888 bytes: not on the stack of the run loop */
	struct vrow row = { .kind = VG_KIND_DNS, .source = "bpf" };

	memset(&rec, 0, sizeof(rec));
	rec.hdr.kind = VG_KIND_DNS;
	rec.hdr.size = sizeof(rec);
	rec.q = *q;
	rec.q.flags |= VG_DNS_TIMEOUT;
	row.ts_ns = q->ts_ns + t->timeout_ns;
	dns_record_decode(&row, &rec);
	emit(ctx, &row);
}

static void dns_tick(void *p, uint64_t now_ns, void (*emit)(void *ctx, const struct vrow *row),
		     void *ctx)
{
	struct dns_tracer *t = p;
	int fd = bpf_map__fd(t->skel->maps.pending);
	struct vg_dns_key key, next, *prev = NULL;
	struct vg_dns_pending q;
	uint32_t n = 0;

	if (now_ns < t->next_sweep_ns || fd < 0)
		return;
	t->next_sweep_ns = now_ns + DNS_SWEEP_NS;
	while (n < t->max_pending && !bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &q))
			continue;
		if (now_ns > q.ts_ns && now_ns - q.ts_ns >= t->timeout_ns)
			t->expired[n++] = key;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(fd, &t->expired[i], &q))
			continue;
		if (bpf_map_delete_elem(fd, &t->expired[i]))
			continue; /* its response came just now */
		t->timeouts++;
		if (t->stream)
			dns_emit_timeout(t, &q, emit, ctx);
	}
}

uint64_t dns_tracer_malformed(const void *p)
{
	const struct dns_tracer *t = p;
	int ncpus = libbpf_num_possible_cpus(), fd = bpf_map__fd(t->skel->maps.dns_stats);
	uint64_t n = dns_record_malformed(), *v;
	__u32 key = VG_DNS_STAT_MALFORMED;

	if (ncpus <= 0 || fd < 0)
		return n;
	v = calloc((size_t)ncpus, sizeof(*v));
	if (v && !bpf_map_lookup_elem(fd, &key, v)) {
		for (int i = 0; i < ncpus; i++)
			n += v[i];
	}
	free(v);
	return n;
}

uint64_t dns_tracer_timeouts(const void *p)
{
	const struct dns_tracer *t = p;

	return t->timeouts;
}

static void dns_report(void *p, char *buf, size_t len)
{
	snprintf(buf, len, "dns: %llu malformed packets, %llu timeouts",
		 (unsigned long long)dns_tracer_malformed(p),
		 (unsigned long long)dns_tracer_timeouts(p));
}

/* cgroup_skb and cgroup/connect programs need CAP_NET_ADMIN, and a cgroup v2 tree. */
static bool dns_probe(struct probe_result *r)
{
	char path[4096];

	if (!probe_has_cap(CAP_NET_ADMIN) && !probe_has_cap(CAP_SYS_ADMIN)) {
		r->ok = false;
		snprintf(r->detail, sizeof(r->detail),
			 "missing privilege: cgroup socket programs need CAP_NET_ADMIN");
		return false;
	}
	return probe_cgroup2_root(path, sizeof(path), r);
}

static const char *const dns_tracepoints[] = { NULL };

#define K(kind) (1ULL << VG_KIND_##kind)
#define H(hist) (1U << HIST_##hist)

/*
 * The two cgroup_skb programs see the packets; the connect/sendmsg hooks only name the
 * process, so each is optional: without them pid and comm are null.
 */
static const struct tracer_hook dns_hooks[] = {
	{ "handle_dns_egress", NULL, K(DNS), H(DNS), false },
	{ "handle_dns_ingress", NULL, K(DNS), H(DNS), false },
	{ "handle_dns_connect4", NULL, K(DNS), 0, true },
	{ "handle_dns_connect6", NULL, K(DNS), 0, true },
	{ "handle_dns_sendmsg4", NULL, K(DNS), 0, true },
	{ "handle_dns_sendmsg6", NULL, K(DNS), 0, true },
	{ 0 },
};

const struct tracer_ops dns_tracer_ops = {
	.name = "dns",
	.tracepoints = dns_tracepoints,
	.fallback = "packet socket (AF_PACKET with CAP_NET_RAW; source packet, no pid)",
	.kinds = K(DNS),
	.hists = H(DNS),
	.hooks = dns_hooks,
	.open = dns_open,
	.loaded = dns_loaded,
	.destroy = dns_destroy,
	.probe = dns_probe,
	.tick = dns_tick,
	.report = dns_report,
	.on_request = true,
};
