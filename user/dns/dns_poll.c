// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dns_poll.c: DNS's fallback when BPF cannot be used: a packet socket (AF_PACKET, which needs
 * CAP_NET_RAW) with a classic BPF filter that passes only UDP and TCP packets from or to port
 * 53, read at every poll. Queries and responses are paired here as the kernel pairs them on
 * the BPF path, but by addresses, ports, transport and DNS id (a packet has no socket); the
 * latency comes from the packets' kernel timestamps, so the poll interval does not add to
 * it. Records are the same `dns` kind with source `packet`, and a null pid and comm: a packet
 * does not say which process sent it. Only this network namespace's interfaces are seen; on
 * loopback each packet shows twice (leaving and arriving) and is taken once. --laddr and
 * --raddr select queries by source and server address, as the BPF side does.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/types.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/backend.h"
#include "core/log.h"
#include "core/probe.h"
#include "events.h"
#include "dns/dns_pkt.h"
#include "dns/dns_record.h"
#include "net/net_addrset.h"

#define DNS_POLL_PENDING 4096
#define DNS_POLL_BATCH	 100000 /* packets read per poll at most */
#define DNS_TIMEOUT_NS	 5000000000ULL
#define DNS_QR		 0x8000
#define DNS_TC		 0x0200

struct dns_poll {
	int fd;
	int lo_ifindex;
	uint64_t timeout_ns;
	uint64_t min_ns;
	struct addrset laddr, raddr; /* --laddr (the querier), --raddr (the server) */
	struct vg_dns_pending pend[DNS_POLL_PENDING];
	bool used[DNS_POLL_PENDING];
	uint64_t full, malformed;
	struct vg_dns rec;
	uint8_t buf[65536];
};

/*
 * IPv4 or IPv6, UDP or TCP, source or destination port 53 (IPv4: first fragments only).
 * For a SOCK_DGRAM packet socket the filter sees the packet from its network header.
 */
