// SPDX-License-Identifier: BSD-2-Clause
/*
 * cpu.c - Linux CPU metrics: cpu_times (the "cpu" and "cpuN" lines of /proc/stat, ticks over
 * CLK_TCK), cpu_count (online CPUs from sysfs, then cpuinfo, then stat; cores as the number of
 * distinct core_cpus_list contents, as psutil), cpu_stats (ctxt, intr, softirq lines),
 * cpu_freq (cpufreq policies in sysfs, cpuinfo "cpu MHz" otherwise) and getloadavg
 * (/proc/loadavg).  Fields an old kernel lacks are left invalid.
 */
#include "../common/fb_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* /proc/stat is one line per CPU plus a few; 2 cores fit in 4K, 1024 CPUs in ~150K */
#define STAT_SMALL 8192

static ssize_t read_stat(char **heap, char *stack, size_t len, const char **text)
{
	ssize_t r = fb__read(FB_DIR_PROC, "stat", stack, len);

	*heap = NULL;
	if (r >= 0 && (size_t)r + 1 < len) {
		*text = stack;
		return r;
	}
	if (r < 0)
		return r;
	r = fb__read_alloc(FB_DIR_PROC, "stat", heap);
	*text = *heap;
	return r;
}

/* Parse the numbers after "cpu" / "cpuN" on one line. */
static int parse_cpu_line(const char *p, struct fb_cpu_times *t)
{
	double *fields[] = { &t->user, &t->nice,    &t->system, &t->idle,  &t->iowait,
			     &t->irq,  &t->softirq, &t->steal,	&t->guest, &t->guest_nice };
	double tck = (double)fb__clk_tck();
	int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < 10; i++) {
		uint64_t v;

		if (*fb__skip_ws(p) == '\n' || fb__parse_u64(&p, &v))
			break;
		*fields[i] = (double)v / tck;
		t->valid |= 1u << i;
	}
	/* user, nice, system, idle: 2.4 kernels already had them */
	return i >= 4 ? 0 : -EINVAL;
}

int fb_cpu_times(struct fb_cpu_times *out)
{
	char buf[STAT_SMALL], *heap;
	const char *text;
	ssize_t r;
	int err;

	r = read_stat(&heap, buf, sizeof(buf), &text);
	if (r < 0)
		return (int)r;
	if (strncmp(text, "cpu ", 4) != 0)
		err = -EINVAL;
	else
		err = parse_cpu_line(text + 4, out);
	free(heap);
	return err;
}

int fb_cpu_times_percpu(struct fb_cpu_times **out, size_t *n)
{
	struct fb_cpu_times *v = NULL;
	char buf[STAT_SMALL], *heap;
	size_t cnt = 0, cap = 0;
	const char *text, *p;
	ssize_t r;
	int err = 0;

	r = read_stat(&heap, buf, sizeof(buf), &text);
	if (r < 0)
		return (int)r;
	for (p = text; p; p = fb__next_line(p)) {
		const char *q = p + 3;
		uint64_t idx;

		if (strncmp(p, "cpu", 3) != 0 || p[3] < '0' || p[3] > '9' ||
		    fb__parse_u64(&q, &idx))
			continue;
		err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
		if (err)
			goto free_all;
		err = parse_cpu_line(q, &v[cnt]);
		if (err)
			goto free_all;
		cnt++;
	}
	if (!cnt) {
		err = -EINVAL;
		goto free_all;
	}
	*out = v;
	*n = cnt;
	free(heap);
	return 0;

free_all:
	free(v);
	free(heap);
	return err;
}

/* Count the CPUs in a sysfs list such as "0-3,8,10-11". */
static int count_cpu_list(const char *p)
{
	int count = 0;

	while (*p && *p != '\n') {
		uint64_t a, b;

		if (fb__parse_u64(&p, &a))
			return -EINVAL;
		b = a;
		if (*p == '-') {
			p++;
			if (fb__parse_u64(&p, &b) || b < a)
				return -EINVAL;
		}
		count += (int)(b - a + 1);
		if (*p == ',')
			p++;
		else
			break;
	}
	return count;
}

static int logical_count(void)
{
	char buf[STAT_SMALL], *heap = NULL;
	const char *text, *p;
	int count = 0;

	if (fb__read(FB_DIR_SYS, "devices/system/cpu/online", buf, sizeof(buf)) > 0) {
		count = count_cpu_list(buf);
		if (count > 0)
			return count;
	}
	if (fb__read_alloc(FB_DIR_PROC, "cpuinfo", &heap) >= 0) {
		count = 0;
		for (p = heap; p; p = fb__next_line(p))
			if (strncmp(p, "processor", 9) == 0 &&
			    (p[9] == '\t' || p[9] == ' ' || p[9] == ':'))
				count++;
		free(heap);
		if (count > 0)
			return count;
	}
	if (read_stat(&heap, buf, sizeof(buf), &text) >= 0) {
		count = 0;
		for (p = text; p; p = fb__next_line(p))
			if (strncmp(p, "cpu", 3) == 0 && p[3] >= '0' && p[3] <= '9')
				count++;
		free(heap);
	}
	return count > 0 ? count : -ENODATA;
}

