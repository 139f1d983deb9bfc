// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * taskstats.c: the taskstats generic netlink client behind iotop's SWAPIN and IO columns:
 * it resolves the TASKSTATS family once (CTRL_CMD_GETFAMILY), then asks for one thread
 * group's statistics per call (TASKSTATS_CMD_GET with TASKSTATS_CMD_ATTR_TGID) and takes
 * blkio_delay_total and swapin_delay_total from the struct taskstats in the reply. Every
 * reply is walked with each length checked against the bytes received; a struct shorter than
 * the fields needs (an older kernel's) is refused rather than read past.
 */
#include "taskstats/taskstats.h"

#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/taskstats.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fallback.h"

#define TS_BUF 4096
/* netlink's NLA_ALIGN and TS_HDR are int arithmetic: the same in size_t */
#define TS_ALIGN(x) (((size_t)(x) + 3u) & ~(size_t)3u)
#define TS_HDR	    TS_ALIGN(sizeof(struct nlattr))

/* A request: netlink and genetlink headers, then one u32 or string attribute. */
struct ts_req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attrs[64];
};

static int ts_attr(struct ts_req *r, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->n.nlmsg_len));
	size_t room = sizeof(*r) - NLMSG_ALIGN(r->n.nlmsg_len);

	if (TS_HDR + TS_ALIGN(len) > room)
		return -EMSGSIZE;
	a->nla_type = type;
	a->nla_len = (uint16_t)(TS_HDR + len);
	memcpy((char *)a + TS_HDR, data, len);
	r->n.nlmsg_len = (uint32_t)(NLMSG_ALIGN(r->n.nlmsg_len) + TS_ALIGN(a->nla_len));
	return 0;
}

/* Send r and receive the one reply datagram into buf: its length, or -errno. */
static ssize_t ts_exchange(struct taskstats_sock *ts, struct ts_req *r, void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	ssize_t n;

	r->n.nlmsg_seq = ++ts->seq;
	if (sendto(ts->fd, r, r->n.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	do {
		n = recv(ts->fd, buf, len, 0);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/*
 * The genetlink payload of the one message in buf[0..len): *attrs and *alen, or the
 * kernel's error (NLMSG_ERROR) or -EBADMSG.
 */
static int ts_payload(const void *buf, size_t len, const struct nlattr **attrs, size_t *alen)
{
	const struct nlmsghdr *h = buf;

	if (len < sizeof(*h) || h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len)
		return -EBADMSG;
	if (h->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(h);

		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
			return -EBADMSG;
		return e->error < 0 ? e->error : -EIO;
	}
	if (h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return -EBADMSG;
	*attrs = (const struct nlattr *)((const char *)NLMSG_DATA(h) + GENL_HDRLEN);
	*alen = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return 0;
}

/* The first attribute of type in a[0..len), bounds-checked; NULL if none. */
static const struct nlattr *ts_find(const struct nlattr *a, size_t len, uint16_t type)
{
	size_t off = 0;

	while (len - off >= TS_HDR) {
		const struct nlattr *x = (const struct nlattr *)((const char *)a + off);

		if (x->nla_len < TS_HDR || x->nla_len > len - off)
			return NULL;
		if ((x->nla_type & NLA_TYPE_MASK) == type)
			return x;
		if (TS_ALIGN(x->nla_len) >= len - off)
			break;
		off += TS_ALIGN(x->nla_len);
	}
	return NULL;
}

int taskstats__parse_family(const void *buf, size_t len, uint16_t *family)
{
	const struct nlattr *a, *id;
	size_t alen;
	int err = ts_payload(buf, len, &a, &alen);

	if (err)
		return err;
	id = ts_find(a, alen, CTRL_ATTR_FAMILY_ID);
	if (!id || id->nla_len < TS_HDR + sizeof(uint16_t))
		return -EBADMSG;
	memcpy(family, (const char *)id + TS_HDR, sizeof(*family));
	return 0;
}

int taskstats__parse_delays(const void *buf, size_t len, struct taskstats_delays *out)
{
	const struct nlattr *a, *aggr, *st;
	const size_t need = offsetof(struct taskstats, swapin_delay_total) + sizeof(uint64_t);
	struct taskstats t;
	size_t alen;
	int err = ts_payload(buf, len, &a, &alen);

	if (err)
		return err;
	aggr = ts_find(a, alen, TASKSTATS_TYPE_AGGR_TGID);
	if (!aggr)
		aggr = ts_find(a, alen, TASKSTATS_TYPE_AGGR_PID);
	if (!aggr)
		return -EBADMSG;
	st = ts_find((const struct nlattr *)((const char *)aggr + TS_HDR), aggr->nla_len - TS_HDR,
		     TASKSTATS_TYPE_STATS);
	if (!st || st->nla_len < TS_HDR + need)
		return -EBADMSG;
	memset(&t, 0, sizeof(t));
	alen = st->nla_len - TS_HDR;
	memcpy(&t, (const char *)st + TS_HDR, alen < sizeof(t) ? alen : sizeof(t));
	out->blkio_ns = t.blkio_delay_total;
	out->swapin_ns = t.swapin_delay_total;
	return 0;
}

int taskstats__open(struct taskstats_sock *ts)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct ts_req r = { .n = { .nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN),
				   .nlmsg_type = GENL_ID_CTRL,
				   .nlmsg_flags = NLM_F_REQUEST },
			    .g = { .cmd = CTRL_CMD_GETFAMILY, .version = 1 } };
	char buf[TS_BUF] __attribute__((aligned(8)));
	struct timeval tv = { .tv_sec = 2 };
	ssize_t n;
	int err;

	ts->seq = 0;
	ts->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (ts->fd < 0)
		return -errno;
	/* a kernel that never answers must not hang iotop */
	setsockopt(ts->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(ts->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		goto close_fd;
	}
	err = ts_attr(&r, CTRL_ATTR_FAMILY_NAME, TASKSTATS_GENL_NAME, sizeof(TASKSTATS_GENL_NAME));
	if (err)
		goto close_fd;
	n = ts_exchange(ts, &r, buf, sizeof(buf));
	err = n < 0 ? (int)n : taskstats__parse_family(buf, (size_t)n, &ts->family);
	if (err)
		goto close_fd;
	return 0;
close_fd:
	close(ts->fd);
	ts->fd = -1;
	return err;
}

void taskstats__close(struct taskstats_sock *ts)
{
	if (ts->fd >= 0)
		close(ts->fd);
	ts->fd = -1;
}

int taskstats__delays(struct taskstats_sock *ts, pid_t tgid, struct taskstats_delays *out)
{
	struct ts_req r = { .n = { .nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN),
				   .nlmsg_type = ts->family,
				   .nlmsg_flags = NLM_F_REQUEST },
			    .g = { .cmd = TASKSTATS_CMD_GET, .version = TASKSTATS_GENL_VERSION } };
	char buf[TS_BUF] __attribute__((aligned(8)));
	uint32_t id = (uint32_t)tgid;
	ssize_t n;
	int err;

	err = ts_attr(&r, TASKSTATS_CMD_ATTR_TGID, &id, sizeof(id));
	if (err)
		return err;
	n = ts_exchange(ts, &r, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	return taskstats__parse_delays(buf, (size_t)n, out);
}

int taskstats__delayacct_on(void)
{
	char v[16];
	int err = fb_sysctl_read("kernel.task_delayacct", v, sizeof(v));

	if (err)
		return err;
	return v[0] == '1';
}
