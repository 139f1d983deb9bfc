/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ksyms.h: kernel symbols from /proc/kallsyms (or a recorded copy), sorted by address, for
 * turning kernel stack addresses into function names. Only text symbols (t, T, w, W) are
 * kept; an address resolves to the nearest symbol at or below it. Addresses beyond the
 * last text symbol and before the first one do not resolve.
 */
#ifndef VIGIL_KSYMS_H
#define VIGIL_KSYMS_H

#include <stddef.h>
#include <stdint.h>

struct ksym {
	uint64_t addr;
	const char *name; /* "name" or "name [module]" */
};

struct ksyms;

/* Load path (NULL: kallsyms under the fallback library's root, fb_proc_fopen()). NULL and
 * errno on failure; ENODATA if no symbol had an address (kallsyms read without privilege
 * shows all zeros). */
struct ksyms *ksyms__load(const char *path);

/* The symbol covering addr, or NULL. */
const struct ksym *ksyms__find(const struct ksyms *ks, uint64_t addr);

size_t ksyms__count(const struct ksyms *ks);

void ksyms__free(struct ksyms *ks);

#endif /* VIGIL_KSYMS_H */
