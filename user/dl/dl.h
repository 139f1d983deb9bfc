/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * dl.h: optional libraries loaded on first use. A library only some commands need (libcurl for
 * the probes and mail, libssh for the fleet...) is not linked into vigil: every command would
 * pay its load at exec. Instead a `<lib>_dl.c` file defines each function vigil calls under the
 * library's own name and prototype and forwards it to the symbol dl_lib__sym() finds, so the
 * callers are unchanged, and `make static` can drop the *_dl.c files and link the library.
 */
#ifndef VIGIL_DL_H
#define VIGIL_DL_H

#include <pthread.h>
#include <stdbool.h>

struct dl_lib {
	const char *soname;  /* "libcurl.so.4" */
	const char *package; /* the Debian package that ships it, for the message */
	pthread_mutex_t lock;
	void *handle;
	bool tried;
};

#define DL_LIB_INIT(so, pkg)                                                                       \
	{                                                                                          \
		.soname = (so), .package = (pkg), .lock = PTHREAD_MUTEX_INITIALIZER                \
	}

/* Load the library once; false (after saying why, once) if it cannot be loaded. */
bool dl_lib__load(struct dl_lib *lib);

/* The symbol name in the library, or NULL (after saying why, once per library). */
void *dl_lib__sym(struct dl_lib *lib, const char *name);

/* A typed pointer to the library's function of that name: DL_FN(&curl_lib, curl_easy_init). */
#define DL_FN(lib, name) ((__typeof__(&name))dl_lib__sym((lib), #name))

#endif /* VIGIL_DL_H */
