// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc_mem.c - the slow memory views of a process: memory_full_info() (uss = every Private*
 * line, pss, swap; from smaps_rollup, summing smaps on kernels before 4.14), memory_maps()
 * (the smaps blocks, grouped per path or not, "[anon]" for unnamed mappings; parsed as
 * streamed by proc_smaps.c) and
 * memory_percent() against virtual_memory().total.  All values are kB * 1024.
 */
#include "proc_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int fb_proc__memory_maps(struct fb_proc *p, bool grouped, struct fb_mmap **out, size_t *n)
{
	int dirfd = fb__dirfd(FB_DIR_PROC), fd, err;
	size_t bytes;
	char rel[64];

	fb__proc_clear_err(p);
	*out = NULL;
	*n = 0;
	fb__fmt(rel, sizeof(rel), "%d/smaps", (int)p->pid);
	if (dirfd < 0)
		return fb__proc_fail(p, "memory_maps", dirfd);
	fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fb__proc_fail(p, "memory_maps", -errno);
	/* streamed through one buffer (proc_smaps.c): the text is never held whole */
	err = fb__smaps_read_fd(fd, grouped, out, n, &bytes);
	close(fd);
	if (err)
		return fb__proc_fail(p, "memory_maps", err);
	if (!bytes) {
		struct fb__pstat st;

		/* a zombie has no mappings: psutil raises ZombieProcess */
		if (!fb__read_pstat(p->pid, &st) && st.state == 'Z') {
			free(*out);
			*out = NULL;
			return fb__proc_fail(p, "memory_maps", ESRCH);
		}
	}
	return 0;
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
