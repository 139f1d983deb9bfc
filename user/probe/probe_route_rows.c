// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe_route_rows.c: the traceroute's csv, json and ndjson records. One row per probe, with
 * the fields every probe's records have (probe, target, success, duration_ns of that trace),
 * the run it belongs to (--count), and the probe's own (ttl, probe_index, addr, name, rtt_ns,
 * reply). After repeated runs, json and ndjson add one probe_summary record per hop: loss and
 * min/avg/max RTT over every run (CSV keeps to the probe rows: one header, one shape).
 */
#include <string.h>

#include "core/record.h"
#include "export/export.h"
#include "probe/probe_route.h"
#include "tcp/tcp_addr.h"

static void csv_row(struct route_rows *c, const struct route_cfg *cfg,
		    const struct route_result *res, uint32_t run, const struct route_hop *h,
		    uint32_t i, const char *when)
{
	const struct route_probe *p = &h->probes[i];
	struct sink *s = c->s;
	char a[TCP_ADDR_STRLEN];

	sink__printf(s, "%s,%llu,probe,raw_socket,%d,traceroute,", when,
		     (unsigned long long)p->sent_ns, VREC_SCHEMA);
	csv_write_string(s, cfg->target, 256);
	sink__printf(s, ",%u,%s,%llu,%s,%u,%u,%u,", cfg->flow.dport,
		     res->state != ROUTE_UNREACHED ? "true" : "false",
		     (unsigned long long)res->duration_ns, route_state_name(res->state), run,
		     p->ttl, p->index);
	if (p->reply != ROUTE_REPLY_NONE) {
		sink__puts(s, route_addr_str(cfg->flow.family, p->from, a, sizeof(a)));
		sink__putc(s, ',');
		csv_write_string(s, h->names[i], ROUTE_NAME_LEN);
		sink__printf(s, ",%llu", (unsigned long long)p->rtt_ns);
	} else {
		sink__puts(s, ",,");
	}
	sink__printf(s, ",%s\r\n", route_reply_name(p->reply));
}

static void json_row(struct route_rows *c, const struct route_cfg *cfg,
		     const struct route_result *res, uint32_t run, const struct route_hop *h,
		     uint32_t i, const char *when)
{
	const struct route_probe *p = &h->probes[i];
	struct jw *w = &c->w;
	char a[TCP_ADDR_STRLEN];

	if (c->fmt == FMT_NDJSON)
		jw__init(w, c->s, false);
	jw__obj_begin(w, NULL);
	jw__str(w, "time", when);
	jw__u64(w, "ts_ns", p->sent_ns);
	jw__str(w, "kind", "probe");
	jw__str(w, "source", "raw_socket");
	jw__u64(w, "schema", VREC_SCHEMA);
	jw__str(w, "probe", "traceroute");
	jw__str(w, "target", cfg->target);
	jw__u64(w, "port", cfg->flow.dport);
	jw__bool(w, "success", res->state != ROUTE_UNREACHED);
	jw__u64(w, "duration_ns", res->duration_ns);
	jw__str(w, "state", route_state_name(res->state));
	jw__u64(w, "run", run);
	jw__u64(w, "ttl", p->ttl);
	jw__u64(w, "probe_index", p->index);
	if (p->reply != ROUTE_REPLY_NONE) {
		jw__str(w, "addr", route_addr_str(cfg->flow.family, p->from, a, sizeof(a)));
		if (h->names[i][0])
			jw__strn(w, "name", h->names[i], ROUTE_NAME_LEN);
		else
			jw__null(w, "name");
		jw__u64(w, "rtt_ns", p->rtt_ns);
	} else {
		jw__null(w, "addr");
		jw__null(w, "name");
		jw__null(w, "rtt_ns");
	}
	jw__str(w, "reply", route_reply_name(p->reply));
	jw__obj_end(w);
	if (c->fmt == FMT_NDJSON)
		sink__putc(c->s, '\n');
}

