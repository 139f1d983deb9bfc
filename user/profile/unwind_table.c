// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * unwind_table.c: compile an object's .eh_frame into unwind rows. The FDEs are found through
 * .eh_frame_hdr's sorted search table (parsed here: it is a flat array); libdw interprets
 * each FDE's CFA program (dwarf_cfi_addrframe), one row at a time, and its rules are reduced
 * to what the kernel side can follow: CFA = rsp/rbp + offset, the x86-64 .plt expression
 * (rsp + 8, plus 8 past the stub's push), rbp unchanged or saved at CFA + offset, an
 * undefined return address marking the outermost frame, and a signal trampoline ('S'
 * augmentation), whose caller's registers are in the sigcontext on the stack. Anything else
 * becomes a "no rule" row, where the kernel falls back to frame pointers. Gaps between FDEs
 * are "no rule" too. Code .eh_frame does not cover gets the rows of its .debug_frame FDEs
 * (walked with dwarf_next_cfi, interpreted through dwarf_getcfi), from the object or from
 * its separate debug file.
 */
#include "profile/unwind_table.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile/elf_debug.h"
#include "profile/usyms.h"

#define UNW_MAX_ROWS	(8U << 20) /* a hostile object cannot make more */
#define UNW_REG_RBP	6
#define UNW_REG_RSP	7
#define UNW_REG_RA	16
#define DW_EH_PE_udata4 0x03
#define DW_EH_PE_sdata4 0x0b
#define DW_EH_PE_udata8 0x04
#define DW_EH_PE_sdata8 0x0c
#define DW_EH_PE_table	0x3b /* datarel | sdata4: the only table encoding linkers emit */

struct row_buf {
	struct vg_unw_row *rows;
	size_t n, cap;
};

static int row_buf__push(struct row_buf *b, const struct vg_unw_row *r)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1024;
		struct vg_unw_row *p;

		if (cap > UNW_MAX_ROWS)
			return -E2BIG;
		p = realloc(b->rows, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		b->rows = p;
		b->cap = cap;
	}
	b->rows[b->n++] = *r;
	return 0;
}

static Elf_Scn *elf_section(Elf *elf, const char *name, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, sh))
			continue;
		n = elf_strptr(elf, shstrndx, sh->sh_name);
		if (n && !strcmp(n, name) && sh->sh_type != SHT_NOBITS)
			return scn;
	}
	return NULL;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The initial locations of the FDEs listed in .eh_frame_hdr (at vaddr hdr). */
static int eh_hdr__starts(const uint8_t *p, size_t len, uint64_t hdr, uint64_t **out, size_t *n)
{
	size_t off = 4, ptr_len, cnt;
	uint64_t *starts;

	if (len < 4 || p[0] != 1)
		return -EINVAL;
	switch (p[1] & 0x0f) {
	case DW_EH_PE_udata4:
	case DW_EH_PE_sdata4:
		ptr_len = 4;
		break;
	case DW_EH_PE_udata8:
	case DW_EH_PE_sdata8:
		ptr_len = 8;
		break;
	default:
		return -ENOTSUP;
	}
	if (p[2] != DW_EH_PE_udata4 || p[3] != DW_EH_PE_table)
		return -ENOTSUP;
	off += ptr_len;
	if (len < off + 4)
		return -EINVAL;
	cnt = rd32(p + off);
	off += 4;
	if (cnt > (len - off) / 8)
		return -EINVAL;
	if (!cnt)
		return -ENOENT;
	starts = malloc(cnt * sizeof(*starts));
	if (!starts)
		return -ENOMEM;
	for (size_t i = 0; i < cnt; i++)
		starts[i] = hdr + (uint64_t)(int64_t)(int32_t)rd32(p + off + i * 8);
	*out = starts;
	*n = cnt;
	return 0;
}

