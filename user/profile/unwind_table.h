/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * unwind_table.h: compile one ELF object's call-frame information into the compact rows the
 * in-kernel unwinder binary-searches (bpf/unwind.h): one row wherever the CFA rule, the rbp
 * rule or "no rule" changes, sorted by PC. Also the object's identity (its GNU build-id, or
 * device and inode when it has none) and the mapping bias, so that tables are shared by
 * every process that maps the same object.
 */
#ifndef VIGIL_UNWIND_TABLE_H
#define VIGIL_UNWIND_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "unwind.h"

#define UNW_KEY_LEN 80

struct unw_table {
	struct vg_unw_row *rows;
	size_t n;
	size_t nfde;	       /* FDEs read */
	size_t unsupported;    /* rows whose rule the kernel side cannot follow */
	char key[UNW_KEY_LEN]; /* "b:<build-id hex>" or "i:<dev>:<ino>" */
};

/*
 * Compile the object at path, with the .debug_frame of its separate debug file (by build id
 * or .gnu_debuglink under debug_dir) when .eh_frame covers little of it. 0 or -errno
 * (-ENOENT: no .eh_frame_hdr/.debug_frame CFI).
 */
int unw_table__load(const char *path, const char *debug_dir, struct unw_table *t);

/* Only the object's key. 0 or -errno. */
int unw_table__key(const char *path, char *key, size_t len);

/* The same from an in-memory image (fuzzing, tests); the key is left empty. */
int unw_table__load_mem(const void *buf, size_t len, struct unw_table *t);

/* The row that holds for vaddr, or NULL (before the first row). */
const struct vg_unw_row *unw_table__find(const struct unw_table *t, uint64_t vaddr);

/*
 * The ELF virtual address of file offset off in the object at path, through its executable
 * PT_LOAD segment: vaddr = off - p_offset + p_vaddr. 0 or -errno.
 */
int unw_file_vaddr(const char *path, uint64_t off, uint64_t *vaddr);

void unw_table__fini(struct unw_table *t);

#endif /* VIGIL_UNWIND_TABLE_H */
