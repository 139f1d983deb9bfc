// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_elf_syms.c: libFuzzer target for the profiler's ELF symbol reader, elf_syms__load():
 * arbitrary bytes are the image of an object file, handed over as an in-memory file
 * (memfd), with a debug root that does not exist so that no build id reaches a real file.
 * Loading must succeed or fail cleanly, and lookups on what loaded must be safe.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "profile/usyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t probes[] = { 0, 1, 0x1000, 0x401000, UINT64_MAX };
	int fd = memfd_create("vigil-fuzz-elf", MFD_CLOEXEC);
	struct elf_syms *es;
	char path[64];

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size)
		goto close_fd;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	es = elf_syms__load_debug(path, "/nonexistent/vigil-fuzz-debug");
	if (es) {
		for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
			uint64_t va, off;
			const char *name;

			elf_syms__vaddr(es, probes[i], &va);
			name = elf_syms__find(es, probes[i], &off);
			if (name && strlen(name) > size)
				abort();
		}
		elf_syms__count(es);
		elf_syms__free(es);
	}
close_fd:
	close(fd);
	return 0;
}
