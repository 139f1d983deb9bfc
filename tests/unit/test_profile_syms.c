// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_profile_syms.c: the profiler's symbolisers. kallsyms parsing from a fixture (aliases,
 * data symbols, modules, garbage); /proc/<pid>/maps lines (spaces in paths, deleted files,
 * [vdso], anonymous and non-executable mappings, malformed lines); ELF symbol lookup through
 * the PIE test binary itself and the C library it maps; module+offset for objects without
 * symbols; and the entry-point rule behind [truncated].
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile/demangle.h"
#include "profile/ksyms.h"
#include "profile/profile.h"
#include "profile/usyms.h"
#include "fallback.h"

#define PROFILE_ROOT	 "tests/fixtures/profile"
#define KALLSYMS_FIXTURE PROFILE_ROOT "/proc/kallsyms"

static void test_ksyms_fixture_resolves_text_symbols(void **state)
{
	struct ksyms *ks = ksyms__load(KALLSYMS_FIXTURE);
	const struct ksym *s;

	(void)state;
	assert_non_null(ks);
	/* _stext, _text, do_syscall_64, helper_local, weak_fn, 2 entry, 2 module: 9 text. */
	assert_int_equal(ksyms__count(ks), 9);
	s = ksyms__find(ks, 0xffffffff81001010ULL);
	assert_non_null(s);
	assert_string_equal(s->name, "do_syscall_64");
	s = ksyms__find(ks, 0xffffffff81001800ULL);
	assert_string_equal(s->name, "helper_local");
	/* The data symbol at ...2000 is not text: the address belongs to helper_local. */
	s = ksyms__find(ks, 0xffffffff81002004ULL);
	assert_string_equal(s->name, "helper_local");
	s = ksyms__find(ks, 0xffffffff81c00044ULL);
	assert_string_equal(s->name, "entry_SYSCALL_64_after_hwframe");
	/* Aliases: the first in file order wins. */
	s = ksyms__find(ks, 0xffffffff81000000ULL);
	assert_string_equal(s->name, "_stext");
	s = ksyms__find(ks, 0xffffffffc0400010ULL);
	assert_string_equal(s->name, "bpf_prog_6deef7357e7b4530_handle [bpf]");
	assert_null(ksyms__find(ks, 0xffffffff80000000ULL));
	assert_null(ksyms__find(ks, 0xffffffffc0400000ULL + (2 << 20)));
	ksyms__free(ks);
}

/* Without a path, kallsyms is read under the fallback library's root: a fixture tree here. */
static void test_ksyms_default_path_follows_the_root(void **state)
{
	struct ksyms *ks;

	(void)state;
	assert_int_equal(fb_root_set(PROFILE_ROOT), 0);
	ks = ksyms__load(NULL);
	assert_non_null(ks);
	assert_int_equal(ksyms__count(ks), 9);
	assert_string_equal(ksyms__find(ks, 0xffffffff81001010ULL)->name, "do_syscall_64");
	ksyms__free(ks);
	assert_int_equal(fb_root_set("/nonexistent"), 0);
	assert_null(ksyms__load(NULL));
	assert_int_equal(errno, ENOENT);
	assert_int_equal(fb_root_set(NULL), 0);
}

static void test_ksyms_rejects_missing_and_zeroed(void **state)
{
	char path[] = "/tmp/vigil-kallsyms-XXXXXX";
	int fd = mkstemp(path);
	const char zeroed[] = "0000000000000000 T _stext\n0000000000000000 t foo\n";

	(void)state;
	assert_null(ksyms__load("/nonexistent/kallsyms"));
	assert_int_equal(errno, ENOENT);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, zeroed, sizeof(zeroed) - 1), (ssize_t)sizeof(zeroed) - 1);
	close(fd);
	/* Unprivileged readers see zeros: say so instead of resolving everything to _stext. */
	assert_null(ksyms__load(path));
	assert_int_equal(errno, ENODATA);
	unlink(path);
	ksyms__free(NULL);
}

