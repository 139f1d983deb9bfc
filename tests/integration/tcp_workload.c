// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tcp_workload.c: known TCP workloads for the TCP tracer's integration tests. Each mode
 * prints one JSON line with what it did (pids, ports, measured latencies) so the test can
 * compare vigil's records against it:
 *   serve   FAMILY ADDR PORT N IN OUT   accept N connections; read IN bytes, write OUT bytes,
 *                                       wait for EOF, close. Prints {"ready":..} once listening.
 *   connect FAMILY ADDR PORT N OUT IN   make N connections; write OUT bytes, read IN, close
 *   backlog FAMILY ADDR PORT            a listener with a full accept queue drops a SYN
 *   reset   FAMILY ADDR PORT            a connect to a closed port, then a SO_LINGER 0 close
 * FAMILY is 4 or 6.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct target {
	struct sockaddr_storage ss;
	socklen_t len;
	int family;
};

static int die(const char *what)
{
	fprintf(stderr, "tcp_workload: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void target_init(struct target *t, const char *fam, const char *addr, int port)
{
	memset(t, 0, sizeof(*t));
	if (!strcmp(fam, "6")) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&t->ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, addr, &a->sin6_addr) != 1)
			die("bad IPv6 address");
		t->len = sizeof(*a);
		t->family = AF_INET6;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&t->ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, addr, &a->sin_addr) != 1)
			die("bad IPv4 address");
		t->len = sizeof(*a);
		t->family = AF_INET;
	}
}

static void target_set_port(struct target *t, int port)
{
	if (t->family == AF_INET6)
		((struct sockaddr_in6 *)&t->ss)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)&t->ss)->sin_port = htons((uint16_t)port);
}

static int listener(const struct target *t, int backlog)
{
	int one = 1, fd = socket(t->family, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&t->ss, t->len))
		die("bind");
	if (listen(fd, backlog))
		die("listen");
	return fd;
}

static int local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -1;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void write_all(int fd, size_t n)
{
	static char buf[65536];

	while (n) {
		ssize_t w = write(fd, buf, n < sizeof(buf) ? n : sizeof(buf));

		if (w < 0)
			die("write");
		n -= (size_t)w;
	}
}

static void read_exact(int fd, size_t n)
{
	static char buf[65536];

	while (n) {
		ssize_t r = read(fd, buf, n < sizeof(buf) ? n : sizeof(buf));

		if (r <= 0)
			die("read");
		n -= (size_t)r;
	}
}

static void read_eof(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static int mode_serve(const struct target *t, int n, size_t in, size_t out)
{
	int lfd = listener(t, 128);

	printf("{\"ready\":1,\"pid\":%d}\n", getpid());
	fflush(stdout);
	for (int i = 0; i < n; i++) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0)
			die("accept");
		read_exact(fd, in);
		write_all(fd, out);
		read_eof(fd);
		close(fd);
	}
	close(lfd);
	return 0;
}

static int mode_connect(const struct target *t, int n, size_t out, size_t in)
{
	printf("{\"pid\":%d,\"sports\":[", getpid());
	for (int i = 0; i < n; i++) {
		int fd = socket(t->family, SOCK_STREAM, 0);

		if (fd < 0)
			die("socket");
		if (connect(fd, (const struct sockaddr *)&t->ss, t->len))
			die("connect");
		printf("%s%d", i ? "," : "", local_port(fd));
		write_all(fd, out);
		read_exact(fd, in);
		shutdown(fd, SHUT_WR);
		read_eof(fd);
		close(fd);
	}
	printf("]}\n");
	return 0;
}

/* A listener with backlog 0 holds one unaccepted connection; the next SYN is dropped. */
/*
 * Wait until the listener's accept queue holds n connections (tcp_info of a listening socket
 * gives the queue's length as tcpi_unacked): connect() returns on the SYN-ACK, before the
 * listener has taken the final ACK, which a loaded machine can delay.
 */
