// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dns_floor.c: the floor of tools/bench_dns.py: the cheapest program the cgroup_skb hooks
 * can run (return 1: let the packet pass), attached like vigil's DNS programs to egress and
 * ingress of the root of the cgroup v2 tree, so that both run on the same packets and the
 * kernel's run_time_ns/run_cnt compare what the DNS parsing adds to the cost of the hook
 * itself. Prints "ready" once attached and holds the links until stdin closes.
 *   usage: dns_floor CGROUP2_ROOT
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <unistd.h>

static int floor_attach(int cg, enum bpf_attach_type type, const char *name)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = type);
	int prog = bpf_prog_load(BPF_PROG_TYPE_CGROUP_SKB, name, "GPL", insns, 2, &opts);

	if (prog < 0) {
		fprintf(stderr, "dns_floor: load %s: %d\n", name, prog);
		return -1;
	}
	if (bpf_link_create(prog, cg, type, NULL) < 0) {
		fprintf(stderr, "dns_floor: attach %s failed\n", name);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char c;
	int cg;

	if (argc != 2) {
		fprintf(stderr, "usage: dns_floor CGROUP2_ROOT\n");
		return 2;
	}
	cg = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (cg < 0) {
		perror(argv[1]);
		return 1;
	}
	if (floor_attach(cg, BPF_CGROUP_INET_EGRESS, "floor_egress") ||
	    floor_attach(cg, BPF_CGROUP_INET_INGRESS, "floor_ingress"))
		return 1;
	printf("ready\n");
	fflush(stdout);
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	return 0;
}