/* Lines out of order, cut short or malformed, and no newline at the end of the file. */
static void test_ksyms_hostile_lines(void **state)
{
	char path[] = "/tmp/vigil-kallsyms-XXXXXX";
	int fd = mkstemp(path);
	const char text[] = "ffffffffc0400000 t mod_fn\t[nvme]\n"
			    "ffffffff81000000 T\n"
			    "zzzzffff81000000 T bad_hex\n"
			    "ffffffff81000100 T \n"
			    "\n"
			    "ffffffff81000200 t open_mod\t[unclosed\n"
			    "ffffffff81000000 T _stext\n"
			    "ffffffff81000300 D data_sym\n"
			    "ffffffff81000400\tW  tabbed";
	struct ksyms *ks;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	ks = ksyms__load(path);
	unlink(path);
	assert_non_null(ks);
	/* mod_fn, open_mod, _stext, tabbed. */
	assert_int_equal(ksyms__count(ks), 4);
	assert_string_equal(ksyms__find(ks, 0xffffffff81000010ULL)->name, "_stext");
	assert_string_equal(ksyms__find(ks, 0xffffffff81000250ULL)->name, "open_mod");
	assert_string_equal(ksyms__find(ks, 0xffffffff81000400ULL)->name, "tabbed");
	assert_string_equal(ksyms__find(ks, 0xffffffffc0400008ULL)->name, "mod_fn [nvme]");
	ksyms__free(ks);
}

static void test_maps_line_parsing(void **state)
{
	struct proc_map m;

	(void)state;
	assert_int_equal(proc_map__parse_line("5558fa210000-5558fa215000 r-xp 00002000 fe:00 "
					      "247134                     /usr/bin/cat\n",
					      &m),
			 0);
	assert_int_equal(m.start, 0x5558fa210000ULL);
	assert_int_equal(m.end, 0x5558fa215000ULL);
	assert_int_equal(m.offset, 0x2000);
	assert_string_equal(m.path, "/usr/bin/cat");
	free(m.path);
	assert_int_equal(proc_map__parse_line("7f0000000000-7f0000001000 r-xp 00000000 08:01 12 "
					      "  /opt/my app/lib x.so (deleted)\n",
					      &m),
			 0);
	assert_string_equal(m.path, "/opt/my app/lib x.so");
	free(m.path);
	assert_int_equal(proc_map__parse_line("7ffd1000-7ffd3000 r-xp 00000000 00:00 0 "
					      "                         [vdso]\n",
					      &m),
			 0);
	assert_string_equal(m.path, "[vdso]");
	free(m.path);
	/* Not executable, anonymous: skipped. */
	assert_int_equal(proc_map__parse_line("5558fa20e000-5558fa210000 r--p 00000000 fe:00 1 "
					      "   /usr/bin/cat\n",
					      &m),
			 1);
	assert_int_equal(proc_map__parse_line("7f00-8f00 r-xp 00000000 00:00 0\n", &m), 1);
	/* Malformed. */
	assert_int_equal(proc_map__parse_line("garbage\n", &m), -EINVAL);
	assert_int_equal(proc_map__parse_line("2000-1000 r-xp 0 00:00 0 /x\n", &m), -EINVAL);
	assert_int_equal(proc_map__parse_line("", &m), -EINVAL);
}

static bool is_self_exe(const char *path)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return false;
	self[n] = '\0';
	return !strcmp(path, self);
}

static void test_maps_load_and_find(void **state)
{
	char path[64];
	struct proc_maps pm;
	const struct proc_map *m;

	(void)state;
	snprintf(path, sizeof(path), "/proc/%d/maps", getpid());
	assert_int_equal(proc_maps__load(&pm, path), 0);
	assert_true(pm.n >= 2);
	for (size_t i = 1; i < pm.n; i++)
		assert_true(pm.maps[i - 1].start < pm.maps[i].start);
	m = proc_maps__find(&pm, (uint64_t)(uintptr_t)&test_maps_load_and_find);
	assert_non_null(m);
	assert_true(is_self_exe(m->path));
	assert_null(proc_maps__find(&pm, 0x10));
	proc_maps__fini(&pm);
	assert_int_equal(proc_maps__load(&pm, "/nonexistent/maps"), -ENOENT);
}

__attribute__((noinline)) int profile_syms_known_function(int x);
__attribute__((noinline)) int profile_syms_known_function(int x)
{
	return x * 3 + 1;
}

