// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * trace_opts.c: validating the shared tracing options. A cgroup is named by its v2 directory
 * and passed to the kernel as its id, which on cgroup v2 is the directory's inode number.
 */
#include "cli/trace_opts.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "core/backend.h"
#include "blkio/blkio_dev.h"
#include "cli/parse.h"
#include "tcp/tcp_addr.h"
#include "core/log.h"
#include "fallback.h"

#define CGROUP2_MAGIC 0x63677270
#define PID_MAX_LIMIT 4194304

void trace_cfg__init(struct trace_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->hist_unit_ns = NSEC_PER_USEC;
	cfg->ringbuf_bytes = TRACE_RINGBUF_DEFAULT;
	cfg->poll_interval_ns = POLL_INTERVAL_DEFAULT_NS;
}

static int cgroup_id_of(const char *path, uint64_t *id)
{
	struct statfs fs;
	struct stat st;

	if (statfs(path, &fs) || fs.f_type != CGROUP2_MAGIC)
		return -EINVAL;
	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return -EINVAL;
	*id = st.st_ino;
	return 0;
}

static bool is_power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

static int trace_cfg__set_tcp_opt(struct trace_cfg *cfg, int id, const char *arg)
{
	uint64_t v;
	int err;

	switch (id) {
	case TO_PORT:
		err = tcp_ports_parse(arg, cfg->tcp_ports, &cfg->tcp_nports, TRACE_TCP_MAX_PORTS);
		return err == -E2BIG ? -ERANGE : err;
	case TO_LADDR:
	case TO_RADDR:
		/* loose here: --loose may come later; trace_opts__check_addrs() refuses after */
		err = addrset__parse(id == TO_LADDR ? &cfg->tcp_laddr : &cfg->tcp_raddr, arg,
				     ADDRSET_F_LOOSE);
		return err == -E2BIG ? -ERANGE : err;
	case TO_LOOSE:
		cfg->addr_loose = 1;
		return 0;
	case TO_FAMILY:
		if (strcmp(arg, "4") && strcmp(arg, "6"))
			return -EINVAL;
		cfg->tcp_family = arg[0] == '4' ? 4 : 6;
		return 0;
	case TO_MAX_CONNS:
		err = parse_u64(arg, 64, 1 << 24, &v);
		if (err)
			return err;
		cfg->tcp_max_conns = (uint32_t)v;
		return 0;
	}
	return -ENOENT;
}

int trace_cfg__set_opt(struct trace_cfg *cfg, int id, const char *arg)
{
	uint64_t v;
	int err;

	switch (id) {
	case TO_PID:
	case TO_TID:
		err = parse_u64(arg, 1, PID_MAX_LIMIT, &v);
		if (err)
			return err;
		*(id == TO_PID ? &cfg->tgid : &cfg->tid) = (uint32_t)v;
		return 0;
	case TO_COMM:
		if (!*arg || strlen(arg) >= TRACE_COMM_LEN)
			return -EINVAL;
		memset(cfg->comm, 0, sizeof(cfg->comm));
		memcpy(cfg->comm, arg, strlen(arg));
		return 0;
	case TO_CGROUP:
		return cgroup_id_of(arg, &cfg->cgroup_id);
	case TO_MIN_LATENCY:
		return parse_duration(arg, NSEC_PER_USEC, &cfg->min_latency_ns);
	case TO_RINGBUF_SIZE:
		err = parse_size(arg, &v);
		if (err)
			return err;
		if (!is_power_of_two(v) || v < (64 << 10) || v > (1ULL << 30))
			return -ERANGE;
		cfg->ringbuf_bytes = v;
		return 0;
	case TO_BACKEND:
		err = parse_choice(arg, backend_names);
		if (err < 0)
			return err;
		cfg->backend = (uint32_t)err;
		return 0;
	case TO_POLL_INTERVAL:
		err = parse_duration(arg, NSEC_PER_SEC, &v);
		if (err)
			return err;
		if (v < 10 * NSEC_PER_MSEC || v > 3600 * NSEC_PER_SEC)
			return -ERANGE;
		cfg->poll_interval_ns = v;
		return 0;
	case TO_DISK:
		err = blkio_disk_dev(arg, &cfg->blkio_dev);
		return err ? -EINVAL : 0;
	case TO_QUEUED:
		cfg->blkio_queued = 1;
		return 0;
	case TO_DNS_TIMEOUT:
		err = parse_duration(arg, NSEC_PER_SEC, &v);
		if (err)
			return err;
		if (v < 10 * NSEC_PER_MSEC || v > 3600 * NSEC_PER_SEC)
			return -ERANGE;
		cfg->dns_timeout_ns = v;
		return 0;
	}
	return trace_cfg__set_tcp_opt(cfg, id, arg);
}

