/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * pprof_out.h: a prof_result as a gzip'd pprof profile (the format of `go tool pprof`,
 * Pyroscope, Parca, Grafana): functions, one location per function and object, mappings
 * with their build ids, labels pid, tid and comm, and two sample types: samples/count and
 * cpu/nanoseconds on-CPU (sample count times the sampling period), blocks/count and
 * off_cpu/nanoseconds off-CPU. Kernel frames lose their "_[k]" suffix and sit in the
 * "[kernel.kallsyms]" mapping instead.
 */
#ifndef VIGIL_PPROF_OUT_H
#define VIGIL_PPROF_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "export/sink.h"
#include "profile/profile.h"

/* The uncompressed protobuf of r, malloc'd, with its size. 0 or -errno. */
int pprof_encode(const struct prof_result *r, uint8_t **out, size_t *len);

/* Write r gzip'd to s (once: a FILE.gz sink compresses it). 0, or -errno (the sink's). */
int prof_write_pprof(struct sink *s, const struct prof_result *r);

#endif /* VIGIL_PPROF_OUT_H */
