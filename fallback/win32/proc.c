// SPDX-License-Identifier: BSD-2-Clause
/*
 * proc.c - psutil.Process on Windows: a handle is a pid plus its creation time (so a reused
 * pid is noticed), and each method reads the process table (times, memory, threads, parent)
 * or opens the process with the least access it needs (image path, owner, I/O counters,
 * termination, waiting).  Windows has no signals: SIGTERM and kill() both end the process
 * with TerminateProcess, as psutil does; any other signal is -ENOTSUP.
 */
#include "proc_int.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

const size_t fb__proc_os_size = 0; /* the core's fields are all a handle needs here */

/* The core's hooks around a handle's life: it holds no process HANDLE, each method opens one. */
void fb__proc_os_open(struct fb_proc *p)
{
	(void)p;
}

void fb__proc_os_close(struct fb_proc *p)
{
	(void)p;
}

/* A handle holds no process object here: a reaped process is told by its identity. */
bool fb__proc_os_is_reaped(const struct fb_proc *p)
{
	(void)p;
	return false;
}

/* The core's hook: the process table's creation time (Windows has no zombies). */
int fb__proc_os_ident(pid_t pid, struct fb__proc_ident *id)
{
	struct fb__nt_row r;
	int err = fb__nt_find(pid, &r);

	if (err)
		return err;
	memset(id, 0, sizeof(*id));
	id->create_time = r.create_time;
	return 0;
}

/* The row of this very process: -ESRCH if it ended or its pid now names another process. */
static int own_row(struct fb_proc *p, const char *what, struct fb__nt_row *r)
{
	int err = fb__nt_find(p->pid, r);

	if (!err && p->ident.create_time > 0 && r->create_time > 0 &&
	    (r->create_time - p->ident.create_time > 0.01 ||
	     p->ident.create_time - r->create_time > 0.01))
		err = -ESRCH;
	return err ? fb__proc_fail(p, what, err) : 0;
}

static HANDLE proc_open(struct fb_proc *p, const char *what, DWORD access, int *err)
{
	HANDLE h = OpenProcess(access, FALSE, (DWORD)p->pid);

	*err = 0;
	if (!h)
		*err = fb__proc_fail(p, what, fb__win_err(GetLastError()));
	return h;
}

int fb_proc__name(struct fb_proc *p, char *buf, size_t len)
{
	struct fb__nt_row r;
	int err = own_row(p, "name", &r);

	if (!err)
		fb__copy(buf, len, r.name);
	return err;
}

int fb_proc__exe(struct fb_proc *p, char *buf, size_t len)
{
	wchar_t path[MAX_PATH * 2];
	DWORD plen = sizeof(path) / sizeof(path[0]);
	HANDLE h;
	BOOL ok;
	int err;

	if (p->pid == 0 || p->pid == 4) {
		fb__copy(buf, len, ""); /* the idle and System processes have no image file */
		return 0;
	}
	h = proc_open(p, "exe", PROCESS_QUERY_LIMITED_INFORMATION, &err);
	if (!h)
		return err;
	ok = QueryFullProcessImageNameW(h, 0, path, &plen);
	err = ok ? fb__w2u(path, (int)plen, buf, len) : fb__win_err(GetLastError());
	CloseHandle(h);
	return err ? fb__proc_fail(p, "exe", err) : 0;
}

int fb_proc__status(struct fb_proc *p, enum fb_proc_status *out)
{
	struct fb__nt_row r;
	int err = own_row(p, "status", &r);

	/* psutil reports every live Windows process as running (stopped needs all threads
	 * suspended, which the table does not say without the per-thread walk) */
	if (!err)
		*out = FB_STATUS_RUNNING;
	return err;
}

int fb_proc__create_time(struct fb_proc *p, double *out)
{
	*out = p->ident.create_time;
	return 0;
}

int fb_proc__ppid(struct fb_proc *p, pid_t *out)
{
	struct fb__nt_row r;
	int err = own_row(p, "ppid", &r);

	if (!err)
		*out = r.ppid;
	return err;
}

int fb_proc__parent(struct fb_proc *p, pid_t *out)
{
	struct fb__nt_row r, par;
	int err = own_row(p, "parent", &r);

	if (err)
		return err;
	/* a parent is older than its child, else the pid was reused by another process */
	if (r.ppid == r.pid || fb__nt_find(r.ppid, &par) || par.create_time > r.create_time)
		return fb__proc_fail(p, "parent", -ENOENT);
	*out = r.ppid;
	return 0;
}

