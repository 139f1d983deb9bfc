// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_fb_net.c - network parsing on fixture trees: /proc/net/dev (name split at the last
 * ':', no space after the colon, malformed lines), a 32-bit counter wrap seen across two
 * recordings with and without nowrap, and net_connections from the /proc/net text tables for
 * the kinds, with owners from /proc/PID/fd: first holder for inet, one row per holder for
 * unix, () for port 0, NONE for UDP, unowned sockets with fd -1 and pid -1.
 */
#include <arpa/inet.h>
#include <sys/socket.h>

#include "fb_test.h"

#include "view/net_rate.h"
#include "../../fallback/linux/net_int.h"

void fb__ipv6_text(const unsigned char b[16], char *out);

static int teardown(void **state)
{
	(void)state;
	fb_root_set(NULL);
	return 0;
}

static const struct fb_net_io *nic(const struct fb_net_io *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

static void test_net_dev_pernic(void **state)
{
	struct fb_net_io *v;
	const struct fb_net_io *e;
	size_t n;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_net_io_counters(true, NULL, &v, &n), 0);
	assert_int_equal(n, 3); /* lo, eth0, eth0:1; "bad0" is malformed */
	e = nic(v, n, "eth0");
	assert_non_null(e);
	assert_int_equal(e->bytes_recv, 4294967000u);
	assert_int_equal(e->packets_recv, 100);
	assert_int_equal(e->errin, 1);
	assert_int_equal(e->dropin, 2);
	assert_int_equal(e->bytes_sent, 2000);
	assert_int_equal(e->packets_sent, 20);
	assert_int_equal(e->errout, 3);
	assert_int_equal(e->dropout, 4);
	assert_non_null(nic(v, n, "eth0:1"));
	free(v);
	assert_int_equal(fb_net_io_counters(false, NULL, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].bytes_sent, 1000 + 2000 + 6); /* lo included */
	free(v);
}

static void test_net_dev_32bit_wrap(void **state)
{
	struct fb_nowrap *nw = fb_nowrap__new();
	struct fb_net_io *v;
	size_t n;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_net_io_counters(true, nw, &v, &n), 0);
	free(v);
	fb_test_root("hostile-wrap");
	/* nowrap=False: the raw, wrapped value */
	assert_int_equal(fb_net_io_counters(true, NULL, &v, &n), 0);
	assert_int_equal(nic(v, n, "eth0")->bytes_recv, 100);
	free(v);
	/* nowrap=True: keeps increasing */
	assert_int_equal(fb_net_io_counters(true, nw, &v, &n), 0);
	assert_int_equal(nic(v, n, "eth0")->bytes_recv, 4294967000u + 100);
	assert_int_equal(nic(v, n, "eth0")->bytes_sent, 2100);
	free(v);
	/* the total is summed after the adjustment */
	assert_int_equal(fb_net_io_counters(false, nw, &v, &n), 0);
	assert_int_equal(v[0].bytes_recv, 4294967000ull + 100 + 1100);
	free(v);
	/* cache_clear */
	fb_nowrap__clear(nw);
	assert_int_equal(fb_net_io_counters(true, nw, &v, &n), 0);
	assert_int_equal(nic(v, n, "eth0")->bytes_recv, 100);
	free(v);
	fb_nowrap__free(nw);
}

/* What `vigil net io --interval` prints: the interval's delta, through one nowrap state. */
static void test_net_io_interval_delta_across_wrap(void **state)
{
	struct fb_nowrap *nw = fb_nowrap__new();
	struct fb_net_io *a, *b, d;
	size_t na, nb;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_net_io_counters(true, nw, &a, &na), 0);
	fb_test_root("hostile-wrap");
	assert_int_equal(fb_net_io_counters(true, nw, &b, &nb), 0);
	assert_true(net_rate_has_delta(a, na, nic(b, nb, "eth0"), &d));
	/* psutil's nowrap: the wrapped counter restarts from the old value, never negative */
	assert_int_equal(d.bytes_recv, 100);
	assert_int_equal(d.bytes_sent, 100);
	assert_int_equal(d.packets_recv, 1);
	free(b);
	/* the same samples without nowrap: the backwards counter is 0, never ~2^64 */
	assert_int_equal(fb_net_io_counters(true, NULL, &b, &nb), 0);
	assert_true(net_rate_has_delta(a, na, nic(b, nb, "eth0"), &d));
	assert_int_equal(d.bytes_recv, 0);
	/* a NIC the first sample lacked has no delta */
	snprintf(b[0].name, sizeof(b[0].name), "new0");
	assert_false(net_rate_has_delta(a, na, &b[0], &d));
	free(a);
	free(b);
	fb_nowrap__free(nw);
}

static const struct fb_conn *conn_by_inode(const struct fb_conn *v, size_t n, uint64_t ino,
					   pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].inode == ino && (pid == 0 || v[i].pid == pid))
			return &v[i];
	return NULL;
}