static bool ops_is_plt(const Dwarf_Op *o, size_t n, int32_t *threshold)
{
	/* rsp + 8 + ((rip & 15) >= K) << 3, as binutils writes it for .plt */
	if (n != 9 || o[0].atom != DW_OP_breg7 || o[0].number != 8 || o[1].atom != DW_OP_breg16 ||
	    o[1].number != 0 || o[2].atom != DW_OP_lit15 || o[3].atom != DW_OP_and ||
	    o[4].atom < DW_OP_lit0 || o[4].atom > DW_OP_lit15 || o[5].atom != DW_OP_ge ||
	    o[6].atom != DW_OP_lit3 || o[7].atom != DW_OP_shl || o[8].atom != DW_OP_plus)
		return false;
	*threshold = o[4].atom - DW_OP_lit0;
	return true;
}

/* rbp's rule; false when it is one the kernel side cannot follow. */
static bool row__rbp(Dwarf_Frame *fr, struct vg_unw_row *r)
{
	Dwarf_Op mem[3], *ops;
	size_t n;
	int64_t off = 0;

	if (dwarf_frame_register(fr, UNW_REG_RBP, mem, &ops, &n))
		return false;
	r->rbp_off = 0;
	if (!n) /* same value, or undefined: leave it */
		return true;
	if (ops[0].atom != DW_OP_call_frame_cfa || n > 2)
		return false;
	if (n == 2) {
		if (ops[1].atom != DW_OP_plus_uconst && ops[1].atom != DW_OP_consts)
			return false;
		off = (int64_t)ops[1].number;
	}
	if (off % 8 || !off || off / 8 < INT8_MIN || off / 8 > INT8_MAX)
		return false;
	r->rbp_off = (int8_t)(off / 8);
	return true;
}

/* libdw states a register + offset CFA as DW_OP_bregx (or DW_OP_bregN). */
static bool cfa_breg(const Dwarf_Op *o, uint64_t *reg, int64_t *off)
{
	if (o->atom == DW_OP_bregx) {
		*reg = o->number;
		*off = (int64_t)o->number2;
		return true;
	}
	if (o->atom >= DW_OP_breg0 && o->atom <= DW_OP_breg31) {
		*reg = o->atom - DW_OP_breg0;
		*off = (int64_t)o->number;
		return true;
	}
	return false;
}

/*
 * A signal trampoline's CFA (glibc's __restore_rt, marked 'S'): the interrupted rsp loaded
 * from the sigcontext, "*(rsp + K)". Its other registers are saved next to it.
 */
static bool row__signal(Dwarf_Frame *fr, struct vg_unw_row *r)
{
	Dwarf_Op *ops;
	uint64_t reg;
	int64_t off;
	size_t n;

	if (dwarf_frame_cfa(fr, &ops, &n) || n != 2 || ops[1].atom != DW_OP_deref ||
	    !cfa_breg(&ops[0], &reg, &off) || reg != UNW_REG_RSP)
		return false;
	if (off % 8 || off / 8 < VG_UNW_SIG_RBP_BACK || off / 8 > INT16_MAX)
		return false;
	r->cfa = VG_CFA_SIGNAL;
	r->cfa_off = (int16_t)(off / 8);
	r->rbp_off = 0;
	return true;
}

static void row__rule(Dwarf_Frame *fr, bool signal, struct vg_unw_row *r)
{
	Dwarf_Op mem[3], *ops;
	uint64_t reg;
	int64_t off;
	int32_t thr;
	size_t n;

	r->cfa = VG_CFA_NONE;
	if (signal) {
		row__signal(fr, r);
		return;
	}
	if (!dwarf_frame_register(fr, UNW_REG_RA, mem, &ops, &n) && !n && ops == mem) {
		r->cfa = VG_CFA_END;
		return;
	}
	if (dwarf_frame_cfa(fr, &ops, &n) || !n)
		return;
	if (n == 1 && cfa_breg(&ops[0], &reg, &off) && (reg == UNW_REG_RSP || reg == UNW_REG_RBP)) {
		if (off % 8 || off / 8 < INT16_MIN || off / 8 > INT16_MAX)
			return;
		r->cfa_off = (int16_t)(off / 8);
		r->cfa = reg == UNW_REG_RSP ? VG_CFA_RSP : VG_CFA_RBP;
	} else if (ops_is_plt(ops, n, &thr)) {
		r->cfa_off = (int16_t)thr;
		r->cfa = VG_CFA_PLT;
	} else {
		return;
	}
	if (!row__rbp(fr, r))
		r->cfa = VG_CFA_NONE;
}

