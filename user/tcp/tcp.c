// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tcp.c: the TCP subsystem's side of the tracer ops: its tracepoints, what it can produce,
 * how a trace_cfg becomes tcp.bpf.c's rodata (and which programs need loading at all), and,
 * once loaded, the --laddr/--raddr prefixes put into the LPM tries.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/types.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "events.h"
#include "core/record.h"
#include "core/log.h"
#include "core/probe.h"
#include "net/net_lpm.h"
#include "tcp.skel.h"
#include "tcp/tcp_addr.h"
#include "core/tracer.h"

/* accept() and accept4() return through every syscall's exit tracepoint. */
#define TCP_ACCEPT_TRACEPOINT "raw_syscalls:sys_exit"

static bool wants(uint64_t mask, unsigned int bit)
{
	return mask & (1ULL << bit);
}

static void tcp_set_rodata(struct tcp_bpf *skel, const struct trace_cfg *cfg)
{
	struct tcp_bpf__rodata *ro = skel->rodata;

	TRACE_CFG_SET_COMMON_RODATA(ro, cfg);
	ro->targ_stream_connect = wants(cfg->stream_kinds, VG_KIND_TCP_CONNECT);
	ro->targ_stream_accept = wants(cfg->stream_kinds, VG_KIND_TCP_ACCEPT);
	ro->targ_stream_state = wants(cfg->stream_kinds, VG_KIND_TCP_STATE);
	ro->targ_stream_close = wants(cfg->stream_kinds, VG_KIND_TCP_CLOSE);
	ro->targ_stream_retransmit = wants(cfg->stream_kinds, VG_KIND_TCP_RETRANSMIT);
	ro->targ_stream_reset = wants(cfg->stream_kinds, VG_KIND_TCP_RESET);
	ro->targ_hist_connect = wants(cfg->hists, HIST_TCP_CONNECT);
	ro->targ_hist_rtt = wants(cfg->hists, HIST_TCP_RTT);
	ro->targ_hist_per = cfg->hist_per;
	ro->targ_hist_unit_ns = cfg->hist_unit_ns ? cfg->hist_unit_ns : 1000;
	ro->targ_min_ns = cfg->min_latency_ns;
	ro->targ_family = cfg->tcp_family == 4	 ? TCP_AF_INET
			  : cfg->tcp_family == 6 ? TCP_AF_INET6
						 : 0;
	for (uint32_t i = 0; i < cfg->tcp_nports && i < TRACE_TCP_MAX_PORTS; i++)
		ro->targ_ports[i] = cfg->tcp_ports[i];
	ro->targ_nports = cfg->tcp_nports;
	ro->targ_has_laddr = cfg->tcp_laddr.n > 0;
	ro->targ_has_raddr = cfg->tcp_raddr.n > 0;
	ro->targ_laddr_miss = !cfg->tcp_laddr.npos;
	ro->targ_raddr_miss = !cfg->tcp_raddr.npos;
	ro->targ_io_bytes = cfg->tcp_io_bytes;
	ro->targ_nr_accept = SYS_accept;
	ro->targ_nr_accept4 = SYS_accept4;
}

/*
 * Load only the programs something asked for: each costs time on a hot path. The accept()
 * hook is sys_exit, which runs at the end of every syscall of every process: it is loaded
 * only for tcp_accept records. Owners of passive connections are otherwise learned on their
 * first send or receive, or at close().
 */
static void tcp_set_autoload(struct tcp_bpf *skel, const struct trace_cfg *cfg)
{
	const struct tcp_bpf__rodata *ro = skel->rodata;
	bool owner = ro->targ_stream_accept || ro->targ_stream_state || ro->targ_stream_close ||
		     ro->targ_stream_retransmit || ro->targ_stream_reset ||
		     cfg->hist_per == VG_PER_PID || cfg->tgid || cfg->tid || cfg->comm[0] ||
		     cfg->cgroup_id || cfg->tcp_io_bytes;
	bool rtt = ro->targ_stream_close || ro->targ_hist_rtt;
	/* Asked for nothing: the doctor's trial load, which must verify every program. */
	bool all = !cfg->stream_kinds && !cfg->hists;
	bool accept = ro->targ_stream_accept || all;

	owner |= all;
	bpf_program__set_autoload(skel->progs.handle_tcp_probe, rtt || all);
	bpf_program__set_autoload(skel->progs.handle_tcp_retransmit,
				  ro->targ_stream_retransmit || all);
	bpf_program__set_autoload(skel->progs.handle_tcp_send_reset, ro->targ_stream_reset || all);
	bpf_program__set_autoload(skel->progs.handle_tcp_receive_reset,
				  ro->targ_stream_reset || all);
	bpf_program__set_autoload(skel->progs.handle_tcp_send_length, owner);
	bpf_program__set_autoload(skel->progs.handle_tcp_recv_length, owner);
	if (accept && !probe_has_tracepoint(TCP_ACCEPT_TRACEPOINT)) {
		if (!all)
			pr_warn("tcp: no tcp_accept records: tracepoint %s missing from kernel BTF",
				TCP_ACCEPT_TRACEPOINT);
		accept = false;
	}
	bpf_program__set_autoload(skel->progs.handle_tcp_sys_exit, accept);
}

