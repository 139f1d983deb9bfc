// SPDX-License-Identifier: BSD-2-Clause
/*
 * decode.c - the macOS decoders (darwin_decode.h): CPU tick arrays, vm_statistics64, swap usage,
 * boot time, load average, interface messages and process entries. Plain C over byte buffers, read
 * with memcpy so no alignment is assumed; built on macOS into the backend and on Linux into the
 * unit tests.
 */
#include "darwin_decode.h"
#include "../posix/posix_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* what one kinfo_proc entry holds */
#define FB_PI_PID_FIELDS                                                                           \
	(FB_PI_NAME | FB_PI_PPID | FB_PI_STATUS | FB_PI_CREATE_TIME | FB_PI_NICE | FB_PI_UIDS)

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int fb__darwin_decode_cpu_load(const void *buf, size_t len, struct fb_cpu_times *out, size_t max,
			       size_t *n)
{
	const unsigned char *p = buf;
	size_t cnt;

	if (!len || len % FB_DARWIN_CPU_LOAD_SIZE)
		return -EINVAL;
	cnt = len / FB_DARWIN_CPU_LOAD_SIZE;
	if (cnt > max)
		cnt = max;
	for (size_t i = 0; i < cnt; i++, p += FB_DARWIN_CPU_LOAD_SIZE) {
		struct fb_cpu_times *t = &out[i];

		memset(t, 0, sizeof(*t));
		t->user = (double)get_u32(p + 0) / FB_DARWIN_TICK_HZ;
		t->system = (double)get_u32(p + 4) / FB_DARWIN_TICK_HZ;
		t->idle = (double)get_u32(p + 8) / FB_DARWIN_TICK_HZ;
		t->nice = (double)get_u32(p + 12) / FB_DARWIN_TICK_HZ;
		t->valid = FB_CPU_USER | FB_CPU_SYSTEM | FB_CPU_IDLE | FB_CPU_NICE;
	}
	*n = cnt;
	return 0;
}

int fb__darwin_decode_vmstat(const void *buf, size_t len, uint64_t memsize, uint64_t pagesize,
			     struct fb_vmem *out)
{
	const unsigned char *p = buf;
	uint64_t freep, spec;

	if (len != FB_DARWIN_VMSTAT64_SIZE || !memsize || !pagesize)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	freep = get_u32(p + FB_DARWIN_VM_FREE);
	spec = get_u32(p + FB_DARWIN_VM_SPECULATIVE);
	out->total = memsize;
	out->active = get_u32(p + FB_DARWIN_VM_ACTIVE) * pagesize;
	out->inactive = get_u32(p + FB_DARWIN_VM_INACTIVE) * pagesize;
	out->available = out->inactive + freep * pagesize;
	if (out->available > out->total)
		out->available = out->total;
	out->used = out->active + get_u32(p + FB_DARWIN_VM_WIRE) * pagesize;
	out->free = (freep > spec ? freep - spec : 0) * pagesize;
	out->percent =
		fb__round1((double)(out->total - out->available) * 100.0 / (double)out->total);
	out->valid = FB_VMEM_TOTAL | FB_VMEM_AVAILABLE | FB_VMEM_USED | FB_VMEM_FREE |
		     FB_VMEM_ACTIVE | FB_VMEM_INACTIVE | FB_VMEM_PERCENT;
	return 0;
}

int fb__darwin_decode_vm_paging(const void *buf, size_t len, uint64_t *pageins, uint64_t *pageouts)
{
	const unsigned char *p = buf;

	if (len != FB_DARWIN_VMSTAT64_SIZE)
		return -EINVAL;
	*pageins = get_u64(p + FB_DARWIN_VM_PAGEINS);
	*pageouts = get_u64(p + FB_DARWIN_VM_PAGEOUTS);
	return 0;
}

