// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dl.c: the loader behind the `<lib>_dl.c` files (see dl.h): dlopen() on first use, under a
 * lock so that threads calling in together load once, and one message naming the library and
 * its Debian package when it is missing, instead of a failure per call.
 */
#include <dlfcn.h>

#include "core/log.h"
#include "dl/dl.h"

bool dl_lib__load(struct dl_lib *lib)
{
	void *h;

	pthread_mutex_lock(&lib->lock);
	if (!lib->tried) {
		lib->tried = true;
		lib->handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
		if (!lib->handle)
			pr_err("%s (install %s): %s", lib->soname, lib->package, dlerror());
	}
	h = lib->handle;
	pthread_mutex_unlock(&lib->lock);
	return h != NULL;
}

void *dl_lib__sym(struct dl_lib *lib, const char *name)
{
	void *sym;

	if (!dl_lib__load(lib))
		return NULL;
	sym = dlsym(lib->handle, name);
	if (!sym)
		pr_err("%s: no symbol %s (a library older than vigil needs)", lib->soname, name);
	return sym;
}
