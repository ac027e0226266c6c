/*
 * The screen: opens /dev/tty (never fd 0, so the shell's stdin keeps its
 * flags), starts the SIGWINCH handle before newterm() so ncurses leaves
 * resizing to us, runs ncursesw on the tty, creates every view, and tears
 * it all down in order. Suspend and resume copy tmux: SIGTSTP is ignored
 * while running, Ctrl-Z is a key that restores the terminal and stops the
 * process, SIGCONT brings the screen back.
 */

#include "tui.h"
#include "tui_int.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <curses.h>
#include <uv.h>

#include "app.h"
#include "dialog.h"
#include "tui_draw.h"
#include "tui_ext.h"
#include "util.h"
#include "view.h"

/*
 * The terminal in use, for the fatal hook (which takes no argument) and
 * nothing else.
 */
static struct termios screen_saved_tio;
static int screen_saved_fd = -1;
static int screen_in_curses;

static void screen_close_cb(uv_handle_t *);

void
tui_emergency_restore(void)
{
	if (screen_in_curses) {
		screen_in_curses = 0;
		endwin();
	}
	if (screen_saved_fd != -1)
		tcsetattr(screen_saved_fd, TCSANOW, &screen_saved_tio);
}

struct view *
tui_focused(struct tui *t)
{
	int v;

	if (t->page >= 0)
		return &t->views[t->page];
	if (t->focus < 0 || t->focus >= LAYOUT_NPANES)
		return NULL;
	v = t->slot_view[t->focus];
	return v >= 0 ? &t->views[v] : NULL;
}

int
tui_slot_of(const struct tui *t, int view)
{
	int s;

	if (view == t->page)
		return LAYOUT_PAGE;
	for (s = 0; s < LAYOUT_NPANES; s++) {
		if (t->slot_view[s] == view)
			return s;
	}
	return -1;
}

void
tui_detail(struct tui *t, int log)
{
	int v = log ? t->log_view : t->xcom_view;

	t->docked = 0;
	if (v < 0)
		v = log ? t->xcom_view : t->log_view;
	t->detail_log = log && t->log_view >= 0;
	if (t->slot_view[LAYOUT_DETAIL] != v) {
		int old = t->slot_view[LAYOUT_DETAIL];

		if (old >= 0 && t->focus == LAYOUT_DETAIL &&
		    t->views[old].ops->focus != NULL)
			t->views[old].ops->focus(&t->views[old], 0);
		if (old >= 0)
			t->views[old].flags &= ~VIEW_FOCUSED;
		t->slot_view[LAYOUT_DETAIL] = v;
		if (v >= 0 && t->focus == LAYOUT_DETAIL) {
			t->views[v].flags |= VIEW_FOCUSED;
			if (t->views[v].ops->focus != NULL)
				t->views[v].ops->focus(&t->views[v], 1);
		}
		t->relayout = 1;
	}
}

void
tui_set_focus(struct tui *t, int slot)
{
	struct view *old, *nv;

	if (slot < 0 || slot >= LAYOUT_NPANES)
		return;
	if (slot == LAYOUT_DETAIL && !t->docked)
		tui_detail(t, t->detail_log);
	old = t->page < 0 ? tui_focused(t) : NULL;
	if (slot == t->focus && old != NULL && (old->flags & VIEW_FOCUSED))
		return;
	if (old != NULL) {
		old->flags &= ~VIEW_FOCUSED;
		old->flags |= VIEW_DIRTY;
		if (old->ops->focus != NULL)
			old->ops->focus(old, 0);
	}
	t->focus = slot;
	if (t->zoom)
		t->relayout = 1;
	nv = t->page < 0 ? tui_focused(t) : NULL;
	if (nv != NULL) {
		nv->flags |= VIEW_FOCUSED | VIEW_DIRTY;
		if (nv->ops->focus != NULL)
			nv->ops->focus(nv, 1);
	}
	/* Narrow layouts depend on the focus. */
	if (t->lay.mode != LAYOUT_WIDE || !layout_visible(&t->lay, slot))
		t->relayout = 1;
	t->chrome_dirty = 1;
}

