// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * metrics_node.c: the system metrics `vigil serve` takes from the fallback library, named as
 * node_exporter names them so dashboards and alerts written for it work unchanged. A value
 * the library marks invalid is left out, never exported as 0.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fallback.h"
#include "prom/metrics.h"
#include "sched/schedstat.h"

#define NODE_MAX_CPUS 1024

static void write_cpu(struct prom *p)
{
	static const struct {
		const char *mode;
		uint32_t bit;
		size_t off;
	} modes[] = {
		{ "user", FB_CPU_USER, offsetof(struct fb_cpu_times, user) },
		{ "nice", FB_CPU_NICE, offsetof(struct fb_cpu_times, nice) },
		{ "system", FB_CPU_SYSTEM, offsetof(struct fb_cpu_times, system) },
		{ "idle", FB_CPU_IDLE, offsetof(struct fb_cpu_times, idle) },
		{ "iowait", FB_CPU_IOWAIT, offsetof(struct fb_cpu_times, iowait) },
		{ "irq", FB_CPU_IRQ, offsetof(struct fb_cpu_times, irq) },
		{ "softirq", FB_CPU_SOFTIRQ, offsetof(struct fb_cpu_times, softirq) },
		{ "steal", FB_CPU_STEAL, offsetof(struct fb_cpu_times, steal) },
	};
	struct fb_cpu_times *t = NULL;
	char lbl[PROM_LABELS_LEN], cpu[24];
	size_t n = 0;

	if (fb_cpu_times_percpu(&t, &n))
		return;
	prom__family(p, "node_cpu_seconds_total", "counter",
		     "Seconds the CPUs spent in each mode (/proc/stat).");
	for (size_t i = 0; i < n; i++) {
		snprintf(cpu, sizeof(cpu), "%zu", i);
		for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
			if (!(t[i].valid & modes[m].bit))
				continue;
			prom_labels(lbl, "cpu", cpu, "mode", modes[m].mode, NULL);
			prom__f64(p, "node_cpu_seconds_total", lbl,
				  *(const double *)((const char *)&t[i] + modes[m].off));
		}
	}
	prom__family(p, "node_cpu_guest_seconds_total", "counter",
		     "Seconds the CPUs spent running guests (/proc/stat).");
	for (size_t i = 0; i < n; i++) {
		snprintf(cpu, sizeof(cpu), "%zu", i);
		if (t[i].valid & FB_CPU_GUEST)
			prom__f64(p, "node_cpu_guest_seconds_total",
				  prom_labels(lbl, "cpu", cpu, "mode", "user", NULL), t[i].guest);
		if (t[i].valid & FB_CPU_GUEST_NICE)
			prom__f64(p, "node_cpu_guest_seconds_total",
				  prom_labels(lbl, "cpu", cpu, "mode", "nice", NULL),
				  t[i].guest_nice);
	}
	free(t);
}

static void gauge_bytes(struct prom *p, const char *name, const char *help, bool valid, uint64_t v)
{
	if (!valid)
		return;
	prom__family(p, name, "gauge", help);
	prom__u64(p, name, "", v);
}

static void write_memory(struct prom *p)
{
	struct fb_vmem vm;
	struct fb_swap sw;

	if (!fb_virtual_memory(&vm)) {
		gauge_bytes(p, "node_memory_MemTotal_bytes",
			    "Memory information field MemTotal_bytes.", vm.valid & FB_VMEM_TOTAL,
			    vm.total);
		gauge_bytes(p, "node_memory_MemFree_bytes",
			    "Memory information field MemFree_bytes.", vm.valid & FB_VMEM_FREE,
			    vm.free);
		gauge_bytes(p, "node_memory_MemAvailable_bytes",
			    "Memory information field MemAvailable_bytes.",
			    vm.valid & FB_VMEM_AVAILABLE, vm.available);
		gauge_bytes(p, "node_memory_Buffers_bytes",
			    "Memory information field Buffers_bytes.", vm.valid & FB_VMEM_BUFFERS,
			    vm.buffers);
		gauge_bytes(p, "node_memory_Shmem_bytes", "Memory information field Shmem_bytes.",
			    vm.valid & FB_VMEM_SHARED, vm.shared);
		gauge_bytes(p, "node_memory_Slab_bytes", "Memory information field Slab_bytes.",
			    vm.valid & FB_VMEM_SLAB, vm.slab);
		gauge_bytes(p, "node_memory_Active_bytes", "Memory information field Active_bytes.",
			    vm.valid & FB_VMEM_ACTIVE, vm.active);
		gauge_bytes(p, "node_memory_Inactive_bytes",
			    "Memory information field Inactive_bytes.", vm.valid & FB_VMEM_INACTIVE,
			    vm.inactive);
	}
	if (!fb_swap_memory(&sw)) {
		gauge_bytes(p, "node_memory_SwapTotal_bytes",
			    "Memory information field SwapTotal_bytes.", sw.valid & FB_SWAP_TOTAL,
			    sw.total);
		gauge_bytes(p, "node_memory_SwapFree_bytes",
			    "Memory information field SwapFree_bytes.", sw.valid & FB_SWAP_FREE,
			    sw.free);
	}
}