static void test_conns_tcp_fields_and_owner(void **state)
{
	struct fb_conn *v;
	const struct fb_conn *c;
	size_t n;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_net_connections(FB_KIND_TCP4, &v, &n), 0);
	assert_int_equal(n, 3); /* the truncated 4th line is skipped */
	c = conn_by_inode(v, n, 11111, 0);
	assert_non_null(c);
	assert_int_equal(c->family, AF_INET);
	assert_int_equal(c->type, SOCK_STREAM);
	assert_string_equal(c->laddr.addr, "127.0.0.1");
	assert_int_equal(c->laddr.port, 8080);
	assert_false(c->raddr.valid); /* () */
	assert_int_equal(c->status, FB_CONN_LISTEN);
	assert_int_equal(c->pid, 4242);
	assert_int_equal(c->fd, 3);
	c = conn_by_inode(v, n, 22222, 0);
	assert_non_null(c);
	assert_int_equal(c->status, FB_CONN_ESTABLISHED);
	assert_int_equal(c->raddr.port, 8080);
	assert_int_equal(c->pid, 4245);
	assert_int_equal(c->fd, 6);
	c = conn_by_inode(v, n, 0, 0); /* TIME_WAIT: no inode, no owner */
	assert_non_null(c);
	assert_int_equal(c->status, FB_CONN_TIME_WAIT);
	assert_int_equal(c->pid, -1);
	assert_int_equal(c->fd, -1);
	free(v);
}

static void test_conns_v6_udp_and_kinds(void **state)
{
	struct fb_conn *v;
	size_t n;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_net_connections(FB_KIND_TCP6, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].laddr.addr, "::1");
	assert_int_equal(v[0].laddr.port, 8081);
	assert_int_equal(v[0].family, AF_INET6);
	assert_int_equal(v[0].pid, -1);
	free(v);
	assert_int_equal(fb_net_connections(FB_KIND_UDP, &v, &n), 0);
	assert_int_equal(n, 1); /* udp6 is missing: IPv6 "disabled" */
	assert_string_equal(v[0].laddr.addr, "0.0.0.0");
	assert_int_equal(v[0].laddr.port, 53);
	assert_int_equal(v[0].status, FB_CONN_NONE);
	assert_int_equal(v[0].type, SOCK_DGRAM);
	free(v);
	assert_int_equal(fb_net_connections(FB_KIND_INET, &v, &n), 0);
	assert_int_equal(n, 5);
	free(v);
	assert_int_equal(fb_net_connections(FB_KIND_INET6, &v, &n), 0);
	assert_int_equal(n, 1);
	free(v);
	assert_int_equal(fb_net_connections(FB_KIND_ALL, &v, &n), 0);
	assert_int_equal(n, 5 + 4); /* 55555 has two holders */
	free(v);
	assert_int_equal(fb_net_connections(FB_KIND__COUNT, &v, &n), -EINVAL);
}

static void test_conns_unix_rows_per_holder(void **state)
{
	struct fb_conn *v;
	const struct fb_conn *c;
	size_t n;

	(void)state;
	fb_test_root("hostile");
	assert_int_equal(fb_net_connections(FB_KIND_UNIX, &v, &n), 0);
	assert_int_equal(n, 4);
	c = conn_by_inode(v, n, 55555, 4242);
	assert_non_null(c);
	assert_int_equal(c->fd, 4);
	assert_string_equal(c->laddr.addr, "/run/with space.sock");
	assert_string_equal(c->raddr.addr, "");
	assert_int_equal(c->type, SOCK_STREAM);
	c = conn_by_inode(v, n, 55555, 4245);
	assert_non_null(c);
	assert_int_equal(c->fd, 5);
	c = conn_by_inode(v, n, 66666, 0);
	assert_string_equal(c->laddr.addr, "@abstract");
	assert_int_equal(c->type, SOCK_DGRAM);
	c = conn_by_inode(v, n, 77777, 0);
	assert_string_equal(c->laddr.addr, "");
	assert_int_equal(c->pid, -1);
	free(v);
}

