/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * addr_opts.h: the CLI side of address sets (net/net_addrset.h). struct addr_sel holds what
 * --laddr, --raddr, --loose, --resolve and --resolve-timeout chose, for every command that
 * reads sockets or probes peers itself (net connections, lsof -i, top, the probes); one setter
 * fills it and one check refuses a prefix with host bits set when --loose was not given. The
 * prefixes are parsed loosely as they come, since --loose may come after them, and checked
 * once the whole command line is read. The tracers keep theirs in trace_cfg (for the kernel)
 * and share the check.
 */
#ifndef VIGIL_ADDR_OPTS_H
#define VIGIL_ADDR_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/cli.h"
#include "net/net_addrset.h"

/* The address options of one command line. Zeroed is "no selection, no names". */
struct addr_sel {
	struct addrset laddr, raddr; /* --laddr, --raddr (loose until addr_sel__check()) */
	bool loose;		     /* --loose */
	bool resolve;		     /* --resolve: reverse names of remote addresses */
	uint64_t resolve_timeout_ns; /* --resolve-timeout; 0: the resolver's default */
};

/*
 * Apply one of TO_LADDR, TO_RADDR, TO_LOOSE, TO_RESOLVE, TO_RESOLVE_TIMEOUT (cli/trace_opts.h).
 * 0; -ENOENT when id is none of them; -EINVAL or -ERANGE for a bad value.
 */
int addr_sel__set(struct addr_sel *sel, int id, const char *arg);

/* addr_opts__check() for both sets: 0, or -EINVAL after the message (exit 2). */
int addr_sel__check(const struct addr_sel *sel, const struct cli_cmd *cmd);

/* Whether --laddr or --raddr narrows anything. */
static inline bool addr_sel__active(const struct addr_sel *sel)
{
	return !addrset__is_empty(&sel->laddr) || !addrset__is_empty(&sel->raddr);
}

/*
 * Whether a socket with these ends (as text; NULL or "" for an end it lacks) is selected:
 * laddr in --laddr and raddr in --raddr. An empty set selects everything.
 */
bool addr_sel__match_text(const struct addr_sel *sel, const char *laddr, const char *raddr);

/*
 * Refuse (exit 2, naming the flag and value) a prefix of set with host bits set unless loose,
 * as IPy refuses IP('10.0.0.1/8'). 0 or -EINVAL.
 */
int addr_opts__check(const struct cli_cmd *cmd, const struct addrset *set, const char *flag,
		     bool loose);

/* --resolve-timeout's value: a duration from 10ms to 30s. 0, -EINVAL or -ERANGE. */
int addr_opts__resolve_timeout(const char *arg, uint64_t *ns);

#endif /* VIGIL_ADDR_OPTS_H */