static void test_elf_syms_of_self(void **state)
{
	struct elf_syms *es = elf_syms__load("/proc/self/exe");
	char path[64];
	struct proc_maps pm;
	const struct proc_map *m;
	uint64_t addr = (uint64_t)(uintptr_t)&profile_syms_known_function + 2;
	uint64_t vaddr, off;
	const char *name;

	(void)state;
	assert_non_null(es);
	assert_true(elf_syms__count(es) > 10);
	snprintf(path, sizeof(path), "/proc/%d/maps", getpid());
	assert_int_equal(proc_maps__load(&pm, path), 0);
	m = proc_maps__find(&pm, addr);
	assert_non_null(m);
	/* PIE: runtime address -> file offset -> ELF vaddr -> symbol. */
	assert_int_equal(elf_syms__vaddr(es, addr - m->start + m->offset, &vaddr), 0);
	name = elf_syms__find(es, vaddr, &off);
	assert_non_null(name);
	assert_string_equal(name, "profile_syms_known_function");
	assert_int_equal(off, 2);
	assert_int_equal(elf_syms__vaddr(es, 1ULL << 40, &vaddr), -ENOENT);
	proc_maps__fini(&pm);
	elf_syms__free(es);
	elf_syms__free(NULL);
	assert_null(elf_syms__load("/proc/self/maps"));
}

/* Every PLT stub objdump names in this binary's .plt is named the same: "NAME@plt". */
static void test_elf_syms_name_plt_stubs_as_objdump(void **state)
{
	struct elf_syms *es = elf_syms__load("/proc/self/exe");
	char line[512], want[256];
	FILE *p;
	unsigned long long addr;
	const char *name;
	uint64_t off;
	int stubs = 0;

	(void)state;
	assert_non_null(es);
	/* The shell's /proc/self would be its own: name this process. */
	snprintf(line, sizeof(line), "objdump -d -j .plt /proc/%d/exe 2>/dev/null", getpid());
	p = popen(line, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		/* Stubs only: not the resolver at the top ("<first@plt-0x10>"). */
		if (sscanf(line, "%llx <%255[^>]>:", &addr, want) != 2 || strlen(want) < 5 ||
		    strcmp(want + strlen(want) - 4, "@plt"))
			continue;
		name = elf_syms__find(es, addr + 4, &off);
		assert_non_null(name);
		assert_string_equal(name, want);
		assert_int_equal(off, 4);
		stubs++;
	}
	assert_int_equal(pclose(p), 0);
	/* cmocka and libc are called through it: an empty list means objdump saw nothing. */
	assert_true(stubs > 10);
	elf_syms__free(es);
}

/*
 * A stripped copy of this binary whose .symtab lives in a separate debug file named by
 * build id, as distributions ship them: symbols come back through the debug root.
 */
