// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc_mem.c - Process.memory_full_info() and memory_maps() on Windows, with psutil's
 * semantics.  USS is the private part of the working set: a committed page counts when it is
 * resident and not shareable or only this process maps it (ShareCount <= 1).  The pages are
 * asked about with QueryWorkingSetEx (which wine answers for the caller's own pseudo-handle
 * only) rather than listed with QueryWorkingSet (which wine refuses).  PSS and swap have no
 * Windows source (invalid).  The maps walk the address space with VirtualQueryEx and keep
 * the regions GetMappedFileNameW names a file for (images and mapped files): address,
 * protection ("r", "rw", "wc", "x", "xr", "xrw", "xwc") and the region size as rss; the
 * device path is turned into a drive path with QueryDosDeviceW.
 */
#include "proc_int.h"

#include <errno.h>
#include <psapi.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define WS_BATCH 4096

/* Query @cnt page addresses and count the resident private ones. */
static int count_batch(HANDLE h, PSAPI_WORKING_SET_EX_INFORMATION *q, size_t cnt, uint64_t *n)
{
	if (!QueryWorkingSetEx(h, q, (DWORD)(cnt * sizeof(*q)))) {
		DWORD e = GetLastError();

		/* the process exists (it is open): a refused query, e.g. wine for another one */
		return e == ERROR_INVALID_PARAMETER ? -ENOTSUP : fb__win_err(e);
	}
	for (size_t i = 0; i < cnt; i++) {
		PSAPI_WORKING_SET_EX_BLOCK a = q[i].VirtualAttributes;

		if (a.Valid && (!a.Shared || a.ShareCount <= 1))
			(*n)++;
	}
	return 0;
}

/*
 * The working set in private pages (resident, and not shared or shared by this process
 * alone): every committed page asked about with QueryWorkingSetEx, WS_BATCH at a time.
 */
static int private_pages(HANDLE h, uint64_t *out)
{
	PSAPI_WORKING_SET_EX_INFORMATION *q = malloc(WS_BATCH * sizeof(*q));
	size_t page = (size_t)fb__page_size(), cnt = 0;
	MEMORY_BASIC_INFORMATION mbi;
	char *addr = NULL;
	uint64_t n = 0;
	int err = 0;

	if (!q)
		return -ENOMEM;
	while (!err && VirtualQueryEx(h, addr, &mbi, sizeof(mbi))) {
		char *end = (char *)mbi.BaseAddress + mbi.RegionSize;

		if (mbi.State == MEM_COMMIT)
			for (char *pg = mbi.BaseAddress; pg < end && !err; pg += page) {
				q[cnt++].VirtualAddress = pg;
				if (cnt == WS_BATCH) {
					err = count_batch(h, q, cnt, &n);
					cnt = 0;
				}
			}
		if (end <= addr)
			break; /* wrapped at the top of the address space */
		addr = end;
	}
	if (!err && cnt)
		err = count_batch(h, q, cnt, &n);
	free(q);
	*out = n;
	return err;
}

int fb_proc__memory_full_info(struct fb_proc *p, struct fb_proc_mem_full *out)
{
	uint64_t pages = 0;
	HANDLE h;
	int err;

	memset(out, 0, sizeof(*out));
	err = fb_proc__memory_info(p, &out->base);
	if (err)
		return err;
	/* the caller itself through its pseudo-handle: wine answers the query only for that */
	if ((DWORD)p->pid == GetCurrentProcessId())
		h = GetCurrentProcess();
	else
		h = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE, (DWORD)p->pid);
	if (!h)
		return fb__proc_fail(p, "memory_full_info", fb__win_err(GetLastError()));
	err = private_pages(h, &pages);
	CloseHandle(h); /* a no-op for the pseudo-handle */
	if (err)
		return fb__proc_fail(p, "memory_full_info", err);
	out->uss = pages * (uint64_t)fb__page_size();
	out->valid = FB_PMEM_USS;
	return 0;
}

static const char *protection(DWORD prot)
{
	switch (prot & 0xff) {
	case PAGE_READONLY:
		return "r";
	case PAGE_READWRITE:
		return "rw";
	case PAGE_WRITECOPY:
		return "wc";
	case PAGE_EXECUTE:
		return "x";
	case PAGE_EXECUTE_READ:
		return "xr";
	case PAGE_EXECUTE_READWRITE:
		return "xrw";
	case PAGE_EXECUTE_WRITECOPY:
		return "xwc";
	default:
		return "";
	}
}

