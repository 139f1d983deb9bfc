// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_win.c - the Win32 backend of the fallback library, run under wine in CI (and runnable
 * on Windows as is).  Every test asserts real values: the test's own sockets in the TCP/UDP
 * tables (ports and states), its own process (name, path, CPU time after a busy loop, memory,
 * threads, parent, a child it starts, terminates and waits for), the memory total against
 * the host's /proc/meminfo (VIGIL_HOST_MEMTOTAL from tests/run_win.sh, else Z:\proc), loopback
 * traffic in the interface counters, the drives, and the service manager.  Where wine cannot
 * provide a real value (socket owner pids, disk performance IOCTLs, process I/O counters,
 * interrupt counts, handle counts, sessions, TCP statistics) the test asks the Win32 API itself
 * and requires vigil to report exactly its answer, or, where it gives none, vigil's documented
 * error or an invalid field: never a 0 passed off as a value.  Nothing skips on wine.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <tcpestats.h>
#include <winioctl.h>
#include <winternl.h>
#include <wtsapi32.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "../../fallback/fallback.h"
#include "wtest.h"

static SOCKET listener4, client4, server4, udp4_sock, listener6, udp6_sock;
static unsigned short port_l4, port_c4, port_u4, port_l6, port_u6;

static unsigned short local_port(SOCKET s)
{
	struct sockaddr_storage ss;
	int len = sizeof(ss);

	if (getsockname(s, (struct sockaddr *)&ss, &len))
		return 0;
	return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					     : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

static SOCKET bound(int family, int type, const char *addr)
{
	struct sockaddr_storage ss = { 0 };
	SOCKET s = socket(family, type, 0);
	int len;

	if (s == INVALID_SOCKET)
		return s;
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &a->sin_addr);
		len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &a->sin6_addr);
		len = sizeof(*a);
	}
	if (bind(s, (struct sockaddr *)&ss, len)) {
		closesocket(s);
		return INVALID_SOCKET;
	}
	return s;
}

static bool open_sockets(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	WSADATA wsa;

	if (WSAStartup(MAKEWORD(2, 2), &wsa))
		return false;
	listener4 = bound(AF_INET, SOCK_STREAM, "127.0.0.1");
	if (listener4 == INVALID_SOCKET || listen(listener4, 4))
		return false;
	port_l4 = local_port(listener4);
	client4 = socket(AF_INET, SOCK_STREAM, 0);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	a.sin_port = htons(port_l4);
	if (connect(client4, (struct sockaddr *)&a, sizeof(a)))
		return false;
	server4 = accept(listener4, NULL, NULL);
	port_c4 = local_port(client4);
	udp4_sock = bound(AF_INET, SOCK_DGRAM, "127.0.0.1");
	port_u4 = local_port(udp4_sock);
	listener6 = bound(AF_INET6, SOCK_STREAM, "::1");
	if (listener6 != INVALID_SOCKET && !listen(listener6, 4))
		port_l6 = local_port(listener6);
	udp6_sock = bound(AF_INET6, SOCK_DGRAM, "::1");
	if (udp6_sock != INVALID_SOCKET)
		port_u6 = local_port(udp6_sock);
	return server4 != INVALID_SOCKET && port_c4 && port_u4;
}

static const struct fb_conn *find_conn(const struct fb_conn *c, size_t n, int type,
				       unsigned short lport, enum fb_conn_status st)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].type == type && c[i].laddr.valid && c[i].laddr.port == lport &&
		    c[i].status == st)
			return &c[i];
	return NULL;
}

/* ------------------------------------------------------------------ CPU and memory */

static void test_cpu_times(void)
{
	struct fb_cpu_times t, *pc;
	size_t n;

	CHECK(fb_cpu_times(&t) == 0);
	CHECK(t.valid & FB_CPU_USER && t.valid & FB_CPU_SYSTEM && t.valid & FB_CPU_IDLE);
	CHECK(!(t.valid & FB_CPU_IOWAIT) && !(t.valid & FB_CPU_NICE));
	CHECK(t.user > 0 && t.idle > 0 && t.system >= 0);
	CHECK(fb_cpu_times_percpu(&pc, &n) == 0);
	CHECKF(n == (size_t)fb_cpu_count(true), "%zu per-CPU rows, %d CPUs", n, fb_cpu_count(true));
	CHECK(fb_cpu_count(false) >= 1 && fb_cpu_count(false) <= fb_cpu_count(true));
	free(pc);
}

static void test_cpu_percent(void)
{
	struct fb_cpu_sampler *s = fb_cpu_sampler__new();
	double pct = -1;

	CHECK(s != NULL);
	CHECK(fb_cpu_percent(s, 0.2, &pct) == 0);
	CHECK(pct >= 0 && pct <= 100);
	fb_cpu_sampler__free(s);
}

static void test_cpu_unsupported(void)
{
	double load[3];
	struct fb_cpu_stats st;

	CHECK(fb_getloadavg(load) == -ENOTSUP);
	CHECK(fb_cpu_stats(&st) == 0);
	CHECK(!(st.valid & ~(uint32_t)FB_CPUSTAT_INTR)); /* ctx switches / syscalls: never faked */
}

/* The oracle: InterruptCount summed over the CPUs, read here directly; false if refused. */
static bool interrupts_sum(uint64_t *sum)
{
	static SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION cpu[1024];
	ULONG len = 0;

	if (NtQuerySystemInformation(SystemProcessorPerformanceInformation, cpu, sizeof(cpu),
				     &len) != 0)
		return false;
	*sum = 0;
	for (size_t i = 0; i < len / sizeof(cpu[0]); i++)
		*sum += cpu[i].Reserved2; /* InterruptCount */
	return true;
}

/* The interrupt count is the InterruptCount sum; a sum of 0 (no CPU counted any: wine leaves
 * the field at 0) is not a count, so the field is invalid then, never a valid 0. */
static void test_cpu_interrupts(void)
{
	uint64_t lo = 0, hi = 0;
	struct fb_cpu_stats st;

	CHECK(interrupts_sum(&lo));
	CHECK(fb_cpu_stats(&st) == 0);
	CHECK(interrupts_sum(&hi));
	if (hi == 0) {
		CHECKF(!(st.valid & FB_CPUSTAT_INTR),
		       "InterruptCount sums to 0, yet interrupts is valid (%llu)",
		       (unsigned long long)st.interrupts);
		return;
	}
	CHECK(st.valid & FB_CPUSTAT_INTR);
	CHECKF(st.interrupts >= lo && st.interrupts <= hi,
	       "interrupts %llu, InterruptCount %llu..%llu", (unsigned long long)st.interrupts,
	       (unsigned long long)lo, (unsigned long long)hi);
}

