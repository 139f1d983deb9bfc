// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * elf_debug.c: finding the symbols a distribution stripped out of an object (elf_debug.h):
 * the build-id tree, .gnu_debuglink with its CRC-32 (zlib's crc32() is the same checksum),
 * and MiniDebugInfo unpacked with liblzma (dlopen'd by lzma_dl.c). Every size read from the
 * file is bounded before use: the objects are whatever processes happen to map.
 */
#include "profile/elf_debug.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <lzma.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* An unpacked MiniDebugInfo is a few hundred KiB; refuse to inflate hostile input further. */
#define MINIDEBUG_MAX_OUT  (64UL << 20)
#define MINIDEBUG_MEMLIMIT (128UL << 20)

int elf_build_id(Elf *elf, char *hex, size_t len)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		while (data && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			const unsigned char *desc = (const unsigned char *)data->d_buf + desc_off;

			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((const char *)data->d_buf + name_off, "GNU", 4) ||
			    !nh.n_descsz || nh.n_descsz * 2 + 1 > len)
				continue;
			for (size_t i = 0; i < nh.n_descsz; i++)
				snprintf(hex + 2 * i, 3, "%02x", desc[i]);
			return 0;
		}
	}
	return -ENOENT;
}

int elf_debug__open_build_id(const char *root, const char *build_id)
{
	char path[4096];
	int fd;

	if (!root || strlen(build_id) < 3)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/.build-id/%.2s/%s.debug", root, build_id, build_id + 2);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

Elf_Scn *elf_section_by_name(Elf *elf, const char *name)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, &sh))
			continue;
		n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

/* The CRC-32 of the whole file fd, from its start; 0 or -errno. */
static int file_crc32(int fd, uint32_t *crc)
{
	unsigned char buf[65536];
	uLong c = crc32(0L, Z_NULL, 0);
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		c = crc32(c, buf, (uInt)n);
	if (n < 0)
		return -errno;
	*crc = (uint32_t)c;
	return lseek(fd, 0, SEEK_SET) < 0 ? -errno : 0;
}

/* An fd on path if its CRC-32 is crc, else -ENOENT. */
static int open_checked(const char *path, uint32_t crc)
{
	uint32_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -ENOENT;
	if (file_crc32(fd, &got) || got != crc) {
		close(fd);
		return -ENOENT;
	}
	return fd;
}

/* The CRC word at p, stored in the object's byte order (the section is plain bytes). */
static uint32_t debuglink_crc(Elf *elf, const unsigned char *p)
{
	const char *ident = elf_getident(elf, NULL);

	if (ident && ident[EI_DATA] == ELFDATA2MSB)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

int elf_debug__open_link(Elf *elf, const char *path, const char *root)
{
	Elf_Scn *scn = elf_section_by_name(elf, ".gnu_debuglink");
	char dir[4096], cand[8192];
	const char *name, *slash;
	Elf_Data *data;
	size_t nlen, crc_off;
	uint32_t crc;
	int fd;

	data = scn ? elf_getdata(scn, NULL) : NULL;
	if (!data || !data->d_buf || data->d_size < 8)
		return -ENOENT;
	name = data->d_buf;
	nlen = strnlen(name, data->d_size);
	crc_off = (nlen + 4) & ~(size_t)3; /* the name, its NUL, padding to 4 */
	if (!nlen || nlen == data->d_size || crc_off + 4 > data->d_size || strchr(name, '/'))
		return -ENOENT;
	crc = debuglink_crc(elf, (const unsigned char *)data->d_buf + crc_off);
	slash = strrchr(path, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	snprintf(cand, sizeof(cand), "%s/%.*s", dir, (int)nlen, name);
	if (strcmp(cand, path) && (fd = open_checked(cand, crc)) >= 0)
		return fd;
	snprintf(cand, sizeof(cand), "%s/.debug/%.*s", dir, (int)nlen, name);
	if ((fd = open_checked(cand, crc)) >= 0)
		return fd;
	if (!root || dir[0] != '/')
		return -ENOENT;
	snprintf(cand, sizeof(cand), "%s%s/%.*s", root, dir, (int)nlen, name);
	return open_checked(cand, crc);
}

void *elf_debug__minidebuginfo(Elf *elf, size_t *size)
{
	Elf_Scn *scn = elf_section_by_name(elf, ".gnu_debugdata");
	lzma_stream strm = LZMA_STREAM_INIT;
	Elf_Data *data = scn ? elf_rawdata(scn, NULL) : NULL;
	size_t cap = 0;
	uint8_t *out = NULL;
	lzma_ret ret;

	if (!data || !data->d_buf || !data->d_size)
		return NULL;
	if (lzma_stream_decoder(&strm, MINIDEBUG_MEMLIMIT, 0) != LZMA_OK)
		return NULL;
	strm.next_in = data->d_buf;
	strm.avail_in = data->d_size;
	do {
		if (!strm.avail_out) {
			size_t ncap = cap ? cap * 2 : data->d_size * 4;
			uint8_t *p;

			if (ncap > MINIDEBUG_MAX_OUT)
				goto err_free;
			p = realloc(out, ncap);
			if (!p)
				goto err_free;
			out = p;
			strm.next_out = out + cap;
			strm.avail_out = ncap - cap;
			cap = ncap;
		}
		ret = lzma_code(&strm, LZMA_FINISH);
	} while (ret == LZMA_OK);
	if (ret != LZMA_STREAM_END)
		goto err_free;
	*size = cap - strm.avail_out;
	lzma_end(&strm);
	return out;

err_free:
	lzma_end(&strm);
	free(out);
	return NULL;
}