static int row_buf__add(struct row_buf *b, uint64_t pc, Dwarf_Frame *fr, bool signal)
{
	struct vg_unw_row r = { 0 };

	if (pc > UINT32_MAX)
		return -ERANGE;
	r.pc = (uint32_t)pc;
	if (fr)
		row__rule(fr, signal, &r);
	return row_buf__push(b, &r);
}

/* Rows of the FDE starting at pc, up to limit (the next FDE) or the FDE's end. */
static int fde__compile(Dwarf_CFI *cfi, uint64_t pc, uint64_t limit, struct row_buf *b)
{
	while (pc < limit) {
		Dwarf_Frame *fr;
		Dwarf_Addr s, e;
		bool signal = false;
		int err;

		if (dwarf_cfi_addrframe(cfi, pc, &fr))
			return row_buf__add(b, pc, NULL, false);
		if (dwarf_frame_info(fr, &s, &e, &signal) < 0 || e <= pc) {
			free(fr);
			return row_buf__add(b, pc, NULL, false);
		}
		err = row_buf__add(b, pc, fr, signal);
		free(fr);
		if (err)
			return err;
		pc = e;
	}
	return 0;
}

/* By PC; at one PC a rule before "no rule" (a .debug_frame FDE starting where another ends). */
static int row_cmp(const void *a, const void *b)
{
	const struct vg_unw_row *x = a, *y = b;

	if (x->pc != y->pc)
		return (x->pc > y->pc) - (x->pc < y->pc);
	return (x->cfa == VG_CFA_NONE) - (y->cfa == VG_CFA_NONE);
}

static bool row_same_rule(const struct vg_unw_row *a, const struct vg_unw_row *b)
{
	return a->cfa == b->cfa && a->cfa_off == b->cfa_off && a->rbp_off == b->rbp_off;
}

/* Sort, keep the first of equal PCs, and drop rows that repeat the rule before them. */
static void table__compact(struct unw_table *t)
{
	size_t w = 0;

	qsort(t->rows, t->n, sizeof(*t->rows), row_cmp);
	for (size_t i = 0; i < t->n; i++) {
		if (w && t->rows[w - 1].pc == t->rows[i].pc)
			continue;
		if (w && row_same_rule(&t->rows[w - 1], &t->rows[i]))
			continue;
		t->rows[w++] = t->rows[i];
	}
	t->n = w;
	for (size_t i = 0; i < t->n; i++)
		t->unsupported += t->rows[i].cfa == VG_CFA_NONE;
}

/* The rows of the FDEs .eh_frame_hdr lists; *cfi is left open for debug_frame__add(). */
static int eh_frame__add(Elf *elf, struct row_buf *b, Dwarf_CFI **cfi, size_t *nfde)
{
	uint64_t *starts = NULL;
	Elf_Data *data;
	GElf_Shdr sh;
	Elf_Scn *scn;
	size_t n = 0;
	int err = 0;

	scn = elf_section(elf, ".eh_frame_hdr", &sh);
	if (!scn)
		return 0;
	data = elf_getdata(scn, NULL);
	if (!data || !data->d_buf)
		return -EINVAL;
	err = eh_hdr__starts(data->d_buf, data->d_size, sh.sh_addr, &starts, &n);
	if (err)
		return err == -ENOENT ? 0 : err;
	*cfi = dwarf_getcfi_elf(elf);
	if (!*cfi) {
		free(starts);
		return 0;
	}
	for (size_t i = 0; i < n && !err; i++)
		err = fde__compile(*cfi, starts[i], i + 1 < n ? starts[i + 1] : UINT64_MAX, b);
	free(starts);
	*nfde += n;
	return err;
}

