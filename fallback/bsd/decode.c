// SPDX-License-Identifier: BSD-2-Clause
/*
 * decode.c - the FreeBSD decoders (bsd_decode.h): CPU ticks, clock rate, load average, boot time,
 * swap devices, the virtual memory arithmetic, interface counters and process entries. Plain C over
 * byte buffers, copied out with memcpy so that no alignment is assumed; built on FreeBSD into the
 * backend and on Linux into the unit tests.
 */
#include "bsd_decode.h"
#include "../posix/posix_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int fb__bsd_decode_uint(const void *buf, size_t len, uint64_t *out)
{
	return fb__decode_uint(buf, len, out);
}

int fb__bsd_decode_cp_times(const void *buf, size_t len, long stathz, struct fb_cpu_times *out,
			    size_t max, size_t *n)
{
	const size_t row = FB_BSD_CPUSTATES * FB_BSD_LONG;
	const unsigned char *p = buf;
	size_t cnt;

	if (stathz <= 0 || !len || len % row)
		return -EINVAL;
	cnt = len / row;
	if (cnt > max)
		cnt = max;
	for (size_t i = 0; i < cnt; i++, p += row) {
		struct fb_cpu_times *t = &out[i];
		double hz = (double)stathz;

		memset(t, 0, sizeof(*t));
		t->user = (double)get_u64(p + 0 * FB_BSD_LONG) / hz;
		t->nice = (double)get_u64(p + 1 * FB_BSD_LONG) / hz;
		t->system = (double)get_u64(p + 2 * FB_BSD_LONG) / hz;
		t->irq = (double)get_u64(p + 3 * FB_BSD_LONG) / hz;
		t->idle = (double)get_u64(p + 4 * FB_BSD_LONG) / hz;
		t->valid = FB_CPU_USER | FB_CPU_NICE | FB_CPU_SYSTEM | FB_CPU_IRQ | FB_CPU_IDLE;
	}
	*n = cnt;
	return 0;
}

int fb__bsd_decode_clockinfo(const void *buf, size_t len, long *stathz)
{
	int32_t hz;

	if (len != FB_BSD_CLOCKINFO_SIZE)
		return -EINVAL;
	memcpy(&hz, (const unsigned char *)buf + FB_BSD_CLOCKINFO_STATHZ, sizeof(hz));
	if (hz <= 0) { /* no separate statistics clock: cp_time counts in hz */
		memcpy(&hz, buf, sizeof(hz));
		if (hz <= 0)
			return -EINVAL;
	}
	*stathz = hz;
	return 0;
}

int fb__bsd_decode_loadavg(const void *buf, size_t len, double out[3])
{
	return fb__decode_loadavg(buf, len, out);
}

int fb__bsd_decode_timeval(const void *buf, size_t len, double *out)
{
	return fb__decode_timeval(buf, len, 8, out);
}

int fb__bsd_decode_xswdev(const void *buf, size_t len, uint64_t *nblks, uint64_t *used)
{
	const unsigned char *p = buf;
	int32_t nb, us;

	if (len != FB_BSD_XSWDEV_SIZE || get_u32(p) != FB_BSD_XSWDEV_VERSION)
		return -EINVAL;
	memcpy(&nb, p + FB_BSD_XSWDEV_NBLKS, 4);
	memcpy(&us, p + FB_BSD_XSWDEV_USED, 4);
	if (nb < 0 || us < 0 || us > nb)
		return -EINVAL;
	*nblks = (uint64_t)nb;
	*used = (uint64_t)us;
	return 0;
}

void fb__bsd_vmem(const struct fb__bsd_vm_raw *r, struct fb_vmem *out)
{
	uint64_t ps = r->page_size;

	memset(out, 0, sizeof(*out));
	out->total = r->physmem;
	out->free = r->free * ps;
	out->active = r->active * ps;
	out->inactive = r->inactive * ps;
	out->cached = r->cache * ps;
	out->buffers = r->bufspace;
	out->available = (r->inactive + r->cache + r->free) * ps;
	if (out->available > out->total)
		out->available = out->total;
	out->used = (r->active + r->wire + r->cache) * ps;
	out->percent = out->total ? fb__round1((double)(out->total - out->available) * 100.0 /
					       (double)out->total)
				  : 0.0;
	out->valid = FB_VMEM_TOTAL | FB_VMEM_AVAILABLE | FB_VMEM_USED | FB_VMEM_FREE |
		     FB_VMEM_ACTIVE | FB_VMEM_INACTIVE | FB_VMEM_BUFFERS | FB_VMEM_CACHED |
		     FB_VMEM_PERCENT;
}

int fb__bsd_decode_if_data(const void *buf, size_t len, struct fb_net_io *d, int *mtu, int *speed)
{
	const unsigned char *p = buf;

	if (len != FB_BSD_IF_DATA_SIZE)
		return -EINVAL;
	d->packets_recv = get_u64(p + FB_BSD_IFD_IPACKETS);
	d->packets_sent = get_u64(p + FB_BSD_IFD_OPACKETS);
	d->bytes_recv = get_u64(p + FB_BSD_IFD_IBYTES);
	d->bytes_sent = get_u64(p + FB_BSD_IFD_OBYTES);
	d->errin = get_u64(p + FB_BSD_IFD_IERRORS);
	d->errout = get_u64(p + FB_BSD_IFD_OERRORS);
	d->dropin = get_u64(p + FB_BSD_IFD_IQDROPS);
	d->dropout = get_u64(p + FB_BSD_IFD_OQDROPS);
	*mtu = (int)get_u32(p + FB_BSD_IFD_MTU);
	*speed = (int)(get_u64(p + FB_BSD_IFD_BAUDRATE) / 1000000);
	return 0;
}

