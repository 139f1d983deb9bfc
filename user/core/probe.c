// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe.c: the individual checks behind `vigil doctor` and the tracers' pre-flight. The
 * capabilities come from capget(2); kernel files (BTF, sysctls) are found through the fallback
 * library's root like every other /proc and /sys read.
 */
#include "core/probe.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "fallback.h"

const char *const probe_check_names[PROBE__COUNT] = {
	[PROBE_PRIVILEGE] = "privileges",
	[PROBE_BPF_SYSCALL] = "bpf() syscall",
	[PROBE_BTF] = "kernel BTF",
	[PROBE_RINGBUF] = "ring buffer maps",
};

const char *probe_btf_path(void)
{
	static char path[4096];
	const char *p = getenv("VIGIL_BTF");

	if (p && *p)
		return p;
	if (fb_sys_path("kernel/btf/vmlinux", path, sizeof(path)))
		return ""; /* no sysfs on this platform: nothing to parse */
	return path;
}

/* The effective capability set of this process (capget(2), both 32-bit words). */
static unsigned long long cap_effective(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return 0;
	return (unsigned long long)data[1].effective << 32 | data[0].effective;
}

bool probe_has_cap(int cap)
{
	return cap >= 0 && cap < 64 && (cap_effective() & (1ULL << cap));
}

#define CGROUP2_SUPER_MAGIC 0x63677270

/* Unified (cgroup2 at fs/cgroup) or hybrid (cgroup2 at fs/cgroup/unified, v1 controllers). */
static const char *const cgroup2_places[] = { "fs/cgroup", "fs/cgroup/unified", NULL };

bool probe_cgroup2_root(char *path, size_t len, struct probe_result *r)
{
	struct statfs fs;

	memset(r, 0, sizeof(*r));
	for (int i = 0; cgroup2_places[i]; i++) {
		if (fb_sys_path(cgroup2_places[i], path, len))
			break;
		if (!statfs(path, &fs) && fs.f_type == CGROUP2_SUPER_MAGIC) {
			r->ok = true;
			snprintf(r->detail, sizeof(r->detail), "cgroup v2 at %s", path);
			return true;
		}
	}
	snprintf(r->detail, sizeof(r->detail),
		 "no cgroup v2 hierarchy mounted (looked in the sysfs fs/cgroup and "
		 "fs/cgroup/unified): cgroup programs attach to its root");
	return false;
}

static void check_privilege(struct probe_result *r)
{
	unsigned long long caps = cap_effective();
	bool bpf = caps & (1ULL << CAP_BPF), perfmon = caps & (1ULL << CAP_PERFMON);
	bool admin = caps & (1ULL << CAP_SYS_ADMIN);

	r->ok = (bpf && perfmon) || admin;
	if (r->ok)
		snprintf(r->detail, sizeof(r->detail), "%s%s%s", bpf ? "CAP_BPF " : "",
			 perfmon ? "CAP_PERFMON " : "", admin ? "CAP_SYS_ADMIN" : "");
	else
		snprintf(r->detail, sizeof(r->detail),
			 "missing privilege: need CAP_BPF and CAP_PERFMON (or root); have%s%s",
			 bpf ? " CAP_BPF" : "",
			 perfmon ? " CAP_PERFMON"
			 : bpf	 ? ""
				 : " neither");
}

int probe_sysctl_int(const char *name)
{
	char buf[64];
	int v = -1;

	if (fb_sysctl_read(name, buf, sizeof(buf)) || sscanf(buf, "%d", &v) != 1)
		return -1;
	return v;
}

static bool has_privilege(void)
{
	struct probe_result r;

	check_privilege(&r);
	return r.ok;
}