static int cores_from_topology(void)
{
	char(*seen)[64] = NULL, rel[320], buf[64];
	size_t nseen = 0, cap = 0;
	struct dirent *de;
	int dfd, count = 0;
	DIR *dir;

	dfd = openat(fb__dirfd(FB_DIR_SYS), "devices/system/cpu", O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		return -errno;
	dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		return -errno;
	}
	while ((de = readdir(dir))) {
		const char *q = de->d_name + 3;
		uint64_t idx;
		ssize_t r;

		if (strncmp(de->d_name, "cpu", 3) || fb__parse_u64(&q, &idx) || *q)
			continue;
		fb__fmt(rel, sizeof(rel), "%s/topology/core_cpus_list", de->d_name);
		r = fb__read_at(dirfd(dir), rel, buf, sizeof(buf));
		if (r < 0) {
			fb__fmt(rel, sizeof(rel), "%s/topology/thread_siblings_list", de->d_name);
			r = fb__read_at(dirfd(dir), rel, buf, sizeof(buf));
		}
		if (r < 0)
			continue;
		size_t i;

		for (i = 0; i < nseen; i++)
			if (strcmp(seen[i], buf) == 0)
				break;
		if (i < nseen)
			continue;
		if (fb__grow((void **)&seen, &cap, nseen + 1, sizeof(*seen)))
			break;
		fb__copy(seen[nseen++], sizeof(*seen), buf);
		count++;
	}
	closedir(dir);
	free(seen);
	return count > 0 ? count : -ENODATA;
}

static int cores_from_cpuinfo(void)
{
	/* sum "cpu cores" over the distinct "physical id"s */
	uint64_t ids[256], cores[256], phys = UINT64_MAX, v;
	size_t nids = 0;
	char *heap = NULL;
	const char *p;
	int total = 0;

	if (fb__read_alloc(FB_DIR_PROC, "cpuinfo", &heap) < 0)
		return -ENODATA;
	for (p = heap; p; p = fb__next_line(p)) {
		const char *c = strchr(p, ':');

		if (!c)
			continue;
		c++;
		if (strncmp(p, "physical id", 11) == 0 && !fb__parse_u64(&c, &v)) {
			phys = v;
		} else if (strncmp(p, "cpu cores", 9) == 0 && !fb__parse_u64(&c, &v) &&
			   phys != UINT64_MAX) {
			size_t i;

			for (i = 0; i < nids; i++)
				if (ids[i] == phys)
					break;
			if (i == nids && nids < 256) {
				ids[nids] = phys;
				cores[nids++] = v;
			}
		}
	}
	free(heap);
	for (size_t i = 0; i < nids; i++)
		total += (int)cores[i];
	return total > 0 ? total : -ENODATA;
}

int fb_cpu_count(bool logical)
{
	int r;

	if (logical)
		return logical_count();
	r = cores_from_topology();
	if (r > 0)
		return r;
	return cores_from_cpuinfo();
}

int fb_cpu_stats(struct fb_cpu_stats *out)
{
	char buf[STAT_SMALL], *heap;
	const char *text, *p;
	ssize_t r;

	memset(out, 0, sizeof(*out));
	r = read_stat(&heap, buf, sizeof(buf), &text);
	if (r < 0)
		return (int)r;
	for (p = text; p; p = fb__next_line(p)) {
		const char *q;

		if (strncmp(p, "ctxt ", 5) == 0) {
			q = p + 5;
			if (!fb__parse_u64(&q, &out->ctx_switches))
				out->valid |= FB_CPUSTAT_CTX;
		} else if (strncmp(p, "intr ", 5) == 0) {
			q = p + 5;
			if (!fb__parse_u64(&q, &out->interrupts))
				out->valid |= FB_CPUSTAT_INTR;
		} else if (strncmp(p, "softirq ", 8) == 0) {
			q = p + 8;
			if (!fb__parse_u64(&q, &out->soft_interrupts))
				out->valid |= FB_CPUSTAT_SOFTIRQ;
		}
	}
	free(heap);
	return out->valid ? 0 : -ENODATA;
}

