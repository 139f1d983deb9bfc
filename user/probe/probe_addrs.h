/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * probe_addrs.h: the address options of every probe (issue 15), as a curl or scapy user
 * expects them. --laddr ADDR is the source address a probe sends from (curl's --interface
 * host!ADDR, scapy's IP(src=...)): one address of this host, checked before any run.
 * --raddr CIDRS is the set of target addresses a probe may send to: a target that resolves
 * outside it fails the run with nothing sent (libcurl tries the next address first), so a
 * monitoring job can never wander off its network. --resolve adds the reverse name (PTR) of
 * the address probed, looked up after the run (never inside its timings) and cached.
 */
#ifndef VIGIL_PROBE_ADDRS_H
#define VIGIL_PROBE_ADDRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/addr_opts.h"
#include "cli/trace_opts.h"

#define PROBE_ADDR_LEN 46

struct resolver;

struct probe_addrs {
	struct addr_sel sel;
	char src[PROBE_ADDR_LEN]; /* --laddr as text; "" for the kernel's choice */
	uint8_t src128[16];	  /* the same, 128-bit form */
	bool src_v4;
	struct resolver *res; /* --resolve, once probe_addrs__start() ran */
};

/* clang-format off */
#define PROBE_OPTS_ADDRS                                                                      \
	{ "laddr", 0, "ADDR", TO_LADDR, "one IPv4 or IPv6 address of this host",              \
	  "send from this source address (as curl --interface host!ADDR)" },                  \
	{ "raddr", 0, "CIDRS", TO_RADDR, ADDR_OPTS_ACCEPTS,                                   \
	  "probe only target addresses in CIDRS: one outside fails the run, nothing sent" },  \
	{ "loose", 0, NULL, TO_LOOSE, NULL,                                                   \
	  "accept --raddr prefixes with host bits set (10.0.0.1/8 as 10.0.0.0/8)" },          \
	ADDR_OPTS_RESOLVE
/* clang-format on */

/* Apply an address option; -ENOENT if id is not one, -EINVAL/-ERANGE for a bad value. */
int probe_addrs__set(struct probe_addrs *pa, int id, const char *arg);

/*
 * Once the command line is read: host bits (addr_sel__check), and --laddr must be one address
 * this host can send from. 0, or -EINVAL after the message naming the flag (exit 2).
 */
int probe_addrs__check(struct probe_addrs *pa, const struct cli_cmd *cmd);

/* Start the resolver for --resolve (a warning when it cannot: names stay null). */
void probe_addrs__start(struct probe_addrs *pa, const char *cmd);

/* Whether the target address ip (text) is in --raddr (always, without --raddr). */
bool probe_addrs__allows(const struct probe_addrs *pa, const char *ip);

/*
 * With --resolve: ip's reverse name into buf and true, waiting up to --resolve-timeout for
 * an address not asked before; false (buf "") without --resolve or without a name.
 */
bool probe_addrs__name(struct probe_addrs *pa, const char *ip, char *buf, size_t len);

void probe_addrs__free(struct probe_addrs *pa);

/*
 * libcurl's side: the source address and a socket opener that refuses addresses outside
 * --raddr, recording the first one refused. A per-run state, on the run's stack.
 */
struct probe_curl_addrs {
	const struct probe_addrs *pa;
	char refused[PROBE_ADDR_LEN]; /* an address left out by --raddr, "" if none */
};

/* Set the options on h (a CURL *); 0 or -EINVAL. pa may be NULL (nothing to set). */
int probe_curl_addrs__apply(struct probe_curl_addrs *ca, void *h);

/*
 * After a failed transfer: when --raddr refused an address, say so in buf (the run's error)
 * and return true.
 */
bool probe_curl_addrs__explain(const struct probe_curl_addrs *ca, char *buf, size_t len);

#endif /* VIGIL_PROBE_ADDRS_H */
