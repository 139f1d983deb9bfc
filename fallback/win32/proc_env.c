// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc_env.c - Process.environ() and num_fds() on Windows.  The environment block is read from
 * the target's process parameters through its PEB (x64 offsets; a 32-bit WoW64 target is
 * -ENOTSUP), bounded by the committed region it lives in (VirtualQueryEx), as psutil reads it;
 * its "=C:=C:\dir" drive entries (no name before the '=') are left out, as psutil leaves them
 * out.  num_fds is the handle count (GetProcessHandleCount), psutil's num_handles(); a count
 * of 0 (wine does not count) is -ENODATA, not a number.
 */
#include "proc_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <winternl.h>

/* x64: PEB.ProcessParameters; RTL_USER_PROCESS_PARAMETERS.Environment (a pointer) */
#define WIN_PEB_PROCESS_PARAMETERS 0x20
#define WIN_PARAMS_ENVIRONMENT	   0x80
#define WIN_ENV_MAX		   (64u << 20)

/* The target's environment block, @size bytes (malloc'ed). */
static int read_env_block(HANDLE h, wchar_t **out, size_t *size)
{
	PROCESS_BASIC_INFORMATION pbi;
	MEMORY_BASIC_INFORMATION mbi;
	BOOL wow64 = FALSE;
	char *params, *env;
	size_t len;
	wchar_t *w;

	if (IsWow64Process(h, &wow64) && wow64)
		return -ENOTSUP;
	if (NtQueryInformationProcess(h, ProcessBasicInformation, &pbi, sizeof(pbi), NULL) < 0 ||
	    !pbi.PebBaseAddress)
		return -EIO;
	if (!ReadProcessMemory(h, (char *)pbi.PebBaseAddress + WIN_PEB_PROCESS_PARAMETERS, &params,
			       sizeof(params), NULL) ||
	    !ReadProcessMemory(h, params + WIN_PARAMS_ENVIRONMENT, &env, sizeof(env), NULL))
		return fb__win_err(GetLastError());
	if (!env || !VirtualQueryEx(h, env, &mbi, sizeof(mbi)))
		return -EIO;
	len = (size_t)((char *)mbi.BaseAddress + mbi.RegionSize - env);
	if (len > WIN_ENV_MAX)
		len = WIN_ENV_MAX;
	len &= ~(size_t)1;
	w = malloc(len + 2 * sizeof(wchar_t));
	if (!w)
		return -ENOMEM;
	if (!ReadProcessMemory(h, env, w, len, NULL)) {
		free(w);
		return fb__win_err(GetLastError());
	}
	w[len / sizeof(wchar_t)] = L'\0'; /* the block ends in two NULs; make sure of one */
	w[len / sizeof(wchar_t) + 1] = L'\0';
	*out = w;
	*size = len / sizeof(wchar_t);
	return 0;
}

/* "K=V\0K=V\0\0" (UTF-16) into "K=V" strings, skipping the nameless "=C:=..." entries. */
static int split_env(const wchar_t *w, size_t wlen, struct fb_strv *out)
{
	char *joined = NULL;
	size_t len = 0, cap = 0;
	int err;

	for (size_t i = 0; i < wlen && w[i];) {
		size_t k = wcslen(w + i);
		int n;

		if (w[i] != L'=' && wcschr(w + i, L'=')) {
			n = WideCharToMultiByte(CP_UTF8, 0, w + i, -1, NULL, 0, NULL, NULL);
			if (n <= 0 || fb__grow((void **)&joined, &cap, len + (size_t)n, 1)) {
				free(joined);
				return -ENOMEM;
			}
			WideCharToMultiByte(CP_UTF8, 0, w + i, -1, joined + len, n, NULL, NULL);
			len += (size_t)n;
		}
		i += k + 1;
	}
	err = fb__strv_split(joined ? joined : "", len, '\0', out);
	free(joined);
	return err;
}

int fb_proc__environ(struct fb_proc *p, struct fb_strv *out)
{
	wchar_t *w = NULL;
	size_t wlen = 0;
	HANDLE h;
	int err;

	out->n = 0;
	out->v = NULL;
	h = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE, (DWORD)p->pid);
	if (!h)
		return fb__proc_fail(p, "environ", fb__win_err(GetLastError()));
	err = read_env_block(h, &w, &wlen);
	CloseHandle(h);
	if (!err)
		err = split_env(w, wlen, out);
	free(w);
	return err ? fb__proc_fail(p, "environ", err) : 0;
}

int fb_proc__num_fds(struct fb_proc *p, int *out)
{
	DWORD count = 0;
	HANDLE h;
	int err = 0;

	h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)p->pid);
	if (!h)
		return fb__proc_fail(p, "num_fds", fb__win_err(GetLastError()));
	if (!GetProcessHandleCount(h, &count))
		err = fb__win_err(GetLastError());
	else if (!count)
		/* a live process always holds handles: nothing was counted (wine) */
		err = -ENODATA;
	CloseHandle(h);
	if (err)
		return fb__proc_fail(p, "num_fds", err);
	*out = (int)count;
	return 0;
}