static struct sock_filter dns_filter[] = {
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, (__u32)SKF_AD_OFF + SKF_AD_PROTOCOL),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 10),
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 1, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 6, 0, 16),
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
	BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 14, 0),
	BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
	BPF_STMT(BPF_LD | BPF_H | BPF_IND, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 53, 10, 0),
	BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 53, 8, 9),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 8),
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 6),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 1, 0),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 6, 0, 5),
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 40),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 53, 2, 0),
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 42),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 53, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 0x40000),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int dns_poll__open(const struct trace_cfg *cfg, void **state)
{
	struct sock_fprog prog = { .len = sizeof(dns_filter) / sizeof(dns_filter[0]),
				   .filter = dns_filter };
	struct dns_poll *p = calloc(1, sizeof(*p));
	int one = 1, rcvbuf = 4 << 20, err;

	if (!p)
		return -ENOMEM;
	p->timeout_ns = cfg->dns_timeout_ns ? cfg->dns_timeout_ns : DNS_TIMEOUT_NS;
	p->min_ns = cfg->min_latency_ns;
	p->laddr = cfg->tcp_laddr;
	p->raddr = cfg->tcp_raddr;
	p->lo_ifindex = (int)if_nametoindex("lo");
	p->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (p->fd < 0) {
		err = -errno;
		free(p);
		return err;
	}
	if (setsockopt(p->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ||
	    setsockopt(p->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one))) {
		err = -errno;
		close(p->fd);
		free(p);
		return err;
	}
	if (setsockopt(p->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	/* what arrived before the filter was attached */
	while (recv(p->fd, p->buf, sizeof(p->buf), MSG_DONTWAIT) >= 0)
		;
	*state = p;
	return 0;
}

static void dns_poll__close(void *state)
{
	struct dns_poll *p = state;

	if (!p)
		return;
	if (p->full || p->malformed)
		pr_warn("dns: packet fallback: %llu queries not tracked (table full), %llu "
			"malformed packets",
			(unsigned long long)p->full, (unsigned long long)p->malformed);
	close(p->fd);
	free(p);
}

/* The question's name as wire bytes into q (as dns.bpf.c keeps it); false if unreadable. */
static bool question_read(struct dns_poll *p, const struct dns_pkt *k, struct vg_dns_pending *q)
{
	size_t pos = 12, n = 0;

	for (int i = 0; i < 128; i++) {
		uint8_t l;

		if (pos >= k->dns_len) {
			q->flags |= VG_DNS_NAME_TRUNC;
			break;
		}
		l = k->dns[pos];
		if (l > 63 || n + 1 + l > 255) {
			p->malformed++;
			return false;
		}
		if (!l) {
			q->qname[n++] = 0;
			pos++;
			break;
		}
		if (pos + 1 + l > k->dns_len) { /* cut inside the label: keep what there is */
			q->qname[n++] = l;
			memcpy(q->qname + n, k->dns + pos + 1, k->dns_len - pos - 1);
			n += k->dns_len - pos - 1;
			q->flags |= VG_DNS_NAME_TRUNC;
			break;
		}
		memcpy(q->qname + n, k->dns + pos, (size_t)l + 1);
		n += (size_t)l + 1;
		pos += (size_t)l + 1;
	}
	q->qname_len = (uint16_t)n;
	if (q->flags & VG_DNS_NAME_TRUNC) {
		p->malformed++;
	} else if (pos + 2 <= k->dns_len) {
		q->qtype = get16(k->dns + pos);
		q->flags |= VG_DNS_QTYPE_KNOWN;
	}
	return true;
}

static bool same_query(const struct vg_dns_pending *a, const struct vg_dns_pending *b)
{
	return a->id == b->id && a->family == b->family && a->transport == b->transport &&
	       a->sport == b->sport && a->dport == b->dport &&
	       !memcmp(a->saddr, b->saddr, sizeof(a->saddr)) &&
	       !memcmp(a->daddr, b->daddr, sizeof(a->daddr));
}

static int slot_find(const struct dns_poll *p, const struct vg_dns_pending *key)
{
	for (int i = 0; i < DNS_POLL_PENDING; i++) {
		if (p->used[i] && same_query(&p->pend[i], key))
			return i;
	}
	return -1;
}

/* --laddr/--raddr: the query's source and server are in the sets. */
static bool addrs_selected(const struct dns_poll *p, const struct dns_pkt *k)
{
	int version = k->family == 2 ? 4 : 6;
	uint8_t a[16];

	if (p->laddr.n) {
		addr_to128(version, k->saddr, a);
		if (!addrset__match(&p->laddr, a))
			return false;
	}
	if (p->raddr.n) {
		addr_to128(version, k->daddr, a);
		if (!addrset__match(&p->raddr, a))
			return false;
	}
	return true;
}

static void query_add(struct dns_poll *p, const struct dns_pkt *k, uint64_t ts)
{
	struct vg_dns_pending q;
	int free_slot = -1;

	memset(&q, 0, sizeof(q));
	q.ts_ns = ts;
	memcpy(q.saddr, k->saddr, sizeof(q.saddr));
	memcpy(q.daddr, k->daddr, sizeof(q.daddr));
	q.sport = k->sport;
	q.dport = k->dport;
	q.family = (uint16_t)k->family;
	q.id = get16(k->dns);
	q.transport = k->transport;
	if (get16(k->dns + 4) != 1) {
		p->malformed++;
		return;
	}
	if (!addrs_selected(p, k))
		return;
	if (!question_read(p, k, &q) || slot_find(p, &q) >= 0)
		return; /* unreadable, or a retransmission: the latency runs from the first */
	for (int i = 0; i < DNS_POLL_PENDING && free_slot < 0; i++)
		if (!p->used[i])
			free_slot = i;
	if (free_slot < 0) {
		p->full++;
		return;
	}
	p->pend[free_slot] = q;
	p->used[free_slot] = true;
}

static void record_emit(struct dns_poll *p, uint64_t ts, poller_emit_fn emit, void *ctx)
{
	struct vrow row = { .kind = VG_KIND_DNS, .source = "packet", .ts_ns = ts };

	p->rec.hdr.kind = VG_KIND_DNS;
	p->rec.hdr.size = sizeof(p->rec);
	dns_record_decode(&row, &p->rec);
	emit(ctx, &row);
}

static void response_match(struct dns_poll *p, const struct dns_pkt *k, uint64_t ts,
			   poller_emit_fn emit, void *ctx)
{
	struct vg_dns_pending key = { 0 };
	uint16_t flags = get16(k->dns + 2);
	size_t n;
	int i;

	memcpy(key.saddr, k->daddr, sizeof(key.saddr)); /* the client: where it goes back to */
	memcpy(key.daddr, k->saddr, sizeof(key.daddr));
	key.sport = k->dport;
	key.dport = k->sport;
	key.family = (uint16_t)k->family;
	key.id = get16(k->dns);
	key.transport = k->transport;
	i = slot_find(p, &key);
	if (i < 0)
		return; /* its query came before the trace, or timed out */
	p->used[i] = false;
	memset(&p->rec, 0, sizeof(p->rec));
	p->rec.q = p->pend[i];
	p->rec.latency_ns = ts > p->rec.q.ts_ns ? ts - p->rec.q.ts_ns : 0;
	if (p->rec.latency_ns < p->min_ns)
		return;
	p->rec.rcode = flags & 0xf;
	p->rec.ancount = get16(k->dns + 6);
	if (flags & DNS_TC)
		p->rec.q.flags |= VG_DNS_TC;
	n = k->dns_len < VG_DNS_MSG_LEN ? k->dns_len : VG_DNS_MSG_LEN;
	memcpy(p->rec.msg, k->dns, n);
	p->rec.msg_len = (uint16_t)n;
	p->rec.resp_len = (uint16_t)(k->dns_full > 0xffff ? 0xffff : k->dns_full);
	record_emit(p, ts, emit, ctx);
}

static void packet_take(struct dns_poll *p, const uint8_t *buf, size_t len, uint64_t ts,
			poller_emit_fn emit, void *ctx)
{
	struct dns_pkt k;
	uint16_t flags;

	if (dns_pkt_parse(buf, len, &k))
		return;
	if (k.dns_len < 12) {
		p->malformed++;
		return;
	}
	flags = get16(k.dns + 2);
	if (k.dport == 53 && !(flags & DNS_QR))
		query_add(p, &k, ts);
	else if (k.sport == 53 && (flags & DNS_QR))
		response_match(p, &k, ts, emit, ctx);
}

/* The packet's kernel timestamp (CLOCK_REALTIME) on the monotonic clock; now if none. */
static uint64_t packet_ts(struct msghdr *msg, int64_t real_minus_mono, uint64_t now_ns)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		struct timespec t;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS)
			continue;
		memcpy(&t, CMSG_DATA(c), sizeof(t));
		return (uint64_t)((int64_t)t.tv_sec * 1000000000LL + t.tv_nsec - real_minus_mono);
	}
	return now_ns;
}

