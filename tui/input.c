/*
 * Keys: a uv_poll handle on the tty drains wget_wch() (nodelay) and turns
 * curses keys into keymap.h codes. ncurses' own escape delay is 0; a lone
 * ESC at the end of a read waits TUI_ESC_MS on a uv timer for a following
 * key (then it was Alt-key), else it is Esc. Nothing here blocks.
 *
 * Dispatch order: an open dialog, the ':' line, the focused view (a page
 * when one is open), then the global key map.
 */

#include "tui_int.h"

#include <stdlib.h>
#include <string.h>

#include <curses.h>
#include <uv.h>

#include "app.h"
#include "app_sf.h"
#include "dialog.h"
#include "keymap.h"
#include "tui.h"
#include "tui_ext.h"
#include "util.h"
#include "view.h"

/* Command-line words that are not view names. */
static const char *const input_commands[] = { "quit", "q", "refresh", "theme",
	"zoom" };

static int
input_map(int r, wint_t wc)
{
	if (r == KEY_CODE_YES) {
		switch (wc) {
		case KEY_UP:
			return KEYC_UP;
		case KEY_DOWN:
			return KEYC_DOWN;
		case KEY_LEFT:
			return KEYC_LEFT;
		case KEY_RIGHT:
			return KEYC_RIGHT;
		case KEY_HOME:
			return KEYC_HOME;
		case KEY_END:
			return KEYC_END;
		case KEY_PPAGE:
			return KEYC_PPAGE;
		case KEY_NPAGE:
			return KEYC_NPAGE;
		case KEY_BTAB:
			return KEYC_BTAB;
		case KEY_DC:
			return KEYC_DC;
		case KEY_IC:
			return KEYC_IC;
		case KEY_SR:
			return KEYC_SUP;
		case KEY_SF:
			return KEYC_SDOWN;
		case KEY_SLEFT:
			return KEYC_SLEFT;
		case KEY_SRIGHT:
			return KEYC_SRIGHT;
		case KEY_BACKSPACE:
			return KEYC_BSPACE;
		case KEY_ENTER:
			return KEYC_ENTER;
		default:
			if (wc >= KEY_F(1) && wc <= KEY_F(12))
				return KEYC_F1 + (int)(wc - KEY_F(1));
			return KEYC_NONE;
		}
	}
	switch (wc) {
	case '\n':
	case '\r':
		return KEYC_ENTER;
	case 0x08:
	case 0x7f:
		return KEYC_BSPACE;
	default:
		if (wc > 0x10ffff)
			return KEYC_NONE;
		return (int)wc;
	}
}

static void
input_esc_cb(uv_timer_t *h)
{
	struct tui *t = h->data;

	if (t->esc_pending) {
		t->esc_pending = 0;
		tui_key(t, KEYC_ESC);
	}
}

static void
input_poll_cb(uv_poll_t *h, int status, int events)
{
	struct tui *t = h->data;
	wint_t wc;
	int r, key, n = 0;

	if (status < 0 || (events & UV_DISCONNECT)) {
		app_quit(t->app);
		return;
	}
	if (t->esc_pending)
		uv_timer_stop(&t->esc);
	while ((r = wget_wch(stdscr, &wc)) != ERR) {
		n++;
		if (r == KEY_CODE_YES && wc == KEY_RESIZE)
			continue; /* resizing happened in the SIGWINCH handle */
		if ((key = input_map(r, wc)) == KEYC_NONE)
			continue;
		if (t->esc_pending) {
			t->esc_pending = 0;
			if (key != KEYC_ESC && key < KEYC_FN) {
				tui_key(t, key | KEYC_ALT);
				continue;
			}
			tui_key(t, KEYC_ESC);
		}
		if (key == KEYC_ESC) {
			t->esc_pending = 1;
			continue;
		}
		tui_key(t, key);
		/* A key may have quit or suspended. */
		if (t->scr == NULL)
			return;
	}
	if (t->esc_pending)
		uv_timer_start(&t->esc, input_esc_cb, TUI_ESC_MS, 0);
	/* Readable but nothing to read, again and again: the tty is gone. */
	if (n == 0 && ++t->empty_wakeups > 64)
		app_quit(t->app);
	else if (n > 0)
		t->empty_wakeups = 0;
}

