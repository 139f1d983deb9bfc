/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * probe.h: what this machine allows, checked one requirement at a time so vigil can say
 * exactly why BPF cannot be used: bpf() disabled, missing privilege (CAP_BPF + CAP_PERFMON,
 * or root), no kernel BTF, a missing tracepoint, or a BPF object the verifier refuses.
 * VIGIL_BTF overrides the BTF path (tests use it to simulate a kernel without BTF).
 */
#ifndef VIGIL_PROBE_H
#define VIGIL_PROBE_H

#include <stdbool.h>
#include <stddef.h>

struct probe_result {
	bool ok;
	char detail[256];
};

enum probe_check {
	PROBE_PRIVILEGE,
	PROBE_BPF_SYSCALL,
	PROBE_BTF,
	PROBE_RINGBUF,
	PROBE__COUNT,
};

extern const char *const probe_check_names[PROBE__COUNT];

void probe_run(enum probe_check check, struct probe_result *r);

/* All machine-wide checks; false (with the first failure's detail) if any fails. */
bool probe_machine(struct probe_result *first_failure);

/* Whether the kernel has tracepoint "cat:name" (its btf_trace_<name> type). */
bool probe_has_tracepoint(const char *tracepoint);

/*
 * Whether the raw BTF in raw[0..size) has name in its string section: 1 or 0; -EINVAL when
 * raw is not raw BTF (bad magic, a section past the end). Bounded on any input (fuzzed).
 */
int probe_btf_has_name(const void *raw, size_t size, const char *name);

const char *probe_btf_path(void);

/*
 * The root of the cgroup v2 tree (where cgroup programs attach) into path: true, or false
 * with r saying why (no cgroup2 file system mounted there).
 */
bool probe_cgroup2_root(char *path, size_t len, struct probe_result *r);

/* Whether this process has capability cap (CAP_NET_ADMIN, ...) in its effective set. */
bool probe_has_cap(int cap);

/*
 * An integer sysctl by dotted name ("kernel.bpf_stats_enabled"), read through the fallback
 * library (fb_sysctl_read(), under its root), or -1 if it cannot be read.
 */
int probe_sysctl_int(const char *name);

#endif /* VIGIL_PROBE_H */