static void check_bpf_syscall(struct probe_result *r)
{
	int ret;

	if (!has_privilege()) {
		/* 0 allowed; 1 or 2 refused to unprivileged users */
		int disabled = probe_sysctl_int("kernel.unprivileged_bpf_disabled");

		snprintf(r->detail, sizeof(r->detail),
			 disabled > 0 ? "refused to unprivileged users "
					"(kernel.unprivileged_bpf_disabled=%d)"
				      : "not checked: needs privilege",
			 disabled);
		return;
	}
	ret = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_ARRAY, NULL);

	r->ok = ret == 1;
	if (r->ok)
		snprintf(r->detail, sizeof(r->detail), "available");
	else if (ret == -ENOSYS)
		snprintf(r->detail, sizeof(r->detail),
			 "bpf() disabled: the kernel has no CONFIG_BPF_SYSCALL");
	else if (ret == -EPERM || ret == -EACCES)
		snprintf(r->detail, sizeof(r->detail),
			 "bpf() disabled for this user (EPERM; see "
			 "kernel.unprivileged_bpf_disabled)");
	else
		snprintf(r->detail, sizeof(r->detail), "bpf() disabled: %s",
			 strerror(ret < 0 ? -ret : EINVAL));
}

static void check_btf(struct probe_result *r)
{
	const char *path = probe_btf_path();

	r->ok = access(path, R_OK) == 0;
	snprintf(r->detail, sizeof(r->detail),
		 r->ok ? "%s"
		       : "no BTF: %s is missing (a kernel built with CONFIG_DEBUG_INFO_BTF=y is "
			 "needed)",
		 path);
}

static void check_ringbuf(struct probe_result *r)
{
	int ret;

	if (!has_privilege()) {
		snprintf(r->detail, sizeof(r->detail), "not checked: needs privilege");
		return;
	}
	ret = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL);

	r->ok = ret == 1;
	snprintf(r->detail, sizeof(r->detail),
		 r->ok ? "supported"
		       : "BPF ring buffers unsupported (Linux 5.8 or later is needed)");
}

void probe_run(enum probe_check check, struct probe_result *r)
{
	memset(r, 0, sizeof(*r));
	switch (check) {
	case PROBE_PRIVILEGE:
		check_privilege(r);
		break;
	case PROBE_BPF_SYSCALL:
		check_bpf_syscall(r);
		break;
	case PROBE_BTF:
		check_btf(r);
		break;
	case PROBE_RINGBUF:
		check_ringbuf(r);
		break;
	case PROBE__COUNT:
		break;
	}
}

bool probe_machine(struct probe_result *first_failure)
{
	for (int c = 0; c < PROBE__COUNT; c++) {
		probe_run((enum probe_check)c, first_failure);
		if (!first_failure->ok)
			/* the first failure is the reason; later ones follow from it */
			return false;
	}
	return true;
}

/* raw BTF's string section, checked against the header; -EINVAL if raw is not BTF. */
static int btf_strings(const void *raw, size_t size, const char **strs, size_t *len)
{
	struct btf_header h;

	if (size < sizeof(h))
		return -EINVAL;
	memcpy(&h, raw, sizeof(h));
	if (h.magic != BTF_MAGIC || h.hdr_len < sizeof(h) || h.hdr_len > size ||
	    h.str_off > size - h.hdr_len || h.str_len > size - h.hdr_len - h.str_off)
		return -EINVAL;
	*strs = (const char *)raw + h.hdr_len + h.str_off;
	*len = h.str_len;
	return 0;
}

/* The next string at or after *from that starts with pre (n bytes); NULL at the end. */
static const char *btf_strings__next(const char *strs, size_t len, size_t *from, const char *pre,
				     size_t n)
{
	const char *p;

	/* each string is NUL-terminated and the section starts with the empty one */
	while (*from + n < len && (p = memmem(strs + *from, len - *from, pre, n))) {
		size_t at = (size_t)(p - strs);

		*from = at + 1;
		if (at > 0 && !strs[at - 1] && memchr(p, 0, len - at))
			return p;
	}
	*from = len;
	return NULL;
}

