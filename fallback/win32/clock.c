// SPDX-License-Identifier: BSD-2-Clause
/*
 * clock.c - the OS services the shared code expects (fallback/posix/posix.c on POSIX) for
 * Windows: the monotonic clock from QueryPerformanceCounter, Sleep(), the page size from
 * GetSystemInfo and the fixed 100 Hz "clock tick" psutil assumes on Windows.  Also the
 * root, which on Windows is always the live system (there is no /proc tree to redirect), and
 * the backend's source name.
 */
#include "fb_win.h"

#include <errno.h>
#include <string.h>

long fb__clk_tck(void)
{
	return 100;
}

long fb__page_size(void)
{
	static long ps;
	SYSTEM_INFO si;

	if (!ps) {
		GetNativeSystemInfo(&si);
		ps = si.dwPageSize ? (long)si.dwPageSize : 4096;
	}
	return ps;
}

double fb__mono(void)
{
	static LARGE_INTEGER freq;
	LARGE_INTEGER now;

	if (!freq.QuadPart)
		QueryPerformanceFrequency(&freq);
	QueryPerformanceCounter(&now);
	return (double)now.QuadPart / (double)freq.QuadPart;
}

void fb__sleep(double seconds)
{
	if (seconds <= 0)
		return;
	Sleep((DWORD)(seconds * 1000.0 + 0.5));
}

int fb_root_set(const char *root)
{
	if (!root || !root[0] || !strcmp(root, "/"))
		return 0;
	return -ENOTSUP;
}

const char *fb_root_get(void)
{
	return "/";
}

const char *fb_source_name(void)
{
	return "win32";
}
