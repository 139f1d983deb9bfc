// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fuzz_profile.c: libFuzzer target for the profiler's text parsers and writers: a
 * /proc/<pid>/maps line, a kallsyms file, folded lines and the flame graph's SVG over
 * arbitrary frame names. Any input must be accepted or rejected cleanly, and an accepted
 * mapping must be well-formed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile/flamegraph.h"
#include "profile/ksyms.h"
#include "profile/profile.h"
#include "profile/usyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_kallsyms(const char *s, size_t size)
{
	char path[] = "/tmp/vigil-fuzz-kallsyms-XXXXXX";
	int fd = mkstemp(path);
	struct ksyms *ks;

	if (fd < 0)
		return;
	if (write(fd, s, size) == (ssize_t)size) {
		ks = ksyms__load(path);
		if (ks) {
			ksyms__find(ks, 0);
			ksyms__find(ks, UINT64_MAX);
			ksyms__find(ks, 0xffffffff81000000ULL);
		}
		ksyms__free(ks);
	}
	close(fd);
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sink *devnull;
	struct fg_opts o = { .title = "fuzz", .unit = "samples", .width = 1200 };
	struct flamegraph *fg;
	struct proc_map m;
	char *s = malloc(size + 1), *frames[1], buf[256];

	if (!devnull)
		devnull = sink__open("/dev/null");
	memcpy(s, data, size);
	s[size] = '\0';
	if (proc_map__parse_line(s, &m) == 0) {
		if (m.end <= m.start || !m.path)
			abort();
		free(m.path);
	}
	fuzz_kallsyms(s, size);
	frames[0] = s;
	prof_folded_line(buf, sizeof(buf), s, frames, 1, 42);
	fg = fg__new();
	if (fg && !fg__add_folded(fg, s, 7) && !fg__add_folded(fg, s, 1))
		fg__write_svg(fg, devnull, &o);
	fg__free(fg);
	free(s);
	return 0;
}
