/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bsd_int.h - what the FreeBSD backend's files include: its decoders (bsd_decode.h) and the
 * layer it shares with macOS (sysctl/sysctl_int.h: the sysctlbyname() reads and the hooks).
 */
#ifndef VIGIL_FB_BSD_INT_H
#define VIGIL_FB_BSD_INT_H

#include "bsd_decode.h"
#include "../sysctl/sysctl_int.h"

#endif /* VIGIL_FB_BSD_INT_H */
