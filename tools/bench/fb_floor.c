// SPDX-License-Identifier: BSD-2-Clause
/*
 * fb_floor.c: the kernel's share of the fallback's two costly listings, measured with the
 * least work that can give their results, so that tools/bench_fallback.sh can say how far
 * from the floor the library is and what ratio to psutil is reachable at all.  Single thread,
 * no parsing, no allocation:
 *   ps:    for every pid, open + read + close of /proc/PID/stat and /proc/PID/statm (statm is
 *          skipped for a kernel thread, as the library does), the files psutil also reads;
 *   conns: for every pid, open /proc/PID/fd, getdents64, readlink of every fd (a pid stops at
 *          the first EACCES, as the library does): the walk psutil also does, without the
 *          socket tables.
 * Prints one JSON line: {"what":W,"runs":N,"pids":P,"items":I,"wall_ms":[...],"median_ms":M,
 * "min_ms":m}.
 *   usage: fb_floor ps|conns RUNS
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PF_KTHREAD 0x00200000UL

struct dent64 {
	unsigned long long ino;
	long long off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The 9th field of stat (flags), counted after the ')' that ends comm. */
static bool stat_is_kthread(const char *buf)
{
	const char *p = strrchr(buf, ')');

	if (!p)
		return false;
	for (int field = 2; field < 9 && p; field++)
		p = strchr(p + 1, ' ');
	return p && (strtoul(p + 1, NULL, 10) & PF_KTHREAD);
}

static long read_file(int procfd, const char *pid, const char *name, char *buf, size_t len)
{
	char rel[64];
	long r;
	int fd;

	snprintf(rel, sizeof(rel), "%s/%s", pid, name);
	fd = openat(procfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = read(fd, buf, len - 1);
	close(fd);
	if (r >= 0)
		buf[r] = '\0';
	return r;
}

static long ps_pid(int procfd, const char *pid)
{
	char buf[4096];

	if (read_file(procfd, pid, "stat", buf, sizeof(buf)) < 0)
		return 0;
	if (!stat_is_kthread(buf))
		read_file(procfd, pid, "statm", buf, sizeof(buf));
	return 1;
}

static long conns_pid(int procfd, const char *pid)
{
	char rel[64], link[64], buf[8192] __attribute__((aligned(8)));
	long nr, items = 0;
	bool more = true;
	int fd;

	snprintf(rel, sizeof(rel), "%s/fd", pid);
	fd = openat(procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (more && (nr = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		more = (size_t)nr + 64 > sizeof(buf);
		for (long off = 0; off < nr;) {
			struct dent64 *de = (struct dent64 *)(buf + off);

			off += de->reclen;
			if (de->name[0] < '0' || de->name[0] > '9')
				continue;
			if (readlinkat(fd, de->name, link, sizeof(link)) < 0 && errno == EACCES) {
				more = false;
				break;
			}
			items++;
		}
	}
	close(fd);
	return items;
}

static int run(bool ps, int runs)
{
	double *t = calloc((size_t)runs, sizeof(*t));
	long pids = 0, items = 0;
	int procfd, err = 1;

	procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!t || procfd < 0)
		goto cleanup;
	for (int i = -1; i < runs; i++) { /* run -1 warms the caches */
		double t0 = now_ms();
		struct dirent *de;
		DIR *dir = opendir("/proc");

		if (!dir)
			goto cleanup;
		pids = items = 0;
		while ((de = readdir(dir))) {
			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			pids++;
			items += ps ? ps_pid(procfd, de->d_name) : conns_pid(procfd, de->d_name);
		}
		closedir(dir);
		if (i >= 0)
			t[i] = now_ms() - t0;
	}
	printf("{\"what\":\"%s\",\"runs\":%d,\"pids\":%ld,\"items\":%ld,\"wall_ms\":[",
	       ps ? "ps" : "conns", runs, pids, items);
	for (int i = 0; i < runs; i++)
		printf("%s%.4f", i ? "," : "", t[i]);
	qsort(t, (size_t)runs, sizeof(*t), dbl_cmp);
	printf("],\"median_ms\":%.4f,\"min_ms\":%.4f}\n", t[runs / 2], t[0]);
	err = 0;
cleanup:
	if (procfd >= 0)
		close(procfd);
	free(t);
	return err;
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[2]) : 0;

	if (argc != 3 || runs < 1 || (strcmp(argv[1], "ps") && strcmp(argv[1], "conns"))) {
		fprintf(stderr, "usage: fb_floor ps|conns RUNS\n");
		return 2;
	}
	return run(!strcmp(argv[1], "ps"), runs);
}
