// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc_cmdline.c - Process.cmdline() and cwd() on Windows.  The command line comes from
 * NtQueryInformationProcess(ProcessCommandLineInformation, 60; Windows 8.1 and later), which
 * needs only PROCESS_QUERY_LIMITED_INFORMATION; where that class is refused (older systems,
 * wine) and for the working directory, it is read from the target's process parameters
 * through its PEB with ReadProcessMemory (64-bit processes; a 32-bit WoW64 process has other
 * offsets and is -ENOTSUP).  The line is split into arguments by the shell's rules
 * (CommandLineToArgvW), as psutil does.
 */
#include "proc_int.h"

#include <errno.h>
#include <shellapi.h>
#include <stdlib.h>
#include <string.h>
#include <winternl.h>

#define WIN_PROCESS_COMMAND_LINE_INFORMATION 60

/* The raw command line as a NUL-terminated wide string (malloc'ed). */
static int raw_cmdline(HANDLE h, wchar_t **out)
{
	ULONG size = 1024, need = 0;
	UNICODE_STRING *us;
	NTSTATUS st;

	for (int tries = 0; tries < 4; tries++) {
		us = malloc(size);
		if (!us)
			return -ENOMEM;
		st = NtQueryInformationProcess(
			h, (PROCESSINFOCLASS)WIN_PROCESS_COMMAND_LINE_INFORMATION, us, size, &need);
		if (st >= 0) {
			wchar_t *w = malloc(us->Length + sizeof(wchar_t));

			if (w) {
				memcpy(w, us->Buffer, us->Length);
				w[us->Length / sizeof(wchar_t)] = L'\0';
			}
			free(us);
			*out = w;
			return w ? 0 : -ENOMEM;
		}
		free(us);
		if (need <= size)
			break;
		size = need + 64;
	}
	return -EIO;
}

/* x64 layouts: PEB.ProcessParameters, and in RTL_USER_PROCESS_PARAMETERS the
 * CurrentDirectory.DosPath and CommandLine UNICODE_STRINGs (Length, MaximumLength, Buffer). */
#define WIN_PEB_PROCESS_PARAMETERS   0x20
#define WIN_PARAMS_CURRENT_DIRECTORY 0x38
#define WIN_PARAMS_COMMAND_LINE	     0x70

/* Read the UNICODE_STRING at @off of the target's process parameters (malloc'ed, NUL-ended). */
static int peb_string(HANDLE h, size_t off, wchar_t **out)
{
	PROCESS_BASIC_INFORMATION pbi;
	UNICODE_STRING us;
	BOOL wow64 = FALSE;
	char *params;
	wchar_t *w;

	if (IsWow64Process(h, &wow64) && wow64)
		return -ENOTSUP;
	if (NtQueryInformationProcess(h, ProcessBasicInformation, &pbi, sizeof(pbi), NULL) < 0 ||
	    !pbi.PebBaseAddress)
		return -EIO;
	if (!ReadProcessMemory(h, (char *)pbi.PebBaseAddress + WIN_PEB_PROCESS_PARAMETERS, &params,
			       sizeof(params), NULL) ||
	    !ReadProcessMemory(h, params + off, &us, sizeof(us), NULL))
		return fb__win_err(GetLastError());
	w = malloc(us.Length + sizeof(wchar_t));
	if (!w)
		return -ENOMEM;
	if (us.Length && !ReadProcessMemory(h, us.Buffer, w, us.Length, NULL)) {
		free(w);
		return fb__win_err(GetLastError());
	}
	w[us.Length / sizeof(wchar_t)] = L'\0';
	*out = w;
	return 0;
}

int fb_proc__cwd(struct fb_proc *p, char *buf, size_t len)
{
	wchar_t *w = NULL;
	size_t n;
	HANDLE h;
	int err;

	h = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE, (DWORD)p->pid);
	if (!h)
		return fb__proc_fail(p, "cwd", fb__win_err(GetLastError()));
	err = peb_string(h, WIN_PARAMS_CURRENT_DIRECTORY, &w);
	CloseHandle(h);
	if (!err) {
		/* psutil drops the trailing backslash except for a drive root ("C:\") */
		n = wcslen(w);
		if (n > 3 && w[n - 1] == L'\\')
			w[n - 1] = L'\0';
		err = fb__w2u(w, -1, buf, len);
	}
	free(w);
	return err ? fb__proc_fail(p, "cwd", err) : 0;
}

int fb_proc__cmdline(struct fb_proc *p, struct fb_strv *out)
{
	char *joined = NULL;
	wchar_t *line = NULL, **argv = NULL;
	size_t len = 0, cap = 0;
	int argc = 0, err;
	HANDLE h;

	out->n = 0;
	out->v = NULL;
	h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)p->pid);
	if (!h)
		return fb__proc_fail(p, "cmdline", fb__win_err(GetLastError()));
	err = raw_cmdline(h, &line);
	CloseHandle(h);
	if (err == -EIO) {
		/* the info class is refused: read the process parameters instead */
		h = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE, (DWORD)p->pid);
		if (!h)
			return fb__proc_fail(p, "cmdline", fb__win_err(GetLastError()));
		err = peb_string(h, WIN_PARAMS_COMMAND_LINE, &line);
		CloseHandle(h);
	}
	if (err)
		return fb__proc_fail(p, "cmdline", err);
	/* CommandLineToArgvW turns "" into the caller's own path: an empty line is no args */
	if (line[0])
		argv = CommandLineToArgvW(line, &argc);
	for (int i = 0; i < argc && !err; i++) {
		int n = WideCharToMultiByte(CP_UTF8, 0, argv[i], -1, NULL, 0, NULL, NULL);

		if (n <= 0 || fb__grow((void **)&joined, &cap, len + (size_t)n, 1)) {
			err = -ENOMEM;
			break;
		}
		WideCharToMultiByte(CP_UTF8, 0, argv[i], -1, joined + len, n, NULL, NULL);
		len += (size_t)n; /* n counts the NUL, which separates the arguments */
	}
	if (argv)
		LocalFree(argv);
	free(line);
	if (!err)
		err = fb__strv_split(joined ? joined : "", len, '\0', out);
	free(joined);
	return err ? fb__proc_fail(p, "cmdline", err) : 0;
}