static void write_load_and_stats(struct prom *p)
{
	static const char *const names[] = { "node_load1", "node_load5", "node_load15" };
	struct fb_cpu_stats st;
	double load[3];

	if (!fb_getloadavg(load)) {
		for (int i = 0; i < 3; i++) {
			prom__family(p, names[i], "gauge", "Load average (/proc/loadavg).");
			prom__f64(p, names[i], "", load[i]);
		}
	}
	if (fb_cpu_stats(&st))
		return;
	if (st.valid & FB_CPUSTAT_CTX) {
		prom__family(p, "node_context_switches_total", "counter",
			     "Total number of context switches.");
		prom__u64(p, "node_context_switches_total", "", st.ctx_switches);
	}
	if (st.valid & FB_CPUSTAT_INTR) {
		prom__family(p, "node_intr_total", "counter",
			     "Total number of interrupts serviced.");
		prom__u64(p, "node_intr_total", "", st.interrupts);
	}
}

static void write_schedstat(struct prom *p)
{
	static struct schedstat cpus[NODE_MAX_CPUS];
	char lbl[PROM_LABELS_LEN], cpu[24];
	int n = schedstat_read_cpus(cpus, NODE_MAX_CPUS);

	if (n <= 0)
		return;
	prom__family(p, "node_schedstat_running_seconds_total", "counter",
		     "Number of seconds CPU spent running a process (/proc/schedstat).");
	for (int i = 0; i < n; i++) {
		snprintf(cpu, sizeof(cpu), "%d", i);
		prom__ns(p, "node_schedstat_running_seconds_total",
			 prom_labels(lbl, "cpu", cpu, NULL), cpus[i].run_ns);
	}
	prom__family(
		p, "node_schedstat_waiting_seconds_total", "counter",
		"Number of seconds spent by processing waiting for this CPU (/proc/schedstat).");
	for (int i = 0; i < n; i++) {
		snprintf(cpu, sizeof(cpu), "%d", i);
		prom__ns(p, "node_schedstat_waiting_seconds_total",
			 prom_labels(lbl, "cpu", cpu, NULL), cpus[i].wait_ns);
	}
	prom__family(p, "node_schedstat_timeslices_total", "counter",
		     "Number of timeslices executed by CPU (/proc/schedstat).");
	for (int i = 0; i < n; i++) {
		snprintf(cpu, sizeof(cpu), "%d", i);
		prom__u64(p, "node_schedstat_timeslices_total", prom_labels(lbl, "cpu", cpu, NULL),
			  cpus[i].slices);
	}
}

/* One counter family over the disks; off is the field's offset in struct fb_disk_io. */
static void disk_family(struct prom *p, const struct fb_disk_io *d, size_t n, const char *name,
			const char *help, size_t off, uint64_t scale_ns, uint32_t need)
{
	char lbl[PROM_LABELS_LEN];

	prom__family(p, name, "counter", help);
	for (size_t i = 0; i < n; i++) {
		uint64_t v = *(const uint64_t *)((const char *)&d[i] + off);

		if (need && !(d[i].valid & need))
			continue;
		prom_labels(lbl, "device", d[i].name, NULL);
		if (scale_ns)
			prom__ns(p, name, lbl, v * scale_ns);
		else
			prom__u64(p, name, lbl, v);
	}
}

