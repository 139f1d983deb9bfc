/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * addr_opts.h: the CLI side of address sets (net/net_addrset.h) for the commands that read
 * sockets themselves (net connections, lsof -i, top) and for the tracers' shared options:
 * the refusal of a prefix with host bits set when --loose was not given. The prefixes are
 * parsed loosely as they come, since --loose may come after them, and checked once the
 * whole command line is read.
 */
#ifndef VIGIL_ADDR_OPTS_H
#define VIGIL_ADDR_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/cli.h"
#include "net/net_addrset.h"

/*
 * Refuse (exit 2, naming the flag and value) a prefix of set with host bits set unless loose,
 * as IPy refuses IP('10.0.0.1/8'). 0 or -EINVAL.
 */
int addr_opts__check(const struct cli_cmd *cmd, const struct addrset *set, const char *flag,
		     bool loose);

/* --resolve-timeout's value: a duration from 10ms to 30s. 0, -EINVAL or -ERANGE. */
int addr_opts__resolve_timeout(const char *arg, uint64_t *ns);

#endif /* VIGIL_ADDR_OPTS_H */
