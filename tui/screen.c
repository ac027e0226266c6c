/*
 * The terminal front end (first cut): opens /dev/tty, runs ncursesw on it,
 * reads keys through a uv_poll handle, resizes on SIGWINCH in the loop and
 * repaints once per loop turn from a uv_prepare handle when a model moved.
 * Four panes side by side (DAGs, runs, tasks, XCom/log) on wide terminals,
 * the focused pane alone with a tab line on narrow ones.
 */

#include "tui.h"

#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <curses.h>
#include <uv.h>

#include "app.h"
#include "config.h"
#include "model.h"
#include "timefmt.h"
#include "util.h"

enum tui_pane { PANE_DAGS, PANE_RUNS, PANE_TASKS, PANE_DETAIL, NPANES };

static const char *const tui_titles[NPANES] = { "1 DAGs", "2 Runs", "3 Tasks",
	"4 XCom / Log" };

struct tui {
	uv_loop_t *loop;
	struct app *app;
	int fd;
	FILE *in, *out;
	SCREEN *scr;
	uv_poll_t poll;
	uv_signal_t winch, cont;
	uv_prepare_t prepare;
	int nclosing;
	int dirty;
	int focus;
	size_t sel[NPANES];
	size_t top[NPANES];
	uint64_t seen[8];
	int show_log; /* detail pane: 0 XCom value, 1 log */
	int confirm;  /* pending action awaiting y/n, or -1 */
	int colors;
};

/* The one terminal in use, for the emergency restore on crash paths. */
static struct tui *tui_current;
static struct termios tui_saved_tio;
static int tui_saved_fd = -1;

void
tui_emergency_restore(void)
{
	if (tui_current != NULL && tui_current->scr != NULL)
		endwin();
	if (tui_saved_fd != -1)
		tcsetattr(tui_saved_fd, TCSAFLUSH, &tui_saved_tio);
}

static void
tui_attr_state(struct tui *t, WINDOW *w, enum af_state s, int on)
{
	int pair = 0;

	if (!t->colors) {
		if (s == AF_FAILED || s == AF_UPSTREAM_FAILED)
			on ? wattron(w, A_BOLD) : wattroff(w, A_BOLD);
		return;
	}
	switch (s) {
	case AF_SUCCESS:
		pair = 1;
		break;
	case AF_FAILED:
	case AF_UPSTREAM_FAILED:
		pair = 2;
		break;
	case AF_RUNNING:
	case AF_QUEUED:
	case AF_SCHEDULED:
		pair = 3;
		break;
	case AF_UP_FOR_RETRY:
	case AF_UP_FOR_RESCHEDULE:
		pair = 4;
		break;
	default:
		return;
	}
	if (on)
		wattron(w, COLOR_PAIR(pair));
	else
		wattroff(w, COLOR_PAIR(pair));
}

static size_t
tui_count(struct tui *t, int pane)
{
	struct models *m = app_models(t->app);

	switch (pane) {
	case PANE_DAGS:
		return m->dags.n;
	case PANE_RUNS:
		return m->runs.n;
	case PANE_TASKS:
		return m->tis.n;
	default:
		return t->show_log ? m->log.nlines
				   : m->xcoms.n + m->value.nlines;
	}
}