/* The connection table as asked; keyed histograms and byte counts only when used. */
static int tcp_size_maps(struct tcp_bpf *skel, const struct trace_cfg *cfg)
{
	bool keyed = cfg->hist_per != VG_PER_GLOBAL;
	int err = bpf_map__set_max_entries(skel->maps.conns, cfg->tcp_max_conns
								     ? cfg->tcp_max_conns
								     : TRACE_TCP_CONNS_DEFAULT);

	if (!err)
		err = map__shrink_unused(skel->maps.connect_hist,
					 keyed && wants(cfg->hists, HIST_TCP_CONNECT));
	if (!err)
		err = map__shrink_unused(skel->maps.rtt_hist,
					 keyed && wants(cfg->hists, HIST_TCP_RTT));
	if (!err)
		err = map__shrink_unused(skel->maps.io_bytes, cfg->tcp_io_bytes);
	return err;
}

static void *tcp_open(const struct trace_cfg *cfg, struct bpf_object **obj)
{
	struct tcp_bpf *skel = tcp_bpf__open();
	int err;

	if (!skel)
		return NULL;
	tcp_set_rodata(skel, cfg);
	tcp_set_autoload(skel, cfg);
	err = tcp_size_maps(skel, cfg);
	if (err) {
		tcp_bpf__destroy(skel);
		errno = -err;
		return NULL;
	}
	*obj = skel->obj;
	return skel;
}

static int tcp_loaded(void *skel_, const struct trace_cfg *cfg)
{
	struct tcp_bpf *skel = skel_;
	int err = lpm_trie__fill(skel->maps.laddr_lpm, &cfg->tcp_laddr);

	return err ? err : lpm_trie__fill(skel->maps.raddr_lpm, &cfg->tcp_raddr);
}

static void tcp_destroy(void *skel)
{
	tcp_bpf__destroy(skel);
}

static const char *const tcp_tracepoints[] = {
	"sock:inet_sock_set_state", "tcp:tcp_probe",
	"tcp:tcp_retransmit_skb",   "tcp:tcp_send_reset",
	"tcp:tcp_receive_reset",    "sock:sock_send_length",
	"sock:sock_recv_length",    NULL,
};

#define K(kind) (1ULL << VG_KIND_TCP_##kind)
#define H(hist) (1U << HIST_TCP_##hist)

/*
 * inet_sock_set_state keeps the connection table every record reads; the others each feed
 * their records. accept()'s exit is optional: without it only tcp_accept records are lost.
 */
static const struct tracer_hook tcp_hooks[] = {
	{ "handle_tcp_set_state", "sock:inet_sock_set_state",
	  K(CONNECT) | K(ACCEPT) | K(STATE) | K(CLOSE) | K(RETRANSMIT) | K(RESET), H(CONNECT),
	  false },
	{ "handle_tcp_probe", "tcp:tcp_probe", K(CLOSE), H(RTT), false },
	{ "handle_tcp_retransmit", "tcp:tcp_retransmit_skb", K(RETRANSMIT), 0, false },
	{ "handle_tcp_send_reset", "tcp:tcp_send_reset", K(RESET), 0, false },
	{ "handle_tcp_receive_reset", "tcp:tcp_receive_reset", K(RESET), 0, false },
	{ "handle_tcp_send_length", "sock:sock_send_length", K(CLOSE), 0, false },
	{ "handle_tcp_recv_length", "sock:sock_recv_length", K(CLOSE), 0, false },
	{ "handle_tcp_sys_exit", TCP_ACCEPT_TRACEPOINT, K(ACCEPT), 0, true },
	{ 0 },
};

const struct tracer_ops tcp_tracer_ops = {
	.name = "tcp",
	.tracepoints = tcp_tracepoints,
	.fallback = "sock_diag (netlink INET_DIAG polls: connections, RTT and bytes per poll)",
	.kinds = (1ULL << VG_KIND_TCP_CONNECT) | (1ULL << VG_KIND_TCP_ACCEPT) |
		 (1ULL << VG_KIND_TCP_STATE) | (1ULL << VG_KIND_TCP_CLOSE) |
		 (1ULL << VG_KIND_TCP_RETRANSMIT) | (1ULL << VG_KIND_TCP_RESET),
	.hists = (1U << HIST_TCP_CONNECT) | (1U << HIST_TCP_RTT),
	.hooks = tcp_hooks,
	.open = tcp_open,
	.destroy = tcp_destroy,
	.loaded = tcp_loaded,
};
