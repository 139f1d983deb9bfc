/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * iter_vmas.h: every mapping of every process (or of one) from one BPF task_vma walk
 * (bpf/iter_vmas.bpf.c), for `vigil lsof`'s mem rows and `vigil pmap`: what /proc/PID/maps
 * lists, without an open, a read and a close per process. A process whose mappings the walk
 * could not name as /proc does is left out of the walk, to be read from /proc. Builds without
 * BPF get a stub whose walk always fails.
 */
#ifndef VIGIL_ITER_VMAS_H
#define VIGIL_ITER_VMAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct iter_vma {
	pid_t pid;
	uint64_t start, end, offset; /* offset: into the file, in bytes */
	uint64_t dev, ino;	     /* the file's: stat()'s dev_t and inode; 0 for none */
	char perms[5];		     /* "r-xp", as /proc shows them */
	bool deleted;		     /* an unlinked file: the path ends in " (deleted)" */
	size_t path;		     /* the name /proc shows, at names + path ("" for none) */
};

/* One walk's mappings, sorted by pid and address. */
struct iter_vmas {
	struct iter_vma *v;
	size_t n, cap;
	char *names; /* every name, NUL ended */
	size_t names_len, names_cap;
	pid_t *unsure; /* processes seen but left out, sorted */
	size_t nunsure;
};

/* Walk the mappings of pid (0: of every process) into *out: 0, or -errno (iter_vmas__why()). */
int iter_vmas__walk(struct iter_vmas *out, pid_t pid);
/*
 * Decoding (iter_vmas_decode.c): add one record of the walk, as read (a struct iter_vma_rec
 * and its names in size bytes): 0, or -errno (-EPROTO for a malformed one); then, once all
 * are in, settle the listing: drop the unsure processes' mappings and sort.
 */
int iter_vmas__add(struct iter_vmas *w, const void *rec, uint16_t size);
void iter_vmas__settle(struct iter_vmas *w);
/* pid's mappings: how many, from out->v[*first]; 0 when the walk has none for it. */
size_t iter_vmas__of(const struct iter_vmas *w, pid_t pid, size_t *first);
/* Whether the walk saw pid and left it out: its mappings must come from /proc. */
bool iter_vmas__unsure(const struct iter_vmas *w, pid_t pid);
static inline const char *iter_vma__path(const struct iter_vmas *w, const struct iter_vma *v)
{
	return w->names + v->path;
}
void iter_vmas__free(struct iter_vmas *w);
/* Why the last walk failed ("" when it did not). */
const char *iter_vmas__why(void);
/* Load the walk and read its first record: true when it works here, else why says why. */
bool iter_vmas__probe(char *why, size_t len);

#endif /* VIGIL_ITER_VMAS_H */
