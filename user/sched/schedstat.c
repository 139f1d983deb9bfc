// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * schedstat.c: reading and parsing the scheduler's counters (see schedstat.h). The files
 * are small; one read(2) each, no stdio.
 */
#include "sched/schedstat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fallback.h"

int schedstat_path(const char *rel, char *buf, size_t len)
{
	const char *root = fb_root_get();
	int n;

	if (!root || !*root)
		root = "/";
	n = snprintf(buf, len, "%s%s%s", root, root[strlen(root) - 1] == '/' ? "" : "/", rel);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

ssize_t schedstat_read_file(const char *rel, char *buf, size_t len)
{
	char path[512];
	ssize_t n;
	int fd, err = schedstat_path(rel, path, sizeof(path));

	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	buf[n] = '\0';
	return n;
}

static int parse_u64(const char **p, uint64_t *out)
{
	char *end;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (**p < '0' || **p > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(*p, &end, 10);
	if (errno)
		return -EINVAL;
	*p = end;
	return 0;
}

int schedstat_parse_task(const char *text, struct schedstat *out)
{
	const char *p = text;

	if (parse_u64(&p, &out->run_ns) || parse_u64(&p, &out->wait_ns) ||
	    parse_u64(&p, &out->slices))
		return -EINVAL;
	return 0;
}

int status_parse_switches(const char *text, uint64_t *voluntary, uint64_t *involuntary)
{
	const char *v = strstr(text, "\nvoluntary_ctxt_switches:");
	const char *nv = strstr(text, "\nnonvoluntary_ctxt_switches:");

	if (!v || !nv)
		return -ENOENT;
	v += strlen("\nvoluntary_ctxt_switches:");
	nv += strlen("\nnonvoluntary_ctxt_switches:");
	if (parse_u64(&v, voluntary) || parse_u64(&nv, involuntary))
		return -EINVAL;
	return 0;
}

int schedstat_read_task(uint32_t pid, uint32_t tid, struct schedstat *out)
{
	char rel[64], buf[128];
	ssize_t n;

	snprintf(rel, sizeof(rel), "proc/%u/task/%u/schedstat", pid, tid);
	n = schedstat_read_file(rel, buf, sizeof(buf));
	if (n < 0)
		return n == -ESRCH ? -ENOENT : (int)n;
	return schedstat_parse_task(buf, out);
}

/* One "cpuN a b c d e f g h i" line; fields 7..9 are run, wait, slices. */
static int parse_cpu_line(const char *line, int *cpu, struct schedstat *out)
{
	uint64_t f[9], n;
	const char *p = line + 3;
	char *end;

	errno = 0;
	n = strtoull(p, &end, 10);
	if (end == p || errno || n > 65535)
		return -EINVAL;
	p = end;
	for (int i = 0; i < 9; i++) {
		if (parse_u64(&p, &f[i]))
			return -EINVAL;
	}
	*cpu = (int)n;
	out->run_ns = f[6];
	out->wait_ns = f[7];
	out->slices = f[8];
	return 0;
}

int schedstat_parse_cpus(const char *text, struct schedstat *out, int max)
{
	int seen = -EINVAL;

	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		struct schedstat s;
		int cpu;

		if (!strncmp(line, "cpu", 3) && !parse_cpu_line(line, &cpu, &s) && cpu < max) {
			out[cpu] = s;
			if (cpu + 1 > seen)
				seen = cpu + 1;
		}
		line = nl ? nl + 1 : NULL;
	}
	return seen;
}

int schedstat_read_cpus(struct schedstat *out, int max)
{
	char *buf = malloc(1 << 16);
	ssize_t n;
	int ret;

	if (!buf)
		return -ENOMEM;
	n = schedstat_read_file("proc/schedstat", buf, 1 << 16);
	ret = n < 0 ? (int)n : schedstat_parse_cpus(buf, out, max);
	free(buf);
	return ret;
}