static double timeval_at(const unsigned char *p)
{
	int64_t sec, usec;

	memcpy(&sec, p, 8);
	memcpy(&usec, p + 8, 8);
	return (double)sec + (double)usec / 1e6;
}

/* ki_stat: SIDL 1, SRUN 2, SSLEEP 3, SSTOP 4, SZOMB 5, SWAIT 6, SLOCK 7 */
static int bsd_status(int stat, enum fb_proc_status *out)
{
	static const enum fb_proc_status map[] = {
		[1] = FB_STATUS_IDLE,	 [2] = FB_STATUS_RUNNING, [3] = FB_STATUS_SLEEPING,
		[4] = FB_STATUS_STOPPED, [5] = FB_STATUS_ZOMBIE,  [6] = FB_STATUS_WAITING,
		[7] = FB_STATUS_LOCKED,
	};

	if (stat < 1 || stat > 7)
		return -EINVAL;
	*out = map[stat];
	return 0;
}

int fb__bsd_decode_kinfo_proc(const void *buf, size_t len, uint64_t page_size,
			      struct fb_proc_info *pi)
{
	const unsigned char *p = buf;
	int32_t v;

	if (len < FB_BSD_KINFO_PROC_SIZE || get_u32(p) != FB_BSD_KINFO_PROC_SIZE)
		return -EINVAL;
	memset(pi, 0, sizeof(*pi));
	memcpy(&v, p + FB_BSD_KI_PID, 4);
	pi->pid = v;
	memcpy(&v, p + FB_BSD_KI_PPID, 4);
	pi->ppid = v;
	memcpy(pi->name, p + FB_BSD_KI_COMM, FB_BSD_KI_COMMLEN);
	pi->name[FB_BSD_KI_COMMLEN - 1] = '\0';
	pi->valid = FB_PI_PPID | FB_PI_NAME;
	if (!bsd_status((signed char)p[FB_BSD_KI_STAT], &pi->status))
		pi->valid |= FB_PI_STATUS;
	pi->cpu_times.user = timeval_at(p + FB_BSD_KI_RUSAGE);
	pi->cpu_times.system = timeval_at(p + FB_BSD_KI_RUSAGE + 16);
	pi->cpu_times.children_user = timeval_at(p + FB_BSD_KI_RUSAGE_CH);
	pi->cpu_times.children_system = timeval_at(p + FB_BSD_KI_RUSAGE_CH + 16);
	pi->memory_info.vms = get_u64(p + FB_BSD_KI_SIZE);
	pi->memory_info.rss = get_u64(p + FB_BSD_KI_RSSIZE) * page_size;
	pi->memory_info.text = get_u64(p + FB_BSD_KI_TSIZE) * page_size;
	pi->memory_info.data = get_u64(p + FB_BSD_KI_DSIZE) * page_size;
	pi->memory_info.shared = FB_MEM_UNKNOWN; /* FreeBSD keeps no shared figure per process */
	pi->create_time = timeval_at(p + FB_BSD_KI_START);
	memcpy(&v, p + FB_BSD_KI_NUMTHREADS, 4);
	pi->num_threads = v;
	pi->nice = (signed char)p[FB_BSD_KI_NICE];
	memcpy(&v, p + FB_BSD_KI_LASTCPU, 4);
	pi->cpu_num = v;
	pi->uids.effective = get_u32(p + FB_BSD_KI_UID);
	pi->uids.real = get_u32(p + FB_BSD_KI_RUID);
	pi->uids.saved = get_u32(p + FB_BSD_KI_SVUID);
	pi->valid |= FB_PI_CPU_TIMES | FB_PI_MEMORY_INFO | FB_PI_CREATE_TIME | FB_PI_NUM_THREADS |
		     FB_PI_NICE | FB_PI_CPU_NUM | FB_PI_UIDS;
	return 0;
}

/* MNT_* flags psutil names in opts (FreeBSD sys/mount.h values). */
static const struct fb__mnt_flag bsd_mnt_flags[] = {
	{ 0x00000002, "sync" },	       { 0x00000004, "noexec" },     { 0x00000008, "nosuid" },
	{ 0x00000040, "async" },       { 0x00000080, "suiddir" },    { 0x00001000, "local" },
	{ 0x00002000, "quota" },       { 0x00004000, "rootfs" },     { 0x00008000, "exrdonly" },
	{ 0x00200000, "nosymfollow" }, { 0x04000000, "softdep" },    { 0x08000000, "noclusterr" },
	{ 0x10000000, "noatime" },     { 0x40000000, "noclusterw" },
};

static const struct fb__statfs_layout bsd_statfs = {
	.size = FB_BSD_STATFS_SIZE,
	.version = FB_BSD_STATFS_VERSION,
	.flags_off = FB_BSD_SF_FLAGS,
	.flags_size = sizeof(uint64_t),
	.fstype_off = FB_BSD_SF_FSTYPENAME,
	.fstype_len = 16,
	.from_off = FB_BSD_SF_MNTFROMNAME,
	.on_off = FB_BSD_SF_MNTONNAME,
	.name_len = FB_BSD_SF_NAMELEN,
	.flags = bsd_mnt_flags,
	.nflags = sizeof(bsd_mnt_flags) / sizeof(bsd_mnt_flags[0]),
};

int fb__bsd_decode_statfs(const void *buf, size_t len, struct fb_partition *out)
{
	return fb__decode_statfs(&bsd_statfs, buf, len, out);
}
