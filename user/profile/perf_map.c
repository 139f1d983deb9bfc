// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * perf_map.c: parse perf's JIT symbol maps (/tmp/perf-PID.map) into a sorted table. Each
 * line is "START SIZE name"; names may hold spaces and run to the end of the line. Lookups
 * search by start and take, among the entries holding the address, the last one written.
 */
#include "profile/perf_map.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PERF_MAP_MAX_BYTES (64U << 20) /* a bigger file is read up to here */
#define PERF_MAP_MAX_NAME  1024

static int entry_cmp(const void *a, const void *b)
{
	const struct perf_map_entry *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* One hex number at *p, with or without 0x; advances *p. */
static bool parse_hex(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int digits = 0;

	if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; s < end; s++, digits++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (digits == 16)
			return false;
		x = x << 4 | (uint64_t)d;
	}
	*p = s;
	*v = x;
	return digits > 0;
}

/* One line [s, end): 1 and e filled, 0 to skip it, -ENOMEM. */
static int parse_line(const char *s, const char *end, struct perf_map_entry *e)
{
	uint64_t start, size;
	size_t len;

	if (!parse_hex(&s, end, &start) || s == end || *s != ' ')
		return 0;
	s++;
	if (!parse_hex(&s, end, &size) || s == end || *s != ' ' || !size || start + size < start)
		return 0;
	s++;
	len = (size_t)(end - s);
	while (len && (s[len - 1] == '\r' || s[len - 1] == ' '))
		len--;
	if (!len || len > PERF_MAP_MAX_NAME || memchr(s, '\0', len))
		return 0;
	e->name = strndup(s, len);
	if (!e->name)
		return -ENOMEM;
	for (char *c = e->name; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '_';
	}
	e->start = start;
	e->end = start + size;
	return 1;
}

int perf_map__parse(struct perf_map *pm, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	size_t cap = 0;

	memset(pm, 0, sizeof(*pm));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		struct perf_map_entry e;
		int r = parse_line(p, le, &e);

		p = nl ? nl + 1 : end;
		if (r < 0)
			goto nomem;
		if (!r)
			continue;
		if (pm->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct perf_map_entry *q = realloc(pm->e, ncap * sizeof(*q));

			if (!q) {
				free(e.name);
				goto nomem;
			}
			pm->e = q;
			cap = ncap;
		}
		e.seq = pm->n;
		pm->e[pm->n++] = e;
	}
	if (pm->n)
		qsort(pm->e, pm->n, sizeof(*pm->e), entry_cmp);
	return 0;
nomem:
	perf_map__fini(pm);
	return -ENOMEM;
}

int perf_map__load(struct perf_map *pm, uint32_t pid, uint32_t uid)
{
	char path[64], *buf;
	struct stat st;
	ssize_t got;
	size_t len = 0, want;
	int fd, err;

	memset(pm, 0, sizeof(*pm));
	snprintf(path, sizeof(path), "/tmp/perf-%u.map", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (st.st_uid && st.st_uid != uid)) {
		close(fd);
		return -EPERM;
	}
	want = st.st_size > PERF_MAP_MAX_BYTES ? PERF_MAP_MAX_BYTES : (size_t)st.st_size;
	buf = malloc(want + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (len < want && (got = read(fd, buf + len, want - len)) > 0)
		len += (size_t)got;
	close(fd);
	err = perf_map__parse(pm, buf, len);
	free(buf);
	return err;
}

const char *perf_map__find(const struct perf_map *pm, uint64_t addr)
{
	size_t lo = 0, hi = pm->n;
	const struct perf_map_entry *best = NULL;

	/* The entries starting at or before addr: [0, lo). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pm->e[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Entries are short and rarely overlap: look back a few for the latest holder. */
	for (size_t i = lo, k = 0; i-- > 0 && k < 64; k++) {
		const struct perf_map_entry *e = &pm->e[i];

		if (addr < e->end && (!best || e->seq > best->seq))
			best = e;
	}
	return best ? best->name : NULL;
}

void perf_map__fini(struct perf_map *pm)
{
	for (size_t i = 0; i < pm->n; i++)
		free(pm->e[i].name);
	free(pm->e);
	pm->e = NULL;
	pm->n = 0;
}
