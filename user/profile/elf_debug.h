/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * elf_debug.h: where an ELF object's stripped symbols went. Distributions move .symtab into
 * a separate debug file found by build id (<root>/.build-id/ab/cdef....debug) or named by
 * the object's .gnu_debuglink (next to it, in its .debug/ folder, or under <root> + its
 * folder, checked by CRC-32), and Fedora and Debian keep a small xz-compressed ELF image of
 * the local function symbols in the object itself (.gnu_debugdata, "MiniDebugInfo").
 */
#ifndef VIGIL_ELF_DEBUG_H
#define VIGIL_ELF_DEBUG_H

#include <libelf.h>
#include <stddef.h>

#define ELF_BUILD_ID_MAX 129 /* 64 bytes as hex, and the NUL */

/* The GNU build id of elf as lowercase hex; 0, or -ENOENT when it has none. */
int elf_build_id(Elf *elf, char *hex, size_t len);

/* An open read-only fd on <root>/.build-id/xx/yyyy.debug, or -errno. */
int elf_debug__open_build_id(const char *root, const char *build_id);

/*
 * An open fd on the debug file elf's .gnu_debuglink names, looked for next to path, in its
 * .debug/ folder, then under root (NULL: not there); the CRC-32 must match. -ENOENT if none.
 */
int elf_debug__open_link(Elf *elf, const char *path, const char *root);

/* The unpacked .gnu_debugdata image of elf, malloc'd, with its size; NULL if none. */
void *elf_debug__minidebuginfo(Elf *elf, size_t *size);

/* The section of elf named name, or NULL. */
Elf_Scn *elf_section_by_name(Elf *elf, const char *name);

#endif /* VIGIL_ELF_DEBUG_H */