int fb__darwin_decode_xsw_usage(const void *buf, size_t len, struct fb_swap *out)
{
	const unsigned char *p = buf;

	if (len != FB_DARWIN_XSW_SIZE)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->total = get_u64(p + 0);
	out->free = get_u64(p + 8);
	out->used = get_u64(p + 16);
	if (out->used > out->total || out->free > out->total)
		return -EINVAL;
	out->percent = out->total ? fb__round1((double)out->used * 100.0 / (double)out->total) : 0;
	out->valid = FB_SWAP_TOTAL | FB_SWAP_USED | FB_SWAP_FREE | FB_SWAP_PERCENT;
	return 0;
}

int fb__darwin_decode_timeval(const void *buf, size_t len, double *out)
{
	return fb__decode_timeval(buf, len, 4, out);
}

int fb__darwin_decode_loadavg(const void *buf, size_t len, double out[3])
{
	return fb__decode_loadavg(buf, len, out);
}

int fb__darwin_decode_ifmsg(const void *buf, size_t len, size_t *msglen, unsigned *index,
			    uint32_t *flags, struct fb_net_io *d, int *mtu, int *speed)
{
	const unsigned char *p = buf, *data = p + FB_DARWIN_IFM_DATA;
	uint16_t mlen;

	if (len < 4)
		return -EINVAL;
	memcpy(&mlen, p, 2);
	if (mlen < 4 || mlen > len)
		return -EINVAL;
	*msglen = mlen;
	if (p[3] != FB_DARWIN_RTM_IFINFO2)
		return 0;
	if (mlen < FB_DARWIN_IFM2_SIZE)
		return -EINVAL;
	*flags = get_u32(p + FB_DARWIN_IFM_FLAGS);
	*index = (unsigned)p[FB_DARWIN_IFM_INDEX] | (unsigned)p[FB_DARWIN_IFM_INDEX + 1] << 8;
	*mtu = (int)get_u32(data + 8);
	*speed = (int)(get_u64(data + 16) / 1000000);
	d->packets_recv = get_u64(data + 24);
	d->errin = get_u64(data + 32);
	d->packets_sent = get_u64(data + 40);
	d->errout = get_u64(data + 48);
	d->bytes_recv = get_u64(data + 64);
	d->bytes_sent = get_u64(data + 72);
	d->dropin = get_u64(data + 96);
	d->dropout = 0; /* if_data64 has no output drop counter */
	return 1;
}

int fb__darwin_decode_kinfo_proc(const void *buf, size_t len, struct fb_proc_info *pi)
{
	const unsigned char *p = buf;
	int64_t sec;
	int32_t v, usec;

	if (len < FB_DARWIN_KINFO_PROC_SIZE)
		return -EINVAL;
	memset(pi, 0, sizeof(*pi));
	memcpy(&v, p + FB_DARWIN_KP_PID, 4);
	pi->pid = v;
	memcpy(&v, p + FB_DARWIN_KP_PPID, 4);
	pi->ppid = v;
	memcpy(pi->name, p + FB_DARWIN_KP_COMM, FB_DARWIN_KP_COMMLEN);
	pi->name[FB_DARWIN_KP_COMMLEN - 1] = '\0';
	pi->valid = FB_PI_PID_FIELDS;
	/* p_stat: SIDL 1, SRUN 2, SSLEEP 3, SSTOP 4, SZOMB 5 */
	switch (p[FB_DARWIN_KP_STAT]) {
	case 1:
		pi->status = FB_STATUS_IDLE;
		break;
	case 2:
		pi->status = FB_STATUS_RUNNING;
		break;
	case 3:
		pi->status = FB_STATUS_SLEEPING;
		break;
	case 4:
		pi->status = FB_STATUS_STOPPED;
		break;
	case 5:
		pi->status = FB_STATUS_ZOMBIE;
		break;
	default:
		pi->valid &= ~(uint32_t)FB_PI_STATUS;
	}
	memcpy(&sec, p + FB_DARWIN_KP_STARTTIME, 8);
	memcpy(&usec, p + FB_DARWIN_KP_STARTTIME + 8, 4);
	pi->create_time = (double)sec + (double)usec / 1e6;
	pi->nice = (signed char)p[FB_DARWIN_KP_NICE];
	pi->uids.real = get_u32(p + FB_DARWIN_KP_RUID);
	pi->uids.saved = get_u32(p + FB_DARWIN_KP_SVUID);
	pi->uids.effective = get_u32(p + FB_DARWIN_KP_UID);
	return 0;
}