/* Draws one row of a pane into w at y, width cols. */
static void
tui_row(struct tui *t, WINDOW *w, int pane, size_t i, int y, int cols)
{
	struct models *m = app_models(t->app);
	char line[512], a[32], b[32];
	enum af_state st = AF_NONE;
	double now = util_wall();
	const char *s;
	size_t len;

	line[0] = '\0';
	switch (pane) {
	case PANE_DAGS: {
		const struct af_dag *d = &m->dags.v[i];

		st = d->last_state;
		snprintf(line, sizeof line, "%c %s %-28s %s",
		    af_state_glyph(d->last_state), d->paused ? "||" : "  ",
		    d->dag_id, d->tags);
		break;
	}
	case PANE_RUNS: {
		const struct af_run *r = &m->runs.v[i];

		st = r->state;
		time_format_short(
		    r->start_date > 0 ? r->start_date : r->run_after, now, a,
		    sizeof a);
		time_format_duration(
		    r->start_date > 0
			? (r->end_date > 0 ? r->end_date : now) - r->start_date
			: -1,
		    b, sizeof b);
		snprintf(line, sizeof line, "%c %-8s %s %s %s %s",
		    af_state_glyph(r->state), af_state_name(r->state), a, b,
		    m->runs.dag_id == NULL ? r->dag_id : "", r->run_id);
		break;
	}
	case PANE_TASKS: {
		const struct af_ti *ti = &m->tis.v[i];

		st = ti->state;
		time_format_duration(ti->duration, b, sizeof b);
		if (ti->map_index >= 0)
			snprintf(a, sizeof a, "[%d]", ti->map_index);
		else
			a[0] = '\0';
		snprintf(line, sizeof line, "%c %-10s try %d %6s %s%s",
		    af_state_glyph(ti->state), af_state_name(ti->state),
		    ti->try_number, b, ti->task_id, a);
		break;
	}
	default:
		if (t->show_log) {
			s = m->log.text + m->log.lines[i];
			len = strcspn(s, "\n");
		} else if (i < m->xcoms.n) {
			snprintf(line, sizeof line, "> %s", m->xcoms.v[i].key);
			s = line;
			len = strlen(line);
		} else {
			s = m->value.text + m->value.lines[i - m->xcoms.n];
			len = strcspn(s, "\n");
		}
		if (len >= sizeof line)
			len = sizeof line - 1;
		memmove(line, s, len);
		line[len] = '\0';
		break;
	}
	if (t->focus == pane && t->sel[pane] == i)
		wattron(w, A_REVERSE);
	tui_attr_state(t, w, st, 1);
	mvwaddnstr(w, y, 1, line, cols - 2);
	tui_attr_state(t, w, st, 0);
	wattroff(w, A_REVERSE);
}

static void
tui_draw_pane(struct tui *t, int pane, int y, int x, int h, int wd)
{
	WINDOW *w;
	size_t n = tui_count(t, pane), i;
	int row;

	if (h < 3 || wd < 4)
		return;
	w = newwin(h, wd, y, x);
	if (t->focus == pane)
		wattron(w, A_BOLD);
	box(w, 0, 0);
	mvwprintw(w, 0, 2, " %s (%zu) ", tui_titles[pane], n);
	wattroff(w, A_BOLD);
	if (t->sel[pane] >= n && n > 0)
		t->sel[pane] = n - 1;
	if (t->sel[pane] < t->top[pane])
		t->top[pane] = t->sel[pane];
	if (t->sel[pane] >= t->top[pane] + (size_t)(h - 2))
		t->top[pane] = t->sel[pane] - (size_t)(h - 3);
	for (row = 0, i = t->top[pane]; i < n && row < h - 2; i++, row++)
		tui_row(t, w, pane, i, row + 1, wd);
	wnoutrefresh(w);
	delwin(w);
}

static void
tui_draw(struct tui *t)
{
	struct models *m = app_models(t->app);
	const char *msg, *st;
	int level, cols = COLS, rows = LINES, wd, p;
	char age[32];

	erase();
	wnoutrefresh(stdscr);
	if (cols >= 160) {
		wd = cols / NPANES;
		for (p = 0; p < NPANES; p++)
			tui_draw_pane(t, p, 0, p * wd, rows - 1,
			    p == NPANES - 1 ? cols - p * wd : wd);
	} else {
		/* Narrow: the focused pane alone; the title row lists all. */
		for (p = 0; p < NPANES; p++) {
			if (p == t->focus)
				attron(A_REVERSE);
			mvprintw(0, p * 16, " %-14s", tui_titles[p]);
			attroff(A_REVERSE);
		}
		wnoutrefresh(stdscr);
		tui_draw_pane(t, t->focus, 1, 0, rows - 2, cols);
	}
	switch (m->airflow.state) {
	case SOURCE_OK:
		st = "+ up";
		break;
	case SOURCE_CONNECTING:
		st = "~ connecting";
		break;
	case SOURCE_AUTH:
		st = "x auth";
		break;
	default:
		st = "x down";
		break;
	}
	time_format_age(m->airflow.last_ok, util_wall(), age, sizeof age);
	msg = app_current_message(t->app, &level);
	if (t->confirm >= 0)
		msg = "confirm: press y to go ahead, any other key to cancel";
	move(rows - 1, 0);
	clrtoeol();
	attron(A_REVERSE);
	mvprintw(rows - 1, 0, " airflow %s (%s) %s ", st, age,
	    app_config(t->app)->insecure > 0 ? "INSECURE TLS" : "");
	attroff(A_REVERSE);
	if (msg != NULL)
		addnstr(msg, cols - getcurx(stdscr) - 1);
	else if (m->airflow.state != SOURCE_OK)
		addnstr(m->airflow.detail, cols - getcurx(stdscr) - 1);
	else
		addnstr(" Tab/h/l pane  j/k move  Enter select  t trigger  "
			"p pause  c clear  L log/xcom  q quit",
		    cols - getcurx(stdscr) - 1);
	wnoutrefresh(stdscr);
	doupdate();
}

