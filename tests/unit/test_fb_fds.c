// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_fb_fds.c - fb_proc__fds() (lsof's view of a process) and memory_maps() on fixture trees
 * written into a temporary root: the order cwd, rtd, txt, mem, DEL, fds; fdinfo flags and
 * position; mapped files listed once however often maps names them; a pid that vanishes
 * between fb_proc__new() and the read; an fd directory uid 65534 may not read (lsof's NOFD
 * row, not a failure); and a huge maps/smaps pair (65530 mappings, the most a process may have by
 * default).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "fb_test.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void mk(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void ln(const char *target, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(symlink(target, path), 0);
}

/* proc/100: a process with every kind of entry. */
static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/fbfdsXXXXXX");
	assert_non_null(mkdtemp(root));
	chmod(root, 0755);
	mk("proc");
	mk("proc/100");
	put("proc/100/stat", "100 (srv) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 500 4096 1 0\n");
	ln("/nonexistent/home", "proc/100/cwd");
	ln("/", "proc/100/root");
	ln("/nonexistent/bin/srv", "proc/100/exe");
	put("proc/100/maps",
	    "55d0000-55d1000 r--p 00000000 fe:00 18624 /nonexistent/bin/srv\n"
	    "55d2000-55d4000 rw-p 00000000 00:00 0          [heap]\n"
	    "7f00000-7f01000 r--p 00000000 fe:00 333 /usr/lib/libc.so.6\n"
	    "7f01000-7f02000 r-xp 00001000 fe:00 333 /usr/lib/libc.so.6\n"
	    "7f02000-7f03000 rw-s 00000000 fe:00 777 /tmp/shared map (deleted)\n"
	    "7f03000-7f04000 rw-p 00000000 00:00 0 \n"
	    "7f04000-7f05000 r--p 00002000 fe:00 333 /usr/lib/libc.so.6\n"
	    "7f05000-7f06000 r--p 00000000 00:05 444 /usr/lib/locale/C.utf8/LC_CTYPE\n"
	    "7fff000-8000000 rw-p 00000000 00:00 0          [stack]\n");
	mk("proc/100/fd");
	mk("proc/100/fdinfo");
	ln("/dev/null", "proc/100/fd/0");
	ln("socket:[123]", "proc/100/fd/3");
	ln("pipe:[77]", "proc/100/fd/4");
	ln("anon_inode:[eventfd]", "proc/100/fd/10");
	ln("/tmp/gone (deleted)", "proc/100/fd/7");
	put("proc/100/fdinfo/0", "pos:\t5\nflags:\t0100001\nmnt_id:\t3\n");
	put("proc/100/fdinfo/3", "pos:\t0\nflags:\t02000002\n");
	put("proc/100/fdinfo/4", "pos:\t0\nflags:\t00\n");
	/* fd 10 has no fdinfo: flags unknown, not 0 */
	assert_int_equal(fb_root_set(root), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[200];

	(void)state;
	fb_root_set(NULL);
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s'; rm -rf '%s'", root, root);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void test_fds_order_kinds_and_fdinfo(void **state)
{
	struct fb_fds fds;
	struct fb_proc *p;

	(void)state;
	p = fb_proc__new(100);
	assert_non_null(p);
	assert_int_equal(fb_proc__fds(p, &fds), 0);
	assert_int_equal(fds.n, 3 + 4 + 5);
	assert_int_equal(fds.v[0].kind, FB_FD_CWD);
	assert_string_equal(fds.v[0].path, "/nonexistent/home");
	assert_false(fds.v[0].valid & FB_FDI_STAT); /* the target does not exist */
	assert_int_equal(fds.v[1].kind, FB_FD_RTD);
	assert_true(fds.v[1].valid & FB_FDI_STAT);
	assert_int_equal(fds.v[2].kind, FB_FD_TXT);
	/* libc once though maps names it three times; the deleted file as DEL, its suffix cut */
	assert_int_equal(fds.v[3].kind, FB_FD_MEM);
	assert_string_equal(fds.v[3].path, "/nonexistent/bin/srv"); /* exe unstat-able: mem */
	assert_int_equal(fds.v[4].kind, FB_FD_MEM);
	assert_string_equal(fds.v[4].path, "/usr/lib/libc.so.6");
	assert_int_equal(fds.v[4].ino, 333);
	assert_int_equal(fds.v[5].kind, FB_FD_DEL);
	assert_string_equal(fds.v[5].path, "/tmp/shared map");
	assert_int_equal(fds.v[6].kind, FB_FD_MEM);
	assert_string_equal(fds.v[6].path, "/usr/lib/locale/C.utf8/LC_CTYPE");
	/* the fds, sorted by number */
	assert_int_equal(fds.v[7].fd, 0);
	assert_string_equal(fds.v[7].path, "/dev/null");
	assert_true(fds.v[7].valid & FB_FDI_FLAGS);
	assert_int_equal(fds.v[7].flags & O_ACCMODE, O_WRONLY);
	assert_int_equal(fds.v[7].pos, 5);
	assert_int_equal(fds.v[8].fd, 3);
	assert_string_equal(fds.v[8].path, "socket:[123]");
	assert_int_equal(fds.v[8].flags & O_ACCMODE, O_RDWR);
	assert_int_equal(fds.v[9].fd, 4);
	assert_int_equal(fds.v[9].flags & O_ACCMODE, O_RDONLY);
	assert_int_equal(fds.v[10].fd, 7);
	assert_string_equal(fds.v[10].path, "/tmp/gone (deleted)"); /* as the kernel writes it */
	assert_int_equal(fds.v[11].fd, 10);
	assert_string_equal(fds.v[11].path, "anon_inode:[eventfd]");
	assert_false(fds.v[11].valid & FB_FDI_FLAGS);
	fb_fds_free(&fds);
	assert_null(fds.v);
	fb_fds_free(NULL);
	fb_proc__free(p);
}

static void test_fds_pid_vanishes_mid_read(void **state)
{
	const struct fb_error *e;
	struct fb_fds fds;
	struct fb_proc *p;
	char cmd[160];

	(void)state;
	mk("proc/101");
	put("proc/101/stat", "101 (gone) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 500 4096 1 0\n");
	p = fb_proc__new(101);
	assert_non_null(p);
	/* the process exits between the handle and the read */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/proc/101'", root);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(fb_proc__fds(p, &fds), -ESRCH);
	assert_int_equal(fds.n, 0);
	assert_null(fds.v);
	e = fb_proc__error(p);
	assert_int_equal(e->kind, FB_ERR_NO_SUCH_PROCESS);
	assert_int_equal(e->pid, 101);
	assert_string_equal(e->what, "fds");
	fb_proc__free(p);
}

/* As uid 65534 the fd directory of a root process is refused: one NOFD row, the rest kept. */
static void test_fds_unreadable_fd_dir_as_nobody(void **state)
{
	char path[512];
	pid_t child;
	int st;

	(void)state;
	snprintf(path, sizeof(path), "%s/proc/100/fd", root);
	assert_int_equal(chmod(path, 0700), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct fb_fds fds;
		struct fb_proc *p;
		int rc = 0;

		if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
			_exit(10);
		if (geteuid() == 0)
			_exit(11);
		if (getuid() != 0 && chmod(path, 0) && errno != EPERM)
			_exit(12); /* not root: an unreadable dir of our own */
		p = fb_proc__new(100);
		if (!p)
			_exit(13);
		if (fb_proc__fds(p, &fds))
			_exit(14);
		/* cwd, rtd, txt and the mapped files are still there; then lsof's NOFD row */
		if (fds.n != 8 || fds.v[7].kind != FB_FD_NUM || fds.v[7].fd != -1 ||
		    fds.v[7].path || fds.v[7].err != EACCES)
			rc = 15;
		else if (!fds.v[7].link || strcmp(fds.v[7].link, path)) /* named under the root */
			rc = 16;
		fb_fds_free(&fds);
		fb_proc__free(p);
		_exit(rc);
	}
	assert_int_equal(waitpid(child, &st, 0), child);
	chmod(path, 0755);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* 65530 mappings of 16000 files: each file listed once, in first-seen order; smaps summed. */
static void test_huge_maps_and_smaps(void **state)
{
	enum { MAPS = 65530, FILES = 16000 }; /* 65530: vm.max_map_count's default */
	struct fb_mmap *mm;
	struct fb_fds fds;
	struct fb_proc *p;
	char path[512];
	size_t n, mem = 0;
	FILE *maps, *smaps;

	(void)state;
	mk("proc/102");
	put("proc/102/stat", "102 (big) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 500 4096 1 0\n");
	mk("proc/102/fd");
	snprintf(path, sizeof(path), "%s/proc/102/maps", root);
	maps = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/proc/102/smaps", root);
	smaps = fopen(path, "w");
	assert_non_null(maps);
	assert_non_null(smaps);
	for (int i = 0; i < MAPS; i++) {
		unsigned long start = 0x10000000UL + (unsigned long)i * 0x2000;
		char line[160];

		snprintf(line, sizeof(line), "%lx-%lx r--p 00000000 fe:01 %d /lib/f%d.so\n", start,
			 start + 0x2000, 1000 + i % FILES, i % FILES);
		fputs(line, maps);
		fprintf(smaps,
			"%sSize:                  8 kB\nRss:                   4 kB\n"
			"Pss:                   4 kB\nPrivate_Dirty:         4 kB\n",
			line);
	}
	fclose(maps);
	fclose(smaps);
	p = fb_proc__new(102);
	assert_non_null(p);
	assert_int_equal(fb_proc__fds(p, &fds), 0);
	for (size_t i = 0; i < fds.n; i++) {
		if (fds.v[i].kind != FB_FD_MEM)
			continue;
		snprintf(path, sizeof(path), "/lib/f%zu.so", mem);
		assert_string_equal(fds.v[i].path, path);
		mem++;
	}
	assert_int_equal(mem, FILES);
	fb_fds_free(&fds);
	assert_int_equal(fb_proc__memory_maps(p, false, &mm, &n), 0);
	assert_int_equal(n, MAPS);
	assert_string_equal(mm[MAPS - 1].path, "/lib/f1529.so");
	assert_int_equal(mm[0].size, 8192);
	assert_int_equal(mm[0].private_dirty, 4096);
	free(mm);
	assert_int_equal(fb_proc__memory_maps(p, true, &mm, &n), 0);
	assert_int_equal(n, FILES);
	assert_int_equal(mm[0].size, 5 * 8192); /* 65530 = 4 * 16000 + 1530: five for f0 */
	assert_int_equal(mm[FILES - 1].size, 4 * 8192);
	free(mm);
	fb_proc__free(p);
}

/*
 * The exe (txt) is not listed again as mem, though the list of entries moves as it grows past
 * its first allocation (ASan caught a pointer into it kept across the growth).
 */
static void test_fds_txt_not_repeated_as_mem_across_growth(void **state)
{
	struct stat st;
	struct fb_fds fds;
	struct fb_proc *p;
	char path[512], exe[PATH_MAX];
	size_t mem = 0;
	FILE *f;

	(void)state;
	assert_non_null(realpath("/proc/self/exe", exe));
	assert_int_equal(stat(exe, &st), 0);
	mk("proc/103");
	put("proc/103/stat", "103 (t) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 500 4096 1 0\n");
	mk("proc/103/fd");
	ln(exe, "proc/103/exe");
	snprintf(path, sizeof(path), "%s/proc/103/maps", root);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 40; i++) {
		fprintf(f, "%x000-%x000 r--p 00000000 %02x:%02x %lu %s\n", 0x100 + 2 * i,
			0x101 + 2 * i, major(st.st_dev), minor(st.st_dev), (unsigned long)st.st_ino,
			exe);
		fprintf(f, "%x000-%x000 r--p 00000000 fe:01 %d /lib/l%d.so\n", 0x200 + 2 * i,
			0x201 + 2 * i, 500 + i, i);
	}
	fclose(f);
	p = fb_proc__new(103);
	assert_non_null(p);
	assert_int_equal(fb_proc__fds(p, &fds), 0);
	for (size_t i = 0; i < fds.n; i++) {
		if (fds.v[i].kind == FB_FD_MEM) {
			assert_string_not_equal(fds.v[i].path, exe);
			mem++;
		}
	}
	assert_int_equal(mem, 40);
	fb_fds_free(&fds);
	fb_proc__free(p);
}

/*
 * smaps is streamed through a 64 KiB buffer: a header line longer than that (a 100000-byte
 * path) is cut, not overrun, and the mapping's fields and the next mapping still parse.
 */
static void test_smaps_line_longer_than_the_buffer(void **state)
{
	enum { LONG = 100000 };
	char *text = malloc(LONG + 512), *p;
	struct fb_mmap *mm;
	struct fb_proc *p104;
	size_t n;

	(void)state;
	assert_non_null(text);
	mk("proc/104");
	put("proc/104/stat", "104 (long) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 500 4096 1 0\n");
	p = text + sprintf(text, "1000-3000 rw-p 00000000 fe:01 7 /");
	memset(p, 'a', LONG);
	p += LONG;
	sprintf(p, "\nSize:                  8 kB\nRss:                   4 kB\n"
		   "5000-6000 r--p 00000000 fe:01 8 /lib/next.so\nSize:                  4 kB\n");
	put("proc/104/smaps", text);
	free(text);
	p104 = fb_proc__new(104);
	assert_non_null(p104);
	assert_int_equal(fb_proc__memory_maps(p104, false, &mm, &n), 0);
	assert_int_equal(n, 2);
	assert_true(strlen(mm[0].path) > 60000 && strlen(mm[0].path) < 65536);
	assert_int_equal(mm[0].path[0], '/');
	assert_int_equal(mm[0].size, 8192);
	assert_int_equal(mm[0].rss, 4096);
	assert_string_equal(mm[1].path, "/lib/next.so");
	assert_int_equal(mm[1].size, 4096);
	free(mm);
	fb_proc__free(p104);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fds_order_kinds_and_fdinfo),
		cmocka_unit_test(test_fds_pid_vanishes_mid_read),
		cmocka_unit_test(test_fds_unreadable_fd_dir_as_nobody),
		cmocka_unit_test(test_huge_maps_and_smaps),
		cmocka_unit_test(test_fds_txt_not_repeated_as_mem_across_growth),
		cmocka_unit_test(test_smaps_line_longer_than_the_buffer),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
