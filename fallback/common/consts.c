// SPDX-License-Identifier: BSD-2-Clause
/*
 * consts.c - psutil's constant names: STATUS_*, CONN_*, NIC_DUPLEX_*, the connection kinds
 * accepted by net_connections(), and the exception class names.  Portable: every backend
 * returns these enums, so the strings live once here.
 */
#include "fb_int.h"

#include <errno.h>
#include <string.h>

static const char *const status_names[FB_STATUS__COUNT] = {
	[FB_STATUS_RUNNING] = "running",
	[FB_STATUS_SLEEPING] = "sleeping",
	[FB_STATUS_DISK_SLEEP] = "disk-sleep",
	[FB_STATUS_STOPPED] = "stopped",
	[FB_STATUS_TRACING_STOP] = "tracing-stop",
	[FB_STATUS_ZOMBIE] = "zombie",
	[FB_STATUS_DEAD] = "dead",
	[FB_STATUS_WAKE_KILL] = "wake-kill",
	[FB_STATUS_WAKING] = "waking",
	[FB_STATUS_IDLE] = "idle",
	[FB_STATUS_LOCKED] = "locked",
	[FB_STATUS_WAITING] = "waiting",
	[FB_STATUS_SUSPENDED] = "suspended",
	[FB_STATUS_PARKED] = "parked",
};

const char *fb_status_name(enum fb_proc_status s)
{
	return (unsigned)s < FB_STATUS__COUNT ? status_names[s] : NULL;
}

int fb_status_from_char(char c, enum fb_proc_status *out)
{
	switch (c) {
	case 'R':
		*out = FB_STATUS_RUNNING;
		break;
	case 'S':
		*out = FB_STATUS_SLEEPING;
		break;
	case 'D':
		*out = FB_STATUS_DISK_SLEEP;
		break;
	case 'T':
		*out = FB_STATUS_STOPPED;
		break;
	case 't':
		*out = FB_STATUS_TRACING_STOP;
		break;
	case 'Z':
		*out = FB_STATUS_ZOMBIE;
		break;
	case 'X':
	case 'x':
		*out = FB_STATUS_DEAD;
		break;
	case 'K':
		*out = FB_STATUS_WAKE_KILL;
		break;
	case 'W':
		*out = FB_STATUS_WAKING;
		break;
	case 'I':
		*out = FB_STATUS_IDLE;
		break;
	case 'P':
		*out = FB_STATUS_PARKED;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static const char *const conn_names[FB_CONN__COUNT] = {
	[FB_CONN_ESTABLISHED] = "ESTABLISHED",
	[FB_CONN_SYN_SENT] = "SYN_SENT",
	[FB_CONN_SYN_RECV] = "SYN_RECV",
	[FB_CONN_FIN_WAIT1] = "FIN_WAIT1",
	[FB_CONN_FIN_WAIT2] = "FIN_WAIT2",
	[FB_CONN_TIME_WAIT] = "TIME_WAIT",
	[FB_CONN_CLOSE] = "CLOSE",
	[FB_CONN_CLOSE_WAIT] = "CLOSE_WAIT",
	[FB_CONN_LAST_ACK] = "LAST_ACK",
	[FB_CONN_LISTEN] = "LISTEN",
	[FB_CONN_CLOSING] = "CLOSING",
	[FB_CONN_NONE] = "NONE",
	[FB_CONN_DELETE_TCB] = "DELETE_TCB",
	[FB_CONN_IDLE] = "IDLE",
	[FB_CONN_BOUND] = "BOUND",
};

const char *fb_conn_status_name(enum fb_conn_status s)
{
	return (unsigned)s < FB_CONN__COUNT ? conn_names[s] : NULL;
}

const char *fb_nic_duplex_name(enum fb_nic_duplex d)
{
	switch (d) {
	case FB_NIC_DUPLEX_HALF:
		return "NIC_DUPLEX_HALF";
	case FB_NIC_DUPLEX_FULL:
		return "NIC_DUPLEX_FULL";
	default:
		return "NIC_DUPLEX_UNKNOWN";
	}
}

static const char *const kind_names[FB_KIND__COUNT] = {
	[FB_KIND_INET] = "inet", [FB_KIND_INET4] = "inet4", [FB_KIND_INET6] = "inet6",
	[FB_KIND_TCP] = "tcp",	 [FB_KIND_TCP4] = "tcp4",   [FB_KIND_TCP6] = "tcp6",
	[FB_KIND_UDP] = "udp",	 [FB_KIND_UDP4] = "udp4",   [FB_KIND_UDP6] = "udp6",
	[FB_KIND_UNIX] = "unix", [FB_KIND_ALL] = "all",
};

int fb_conn_kind_parse(const char *s, enum fb_conn_kind *out)
{
	for (int i = 0; s && i < FB_KIND__COUNT; i++) {
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (enum fb_conn_kind)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *fb_conn_kind_name(enum fb_conn_kind k)
{
	return (unsigned)k < FB_KIND__COUNT ? kind_names[k] : NULL;
}

const char *fb_err_kind_name(enum fb_err_kind kind)
{
	switch (kind) {
	case FB_ERR_NONE:
		return "";
	case FB_ERR_NO_SUCH_PROCESS:
		return "NoSuchProcess";
	case FB_ERR_ZOMBIE:
		return "ZombieProcess";
	case FB_ERR_ACCESS_DENIED:
		return "AccessDenied";
	case FB_ERR_TIMEOUT:
		return "TimeoutExpired";
	default:
		return "OSError";
	}
}
