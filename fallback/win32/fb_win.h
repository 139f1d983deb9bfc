/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fb_win.h - what the Win32 backend's files share and never export: FILETIME and 100 ns tick
 * conversion, UTF-16 to UTF-8, the "are we under wine" probe the tests use to skip what wine
 * cannot provide, and a probe-allocate-retry wrapper around NtQuerySystemInformation.
 */
#ifndef VIGIL_FB_WIN_H
#define VIGIL_FB_WIN_H

#include "../common/fb_int.h"

/* winsock2.h must come before windows.h */
#include <winsock2.h>
#include <windows.h>

/* 100 ns ticks between 1601-01-01 (FILETIME epoch) and 1970-01-01. */
#define FB_WIN_EPOCH_DELTA 116444736000000000ULL

static inline uint64_t fb__ft_u64(const FILETIME *ft)
{
	return ((uint64_t)ft->dwHighDateTime << 32) | ft->dwLowDateTime;
}

/* A duration in 100 ns ticks as seconds. */
static inline double fb__ticks_sec(uint64_t ticks)
{
	return (double)ticks / 1e7;
}

/* A FILETIME date as Unix epoch seconds. */
static inline double fb__ft_epoch(const FILETIME *ft)
{
	uint64_t t = fb__ft_u64(ft);

	return t > FB_WIN_EPOCH_DELTA ? (double)(t - FB_WIN_EPOCH_DELTA) / 1e7 : 0.0;
}

/* UTF-16 (NUL-terminated, or @wlen units when wlen >= 0) to UTF-8 in buf; 0 or -errno. */
int fb__w2u(const wchar_t *w, int wlen, char *buf, size_t len);
/* UTF-8 to UTF-16; 0 or -errno. */
int fb__u2w(const char *s, wchar_t *buf, size_t len);
/* A Win32 error code as a negative errno. */
int fb__win_err(DWORD e);

/*
 * NtQuerySystemInformation(@cls) into a malloc'ed buffer (grown until it fits; the caller frees
 * it); 0 or -errno.
 */
int fb__ntqsi(int cls, void **out, size_t *len);

#endif /* VIGIL_FB_WIN_H */
