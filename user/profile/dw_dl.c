// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dw_dl.c: libdw, loaded on first use (dl/dl.h) by `vigil profile`, which compiles unwind
 * tables from .eh_frame and .debug_frame with it and reads build ids. Linked statically, its
 * architecture backends put 29 KB of pointer tables into every command's relocations (~11 page
 * faults at exec, a tenth of `vigil iostat -x`). The Elf handles vigil passes in come from the
 * libelf that vigil links, so libdw.so must be of the same elfutils release, whose struct Elf
 * it shares: a different release is refused, once, with both versions named, and every call
 * then fails as libdw's own failures do (NULL, -1), so the profiler walks frame pointers only.
 */
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <elfutils/version.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "dl/dl.h"

static struct dl_lib dw_lib = DL_LIB_INIT("libdw.so.1", "libdw1");

/* libdw's release against the one vigil was built with (`_ELFUTILS_VERSION`, 188 = 0.188). */
static bool dw_release_matches(void)
{
	static int ok = -1;
	__typeof__(&dwfl_version) version;
	char want[16];
	const char *got;

	if (ok >= 0)
		return ok;
	version = DL_FN(&dw_lib, dwfl_version);
	if (!version)
		return (ok = 0);
	snprintf(want, sizeof(want), "%d.%d", _ELFUTILS_VERSION / 1000, _ELFUTILS_VERSION % 1000);
	got = version(NULL);
	ok = got && !strcmp(got, want);
	if (!ok)
		pr_err("libdw.so.1 is elfutils %s, vigil was built with %s: unwind tables and "
		       "build ids are off (rebuild vigil against this libdw)",
		       got ? got : "?", want);
	return ok;
}

/* The libdw function of that name, or NULL when libdw is missing or of another release. */
#define DW_FN(name) (dw_release_matches() ? DL_FN(&dw_lib, name) : NULL)

Dwarf *dwarf_begin_elf(Elf *elf, Dwarf_Cmd cmd, Elf_Scn *scngrp)
{
	__typeof__(&dwarf_begin_elf) fn = DW_FN(dwarf_begin_elf);

	return fn ? fn(elf, cmd, scngrp) : NULL;
}

int dwarf_end(Dwarf *dwarf)
{
	__typeof__(&dwarf_end) fn = DW_FN(dwarf_end);

	return fn ? fn(dwarf) : -1;
}

Dwarf_CFI *dwarf_getcfi(Dwarf *dwarf)
{
	__typeof__(&dwarf_getcfi) fn = DW_FN(dwarf_getcfi);

	return fn ? fn(dwarf) : NULL;
}

Dwarf_CFI *dwarf_getcfi_elf(Elf *elf)
{
	__typeof__(&dwarf_getcfi_elf) fn = DW_FN(dwarf_getcfi_elf);

	return fn ? fn(elf) : NULL;
}

int dwarf_cfi_end(Dwarf_CFI *cache)
{
	__typeof__(&dwarf_cfi_end) fn = DW_FN(dwarf_cfi_end);

	return fn ? fn(cache) : -1;
}

int dwarf_cfi_addrframe(Dwarf_CFI *cache, Dwarf_Addr address, Dwarf_Frame **frame)
{
	__typeof__(&dwarf_cfi_addrframe) fn = DW_FN(dwarf_cfi_addrframe);

	return fn ? fn(cache, address, frame) : -1;
}

int dwarf_frame_info(Dwarf_Frame *frame, Dwarf_Addr *start, Dwarf_Addr *end, bool *signalp)
{
	__typeof__(&dwarf_frame_info) fn = DW_FN(dwarf_frame_info);

	return fn ? fn(frame, start, end, signalp) : -1;
}

int dwarf_frame_cfa(Dwarf_Frame *frame, Dwarf_Op **ops, size_t *nops)
{
	__typeof__(&dwarf_frame_cfa) fn = DW_FN(dwarf_frame_cfa);

	return fn ? fn(frame, ops, nops) : -1;
}

int dwarf_frame_register(Dwarf_Frame *frame, int regno, Dwarf_Op ops_mem[3], Dwarf_Op **ops,
			 size_t *nops)
{
	__typeof__(&dwarf_frame_register) fn = DW_FN(dwarf_frame_register);

	return fn ? fn(frame, regno, ops_mem, ops, nops) : -1;
}

int dwarf_next_cfi(const unsigned char e_ident[], Elf_Data *data, bool eh_frame_p, Dwarf_Off offset,
		   Dwarf_Off *next_offset, Dwarf_CFI_Entry *entry)
{
	__typeof__(&dwarf_next_cfi) fn = DW_FN(dwarf_next_cfi);

	return fn ? fn(e_ident, data, eh_frame_p, offset, next_offset, entry) : -1;
}

ssize_t dwelf_elf_gnu_build_id(Elf *elf, const void **build_idp)
{
	__typeof__(&dwelf_elf_gnu_build_id) fn = DW_FN(dwelf_elf_gnu_build_id);

	return fn ? fn(elf, build_idp) : -1;
}
