// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc_mem.c - the slow memory views of a process: memory_full_info() (uss = every Private*
 * line, pss, swap; from smaps_rollup, summing smaps on kernels before 4.14), memory_maps()
 * (the smaps blocks, grouped per path or not, "[anon]" for unnamed mappings) and
 * memory_percent() against virtual_memory().total.  All values are kB * 1024.
 */
#include "proc_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct smaps_sum {
	uint64_t uss, pss, swap;
};

/* Add up Private*, Pss: and Swap: lines of an smaps or smaps_rollup text. */
static void sum_smaps(const char *text, struct smaps_sum *s)
{
	for (const char *p = text; p; p = fb__next_line(p)) {
		const char *q;
		uint64_t v;

		if (strncmp(p, "Private", 7) == 0) {
			q = strchr(p, ':');
			if (q && (q++, !fb__parse_u64(&q, &v)))
				s->uss += v * 1024;
		} else if (strncmp(p, "Pss:", 4) == 0) {
			q = p + 4;
			if (!fb__parse_u64(&q, &v))
				s->pss += v * 1024;
		} else if (strncmp(p, "Swap:", 5) == 0) {
			q = p + 5;
			if (!fb__parse_u64(&q, &v))
				s->swap += v * 1024;
		}
	}
}

int fb_proc__memory_full_info(struct fb_proc *p, struct fb_proc_mem_full *out)
{
	struct smaps_sum s = { 0 };
	char rel[64], *text;
	ssize_t r;
	int err;

	memset(out, 0, sizeof(*out));
	err = fb_proc__memory_info(p, &out->base);
	if (err)
		return err;
	fb__fmt(rel, sizeof(rel), "%d/smaps_rollup", (int)p->pid);
	r = fb__read_alloc(FB_DIR_PROC, rel, &text);
	if (r == -ENOENT || r == -ESRCH) {
		/* kernels < 4.14 have no smaps_rollup; a kernel thread's gives ESRCH */
		fb__fmt(rel, sizeof(rel), "%d/smaps", (int)p->pid);
		r = fb__read_alloc(FB_DIR_PROC, rel, &text);
	}
	if (r < 0)
		return fb__proc_fail(p, "memory_full_info", (int)r);
	sum_smaps(text, &s);
	free(text);
	out->uss = s.uss;
	out->pss = s.pss;
	out->swap = s.swap;
	out->valid = FB_PMEM_USS | FB_PMEM_PSS | FB_PMEM_SWAP;
	return 0;
}

int fb_proc__memory_info_ex(struct fb_proc *p, struct fb_proc_mem_ex *out)
{
	static const struct {
		const char *key;
		size_t off;
		uint32_t bit;
	} keys[] = {
		{ "VmHWM", offsetof(struct fb_proc_mem_ex, peak_rss), FB_PMEX_PEAK_RSS },
		{ "VmPeak", offsetof(struct fb_proc_mem_ex, peak_vms), FB_PMEX_PEAK_VMS },
		{ "RssAnon", offsetof(struct fb_proc_mem_ex, rss_anon), FB_PMEX_RSS_ANON },
		{ "RssFile", offsetof(struct fb_proc_mem_ex, rss_file), FB_PMEX_RSS_FILE },
		{ "RssShmem", offsetof(struct fb_proc_mem_ex, rss_shmem), FB_PMEX_RSS_SHMEM },
		{ "VmSwap", offsetof(struct fb_proc_mem_ex, swap), FB_PMEX_SWAP },
		{ "HugetlbPages", offsetof(struct fb_proc_mem_ex, hugetlb), FB_PMEX_HUGETLB },
	};
	const char *status;
	int err;

	memset(out, 0, sizeof(*out));
	err = fb_proc__memory_info(p, &out->base);
	if (err)
		return err;
	err = fb__proc_status(p, "memory_info_ex", &status);
	if (err)
		return err;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		uint64_t v;

		if (fb__kv_u64(status, keys[i].key, &v))
			continue; /* kernel threads have no Vm lines; RssAnon is 4.5+ */
		*(uint64_t *)((char *)out + keys[i].off) = v * 1024;
		out->valid |= keys[i].bit;
	}
	return 0;
}

/* Is this smaps line a mapping header ("start-end perms offset dev inode [path]")? */
static bool is_header(const char *p)
{
	const char *q = p;
	uint64_t v;

	if (fb__parse_hex(&q, &v) || *q != '-')
		return false;
	return true;
}

