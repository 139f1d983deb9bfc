/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * blkio_fmt.h: how block I/O values read as text. An op prints like blktrace's rwbs: an
 * optional leading F for a preflush, the operation (R read, W write, D discard, DE secure
 * erase, F flush, Z write zeroes, N anything else), then F for FUA, A for readahead, S for
 * sync and M for metadata ("WS", "RM", "FF"). A blk_status_t prints as the errno name the
 * kernel maps it to ("EIO"), empty for success. Pure functions, for the decoders and tests.
 */
#ifndef VIGIL_BLKIO_FMT_H
#define VIGIL_BLKIO_FMT_H

#include <stddef.h>
#include <stdint.h>

#define BLKIO_OP_LEN 8 /* the longest op string, "FDEFASM" would be 7 + NUL */

/* Write the op string of (REQ_OP_* op, enum vg_bio_flag flags) into buf; returns buf. */
char *blkio_op_format(uint8_t op, uint8_t flags, char *buf, size_t len);

/* Whether op (REQ_OP_*) is a write in biotop's sense: anything but a read. */
static inline int blkio_op_is_write(uint8_t op)
{
	return op != 0;
}

/* The operation alone, as a word for labels: "read", "write", "flush", "discard", "other". */
const char *blkio_op_name(uint8_t op);

/* "vda (254:0)" for a disk's dev_t, "9:9" when it has no name; returns buf. */
char *blkio_disk_label(uint32_t dev, char *buf, size_t len);

/* "EIO" for a blk_status_t (kernel >= 6.9 numbering); "" for 0; "BLK_STS_<n>" if unknown. */
const char *blkio_status_name(uint8_t status, char *buf, size_t len);

#endif /* VIGIL_BLKIO_FMT_H */