static bool cfi__covers(Dwarf_CFI *cfi, uint64_t pc)
{
	Dwarf_Frame *fr;

	if (!cfi || dwarf_cfi_addrframe(cfi, pc, &fr))
		return false;
	free(fr);
	return true;
}

/*
 * The rows of dbg's .debug_frame FDEs for code eh (.eh_frame) does not cover: objects built
 * with -fno-asynchronous-unwind-tables -g. Each ends with a "no rule" row.
 */
static int debug_frame__add(Elf *dbg, Dwarf_CFI *eh, struct row_buf *b, size_t *nfde)
{
	Dwarf_Off off = 0, next;
	Dwarf_CFI_Entry entry;
	Dwarf_CFI *cfi;
	Elf_Data *data;
	GElf_Shdr sh;
	Elf_Scn *scn;
	Dwarf *dw;
	int err = 0;
	const unsigned char *ident = (const unsigned char *)elf_getident(dbg, NULL);

	scn = elf_section(dbg, ".debug_frame", &sh);
	data = scn ? elf_getdata(scn, NULL) : NULL;
	if (!data || !data->d_buf || !ident || ident[EI_CLASS] != ELFCLASS64)
		return 0;
	dw = dwarf_begin_elf(dbg, DWARF_C_READ, NULL);
	cfi = dw ? dwarf_getcfi(dw) : NULL;
	while (cfi && !err && !dwarf_next_cfi(ident, data, false, off, &next, &entry)) {
		uint64_t loc, range;

		off = next;
		if (dwarf_cfi_cie_p(&entry) || entry.fde.end - entry.fde.start < 16)
			continue;
		memcpy(&loc, entry.fde.start, sizeof(loc));
		memcpy(&range, entry.fde.start + 8, sizeof(range));
		if (!range || loc + range < loc || loc > UINT32_MAX || cfi__covers(eh, loc))
			continue;
		err = fde__compile(cfi, loc, loc + range, b);
		if (!err && loc + range <= UINT32_MAX)
			err = row_buf__add(b, loc + range, NULL, false);
		(*nfde)++;
	}
	if (dw)
		dwarf_end(dw);
	return err;
}

/* Bytes of the object's executable sections that rows (sorted) give a rule for, and in all. */
static void rows__coverage(Elf *elf, const struct row_buf *b, uint64_t *covered, uint64_t *text)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	*covered = *text = 0;
	for (size_t i = 0; i + 1 < b->n; i++) {
		if (b->rows[i].cfa != VG_CFA_NONE)
			*covered += b->rows[i + 1].pc - b->rows[i].pc;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_PROGBITS &&
		    (sh.sh_flags & SHF_EXECINSTR))
			*text += sh.sh_size;
	}
}

/*
 * The separate debug file of the object at path (by build id, then .gnu_debuglink), when
 * .eh_frame leaves most of its code without rules and it has no .debug_frame itself.
 */
static Elf *debug_file__open(Elf *elf, const char *path, const char *debug_dir, int *fd)
{
	char id[ELF_BUILD_ID_MAX];
	Elf *dbg;

	*fd = -ENOENT;
	if (!elf_build_id(elf, id, sizeof(id)))
		*fd = elf_debug__open_build_id(debug_dir, id);
	if (*fd < 0)
		*fd = elf_debug__open_link(elf, path, debug_dir);
	if (*fd < 0)
		return NULL;
	dbg = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (!dbg) {
		close(*fd);
		*fd = -1;
	}
	return dbg;
}

/*
 * path: the object's file, for its separate debug file under debug_dir (path NULL: none
 * looked for).
 */
