// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_pmap.c: `vigil pmap [-x] PID`: a process' memory maps from the fallback library's
 * memory_maps() (/proc/PID/smaps streamed through one buffer), printed as pmap and pmap -x
 * print them (Address, Kbytes, RSS, Dirty, Mode, Mapping and the "total kB" line), or grouped
 * per file as psutil's memory_maps(grouped=True) with --grouped; CSV and JSON carry bytes.
 * --backend bpf takes the maps from the BPF mapping walk (iter_vmas.h) instead: the same
 * rows without smaps' page counts, which -x and --grouped need.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/parse.h"
#include "core/backend.h"
#include "core/log.h"
#include "export/escape.h"
#include "export/export.h"
#include "export/json.h"
#include "export/output.h"
#include "fallback.h"
#include "iter/iter_vmas.h"

enum { OPT_EXTENDED = CLI_COMMON_MAX, OPT_GROUPED, OPT_BACKEND };

struct pmap_args {
	bool extended, grouped;
	enum backend_mode backend;
};

static const struct cli_opt pmap_opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	{ "extended", 'x', NULL, OPT_EXTENDED, NULL, "RSS and Dirty columns too, as pmap -x" },
	{ "grouped", 'g', NULL, OPT_GROUPED, NULL,
	  "one row per file, summed (psutil's memory_maps(grouped=True))" },
	{ "backend", 0, "MODE", OPT_BACKEND, "auto, bpf or fallback",
	  "where the maps come from: /proc's smaps (auto, fallback), or the BPF mapping walk "
	  "(bpf: no page counts, so neither -x nor --grouped)" },
	CLI_OPT_END,
};

static int pmap_set(void *ctx, int id, const char *arg)
{
	struct pmap_args *a = ctx;
	int mode;

	if (id == OPT_EXTENDED) {
		a->extended = true;
	} else if (id == OPT_GROUPED) {
		a->grouped = true;
	} else if (id == OPT_BACKEND) {
		mode = parse_choice(arg, backend_names);
		if (mode < 0)
			return mode;
		a->backend = (enum backend_mode)mode;
	} else {
		return -EINVAL;
	}
	return 0;
}

static const struct cli_cmd pmap_cmd = {
	.name = "pmap",
	.usage = "vigil pmap [-x] [--grouped] [--backend auto|bpf|fallback] PID",
	.summary = "Show a process' memory maps as pmap does: address, size, mode and mapping\n"
		   "(-x: RSS and Dirty, with the same totals as pmap -x).",
	.details = "Examples: vigil pmap -x 1234\n"
		   "          vigil pmap --grouped -f json 1234",
	.examples = "vigil pmap 1234\n"
		    "vigil pmap -x 1234",
	.opts = pmap_opts,
	.set = pmap_set,
};

/* pmap's Mode: r, w, x, then s for a shared mapping, then '-'. */
static void pmap_mode(const char *perms, char out[6])
{
	for (int i = 0; i < 3; i++)
		out[i] = perms[i] && perms[i] != '-' ? perms[i] : '-';
	out[3] = perms[0] && perms[1] && perms[2] && perms[3] == 's' ? 's' : '-';
	out[4] = '-';
	out[5] = '\0';
}

/*
 * pmap's Mapping: a file's base name, "[ shmid=0x12 ]" for SysV shared memory (its inode is
 * the id), "[ stack ]", or "[ anon ]" for the rest; in buf when it must be made.
 */
static const char *pmap_mapping(const struct fb_mmap *m, bool pad, char *buf, size_t len)
{
	const char *path = m->path;

	if (!strncmp(path, "/SYSV", 5)) {
		snprintf(buf, len, "%s[ shmid=0x%llx ]", pad ? "  " : "",
			 (unsigned long long)m->ino);
		return buf;
	}
	if (path[0] == '/')
		return strrchr(path, '/') + 1;
	if (!strcmp(path, "[stack]"))
		return pad ? "  [ stack ]" : "[ stack ]";
	return pad ? "  [ anon ]" : "[ anon ]";
}

static unsigned long long pmap_start(const char *addr)
{
	return strtoull(addr, NULL, 16);
}