/* The host's MemTotal in bytes, under wine: VIGIL_HOST_MEMTOTAL (set by tests/run_win.sh),
 * else the host's /proc/meminfo through wine's Z: drive (the Unix root).  0 if neither. */
static uint64_t host_memtotal(const char **from)
{
	const char *env = getenv("VIGIL_HOST_MEMTOTAL");
	unsigned long long kb = 0;
	char line[256];
	FILE *f;

	*from = "VIGIL_HOST_MEMTOTAL";
	if (env && *env)
		return strtoull(env, NULL, 10);
	*from = "Z:\\proc\\meminfo";
	f = fopen("Z:\\proc\\meminfo", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

static void test_virtual_memory(void)
{
	MEMORYSTATUSEX ms = { .dwLength = sizeof(ms) };
	const char *from;
	struct fb_vmem m;
	struct fb_swap s;
	uint64_t host;

	CHECK(fb_virtual_memory(&m) == 0);
	CHECK(m.total > 0 && m.available <= m.total && m.used + m.available == m.total);
	CHECK(!(m.valid & FB_VMEM_CACHED) && !(m.valid & FB_VMEM_BUFFERS));
	CHECK(fb_swap_memory(&s) == 0);
	CHECK(s.used <= s.total && s.used + s.free == s.total);
	if (!wt_is_wine()) {
		/* on Windows the oracle is the API's own total */
		CHECK(GlobalMemoryStatusEx(&ms));
		CHECKF(m.total == ms.ullTotalPhys, "total %llu, GlobalMemoryStatusEx %llu",
		       (unsigned long long)m.total, (unsigned long long)ms.ullTotalPhys);
		return;
	}
	host = host_memtotal(&from);
	if (!host)
		return wt_skip("host MemTotal unknown: VIGIL_HOST_MEMTOTAL not set and "
			       "Z:\\proc\\meminfo unreadable (run tests/run_win.sh)");
	/* wine's figure is in whole pages and may be one page below MemTotal */
	CHECKF(m.total <= host && m.total + 4096 >= host, "total %llu, host MemTotal %llu (%s)",
	       (unsigned long long)m.total, (unsigned long long)host, from);
}

/* ------------------------------------------------------------------ disks */

static void test_disks(void)
{
	struct fb_partitions p;
	struct fb_disk_usage u;
	bool have_c = false;

	CHECK(fb_disk_partitions(true, &p) == 0);
	for (size_t i = 0; i < p.n; i++)
		have_c |= !strcmp(p.v[i].mountpoint, "C:\\");
	CHECK(have_c);
	fb_partitions_free(&p);
	CHECK(fb_disk_usage("C:\\", &u) == 0);
	CHECK(u.total > 0 && u.used <= u.total && u.free <= u.total);
	CHECK(u.percent >= 0 && u.percent <= 100);
	CHECK(fb_disk_usage("Q:\\no\\such\\dir", &u) < 0);
}

/* The oracle: IOCTL_DISK_PERFORMANCE on \\.\PhysicalDrive<i>, asked here directly. */
static bool drive_perf(int i, DISK_PERFORMANCE *perf)
{
	char path[32];
	DWORD got = 0;
	HANDLE h;
	BOOL ok;

	snprintf(path, sizeof(path), "\\\\.\\PhysicalDrive%d", i);
	h = CreateFileA(path, 0, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return false;
	ok = DeviceIoControl(h, IOCTL_DISK_PERFORMANCE, NULL, 0, perf, sizeof(*perf), &got, NULL);
	CloseHandle(h);
	return ok && got >= sizeof(*perf);
}

/* disk_io_counters lists exactly the drives that answer IOCTL_DISK_PERFORMANCE, with their
 * counters; when none answers (wine has no such IOCTL) it is -ENODATA, never a row of zeros. */
static void test_disk_io(void)
{
	DISK_PERFORMANCE lo[32], hi[32];
	bool answers[32];
	struct fb_disk_io *io = NULL, *tot = NULL;
	size_t n = 0, nt = 0, want = 0;
	int err, err_tot;

	for (int i = 0; i < 32; i++) {
		answers[i] = drive_perf(i, &lo[i]);
		want += answers[i];
	}
	err = fb_disk_io_counters(true, NULL, &io, &n);
	err_tot = fb_disk_io_counters(false, NULL, &tot, &nt);
	for (int i = 0; i < 32; i++)
		if (answers[i] && !drive_perf(i, &hi[i]))
			hi[i] = lo[i]; /* gone meanwhile: no upper bound to check against */
	if (!want) {
		CHECKF(err == -ENODATA && n == 0 && !io,
		       "no drive answers the IOCTL: err %d, %zu rows", err, n);
		CHECKF(err_tot == -ENODATA && nt == 0 && !tot, "total: err %d, %zu rows", err_tot,
		       nt);
		return;
	}
	CHECKF(err == 0 && n == want, "%zu drives answer, err %d, %zu rows", want, err, n);
	for (size_t k = 0; !err && k < n; k++) {
		int i = -1;

		CHECK(sscanf(io[k].name, "PhysicalDrive%d", &i) == 1 && i >= 0 && i < 32 &&
		      answers[i]);
		if (i < 0 || i >= 32 || !answers[i])
			continue;
		CHECKF(io[k].read_count >= lo[i].ReadCount && io[k].read_count <= hi[i].ReadCount &&
			       io[k].write_count >= lo[i].WriteCount &&
			       io[k].write_count <= hi[i].WriteCount &&
			       io[k].read_bytes >= (uint64_t)lo[i].BytesRead.QuadPart &&
			       io[k].write_bytes >= (uint64_t)lo[i].BytesWritten.QuadPart,
		       "%s: reads %llu, IOCTL %lu..%lu", io[k].name,
		       (unsigned long long)io[k].read_count, lo[i].ReadCount, hi[i].ReadCount);
	}
	CHECK(err_tot == 0 && nt == 1 && !strcmp(tot[0].name, ""));
	free(io);
	free(tot);
}

/* ------------------------------------------------------------------ network */

static void test_conn_tcp4(void)
{
	const struct fb_conn *l, *c, *s;
	struct fb_conn *v;
	size_t n;

	CHECK(fb_net_connections(FB_KIND_TCP4, &v, &n) == 0);
	l = find_conn(v, n, SOCK_STREAM, port_l4, FB_CONN_LISTEN);
	c = find_conn(v, n, SOCK_STREAM, port_c4, FB_CONN_ESTABLISHED);
	s = find_conn(v, n, SOCK_STREAM, port_l4, FB_CONN_ESTABLISHED);
	CHECKF(l && c && s, "listener :%u, client :%u, accepted end", port_l4, port_c4);
	if (l && c && s) {
		CHECK(!strcmp(l->laddr.addr, "127.0.0.1") && !l->raddr.valid);
		CHECK(c->raddr.valid && c->raddr.port == port_l4);
		CHECK(s->raddr.valid && s->raddr.port == port_c4);
		CHECK(c->family == AF_INET && c->fd == -1);
	}
	for (size_t i = 0; i < n; i++)
		CHECK(v[i].type == SOCK_STREAM && v[i].family == AF_INET);
	free(v);
}

/* The oracle: the owner pid GetExtendedTcpTable gives the IPv4 row with this local port and
 * state, asked here directly; -1 when no row matches. */
static long tcp4_owner(unsigned short lport, DWORD state)
{
	MIB_TCPTABLE_OWNER_PID *t = NULL;
	DWORD len = 0;
	long pid = -1;

	for (int tries = 0; tries < 4; tries++) {
		DWORD rc = GetExtendedTcpTable(t, &len, FALSE, AF_INET, TCP_TABLE_OWNER_PID_ALL, 0);

		if (rc == NO_ERROR && t)
			break;
		free(t);
		t = rc == ERROR_INSUFFICIENT_BUFFER || rc == NO_ERROR ? malloc(len += 4096) : NULL;
		if (!t)
			return -1;
	}
	for (DWORD i = 0; i < t->dwNumEntries; i++)
		if (ntohs((u_short)t->table[i].dwLocalPort) == lport &&
		    t->table[i].dwState == state)
			pid = (long)t->table[i].dwOwningPid;
	free(t);
	return pid;
}

/* The owner pid of the test's own sockets is what GetExtendedTcpTable says (its pid on
 * Windows; 0 on wine, where wineserver holds every socket): never another, made-up pid. */
static void test_conn_owner_pid(void)
{
	long want_l = tcp4_owner(port_l4, MIB_TCP_STATE_LISTEN),
	     want_c = tcp4_owner(port_c4, MIB_TCP_STATE_ESTAB);
	const struct fb_conn *l, *c;
	struct fb_conn *v;
	size_t n;

	CHECKF(want_l >= 0 && want_c >= 0, "GetExtendedTcpTable: listener :%u %ld, client :%u %ld",
	       port_l4, want_l, port_c4, want_c);
	CHECK(fb_net_connections(FB_KIND_TCP4, &v, &n) == 0);
	l = find_conn(v, n, SOCK_STREAM, port_l4, FB_CONN_LISTEN);
	c = find_conn(v, n, SOCK_STREAM, port_c4, FB_CONN_ESTABLISHED);
	CHECKF(l && c, "listener :%u, client :%u", port_l4, port_c4);
	if (l && c) {
		CHECKF(l->pid == (pid_t)want_l, "listener pid %d, GetExtendedTcpTable %ld",
		       (int)l->pid, want_l);
		CHECKF(c->pid == (pid_t)want_c, "client pid %d, GetExtendedTcpTable %ld",
		       (int)c->pid, want_c);
	}
	free(v);
}

typedef ULONG(WINAPI *estats_get_fn)(PMIB_TCPROW, TCP_ESTATS_TYPE, PUCHAR, ULONG, ULONG, PUCHAR,
				     ULONG, ULONG, PUCHAR, ULONG, ULONG);
typedef ULONG(WINAPI *estats_set_fn)(PMIB_TCPROW, TCP_ESTATS_TYPE, PUCHAR, ULONG, ULONG, ULONG);

/* The oracle: what the extended TCP statistics give for the loopback connection
 * lport -> rport, as the error fb_net_conn_rtt documents: -ENOTSUP without the functions
 * (wine has no GetPerTcpConnectionEStats) or when they refuse, -EACCES without administrator
 * rights, -ENODATA before the first sample, else 0 with *srtt (ms). */
static int rtt_oracle(unsigned short lport, unsigned short rport, ULONG *srtt)
{
	HMODULE ip = GetModuleHandleW(L"iphlpapi.dll");
	estats_get_fn get =
		ip ? (estats_get_fn)(void (*)(void))GetProcAddress(ip, "GetPerTcpConnectionEStats")
		   : NULL;
	estats_set_fn set =
		ip ? (estats_set_fn)(void (*)(void))GetProcAddress(ip, "SetPerTcpConnectionEStats")
		   : NULL;
	TCP_ESTATS_PATH_RW_v0 rw = { .EnableCollection = TRUE };
	TCP_ESTATS_PATH_ROD_v0 rod = { 0 };
	MIB_TCPROW row = { .dwState = MIB_TCP_STATE_ESTAB };
	ULONG rc;

	if (!get || !set)
		return -ENOTSUP;
	inet_pton(AF_INET, "127.0.0.1", &row.dwLocalAddr);
	inet_pton(AF_INET, "127.0.0.1", &row.dwRemoteAddr);
	row.dwLocalPort = htons(lport);
	row.dwRemotePort = htons(rport);
	rc = set(&row, TcpConnectionEstatsPath, (PUCHAR)&rw, 0, sizeof(rw), 0);
	if (rc == NO_ERROR)
		rc = get(&row, TcpConnectionEstatsPath, NULL, 0, 0, NULL, 0, 0, (PUCHAR)&rod, 0,
			 sizeof(rod));
	if (rc == ERROR_ACCESS_DENIED)
		return -EACCES;
	if (rc == ERROR_NOT_SUPPORTED || rc == ERROR_CALL_NOT_IMPLEMENTED)
		return -ENOTSUP;
	if (rc != NO_ERROR)
		return -EIO;
	if (rod.SmoothedRtt == (ULONG)-1)
		return -ENODATA;
	*srtt = rod.SmoothedRtt;
	return 0;
}

/* The RTT is what the extended TCP statistics say, and their refusal is vigil's error: no RTT
 * is ever written as a value where the statistics gave none. */
static void test_conn_rtt(void)
{
	struct fb_conn *v;
	const struct fb_conn *c;
	uint32_t rtt = 0;
	ULONG srtt = 0;
	size_t n;
	int err, want;

	CHECK(fb_net_connections(FB_KIND_TCP4, &v, &n) == 0);
	c = find_conn(v, n, SOCK_STREAM, port_c4, FB_CONN_ESTABLISHED);
	CHECK(c != NULL);
	if (!c) {
		free(v);
		return;
	}
	CHECK(fb_net_conn_rtt(find_conn(v, n, SOCK_STREAM, port_l4, FB_CONN_LISTEN), &rtt) ==
	      -EINVAL); /* a listener has no peer */
	rtt = 0xdeadbeef;
	err = fb_net_conn_rtt(c, &rtt);
	free(v);
	want = rtt_oracle(port_c4, port_l4, &srtt);
	CHECKF(err == want, "fb_net_conn_rtt %d, the extended TCP statistics say %d", err, want);
	if (want)
		CHECKF(rtt == 0xdeadbeef, "no RTT (%d), yet %u was written", want, rtt);
	else /* an idle loopback connection: the smoothed RTT does not move */
		CHECKF(rtt == srtt * 1000, "rtt %u us, SmoothedRtt %lu ms", rtt, srtt);
}

static void test_conn_udp_and_v6(void)
{
	struct fb_conn *v;
	size_t n;

	CHECK(fb_net_connections(FB_KIND_UDP4, &v, &n) == 0);
	CHECKF(find_conn(v, n, SOCK_DGRAM, port_u4, FB_CONN_NONE) != NULL, "udp4 :%u", port_u4);
	free(v);
	CHECK(fb_net_connections(FB_KIND_INET6, &v, &n) == 0);
	CHECKF(port_l6 && find_conn(v, n, SOCK_STREAM, port_l6, FB_CONN_LISTEN), "tcp6 :%u",
	       port_l6);
	CHECKF(port_u6 && find_conn(v, n, SOCK_DGRAM, port_u6, FB_CONN_NONE), "udp6 :%u", port_u6);
	for (size_t i = 0; i < n; i++)
		CHECK(v[i].family == AF_INET6);
	free(v);
	CHECK(fb_net_connections(FB_KIND_UNIX, &v, &n) == 0 && n == 0);
	CHECK(fb_net_connections(FB_KIND__COUNT, &v, &n) == -EINVAL);
}

/* The oracle: the loopback row of GetIfTable2, read here directly: its alias (the name vigil
 * gives it) and received bytes; false without one. */
static bool lo_oracle(char *name, size_t len, uint64_t *bytes_recv)
{
	MIB_IF_TABLE2 *t = NULL;
	bool found = false;

	if (GetIfTable2(&t) != NO_ERROR)
		return false;
	for (ULONG i = 0; i < t->NumEntries && !found; i++)
		if (t->Table[i].Type == IF_TYPE_SOFTWARE_LOOPBACK) {
			WideCharToMultiByte(CP_UTF8, 0, t->Table[i].Alias, -1, name, (int)len, NULL,
					    NULL);
			*bytes_recv = t->Table[i].InOctets;
			found = true;
		}
	FreeMibTable(t);
	return found;
}

/* vigil's bytes_recv of the interface called @name; UINT64_MAX without such a row */
static uint64_t vigil_bytes(const char *name)
{
	struct fb_net_io *v;
	uint64_t b = UINT64_MAX;
	size_t n;

	if (fb_net_io_counters(true, NULL, &v, &n))
		return b;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			b = v[i].bytes_recv;
	free(v);
	return b;
}

/* The loopback's counters are GetIfTable2's, before and after the test sends 1 MiB over it:
 * on wine they are Linux's lo counters and grow by what was sent; Windows' loopback
 * pseudo-interface keeps none, and vigil then reports GetIfTable2's figure, not its own. */
static void test_net_io_loopback(void)
{
	static char buf[64 * 1024];
	uint64_t o0 = 0, o1 = 0, o2 = 0, o3 = 0, before, after;
	char name[256] = "";
	int sent = 0, got = 0;

	CHECK(lo_oracle(name, sizeof(name), &o0));
	before = vigil_bytes(name);
	CHECK(lo_oracle(name, sizeof(name), &o1));
	CHECKF(before >= o0 && before <= o1, "%s bytes_recv %llu, GetIfTable2 %llu..%llu", name,
	       (unsigned long long)before, (unsigned long long)o0, (unsigned long long)o1);
	if (wt_is_wine())
		CHECKF(!strcmp(name, "lo") && before > 0, "wine's loopback %s, %llu bytes", name,
		       (unsigned long long)before);
	while (sent < (1 << 20)) {
		int r = send(client4, buf, sizeof(buf), 0), k;

		if (r <= 0)
			break;
		sent += r;
		for (k = 0; k < r;) {
			int q = recv(server4, buf, sizeof(buf), 0);

			if (q <= 0)
				break;
			k += q;
			got += q;
		}
	}
	CHECK(sent == got && sent >= (1 << 20));
	CHECK(lo_oracle(name, sizeof(name), &o2));
	after = vigil_bytes(name);
	CHECK(lo_oracle(name, sizeof(name), &o3));
	CHECKF(after >= o2 && after <= o3, "%s bytes_recv %llu, GetIfTable2 %llu..%llu", name,
	       (unsigned long long)after, (unsigned long long)o2, (unsigned long long)o3);
	if (wt_is_wine())
		CHECKF(after >= before + (uint64_t)sent,
		       "lo bytes_recv %llu -> %llu after %d bytes", (unsigned long long)before,
		       (unsigned long long)after, sent);
}

static void test_net_if(void)
{
	struct fb_if_addr *a;
	struct fb_if_stats *s;
	bool v4 = false, up = false;
	size_t n;

	CHECK(fb_net_if_addrs(&a, &n) == 0);
	for (size_t i = 0; i < n; i++)
		if (a[i].family == AF_INET && !strcmp(a[i].address, "127.0.0.1"))
			v4 = (a[i].valid & FB_IFA_NETMASK) && !strcmp(a[i].netmask, "255.0.0.0");
	CHECK(v4);
	free(a);
	CHECK(fb_net_if_stats(&s, &n) == 0);
	for (size_t i = 0; i < n; i++)
		up |= s[i].isup && s[i].mtu > 0;
	CHECK(n > 0 && up);
	free(s);
}

/* ------------------------------------------------------------------ processes */

/* CPU seconds of this process by GetProcessTimes, which is right for the caller itself. */
static double own_cpu(void)
{
	FILETIME c, e, k, u;

	GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u);
	return ((double)(((uint64_t)k.dwHighDateTime << 32) | k.dwLowDateTime) +
		(double)(((uint64_t)u.dwHighDateTime << 32) | u.dwLowDateTime)) /
	       1e7;
}

/* Spin until this process has used @seconds more CPU (a wall-clock loop undercounts on a
 * busy machine). */
static void burn(double seconds)
{
	double end = own_cpu() + seconds;
	volatile unsigned x = 0;

	while (own_cpu() < end)
		for (int i = 0; i < 100000; i++)
			x++;
}

static void test_self(void)
{
	struct fb_proc_cpu_times t;
	struct fb_strv argv;
	struct fb_proc_mem m;
	pid_t self = (pid_t)GetCurrentProcessId(), *pids;
	char buf[1024];
	struct fb_proc *p;
	double ct, bt;
	bool listed = false;
	size_t n;
	int thr;

	CHECK(fb_pids(&pids, &n) == 0);
	for (size_t i = 0; i < n; i++)
		listed |= pids[i] == self;
	CHECK(listed && fb_pid_exists(self));
	free(pids);
	p = fb_proc__new(self);
	CHECK(p != NULL);
	if (!p)
		return;
	CHECK(fb_proc__name(p, buf, sizeof(buf)) == 0 && !strcmp(buf, "test_win.exe"));
	CHECK(fb_proc__exe(p, buf, sizeof(buf)) == 0);
	CHECKF(strstr(buf, "test_win.exe") != NULL, "exe %s", buf);
	burn(0.4);
	CHECK(fb_proc__cpu_times(p, &t) == 0);
	/* the kernel's process table (what other processes are read from) must agree */
	CHECKF(t.user + t.system >= 0.35, "cpu %.2f s after 0.4 s of CPU", t.user + t.system);
	CHECK(fb_proc__memory_info(p, &m) == 0);
	CHECK(m.rss > 1024 * 1024 && m.vms > 0 && m.shared == FB_MEM_UNKNOWN);
	CHECK(fb_proc__num_threads(p, &thr) == 0 && thr >= 1);
	{
		struct fb_proc_mem_ex mx;
		pid_t par = -1;

		CHECK(fb_proc__memory_info_ex(p, &mx) == 0);
		CHECK(mx.peak_rss >= mx.base.rss && mx.peak_vms >= mx.base.vms && mx.base.rss > 0);
		CHECK(mx.valid == (FB_PMEX_PEAK_RSS | FB_PMEX_PEAK_VMS));
		/* started by wine's loader from a Unix shell: ppid 0 or a wine process */
		if (fb_proc__parent(p, &par) == 0)
			CHECK(fb_pid_exists(par));
	}
	CHECK(fb_proc__create_time(p, &ct) == 0 && fb_boot_time(&bt) == 0);
	CHECKF(ct >= bt - 1 && ct <= (double)time(NULL) + 1, "create %.0f boot %.0f", ct, bt);
	CHECK(fb_proc__username(p, buf, sizeof(buf)) == 0 && strchr(buf, '\\'));
	CHECK(fb_proc__is_running(p));
	CHECK(fb_proc__cmdline(p, &argv) == 0);
	CHECKF(argv.n == 1 && strstr(argv.v[0], "test_win.exe"), "%zu args, [0] %s", argv.n,
	       argv.n ? argv.v[0] : "-");
	fb_strv_free(&argv);
	{
		char cwd[MAX_PATH * 3], want[MAX_PATH * 3];

		GetCurrentDirectoryA(sizeof(want), want);
		if (strlen(want) > 3 && want[strlen(want) - 1] == '\\')
			want[strlen(want) - 1] = '\0';
		CHECK(fb_proc__cwd(p, cwd, sizeof(cwd)) == 0);
		CHECKF(!strcmp(cwd, want), "cwd %s, GetCurrentDirectory %s", cwd, want);
	}
	fb_proc__free(p);
	/* the core's one errno contract: a negative pid is EINVAL, an absent one ESRCH */
	CHECK(fb_proc__new(-1) == NULL && errno == EINVAL);
	CHECK(fb_proc__new(0x7ffffff0) == NULL && errno == ESRCH);
}

/* environ() holds a variable the test set, and none of the nameless "=C:" entries */
static void test_environ(void)
{
	struct fb_proc *p = fb_proc__new((pid_t)GetCurrentProcessId());
	struct fb_strv env;
	bool found = false, nameless = false;

	CHECK(p != NULL);
	if (!p)
		return;
	SetEnvironmentVariableA("VIGIL_WTEST_ENV", "forty two=42");
	CHECK(fb_proc__environ(p, &env) == 0);
	for (size_t i = 0; i < env.n; i++) {
		found |= !strcmp(env.v[i], "VIGIL_WTEST_ENV=forty two=42");
		nameless |= env.v[i][0] == '=';
	}
	CHECKF(found, "VIGIL_WTEST_ENV not among %zu variables", env.n);
	CHECK(!nameless);
	fb_strv_free(&env);
	fb_proc__free(p);
}

/* num_fds() (psutil's num_handles) is GetProcessHandleCount's count, and grows by one while
 * the test holds one more file open; a count of 0 (wine counts none) is -ENODATA, not 0. */
static void test_handles(void)
{
	struct fb_proc *p = fb_proc__new((pid_t)GetCurrentProcessId());
	int before = -1, after = -1, closed = -1, err;
	char path[MAX_PATH];
	DWORD count = 0;
	BOOL counted;
	HANDLE f;

	CHECK(p != NULL);
	if (!p)
		return;
	/* the oracle, through a handle opened as vigil opens it (that handle is counted too) */
	f = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, GetCurrentProcessId());
	CHECK(f != NULL);
	counted = f && GetProcessHandleCount(f, &count);
	if (f)
		CloseHandle(f);
	err = fb_proc__num_fds(p, &before);
	if (!counted || !count) {
		/* wine's GetProcessHandleCount counts 0: no count, so none is reported */
		CHECKF(err < 0 && before == -1, "GetProcessHandleCount %s %lu: num_fds %d, %d",
		       counted ? "counted" : "failed", count, err, before);
		CHECKF(!counted || err == -ENODATA, "a count of 0: num_fds %d, not -ENODATA", err);
		fb_proc__free(p);
		return;
	}
	CHECKF(err == 0 && before == (int)count, "num_fds %d (%d), GetProcessHandleCount %lu",
	       before, err, count);
	GetTempPathA(sizeof(path), path);
	strncat(path, "vigil_wtest_handle.tmp", sizeof(path) - strlen(path) - 1);
	f = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
			FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, NULL);
	CHECK(f != INVALID_HANDLE_VALUE);
	CHECK(fb_proc__num_fds(p, &after) == 0);
	CloseHandle(f);
	CHECK(fb_proc__num_fds(p, &closed) == 0);
	CHECKF(after == before + 1 && closed == before, "handles %d, open %d, closed %d", before,
	       after, closed);
	fb_proc__free(p);
}

