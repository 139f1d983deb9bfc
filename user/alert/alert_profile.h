/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * alert_profile.h: the evidence a CPU alert carries: when an alert on cpu_percent or on a
 * run-queue latency is first notified, serve takes a short on-CPU profile of the whole host
 * with its own binary (`vigil profile -f svg`) and attaches the flame graph to the message.
 */
#ifndef VIGIL_ALERT_PROFILE_H
#define VIGIL_ALERT_PROFILE_H

#include <stdbool.h>

/* Seconds of sampling; the eval thread waits for them, with serve's readers not held up. */
#define ALERT_PROFILE_SECONDS 2

/* Whether an alert on this metric gets a flame graph: CPU busy and run-queue latency. */
bool alert_profile__wanted(const char *metric);

/* The flame graph SVG of ALERT_PROFILE_SECONDS of sampling, titled title, malloc'd; NULL
 * (said once per cause on stderr) when the profile could not be taken. */
char *alert_profile__svg(const char *title);

#endif /* VIGIL_ALERT_PROFILE_H */