static void wait_queued(int lfd, unsigned n)
{
	for (int i = 0; i < 5000; i++) {
		struct tcp_info ti;
		socklen_t len = sizeof(ti);

		if (getsockopt(lfd, IPPROTO_TCP, TCP_INFO, &ti, &len))
			die("TCP_INFO");
		if (ti.tcpi_unacked >= n)
			return;
		usleep(1000);
	}
	errno = ETIMEDOUT;
	die("accept queue");
}

static int mode_backlog(const struct target *t)
{
	int lfd = listener(t, 0), a, b, afd, err = 0;
	socklen_t elen = sizeof(err);
	struct pollfd p;
	uint64_t t0, lat;

	a = socket(t->family, SOCK_STREAM, 0);
	if (connect(a, (const struct sockaddr *)&t->ss, t->len))
		die("connect a");
	wait_queued(lfd, 1); /* A fills the queue (backlog 0 holds one) */
	b = socket(t->family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	t0 = now_ns();
	if (connect(b, (const struct sockaddr *)&t->ss, t->len) && errno != EINPROGRESS)
		die("connect b");
	usleep(500000);
	afd = accept(lfd, NULL, NULL); /* the queue has room again for B's retransmitted SYN */
	p = (struct pollfd){ .fd = b, .events = POLLOUT };
	if (poll(&p, 1, 10000) != 1)
		die("poll b");
	lat = now_ns() - t0;
	getsockopt(b, SOL_SOCKET, SO_ERROR, &err, &elen);
	printf("{\"pid\":%d,\"a_sport\":%d,\"b_sport\":%d,\"b_latency_ns\":%llu,\"b_error\":%d}\n",
	       getpid(), local_port(a), local_port(b), (unsigned long long)lat, err);
	close(b);
	close(a);
	close(afd);
	close(lfd);
	return 0;
}

static int mode_reset(struct target *t, int port)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int fd, lfd, cfd, sfd, refused;

	/* 1: nothing listens on port: the peer answers the SYN with a RST. */
	target_set_port(t, port);
	fd = socket(t->family, SOCK_STREAM, 0);
	refused = connect(fd, (const struct sockaddr *)&t->ss, t->len) && errno == ECONNREFUSED;
	close(fd);
	/* 2: an established connection closed with SO_LINGER {1, 0} sends a RST. */
	target_set_port(t, port + 1);
	lfd = listener(t, 16);
	cfd = socket(t->family, SOCK_STREAM, 0);
	if (connect(cfd, (const struct sockaddr *)&t->ss, t->len))
		die("connect");
	sfd = accept(lfd, NULL, NULL);
	printf("{\"pid\":%d,\"refused\":%d,\"linger_sport\":%d}\n", getpid(), refused,
	       local_port(cfd));
	setsockopt(cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(cfd);
	usleep(50000);
	close(sfd);
	close(lfd);
	return 0;
}

int main(int argc, char **argv)
{
	struct target t;

	if (argc < 5) {
		fprintf(stderr,
			"usage: tcp_workload serve|connect|backlog|reset FAMILY ADDR PORT ...\n");
		return 2;
	}
	target_init(&t, argv[2], argv[3], atoi(argv[4]));
	if (!strcmp(argv[1], "serve") && argc == 8)
		return mode_serve(&t, atoi(argv[5]), strtoul(argv[6], NULL, 10),
				  strtoul(argv[7], NULL, 10));
	if (!strcmp(argv[1], "connect") && argc == 8)
		return mode_connect(&t, atoi(argv[5]), strtoul(argv[6], NULL, 10),
				    strtoul(argv[7], NULL, 10));
	if (!strcmp(argv[1], "backlog"))
		return mode_backlog(&t);
	if (!strcmp(argv[1], "reset"))
		return mode_reset(&t, atoi(argv[4]));
	fprintf(stderr, "tcp_workload: bad arguments\n");
	return 2;
}