void route_rows__begin(struct route_rows *rr, struct sink *s, int fmt)
{
	memset(rr, 0, sizeof(*rr));
	rr->s = s;
	rr->fmt = fmt;
	wallclock__init(&rr->clock);
	if (fmt == FMT_CSV)
		sink__puts(
			s,
			"time,ts_ns,kind,source,schema,probe,target,port,success,duration_ns,state,"
			"run,ttl,probe_index,addr,name,rtt_ns,reply\r\n");
	if (fmt == FMT_JSON) {
		jw__init(&rr->w, s, false);
		jw__arr_begin(&rr->w, NULL);
	}
}

void route_rows__run(struct route_rows *rr, const struct route_cfg *cfg,
		     const struct route_result *res, uint32_t run)
{
	char when[WALLCLOCK_LEN];

	for (uint32_t h = 0; h < res->nhops; h++) {
		for (uint32_t i = 0; i < cfg->probes; i++) {
			const struct route_hop *hop = &res->hops[h];

			if (!hop->probes[i].sent_ns)
				continue; /* stopped before it was sent */
			wallclock__format(&rr->clock, hop->probes[i].sent_ns, when);
			if (rr->fmt == FMT_CSV)
				csv_row(rr, cfg, res, run, hop, i, when);
			else
				json_row(rr, cfg, res, run, hop, i, when);
			sink__end_record(rr->s);
		}
	}
}

void route_rows__summary(struct route_rows *rr, const struct route_cfg *cfg,
			 const struct route_sum *sum)
{
	uint64_t now = mono_now_ns();
	char when[WALLCLOCK_LEN], a[TCP_ADDR_STRLEN];
	struct jw *w = &rr->w;

	if (rr->fmt == FMT_CSV)
		return;
	wallclock__format(&rr->clock, now, when);
	for (uint32_t h = 0; h < sum->nhops; h++) {
		const struct route_hop_sum *hs = &sum->hops[h];

		if (rr->fmt == FMT_NDJSON)
			jw__init(w, rr->s, false);
		jw__obj_begin(w, NULL);
		jw__str(w, "time", when);
		jw__u64(w, "ts_ns", now);
		jw__str(w, "kind", "probe_summary");
		jw__str(w, "source", "raw_socket");
		jw__u64(w, "schema", VREC_SCHEMA);
		jw__str(w, "probe", "traceroute");
		jw__str(w, "target", cfg->target);
		jw__u64(w, "port", cfg->flow.dport);
		jw__u64(w, "runs", sum->runs);
		jw__u64(w, "reached", sum->reached);
		jw__u64(w, "ttl", h + 1);
		if (hs->has_addr)
			jw__str(w, "addr",
				route_addr_str(cfg->flow.family, hs->addr, a, sizeof(a)));
		else
			jw__null(w, "addr");
		jw__u64(w, "sent", hs->sent);
		jw__u64(w, "lost", hs->sent - hs->answered);
		jw__f64(w, "loss", hs->sent ? (double)(hs->sent - hs->answered) / hs->sent : 0);
		if (hs->answered) {
			jw__u64(w, "rtt_min_ns", hs->min_ns);
			jw__u64(w, "rtt_avg_ns", hs->sum_ns / hs->answered);
			jw__u64(w, "rtt_max_ns", hs->max_ns);
		} else {
			jw__null(w, "rtt_min_ns");
			jw__null(w, "rtt_avg_ns");
			jw__null(w, "rtt_max_ns");
		}
		jw__obj_end(w);
		if (rr->fmt == FMT_NDJSON)
			sink__putc(rr->s, '\n');
		sink__end_record(rr->s);
	}
}

void route_rows__end(struct route_rows *rr)
{
	if (rr->fmt == FMT_JSON) {
		jw__arr_end(&rr->w);
		sink__putc(rr->s, '\n');
	}
}
