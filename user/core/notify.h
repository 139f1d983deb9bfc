/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * notify.h: telling a supervisor that vigil is ready, with systemd's sd_notify protocol: a
 * "READY=1" datagram to the AF_UNIX socket named by $NOTIFY_SOCKET (a path, or an abstract
 * name written with a leading '@'). Ready means every tracer is attached and the consumer
 * drains: from then on no event of interest is missed. A unit of Type=notify starts its
 * dependants only then, and the tests wait for it instead of sleeping.
 */
#ifndef VIGIL_NOTIFY_H
#define VIGIL_NOTIFY_H

/* Send READY=1 (once per process; later calls do nothing). Without $NOTIFY_SOCKET, nothing. */
void notify__ready(void);

#endif /* VIGIL_NOTIFY_H */