static void test_elf_syms_from_build_id_debug_file(void **state)
{
	char root[] = "/tmp/vigil-debug-XXXXXX", cmd[1024], stripped[128];
	struct elf_syms *es, *plain;
	uint64_t vaddr, off;
	struct proc_maps pm;
	const struct proc_map *m;
	const char *name;
	uint64_t addr = (uint64_t)(uintptr_t)&profile_syms_known_function;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(stripped, sizeof(stripped), "%s/stripped", root);
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; id=$(readelf -n /proc/%d/exe | awk '/Build ID/ { print $3 }');"
		 "mkdir -p .build-id/$(echo $id | cut -c1-2);"
		 "objcopy --only-keep-debug /proc/%d/exe .build-id/$(echo $id | cut -c1-2)/"
		 "$(echo $id | cut -c3-).debug;"
		 "strip --strip-all -o stripped /proc/%d/exe",
		 root, getpid(), getpid(), getpid());
	if (system(cmd)) {
		skip(); /* no binutils or no build id: nothing to test against */
		return;
	}
	plain = elf_syms__load_debug(stripped, NULL);
	es = elf_syms__load_debug(stripped, root);
	assert_non_null(plain);
	assert_non_null(es);
	/* Without the debug file only .dynsym is left: far fewer symbols, not ours. */
	assert_true(elf_syms__count(es) > elf_syms__count(plain));
	snprintf(cmd, sizeof(cmd), "/proc/%d/maps", getpid());
	assert_int_equal(proc_maps__load(&pm, cmd), 0);
	m = proc_maps__find(&pm, addr);
	assert_int_equal(elf_syms__vaddr(es, addr - m->start + m->offset, &vaddr), 0);
	name = elf_syms__find(es, vaddr, &off);
	assert_non_null(name);
	assert_string_equal(name, "profile_syms_known_function");
	name = elf_syms__find(plain, vaddr, &off);
	assert_true(!name || strcmp(name, "profile_syms_known_function"));
	proc_maps__fini(&pm);
	elf_syms__free(es);
	elf_syms__free(plain);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static void test_usyms_resolves_executable_and_shared_library(void **state)
{
	struct usyms *us = usyms__new();
	uint32_t pid = (uint32_t)getpid();
	const char *module;
	char buf[256];

	(void)state;
	assert_non_null(us);
	assert_false(usyms__has_pid(us, pid));
	assert_int_equal(usyms__add_pid(us, pid), 0);
	assert_true(usyms__has_pid(us, pid));
	assert_true(usyms__resolve(us, pid, (uint64_t)(uintptr_t)&profile_syms_known_function, buf,
				   sizeof(buf), &module));
	assert_string_equal(buf, "profile_syms_known_function");
	assert_true(is_self_exe(module));
	/* A shared library (libc, through .dynsym on a distribution build). */
	assert_true(usyms__resolve(us, pid, (uint64_t)(uintptr_t)&strtoul + 1, buf, sizeof(buf),
				   &module));
	assert_true(ends_with(buf, "strtoul"));
	assert_non_null(strstr(module, "libc"));
	/* Nothing mapped there; a process never seen. */
	assert_false(usyms__resolve(us, pid, 0x10, buf, sizeof(buf), &module));
	assert_string_equal(buf, "[unknown]");
	assert_null(module);
	assert_false(usyms__resolve(us, 999999999, 0x1000, buf, sizeof(buf), NULL));
	assert_string_equal(buf, "[unknown]");
	assert_int_equal(usyms__add_pid(us, 999999999), -ENOENT);
	usyms__free(us);
	usyms__free(NULL);
}