/* MNT_* flags psutil names in opts (macOS sys/mount.h values). */
static const struct fb__mnt_flag darwin_mnt_flags[] = {
	{ 0x00000002, "sync" },
	{ 0x00000004, "noexec" },
	{ 0x00000008, "nosuid" },
	{ 0x00000010, "nodev" },
	{ 0x00000040, "async" },
	{ 0x00001000, "local" },
	{ 0x00002000, "quota" },
	{ 0x00004000, "rootfs" },
	{ 0x00008000, "dovolfs" },
	{ 0x00100000, "dontbrowse" },
	{ 0x00200000, "ignore-ownership" },
	{ 0x00400000, "automounted" },
	{ 0x00800000, "journaled" },
	{ 0x10000000, "noatime" },
	{ 0x40000000, "snapshot" },
};

static const struct fb__statfs_layout darwin_statfs = {
	.size = FB_DARWIN_STATFS_SIZE,
	.flags_off = FB_DARWIN_SF_FLAGS,
	.flags_size = sizeof(uint32_t),
	.fstype_off = FB_DARWIN_SF_FSTYPENAME,
	.fstype_len = 16,
	.from_off = FB_DARWIN_SF_MNTFROMNAME,
	.on_off = FB_DARWIN_SF_MNTONNAME,
	.name_len = FB_DARWIN_SF_NAMELEN,
	.flags = darwin_mnt_flags,
	.nflags = sizeof(darwin_mnt_flags) / sizeof(darwin_mnt_flags[0]),
};

int fb__darwin_decode_statfs(const void *buf, size_t len, struct fb_partition *out)
{
	return fb__decode_statfs(&darwin_statfs, buf, len, out);
}

int fb__darwin_decode_taskinfo(const void *buf, size_t len, uint32_t numer, uint32_t denom,
			       struct fb_proc_info *pi)
{
	const unsigned char *p = buf;
	int32_t thr;

	if (len != FB_DARWIN_TASKINFO_SIZE || !numer || !denom)
		return -EINVAL;
	pi->memory_info.vms = get_u64(p + FB_DARWIN_TI_VIRTUAL);
	pi->memory_info.rss = get_u64(p + FB_DARWIN_TI_RESIDENT);
	pi->memory_info.shared = pi->memory_info.text = pi->memory_info.data = FB_MEM_UNKNOWN;
	/* multiply first: ticks * numer / denom is exact for the usual timebases */
	pi->cpu_times.user = (double)get_u64(p + FB_DARWIN_TI_USER) * numer / denom / 1e9;
	pi->cpu_times.system = (double)get_u64(p + FB_DARWIN_TI_SYSTEM) * numer / denom / 1e9;
	memcpy(&thr, p + FB_DARWIN_TI_THREADNUM, 4);
	pi->num_threads = thr;
	pi->valid |= FB_PI_MEMORY_INFO | FB_PI_CPU_TIMES | FB_PI_NUM_THREADS;
	return 0;
}

int fb__darwin_decode_procargs2(const void *buf, size_t len, struct fb_strv *out)
{
	const char *p = buf, *end = p + len, *args;
	int32_t argc;

	out->n = 0;
	out->v = NULL;
	if (len < 4)
		return -EINVAL;
	memcpy(&argc, p, 4);
	if (argc < 0)
		return -EINVAL;
	p += 4;
	p = memchr(p, '\0', (size_t)(end - p)); /* past the exec path */
	if (!p)
		return -EINVAL;
	while (p < end && !*p)
		p++;
	args = p;
	for (int32_t i = 0; i < argc; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));

		if (!nul)
			return -EINVAL;
		p = nul + 1;
	}
	return fb__strv_split(args, (size_t)(p - args), '\0', out);
}
