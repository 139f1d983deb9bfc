// SPDX-License-Identifier: BSD-2-Clause
/*
 * sys.c - whole-system facts on Windows: boot_time() is now minus GetTickCount64 (which counts
 * from boot), rounded to the second as psutil does so that it does not jitter between calls.
 * users() lists the Terminal Services sessions that have a user (WTSEnumerateSessions, then
 * the user name, the client address of a remote session and the logon time per session);
 * Windows has no terminal name or session process for them, so those stay invalid.
 */
#include "fb_win.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <wtsapi32.h>

int fb_boot_time(double *out)
{
	FILETIME now;
	uint64_t up = GetTickCount64();

	GetSystemTimeAsFileTime(&now);
	*out = floor(fb__ft_epoch(&now) - (double)up / 1000.0 + 0.5);
	return 0;
}

/* One WTSQuerySessionInformationW result (freed with WTSFreeMemory); NULL if refused. */
static void *session_info(DWORD id, WTS_INFO_CLASS what)
{
	LPWSTR buf = NULL;
	DWORD len = 0;

	if (!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, id, what, &buf, &len))
		return NULL;
	return buf;
}

static void fill_user(DWORD id, const wchar_t *name, struct fb_user *u)
{
	WTS_CLIENT_ADDRESS *addr = session_info(id, WTSClientAddress);
	WTSINFOW *info = session_info(id, WTSSessionInfo);

	memset(u, 0, sizeof(*u));
	fb__w2u(name, -1, u->name, sizeof(u->name));
	if (addr && addr->AddressFamily == AF_INET) {
		/* the IPv4 address sits at bytes 2..5 of the Address array */
		fb__fmt(u->host, sizeof(u->host), "%u.%u.%u.%u", addr->Address[2], addr->Address[3],
			addr->Address[4], addr->Address[5]);
		u->valid |= FB_USER_HOST;
	}
	if (info && info->LogonTime.QuadPart) {
		FILETIME ft = { .dwLowDateTime = info->LogonTime.LowPart,
				.dwHighDateTime = (DWORD)info->LogonTime.HighPart };

		u->started = fb__ft_epoch(&ft);
	}
	if (addr)
		WTSFreeMemory(addr);
	if (info)
		WTSFreeMemory(info);
}

int fb_users(struct fb_user **out, size_t *n)
{
	WTS_SESSION_INFOW *sess = NULL;
	struct fb_user *v;
	DWORD count = 0;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (!WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &sess, &count))
		return fb__win_err(GetLastError());
	v = calloc(count ? count : 1, sizeof(*v));
	if (!v) {
		WTSFreeMemory(sess);
		return -ENOMEM;
	}
	for (DWORD i = 0; i < count; i++) {
		wchar_t *name = session_info(sess[i].SessionId, WTSUserName);

		if (name && name[0])
			fill_user(sess[i].SessionId, name, &v[k++]);
		if (name)
			WTSFreeMemory(name);
	}
	WTSFreeMemory(sess);
	*out = v;
	*n = k;
	return 0;
}
