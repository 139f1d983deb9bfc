/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * demangle.h: symbol names as people read them. C++ names (_Z...) go through the C++ ABI's
 * __cxa_demangle() (libstdc++, dlopen'd by cxxabi_dl.c), giving what c++filt prints; Rust's
 * legacy mangling is C++-shaped, so the same call decodes it and a small pass then drops the
 * "::h<16 hex digits>" hash and undoes Rust's $LT$-style escapes, as rustfilt does. Anything
 * else (C, Go, Rust v0 "_R" names) is left as it is.
 */
#ifndef VIGIL_DEMANGLE_H
#define VIGIL_DEMANGLE_H

#include <stddef.h>

/* The C++ ABI's demangler (libstdc++'s prototype): a malloc'd name, or NULL with *status. */
char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

/* The readable form of name, malloc'd; NULL when name is not mangled or does not decode. */
char *sym_demangle(const char *name);

/*
 * Clean a C++-demangled Rust legacy name in place ("a::b$LT$T$GT$::h0123456789abcdef" ->
 * "a::b<T>"); names without the trailing hash are left alone. Returns the new length.
 */
size_t rust_legacy_clean(char *s);

#endif /* VIGIL_DEMANGLE_H */