void
tui_input_start(struct tui *t)
{
	uv_poll_start(&t->poll, UV_READABLE | UV_DISCONNECT, input_poll_cb);
}

static void input_show_view(struct tui *, int);

/* A cross-pane jump asked for by a view (VIEW_GOTO, app_sf.h). */
static void
input_goto(struct tui *t)
{
	char *name = app_sf_goto_take(t->app);
	const struct view_ops *ops = view_lookup(name);
	size_t i;

	free(name);
	if (ops == NULL)
		return;
	for (i = 0; i < t->nviews; i++) {
		if (t->views[i].ops == ops) {
			input_show_view(t, (int)i);
			return;
		}
	}
}

/* Applies a view's key result. */
static void
input_result(struct tui *t, struct view *v, int r)
{
	int slot, child;

	if (r & (VIEW_REDRAW | VIEW_HANDLED))
		v->flags |= VIEW_DIRTY;
	if (r & VIEW_RELAYOUT)
		t->relayout = 1;
	t->chrome_dirty = 1;
	if (r & VIEW_SHOW_LOG)
		tui_detail(t, 1);
	if (r & VIEW_SHOW_XCOM)
		tui_detail(t, 0);
	slot = tui_slot_of(t, (int)(v - t->views));
	if (r & VIEW_DRILL) {
		child = slot == LAYOUT_DAGS    ? LAYOUT_RUNS
			: slot == LAYOUT_RUNS  ? LAYOUT_TASKS
			: slot == LAYOUT_TASKS ? LAYOUT_DETAIL
			: slot == LAYOUT_GRID  ? LAYOUT_DETAIL
					       : -1;
		if (child >= 0) {
			if (t->page >= 0)
				tui_close_page(t);
			tui_set_focus(t, child);
		}
	}
	if ((r & VIEW_UP) && slot >= 0 && layout_parent(slot) >= 0)
		tui_set_focus(t, layout_parent(slot));
	if (r & VIEW_GOTO)
		input_goto(t);
}

/* The names ':' knows: every view's name and alias, then commands. */
static size_t
input_candidates(const char *prefix, const char **out, size_t max)
{
	const struct view_ops *ops;
	size_t i, n = 0, plen = strlen(prefix), j;
	const char *c;

	for (i = 0; view_registry[i] != NULL; i++) {
		ops = view_registry[i];
		for (j = 0; j < 2; j++) {
			c = j == 0 ? ops->name : ops->alias;
			if (c != NULL && strncmp(c, prefix, plen) == 0 &&
			    n < max)
				out[n++] = c;
		}
	}
	for (i = 0; i < nitems(input_commands); i++) {
		if (strncmp(input_commands[i], prefix, plen) == 0 && n < max)
			out[n++] = input_commands[i];
	}
	return n;
}

static void
input_complete(struct tui *t)
{
	const char *cand[32], *text = prompt_text(&t->cmd);
	char buf[PROMPT_MAX];
	size_t n, i, common;
	int used = 0;

	if (strchr(text, ' ') != NULL)
		return;
	n = input_candidates(text, cand, nitems(cand));
	t->cmd_hint[0] = '\0';
	if (n == 0) {
		snprintf(t->cmd_hint, sizeof t->cmd_hint,
		    "no such view or "
		    "command");
		return;
	}
	if (n == 1) {
		snprintf(buf, sizeof buf, "%s ", cand[0]);
		prompt_set(&t->cmd, buf);
		return;
	}
	common = strlen(cand[0]);
	for (i = 1; i < n; i++) {
		size_t k = 0;

		while (k < common && cand[i][k] == cand[0][k])
			k++;
		common = k;
	}
	if (common > strlen(text)) {
		snprintf(buf, sizeof buf, "%.*s", (int)common, cand[0]);
		prompt_set(&t->cmd, buf);
	}
	for (i = 0; i < n && used < (int)sizeof t->cmd_hint - 1; i++)
		used += snprintf(t->cmd_hint + used,
		    sizeof t->cmd_hint - (size_t)used, "%s%s", i ? " " : "",
		    cand[i]);
}