const char *const trace_scope_names[] = { "sched", "tcp", "blkio", "dns", NULL };

uint32_t trace_scope_of(const char *subsystem)
{
	for (int b = 0; trace_scope_names[b]; b++) {
		if (!strcmp(trace_scope_names[b], subsystem))
			return 1U << b;
	}
	return 0;
}

uint32_t trace_opt_scope(int id)
{
	switch (id) {
	case TO_LADDR:
	case TO_RADDR:
	case TO_LOOSE:
		return TS_TCP | TS_DNS; /* dns: the querier's and the server's address */
	case TO_PORT:
	case TO_FAMILY:
	case TO_MAX_CONNS:
	case TO_RESOLVE:
	case TO_RESOLVE_TIMEOUT:
		return TS_TCP;
	case TO_DISK:
	case TO_QUEUED:
		return TS_BLKIO;
	case TO_DNS_TIMEOUT:
		return TS_DNS;
	}
	return 0;
}

int trace_opts__check_backend(const struct cli_cmd *cmd, const struct cli_common *c,
			      const struct trace_cfg *cfg)
{
	if (cfg->backend == BACKEND_FALLBACK &&
	    cli_refuse_with(cmd, c, TO_RINGBUF_SIZE, "--backend fallback (no ring buffer)"))
		return -EINVAL;
	if (cfg->backend == BACKEND_BPF &&
	    cli_refuse_with(cmd, c, TO_POLL_INTERVAL, "--backend bpf (nothing polls)"))
		return -EINVAL;
	return 0;
}

int trace_opts__check_addrs(const struct cli_cmd *cmd, const struct trace_cfg *cfg)
{
	if (addr_opts__check(cmd, &cfg->tcp_laddr, "--laddr", cfg->addr_loose))
		return -EINVAL;
	return addr_opts__check(cmd, &cfg->tcp_raddr, "--raddr", cfg->addr_loose);
}

uint32_t trace_cfg__filters(const struct trace_cfg *cfg)
{
	uint32_t f = 0;

	f |= cfg->tgid ? TF_PID : 0;
	f |= cfg->tid ? TF_TID : 0;
	f |= cfg->comm[0] ? TF_COMM : 0;
	f |= cfg->cgroup_id ? TF_CGROUP : 0;
	f |= cfg->min_latency_ns ? TF_MIN_LATENCY : 0;
	f |= cfg->tcp_nports || cfg->tcp_laddr.n || cfg->tcp_raddr.n || cfg->tcp_family
		     ? TF_TCP_TUPLE
		     : 0;
	f |= cfg->blkio_dev ? TF_DISK : 0;
	return f;
}

const char *trace_filter_flag(uint32_t mask)
{
	static const char *const flags[] = { "--pid",	      "--tid",
					     "--comm",	      "--cgroup",
					     "--min-latency", "--port/--laddr/--raddr/--family",
					     "--disk" };

	for (unsigned int i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (mask & (1U << i))
			return flags[i];
	}
	return "a filter";
}

int trace_cfg__check_targets(const struct trace_cfg *cfg, const char *cmd)
{
	if (cfg->tgid && !fb_tid_exists((pid_t)cfg->tgid)) {
		pr_err("%s%sno such process: %u", cmd, *cmd ? ": " : "", cfg->tgid);
		return -ESRCH;
	}
	if (cfg->tid && !fb_tid_exists((pid_t)cfg->tid)) {
		pr_err("%s%sno such thread: %u", cmd, *cmd ? ": " : "", cfg->tid);
		return -ESRCH;
	}
	return 0;
}
