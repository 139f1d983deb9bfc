// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * addr_opts.c: the one setter of the address options (struct addr_sel) and the one message
 * for a --laddr/--raddr prefix with host bits set, given without --loose (cli/addr_opts.h).
 */
#include "cli/addr_opts.h"

#include <errno.h>

#include "cli/parse.h"
#include "cli/trace_opts.h"

int addr_sel__set(struct addr_sel *sel, int id, const char *arg)
{
	int err;

	switch (id) {
	case TO_LADDR:
	case TO_RADDR:
		/* loose now: --loose may follow; addr_sel__check() refuses host bits after */
		err = addrset__parse(id == TO_LADDR ? &sel->laddr : &sel->raddr, arg,
				     ADDRSET_F_LOOSE);
		return err == -E2BIG ? -ERANGE : err ? -EINVAL : 0;
	case TO_LOOSE:
		sel->loose = true;
		return 0;
	case TO_RESOLVE:
		sel->resolve = true;
		return 0;
	case TO_RESOLVE_TIMEOUT:
		return addr_opts__resolve_timeout(arg, &sel->resolve_timeout_ns);
	}
	return -ENOENT;
}

int addr_sel__check(const struct addr_sel *sel, const struct cli_cmd *cmd)
{
	if (addr_opts__check(cmd, &sel->laddr, "--laddr", sel->loose))
		return -EINVAL;
	return addr_opts__check(cmd, &sel->raddr, "--raddr", sel->loose);
}

bool addr_sel__match_text(const struct addr_sel *sel, const char *laddr, const char *raddr)
{
	if (!addrset__match_text(&sel->laddr, laddr ? laddr : ""))
		return false;
	return addrset__match_text(&sel->raddr, raddr ? raddr : "");
}

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
