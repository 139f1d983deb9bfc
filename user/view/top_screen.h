/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * top_screen.h: the terminal under `vigil top`, as top and htop keep it: the alternate screen
 * (the shell's scrollback comes back untouched on exit), keys read unbuffered and unechoed,
 * the cursor hidden, lines cut to the terminal's width (a line never wraps) and a redraw when
 * the window is resized. The terminal is restored on every way out: a normal return, exit()
 * on an error path (atexit), Ctrl-C and SIGTERM (which end the command normally), and the
 * fatal signals (a handler restores it, then the signal kills as it would have).
 */
#ifndef VIGIL_TOP_SCREEN_H
#define VIGIL_TOP_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <termios.h>

struct top_screen {
	bool raw;	      /* stdin is unbuffered and unechoed: keys */
	bool alt;	      /* on the alternate screen */
	int cols, rows;	      /* the window's size; 0 cols: no limit (not a terminal) */
	struct termios saved; /* stdin as it was */
};

/* The size of the terminal on stdout (cols 0 when it is not one). */
void top_screen__measure(struct top_screen *s);

/* Take the terminal for a live view (see above). 0, or -ENOTTY when stdout is not one. */
int top_screen__enter(struct top_screen *s);

/* Give it back as it was; safe to call twice. */
void top_screen__leave(struct top_screen *s);

/* Whether the window was resized since the last call (then s has the new size). */
bool top_screen__resized(struct top_screen *s);

/* Up to len bytes typed since the last call (0: none); never blocks. */
size_t top_screen__keys(struct top_screen *s, unsigned char *buf, size_t len);

/*
 * Write text to f cut to cols columns (0: whole), counting a UTF-8 sequence as one column and
 * never splitting one. text has no newline; the caller ends the line.
 */
void top_screen__put(FILE *f, const char *text, int cols);

#endif /* VIGIL_TOP_SCREEN_H */
