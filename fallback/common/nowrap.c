// SPDX-License-Identifier: BSD-2-Clause
/*
 * nowrap.c - psutil's wrap_numbers() for disk and network counters.  For every (key, field)
 * it remembers the last raw value; when a new value is smaller the counter wrapped (32-bit
 * counters in /proc/net/dev, or a driver reset) and the old value is added to a running
 * reminder, so what the caller sees keeps increasing.  Keys that disappear are forgotten on
 * the next sweep; fb_nowrap__clear() is psutil's cache_clear().
 */
#include "fb_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NOWRAP_FIELDS 16

struct nowrap_ent {
	char key[64];
	size_t nf;
	uint64_t last[NOWRAP_FIELDS];
	uint64_t rem[NOWRAP_FIELDS];
	bool seen;
};

struct fb_nowrap {
	struct nowrap_ent *v;
	size_t n, cap;
};

struct fb_nowrap *fb_nowrap__new(void)
{
	return calloc(1, sizeof(struct fb_nowrap));
}

void fb_nowrap__clear(struct fb_nowrap *nw)
{
	if (nw)
		nw->n = 0;
}

void fb_nowrap__free(struct fb_nowrap *nw)
{
	if (!nw)
		return;
	free(nw->v);
	free(nw);
}

int fb_nowrap__apply(struct fb_nowrap *nw, const char *key, uint64_t *fields, size_t nfields)
{
	struct nowrap_ent *e = NULL;
	int err;

	if (!nw || nfields > NOWRAP_FIELDS)
		return -EINVAL;
	for (size_t i = 0; i < nw->n; i++) {
		if (strcmp(nw->v[i].key, key) == 0) {
			e = &nw->v[i];
			break;
		}
	}
	if (!e) {
		err = fb__grow((void **)&nw->v, &nw->cap, nw->n + 1, sizeof(*nw->v));
		if (err)
			return err;
		e = &nw->v[nw->n++];
		memset(e, 0, sizeof(*e));
		fb__copy(e->key, sizeof(e->key), key);
		e->nf = nfields;
		memcpy(e->last, fields, nfields * sizeof(*fields));
		e->seen = true;
		return 0;
	}
	for (size_t f = 0; f < nfields && f < e->nf; f++) {
		uint64_t raw = fields[f];

		if (raw < e->last[f])
			e->rem[f] += e->last[f];
		e->last[f] = raw;
		fields[f] = raw + e->rem[f];
	}
	e->seen = true;
	return 0;
}

void fb__nowrap_sweep(struct fb_nowrap *nw)
{
	size_t k = 0;

	if (!nw)
		return;
	for (size_t i = 0; i < nw->n; i++) {
		if (!nw->v[i].seen)
			continue;
		nw->v[i].seen = false;
		nw->v[k++] = nw->v[i];
	}
	nw->n = k;
}
