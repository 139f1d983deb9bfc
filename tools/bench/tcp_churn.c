// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tcp_churn.c: a TCP connection-churn driver for the TCP tracer's benchmark. A forked server
 * process accepts on 127.0.0.1:PORT, reads a small request, answers and closes first (so
 * TIME_WAIT stays on the server side and the client never runs out of ephemeral ports);
 * THREADS client threads connect, send, read the answer and the EOF, and close, as fast as
 * they can for SECONDS. Prints one JSON line: {"conns":N,"seconds":S,"rate":R}.
 *   usage: tcp_churn PORT SECONDS [THREADS] [BYTES]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_BYTES 65536

static struct sockaddr_in addr;
static size_t nbytes = 64;
static atomic_ulong done;
static atomic_int stop;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int read_n(int fd, char *buf, size_t n)
{
	while (n) {
		ssize_t r = read(fd, buf, n);

		if (r <= 0)
			return -1;
		n -= (size_t)r;
		buf += r;
	}
	return 0;
}

static void serve(int lfd)
{
	static char buf[MAX_BYTES];

	for (;;) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (!read_n(fd, buf, nbytes))
			(void)!write(fd, buf, nbytes);
		close(fd);
	}
}

static void *client(void *arg)
{
	char buf[MAX_BYTES];

	(void)arg;
	memset(buf, 'x', sizeof(buf));
	while (!atomic_load(&stop)) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0)
			continue;
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
		    write(fd, buf, nbytes) == (ssize_t)nbytes && !read_n(fd, buf, nbytes)) {
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			atomic_fetch_add(&done, 1);
		}
		close(fd);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int port, nthreads, lfd, one = 1;
	double seconds, t0, elapsed;
	pthread_t th[64];
	pid_t srv;

	if (argc < 3) {
		fprintf(stderr, "usage: tcp_churn PORT SECONDS [THREADS] [BYTES]\n");
		return 2;
	}
	port = atoi(argv[1]);
	seconds = atof(argv[2]);
	nthreads = argc > 3 ? atoi(argv[3]) : 2;
	if (argc > 4)
		nbytes = strtoul(argv[4], NULL, 10);
	if (nthreads < 1 || nthreads > 64 || !nbytes || nbytes > MAX_BYTES)
		return 2;
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) || listen(lfd, 4096)) {
		perror("tcp_churn: listen");
		return 1;
	}
	srv = fork();
	if (srv == 0)
		serve(lfd);
	close(lfd);
	t0 = now_s();
	for (int i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, client, NULL);
	while (now_s() - t0 < seconds)
		usleep(10000);
	atomic_store(&stop, 1);
	for (int i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	elapsed = now_s() - t0;
	kill(srv, SIGKILL);
	waitpid(srv, NULL, 0);
	printf("{\"conns\":%lu,\"seconds\":%.3f,\"rate\":%.0f}\n", atomic_load(&done), elapsed,
	       (double)atomic_load(&done) / elapsed);
	return 0;
}