/* Shows the view: focuses its pane, or opens it as a page. */
static void
input_show_view(struct tui *t, int vi)
{
	int slot;

	if (vi == t->xcom_view || vi == t->log_view) {
		tui_detail(t, vi == t->log_view);
		if (t->page >= 0)
			tui_close_page(t);
		tui_set_focus(t, LAYOUT_DETAIL);
		return;
	}
	slot = tui_slot_of(t, vi);
	if (slot >= 0 && slot < LAYOUT_NPANES) {
		if (t->page >= 0)
			tui_close_page(t);
		tui_set_focus(t, slot);
	} else
		tui_open_page(t, vi);
}

static void
input_command(struct tui *t, const char *line)
{
	char word[64];
	const char *p = line, *arg;
	const struct view_ops *ops;
	size_t n, i;
	struct view *v;

	while (*p == ' ')
		p++;
	n = strcspn(p, " ");
	if (n == 0)
		return;
	snprintf(word, sizeof word, "%.*s", (int)n, p);
	arg = p + n;
	while (*arg == ' ')
		arg++;
	if (strcmp(word, "q") == 0 || strcmp(word, "quit") == 0 ||
	    strcmp(word, "q!") == 0) {
		app_quit(t->app);
		return;
	}
	if (strcmp(word, "refresh") == 0) {
		app_refresh_now(t->app);
		app_message(t->app, 0, "refreshing");
		return;
	}
	if (strcmp(word, "dock") == 0) {
		/* ":dock services": that view in the detail pane. */
		if (*arg != '\0' && (ops = view_lookup(arg)) != NULL) {
			for (i = 0; i < t->nviews; i++) {
				if (t->views[i].ops == ops)
					tui_dock(t, (int)i);
			}
		} else if (t->page >= 0)
			tui_dock(t, t->page);
		else
			app_message(t->app, 1, "dock what? :dock services");
		return;
	}
	if (strcmp(word, "zoom") == 0) {
		t->zoom = !t->zoom;
		t->relayout = 1;
		return;
	}
	if (strcmp(word, "theme") == 0) {
		tui_apply_theme(t, *arg != '\0' ? arg : "default", 1);
		t->relayout = 1;
		return;
	}
	if ((ops = view_lookup(word)) == NULL) {
		app_message(t->app, 1,
		    "unknown command '%s': type a view name (Tab completes)",
		    word);
		return;
	}
	for (i = 0; i < t->nviews; i++) {
		if (t->views[i].ops == ops)
			break;
	}
	if (i == t->nviews)
		return;
	input_show_view(t, (int)i);
	/* ":dags /text" filters the view, as typing '/' would. */
	if (*arg == '/' && (v = tui_focused(t)) != NULL) {
		view_key(v, '/');
		view_key(v, KEYC_CTRL('u'));
		for (p = arg + 1; *p != '\0'; p++) {
			if ((unsigned char)*p >= 0x20 &&
			    (unsigned char)*p < 0x7f)
				view_key(v, (unsigned char)*p);
		}
		input_result(t, v, view_key(v, KEYC_ENTER));
	}
}

static void
input_cmd_key(struct tui *t, int key)
{
	char line[PROMPT_MAX];

	t->chrome_dirty = 1;
	switch (prompt_key(&t->cmd, key)) {
	case PROMPT_ACCEPT:
		t->cmd_active = 0;
		snprintf(line, sizeof line, "%s", prompt_text(&t->cmd));
		input_command(t, line);
		break;
	case PROMPT_CANCEL:
		t->cmd_active = 0;
		break;
	case PROMPT_COMPLETE:
		input_complete(t);
		break;
	case PROMPT_EDITED:
		t->cmd_hint[0] = '\0';
		break;
	default:
		break;
	}
}