/* "\Device\HarddiskVolume2\x\y.dll" as "C:\x\y.dll" when a drive letter names that device. */
static void dos_path(const wchar_t *dev, char *buf, size_t len)
{
	wchar_t drive[3] = L"A:", target[MAX_PATH];

	for (wchar_t c = L'A'; c <= L'Z'; c++) {
		size_t tl;

		drive[0] = c;
		if (!QueryDosDeviceW(drive, target, MAX_PATH))
			continue;
		tl = wcslen(target);
		if (tl && !wcsncmp(dev, target, tl) && dev[tl] == L'\\') {
			char rest[4096];

			if (!fb__w2u(dev + tl, -1, rest, sizeof(rest)) &&
			    !fb__fmt(buf, len, "%c:%s", (char)c, rest))
				return;
		}
	}
	if (fb__w2u(dev, -1, buf, len))
		buf[0] = '\0';
}

static int add_map(struct fb_mmap **v, size_t *n, size_t *cap, bool grouped, const char *path,
		   const MEMORY_BASIC_INFORMATION *mbi)
{
	struct fb_mmap *m;
	int err;

	if (grouped)
		for (size_t i = 0; i < *n; i++)
			if (!strcmp((*v)[i].path, path)) {
				(*v)[i].rss += mbi->RegionSize;
				(*v)[i].size += mbi->RegionSize;
				return 0;
			}
	err = fb__grow((void **)v, cap, *n + 1, sizeof(**v));
	if (err)
		return err;
	m = &(*v)[(*n)++];
	memset(m, 0, sizeof(*m));
	m->path = strdup(path); /* moved into the result's block by pack_maps() */
	if (!m->path) {
		(*n)--;
		return -ENOMEM;
	}
	if (!grouped) {
		fb__fmt(m->addr, sizeof(m->addr), "0x%llx",
			(unsigned long long)(uintptr_t)mbi->BaseAddress);
		fb__copy(m->perms, sizeof(m->perms), protection(mbi->Protect));
	}
	m->rss = m->size = mbi->RegionSize;
	return 0;
}

static void free_paths(struct fb_mmap *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)v[i].path);
}

/* One block holding the entries and then their paths, as fallback.h promises; frees @v's. */
static int pack_maps(struct fb_mmap *v, size_t n, struct fb_mmap **out)
{
	size_t bytes = n * sizeof(*v) + 1;
	struct fb_mmap *b;
	char *pool;

	for (size_t i = 0; i < n; i++)
		bytes += strlen(v[i].path) + 1;
	b = malloc(bytes);
	if (!b)
		return -ENOMEM;
	pool = (char *)(b + n);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(v[i].path) + 1;

		b[i] = v[i];
		memcpy(pool, v[i].path, len);
		b[i].path = pool;
		pool += len;
	}
	*out = b;
	return 0;
}

int fb_proc__memory_maps(struct fb_proc *p, bool grouped, struct fb_mmap **out, size_t *n)
{
	struct {
		wchar_t dev[MAX_PATH * 2];
		char path[4096];
	} * b;
	MEMORY_BASIC_INFORMATION mbi;
	struct fb_mmap *v = NULL;
	size_t cnt = 0, cap = 0;
	char *addr = NULL;
	HANDLE h;
	int err = 0;

	*out = NULL;
	*n = 0;
	b = malloc(sizeof(*b));
	if (!b)
		return fb__proc_fail(p, "memory_maps", -ENOMEM);
	h = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE, (DWORD)p->pid);
	if (!h) {
		free(b);
		return fb__proc_fail(p, "memory_maps", fb__win_err(GetLastError()));
	}
	while (!err && VirtualQueryEx(h, addr, &mbi, sizeof(mbi))) {
		char *next = (char *)mbi.BaseAddress + mbi.RegionSize;

		if (mbi.State == MEM_COMMIT &&
		    GetMappedFileNameW(h, mbi.BaseAddress, b->dev, MAX_PATH * 2)) {
			dos_path(b->dev, b->path, sizeof(b->path));
			err = add_map(&v, &cnt, &cap, grouped, b->path, &mbi);
		}
		if (next <= addr)
			break; /* wrapped at the top of the address space */
		addr = next;
	}
	CloseHandle(h);
	free(b);
	if (!err)
		err = pack_maps(v, cnt, out);
	free_paths(v, cnt);
	free(v);
	if (err)
		return fb__proc_fail(p, "memory_maps", err);
	*n = cnt;
	return 0;
}
