// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cxxabi_dl.c: the C++ ABI's demangler, __cxa_demangle() from libstdc++, loaded on first use
 * (dl/dl.h) by `vigil profile` to turn C++ and Rust (legacy mangling) symbols into the names
 * c++filt prints. vigil is C and does not link libstdc++; without it, names stay mangled after
 * one message naming the library and its package.
 */
#include <stddef.h>

#include "dl/dl.h"
#include "profile/demangle.h"

static struct dl_lib cxxabi_lib = DL_LIB_INIT("libstdc++.so.6", "libstdc++6");

char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status)
{
	__typeof__(&__cxa_demangle) fn = DL_FN(&cxxabi_lib, __cxa_demangle);

	if (fn)
		return fn(mangled, buf, len, status);
	if (status)
		*status = -1; /* as libstdc++ reports a failed allocation */
	return NULL;
}
