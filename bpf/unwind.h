/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * unwind.h: the wire contract of the profiler's call-frame unwinder (bpf/unwind.bpf.h reads
 * it, user/profile/unwind_maps.c writes it). Userspace compiles each object's .eh_frame into
 * rows sorted by PC, all objects' rows in one `unw_rows` array; `unw_objs[table]` says where
 * an object's rows are; `unw_procs[tgid]` lists a process's executable mappings with the bias
 * that turns an address into the object's ELF virtual address and the table to look it up
 * in. A row holds for PCs from its own up to the next row's. x86-64 only: the CFA is rsp or
 * rbp plus an offset, the return address is at CFA-8, and rbp is either unchanged or saved
 * at CFA plus an offset; offsets are in 8-byte words, which keeps a row at 8 bytes (the
 * array's element stride). The includer provides __u8..__u64, as for events.h.
 */
#ifndef VIGIL_UNWIND_H
#define VIGIL_UNWIND_H

#define VG_UNW_MAX_MAPS	 128	     /* executable mappings kept per process */
#define VG_UNW_MAX_OBJS	 4096	     /* tables (objects) loaded at once */
#define VG_UNW_NO_TABLE	 0xffffffffU /* a mapping without a table: frame pointers */
#define VG_UNW_END_MARK	 (~0ULL)     /* last "frame" of a stack the CFI says is complete */
#define VG_UNW_CUT_MARK	 (~1ULL)     /* last "frame" of a stack the CFI says goes on */
#define VG_UNW_BSEARCH	 24	     /* binary search steps: up to 16M rows */
#define VG_UNW_MAP_STEPS 8	     /* binary search steps over a process's mappings */
#define VG_UNW_WANTED	 0xffffffffU /* vg_unw_obj.first of an evicted table: asked for */

/* How the caller's CFA is found (vg_unw_row.cfa). */
enum vg_unw_cfa {
	VG_CFA_NONE = 0,   /* no usable rule here: fall back to frame pointers */
	VG_CFA_RSP = 1,	   /* rsp + off */
	VG_CFA_RBP = 2,	   /* rbp + off */
	VG_CFA_PLT = 3,	   /* .plt stub: rsp + 8, + 8 more when (rip & 15) >= off */
	VG_CFA_END = 4,	   /* outermost frame (return address undefined): stack complete */
	VG_CFA_SIGNAL = 5, /* signal trampoline ('S' CFI): the interrupted rsp is saved at
			    * rsp + off words, in the ucontext's sigcontext, with rip in the
			    * next word and rbp five words below (x86-64's layout) */
};

/* Words from the saved rsp back to the saved rbp in x86-64's struct sigcontext. */
#define VG_UNW_SIG_RBP_BACK 5

struct vg_unw_row {
	__u32 pc;      /* ELF virtual address the row starts at */
	__s16 cfa_off; /* words; for VG_CFA_PLT the threshold itself */
	__u8 cfa;      /* enum vg_unw_cfa */
	__s8 rbp_off;  /* caller's rbp saved at CFA + rbp_off words; 0: rbp unchanged */
};

struct vg_unw_obj {
	__u32 first; /* index of its first row in unw_rows */
	__u32 count; /* 0: not loaded (or evicted): frame pointers; the kernel then sets
		      * first to VG_UNW_WANTED and sends a vg_prof_pid with pad = table + 1 */
	__u64 gen;   /* bumped by every write: a lookup that saw it change read freed rows */
};

struct vg_unw_map {
	__u64 start, end; /* [start, end) */
	__u64 bias;	  /* ELF virtual address = address - bias */
	__u32 table;	  /* index into unw_objs, or VG_UNW_NO_TABLE */
	__u32 pad;
};

struct vg_unw_proc {
	__u32 n; /* mappings in use, sorted by start */
	__u32 pad;
	struct vg_unw_map maps[VG_UNW_MAX_MAPS];
};

_Static_assert(sizeof(struct vg_unw_row) == 8, "vg_unw_row layout");
_Static_assert(sizeof(struct vg_unw_obj) == 16, "vg_unw_obj layout");
_Static_assert(sizeof(struct vg_unw_map) == 32, "vg_unw_map layout");

#endif /* VIGIL_UNWIND_H */