int probe_btf_has_name(const void *raw, size_t size, const char *name)
{
	size_t n = strlen(name), len, from = 0;
	const char *strs, *p;

	if (btf_strings(raw, size, &strs, &len))
		return -EINVAL;
	while ((p = btf_strings__next(strs, len, &from, name, n)))
		if (!p[n])
			return 1;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Every name in raw BTF that starts with pre, sorted: one scan of the string section for all
 * the tracepoint checks of a process (a tracer has several, and each command may ask twice).
 */
static int btf_names__collect(const void *raw, size_t size, const char *pre, const char ***out,
			      size_t *count)
{
	size_t n = strlen(pre), len, from = 0, cap = 0;
	const char **names = NULL, **grown, *strs, *p;

	*count = 0;
	if (btf_strings(raw, size, &strs, &len))
		return -EINVAL;
	while ((p = btf_strings__next(strs, len, &from, pre, n))) {
		if (*count == cap) {
			cap = cap ? cap * 2 : 1024;
			grown = realloc(names, cap * sizeof(*names));
			if (!grown) {
				free(names);
				return -ENOMEM;
			}
			names = grown;
		}
		names[(*count)++] = p;
	}
	if (names)
		qsort(names, *count, sizeof(*names), name_cmp);
	*out = names;
	return 0;
}

/* The whole of f, read into one malloc'd buffer; NULL on error. */
static char *file__read_all(FILE *f, size_t *len)
{
	size_t cap = 1 << 22, n;
	char *raw = malloc(cap), *grown;

	*len = 0;
	while (raw && (n = fread(raw + *len, 1, cap - *len, f)) > 0) {
		*len += n;
		if (*len < cap)
			continue;
		grown = realloc(raw, cap * 2);
		if (!grown) {
			free(raw);
			return NULL;
		}
		raw = grown;
		cap *= 2;
	}
	return raw;
}

/*
 * /sys/kernel/btf/vmlinux (or VIGIL_BTF), kept for the process; NULL if it cannot be read.
 * Mapped where the kernel allows it (sysfs BTF since Linux 6.16, any regular file): reading
 * 5 MB into fresh memory cost ~1,300 page faults, a tenth of a probe command's start on a VM.
 */
static const void *btf_raw(size_t *size)
{
	static const void *raw;
	static size_t len;
	static bool tried;

	if (!tried) {
		FILE *f = fopen(probe_btf_path(), "re");
		struct stat st;
		void *m;

		tried = true;
		if (f && !fstat(fileno(f), &st) && st.st_size > 0) {
			m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(f), 0);
			if (m != MAP_FAILED) {
				raw = m;
				len = (size_t)st.st_size;
			}
		}
		if (f && !raw)
			raw = file__read_all(f, &len);
		if (f)
			fclose(f);
	}
	*size = len;
	return raw;
}

/*
 * A tracepoint's BTF typedef, btf_trace_<name>, exists when its name is in the string
 * section: the names with that prefix are gathered in one scan of ~2.5 MB of names, instead
 * of btf__parse() of every type (which cost the probes' kernel view ~0.2 s before libbpf
 * parses the same file again for CO-RE). A file that is not raw BTF (an ELF vmlinux in
 * VIGIL_BTF) is parsed with libbpf.
 */
bool probe_has_tracepoint(const char *tracepoint)
{
	static const char **names;
	static size_t count;
	static int indexed = 1; /* 1: not yet; 0: done; -errno: raw is not BTF */
	static struct btf *vmlinux;
	const char *name = strchr(tracepoint, ':'), *key;
	const void *raw;
	char type[160];
	size_t size;

	snprintf(type, sizeof(type), "btf_trace_%s", name ? name + 1 : tracepoint);
	if (indexed > 0) {
		raw = btf_raw(&size);
		indexed =
			raw ? btf_names__collect(raw, size, "btf_trace_", &names, &count) : -EINVAL;
	}
	if (!indexed) {
		key = type;
		return bsearch(&key, names, count, sizeof(*names), name_cmp) != NULL;
	}
	if (!vmlinux) {
		vmlinux = btf__parse(probe_btf_path(), NULL);
		if (!vmlinux)
			return false;
	}
	return btf__find_by_name_kind(vmlinux, type, BTF_KIND_TYPEDEF) > 0;
}
