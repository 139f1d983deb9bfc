// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * agent_load.c: a paced load for tools/bench_agent.sh that makes every subsystem's
 * tracepoints fire at a known rate: pairs of threads pinned to one CPU ping-pong through
 * pipes (each round trip is two wakeups and two context switches), one thread opens and
 * closes loopback TCP connections, and one writes 4 KiB O_DIRECT blocks to a file (block
 * I/O on the disk that holds it). Rates are per second; it runs for the given seconds.
 * usage: agent_load SECONDS ROUNDTRIPS_PER_S TCP_CONNS_PER_S DISK_IOS_PER_S FILE
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static atomic_int stop;

struct pace {
	long per_s;
	void (*one)(void *ctx);
	void *ctx;
};

/* Call one() per_s times a second, in 1 ms batches on an absolute clock. */
static void *pace_main(void *arg)
{
	struct pace *p = arg;
	struct timespec next;
	double owed = 0, per_ms = (double)p->per_s / 1000.0;

	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!atomic_load(&stop)) {
		owed += per_ms;
		for (; owed >= 1.0; owed -= 1.0)
			p->one(p->ctx);
		next.tv_nsec += 1000000;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return NULL;
}

struct pingpong {
	int to_peer[2], from_peer[2];
};

static void pin0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *peer_main(void *arg)
{
	struct pingpong *pp = arg;
	char c;

	pin0();
	while (read(pp->to_peer[0], &c, 1) == 1 && c)
		if (write(pp->from_peer[1], &c, 1) != 1)
			break;
	return NULL;
}

static void roundtrip(void *ctx)
{
	struct pingpong *pp = ctx;
	char c = 1;

	if (write(pp->to_peer[1], &c, 1) == 1 && read(pp->from_peer[0], &c, 1) == 1)
		return;
}

static void *pinger_main(void *arg)
{
	pin0();
	return pace_main(arg);
}

static void tcp_once(void *ctx)
{
	int lfd = *(int *)ctx, c = socket(AF_INET, SOCK_STREAM, 0), a;
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);

	if (c < 0)
		return;
	getsockname(lfd, (struct sockaddr *)&addr, &len);
	if (!connect(c, (struct sockaddr *)&addr, sizeof(addr))) {
		a = accept(lfd, NULL, NULL);
		if (write(c, "x", 1) < 0 || (a >= 0 && close(a)))
			perror("tcp");
	}
	close(c);
}

static void disk_once(void *ctx)
{
	static char *buf;
	static off_t off;
	int fd = *(int *)ctx;

	if (!buf && posix_memalign((void **)&buf, 4096, 4096))
		return;
	memset(buf, 'v', 4096);
	if (pwrite(fd, buf, 4096, off) != 4096)
		return;
	off = (off + 4096) % (16 << 20);
}

int main(int argc, char **argv)
{
	struct pingpong pp;
	struct pace ppace, tpace, dpace;
	pthread_t peer, pinger, tcp, disk;
	struct sockaddr_in addr = { .sin_family = AF_INET };
	int lfd, dfd, seconds;
	char zero = 0;

	if (argc != 6) {
		fprintf(stderr, "usage: agent_load SECONDS ROUNDTRIPS/S TCP/S IOS/S FILE\n");
		return 2;
	}
	seconds = atoi(argv[1]);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) || listen(lfd, 128)) {
		perror("listen");
		return 1;
	}
	dfd = open(argv[5], O_RDWR | O_CREAT | O_DIRECT, 0600);
	if (dfd < 0 || pipe(pp.to_peer) || pipe(pp.from_peer)) {
		perror(argv[5]);
		return 1;
	}
	ppace = (struct pace){ atol(argv[2]), roundtrip, &pp };
	tpace = (struct pace){ atol(argv[3]), tcp_once, &lfd };
	dpace = (struct pace){ atol(argv[4]), disk_once, &dfd };
	pthread_create(&peer, NULL, peer_main, &pp);
	pthread_create(&pinger, NULL, pinger_main, &ppace);
	pthread_create(&tcp, NULL, pace_main, &tpace);
	pthread_create(&disk, NULL, pace_main, &dpace);
	sleep((unsigned int)seconds);
	atomic_store(&stop, 1);
	pthread_join(pinger, NULL);
	pthread_join(tcp, NULL);
	pthread_join(disk, NULL);
	if (write(pp.to_peer[1], &zero, 1) != 1)
		return 1;
	pthread_join(peer, NULL);
	close(dfd);
	return 0;
}
