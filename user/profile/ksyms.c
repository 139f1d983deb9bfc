// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ksyms.c: reading kallsyms into one sorted array whose names live in a single growing
 * string arena, so that a 100k-symbol kernel costs two allocations, not 100k.
 */
#include "profile/ksyms.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fallback.h"

struct ksyms {
	struct ksym *syms;
	size_t n, cap;
	char *strs;
	size_t strs_len, strs_cap;
};

static int ksyms__grow(struct ksyms *ks, size_t name_len)
{
	if (ks->n == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 4096;
		struct ksym *p = realloc(ks->syms, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		ks->syms = p;
		ks->cap = cap;
	}
	if (ks->strs_len + name_len + 1 > ks->strs_cap) {
		size_t cap = ks->strs_cap ? ks->strs_cap * 2 : 1 << 20;
		char *p;

		while (cap < ks->strs_len + name_len + 1)
			cap *= 2;
		p = realloc(ks->strs, cap);
		if (!p)
			return -ENOMEM;
		ks->strs = p;
		ks->strs_cap = cap;
	}
	return 0;
}

static bool type_is_text(char t)
{
	return t == 't' || t == 'T' || t == 'w' || t == 'W';
}

/* One kallsyms line: "ffffffff81000000 T _stext" or "... t name\t[module]". */
static int ksyms__add_line(struct ksyms *ks, const char *line)
{
	char name[256], mod[64] = "", type;
	unsigned long long addr;
	size_t len;
	int n, err;

	n = sscanf(line, "%llx %c %255s [%63[^]]]", &addr, &type, name, mod);
	if (n < 3 || !type_is_text(type) || !addr)
		return 0;
	len = strlen(name) + (mod[0] ? strlen(mod) + 3 : 0);
	err = ksyms__grow(ks, len);
	if (err)
		return err;
	if (mod[0])
		snprintf(ks->strs + ks->strs_len, len + 1, "%s [%s]", name, mod);
	else
		memcpy(ks->strs + ks->strs_len, name, len + 1);
	/* Names are offsets until the arena stops moving; fixed up in ksyms__finish(). */
	ks->syms[ks->n].addr = addr;
	ks->syms[ks->n].name = (const char *)(uintptr_t)ks->strs_len;
	ks->n++;
	ks->strs_len += len + 1;
	return 0;
}

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Stable among aliases: keep file order (the offsets grow with it). */
	return (uintptr_t)x->name < (uintptr_t)y->name ? -1 : 1;
}

static void ksyms__finish(struct ksyms *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		ks->syms[i].name = ks->strs + (uintptr_t)ks->syms[i].name;
	qsort(ks->syms, ks->n, sizeof(*ks->syms), ksym_cmp);
}

struct ksyms *ksyms__load(const char *path)
{
	struct ksyms *ks = calloc(1, sizeof(*ks));
	char line[512];
	FILE *f;
	int err = 0;

	if (!ks)
		return NULL;
	f = path ? fopen(path, "re") : fb_proc_fopen("kallsyms");
	if (!f) {
		err = -errno;
		goto err_free;
	}
	while (!err && fgets(line, sizeof(line), f))
		err = ksyms__add_line(ks, line);
	fclose(f);
	if (err)
		goto err_free;
	if (!ks->n) {
		err = -ENODATA;
		goto err_free;
	}
	ksyms__finish(ks);
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
	free(ks->strs);
	free(ks);
}