static void print_table(struct sink *s, const struct pmap_args *a, pid_t pid, const char *cmdline,
			const struct fb_mmap *v, size_t n)
{
	unsigned long long kb = 0, rss = 0, dirty = 0, pss = 0, swap = 0;
	char mode[6], name[40];

	sink__printf(s, "%d:   ", (int)pid);
	esc_write(s, cmdline, SIZE_MAX);
	sink__putc(s, '\n');
	if (a->grouped)
		sink__puts(s, " Kbytes     RSS     PSS   Dirty    Swap Mapping\n");
	else if (a->extended)
		sink__puts(s, "Address           Kbytes     RSS   Dirty Mode  Mapping\n");
	for (size_t i = 0; i < n; i++) {
		const struct fb_mmap *m = &v[i];
		unsigned long long d = m->shared_dirty + m->private_dirty;

		kb += m->size / 1024;
		rss += m->rss / 1024;
		dirty += d / 1024;
		pss += m->pss / 1024;
		swap += m->swap / 1024;
		if (a->grouped) {
			sink__printf(s, "%7llu %7llu %7llu %7llu %7llu ",
				     (unsigned long long)m->size / 1024,
				     (unsigned long long)m->rss / 1024,
				     (unsigned long long)m->pss / 1024, d / 1024,
				     (unsigned long long)m->swap / 1024);
			esc_write(s, m->path, SIZE_MAX);
			sink__putc(s, '\n');
			continue;
		}
		pmap_mode(m->perms, mode);
		if (a->extended)
			sink__printf(s, "%016llx %7llu %7llu %7llu %s ", pmap_start(m->addr),
				     (unsigned long long)m->size / 1024,
				     (unsigned long long)m->rss / 1024, d / 1024, mode);
		else
			sink__printf(s, "%016llx %6lluK %s ", pmap_start(m->addr),
				     (unsigned long long)m->size / 1024, mode);
		esc_write(s, pmap_mapping(m, true, name, sizeof(name)), SIZE_MAX);
		sink__putc(s, '\n');
	}
	if (a->grouped)
		sink__printf(s,
			     "------- ------- ------- ------- -------\n"
			     "%7llu %7llu %7llu %7llu %7llu total kB\n",
			     kb, rss, pss, dirty, swap);
	else if (a->extended)
		sink__printf(s,
			     "---------------- ------- ------- ------- \n"
			     "total kB         %7llu %7llu %7llu\n",
			     kb, rss, dirty);
	else
		sink__printf(s, " total %16lluK\n", kb);
}

static void print_csv(struct sink *s, const struct pmap_args *a, const struct fb_mmap *v, size_t n)
{
	bool counted = a->backend != BACKEND_BPF;
	char mode[6], name[40];

	if (a->grouped)
		sink__puts(s, "path,rss,size,pss,shared_clean,shared_dirty,private_clean,"
			      "private_dirty,referenced,anonymous,swap\r\n");
	else
		sink__puts(s, "address,size,rss,dirty,mode,mapping,path\r\n");
	for (size_t i = 0; i < n; i++) {
		const struct fb_mmap *m = &v[i];

		if (a->grouped) {
			csv_write_string(s, m->path, SIZE_MAX);
			sink__printf(s, ",%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu\r\n",
				     (unsigned long long)m->rss, (unsigned long long)m->size,
				     (unsigned long long)m->pss,
				     (unsigned long long)m->shared_clean,
				     (unsigned long long)m->shared_dirty,
				     (unsigned long long)m->private_clean,
				     (unsigned long long)m->private_dirty,
				     (unsigned long long)m->referenced,
				     (unsigned long long)m->anonymous, (unsigned long long)m->swap);
			continue;
		}
		pmap_mode(m->perms, mode);
		sink__printf(s, "%016llx,%llu,", pmap_start(m->addr), (unsigned long long)m->size);
		if (counted)
			sink__printf(s, "%llu,%llu", (unsigned long long)m->rss,
				     (unsigned long long)(m->shared_dirty + m->private_dirty));
		else
			sink__putc(s, ',');
		sink__printf(s, ",%s,", mode);
		csv_write_string(s, pmap_mapping(m, false, name, sizeof(name)), SIZE_MAX);
		sink__putc(s, ',');
		csv_write_string(s, m->path, SIZE_MAX);
		sink__puts(s, "\r\n");
	}
}

