// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * unw_jit.c: test_profile_unwind.py's JIT workload, built with -O2 -fomit-frame-pointer.
 * It writes a tiny trampoline into anonymous executable memory (as a JIT compiler does:
 * push rbp; mov rbp, rsp; call *rdi; pop rbp; ret) and runs main -> jit_outer -> the
 * trampoline -> jit_burn, burning CPU for SECS seconds. "unw_jit SECS map" also writes
 * /tmp/perf-PID.map naming the trampoline "jit_trampoline" (and removes it at exit).
 * Prints "ready PID" first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static const unsigned char jit_code[] = {
	0x55,		  /* push %rbp */
	0x48, 0x89, 0xe5, /* mov %rsp,%rbp */
	0xff, 0xd7,	  /* call *%rdi */
	0x5d,		  /* pop %rbp */
	0xc3,		  /* ret */
};

static double jit_secs;
static volatile unsigned long jit_sink;

__attribute__((noinline)) static void jit_burn(void)
{
	struct timespec ts;
	double end;
	unsigned long x = 1;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	end = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + jit_secs;
	do {
		for (int i = 0; i < 100000; i++)
			x = x * 6364136223846793005UL + 1442695040888963407UL;
		clock_gettime(CLOCK_MONOTONIC, &ts);
	} while ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9 < end);
	jit_sink = x;
}

__attribute__((noinline)) static void jit_outer(void (*code)(void (*)(void)))
{
	code(jit_burn);
	jit_sink++;
}

int main(int argc, char **argv)
{
	char map[64];
	void *mem;
	FILE *f;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "map"))) {
		fprintf(stderr, "usage: unw_jit SECS [map]\n");
		return 2;
	}
	jit_secs = atof(argv[1]);
	mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return 1;
	memcpy(mem, jit_code, sizeof(jit_code));
	if (mprotect(mem, 4096, PROT_READ | PROT_EXEC))
		return 1;
	snprintf(map, sizeof(map), "/tmp/perf-%d.map", (int)getpid());
	if (argc == 3) {
		f = fopen(map, "w");
		if (!f)
			return 1;
		fprintf(f, "%lx %zx jit_trampoline\n", (unsigned long)mem, sizeof(jit_code));
		fclose(f);
	}
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	jit_outer((void (*)(void (*)(void)))mem);
	if (argc == 3)
		unlink(map);
	return 0;
}