static uint64_t *field_of(struct fb_mmap *m, const char *key, size_t klen)
{
	static const struct {
		const char *k;
		size_t off;
	} map[] = {
		{ "Rss", offsetof(struct fb_mmap, rss) },
		{ "Size", offsetof(struct fb_mmap, size) },
		{ "Pss", offsetof(struct fb_mmap, pss) },
		{ "Shared_Clean", offsetof(struct fb_mmap, shared_clean) },
		{ "Shared_Dirty", offsetof(struct fb_mmap, shared_dirty) },
		{ "Private_Clean", offsetof(struct fb_mmap, private_clean) },
		{ "Private_Dirty", offsetof(struct fb_mmap, private_dirty) },
		{ "Referenced", offsetof(struct fb_mmap, referenced) },
		{ "Anonymous", offsetof(struct fb_mmap, anonymous) },
		{ "Swap", offsetof(struct fb_mmap, swap) },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i].k) == klen && strncmp(map[i].k, key, klen) == 0)
			return (uint64_t *)((char *)m + map[i].off);
	return NULL;
}

static void add_mmap(struct fb_mmap *dst, const struct fb_mmap *src)
{
	dst->rss += src->rss;
	dst->size += src->size;
	dst->pss += src->pss;
	dst->shared_clean += src->shared_clean;
	dst->shared_dirty += src->shared_dirty;
	dst->private_clean += src->private_clean;
	dst->private_dirty += src->private_dirty;
	dst->referenced += src->referenced;
	dst->anonymous += src->anonymous;
	dst->swap += src->swap;
}

/* Grouped mode: where each path's group is, so folding a block costs one lookup. */
struct group_index {
	size_t *slots; /* group index + 1; 0 is free */
	size_t cap;
};