static void test_proc_net_connections_filters_owner(void **state)
{
	struct fb_proc *p;
	struct fb_conn *v;
	size_t n;

	(void)state;
	fb_test_root("hostile");
	p = fb_proc__new(4242);
	assert_non_null(p);
	assert_int_equal(fb_proc__net_connections(p, FB_KIND_ALL, &v, &n), 0);
	assert_int_equal(n, 2); /* 11111 (tcp) and 55555 (unix) */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i].pid, 4242);
	free(v);
	assert_int_equal(fb_proc__net_connections(p, FB_KIND_UDP, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	fb_proc__free(p);
}

static void test_ipv6_text_matches_inet_ntop(void **state)
{
	static const char *const samples[] = {
		"::",
		"::1",
		"::2",
		"1::",
		"fe80::1",
		"::ffff:1.2.3.4",
		"::1.2.3.4",
		"1:0:0:2::3",
		"1::2:0:0:3",
		"2001:db8:0:0:1:0:0:1",
		"1:2:3:4:5:6:7:8",
		"0:0:1::",
		"::ffff:0:1",
		"64:ff9b::1.2.3.4",
		"1:0:2:0:3:0:4:0",
	};
	unsigned char b[16];
	char mine[64], want[64];
	unsigned seed = 12345;

	(void)state;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		assert_int_equal(inet_pton(AF_INET6, samples[i], b), 1);
		fb__ipv6_text(b, mine);
		inet_ntop(AF_INET6, b, want, sizeof(want));
		assert_string_equal(mine, want);
	}
	/* random words with many zeros */
	for (int i = 0; i < 20000; i++) {
		for (int k = 0; k < 16; k += 2) {
			seed = seed * 1103515245 + 12345;
			b[k] = (seed >> 16) % 3 ? 0 : (unsigned char)(seed >> 8);
			b[k + 1] = (seed >> 20) % 3 ? 0 : (unsigned char)(seed >> 4);
		}
		fb__ipv6_text(b, mine);
		inet_ntop(AF_INET6, b, want, sizeof(want));
		assert_string_equal(mine, want);
	}
}

static int count_cb(struct nlmsghdr *h, void *ctx)
{
	(void)h;
	(*(int *)ctx)++;
	return 0;
}

static struct nlmsghdr *nl_put(char *buf, size_t off, uint32_t len, uint16_t type)
{
	struct nlmsghdr h = { .nlmsg_len = len, .nlmsg_type = type };

	memcpy(buf + off, &h, sizeof(h));
	return (struct nlmsghdr *)(buf + off);
}

/*
 * A datagram is walked only within the bytes received: an unaligned last message, a tail
 * shorter than a header and a header that claims more than was received never lead to a
 * read past the buffer (each buffer here is allocated to its exact size, for ASan).
 */
static void test_netlink_walk_stays_in_bounds(void **state)
{
	char *buf;
	int calls;

	(void)state;
	buf = calloc(1, 36); /* 17 bytes (padded to 20), then 16 */
	nl_put(buf, 0, 17, 20);
	nl_put(buf, 20, 16, 20);
	calls = 0;
	assert_int_equal(fb__nl_walk(buf, 36, count_cb, &calls), 0);
	assert_int_equal(calls, 2);
	free(buf);

	buf = calloc(1, 17); /* the last message is unaligned: its padding was never received */
	nl_put(buf, 0, 17, 20);
	calls = 0;
	assert_int_equal(fb__nl_walk(buf, 17, count_cb, &calls), 0);
	assert_int_equal(calls, 1);
	free(buf);

	buf = calloc(1, 28); /* a tail shorter than a header */
	nl_put(buf, 0, 20, 20);
	calls = 0;
	assert_int_equal(fb__nl_walk(buf, 28, count_cb, &calls), 0);
	assert_int_equal(calls, 1);
	free(buf);

	buf = calloc(1, 32); /* a length larger than what arrived, and one below a header */
	nl_put(buf, 0, 1000, 20);
	calls = 0;
	assert_int_equal(fb__nl_walk(buf, 32, count_cb, &calls), -EBADMSG);
	nl_put(buf, 0, 4, 20);
	assert_int_equal(fb__nl_walk(buf, 32, count_cb, &calls), -EBADMSG);
	assert_int_equal(calls, 0);
	free(buf);

	buf = calloc(1, 36); /* DONE and ERROR end the walk */
	nl_put(buf, 0, 16, NLMSG_DONE);
	assert_int_equal(fb__nl_walk(buf, 16, count_cb, &calls), 1);
	nl_put(buf, 0, 36, NLMSG_ERROR);
	((struct nlmsgerr *)NLMSG_DATA((struct nlmsghdr *)buf))->error = -EPERM;
	assert_int_equal(fb__nl_walk(buf, 36, count_cb, &calls), -EPERM);
	nl_put(buf, 0, 18, NLMSG_ERROR); /* too short to hold the error */
	assert_int_equal(fb__nl_walk(buf, 18, count_cb, &calls), -EBADMSG);
	assert_int_equal(calls, 0);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_net_dev_pernic, teardown),
		cmocka_unit_test_teardown(test_net_dev_32bit_wrap, teardown),
		cmocka_unit_test_teardown(test_net_io_interval_delta_across_wrap, teardown),
		cmocka_unit_test_teardown(test_conns_tcp_fields_and_owner, teardown),
		cmocka_unit_test_teardown(test_conns_v6_udp_and_kinds, teardown),
		cmocka_unit_test_teardown(test_conns_unix_rows_per_holder, teardown),
		cmocka_unit_test_teardown(test_proc_net_connections_filters_owner, teardown),
		cmocka_unit_test(test_ipv6_text_matches_inet_ntop),
		cmocka_unit_test(test_netlink_walk_stays_in_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
