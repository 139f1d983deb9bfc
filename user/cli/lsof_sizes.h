/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * lsof_sizes.h: the stat() of the files behind lsof's mem rows, once per path for a whole
 * listing. Every process maps the same few libraries and locale files, and a stat per mapping
 * and process was most of a listing's system calls (18k of 33k with 1000 processes).
 */
#ifndef VIGIL_LSOF_SIZES_H
#define VIGIL_LSOF_SIZES_H

#include "fallback.h"

struct lsof_sizes;

struct lsof_sizes *lsof_sizes__new(void);
void lsof_sizes__free(struct lsof_sizes *s);

/*
 * A mem row f (its path, dev and ino from the maps file) gets the mode, size and rdev of the
 * file now at f->path when that is still the mapped file, as fb_proc__fds() gives them; the
 * path is stat()ed on its first row only. 0, or -ENOMEM.
 */
int lsof_sizes__fill(struct lsof_sizes *s, struct fb_fd *f);

#endif /* VIGIL_LSOF_SIZES_H */
