// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * lzma_dl.c: liblzma, which unpacks the xz-compressed MiniDebugInfo (.gnu_debugdata) of
 * Fedora- and Debian-style binaries for `vigil profile`, loaded on first use (dl/dl.h) so that
 * no other command pays for it at exec. Each function has liblzma's own name and prototype;
 * when the library is missing the decoder fails as liblzma does on a bad setup, after one
 * message naming the library and its package, and those objects fall back to .dynsym.
 */
#include <lzma.h>

#include "dl/dl.h"

static struct dl_lib lzma_lib = DL_LIB_INIT("liblzma.so.5", "liblzma5");

lzma_ret lzma_stream_decoder(lzma_stream *strm, uint64_t memlimit, uint32_t flags)
{
	__typeof__(&lzma_stream_decoder) fn = DL_FN(&lzma_lib, lzma_stream_decoder);

	return fn ? fn(strm, memlimit, flags) : LZMA_PROG_ERROR;
}

lzma_ret lzma_code(lzma_stream *strm, lzma_action action)
{
	__typeof__(&lzma_code) fn = DL_FN(&lzma_lib, lzma_code);

	return fn ? fn(strm, action) : LZMA_PROG_ERROR;
}

void lzma_end(lzma_stream *strm)
{
	__typeof__(&lzma_end) fn = DL_FN(&lzma_lib, lzma_end);

	if (fn)
		fn(strm);
}
