/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * probe_route.h: the TCP traceroute of `vigil probe traceroute`: what a run asks for, what
 * each probe got back, and the pieces that produce and show it. probe_route_reply.c parses
 * one received packet (an ICMP error quoting one of our SYNs, or the target's SYN-ACK or
 * RST) without trusting a byte of it; probe_route_send.c owns the raw sockets, sends the
 * SYNs TTL by TTL and matches the replies; probe_route_out.c prints the table and sums
 * repeated runs, probe_route_rows.c writes the csv/json/ndjson records, probe_route_svg.c
 * draws the route as an SVG picture. IPv4 and IPv6 alike; IPv4 addresses sit in bytes 0..3
 * of the 16-byte address fields, the rest zero.
 */
#ifndef VIGIL_PROBE_ROUTE_H
#define VIGIL_PROBE_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/wallclock.h"
#include "export/json.h"
#include "export/sink.h"

#define ROUTE_MAX_HOPS	 255
#define ROUTE_MAX_PROBES 10
#define ROUTE_NAME_LEN	 256
#define ROUTE_AF_INET	 2  /* AF_INET */
#define ROUTE_AF_INET6	 10 /* AF_INET6 */

/* What came back for one probe. */
enum route_reply_kind {
	ROUTE_REPLY_NONE,	   /* nothing within --timeout */
	ROUTE_REPLY_TIME_EXCEEDED, /* a router on the way: ICMP time exceeded in transit */
	ROUTE_REPLY_UNREACHABLE,   /* ICMP destination unreachable: the trace ends here */
	ROUTE_REPLY_SYN_ACK,	   /* the target: the port is open */
	ROUTE_REPLY_RST,	   /* the target: the port is closed */
};

/* The end of the path as the target answered: open, closed, or never reached. */
enum route_state { ROUTE_UNREACHED, ROUTE_OPEN, ROUTE_CLOSED };

const char *route_reply_name(enum route_reply_kind k);
const char *route_state_name(enum route_state s);

/* Which probes are ours: the SYNs' addresses and ports (as we sent them). */
struct route_flow {
	int family; /* ROUTE_AF_INET or ROUTE_AF_INET6 */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
};

/* One reply to one of our probes, as the parser found it. */
struct route_reply {
	enum route_reply_kind kind;
	uint8_t from[16]; /* who answered */
	uint32_t seq;	  /* the sequence number of the SYN it answers */
	uint8_t icmp_type, icmp_code;
};

/*
 * Parse one IPv4 packet read from a raw socket (the IP header first): an ICMP time exceeded
 * or destination unreachable whose quoted IP and TCP headers are one of flow's SYNs, or a
 * SYN-ACK or RST from flow's target to flow's source port. 0 and *out filled when it is a
 * reply to us, -ENOENT when it is well formed but someone else's, -EINVAL when it is
 * truncated or malformed. Reads at most len bytes of buf, whatever the headers claim.
 */
int route_reply_parse4(const struct route_flow *flow, const uint8_t *buf, size_t len,
		       struct route_reply *out);

/*
 * The same for what an IPv6 raw socket reads: buf is the ICMPv6 message (proto 58) or the
 * TCP segment (proto 6), from the address recvfrom() gave.
 */
int route_reply_parse6(const struct route_flow *flow, const uint8_t from[16], int proto,
		       const uint8_t *buf, size_t len, struct route_reply *out);

/* The Internet checksum (RFC 1071) of a TCP segment over the IPv4 or IPv6 pseudo-header. */
uint16_t route_tcp_csum4(const uint8_t src[4], const uint8_t dst[4], const uint8_t *seg,
			 size_t len);
uint16_t route_tcp_csum6(const uint8_t src[16], const uint8_t dst[16], const uint8_t *seg,
			 size_t len);

/* Build our SYN (TCP header with an MSS option, checksum filled) into seg; its length. */
size_t route_syn_build(const struct route_flow *flow, uint32_t seq, uint8_t *seg, size_t size);

/* An address of family as text (RFC 5952 for IPv6): tcp_addr_format()'s. */
const char *route_addr_str(int family, const uint8_t a[16], char *buf, size_t len);