/* Selects what the focused pane's cursor is on. */
static void
tui_select(struct tui *t)
{
	struct models *m = app_models(t->app);
	size_t i = t->sel[t->focus];

	switch (t->focus) {
	case PANE_DAGS:
		if (i < m->dags.n)
			app_select_dag(t->app, m->dags.v[i].dag_id);
		t->sel[PANE_RUNS] = t->top[PANE_RUNS] = 0;
		t->focus = PANE_RUNS;
		break;
	case PANE_RUNS:
		if (i < m->runs.n)
			app_select_run(
			    t->app, m->runs.v[i].dag_id, m->runs.v[i].run_id);
		t->sel[PANE_TASKS] = t->top[PANE_TASKS] = 0;
		t->focus = PANE_TASKS;
		break;
	case PANE_TASKS:
		if (i < m->tis.n)
			app_select_task(t->app, m->tis.v[i].task_id,
			    m->tis.v[i].map_index, 0);
		t->sel[PANE_DETAIL] = t->top[PANE_DETAIL] = 0;
		t->focus = PANE_DETAIL;
		break;
	default:
		if (!t->show_log && i < m->xcoms.n)
			app_select_xcom(
			    t->app, m->xcoms.v[i].key, m->xcoms.v[i].map_index);
		break;
	}
}

/* Fills args for an action on the focused row; 0 if there is a target. */
static int
tui_target(struct tui *t, int act, struct app_action_args *a)
{
	struct models *m = app_models(t->app);
	size_t i;

	memset(a, 0, sizeof *a);
	a->map_index = -1;
	if (act == APP_ACT_CLEAR) {
		i = t->sel[PANE_TASKS];
		if (i >= m->tis.n || m->sel_run == NULL)
			return -1;
		a->dag_id = m->sel_run_dag;
		a->run_id = m->sel_run;
		a->task_id = m->tis.v[i].task_id;
		a->map_index = m->tis.v[i].map_index;
		return 0;
	}
	if (t->focus == PANE_DAGS && t->sel[PANE_DAGS] < m->dags.n)
		a->dag_id = m->dags.v[t->sel[PANE_DAGS]].dag_id;
	else
		a->dag_id = m->sel_dag;
	return a->dag_id != NULL ? 0 : -1;
}