static int table__build(Elf *elf, const char *path, const char *debug_dir, struct unw_table *t)
{
	struct row_buf b = { 0 };
	Dwarf_CFI *eh = NULL;
	uint64_t covered, text;
	size_t nfde = 0;
	int err, fd = -1;

	err = eh_frame__add(elf, &b, &eh, &nfde);
	if (!err && elf_section(elf, ".debug_frame", &(GElf_Shdr){ 0 })) {
		err = debug_frame__add(elf, eh, &b, &nfde);
	} else if (!err && path) {
		qsort(b.rows, b.n, sizeof(*b.rows), row_cmp);
		rows__coverage(elf, &b, &covered, &text);
		if (covered < text / 2) {
			Elf *dbg = debug_file__open(elf, path, debug_dir, &fd);

			if (dbg) {
				err = debug_frame__add(dbg, eh, &b, &nfde);
				elf_end(dbg);
				close(fd);
			}
		}
	}
	if (eh)
		dwarf_cfi_end(eh);
	if (!err && !b.n)
		err = -ENOENT;
	if (err) {
		free(b.rows);
		return err;
	}
	t->rows = b.rows;
	t->n = b.n;
	t->nfde = nfde;
	table__compact(t);
	return 0;
}

static void table__key(Elf *elf, int fd, struct unw_table *t)
{
	const void *id = NULL;
	ssize_t len = dwelf_elf_gnu_build_id(elf, &id);
	struct stat st;

	if (len > 0 && len <= 32) {
		const uint8_t *p = id;
		size_t o = (size_t)snprintf(t->key, sizeof(t->key), "b:");

		for (ssize_t i = 0; i < len; i++)
			o += (size_t)snprintf(t->key + o, sizeof(t->key) - o, "%02x", p[i]);
	} else if (!fstat(fd, &st)) {
		snprintf(t->key, sizeof(t->key), "i:%" PRIu64 ":%" PRIu64 ":%" PRId64,
			 (uint64_t)st.st_dev, (uint64_t)st.st_ino, (int64_t)st.st_mtime);
	}
}

int unw_table__load(const char *path, const char *debug_dir, struct unw_table *t)
{
	int fd, err;
	Elf *elf;

	memset(t, 0, sizeof(*t));
	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf) {
		close(fd);
		return -EINVAL;
	}
	table__key(elf, fd, t);
	err = table__build(elf, path, debug_dir, t);
	elf_end(elf);
	close(fd);
	return err;
}

int unw_table__key(const char *path, char *key, size_t len)
{
	struct unw_table t = { 0 };
	int fd;
	Elf *elf;

	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf)
		table__key(elf, fd, &t);
	elf_end(elf);
	close(fd);
	snprintf(key, len, "%s", t.key);
	return t.key[0] ? 0 : -EINVAL;
}

int unw_table__load_mem(const void *buf, size_t len, struct unw_table *t)
{
	Elf *elf;
	int err;

	memset(t, 0, sizeof(*t));
	elf_version(EV_CURRENT);
	elf = elf_memory((char *)buf, len);
	if (!elf)
		return -EINVAL;
	err = elf_kind(elf) == ELF_K_ELF ? table__build(elf, NULL, NULL, t) : -EINVAL;
	elf_end(elf);
	return err;
}

const struct vg_unw_row *unw_table__find(const struct unw_table *t, uint64_t vaddr)
{
	size_t lo = 0, hi = t->n;

	if (vaddr > UINT32_MAX)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->rows[mid].pc <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &t->rows[lo - 1] : NULL;
}

int unw_file_vaddr(const char *path, uint64_t off, uint64_t *vaddr)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = -ENOENT;
	size_t nph = 0;
	Elf *elf;

	if (fd < 0)
		return -errno;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_getphdrnum(elf, &nph))
		nph = 0;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (off < ph.p_offset || off >= ph.p_offset + ph.p_filesz)
			continue;
		*vaddr = off - ph.p_offset + ph.p_vaddr;
		err = 0;
		if (ph.p_flags & PF_X)
			break;
	}
	elf_end(elf);
	close(fd);
	return err;
}

void unw_table__fini(struct unw_table *t)
{
	free(t->rows);
	t->rows = NULL;
	t->n = 0;
}