/* One probe: its hop, its index in the hop, when it went and what came back. */
struct route_probe {
	uint8_t ttl;
	uint8_t index;
	enum route_reply_kind reply;
	uint8_t from[16];
	uint64_t sent_ns; /* CLOCK_MONOTONIC */
	uint64_t rtt_ns;  /* 0 when reply is NONE */
	uint8_t icmp_code;
};

/* A hop: its probes and the names of the addresses that answered. */
struct route_hop {
	uint8_t ttl;
	struct route_probe probes[ROUTE_MAX_PROBES];
	char names[ROUTE_MAX_PROBES][ROUTE_NAME_LEN]; /* "" when not resolved */
};

/* What a run asks for. */
struct route_cfg {
	const char *target;	/* as the user wrote it */
	struct route_flow flow; /* sport 0: pick a free one */
	uint32_t max_hops;
	uint32_t probes;
	uint64_t timeout_ns; /* per probe */
	uint64_t gap_ns;     /* at least this long between two SYNs (the rate bound) */
	bool resolve;
	bool src_given; /* flow.src is --laddr's; else the kernel's choice for the target */
};

/* A run's result. */
struct route_result {
	struct route_hop hops[ROUTE_MAX_HOPS];
	uint32_t nhops;
	enum route_state state;
	uint64_t start_ns, duration_ns;
	uint32_t sent, answered;
};

/* Called after each hop completes (the table prints hop by hop). */
typedef void (*route_hop_cb)(void *ctx, const struct route_cfg *cfg, const struct route_result *res,
			     const struct route_hop *hop);

struct route_tracer;

/*
 * Open the raw sockets and reserve the source port. -EPERM without CAP_NET_RAW; other
 * -errno on failure (after a message for the unexpected ones).
 */
int route_tracer__new(struct route_cfg *cfg, struct route_tracer **out);
/* Trace, hop by hop, until the target answers or max_hops; 0 or -errno (-EINTR: stopped). */
int route_tracer__run(struct route_tracer *t, struct route_result *res, route_hop_cb cb, void *ctx);
void route_tracer__free(struct route_tracer *t);

/* Statistics of a hop: the answered probes' RTTs and the loss. */
struct route_hop_stats {
	uint32_t sent, answered;
	uint64_t min_ns, max_ns, median_ns; /* 0 when none answered */
	double loss;			    /* 0..1 */
	int first;			    /* index of the first answered probe, -1 if none */
};

void route_hop__stats(const struct route_hop *h, uint32_t probes, struct route_hop_stats *st);

/* Output: the table line of a hop; the rows; the SVG picture. */
void route_out__table_head(struct sink *s, const struct route_cfg *cfg, const char *addr);
void route_out__table_hop(struct sink *s, const struct route_cfg *cfg, const struct route_hop *hop);
void route_out__table_end(struct sink *s, const struct route_cfg *cfg,
			  const struct route_result *res);

/* Repeated runs (--count): each TTL's probes over every run. */
struct route_hop_sum {
	uint32_t sent, answered;
	uint64_t min_ns, max_ns, sum_ns;
	uint8_t addr[16]; /* the first address that answered */
	bool has_addr;
};

struct route_sum {
	struct route_hop_sum hops[ROUTE_MAX_HOPS];
	uint32_t nhops, runs, reached;
};

void route_sum__add(struct route_sum *sum, const struct route_cfg *cfg,
		    const struct route_result *res);
void route_out__summary_table(struct sink *s, const struct route_cfg *cfg,
			      const struct route_sum *sum);

/* The csv/json/ndjson records (probe_route_rows.c); fmt: FMT_CSV, FMT_JSON or FMT_NDJSON. */
struct route_rows {
	struct sink *s;
	int fmt;
	struct jw w;
	struct wallclock clock;
};

void route_rows__begin(struct route_rows *rr, struct sink *s, int fmt);
/* The rows of one run (1-based). */
void route_rows__run(struct route_rows *rr, const struct route_cfg *cfg,
		     const struct route_result *res, uint32_t run);
/* json/ndjson: one probe_summary record per hop (nothing in CSV). */
void route_rows__summary(struct route_rows *rr, const struct route_cfg *cfg,
			 const struct route_sum *sum);
void route_rows__end(struct route_rows *rr);
int route_svg__write(struct sink *s, const struct route_cfg *cfg, const struct route_result *res);

#endif /* VIGIL_PROBE_ROUTE_H */