/* "cpu MHz" values of /proc/cpuinfo, in CPU order. */
static int cpuinfo_mhz(double **out, size_t *n)
{
	size_t cnt = 0, cap = 0;
	double *v = NULL;
	char *heap;
	const char *p;

	if (fb__read_alloc(FB_DIR_PROC, "cpuinfo", &heap) < 0)
		return -ENODATA;
	for (p = heap; p; p = fb__next_line(p)) {
		const char *c;
		char num[32];

		if (strncmp(p, "cpu MHz", 7) && strncmp(p, "clock", 5))
			continue;
		c = strchr(p, ':');
		if (!c || !fb__token(c + 1, num, sizeof(num)))
			continue;
		if (fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v)))
			break;
		v[cnt++] = strtod(num, NULL); /* "2400.000MHz" on s390 parses too */
	}
	free(heap);
	*out = v;
	*n = cnt;
	return cnt ? 0 : -ENODATA;
}

static int read_khz(int dfd, const char *rel, double *mhz)
{
	char buf[64];
	const char *p = buf;
	uint64_t v;

	if (fb__read_at(dfd, rel, buf, sizeof(buf)) < 0 || fb__parse_u64(&p, &v))
		return -ENOENT;
	*mhz = (double)v / 1000.0;
	return 0;
}

int fb_cpu_freq_percpu(struct fb_cpu_freq **out, size_t *n)
{
	size_t cnt = 0, cap = 0, nmhz = 0;
	struct fb_cpu_freq *v = NULL;
	double *mhz = NULL;
	int sys = fb__dirfd(FB_DIR_SYS), err = 0;
	char rel[128];

	cpuinfo_mhz(&mhz, &nmhz);
	for (int i = 0; sys >= 0 && i < 8192; i++) {
		struct fb_cpu_freq f = { 0 };
		int dfd;

		fb__fmt(rel, sizeof(rel), "devices/system/cpu/cpufreq/policy%d", i);
		dfd = openat(sys, rel, O_PATH | O_DIRECTORY);
		if (dfd < 0) {
			fb__fmt(rel, sizeof(rel), "devices/system/cpu/cpu%d/cpufreq", i);
			dfd = openat(sys, rel, O_PATH | O_DIRECTORY);
		}
		if (dfd < 0) {
			if (i == 0)
				break;
			continue; /* an offline CPU or a shared policy */
		}
		if (!read_khz(dfd, "scaling_cur_freq", &f.current) ||
		    !read_khz(dfd, "cpuinfo_cur_freq", &f.current))
			f.valid |= FB_FREQ_CURRENT;
		if (!read_khz(dfd, "scaling_min_freq", &f.min))
			f.valid |= FB_FREQ_MIN;
		if (!read_khz(dfd, "scaling_max_freq", &f.max))
			f.valid |= FB_FREQ_MAX;
		close(dfd);
		err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
		if (err)
			goto free_all;
		v[cnt++] = f;
	}
	if (cnt && nmhz == cnt) {
		/* psutil prefers cpuinfo's current value when the counts agree */
		for (size_t i = 0; i < cnt; i++) {
			v[i].current = mhz[i];
			v[i].valid |= FB_FREQ_CURRENT;
		}
	}
	if (!cnt) {
		for (size_t i = 0; i < nmhz; i++) {
			err = fb__grow((void **)&v, &cap, cnt + 1, sizeof(*v));
			if (err)
				goto free_all;
			v[cnt++] =
				(struct fb_cpu_freq){ .current = mhz[i], .valid = FB_FREQ_CURRENT };
		}
	}
	free(mhz);
	*out = v;
	*n = cnt;
	return 0;

free_all:
	free(mhz);
	free(v);
	return err;
}

int fb_cpu_freq(struct fb_cpu_freq *out)
{
	struct fb_cpu_freq *v;
	size_t n;
	int err;

	err = fb_cpu_freq_percpu(&v, &n);
	if (err)
		return err;
	if (!n) {
		free(v);
		return -ENODATA;
	}
	memset(out, 0, sizeof(*out));
	out->valid = FB_FREQ_CURRENT | FB_FREQ_MIN | FB_FREQ_MAX;
	for (size_t i = 0; i < n; i++) {
		out->current += v[i].current;
		out->min += v[i].min;
		out->max += v[i].max;
		out->valid &= v[i].valid;
	}
	out->current /= (double)n;
	out->min /= (double)n;
	out->max /= (double)n;
	if (!(out->valid & FB_FREQ_MIN))
		out->min = 0;
	if (!(out->valid & FB_FREQ_MAX))
		out->max = 0;
	free(v);
	return 0;
}

int fb_getloadavg(double out[3])
{
	char buf[128], tok[32];
	const char *p = buf;
	char *end;

	ssize_t r = fb__read(FB_DIR_PROC, "loadavg", buf, sizeof(buf));

	if (r < 0)
		return (int)r;
	for (int i = 0; i < 3; i++) {
		p = fb__token(p, tok, sizeof(tok));
		if (!p)
			return -EINVAL;
		out[i] = strtod(tok, &end);
		if (*end)
			return -EINVAL;
	}
	return 0;
}
