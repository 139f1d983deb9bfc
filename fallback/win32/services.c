// SPDX-License-Identifier: BSD-2-Clause
/*
 * services.c - psutil's win_service_iter() and win_service_get() over the Service Control
 * Manager: EnumServicesStatusEx (SC_ENUM_PROCESS_INFO) lists every Win32 service with its
 * state and pid in one call; QueryServiceConfig adds the binary path, account and start type,
 * and QueryServiceConfig2 the description.  Access is read-only (enumerate, query).
 */
#include "fb_win.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *state_name(DWORD s)
{
	switch (s) {
	case SERVICE_RUNNING:
		return "running";
	case SERVICE_PAUSED:
		return "paused";
	case SERVICE_START_PENDING:
		return "start_pending";
	case SERVICE_PAUSE_PENDING:
		return "pause_pending";
	case SERVICE_CONTINUE_PENDING:
		return "continue_pending";
	case SERVICE_STOP_PENDING:
		return "stop_pending";
	case SERVICE_STOPPED:
		return "stopped";
	default:
		return "unknown";
	}
}

static const char *start_name(DWORD t)
{
	switch (t) {
	case SERVICE_AUTO_START:
		return "automatic";
	case SERVICE_DEMAND_START:
		return "manual";
	case SERVICE_DISABLED:
		return "disabled";
	case SERVICE_BOOT_START:
		return "boot";
	case SERVICE_SYSTEM_START:
		return "system";
	default:
		return "unknown";
	}
}

static void fill_status(struct fb_win_service *s, const SERVICE_STATUS_PROCESS *st)
{
	fb__copy(s->status, sizeof(s->status), state_name(st->dwCurrentState));
	if (st->dwProcessId) {
		s->pid = (pid_t)st->dwProcessId;
		s->valid |= FB_SVC_PID;
	}
}

int fb_win_service_iter(struct fb_win_service **out, size_t *n)
{
	DWORD need = 0, count = 0, resume = 0;
	ENUM_SERVICE_STATUS_PROCESSW *ents = NULL;
	struct fb_win_service *v = NULL;
	SC_HANDLE scm;
	int err = 0;

	*out = NULL;
	*n = 0;
	scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ENUMERATE_SERVICE);
	if (!scm)
		return fb__win_err(GetLastError());
	EnumServicesStatusExW(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL, NULL, 0,
			      &need, &count, &resume, NULL);
	if (GetLastError() != ERROR_MORE_DATA || !need) {
		err = need ? fb__win_err(GetLastError()) : 0;
		goto close_scm;
	}
	need += 4096; /* services may appear between the two calls */
	ents = malloc(need);
	if (!ents) {
		err = -ENOMEM;
		goto close_scm;
	}
	resume = 0;
	if (!EnumServicesStatusExW(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_STATE_ALL,
				   (BYTE *)ents, need, &need, &count, &resume, NULL)) {
		err = fb__win_err(GetLastError());
		goto free_ents;
	}
	v = calloc(count ? count : 1, sizeof(*v));
	if (!v) {
		err = -ENOMEM;
		goto free_ents;
	}
	for (DWORD i = 0; i < count; i++) {
		fb__w2u(ents[i].lpServiceName, -1, v[i].name, sizeof(v[i].name));
		fb__w2u(ents[i].lpDisplayName, -1, v[i].display_name, sizeof(v[i].display_name));
		fill_status(&v[i], &ents[i].ServiceStatusProcess);
	}
	*out = v;
	*n = count;
free_ents:
	free(ents);
close_scm:
	CloseServiceHandle(scm);
	return err;
}

/* QueryServiceConfig / QueryServiceConfig2 with their size probe; the caller frees *out. */
static int query_config(SC_HANDLE svc, bool second, void **out)
{
	DWORD need = 0;
	void *buf;
	BOOL ok;

	if (second)
		QueryServiceConfig2W(svc, SERVICE_CONFIG_DESCRIPTION, NULL, 0, &need);
	else
		QueryServiceConfigW(svc, NULL, 0, &need);
	if (!need)
		return fb__win_err(GetLastError());
	buf = malloc(need);
	if (!buf)
		return -ENOMEM;
	ok = second ? QueryServiceConfig2W(svc, SERVICE_CONFIG_DESCRIPTION, buf, need, &need)
		    : QueryServiceConfigW(svc, buf, need, &need);
	if (!ok) {
		free(buf);
		return fb__win_err(GetLastError());
	}
	*out = buf;
	return 0;
}

int fb_win_service_get(const char *name, struct fb_win_service *out)
{
	SERVICE_STATUS_PROCESS st;
	QUERY_SERVICE_CONFIGW *cfg;
	SERVICE_DESCRIPTIONW *desc;
	wchar_t wname[256], wdisp[256];
	DWORD need = 256;
	SC_HANDLE scm, svc;
	int err;

	memset(out, 0, sizeof(*out));
	err = fb__u2w(name, wname, 256);
	if (err)
		return err;
	scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
	if (!scm)
		return fb__win_err(GetLastError());
	svc = OpenServiceW(scm, wname, SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS);
	if (!svc) {
		err = fb__win_err(GetLastError());
		goto close_scm;
	}
	fb__copy(out->name, sizeof(out->name), name);
	if (GetServiceDisplayNameW(scm, wname, wdisp, &need))
		fb__w2u(wdisp, -1, out->display_name, sizeof(out->display_name));
	if (!QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (BYTE *)&st, sizeof(st), &need)) {
		err = fb__win_err(GetLastError());
		goto close_svc;
	}
	fill_status(out, &st);
	if (!query_config(svc, false, (void **)&cfg)) {
		if (cfg->lpBinaryPathName)
			fb__w2u(cfg->lpBinaryPathName, -1, out->binpath, sizeof(out->binpath));
		if (cfg->lpServiceStartName)
			fb__w2u(cfg->lpServiceStartName, -1, out->username, sizeof(out->username));
		fb__copy(out->start_type, sizeof(out->start_type), start_name(cfg->dwStartType));
		out->valid |= FB_SVC_CONFIG;
		free(cfg);
	}
	if (!query_config(svc, true, (void **)&desc)) {
		if (desc->lpDescription)
			fb__w2u(desc->lpDescription, -1, out->description,
				sizeof(out->description));
		out->valid |= FB_SVC_DESCRIPTION;
		free(desc);
	}
close_svc:
	CloseServiceHandle(svc);
close_scm:
	CloseServiceHandle(scm);
	return err;
}