static void
tui_key(struct tui *t, wint_t k, int is_key)
{
	struct models *m = app_models(t->app);
	struct app_action_args a;
	size_t n = tui_count(t, t->focus);
	int act;

	t->dirty = 1;
	if (t->confirm >= 0) {
		act = t->confirm;
		t->confirm = -1;
		if (!is_key && (k == 'y' || k == 'Y') &&
		    tui_target(t, act, &a) == 0)
			app_action(t->app, act, &a);
		else
			app_message(t->app, 0, "cancelled");
		return;
	}
	if (is_key) {
		switch (k) {
		case KEY_DOWN:
			k = 'j';
			break;
		case KEY_UP:
			k = 'k';
			break;
		case KEY_LEFT:
		case KEY_BTAB:
			k = 'h';
			break;
		case KEY_RIGHT:
			k = 'l';
			break;
		case KEY_NPAGE:
			t->sel[t->focus] += 20;
			return;
		case KEY_PPAGE:
			t->sel[t->focus] =
			    t->sel[t->focus] > 20 ? t->sel[t->focus] - 20 : 0;
			return;
		case KEY_ENTER:
			k = '\n';
			break;
		default:
			return;
		}
	}
	switch (k) {
	case 'q':
	case 3: /* Ctrl-C */
		app_quit(t->app);
		break;
	case 26: /* Ctrl-Z */
		app_suspend(t->app);
		break;
	case 'j':
		if (t->sel[t->focus] + 1 < n)
			t->sel[t->focus]++;
		break;
	case 'k':
		if (t->sel[t->focus] > 0)
			t->sel[t->focus]--;
		break;
	case 'g':
		t->sel[t->focus] = 0;
		break;
	case 'G':
		t->sel[t->focus] = n > 0 ? n - 1 : 0;
		break;
	case '\t':
	case 'l':
		t->focus = (t->focus + 1) % NPANES;
		break;
	case 'h':
		t->focus = (t->focus + NPANES - 1) % NPANES;
		break;
	case '1':
	case '2':
	case '3':
	case '4':
		t->focus = (int)(k - '1');
		break;
	case '\n':
	case '\r':
		tui_select(t);
		break;
	case 'L':
		t->show_log = !t->show_log;
		t->sel[PANE_DETAIL] = t->top[PANE_DETAIL] = 0;
		break;
	case 'r':
		app_refresh_now(t->app);
		break;
	case 't':
		act = APP_ACT_TRIGGER;
		goto ask;
	case 'p':
		act = APP_ACT_PAUSE;
		if (t->focus == PANE_DAGS && t->sel[PANE_DAGS] < m->dags.n &&
		    m->dags.v[t->sel[PANE_DAGS]].paused)
			act = APP_ACT_UNPAUSE;
		goto ask;
	case 'c':
		act = APP_ACT_CLEAR;
		goto ask;
	default:
		break;
	}
	return;
ask:
	if (app_readonly(t->app)) {
		app_message(t->app, 1, "read-only mode: actions are disabled");
		return;
	}
	if (tui_target(t, act, &a) != 0) {
		app_message(t->app, 1, "select a DAG (or a task) first");
		return;
	}
	t->confirm = act;
}

static void
tui_poll_cb(uv_poll_t *h, int status, int events)
{
	struct tui *t = h->data;
	wint_t k;
	int r;

	(void)events;
	if (status < 0) {
		app_quit(t->app);
		return;
	}
	while ((r = get_wch(&k)) != ERR) {
		if (r == KEY_CODE_YES && k == KEY_RESIZE)
			continue;
		tui_key(t, k, r == KEY_CODE_YES);
	}
}

