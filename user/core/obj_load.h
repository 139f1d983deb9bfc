/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * obj_load.h: loading a BPF object with the heap made ready for libbpf's copies of the
 * kernel's BTF (obj_load.c).
 */
#ifndef VIGIL_OBJ_LOAD_H
#define VIGIL_OBJ_LOAD_H

struct bpf_object;
struct bpf_object_skeleton;

/* bpf_object__load(obj): 0 or a negative errno, as it returns. */
int obj__load(struct bpf_object *obj);

/*
 * bpf_object__load_skeleton(skel), for a skeleton whose .bss and .data the caller reads
 * through the skeleton (it maps them after the load): 0 or a negative errno.
 */
int obj__load_skeleton(struct bpf_object_skeleton *skel);

#endif /* VIGIL_OBJ_LOAD_H */
