// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * addr_opts.c: the one message for a --laddr/--raddr prefix with host bits set, given
 * without --loose (cli/addr_opts.h).
 */
#include "cli/addr_opts.h"

#include <errno.h>

#include "cli/parse.h"

int addr_opts__check(const struct cli_cmd *cmd, const struct addrset *set, const char *flag,
		     bool loose)
{
	if (loose || !set->hostbits[0])
		return 0;
	cli_error(cmd,
		  "%s: '%s' has host bits set past its prefix length (IPy refuses it too): "
		  "write the network address, or add --loose to clear them",
		  flag, set->hostbits);
	return -EINVAL;
}

int addr_opts__resolve_timeout(const char *arg, uint64_t *ns)
{
	if (parse_duration(arg, NSEC_PER_SEC, ns))
		return -EINVAL;
	return *ns < 10 * NSEC_PER_MSEC || *ns > 30 * NSEC_PER_SEC ? -ERANGE : 0;
}