static void
tui_winch_cb(uv_signal_t *h, int sig)
{
	struct tui *t = h->data;
	struct winsize ws;

	(void)sig;
	if (ioctl(t->fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	t->dirty = 1;
}

static void
tui_cont_cb(uv_signal_t *h, int sig)
{
	struct tui *t = h->data;

	(void)sig;
	signal(SIGTSTP, SIG_IGN);
	refresh();
	t->dirty = 1;
}

/* Repaints when a key arrived or any model generation moved. */
static void
tui_prepare_cb(uv_prepare_t *h)
{
	struct tui *t = h->data;
	struct models *m = app_models(t->app);
	uint64_t g[8] = { m->dags.gen, m->runs.gen, m->tis.gen, m->xcoms.gen,
		m->value.gen, m->log.gen, m->airflow.gen, m->cmdlog.gen };
	int vis;

	if (memcmp(g, t->seen, sizeof g) != 0) {
		memcpy(t->seen, g, sizeof g);
		t->dirty = 1;
	}
	if (!t->dirty)
		return;
	t->dirty = 0;
	if (COLS >= 160)
		vis = APP_PANE_DAGS | APP_PANE_RUNS | APP_PANE_TASKS |
		      APP_PANE_XCOM | APP_PANE_LOG;
	else
		vis = t->focus == PANE_DAGS    ? APP_PANE_DAGS
		      : t->focus == PANE_RUNS  ? APP_PANE_RUNS
		      : t->focus == PANE_TASKS ? APP_PANE_TASKS
					       : APP_PANE_XCOM | APP_PANE_LOG;
	app_set_visible(
	    t->app, vis | APP_PANE_TASKS | APP_PANE_XCOM | APP_PANE_LOG, vis);
	tui_draw(t);
}

int
tui_create(struct tui **out, uv_loop_t *loop, struct app *app,
    const char *theme, char **cause)
{
	struct tui *t;

	(void)theme;
	t = xcalloc(1, sizeof *t);
	t->loop = loop;
	t->app = app;
	t->confirm = -1;
	if ((t->fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) == -1) {
		if (cause != NULL)
			*cause = xstrdup("cannot open /dev/tty: run snowdeck "
					 "in a terminal");
		free(t);
		return -1;
	}
	tcgetattr(t->fd, &tui_saved_tio);
	tui_saved_fd = t->fd;
	/* SIGWINCH is ours before ncurses looks (resizeterm(3X)). */
	uv_signal_init(loop, &t->winch);
	t->winch.data = t;
	uv_signal_start(&t->winch, tui_winch_cb, SIGWINCH);
	uv_signal_init(loop, &t->cont);
	t->cont.data = t;
	uv_signal_start(&t->cont, tui_cont_cb, SIGCONT);
	signal(SIGTSTP, SIG_IGN);
	setlocale(LC_ALL, "");
	t->in = fdopen(dup(t->fd), "r");
	t->out = fdopen(dup(t->fd), "w");
	if (t->in == NULL || t->out == NULL ||
	    (t->scr = newterm(NULL, t->out, t->in)) == NULL) {
		if (cause != NULL)
			*cause =
			    xstrdup("cannot start the terminal: check TERM");
		return -1;
	}
	tui_current = t;
	util_set_fatal_hook(tui_emergency_restore);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	if (getenv("NO_COLOR") == NULL && has_colors()) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_GREEN, -1);
		init_pair(2, COLOR_RED, -1);
		init_pair(3, COLOR_CYAN, -1);
		init_pair(4, COLOR_YELLOW, -1);
		t->colors = 1;
	}
	uv_poll_init(loop, &t->poll, fileno(t->in));
	t->poll.data = t;
	uv_poll_start(&t->poll, UV_READABLE, tui_poll_cb);
	uv_prepare_init(loop, &t->prepare);
	t->prepare.data = t;
	uv_prepare_start(&t->prepare, tui_prepare_cb);
	t->dirty = 1;
	*out = t;
	return 0;
}

static void
tui_close_cb(uv_handle_t *h)
{
	struct tui *t = h->data;

	if (--t->nclosing == 0)
		free(t);
}

void
tui_free(struct tui *t)
{
	if (t->scr != NULL) {
		endwin();
		delscreen(t->scr);
		t->scr = NULL;
	}
	tcsetattr(t->fd, TCSAFLUSH, &tui_saved_tio);
	tui_current = NULL;
	tui_saved_fd = -1;
	util_set_fatal_hook(NULL);
	t->nclosing = 4;
	uv_close((uv_handle_t *)&t->poll, tui_close_cb);
	uv_close((uv_handle_t *)&t->prepare, tui_close_cb);
	uv_close((uv_handle_t *)&t->winch, tui_close_cb);
	uv_close((uv_handle_t *)&t->cont, tui_close_cb);
	/* The poll handle is closed before its fd goes (poll.rst). */
	if (t->in != NULL)
		fclose(t->in);
	if (t->out != NULL)
		fclose(t->out);
	close(t->fd);
}

void
tui_redraw(struct tui *t)
{
	t->dirty = 1;
}

void
tui_suspend(struct tui *t)
{
	endwin();
	tcsetattr(t->fd, TCSAFLUSH, &tui_saved_tio);
	signal(SIGTSTP, SIG_DFL);
	kill(getpid(), SIGTSTP);
}

int
tui_dump(struct tui *t, const char *path)
{
	FILE *f;
	int y;
	char line[1024];

	(void)t;
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	for (y = 0; y < LINES; y++) {
		mvinnstr(y, 0, line,
		    (int)sizeof line - 1 < COLS ? (int)sizeof line - 1 : COLS);
		fprintf(f, "%s\n", line);
	}
	fclose(f);
	return 0;
}
