/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * iter_lskel.h: an iterator's light skeleton, loaded and attached by the first listing that
 * needs it and kept for the process' lifetime: verifying the programs costs more than a walk,
 * so a fresh listing, or a refresh, must not pay it again. Its first error is kept too, so a
 * later listing does not retry what failed. ITER_LSKEL_ONCE(name) defines, for the skeleton
 * struct name (bpftool's `gen skeleton -L ... name NAME`), a `static struct name *name_once`
 * and `static int name_get(const char **step)`: 0, or -errno with *step the stage that failed
 * ("open", "load" or "attach").
 */
#ifndef VIGIL_ITER_LSKEL_H
#define VIGIL_ITER_LSKEL_H

#include <errno.h>

#define ITER_LSKEL_ONCE(name)                                                                      \
	static struct name *name##_once;                                                           \
	static int name##_once_err;                                                                \
	static const char *name##_once_step;                                                       \
                                                                                                   \
	static int name##_get(const char **step)                                                   \
	{                                                                                          \
		int err;                                                                           \
                                                                                                   \
		if (name##_once || name##_once_err) {                                              \
			*step = name##_once_step;                                                  \
			return name##_once_err;                                                    \
		}                                                                                  \
		*step = "open";                                                                    \
		name##_once = name##__open();                                                      \
		err = name##_once ? 0 : (errno ? -errno : -ENOMEM);                                \
		if (!err) {                                                                        \
			*step = "load";                                                            \
			err = name##__load(name##_once);                                           \
		}                                                                                  \
		if (!err) {                                                                        \
			*step = "attach";                                                          \
			err = name##__attach(name##_once);                                         \
		}                                                                                  \
		if (err) {                                                                         \
			name##__destroy(name##_once);                                              \
			name##_once = NULL;                                                        \
			name##_once_step = *step;                                                  \
			name##_once_err = err;                                                     \
		}                                                                                  \
		return err;                                                                        \
	}

#endif /* VIGIL_ITER_LSKEL_H */
