// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ksyms.c: reading kallsyms into one sorted array. The file (5 MB, 120k lines here) is read
 * whole into one buffer and parsed in place: each name is cut out of it with a NUL, and a
 * module's "name\t[module]" becomes "name [module]" where it lies, so no name is copied and
 * the load costs a handful of allocations. Parsing by hand matters: through stdio and
 * sscanf() the parse cost more than the kernel takes to print the file.
 */
#include "profile/ksyms.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fallback.h"

#define KSYMS_PROC_ROOM (16 << 20) /* bytes: /proc files say they are empty */

struct ksyms {
	struct ksym *syms;
	size_t n, cap;
	char *text; /* the file, NUL-terminated; names point into it */
};

static bool type_is_text(char t)
{
	return t == 't' || t == 'T' || t == 'w' || t == 'W';
}

static char *skip_blanks(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* The end of the word at s: a blank or the end of the line. */
static char *word_end(char *s)
{
	while (*s && *s != ' ' && *s != '\t')
		s++;
	return s;
}

static int ksyms__push(struct ksyms *ks, uint64_t addr, const char *name)
{
	if (ks->n == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 4096;
		struct ksym *p = realloc(ks->syms, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		ks->syms = p;
		ks->cap = cap;
	}
	ks->syms[ks->n].addr = addr;
	ks->syms[ks->n].name = name;
	ks->n++;
	return 0;
}

/*
 * The line at line ("ffffffff81000000 T _stext" or "... t name\t[module]"): its text
 * symbol is kept, its name cut in place. Returns where the next line starts.
 */
static char *ksyms__parse_line(struct ksyms *ks, char *line, int *err)
{
	char *next = strchrnul(line, '\n'), *p, *name, *end, *close;
	uint64_t addr;

	if (*next)
		*next++ = '\0';
	if (!isxdigit((unsigned char)*line))
		return next;
	addr = strtoull(line, &p, 16);
	if (!addr || (*p != ' ' && *p != '\t'))
		return next;
	p = skip_blanks(p);
	if (!type_is_text(*p))
		return next;
	name = skip_blanks(p + 1);
	end = word_end(name);
	if (end == name)
		return next;
	p = skip_blanks(end);
	close = *p == '[' ? strchr(p, ']') : NULL;
	if (close) {
		/* "name\t[module]" becomes "name [module]". */
		*end = ' ';
		memmove(end + 1, p, (size_t)(close + 1 - p));
		end += 1 + (close + 1 - p);
	}
	*end = '\0';
	*err = ksyms__push(ks, addr, name);
	return next;
}

/*
 * The whole of fd into a NUL-terminated buffer; NULL with errno set on failure. For /proc's
 * kallsyms, room for a large kernel's file at once, whose pages are only touched as they
 * fill, so the buffer is not copied while it grows.
 */
static char *read_whole(int fd)
{
	struct stat st;
	size_t len = 0, cap;
	ssize_t n;
	char *buf, *p;

	/* One spare byte: the read that sees the end needs no growth. */
	cap = !fstat(fd, &st) && st.st_size > 0 ? (size_t)st.st_size + 1 : KSYMS_PROC_ROOM;
	buf = malloc(cap + 1);
	while (buf) {
		if (cap == len) {
			p = realloc(buf, cap * 2 + 1);
			if (!p)
				break;
			buf = p;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n) {
				buf[len] = '\0';
				return buf;
			}
			break;
		}
		len += (size_t)n;
	}
	free(buf);
	if (!errno)
		errno = ENOMEM;
	return NULL;
}

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Stable among aliases: keep file order (names lie in the text in that order). */
	return x->name < y->name ? -1 : x->name > y->name;
}

static bool ksyms__sorted(const struct ksyms *ks)
{
	for (size_t i = 1; i < ks->n; i++) {
		if (ks->syms[i - 1].addr > ks->syms[i].addr)
			return false;
	}
	return true;
}

struct ksyms *ksyms__load(const char *path)
{
	struct ksyms *ks = calloc(1, sizeof(*ks));
	char fpath[4096];
	int fd, err = 0;

	if (!ks)
		return NULL;
	if (!path) {
		err = fb_proc_path("kallsyms", fpath, sizeof(fpath));
		if (err < 0)
			goto err_free;
		path = fpath;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto err_free;
	}
	ks->text = read_whole(fd);
	err = ks->text ? 0 : -errno;
	close(fd);
	for (char *p = ks->text; !err && p && *p;)
		p = ksyms__parse_line(ks, p, &err);
	if (err)
		goto err_free;
	if (!ks->n) {
		err = -ENODATA;
		goto err_free;
	}
	/* The kernel prints its own text in address order; only modules can break it. */
	if (!ksyms__sorted(ks))
		qsort(ks->syms, ks->n, sizeof(*ks->syms), ksym_cmp);
	return ks;

err_free:
	ksyms__free(ks);
	errno = -err;
	return NULL;
}

const struct ksym *ksyms__find(const struct ksyms *ks, uint64_t addr)
{
	size_t lo = 0, hi = ks->n;

	if (!ks->n || addr < ks->syms[0].addr)
		return NULL;
	/* The last symbol whose address is <= addr; among aliases the first in file order. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	while (lo > 0 && ks->syms[lo - 1].addr == ks->syms[lo].addr)
		lo--;
	/* Past the last symbol there is nothing to say. */
	if (lo == ks->n - 1 && addr - ks->syms[lo].addr > (1 << 20))
		return NULL;
	return &ks->syms[lo];
}

size_t ksyms__count(const struct ksyms *ks)
{
	return ks ? ks->n : 0;
}

void ksyms__free(struct ksyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->text);
	free(ks);
}