int fb_proc__parents(struct fb_proc *p, pid_t **out, size_t *n)
{
	struct fb__nt_row *v, *cur = NULL;
	size_t cnt, cap = 0, k = 0;
	pid_t *res = NULL;
	int err;

	*out = NULL;
	*n = 0;
	err = fb__nt_list(&v, &cnt);
	if (err)
		return fb__proc_fail(p, "parents", err);
	for (size_t i = 0; i < cnt; i++)
		if (v[i].pid == p->pid)
			cur = &v[i];
	/* a parent must be older than its child, else the ppid was reused */
	while (cur && cur->ppid != cur->pid && k < cnt) {
		struct fb__nt_row *par = NULL;

		for (size_t i = 0; i < cnt; i++)
			if (v[i].pid == cur->ppid && v[i].create_time <= cur->create_time)
				par = &v[i];
		if (!par)
			break;
		err = fb__grow((void **)&res, &cap, k + 1, sizeof(*res));
		if (err)
			break;
		res[k++] = par->pid;
		cur = par->pid ? par : NULL;
	}
	free(v);
	if (err) {
		free(res);
		return fb__proc_fail(p, "parents", err);
	}
	*out = res;
	*n = k;
	return 0;
}

int fb_proc__children(struct fb_proc *p, bool recursive, pid_t **out, size_t *n)
{
	struct fb__nt_row *v;
	size_t cnt, cap = 0, k = 0, head = 0;
	pid_t *res = NULL;
	int err;

	*out = NULL;
	*n = 0;
	err = fb__nt_list(&v, &cnt);
	if (err)
		return fb__proc_fail(p, "children", err);
	/* breadth first: res doubles as the queue of parents still to expand */
	for (pid_t parent = p->pid;;) {
		double pct = 0;

		for (size_t i = 0; i < cnt; i++)
			if (v[i].pid == parent)
				pct = v[i].create_time;
		for (size_t i = 0; i < cnt && !err; i++) {
			if (v[i].ppid != parent || v[i].pid == parent || v[i].create_time < pct)
				continue;
			err = fb__grow((void **)&res, &cap, k + 1, sizeof(*res));
			if (!err)
				res[k++] = v[i].pid;
		}
		if (err || !recursive || head >= k)
			break;
		parent = res[head++];
	}
	free(v);
	if (err) {
		free(res);
		return fb__proc_fail(p, "children", err);
	}
	*out = res;
	*n = k;
	return 0;
}

int fb_proc__cpu_times(struct fb_proc *p, struct fb_proc_cpu_times *out)
{
	struct fb__nt_row r;
	int err = own_row(p, "cpu_times", &r);

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	out->user = r.user;
	out->system = r.system;
	/* children_user/children_system: Windows keeps none; psutil reports 0.0 there too */
	return 0;
}

int fb_proc__memory_info(struct fb_proc *p, struct fb_proc_mem *out)
{
	struct fb__nt_row r;
	int err = own_row(p, "memory_info", &r);

	if (err)
		return err;
	out->rss = r.rss;
	out->vms = r.vms;
	/* not kept by Windows: the documented "unknown" value, never a zero */
	out->shared = out->text = out->data = FB_MEM_UNKNOWN;
	return 0;
}

int fb_proc__memory_info_ex(struct fb_proc *p, struct fb_proc_mem_ex *out)
{
	struct fb__nt_row r;
	int err = own_row(p, "memory_info_ex", &r);

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	out->base.rss = r.rss;
	out->base.vms = r.vms;
	out->base.shared = out->base.text = out->base.data = FB_MEM_UNKNOWN;
	/* psutil's peak_wset and peak_pagefile; Windows has no anon/file/shmem split */
	out->peak_rss = r.peak_rss;
	out->peak_vms = r.peak_vms;
	out->valid = FB_PMEX_PEAK_RSS | FB_PMEX_PEAK_VMS;
	return 0;
}

int fb_proc__memory_percent(struct fb_proc *p, const char *memtype, double *out)
{
	struct fb_proc_mem m;
	struct fb_vmem vm;
	uint64_t v;
	int err;

	if (!memtype || (strcmp(memtype, "rss") && strcmp(memtype, "vms")))
		return -EINVAL;
	err = fb_proc__memory_info(p, &m);
	if (err)
		return err;
	err = fb_virtual_memory(&vm);
	if (err)
		return err;
	v = memtype[0] == 'r' ? m.rss : m.vms;
	*out = vm.total ? (double)v * 100.0 / (double)vm.total : 0.0;
	return 0;
}

int fb_proc__num_threads(struct fb_proc *p, int *out)
{
	struct fb__nt_row r;
	int err = own_row(p, "num_threads", &r);

	if (!err)
		*out = r.num_threads;
	return err;
}