static size_t path_hash(const char *s)
{
	size_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The slot of @path: its group's, or the free one where it belongs. */
static size_t *group_slot(struct group_index *gi, const struct fb_mmap *v, const char *path)
{
	size_t i = path_hash(path) & (gi->cap - 1);

	while (gi->slots[i] && strcmp(v[gi->slots[i] - 1].path, path))
		i = (i + 1) & (gi->cap - 1);
	return &gi->slots[i];
}

/* Fold the last block into an earlier one with the same path, or index it as a new group. */
static int fold_last(struct group_index *gi, struct fb_mmap *v, size_t *cnt)
{
	struct fb_mmap *last = &v[*cnt - 1];
	size_t *slot;

	if (*cnt * 2 > gi->cap) {
		struct group_index big = { .cap = gi->cap ? gi->cap * 2 : 256 };

		big.slots = calloc(big.cap, sizeof(*big.slots));
		if (!big.slots)
			return -ENOMEM;
		for (size_t k = 0; k < gi->cap; k++)
			if (gi->slots[k])
				*group_slot(&big, v, v[gi->slots[k] - 1].path) = gi->slots[k];
		free(gi->slots);
		*gi = big;
	}
	slot = group_slot(gi, v, last->path);
	if (*slot) {
		add_mmap(&v[*slot - 1], last);
		(*cnt)--;
	} else {
		*slot = *cnt;
	}
	return 0;
}

/* Fill @m from a header line, its path copied to *@pool (advanced); false for a malformed one. */
static bool parse_header(const char *p, bool grouped, struct fb_mmap *m, char **pool)
{
	char addr[64], perms[16], skip[64];
	const char *q = p, *path;
	size_t plen;

	memset(m, 0, sizeof(*m));
	q = fb__token(q, addr, sizeof(addr));
	q = q ? fb__token(q, perms, sizeof(perms)) : NULL;
	for (int i = 0; q && i < 3; i++)
		q = fb__token(q, skip, sizeof(skip)); /* offset, dev, inode */
	if (!q)
		return false;
	path = fb__skip_ws(q);
	plen = strcspn(path, "\n");
	if (!plen) {
		path = "[anon]";
		plen = strlen(path);
	}
	memcpy(*pool, path, plen);
	(*pool)[plen] = '\0';
	m->path = *pool;
	*pool += plen + 1;
	if (!grouped) {
		fb__copy(m->addr, sizeof(m->addr), addr);
		fb__copy(m->perms, sizeof(m->perms), perms);
	}
	return true;
}

int fb__parse_smaps(const char *text, bool grouped, struct fb_mmap **out, size_t *n)
{
	struct group_index gi = { 0 };
	struct fb_mmap *v = NULL;
	size_t cnt = 0, cap = 0, pool_len = 0;
	char *pool;
	bool in_block = false;
	int err = 0;

	*out = NULL;
	*n = 0;
	/*
	 * One block sized in a first pass: the entries, then their paths (a header line's length
	 * bounds its path; "[anon]" fits in the 8 spare bytes).  Nothing is copied twice.
	 */
	for (const char *p = text; p; p = fb__next_line(p)) {
		if (is_header(p)) {
			cap++;
			pool_len += strcspn(p, "\n") + 8;
		}
	}
	v = malloc(cap * sizeof(*v) + pool_len + 1);
	if (!v)
		return -ENOMEM;
	pool = (char *)(v + cap);
	for (const char *p = text; p; p = fb__next_line(p)) {
		if (is_header(p)) {
			if (in_block && grouped)
				err = fold_last(&gi, v, &cnt);
			if (err)
				goto free_v;
			in_block = parse_header(p, grouped, &v[cnt], &pool);
			if (in_block)
				cnt++;
		} else if (in_block) {
			const char *colon = strchr(p, ':'), *q;
			uint64_t *dst, val;

			if (!colon)
				continue;
			dst = field_of(&v[cnt - 1], p, (size_t)(colon - p));
			q = colon + 1;
			if (dst && !fb__parse_u64(&q, &val))
				*dst = val * 1024;
		}
	}
	if (in_block && grouped)
		err = fold_last(&gi, v, &cnt);
	if (err)
		goto free_v;
	free(gi.slots);
	*out = v;
	*n = cnt;
	return 0;

free_v:
	free(gi.slots);
	free(v);
	return err;
}

int fb_proc__memory_maps(struct fb_proc *p, bool grouped, struct fb_mmap **out, size_t *n)
{
	char rel[64], *text;
	ssize_t r;
	int err;

	fb__proc_clear_err(p);
	fb__fmt(rel, sizeof(rel), "%d/smaps", (int)p->pid);
	r = fb__read_alloc(FB_DIR_PROC, rel, &text);
	if (r < 0)
		return fb__proc_fail(p, "memory_maps", (int)r);
	if (r == 0) {
		struct fb__pstat st;

		free(text);
		/* a zombie has no mappings: psutil raises ZombieProcess */
		if (!fb__read_pstat(p->pid, &st) && st.state == 'Z')
			return fb__proc_fail(p, "memory_maps", ESRCH);
		*out = NULL;
		*n = 0;
		return 0;
	}
	err = fb__parse_smaps(text, grouped, out, n);
	free(text);
	return err ? fb__proc_fail(p, "memory_maps", err) : 0;
}

int fb_proc__memory_percent(struct fb_proc *p, const char *memtype, double *out)
{
	struct fb_proc_mem_full full;
	struct fb_vmem vm;
	uint64_t v;
	int err;

	fb__proc_clear_err(p);
	if (!memtype)
		memtype = "rss";
	if (!strcmp(memtype, "uss") || !strcmp(memtype, "pss") || !strcmp(memtype, "swap"))
		err = fb_proc__memory_full_info(p, &full);
	else if (!strcmp(memtype, "rss") || !strcmp(memtype, "vms") || !strcmp(memtype, "shared") ||
		 !strcmp(memtype, "text") || !strcmp(memtype, "data"))
		err = fb_proc__memory_info(p, &full.base);
	else
		return -EINVAL; /* psutil ValueError */
	if (err)
		return err;
	if (!strcmp(memtype, "rss"))
		v = full.base.rss;
	else if (!strcmp(memtype, "vms"))
		v = full.base.vms;
	else if (!strcmp(memtype, "shared"))
		v = full.base.shared;
	else if (!strcmp(memtype, "text"))
		v = full.base.text;
	else if (!strcmp(memtype, "data"))
		v = full.base.data;
	else if (!strcmp(memtype, "uss"))
		v = full.uss;
	else if (!strcmp(memtype, "pss"))
		v = full.pss;
	else
		v = full.swap;
	err = fb_virtual_memory(&vm);
	if (err)
		return fb__proc_fail(p, "memory_percent", err);
	*out = vm.total ? (double)v / (double)vm.total * 100.0 : 0.0;
	return 0;
}