static int dns_poll__poll(void *state, uint64_t now_ns, poller_emit_fn emit, void *ctx)
{
	struct dns_poll *p = state;
	int64_t offset = (int64_t)clock_ns(CLOCK_REALTIME) - (int64_t)clock_ns(CLOCK_MONOTONIC);

	for (int i = 0; i < DNS_POLL_BATCH; i++) {
		char cbuf[CMSG_SPACE(sizeof(struct timespec)) + 64];
		struct sockaddr_ll sll;
		struct iovec iov = { .iov_base = p->buf, .iov_len = sizeof(p->buf) };
		struct msghdr msg = { .msg_name = &sll,
				      .msg_namelen = sizeof(sll),
				      .msg_iov = &iov,
				      .msg_iovlen = 1,
				      .msg_control = cbuf,
				      .msg_controllen = sizeof(cbuf) };
		ssize_t n = recvmsg(p->fd, &msg, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				break;
			return -errno;
		}
		if (sll.sll_pkttype == PACKET_OUTGOING && sll.sll_ifindex == p->lo_ifindex)
			continue; /* loopback: taken when it arrives */
		packet_take(p, p->buf, (size_t)n, packet_ts(&msg, offset, now_ns), emit, ctx);
	}
	for (int i = 0; i < DNS_POLL_PENDING; i++) {
		if (!p->used[i] || now_ns < p->pend[i].ts_ns ||
		    now_ns - p->pend[i].ts_ns < p->timeout_ns)
			continue;
		p->used[i] = false;
		memset(&p->rec, 0, sizeof(p->rec));
		p->rec.q = p->pend[i];
		p->rec.q.flags |= VG_DNS_TIMEOUT;
		record_emit(p, p->pend[i].ts_ns + p->timeout_ns, emit, ctx);
	}
	return 0;
}

/* A packet socket needs CAP_NET_RAW. */
static bool dns_poll__probe(struct probe_result *r)
{
	r->ok = probe_has_cap(CAP_NET_RAW);
	snprintf(r->detail, sizeof(r->detail), "%s",
		 r->ok ? "CAP_NET_RAW" : "missing privilege: a packet socket needs CAP_NET_RAW");
	return r->ok;
}

const struct poller_ops dns_poller_ops = {
	.subsystem = "dns",
	.source = "packet",
	.kinds = 1ULL << VG_KIND_DNS,
	.filters = TF_MIN_LATENCY | TF_TCP_TUPLE, /* of the tuple: --laddr and --raddr */
	.open = dns_poll__open,
	.poll = dns_poll__poll,
	.close = dns_poll__close,
	.probe = dns_poll__probe,
};