void
tui_dock(struct tui *t, int view)
{
	int old;

	if (view < 0 || (size_t)view >= t->nviews)
		return;
	if (t->page >= 0)
		tui_close_page(t);
	old = t->slot_view[LAYOUT_DETAIL];
	if (old >= 0 && old != view) {
		t->views[old].flags &= ~VIEW_FOCUSED;
		if (t->focus == LAYOUT_DETAIL &&
		    t->views[old].ops->focus != NULL)
			t->views[old].ops->focus(&t->views[old], 0);
	}
	t->slot_view[LAYOUT_DETAIL] = view;
	t->detail_log = 0;
	t->docked = 1;
	t->views[view].flags |= VIEW_DIRTY;
	t->relayout = 1;
	t->focus = -1; /* so that tui_set_focus gives the view its focus */
	tui_set_focus(t, LAYOUT_DETAIL);
}

void
tui_open_page(struct tui *t, int view)
{
	struct view *v;

	if (view < 0 || (size_t)view >= t->nviews)
		return;
	if (t->page == view)
		return;
	if (t->page >= 0)
		tui_close_page(t);
	v = tui_focused(t);
	if (v != NULL) {
		v->flags &= ~VIEW_FOCUSED;
		if (v->ops->focus != NULL)
			v->ops->focus(v, 0);
	}
	t->page = view;
	t->slot_view[LAYOUT_PAGE] = view;
	v = &t->views[view];
	v->flags |= VIEW_FOCUSED | VIEW_DIRTY;
	if (v->ops->focus != NULL)
		v->ops->focus(v, 1);
	t->relayout = 1;
}

void
tui_close_page(struct tui *t)
{
	struct view *v;
	int slot;

	if (t->page < 0)
		return;
	v = &t->views[t->page];
	v->flags &= ~VIEW_FOCUSED;
	if (v->ops->focus != NULL)
		v->ops->focus(v, 0);
	t->page = -1;
	t->slot_view[LAYOUT_PAGE] = -1;
	t->relayout = 1;
	slot = t->focus;
	t->focus = -1;
	tui_set_focus(t, slot);
}

void
tui_apply_theme(struct tui *t, const char *name, int announce)
{
	char *cause = NULL;
	const char *nc = getenv("NO_COLOR");

	if (theme_load(name, &t->theme, &cause) != 0) {
		app_message(t->app, 1, "%s (using the default theme)", cause);
		free(cause);
	} else if (announce)
		app_message(t->app, 0, "theme %s", name);
	t->mono = nc != NULL && *nc != '\0';
	theme_apply(&t->theme, t->mono);
	t->dirty = 1;
}

/* Creates every view of the registry and places them. */
static int
screen_views(struct tui *t, char **cause)
{
	const struct view_ops *ops;
	size_t i, n = 0;
	int slot;

	while (view_registry[n] != NULL)
		n++;
	t->views = xcalloc(n > 0 ? n : 1, sizeof *t->views);
	for (slot = 0; slot < LAYOUT_NSLOTS; slot++)
		t->slot_view[slot] = -1;
	t->xcom_view = t->log_view = t->help_view = t->cmdlog_view = -1;
	for (i = 0; i < n; i++) {
		ops = view_registry[i];
		if (view_create(&t->views[i], ops, t->app, cause) != 0)
			return -1;
		t->nviews = i + 1;
		switch (ops->pane) {
		case APP_PANE_DAGS:
			t->slot_view[LAYOUT_DAGS] = (int)i;
			break;
		case APP_PANE_RUNS:
			t->slot_view[LAYOUT_RUNS] = (int)i;
			break;
		case APP_PANE_TASKS:
			t->slot_view[LAYOUT_TASKS] = (int)i;
			break;
		case APP_PANE_GRID:
			t->slot_view[LAYOUT_GRID] = (int)i;
			break;
		case APP_PANE_XCOM:
			t->xcom_view = (int)i;
			break;
		case APP_PANE_LOG:
			t->log_view = (int)i;
			break;
		default:
			if (strcmp(ops->name, "help") == 0)
				t->help_view = (int)i;
			else if (strcmp(ops->name, "cmdlog") == 0)
				t->cmdlog_view = (int)i;
			break;
		}
	}
	tui_detail(t, 0);
	return 0;
}

/* Everything both kinds of screen share once curses is up. */
static int
screen_start(struct tui *t, const char *theme, char **cause)
{
	t->page = -1;
	t->focus = -1;
	prompt_init(&t->cmd);
	tui_apply_theme(t, theme != NULL ? theme : "default", 0);
	if (screen_views(t, cause) != 0)
		return -1;
	tui_set_focus(t, LAYOUT_DAGS);
	t->relayout = t->dirty = 1;
	return 0;
}

