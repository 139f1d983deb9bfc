// SPDX-License-Identifier: BSD-2-Clause
/*
 * winutil.c - small Win32 services for the backend: text conversion between UTF-16 and UTF-8,
 * Win32 error codes as errno values, and the growing-buffer wrapper around
 * NtQuerySystemInformation, which reports the size it needs only once the call fails.
 */
#include "fb_win.h"

#include <errno.h>
#include <stdlib.h>
#include <winternl.h>

#ifndef STATUS_INFO_LENGTH_MISMATCH
#define STATUS_INFO_LENGTH_MISMATCH ((NTSTATUS)0xC0000004L)
#endif

int fb__w2u(const wchar_t *w, int wlen, char *buf, size_t len)
{
	int r;

	if (!len)
		return -EINVAL;
	if (wlen == 0) {
		buf[0] = '\0';
		return 0;
	}
	r = WideCharToMultiByte(CP_UTF8, 0, w, wlen < 0 ? -1 : wlen, buf, (int)len - 1, NULL, NULL);
	if (r <= 0) {
		buf[0] = '\0';
		return GetLastError() == ERROR_INSUFFICIENT_BUFFER ? -ENAMETOOLONG : -EINVAL;
	}
	buf[r] = '\0';
	return 0;
}

int fb__u2w(const char *s, wchar_t *buf, size_t len)
{
	if (!len)
		return -EINVAL;
	if (MultiByteToWideChar(CP_UTF8, 0, s, -1, buf, (int)len) <= 0)
		return GetLastError() == ERROR_INSUFFICIENT_BUFFER ? -ENAMETOOLONG : -EINVAL;
	return 0;
}

int fb__win_err(DWORD e)
{
	switch (e) {
	case ERROR_ACCESS_DENIED:
	case ERROR_PRIVILEGE_NOT_HELD:
		return -EACCES;
	case ERROR_INVALID_PARAMETER:
		return -ESRCH; /* OpenProcess on a pid that does not exist */
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_SERVICE_DOES_NOT_EXIST:
		return -ENOENT;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY:
		return -ENOMEM;
	case ERROR_NOT_SUPPORTED:
	case ERROR_CALL_NOT_IMPLEMENTED:
		return -ENOTSUP;
	default:
		return -EIO;
	}
}

int fb__ntqsi(int cls, void **out, size_t *len)
{
	ULONG size = 256 * 1024, need = 0;
	void *buf = NULL, *nb;
	NTSTATUS st;

	for (int tries = 0; tries < 8; tries++) {
		nb = realloc(buf, size);
		if (!nb) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		st = NtQuerySystemInformation((SYSTEM_INFORMATION_CLASS)cls, buf, size, &need);
		if (st == STATUS_INFO_LENGTH_MISMATCH) {
			/* the table grows between calls: ask for a margin above what it said */
			size = need > size ? need + need / 4 : size * 2;
			continue;
		}
		if (st < 0)
			break;
		*out = buf;
		*len = need ? need : size;
		return 0;
	}
	free(buf);
	return -EIO;
}