/* USS is the private working set: it grows by what the test commits and touches */
static void test_uss(void)
{
	struct fb_proc *p = fb_proc__new((pid_t)GetCurrentProcessId());
	struct fb_proc_mem_full a, b;
	const size_t size = 16u << 20;
	char *mem;

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK(fb_proc__memory_full_info(p, &a) == 0);
	CHECK(a.valid == FB_PMEM_USS);
	CHECKF(a.uss > 0 && a.uss <= a.base.rss, "uss %llu rss %llu", (unsigned long long)a.uss,
	       (unsigned long long)a.base.rss);
	mem = VirtualAlloc(NULL, size, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
	CHECK(mem != NULL);
	if (mem) {
		memset(mem, 0x5a, size);
		CHECK(fb_proc__memory_full_info(p, &b) == 0);
		CHECKF(b.uss >= a.uss + size - (1u << 20), "uss %llu -> %llu after touching %zu",
		       (unsigned long long)a.uss, (unsigned long long)b.uss, size);
		VirtualFree(mem, 0, MEM_RELEASE);
	}
	fb_proc__free(p);
}

/* memory_maps lists the test's own image and ntdll, ungrouped and grouped */
static void test_memory_maps(void)
{
	struct fb_proc *p = fb_proc__new((pid_t)GetCurrentProcessId());
	struct fb_mmap *m = NULL, *g = NULL;
	size_t n = 0, ng = 0, self_maps = 0;
	uint64_t self_rss = 0;
	bool ntdll = false, grouped_self = false;

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK(fb_proc__memory_maps(p, false, &m, &n) == 0 && n > 0);
	for (size_t i = 0; i < n; i++) {
		const char *base = strrchr(m[i].path, '\\');

		base = base ? base + 1 : m[i].path;
		CHECK(m[i].rss > 0 && !strncmp(m[i].addr, "0x", 2));
		if (!_stricmp(base, "test_win.exe")) {
			self_maps++;
			self_rss += m[i].rss;
			CHECK(m[i].perms[0] != '\0' || m[i].rss > 0);
		}
		ntdll |= !_stricmp(base, "ntdll.dll");
	}
	CHECKF(self_maps >= 2 && ntdll, "%zu maps: %zu of test_win.exe, ntdll %d", n, self_maps,
	       ntdll);
	CHECK(fb_proc__memory_maps(p, true, &g, &ng) == 0 && ng > 0 && ng < n);
	for (size_t i = 0; i < ng; i++) {
		const char *base = strrchr(g[i].path, '\\');

		if (base && !_stricmp(base + 1, "test_win.exe")) {
			grouped_self = true;
			CHECK(g[i].rss == self_rss && g[i].addr[0] == '\0');
		}
	}
	CHECK(grouped_self);
	free(m);
	free(g);
	fb_proc__free(p);
}

static void test_sched_controls(void)
{
	struct fb_proc *p = fb_proc__new((pid_t)GetCurrentProcessId());
	int nice = 0, *cpus, all = fb_cpu_count(true), one = 0;
	size_t n;

	CHECK(p != NULL);
	if (!p)
		return;
	CHECK(fb_proc__nice(p, &nice) == 0 && nice == NORMAL_PRIORITY_CLASS);
	CHECK(fb_proc__set_nice(p, BELOW_NORMAL_PRIORITY_CLASS) == 0);
	CHECK(fb_proc__nice(p, &nice) == 0 && nice == BELOW_NORMAL_PRIORITY_CLASS);
	CHECK(GetPriorityClass(GetCurrentProcess()) == BELOW_NORMAL_PRIORITY_CLASS);
	CHECK(fb_proc__set_nice(p, NORMAL_PRIORITY_CLASS) == 0);
	CHECK(fb_proc__set_nice(p, 5) == -EINVAL);
	CHECK(fb_proc__cpu_affinity(p, &cpus, &n) == 0);
	CHECKF(n == (size_t)all, "%zu CPUs in the mask, %d CPUs", n, all);
	free(cpus);
	CHECK(fb_proc__set_cpu_affinity(p, &one, 1) == 0);
	CHECK(fb_proc__cpu_affinity(p, &cpus, &n) == 0 && n == 1 && cpus[0] == 0);
	free(cpus);
	CHECK(fb_cpu_count_usable() == 1);
	CHECK(fb_proc__set_cpu_affinity(p, NULL, 0) == 0); /* back to every CPU */
	CHECK(fb_proc__cpu_affinity(p, &cpus, &n) == 0 && n == (size_t)all);
	free(cpus);
	one = 63;
	CHECK(fb_proc__set_cpu_affinity(p, &one, 1) == -EINVAL);
	fb_proc__free(p);
}

static DWORD WINAPI idle_thread(void *arg)
{
	WaitForSingleObject((HANDLE)arg, INFINITE);
	return 0;
}

static void test_threads(void)
{
	struct fb_proc *p = fb_proc__new((pid_t)GetCurrentProcessId());
	HANDLE stop = CreateEventW(NULL, TRUE, FALSE, NULL), th;
	bool main_seen = false, extra_seen = false;
	struct fb_thread *t;
	uint64_t vol, invol;
	DWORD tid;
	size_t n;
	int nt;

	th = CreateThread(NULL, 0, idle_thread, stop, 0, &tid);
	CHECK(p && th);
	if (!p || !th)
		return;
	CHECK(fb_proc__threads(p, &t, &n) == 0);
	CHECK(fb_proc__num_threads(p, &nt) == 0 && (size_t)nt == n);
	for (size_t i = 0; i < n; i++) {
		main_seen |= t[i].id == (pid_t)GetCurrentThreadId();
		extra_seen |= t[i].id == (pid_t)tid;
		CHECK(t[i].user_time >= 0 && t[i].system_time >= 0);
	}
	CHECKF(main_seen && extra_seen, "%zu threads", n);
	free(t);
	CHECK(fb_proc__num_ctx_switches(p, &vol, &invol) == 0 && invol == 0);
	SetEvent(stop);
	WaitForSingleObject(th, 2000);
	CloseHandle(th);
	CloseHandle(stop);
	fb_proc__free(p);
}

static void test_proc_iter(void)
{
	const struct fb_proc_info *pi;
	struct fb_proc_iter *it = fb_proc_iter__new(FB_PI_NAME | FB_PI_PPID | FB_PI_USERNAME);
	pid_t self = (pid_t)GetCurrentProcessId(), last = -1;
	bool seen = false, sorted = true;
	int count = 0;

	CHECK(it != NULL);
	while (it && (pi = fb_proc_iter__next(it))) {
		sorted &= pi->pid > last;
		last = pi->pid;
		count++;
		if (pi->pid == self) {
			seen = !strcmp(pi->name, "test_win.exe") && (pi->valid & FB_PI_USERNAME);
			CHECK(!(pi->valid & FB_PI_CPU_TIMES)); /* not asked for */
		}
	}
	CHECK(seen && sorted && count > 1);
	fb_proc_iter__free(it);
}

static HANDLE spawn_sleeper(DWORD *pid)
{
	wchar_t exe[MAX_PATH], cmd[MAX_PATH + 16];
	STARTUPINFOW si = { .cb = sizeof(si) };
	PROCESS_INFORMATION pi;

	GetModuleFileNameW(NULL, exe, MAX_PATH);
	swprintf(cmd, MAX_PATH + 16, L"\"%ls\" --sleep", exe);
	if (!CreateProcessW(exe, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
		return NULL;
	CloseHandle(pi.hThread);
	*pid = pi.dwProcessId;
	return pi.hProcess;
}

static void test_child_terminate_wait(void)
{
	pid_t self = (pid_t)GetCurrentProcessId(), *kids, ppid;
	struct fb_proc *p, *me;
	bool found = false;
	int code = 0;
	DWORD cpid;
	HANDLE h = spawn_sleeper(&cpid);
	size_t n;

	CHECK(h != NULL);
	if (!h)
		return;
	p = fb_proc__new((pid_t)cpid);
	CHECK(p != NULL);
	me = fb_proc__new(self);
	CHECK(me && fb_proc__children(me, false, &kids, &n) == 0);
	for (size_t i = 0; me && i < n; i++)
		found |= kids[i] == (pid_t)cpid;
	CHECK(found);
	if (me)
		free(kids);
	fb_proc__free(me);
	if (p) {
		struct fb_strv args;

		CHECK(fb_proc__ppid(p, &ppid) == 0 && ppid == self);
		CHECK(fb_proc__parent(p, &ppid) == 0 && ppid == self);
		CHECK(fb_proc__cmdline(p, &args) == 0);
		CHECKF(args.n == 2 && !strcmp(args.v[1], "--sleep"), "%zu args", args.n);
		fb_strv_free(&args);
		CHECK(fb_proc__wait(p, 0.1, &code) == -ETIMEDOUT);
		CHECK(fb_proc__suspend(p) == 0 && fb_proc__resume(p) == 0);
		CHECK(fb_proc__send_signal(p, SIGINT) == -ENOTSUP);
		CHECK(fb_proc__terminate(p) == 0);
		CHECK(fb_proc__wait(p, 5, &code) == 0 && code == SIGTERM);
		CHECK(!fb_proc__is_running(p));
		fb_proc__free(p);
	}
	CloseHandle(h);
}

static void test_kill_tree(void)
{
	pid_t *gone, *alive;
	size_t ng, na;
	DWORD cpid;
	HANDLE h = spawn_sleeper(&cpid);

	CHECK(h != NULL);
	if (!h)
		return;
	CHECK(fb_kill_tree((pid_t)cpid, SIGTERM, true, 5, &gone, &ng, &alive, &na) == 0);
	CHECKF(ng == 1 && na == 0 && gone[0] == (pid_t)cpid, "gone %zu alive %zu", ng, na);
	CHECK(WaitForSingleObject(h, 2000) == WAIT_OBJECT_0);
	free(gone);
	free(alive);
	CloseHandle(h);
}

/* io_counters are GetProcessIoCounters' figures, read before and after vigil's, once the test
 * has written and read back 64 KiB (on wine the API returns zeros, and so must vigil). */
static void test_proc_io(void)
{
	struct fb_proc *p = fb_proc__new((pid_t)GetCurrentProcessId());
	static char buf[64 * 1024];
	IO_COUNTERS lo, hi;
	struct fb_proc_io io;
	char path[MAX_PATH];
	DWORD done = 0;
	HANDLE f;

	CHECK(p != NULL);
	if (!p)
		return;
	GetTempPathA(sizeof(path), path);
	strncat(path, "vigil_wtest_io.tmp", sizeof(path) - strlen(path) - 1);
	f = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
			FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, NULL);
	CHECK(f != INVALID_HANDLE_VALUE);
	if (f != INVALID_HANDLE_VALUE) {
		CHECK(WriteFile(f, buf, sizeof(buf), &done, NULL) && done == sizeof(buf));
		SetFilePointer(f, 0, NULL, FILE_BEGIN);
		CHECK(ReadFile(f, buf, sizeof(buf), &done, NULL) && done == sizeof(buf));
		CloseHandle(f);
	}
	CHECK(GetProcessIoCounters(GetCurrentProcess(), &lo));
	CHECK(fb_proc__io_counters(p, &io) == 0);
	CHECK(GetProcessIoCounters(GetCurrentProcess(), &hi));
	fb_proc__free(p);
	CHECKF(io.read_count >= lo.ReadOperationCount && io.read_count <= hi.ReadOperationCount &&
		       io.write_count >= lo.WriteOperationCount &&
		       io.write_count <= hi.WriteOperationCount,
	       "ops r %llu w %llu, GetProcessIoCounters r %llu..%llu w %llu..%llu",
	       (unsigned long long)io.read_count, (unsigned long long)io.write_count,
	       lo.ReadOperationCount, hi.ReadOperationCount, lo.WriteOperationCount,
	       hi.WriteOperationCount);
	CHECKF(io.read_bytes >= lo.ReadTransferCount && io.read_bytes <= hi.ReadTransferCount &&
		       io.write_bytes >= lo.WriteTransferCount &&
		       io.write_bytes <= hi.WriteTransferCount,
	       "bytes r %llu w %llu, GetProcessIoCounters r %llu..%llu w %llu..%llu",
	       (unsigned long long)io.read_bytes, (unsigned long long)io.write_bytes,
	       lo.ReadTransferCount, hi.ReadTransferCount, lo.WriteTransferCount,
	       hi.WriteTransferCount);
	/* Windows counts every I/O through the file API: chars are the bytes */
	CHECK(io.read_chars == io.read_bytes && io.write_chars == io.write_bytes);
	if (!wt_is_wine()) /* the test's own 64 KiB each way */
		CHECK(hi.ReadTransferCount >= sizeof(buf) && hi.WriteTransferCount >= sizeof(buf));
}

/* ------------------------------------------------------------------ system */

static void test_services(void)
{
	struct fb_win_service *v, one;
	pid_t *pids;
	size_t n, np;
	bool rpcss = false;

	CHECK(fb_win_service_iter(&v, &n) == 0);
	CHECK(n > 0);
	CHECK(fb_pids(&pids, &np) == 0);
	for (size_t i = 0; i < n; i++) {
		bool listed = false;

		rpcss |= !strcmp(v[i].name, "RpcSs") && v[i].display_name[0];
		CHECK(v[i].status[0] && strcmp(v[i].status, "unknown"));
		if (!(v[i].valid & FB_SVC_PID))
			continue;
		for (size_t k = 0; k < np; k++)
			listed |= pids[k] == v[i].pid;
		CHECKF(listed, "service %s pid %d", v[i].name, (int)v[i].pid);
	}
	CHECK(rpcss);
	free(v);
	free(pids);
	CHECK(fb_win_service_get("RpcSs", &one) == 0);
	CHECK(one.valid & FB_SVC_CONFIG);
	CHECKF(strstr(one.binpath, "rpcss.exe") != NULL, "binpath %s", one.binpath);
	CHECK(one.start_type[0] && one.username[0]);
	CHECK(fb_win_service_get("NoSuchServiceHere", &one) == -ENOENT);
}

static void test_system(void)
{
	struct fb_sysctls sc;
	double bt;

	CHECK(fb_boot_time(&bt) == 0);
	CHECK(bt > 1e9 && bt < (double)time(NULL));
	CHECK(fb_sysctl_list(NULL, &sc) == -ENOTSUP && sc.n == 0);
	CHECK(fb_root_set("/tmp") == -ENOTSUP && fb_root_set(NULL) == 0);
	CHECK(!strcmp(fb_source_name(), "win32"));
}

/* users() are the sessions WTSEnumerateSessions lists that have a user name, in its order,
 * asked here directly (wine lists none with a user: then users() is empty, not made up). */
static void test_users(void)
{
	WTS_SESSION_INFOW *sess = NULL;
	char want[64][64];
	DWORD count = 0;
	size_t nw = 0, n = 0;
	struct fb_user *u;

	CHECK(WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &sess, &count));
	for (DWORD i = 0; i < count && nw < 64; i++) {
		LPWSTR name = NULL;
		DWORD len = 0;

		if (!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, sess[i].SessionId,
						 WTSUserName, &name, &len))
			continue;
		if (name[0])
			WideCharToMultiByte(CP_UTF8, 0, name, -1, want[nw++], sizeof(want[0]), NULL,
					    NULL);
		WTSFreeMemory(name);
	}
	if (sess)
		WTSFreeMemory(sess);
	CHECK(fb_users(&u, &n) == 0);
	CHECKF(n == nw, "%zu users, %zu sessions with a user name among %lu", n, nw, count);
	for (size_t i = 0; i < n && i < nw; i++) {
		CHECKF(!strcmp(u[i].name, want[i]), "user %zu: %s, session's %s", i, u[i].name,
		       want[i]);
		CHECK(!(u[i].valid & (FB_USER_TERMINAL | FB_USER_PID)));
	}
	free(u);
}

