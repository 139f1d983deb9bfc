// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * top_screen.c: the live view's terminal (see top_screen.h). One screen per process: the
 * restore paths (atexit, the fatal-signal handler) find it through a static pointer and use
 * only write() and tcsetattr(), which a signal handler may call.
 */
#include "view/top_screen.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* alternate screen, cursor hidden; and back: cursor shown, main screen */
#define ENTER_SEQ "\033[?1049h\033[?25l\033[H\033[J"
#define LEAVE_SEQ "\033[?25h\033[?1049l"

static struct top_screen *active;
static volatile sig_atomic_t resized;
static const int fatal_sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGQUIT, SIGHUP };

void top_screen__measure(struct top_screen *s)
{
	struct winsize ws;

	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col) {
		s->cols = ws.ws_col;
		s->rows = ws.ws_row > 4 ? ws.ws_row : 24;
	} else {
		s->cols = 0;
		s->rows = 24;
	}
}

/* Only async-signal-safe calls: it runs from the fatal-signal handler too. */
static void restore(struct top_screen *s)
{
	ssize_t n;

	if (s->alt) {
		n = write(STDOUT_FILENO, LEAVE_SEQ, sizeof(LEAVE_SEQ) - 1);
		(void)n;
		s->alt = false;
	}
	if (s->raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &s->saved);
		s->raw = false;
	}
}

static void on_exit_restore(void)
{
	if (!active)
		return;
	fflush(stdout); /* a half-written frame goes to the alternate screen, not the shell's */
	restore(active);
}

static void on_fatal(int sig)
{
	if (active)
		restore(active);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_winch(int sig)
{
	(void)sig;
	resized = 1;
}

int top_screen__enter(struct top_screen *s)
{
	static bool atexit_done;
	struct sigaction sa = { 0 };
	struct termios tio;

	top_screen__measure(s);
	if (!isatty(STDOUT_FILENO))
		return -ENOTTY;
	if (isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &s->saved)) {
		tio = s->saved;
		tio.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		tio.c_cc[VMIN] = 0;
		tio.c_cc[VTIME] = 0;
		s->raw = !tcsetattr(STDIN_FILENO, TCSANOW, &tio);
	}
	fflush(stdout);
	if (write(STDOUT_FILENO, ENTER_SEQ, sizeof(ENTER_SEQ) - 1) < 0) {
		int err = -errno;

		restore(s);
		return err;
	}
	s->alt = true;
	active = s;
	if (!atexit_done)
		atexit_done = !atexit(on_exit_restore);
	sa.sa_handler = on_fatal; /* it puts the default back itself */
	for (size_t i = 0; i < sizeof(fatal_sigs) / sizeof(fatal_sigs[0]); i++)
		sigaction(fatal_sigs[i], &sa, NULL);
	sa.sa_handler = on_winch;
	sa.sa_flags = 0; /* no SA_RESTART: the wait for events returns, and the view redraws */
	sigaction(SIGWINCH, &sa, NULL);
	return 0;
}

void top_screen__leave(struct top_screen *s)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };

	fflush(stdout);
	restore(s);
	if (active != s)
		return;
	active = NULL;
	for (size_t i = 0; i < sizeof(fatal_sigs) / sizeof(fatal_sigs[0]); i++)
		sigaction(fatal_sigs[i], &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
}

bool top_screen__resized(struct top_screen *s)
{
	if (!resized)
		return false;
	resized = 0;
	top_screen__measure(s);
	return true;
}

size_t top_screen__keys(struct top_screen *s, unsigned char *buf, size_t len)
{
	ssize_t n;

	if (!s->raw)
		return 0;
	n = read(STDIN_FILENO, buf, len); /* VMIN = VTIME = 0: returns at once */
	return n > 0 ? (size_t)n : 0;
}

void top_screen__put(FILE *f, const char *text, int cols)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, used = 0;

	if (cols <= 0) {
		fputs(text, f);
		return;
	}
	while (p[i]) {
		size_t n = 1;

		while ((p[i + n] & 0xC0) == 0x80) /* the rest of a UTF-8 sequence */
			n++;
		if (used + 1 > (size_t)cols)
			break;
		used++;
		i += n;
	}
	fwrite(text, 1, i, f);
}