static void print_json(struct sink *s, const struct pmap_args *a, pid_t pid,
		       const struct fb_mmap *v, size_t n, bool nd)
{
	struct jw w;
	bool counted = a->backend != BACKEND_BPF;
	char mode[6], addr[20], name[40];

	jw__init(&w, s, false);
	if (!nd)
		jw__arr_begin(&w, NULL);
	for (size_t i = 0; i < n; i++) {
		const struct fb_mmap *m = &v[i];

		if (nd)
			jw__init(&w, s, false);
		jw__obj_begin(&w, NULL);
		jw__s64(&w, "pid", pid);
		if (!a->grouped) {
			pmap_mode(m->perms, mode);
			snprintf(addr, sizeof(addr), "%016llx", pmap_start(m->addr));
			jw__str(&w, "address", addr);
			jw__str(&w, "mode", mode);
			jw__str(&w, "mapping", pmap_mapping(m, false, name, sizeof(name)));
			if (counted)
				jw__u64(&w, "dirty", m->shared_dirty + m->private_dirty);
		}
		jw__str(&w, "path", m->path);
		if (counted)
			jw__u64(&w, "rss", m->rss);
		jw__u64(&w, "size", m->size);
		if (!counted) {
			jw__obj_end(&w);
			if (nd)
				sink__putc(s, '\n');
			continue;
		}
		jw__u64(&w, "pss", m->pss);
		jw__u64(&w, "shared_clean", m->shared_clean);
		jw__u64(&w, "shared_dirty", m->shared_dirty);
		jw__u64(&w, "private_clean", m->private_clean);
		jw__u64(&w, "private_dirty", m->private_dirty);
		jw__u64(&w, "referenced", m->referenced);
		jw__u64(&w, "anonymous", m->anonymous);
		jw__u64(&w, "swap", m->swap);
		jw__obj_end(&w);
		if (nd)
			sink__putc(s, '\n');
	}
	if (!nd) {
		jw__arr_end(&w);
		sink__putc(s, '\n');
	}
}

/* "no such process" / "access denied reading its memory maps", naming the pid; 1. */
static int pmap_fail(pid_t pid, int err)
{
	if (err == -ESRCH || err == -ENOENT)
		fprintf(stderr, "vigil pmap: pid %d: no such process\n", (int)pid);
	else if (err == -EACCES || err == -EPERM)
		fprintf(stderr, "vigil pmap: pid %d: access denied reading its memory maps\n",
			(int)pid);
	else
		fprintf(stderr, "vigil pmap: pid %d: %s\n", (int)pid, strerror(-err));
	return 1;
}

/*
 * x86-64's gate area ([vsyscall]) ends every process' maps, though it lies outside every
 * address space: the walk does not see it, so it is taken from vigil's own maps.
 */
static bool gate_area(struct fb_mmap *g)
{
	struct fb_proc *self = fb_proc__new(getpid());
	struct fb_mmap *v = NULL;
	bool found = false;
	size_t n = 0;

	if (self && !fb_proc__memory_maps(self, false, &v, &n) && n &&
	    !strcmp(v[n - 1].path, "[vsyscall]")) {
		*g = v[n - 1];
		g->path = "[vsyscall]";
		found = true;
	}
	free(v);
	fb_proc__free(self);
	return found;
}

/*
 * pid's maps from the BPF mapping walk into *w, as fb_proc__memory_maps() lists them but
 * without page counts (the rows' names point into w): 0, or 1 after saying why not.
 */
