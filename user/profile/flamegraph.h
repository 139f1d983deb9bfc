/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * flamegraph.h: flame graphs drawn by vigil itself. Stacks (root first) are merged into a
 * tree whose node widths are proportional to their values; children sit left to right in
 * name order, the root ("all") at the bottom. The SVG is one self-contained file: frames
 * carry their full name and value in a <title> tooltip, and an embedded script (no external
 * resources) zooms into a clicked frame, resets with "Reset Zoom" or Escape, and highlights
 * frames matching a regular expression ("Search" or Ctrl-F) with the share they cover. A URL
 * fragment such as "#zoom=main&search=^read" opens the graph zoomed and searched.
 */
#ifndef VIGIL_FLAMEGRAPH_H
#define VIGIL_FLAMEGRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "export/sink.h"

struct flamegraph;

struct fg_opts {
	const char *title;
	const char *unit; /* "samples", "us" (shown as human durations: "1.99 s") */
	int width;	  /* pixels; 0: 1200 */
	bool off_cpu;	  /* blue palette */
	/* The subtitle: host, duration, sample (or block) count, filter. 0 / NULL: left out. */
	uint64_t duration_ns;
	uint64_t count;
	const char *filter;
};

/* A duration in human units: "1.99 s", "12.5 ms", "340 us", "80 ns". */
void fg_human_duration(char *buf, size_t len, uint64_t ns);

/*
 * The fill of a frame, as "rgb(r,g,b)": kernel frames ("_[k]") and user frames in clearly
 * different hues (amber and red on-CPU; aqua and blue off-CPU), markers ("[...]") and the
 * root grey, process names (depth 1) slate.
 */
void fg_frame_colour(const char *name, int depth, bool off_cpu, char *buf, size_t len);

/* A laid-out frame, in pixels (x from the left edge of the drawing area). */
struct fg_box {
	double x, w;
	int depth; /* 0: the root ("all") */
	uint64_t value;
};

struct flamegraph *fg__new(void);

/* Add value to the stack frames[0..n), root first. 0 or -ENOMEM. */
int fg__add(struct flamegraph *fg, const char *const *frames, int n, uint64_t value);

/* Add one folded stack "a;b;c" (no trailing value). */
int fg__add_folded(struct flamegraph *fg, const char *stack, uint64_t value);

/* Lay frames out over width pixels (the drawing area, without margins). */
void fg__layout(struct flamegraph *fg, double width);

/* The box of the frame at path (root first, without "all"); -ENOENT if absent. */
int fg__box(const struct flamegraph *fg, const char *const *path, int n, struct fg_box *out);

int fg__max_depth(const struct flamegraph *fg);

/* Write the SVG document. 0, or the sink's error. */
int fg__write_svg(struct flamegraph *fg, struct sink *s, const struct fg_opts *o);

void fg__free(struct flamegraph *fg);

#endif /* VIGIL_FLAMEGRAPH_H */
