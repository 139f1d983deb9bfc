// SPDX-License-Identifier: BSD-2-Clause
/*
 * net_rtt.c - a TCP connection's smoothed RTT on Windows from the extended TCP statistics
 * (TcpConnectionEstatsPath): collection is switched on for the connection first
 * (SetPerTcp[6]ConnectionEStats, administrator only), then TCP_ESTATS_PATH_ROD_v0.SmoothedRtt
 * (ms) is read.  The functions are looked up at run time so that a system (or wine) without
 * them still loads vigil.exe: there the answer is -ENOTSUP.
 */
#include "fb_win.h"

#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <tcpestats.h>

#include <errno.h>
#include <string.h>

typedef ULONG(WINAPI *get_estats_fn)(void *row, TCP_ESTATS_TYPE type, PUCHAR rw, ULONG rwv,
				     ULONG rws, PUCHAR ros, ULONG rosv, ULONG ross, PUCHAR rod,
				     ULONG rodv, ULONG rods);
typedef ULONG(WINAPI *set_estats_fn)(void *row, TCP_ESTATS_TYPE type, PUCHAR rw, ULONG rwv,
				     ULONG rws, ULONG offset);

static int estats_err(ULONG rc)
{
	if (rc == ERROR_ACCESS_DENIED)
		return -EACCES;
	if (rc == ERROR_NOT_FOUND)
		return -ENOENT; /* the connection is gone */
	return rc == ERROR_NOT_SUPPORTED || rc == ERROR_CALL_NOT_IMPLEMENTED ? -ENOTSUP
									     : fb__win_err(rc);
}

int fb_net_conn_rtt(const struct fb_conn *c, uint32_t *srtt_us)
{
	TCP_ESTATS_PATH_RW_v0 rw = { .EnableCollection = TRUE };
	TCP_ESTATS_PATH_ROD_v0 rod;
	MIB_TCP6ROW row6 = { 0 };
	MIB_TCPROW row4 = { 0 };
	HMODULE ip = GetModuleHandleW(L"iphlpapi.dll");
	bool v6 = c->family == AF_INET6;
	get_estats_fn get;
	set_estats_fn set;
	void *row;
	ULONG rc;

	if (c->type != SOCK_STREAM || !c->laddr.valid || !c->raddr.valid)
		return -EINVAL;
	get = ip ? (get_estats_fn)(void (*)(void))GetProcAddress(
			   ip, v6 ? "GetPerTcp6ConnectionEStats" : "GetPerTcpConnectionEStats")
		 : NULL;
	set = ip ? (set_estats_fn)(void (*)(void))GetProcAddress(
			   ip, v6 ? "SetPerTcp6ConnectionEStats" : "SetPerTcpConnectionEStats")
		 : NULL;
	if (!get || !set)
		return -ENOTSUP;
	if (v6) {
		if (inet_pton(AF_INET6, c->laddr.addr, &row6.LocalAddr) != 1 ||
		    inet_pton(AF_INET6, c->raddr.addr, &row6.RemoteAddr) != 1)
			return -EINVAL;
		row6.State = MIB_TCP_STATE_ESTAB;
		row6.dwLocalPort = htons(c->laddr.port);
		row6.dwRemotePort = htons(c->raddr.port);
		row = &row6;
	} else {
		if (inet_pton(AF_INET, c->laddr.addr, &row4.dwLocalAddr) != 1 ||
		    inet_pton(AF_INET, c->raddr.addr, &row4.dwRemoteAddr) != 1)
			return -EINVAL;
		row4.dwState = MIB_TCP_STATE_ESTAB;
		row4.dwLocalPort = htons(c->laddr.port);
		row4.dwRemotePort = htons(c->raddr.port);
		row = &row4;
	}
	rc = set(row, TcpConnectionEstatsPath, (PUCHAR)&rw, 0, sizeof(rw), 0);
	if (rc != NO_ERROR)
		return estats_err(rc);
	memset(&rod, 0, sizeof(rod));
	rc = get(row, TcpConnectionEstatsPath, NULL, 0, 0, NULL, 0, 0, (PUCHAR)&rod, 0,
		 sizeof(rod));
	if (rc != NO_ERROR)
		return estats_err(rc);
	if (rod.SmoothedRtt == (ULONG)-1)
		return -ENODATA; /* no sample yet */
	*srtt_us = rod.SmoothedRtt * 1000;
	return 0;
}