static int walk_maps(struct fb_proc *p, struct iter_vmas *w, struct fb_mmap **out, size_t *n)
{
	pid_t pid = fb_proc__pid(p);
	struct fb_proc_mem mem;
	struct fb_mmap *v;
	size_t first, k;

	if (iter_vmas__walk(w, pid)) {
		pr_err("pmap: --backend bpf: %s", iter_vmas__why());
		return 1;
	}
	if (iter_vmas__unsure(w, pid)) {
		pr_err("pmap: --backend bpf: pid %d has a mapping the walk cannot name as /proc "
		       "does",
		       (int)pid);
		return 1;
	}
	k = iter_vmas__of(w, pid, &first);
	/* none for a process with an address space: a task the walk cannot see */
	if (!k && !fb_proc__memory_info(p, &mem) && mem.vms) {
		pr_err("pmap: --backend bpf: pid %d: the walk did not see its mappings", (int)pid);
		return 1;
	}
	v = calloc(k + 1, sizeof(*v));
	if (!v)
		return pmap_fail(pid, -ENOMEM);
	for (size_t i = 0; i < k; i++) {
		const struct iter_vma *m = &w->v[first + i];
		const char *path = iter_vma__path(w, m);

		snprintf(v[i].addr, sizeof(v[i].addr), "%llx-%llx", (unsigned long long)m->start,
			 (unsigned long long)m->end);
		memcpy(v[i].perms, m->perms, sizeof(m->perms));
		v[i].size = m->end - m->start;
		v[i].ino = m->ino;
		v[i].path = *path ? path : "[anon]";
	}
	if (k && gate_area(&v[k]))
		k++;
	pr_info("pmap: pid %d's maps from the BPF mapping walk", (int)pid);
	*out = v;
	*n = k;
	return 0;
}

int cmd_pmap(int argc, char **argv)
{
	struct pmap_args a = { 0 };
	struct cli_common common = { 0 };
	struct fb_strv cmd = { 0 };
	struct iter_vmas walk = { 0 };
	struct fb_mmap *v = NULL;
	struct fb_proc *p;
	struct output out;
	char cmdline[4096] = "";
	int first, err, status;
	uint64_t pid;
	size_t n;
	bool help;

	first = cli_parse(&pmap_cmd, argc, argv, &common, &a, &help);
	if (first < 0)
		return EXIT_USAGE;
	if (help)
		return 0;
	if (first + 1 != argc) {
		cli_error(&pmap_cmd, "expects exactly one PID");
		return EXIT_USAGE;
	}
	if (parse_u64(argv[first], 1, INT32_MAX, &pid)) {
		cli_error(&pmap_cmd, "PID: invalid value '%s' (accepts a process id)", argv[first]);
		return EXIT_USAGE;
	}
	if (a.backend == BACKEND_BPF && (a.extended || a.grouped)) {
		cli_error(&pmap_cmd, "%s: needs smaps' page counts, which --backend bpf has not",
			  a.extended ? "--extended" : "--grouped");
		return EXIT_USAGE;
	}
	log_set_level(common.verbose);
	p = fb_proc__new((pid_t)pid);
	if (!p)
		return pmap_fail((pid_t)pid, -errno);
	if (a.backend == BACKEND_BPF) {
		err = walk_maps(p, &walk, &v, &n);
		if (err) {
			fb_proc__free(p);
			iter_vmas__free(&walk);
			return err;
		}
	} else {
		err = fb_proc__memory_maps(p, a.grouped, &v, &n);
		if (err) {
			fb_proc__free(p);
			return pmap_fail((pid_t)pid, err);
		}
	}
	if (!fb_proc__cmdline(p, &cmd)) {
		size_t k = 0;

		for (size_t i = 0; i < cmd.n && k + 1 < sizeof(cmdline); i++)
			k += (size_t)snprintf(cmdline + k, sizeof(cmdline) - k, "%s%s",
					      i ? " " : "", cmd.v[i]);
		fb_strv_free(&cmd);
	}
	if (!cmdline[0])
		fb_proc__name(p, cmdline, sizeof(cmdline));
	fb_proc__free(p);
	status = 0;
	if (output__open(&out, &pmap_cmd, &common, FMT_NDJSON, 0)) {
		free(v);
		iter_vmas__free(&walk);
		return 1;
	}
	if (out.fmt == FMT_TABLE)
		print_table(out.sink, &a, (pid_t)pid, cmdline, v, n);
	else if (out.fmt == FMT_CSV)
		print_csv(out.sink, &a, v, n);
	else
		print_json(out.sink, &a, (pid_t)pid, v, n, out.fmt == FMT_NDJSON);
	free(v);
	iter_vmas__free(&walk);
	if (output__close(&out))
		status = 1;
	return status;
}