int main(int argc, char **argv)
{
	static const struct wtest tests[] = {
		WTEST(test_cpu_times),	     WTEST(test_cpu_percent),
		WTEST(test_cpu_unsupported), WTEST(test_cpu_interrupts),
		WTEST(test_virtual_memory),  WTEST(test_disks),
		WTEST(test_disk_io),	     WTEST(test_conn_tcp4),
		WTEST(test_conn_owner_pid),  WTEST(test_conn_rtt),
		WTEST(test_conn_udp_and_v6), WTEST(test_net_io_loopback),
		WTEST(test_net_if),	     WTEST(test_self),
		WTEST(test_proc_iter),	     WTEST(test_child_terminate_wait),
		WTEST(test_kill_tree),	     WTEST(test_proc_io),
		WTEST(test_services),	     WTEST(test_sched_controls),
		WTEST(test_threads),	     WTEST(test_users),
		WTEST(test_system),	     WTEST(test_environ),
		WTEST(test_handles),	     WTEST(test_uss),
		WTEST(test_memory_maps),
	};

	if (argc > 1 && !strcmp(argv[1], "--sleep")) {
		Sleep(30000);
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "--tcp-owner")) {
		/* the oracle of check_vigil_exe.py: GetExtendedTcpTable's owner pid of the IPv4
		 * listener on port argv[2], -1 if there is none */
		printf("%ld\n", tcp4_owner((unsigned short)atoi(argv[2]), MIB_TCP_STATE_LISTEN));
		return 0;
	}
	if (!open_sockets()) {
		printf("cannot open the test's own sockets (WSA error %d)\n", WSAGetLastError());
		printf("0 passed, 1 failed, 0 skipped\n");
		return 1;
	}
	return wtest_main(tests, sizeof(tests) / sizeof(tests[0]));
}