static void
input_cycle(struct tui *t, int dir)
{
	int s = t->focus;

	s = (s + dir + LAYOUT_NPANES) % LAYOUT_NPANES;
	tui_set_focus(t, s);
}

void
tui_key(struct tui *t, int key)
{
	struct view *v;
	int r, slot;

	/* Ctrl-C and Ctrl-Z work everywhere, prompts and dialogs included. */
	switch (keymap_lookup(KM_GLOBAL, key)) {
	case KA_QUIT_NOW:
		app_quit(t->app);
		return;
	case KA_SUSPEND:
		app_suspend(t->app);
		return;
	default:
		break;
	}
	if (dialog_active()) {
		dialog_key(key);
		t->dirty = 1;
		return;
	}
	if (t->cmd_active) {
		input_cmd_key(t, key);
		return;
	}
	if ((v = tui_focused(t)) != NULL) {
		r = view_key(v, key);
		if (r != VIEW_IGNORED) {
			input_result(t, v, r);
			if (dialog_active())
				t->dirty = 1;
			return;
		}
	}
	switch (keymap_lookup(KM_GLOBAL, key)) {
	case KA_QUIT:
		if (t->page >= 0)
			tui_close_page(t);
		else
			app_quit(t->app);
		break;
	case KA_QUIT_NOW:
		app_quit(t->app);
		break;
	case KA_SUSPEND:
		app_suspend(t->app);
		break;
	case KA_HELP:
		if (t->page == t->help_view)
			tui_close_page(t);
		else
			tui_open_page(t, t->help_view);
		break;
	case KA_DOCK:
		if (t->page < 0 || t->page == t->help_view ||
		    t->page == t->cmdlog_view) {
			app_message(t->app, 1,
			    "nothing to dock: open a page first (:services, "
			    ":stages, :jobs, :setup, :doctor), then D");
			break;
		}
		tui_dock(t, t->page);
		break;
	case KA_CMDLOG:
		if (t->page == t->cmdlog_view)
			tui_close_page(t);
		else
			tui_open_page(t, t->cmdlog_view);
		break;
	case KA_COMMAND:
		t->cmd_active = 1;
		t->cmd_hint[0] = '\0';
		prompt_start(&t->cmd, NULL);
		t->chrome_dirty = 1;
		break;
	case KA_NEXT_PANE:
	case KA_PREV_PANE:
		tui_close_page(t);
		input_cycle(
		    t, keymap_lookup(KM_GLOBAL, key) == KA_NEXT_PANE ? 1 : -1);
		break;
	case KA_FOCUS_LEFT:
	case KA_FOCUS_RIGHT:
		if (t->page >= 0)
			break;
		slot = layout_neighbour(&t->lay, t->focus,
		    keymap_lookup(KM_GLOBAL, key) == KA_FOCUS_LEFT ? -1 : 1);
		if (slot >= 0)
			tui_set_focus(t, slot);
		break;
	case KA_FOCUS_N:
		slot = key - '1';
		if (slot >= 0 && slot < LAYOUT_NPANES) {
			tui_close_page(t);
			tui_set_focus(t, slot);
		}
		break;
	case KA_BACK:
		if (t->page >= 0)
			tui_close_page(t);
		else if (t->zoom) {
			t->zoom = 0;
			t->relayout = 1;
		} else if (layout_parent(t->focus) >= 0)
			tui_set_focus(t, layout_parent(t->focus));
		break;
	case KA_REFRESH:
		app_refresh_now(t->app);
		break;
	case KA_TOGGLE_LOG:
		tui_close_page(t);
		tui_detail(t, !t->detail_log);
		tui_set_focus(t, LAYOUT_DETAIL);
		break;
	case KA_ZOOM:
		t->zoom = !t->zoom;
		t->relayout = 1;
		break;
	case KA_REDRAW:
		clearok(curscr, TRUE);
		t->dirty = 1;
		break;
	default:
		break;
	}
}

void
tui_feed_key(struct tui *t, int key)
{
	tui_key(t, key);
}
