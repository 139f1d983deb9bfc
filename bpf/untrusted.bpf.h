/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * untrusted.bpf.h: reading kernel structures by direct loads in the iterator programs.
 * untrusted(p, type) casts p with the bpf_rdonly_cast() kfunc to an untrusted pointer of that
 * kernel type, through which every field is one load the JIT guards with an exception-table
 * entry (a fault reads 0), where a bpf_probe_read_kernel() call costs ~45 ns on this guest.
 * Through the trusted pointers an iterator hands over, each pointer load would instead make
 * the verifier search the whole kernel BTF for a "__safe_trusted" type name (20 ms more to
 * load iter.bpf.c). BPF-only; include after vmlinux.h and bpf_core_read.h.
 */
#ifndef VIGIL_UNTRUSTED_BPF_H
#define VIGIL_UNTRUSTED_BPF_H

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

#define untrusted(p, type) ((type *)bpf_rdonly_cast((p), bpf_core_type_id_kernel(type)))

#endif /* VIGIL_UNTRUSTED_BPF_H */
