// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_pmap.c: `vigil pmap [-x] PID`: a process' memory maps from the fallback library's
 * memory_maps() (/proc/PID/smaps streamed through one buffer), printed as pmap and pmap -x
 * print them (Address, Kbytes, RSS, Dirty, Mode, Mapping and the "total kB" line), or grouped
 * per file as psutil's memory_maps(grouped=True) with --grouped; CSV and JSON carry bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/parse.h"
#include "core/log.h"
#include "export/escape.h"
#include "export/export.h"
#include "export/json.h"
#include "export/output.h"
#include "fallback.h"

enum { OPT_EXTENDED = CLI_COMMON_MAX, OPT_GROUPED };

struct pmap_args {
	bool extended, grouped;
};

static const struct cli_opt pmap_opts[] = {
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	{ "extended", 'x', NULL, OPT_EXTENDED, NULL, "RSS and Dirty columns too, as pmap -x" },
	{ "grouped", 'g', NULL, OPT_GROUPED, NULL,
	  "one row per file, summed (psutil's memory_maps(grouped=True))" },
	CLI_OPT_END,
};

static int pmap_set(void *ctx, int id, const char *arg)
{
	struct pmap_args *a = ctx;

	(void)arg;
	if (id == OPT_EXTENDED)
		a->extended = true;
	else if (id == OPT_GROUPED)
		a->grouped = true;
	else
		return -EINVAL;
	return 0;
}

static const struct cli_cmd pmap_cmd = {
	.name = "pmap",
	.usage = "vigil pmap [-x] [--grouped] PID",
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

/* pmap's Mapping: a file's base name, "[ stack ]", or "[ anon ]" for the rest. */
static const char *pmap_mapping(const char *path, bool pad)
{
	const char *slash;

	if (path[0] == '/') {
		slash = strrchr(path, '/');
		return slash + 1;
	}
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
	char mode[6];

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
		esc_write(s, pmap_mapping(m->path, true), SIZE_MAX);
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
	char mode[6];

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
		sink__printf(s, "%016llx,%llu,%llu,%llu,%s,", pmap_start(m->addr),
			     (unsigned long long)m->size, (unsigned long long)m->rss,
			     (unsigned long long)(m->shared_dirty + m->private_dirty), mode);
		csv_write_string(s, pmap_mapping(m->path, false), SIZE_MAX);
		sink__putc(s, ',');
		csv_write_string(s, m->path, SIZE_MAX);
		sink__puts(s, "\r\n");
	}
}

static void print_json(struct sink *s, const struct pmap_args *a, pid_t pid,
		       const struct fb_mmap *v, size_t n, bool nd)
{
	struct jw w;
	char mode[6], addr[20];

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
			jw__str(&w, "mapping", pmap_mapping(m->path, false));
			jw__u64(&w, "dirty", m->shared_dirty + m->private_dirty);
		}
		jw__str(&w, "path", m->path);
		jw__u64(&w, "rss", m->rss);
		jw__u64(&w, "size", m->size);
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

int cmd_pmap(int argc, char **argv)
{
	struct pmap_args a = { 0 };
	struct cli_common common = { 0 };
	struct fb_strv cmd = { 0 };
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
	log_set_level(common.verbose);
	p = fb_proc__new((pid_t)pid);
	if (!p)
		return pmap_fail((pid_t)pid, -errno);
	err = fb_proc__memory_maps(p, a.grouped, &v, &n);
	if (err) {
		fb_proc__free(p);
		return pmap_fail((pid_t)pid, err);
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
		return 1;
	}
	if (out.fmt == FMT_TABLE)
		print_table(out.sink, &a, (pid_t)pid, cmdline, v, n);
	else if (out.fmt == FMT_CSV)
		print_csv(out.sink, &a, v, n);
	else
		print_json(out.sink, &a, (pid_t)pid, v, n, out.fmt == FMT_NDJSON);
	free(v);
	if (output__close(&out))
		status = 1;
	return status;
}
