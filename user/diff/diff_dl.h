/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * diff_dl.h: what diff_dl.c adds to the libraries it loads on first use (libgit2, jansson,
 * libcrypto): which one could not be loaded, so a command can say so in its error.
 */
#ifndef VIGIL_DIFF_DL_H
#define VIGIL_DIFF_DL_H

/* The soname of the first library that could not be loaded or lacked a symbol, or NULL. */
const char *diff_dl_missing(void);

#endif /* VIGIL_DIFF_DL_H */
