/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * profile_fold.h: a prof_result collapsed to distinct "comm;root;...;leaf" stacks with their
 * summed values, sorted by stack: what the folded writer prints and the flame graph draws.
 */
#ifndef VIGIL_PROFILE_FOLD_H
#define VIGIL_PROFILE_FOLD_H

#include <stddef.h>
#include <stdint.h>

#include "profile/profile.h"

#define PROF_FOLD_LINE_MAX 65536

struct prof_fold {
	char *stack;
	uint64_t value; /* samples, or microseconds off-CPU */
};

/* "comm;frame;...;frame" into buf; its length, or -ENOSPC. */
int prof_folded_stack(char *buf, size_t len, const char *comm, char *const *frames, int n);

int prof_fold(const struct prof_result *r, struct prof_fold **out, size_t *n);
void prof_fold__free(struct prof_fold *f, size_t n);

#endif /* VIGIL_PROFILE_FOLD_H */
