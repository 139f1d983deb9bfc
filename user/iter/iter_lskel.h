/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * iter_lskel.h: an iterator's light skeleton, loaded and attached by the first listing that
 * needs it and kept for the process' lifetime: verifying the programs costs more than a walk,
 * so a fresh listing, or a refresh, must not pay it again. Its first error is kept too, so a
 * later listing does not retry what failed. ITER_LSKEL_ONCE(name) defines, for the skeleton
 * struct name (bpftool's `gen skeleton -L ... name NAME`), a `static struct name *name_once`
 * and `static int name_get(const char **step)`: 0, or -errno with *step the stage that failed
 * ("open", "load" or "attach"). Safe to call from several threads at once (a listing's halves
 * run side by side): the first loads, the others wait for it.
 */
#ifndef VIGIL_ITER_LSKEL_H
#define VIGIL_ITER_LSKEL_H

#include <errno.h>
#include <pthread.h>

#define ITER_LSKEL_ONCE(name)                                                                      \
	static struct name *name##_once;                                                           \
	static int name##_once_err;                                                                \
	static const char *name##_once_step;                                                       \
                                                                                                   \
	static int name##_get(const char **step)                                                   \
	{                                                                                          \
		static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;                           \
		struct name *skel = NULL;                                                          \
		int err;                                                                           \
                                                                                                   \
		pthread_mutex_lock(&lock);                                                         \
		if (name##_once || name##_once_err) {                                              \
			*step = name##_once_step;                                                  \
			err = name##_once_err;                                                     \
			goto out;                                                                  \
		}                                                                                  \
		*step = "open";                                                                    \
		skel = name##__open();                                                             \
		err = skel ? 0 : (errno ? -errno : -ENOMEM);                                       \
		if (!err) {                                                                        \
			*step = "load";                                                            \
			err = name##__load(skel);                                                  \
		}                                                                                  \
		if (!err) {                                                                        \
			*step = "attach";                                                          \
			err = name##__attach(skel);                                                \
		}                                                                                  \
		if (err) {                                                                         \
			name##__destroy(skel);                                                     \
			name##_once_step = *step;                                                  \
			name##_once_err = err;                                                     \
		} else {                                                                           \
			name##_once = skel;                                                        \
		}                                                                                  \
	out:                                                                                       \
		pthread_mutex_unlock(&lock);                                                       \
		return err;                                                                        \
	}

#endif /* VIGIL_ITER_LSKEL_H */
