/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * usyms.h: user-space symbolisation. A process's executable mappings come from
 * /proc/<pid>/maps, read as soon as the process is first seen so that one which exits before
 * the end of a profile still symbolises. An address maps to a file offset within its mapping,
 * then through the object's PT_LOAD segments to an ELF virtual address, which is looked up in
 * the object's symbols (elf_syms.c: .symtab, separate debug files, MiniDebugInfo, .dynsym),
 * read with libelf. That one path handles PIE executables, shared libraries and fixed-address
 * executables alike. An address no symbol covers prints as "module+0xvaddr" (a stripped
 * binary); an address outside every known mapping prints as "[unknown]"; one in anonymous
 * executable memory as "[jit]", or by the name the process's /tmp/perf-PID.map gives it.
 * Objects are cached by the device and inode the process mapped (never by path: two
 * containers may have different files at one path) and their symbols by build id, so one
 * library mapped by a hundred processes, or copied into many containers, is read once.
 */
#ifndef VIGIL_USYMS_H
#define VIGIL_USYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The path given to anonymous executable mappings (JIT code) by proc_maps__load(). */
#define USYMS_JIT "[jit]"

/* One executable mapping of /proc/<pid>/maps. */
struct proc_map {
	uint64_t start, end; /* [start, end) */
	uint64_t offset;     /* file offset of start */
	uint64_t dev, inode; /* as maps shows them (dev: major << 32 | minor); 0 for [vdso] */
	char *path;	     /* "/usr/lib/x86_64-linux-gnu/libc.so.6", "[vdso]", ... */
};

struct proc_maps {
	struct proc_map *maps; /* sorted by start */
	size_t n;
};

/*
 * Parse one maps line. Returns 0 and fills m (m->path owned by the caller) for an
 * executable mapping with a path or a [vdso]-style name, 1 for a line to skip (not
 * executable, anonymous), -EINVAL for a malformed line.
 */
int proc_map__parse_line(const char *line, struct proc_map *m);

/* Load every executable mapping of a maps file (e.g. /proc/123/maps). 0 or -errno. */
int proc_maps__load(struct proc_maps *pm, const char *path);
const struct proc_map *proc_maps__find(const struct proc_maps *pm, uint64_t addr);
void proc_maps__fini(struct proc_maps *pm);

/* The function symbols and load segments of one ELF object. */
struct elf_syms;

#define ELF_DEBUG_ROOT "/usr/lib/debug"

/*
 * NULL and errno when path is not a readable ELF file. Without .symtab, separate debug files
 * are looked for under debug_root (<debug_root>/.build-id/xx/yyyy.debug, and for
 * .gnu_debuglink <debug_root>/<dir of path>/NAME) and next to path (debug_root NULL: only
 * there; elf_syms__load() uses ELF_DEBUG_ROOT).
 */
struct elf_syms *elf_syms__load(const char *path);
struct elf_syms *elf_syms__load_debug(const char *path, const char *debug_root);

/* The ELF virtual address at file offset off; -ENOENT when no PT_LOAD segment covers it. */
int elf_syms__vaddr(const struct elf_syms *es, uint64_t off, uint64_t *vaddr);

/* The function covering vaddr, and vaddr's offset into it; NULL if none. */
const char *elf_syms__find(const struct elf_syms *es, uint64_t vaddr, uint64_t *sym_off);

/* As elf_syms__find(), demangled (C++, Rust) when demangle is set; the name stays cached. */
const char *elf_syms__name(struct elf_syms *es, uint64_t vaddr, uint64_t *sym_off, bool demangle);

/* The object's GNU build id as hex, "" when it has none. */
const char *elf_syms__build_id(const struct elf_syms *es);

/*
 * Where the symbols came from: "symtab", "build-id" or "debuglink" (a separate debug file),
 * "minidebuginfo" (.dynsym and .gnu_debugdata), "dynsym", or "none".
 */
const char *elf_syms__source(const struct elf_syms *es);

size_t elf_syms__count(const struct elf_syms *es);
void elf_syms__free(struct elf_syms *es);

/* A cache of processes' maps and objects' symbols. */
struct usyms;

/* Maps are read under the fallback library's root (fb_root_set()): tests use a fixture tree. */
struct usyms *usyms__new(void);

/*
 * Settings, before the first lookup: the root of separate debug files (default
 * ELF_DEBUG_ROOT; the string must outlive us), and whether names are demangled (default yes).
 */
void usyms__set_debug_dir(struct usyms *us, const char *dir);
void usyms__set_demangle(struct usyms *us, bool demangle);

/* Read pid's maps now unless already cached. 0, or -errno (-ENOENT: the process is gone). */
int usyms__add_pid(struct usyms *us, uint32_t pid);

bool usyms__has_pid(const struct usyms *us, uint32_t pid);

/*
 * Write the name of the user frame at addr in pid into buf: "symbol", "module+0xvaddr" or
 * "[unknown]". Returns true when it resolved to a symbol. If module is not NULL it is set to
 * the path of the object holding addr (valid until usyms__free), or NULL if none does.
 */
bool usyms__resolve(struct usyms *us, uint32_t pid, uint64_t addr, char *buf, size_t len,
		    const char **module);

/*
 * The object of pid holding addr: its mapping (NULL: none) and, in *build_id, its GNU build id
 * as hex ("" when unknown; valid until usyms__free).
 */
const struct proc_map *usyms__mapping(struct usyms *us, uint32_t pid, uint64_t addr,
				      const char **build_id);

void usyms__free(struct usyms *us);

#endif /* VIGIL_USYMS_H */
