/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * probe_traceroute.h: `vigil probe traceroute HOST`, the TCP traceroute (probe_route.h has
 * its parts). argv[0] is "traceroute"; returns the exit status: 0 the target answered (open
 * or closed), 1 it was not reached or the trace failed (said on stderr), 2 bad usage.
 */
#ifndef VIGIL_PROBE_TRACEROUTE_H
#define VIGIL_PROBE_TRACEROUTE_H

int probe_traceroute__cmd(int argc, char **argv);

#endif /* VIGIL_PROBE_TRACEROUTE_H */
