/*
 * Private to tui/: the screen object shared by screen.c (tty, curses,
 * signals, lifetime), input.c (keys) and render.c (layout and painting).
 */

#ifndef SNOWDECK_TUI_INT_H
#define SNOWDECK_TUI_INT_H

#include <stdint.h>
#include <stdio.h>
#include <termios.h>

#include <curses.h>
#include <uv.h>

#include "layout.h"
#include "prompt.h"
#include "theme.h"
#include "view.h"

#define TUI_ESC_MS  25   /* a lone ESC is Esc when nothing follows */
#define TUI_TICK_MS 1000 /* ages and durations move every second */

struct tui {
	uv_loop_t *loop;
	struct app *app;
	int headless;

	int fd; /* /dev/tty */
	FILE *in, *out;
	SCREEN *scr;
	struct termios saved_tio;
	int have_tio;

	uv_poll_t poll;
	uv_signal_t winch;
	uv_signal_t cont;
	uv_prepare_t prepare;
	uv_timer_t tick;
	uv_timer_t esc;
	int nhandles; /* handles still to close */
	int poll_ok;  /* the poll handle exists */
	int empty_wakeups; /* readable with no key: the tty is gone */
	int esc_pending;

	struct view *views; /* one per registry entry */
	size_t nviews;
	int slot_view[LAYOUT_NSLOTS]; /* view index per slot, -1 none */
	int xcom_view, log_view, help_view, cmdlog_view;

	int focus;  /* focused pane, LAYOUT_* (a page has the keys when open) */
	int page;   /* view index shown as a page, or -1 */
	int zoom;
	int detail_log; /* the detail pane shows the log */
	int docked;     /* the detail pane shows a docked page (tui_dock) */

	struct layout lay;
	int relayout;
	WINDOW *frame[LAYOUT_NSLOTS];
	WINDOW *inner[LAYOUT_NSLOTS];
	WINDOW *header;
	WINDOW *status;

	int dirty;        /* repaint everything */
	int chrome_dirty; /* header and status bar */
	int dialog_was;   /* a dialog was open at the last frame */
	int vis_sent, foc_sent;
	uint64_t source_gen; /* models.airflow.gen at the last status bar */

	int cmd_active; /* the ':' line is open */
	struct prompt cmd;
	char cmd_hint[256]; /* completion candidates */

	struct theme theme;
	int mono;

	/* SNOWDECK_TIMINGS: the benchmark's timing lines (render.c). */
	FILE *timings;
	unsigned long frames; /* frames painted */
	int timed_first, timed_all;
};

/* screen.c */
void tui_set_focus(struct tui *, int slot);
/* Puts the log (log != 0) or the XCom view in the detail pane. */
void tui_detail(struct tui *, int log);
void tui_open_page(struct tui *, int view);
/* Puts view (a page's view) in the detail pane, beside the other panes,
 * and focuses it; the detail pane's XCom / log come back with L. */
void tui_dock(struct tui *, int view);
void tui_close_page(struct tui *);
struct view *tui_focused(struct tui *);
int tui_slot_of(const struct tui *, int view);
void tui_apply_theme(struct tui *, const char *name, int announce);

/* input.c */
void tui_key(struct tui *, int key);
void tui_input_start(struct tui *);

/* render.c */
void tui_render_frame(struct tui *);
void tui_windows_free(struct tui *);
/* Opens the SNOWDECK_TIMINGS file when the variable is set. */
void tui_timings_open(struct tui *);
/* Marks the views that show the clock (and the status bar) dirty. */
void tui_tick(struct tui *);

#endif