int fb_proc__username(struct fb_proc *p, char *buf, size_t len)
{
	wchar_t name[256], dom[256];
	DWORD nlen = 256, dlen = 256, tlen = 0;
	char un[256 * 3], ud[256 * 3];
	SID_NAME_USE use;
	TOKEN_USER *tu = NULL;
	HANDLE h, tok = NULL;
	int err;

	h = proc_open(p, "username", PROCESS_QUERY_LIMITED_INFORMATION, &err);
	if (!h)
		return err;
	if (!OpenProcessToken(h, TOKEN_QUERY, &tok)) {
		err = fb__win_err(GetLastError());
		goto close_proc;
	}
	GetTokenInformation(tok, TokenUser, NULL, 0, &tlen);
	tu = tlen ? malloc(tlen) : NULL;
	if (!tu) {
		err = -ENOMEM;
		goto close_token;
	}
	if (!GetTokenInformation(tok, TokenUser, tu, tlen, &tlen) ||
	    !LookupAccountSidW(NULL, tu->User.Sid, name, &nlen, dom, &dlen, &use)) {
		err = fb__win_err(GetLastError());
		goto free_tu;
	}
	fb__w2u(name, -1, un, sizeof(un));
	fb__w2u(dom, -1, ud, sizeof(ud));
	err = fb__fmt(buf, len, "%s\\%s", ud, un);
free_tu:
	free(tu);
close_token:
	CloseHandle(tok);
close_proc:
	CloseHandle(h);
	return err ? fb__proc_fail(p, "username", err) : 0;
}

int fb_proc__io_counters(struct fb_proc *p, struct fb_proc_io *out)
{
	IO_COUNTERS io;
	HANDLE h;
	int err;

	h = proc_open(p, "io_counters", PROCESS_QUERY_LIMITED_INFORMATION, &err);
	if (!h)
		return err;
	if (!GetProcessIoCounters(h, &io))
		err = fb__proc_fail(p, "io_counters", fb__win_err(GetLastError()));
	CloseHandle(h);
	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	out->read_count = io.ReadOperationCount;
	out->write_count = io.WriteOperationCount;
	out->read_bytes = io.ReadTransferCount;
	out->write_bytes = io.WriteTransferCount;
	/* Windows counts every I/O through the file API: psutil's read/write_chars equal these */
	out->read_chars = io.ReadTransferCount;
	out->write_chars = io.WriteTransferCount;
	return 0;
}

static int terminate(struct fb_proc *p, const char *what, UINT code)
{
	struct fb__nt_row r;
	HANDLE h;
	int err = own_row(p, what, &r);

	if (err)
		return err;
	h = proc_open(p, what, PROCESS_TERMINATE, &err);
	if (!h)
		return err;
	if (!TerminateProcess(h, code))
		err = fb__proc_fail(p, what, fb__win_err(GetLastError()));
	CloseHandle(h);
	return err;
}

int fb_proc__send_signal(struct fb_proc *p, int sig)
{
	if (sig != SIGTERM)
		return fb__proc_fail(p, "send_signal", -ENOTSUP);
	return terminate(p, "send_signal", (UINT)sig);
}

int fb_proc__terminate(struct fb_proc *p)
{
	return terminate(p, "terminate", SIGTERM);
}

int fb_proc__kill(struct fb_proc *p)
{
	return terminate(p, "kill", 9);
}

int fb_proc__wait(struct fb_proc *p, double timeout, int *exitcode)
{
	DWORD ms = timeout < 0 ? INFINITE : (DWORD)(timeout * 1000.0 + 0.5), code, rc;
	HANDLE h;
	int err;

	h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)p->pid);
	if (!h) {
		err = fb__win_err(GetLastError());
		if (err == -ESRCH) { /* already gone, exit status lost: psutil returns None */
			*exitcode = FB_EXIT_UNKNOWN;
			return 0;
		}
		return fb__proc_fail(p, "wait", err);
	}
	rc = WaitForSingleObject(h, ms);
	if (rc == WAIT_TIMEOUT) {
		err = fb__proc_fail(p, "wait", -ETIMEDOUT);
	} else if (rc != WAIT_OBJECT_0) {
		err = fb__proc_fail(p, "wait", fb__win_err(GetLastError()));
	} else {
		err = 0;
		*exitcode = GetExitCodeProcess(h, &code) ? (int)code : FB_EXIT_UNKNOWN;
	}
	CloseHandle(h);
	return err;
}

int fb_proc__net_connections(struct fb_proc *p, enum fb_conn_kind kind, struct fb_conn **out,
			     size_t *n)
{
	struct fb_conn *v;
	size_t cnt, k = 0;
	int err = fb_net_connections(kind, &v, &cnt);

	if (err)
		return fb__proc_fail(p, "net_connections", err);
	for (size_t i = 0; i < cnt; i++)
		if (v[i].pid == p->pid)
			v[k++] = v[i];
	*out = v;
	*n = k;
	return 0;
}
