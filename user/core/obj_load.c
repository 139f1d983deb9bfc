// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * obj_load.c: bpf_object__load() for the tracers and the profiler, with the heap made ready
 * first. libbpf (1.1, Debian 12's) reads the kernel's BTF into memory it mallocs and copies it
 * once more, for every object: twice 5.5 MB on Linux 6.18, ~2,700 first touches of a page,
 * and on a virtual machine each of them is a trap to the hypervisor (14 us on the development
 * VM). So malloc is told to serve such sizes from its heap, and the heap is grown by as much
 * and populated in one madvise(MADV_POPULATE_WRITE) call, in huge pages where the kernel has
 * them: `vigil probe http --count 1` went from 90 to 52 ms of CPU. After the load the memory
 * goes back to the kernel (malloc_trim), the range is marked for small pages again so that
 * a long-running vigil's heap does not grow in huge pages later, and malloc's thresholds are
 * back at their defaults. Where a step is refused (an older kernel, no BTF file) the load runs
 * as it would have.
 */
#include "core/obj_load.h"

#include <bpf/libbpf.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fallback.h"

/* glibc's defaults (M_MMAP_THRESHOLD, M_TRIM_THRESHOLD), restored after a load. */
#define MALLOC_DEFAULT_THRESHOLD (128 * 1024)

struct heap_reserve {
	uintptr_t start, end; /* the pages populated; start == end: none */
};

/* What libbpf allocates while loading: the file read, its copy, and the type index. */
static size_t btf_load_bytes(void)
{
	char path[4096];
	struct stat st;

	if (fb_sys_path("kernel/btf/vmlinux", path, sizeof(path)) || stat(path, &st) ||
	    st.st_size <= 0)
		return 0;
	return (size_t)st.st_size * 5 / 2;
}

/* Grow the heap by bytes, touched in one call, and keep it there until heap__release(). */
static void heap__reserve(struct heap_reserve *r, size_t bytes)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *p;

	if (!mallopt(M_MMAP_THRESHOLD, (int)(bytes + page)) ||
	    !mallopt(M_TRIM_THRESHOLD, (int)bytes * 2))
		return;
	p = malloc(bytes);
	if (!p)
		return;
	r->start = ((uintptr_t)p + page - 1) & ~(uintptr_t)(page - 1);
	r->end = ((uintptr_t)p + bytes) & ~(uintptr_t)(page - 1);
	madvise((void *)r->start, r->end - r->start, MADV_HUGEPAGE);
	madvise((void *)r->start, r->end - r->start, MADV_POPULATE_WRITE);
	free(p);
}

static void heap__release(const struct heap_reserve *r)
{
	mallopt(M_MMAP_THRESHOLD, MALLOC_DEFAULT_THRESHOLD);
	mallopt(M_TRIM_THRESHOLD, MALLOC_DEFAULT_THRESHOLD);
	malloc_trim(0);
	if (r->end > r->start) /* what is still mapped of it */
		madvise((void *)r->start, r->end - r->start, MADV_NOHUGEPAGE);
}

/* load(arg) between heap__reserve() and heap__release(). */
static int obj__load_with(int (*load)(void *arg), void *arg)
{
	struct heap_reserve r = { 0 };
	size_t bytes = btf_load_bytes();
	int err;

	if (bytes)
		heap__reserve(&r, bytes);
	err = load(arg);
	if (bytes)
		heap__release(&r);
	return err;
}

static int load_object(void *obj)
{
	return bpf_object__load(obj);
}

static int load_skeleton(void *skel)
{
	return bpf_object__load_skeleton(skel);
}

int obj__load(struct bpf_object *obj)
{
	return obj__load_with(load_object, obj);
}

int obj__load_skeleton(struct bpf_object_skeleton *skel)
{
	return obj__load_with(load_skeleton, skel);
}