static void
screen_views_free(struct tui *t)
{
	size_t i;

	dialog_close_all();
	for (i = 0; i < t->nviews; i++) {
		dialog_discard_owner(&t->views[i]);
		view_destroy(&t->views[i]);
	}
	free(t->views);
	t->views = NULL;
	t->nviews = 0;
	prompt_free(&t->cmd);
}

static void
screen_prepare_cb(uv_prepare_t *h)
{
	tui_render_frame(h->data);
}

static void
screen_tick_cb(uv_timer_t *h)
{
	/* Ages and running durations move: repaint what shows them. */
	tui_tick(h->data);
}

/* Reads the tty size and resizes curses to it. */
static void
screen_winch_cb(uv_signal_t *h, int sig)
{
	struct tui *t = h->data;
	struct winsize ws;

	(void)sig;
	if (ioctl(t->fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		tui_resize(t, ws.ws_row, ws.ws_col);
}

/* Back from a stop: curses mode again, everything repainted. */
static void
screen_resume(struct tui *t)
{
	signal(SIGTSTP, SIG_IGN);
	if (t->headless)
		return;
	screen_in_curses = 1;
	reset_prog_mode();
	clearok(curscr, TRUE);
	screen_winch_cb(&t->winch, SIGWINCH);
	t->dirty = t->relayout = 1;
}

static void
screen_cont_cb(uv_signal_t *h, int sig)
{
	(void)sig;
	screen_resume(h->data);
}

void
tui_resize(struct tui *t, int rows, int cols)
{
	if (rows < 1 || cols < 1)
		return;
	resizeterm(rows, cols);
	t->relayout = t->dirty = 1;
}

int
tui_create(struct tui **out, uv_loop_t *loop, struct app *app,
    const char *theme, char **cause)
{
	struct tui *t;
	int r, infd, outfd;

	t = xcalloc(1, sizeof *t);
	t->loop = loop;
	t->app = app;
	t->fd = -1;
	if ((t->fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) == -1) {
		if (cause != NULL)
			*cause = xasprintf("cannot open /dev/tty (%s): run "
					   "snowdeck in a terminal, or use "
					   "'snowdeck get ...'",
			    strerror(errno));
		free(t);
		return -1;
	}
	if (tcgetattr(t->fd, &t->saved_tio) == 0) {
		t->have_tio = 1;
		screen_saved_tio = t->saved_tio;
		screen_saved_fd = t->fd;
	}
	/* SIGWINCH is ours before ncurses looks (resizeterm(3X)). */
	uv_signal_init(loop, &t->winch);
	t->winch.data = t;
	uv_signal_start(&t->winch, screen_winch_cb, SIGWINCH);
	uv_signal_init(loop, &t->cont);
	t->cont.data = t;
	uv_signal_start(&t->cont, screen_cont_cb, SIGCONT);
	uv_prepare_init(loop, &t->prepare);
	t->prepare.data = t;
	uv_timer_init(loop, &t->tick);
	t->tick.data = t;
	uv_timer_init(loop, &t->esc);
	t->esc.data = t;
	t->nhandles = 5;
	signal(SIGTSTP, SIG_IGN);
	setlocale(LC_ALL, "");

	infd = dup(t->fd);
	outfd = dup(t->fd);
	if (infd != -1)
		t->in = fdopen(infd, "r");
	if (outfd != -1)
		t->out = fdopen(outfd, "w");
	if (t->in == NULL || t->out == NULL ||
	    (t->scr = newterm(NULL, t->out, t->in)) == NULL) {
		if (cause != NULL)
			*cause =
			    xasprintf("cannot start the terminal (TERM=%s):"
				      " set TERM to your terminal, e.g. "
				      "xterm-256color",
				getenv("TERM") != NULL ? getenv("TERM") : "");
		if (t->in == NULL && infd != -1)
			close(infd);
		if (t->out == NULL && outfd != -1)
			close(outfd);
		goto fail;
	}
	screen_in_curses = 1;
	util_set_fatal_hook(tui_emergency_restore);
	raw();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(0); /* input.c tells Esc from Alt with a timer */
	curs_set(0);
	leaveok(stdscr, TRUE);
	if (screen_start(t, theme, cause) != 0)
		goto fail;
	if ((r = uv_poll_init(loop, &t->poll, fileno(t->in))) != 0) {
		if (cause != NULL)
			*cause = xasprintf("poll /dev/tty: %s", uv_strerror(r));
		goto fail;
	}
	t->poll.data = t;
	t->nhandles++;
	t->poll_ok = 1;
	tui_input_start(t);
	uv_prepare_start(&t->prepare, screen_prepare_cb);
	uv_timer_start(&t->tick, screen_tick_cb, TUI_TICK_MS, TUI_TICK_MS);
	*out = t;
	return 0;
fail:
	tui_free(t);
	return -1;
}

int
tui_create_headless(struct tui **out, struct app *app, int rows, int cols,
    const char *theme, char **cause)
{
	struct tui *t;

	t = xcalloc(1, sizeof *t);
	t->app = app;
	t->headless = 1;
	t->fd = -1;
	use_env(FALSE);
	t->in = fopen("/dev/null", "r");
	t->out = fopen("/dev/null", "w");
	if (t->in == NULL || t->out == NULL ||
	    (t->scr = newterm("xterm-256color", t->out, t->in)) == NULL) {
		if (cause != NULL)
			*cause = xstrdup("cannot start curses on /dev/null");
		goto fail;
	}
	resizeterm(rows, cols);
	nodelay(stdscr, TRUE);
	leaveok(stdscr, TRUE);
	if (screen_start(t, theme, cause) != 0)
		goto fail;
	*out = t;
	return 0;
fail:
	tui_free(t);
	return -1;
}

static void
screen_close_cb(uv_handle_t *h)
{
	struct tui *t = h->data;

	if (--t->nhandles == 0)
		free(t);
}

void
tui_free(struct tui *t)
{
	if (t == NULL)
		return;
	screen_views_free(t);
	tui_windows_free(t);
	if (t->scr != NULL) {
		if (screen_in_curses || t->headless)
			endwin();
		screen_in_curses = 0;
		delscreen(t->scr);
		t->scr = NULL;
	}
	if (!t->headless) {
		if (t->have_tio)
			tcsetattr(t->fd, TCSANOW, &t->saved_tio);
		screen_saved_fd = -1;
		util_set_fatal_hook(NULL);
		signal(SIGTSTP, SIG_DFL);
	}
	/* The poll handle goes before its fd (libuv poll.rst). */
	if (t->nhandles > 0) {
		if (t->poll_ok)
			uv_close((uv_handle_t *)&t->poll, screen_close_cb);
		uv_close((uv_handle_t *)&t->prepare, screen_close_cb);
		uv_close((uv_handle_t *)&t->tick, screen_close_cb);
		uv_close((uv_handle_t *)&t->esc, screen_close_cb);
		uv_close((uv_handle_t *)&t->winch, screen_close_cb);
		uv_close((uv_handle_t *)&t->cont, screen_close_cb);
	}
	if (t->in != NULL)
		fclose(t->in);
	if (t->out != NULL)
		fclose(t->out);
	t->in = t->out = NULL;
	if (t->fd != -1)
		close(t->fd);
	t->fd = -1;
	if (t->nhandles == 0)
		free(t);
}

void
tui_redraw(struct tui *t)
{
	/* Messages and model changes: the status bar at least. */
	t->chrome_dirty = 1;
}

void
tui_suspend(struct tui *t)
{
	if (t->headless)
		return;
	endwin();
	screen_in_curses = 0;
	if (t->have_tio)
		tcsetattr(t->fd, TCSANOW, &t->saved_tio);
	signal(SIGTSTP, SIG_DFL);
	kill(getpid(), SIGTSTP);
	/* Here after SIGCONT. */
	screen_resume(t);
}

int
tui_focus(const struct tui *t)
{
	return t->page >= 0 ? LAYOUT_PAGE : t->focus;
}

const char *
tui_focused_view(const struct tui *t)
{
	int v = t->page >= 0    ? t->page
		: t->focus >= 0 ? t->slot_view[t->focus]
				: -1;

	return v >= 0 ? t->views[v].ops->name : "";
}

void
tui_screen_text(struct tui *t, struct buf *out)
{
	(void)t;
	tui_win_text(curscr, out);
}

int
tui_dump(struct tui *t, const char *path)
{
	struct buf b;
	FILE *f;
	int r = 0;

	buf_init(&b);
	tui_screen_text(t, &b);
	if ((f = fopen(path, "w")) == NULL) {
		buf_free(&b);
		return -1;
	}
	if (b.len > 0 && fwrite(b.data, 1, b.len, f) != b.len)
		r = -1;
	if (fclose(f) != 0)
		r = -1;
	buf_free(&b);
	return r;
}