/* A fixture root whose process maps an object without symbols: module+offset. */
static void test_usyms_object_without_symbols_prints_module_offset(void **state)
{
	char root[] = "/tmp/vigil-proc-XXXXXX", proc[64], dir[128], path[160], obj[160];
	char buf[256];
	struct usyms *us;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(proc, sizeof(proc), "%s/proc", root);
	assert_int_equal(mkdir(proc, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/4242", proc);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(obj, sizeof(obj), "%s/stripped.bin", root);
	f = fopen(obj, "w");
	fputs("not an ELF file", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/maps", dir);
	f = fopen(path, "w");
	fprintf(f, "400000-401000 r--p 00000000 08:01 1 %s\n", obj);
	fprintf(f, "401000-402000 r-xp 00001000 08:01 1 %s\n", obj);
	fprintf(f, "this line is garbage\n");
	fclose(f);
	assert_int_equal(fb_root_set(root), 0);
	us = usyms__new();
	assert_int_equal(usyms__add_pid(us, 4242), 0);
	assert_int_equal(usyms__add_pid(us, 4243), -ENOENT); /* not in the fixture */
	assert_false(usyms__resolve(us, 4242, 0x401234, buf, sizeof(buf), NULL));
	assert_string_equal(buf, "stripped.bin+0x1234");
	usyms__free(us);
	assert_int_equal(fb_root_set(NULL), 0);
	unlink(path);
	unlink(obj);
	rmdir(dir);
	rmdir(proc);
	rmdir(root);
}

/* Rust legacy names: hash dropped, escapes undone; other names untouched. */
static void test_rust_legacy_clean(void **state)
{
	char a[] = "core::fmt::write::h0123456789abcdef";
	char b[] = "alloc::vec::Vec$LT$T$C$A$GT$::push::h1a2b3c4d5e6f7081";
	char c[] =
		"_$LT$std..path..PathBuf$u20$as$u20$core..fmt..Debug$GT$::fmt::hffffffffffffffff";
	char d[] = "ns::f::h0123"; /* too short a hash: C++, left alone */
	char e[] = "x::$u1$::h0123456789abcdef";

	(void)state;
	rust_legacy_clean(a);
	assert_string_equal(a, "core::fmt::write");
	rust_legacy_clean(b);
	assert_string_equal(b, "alloc::vec::Vec<T,A>::push");
	rust_legacy_clean(c);
	assert_string_equal(c, "<std::path::PathBuf as core::fmt::Debug>::fmt");
	rust_legacy_clean(d);
	assert_string_equal(d, "ns::f::h0123");
	rust_legacy_clean(e);
	assert_string_equal(e, "x::$u1$");
}

/* C++ through libstdc++'s demangler, as c++filt prints it; C names are not touched. */
static void test_sym_demangle(void **state)
{
	char *s;

	(void)state;
	assert_null(sym_demangle("main"));
	assert_null(sym_demangle("_Z")); /* not a valid mangled name */
	s = sym_demangle("_ZNK6shapes3BoxIlE4spinEl");
	assert_non_null(s);
	assert_string_equal(s, "shapes::Box<long>::spin(long) const");
	free(s);
	s = sym_demangle("_ZN4core3fmt5write17h0123456789abcdefE");
	assert_non_null(s);
	assert_string_equal(s, "core::fmt::write");
	free(s);
}

/*
 * Stripped copies of this binary whose symbols come from a .gnu_debuglink file next to it,
 * and from MiniDebugInfo (.gnu_debugdata, xz) as Fedora and Debian build it.
 */
static void test_elf_syms_debuglink_and_minidebuginfo(void **state)
{
	char root[] = "/tmp/vigil-dlink-XXXXXX", cmd[2048], path[128];
	uint64_t addr = (uint64_t)(uintptr_t)&profile_syms_known_function, vaddr, off;
	struct proc_maps pm;
	const struct proc_map *m;
	struct elf_syms *es;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; exe=/proc/%d/exe;"
		 "objcopy --only-keep-debug $exe linked.debug;"
		 "strip --strip-all --remove-section=.note.gnu.build-id -o linked $exe;"
		 "objcopy --add-gnu-debuglink=linked.debug linked;"
		 "nm -D $exe --format=posix --defined-only | awk '{print $1}' | sort > dyn;"
		 "nm $exe --format=posix --defined-only | awk '$2 ~ /[Tt]/ {print $1}' | sort > fn;"
		 "comm -13 dyn fn > keep;"
		 "objcopy -S --remove-section .gdb_index --remove-section .comment "
		 "--keep-symbols=keep linked.debug mini; xz -f mini;"
		 "strip --strip-all -o minidebug $exe;"
		 "objcopy --add-section .gnu_debugdata=mini.xz minidebug",
		 root, getpid());
	if (system(cmd)) {
		skip();
		return;
	}
	snprintf(cmd, sizeof(cmd), "/proc/%d/maps", getpid());
	assert_int_equal(proc_maps__load(&pm, cmd), 0);
	m = proc_maps__find(&pm, addr);
	snprintf(path, sizeof(path), "%s/linked", root);
	es = elf_syms__load_debug(path, NULL);
	assert_non_null(es);
	assert_string_equal(elf_syms__source(es), "debuglink");
	assert_int_equal(elf_syms__vaddr(es, addr - m->start + m->offset, &vaddr), 0);
	assert_string_equal(elf_syms__find(es, vaddr, &off), "profile_syms_known_function");
	elf_syms__free(es);
	snprintf(path, sizeof(path), "%s/minidebug", root);
	es = elf_syms__load_debug(path, NULL);
	assert_non_null(es);
	assert_string_equal(elf_syms__source(es), "minidebuginfo");
	assert_string_equal(elf_syms__find(es, vaddr, &off), "profile_syms_known_function");
	elf_syms__free(es);
	/* A debug link whose CRC does not match is not used. */
	snprintf(cmd, sizeof(cmd), "echo x >> %s/linked.debug", root);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/linked", root);
	es = elf_syms__load_debug(path, NULL);
	assert_non_null(es);
	assert_string_not_equal(elf_syms__source(es), "debuglink");
	elf_syms__free(es);
	proc_maps__fini(&pm);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

/*
 * Two "containers" (fixture pids) map different files at one path, /app/bin: pid 100 a copy
 * of this binary, pid 200 a file with no symbols. Each resolves through its own root, since
 * objects are cached by the inode maps shows, never by path.
 */
static void test_usyms_same_path_different_inodes(void **state)
{
	char root[] = "/tmp/vigil-ns-XXXXXX", path[256], cmd[512], buf[256];
	uint64_t addr = (uint64_t)(uintptr_t)&profile_syms_known_function;
	struct proc_maps self;
	const struct proc_map *m;
	struct usyms *us;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(cmd, sizeof(cmd), "/proc/%d/maps", getpid());
	assert_int_equal(proc_maps__load(&self, cmd), 0);
	m = proc_maps__find(&self, addr);
	assert_non_null(m);
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; mkdir -p proc/100/root/app proc/200/root/app;"
		 "cp /proc/%d/exe proc/100/root/app/bin; echo not-elf > proc/200/root/app/bin",
		 root, getpid());
	assert_int_equal(system(cmd), 0);
	for (int pid = 100; pid <= 200; pid += 100) {
		snprintf(path, sizeof(path), "%s/proc/%d/maps", root, pid);
		f = fopen(path, "w");
		assert_non_null(f);
		fprintf(f, "%llx-%llx r-xp %08llx 08:01 %d /app/bin\n",
			(unsigned long long)m->start, (unsigned long long)m->end,
			(unsigned long long)m->offset, pid + 11);
		fclose(f);
	}
	assert_int_equal(fb_root_set(root), 0);
	us = usyms__new();
	assert_int_equal(usyms__add_pid(us, 100), 0);
	assert_int_equal(usyms__add_pid(us, 200), 0);
	assert_true(usyms__resolve(us, 100, addr, buf, sizeof(buf), NULL));
	assert_string_equal(buf, "profile_syms_known_function");
	assert_false(usyms__resolve(us, 200, addr, buf, sizeof(buf), NULL));
	assert_int_equal(strncmp(buf, "bin+0x", 6), 0);
	usyms__free(us);
	assert_int_equal(fb_root_set(NULL), 0);
	proc_maps__fini(&self);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

static void test_entry_frames_decide_truncation(void **state)
{
	(void)state;
	assert_true(prof_frame_is_entry("_start", "/usr/bin/app"));
	assert_true(prof_frame_is_entry("start_thread", NULL));
	assert_true(
		prof_frame_is_entry("libc.so.6+0x27249", "/usr/lib/x86_64-linux-gnu/libc.so.6"));
	assert_true(prof_frame_is_entry("x", "/lib64/ld-linux-x86-64.so.2"));
	assert_false(prof_frame_is_entry("main", "/usr/bin/app"));
	assert_false(prof_frame_is_entry("[unknown]", NULL));
	assert_false(prof_frame_is_entry("sha256sum+0x41fc", "/usr/bin/sha256sum"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ksyms_fixture_resolves_text_symbols),
		cmocka_unit_test(test_ksyms_default_path_follows_the_root),
		cmocka_unit_test(test_ksyms_rejects_missing_and_zeroed),
		cmocka_unit_test(test_ksyms_hostile_lines),
		cmocka_unit_test(test_maps_line_parsing),
		cmocka_unit_test(test_maps_load_and_find),
		cmocka_unit_test(test_elf_syms_of_self),
		cmocka_unit_test(test_elf_syms_name_plt_stubs_as_objdump),
		cmocka_unit_test(test_elf_syms_from_build_id_debug_file),
		cmocka_unit_test(test_usyms_resolves_executable_and_shared_library),
		cmocka_unit_test(test_usyms_object_without_symbols_prints_module_offset),
		cmocka_unit_test(test_usyms_same_path_different_inodes),
		cmocka_unit_test(test_rust_legacy_clean),
		cmocka_unit_test(test_sym_demangle),
		cmocka_unit_test(test_elf_syms_debuglink_and_minidebuginfo),
		cmocka_unit_test(test_entry_frames_decide_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
