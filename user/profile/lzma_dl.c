// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * lzma_dl.c: liblzma, loaded on first use (dl/dl.h) by `vigil profile` to unpack MiniDebugInfo
 * (elf_debug.c), so that no other command pays for its constructor and tables at exec. When it
 * cannot be loaded the decoder fails to start (LZMA_MEM_ERROR), after one message naming the
 * library, and the object's local symbols are not read.
 */
#include <lzma.h>

#include "dl/dl.h"

static struct dl_lib lzma_lib = DL_LIB_INIT("liblzma.so.5", "liblzma5");

lzma_ret lzma_stream_decoder(lzma_stream *strm, uint64_t memlimit, uint32_t flags)
{
	__typeof__(&lzma_stream_decoder) fn = DL_FN(&lzma_lib, lzma_stream_decoder);

	return fn ? fn(strm, memlimit, flags) : LZMA_MEM_ERROR;
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