#define DIO(f) offsetof(struct fb_disk_io, f)

static void write_disks(struct prom *p, struct fb_nowrap *nw)
{
	struct fb_disk_io *d = NULL;
	size_t n = 0;

	if (fb_disk_io_counters(true, nw, &d, &n) || !n) {
		free(d);
		return;
	}
	disk_family(p, d, n, "node_disk_reads_completed_total",
		    "The total number of reads completed successfully.", DIO(read_count), 0, 0);
	disk_family(p, d, n, "node_disk_writes_completed_total",
		    "The total number of writes completed successfully.", DIO(write_count), 0, 0);
	disk_family(p, d, n, "node_disk_read_bytes_total",
		    "The total number of bytes read successfully.", DIO(read_bytes), 0, 0);
	disk_family(p, d, n, "node_disk_written_bytes_total",
		    "The total number of bytes written successfully.", DIO(write_bytes), 0, 0);
	disk_family(p, d, n, "node_disk_read_time_seconds_total",
		    "The total number of seconds spent by all reads.", DIO(read_time), 1000000,
		    FB_DIO_READ_TIME);
	disk_family(p, d, n, "node_disk_write_time_seconds_total",
		    "This is the total number of seconds spent by all writes.", DIO(write_time),
		    1000000, FB_DIO_WRITE_TIME);
	disk_family(p, d, n, "node_disk_reads_merged_total", "The total number of reads merged.",
		    DIO(read_merged_count), 0, FB_DIO_MERGED);
	disk_family(p, d, n, "node_disk_writes_merged_total", "The number of writes merged.",
		    DIO(write_merged_count), 0, FB_DIO_MERGED);
	disk_family(p, d, n, "node_disk_io_time_seconds_total", "Total seconds spent doing I/Os.",
		    DIO(busy_time), 1000000, FB_DIO_BUSY_TIME);
	free(d);
}

static void net_family(struct prom *p, const struct fb_net_io *d, size_t n, const char *name,
		       const char *help, size_t off)
{
	char lbl[PROM_LABELS_LEN];

	prom__family(p, name, "counter", help);
	for (size_t i = 0; i < n; i++)
		prom__u64(p, name, prom_labels(lbl, "device", d[i].name, NULL),
			  *(const uint64_t *)((const char *)&d[i] + off));
}

#define NIO(f) offsetof(struct fb_net_io, f)

static void write_net(struct prom *p, struct fb_nowrap *nw)
{
	struct fb_net_io *d = NULL;
	size_t n = 0;

	if (fb_net_io_counters(true, nw, &d, &n) || !n) {
		free(d);
		return;
	}
	net_family(p, d, n, "node_network_receive_bytes_total",
		   "Network device statistic receive_bytes.", NIO(bytes_recv));
	net_family(p, d, n, "node_network_transmit_bytes_total",
		   "Network device statistic transmit_bytes.", NIO(bytes_sent));
	net_family(p, d, n, "node_network_receive_packets_total",
		   "Network device statistic receive_packets.", NIO(packets_recv));
	net_family(p, d, n, "node_network_transmit_packets_total",
		   "Network device statistic transmit_packets.", NIO(packets_sent));
	net_family(p, d, n, "node_network_receive_errs_total",
		   "Network device statistic receive_errs.", NIO(errin));
	net_family(p, d, n, "node_network_transmit_errs_total",
		   "Network device statistic transmit_errs.", NIO(errout));
	net_family(p, d, n, "node_network_receive_drop_total",
		   "Network device statistic receive_drop.", NIO(dropin));
	net_family(p, d, n, "node_network_transmit_drop_total",
		   "Network device statistic transmit_drop.", NIO(dropout));
	free(d);
}

void metrics_node_write(struct prom *p, struct fb_nowrap *disk_nw, struct fb_nowrap *net_nw)
{
	write_cpu(p);
	write_load_and_stats(p);
	write_memory(p);
	write_schedstat(p);
	write_disks(p, disk_nw);
	write_net(p, net_nw);
}
