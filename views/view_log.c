/*
 * The log half of the detail pane: the selected task instance's log,
 * sanitized and with secrets masked by core. Follow mode (f, on by default)
 * keeps the end in view and keeps fetching while the task runs; w wraps,
 * / searches with n/N, G jumps to the end (and follows again).
 */

#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "keymap.h"
#include "model.h"
#include "textview.h"
#include "theme.h"
#include "tui_draw.h"
#include "tui_ext.h"
#include "util.h"

struct view_log {
	struct app *app;
	struct models *m;
	struct textview tv;
	uint64_t seen;
	char *shown; /* "dag run task try" of the text last given */
};

static int
view_log_init(struct view *v, struct app *app, char **cause)
{
	struct view_log *d = xcalloc(1, sizeof *d);

	(void)cause;
	d->app = app;
	d->m = app_models(app);
	textview_init(&d->tv, TEXTVIEW_LOG | TEXTVIEW_LIVE);
	textview_set_follow(&d->tv, 1);
	v->data = d;
	return 0;
}

static void
view_log_free(struct view *v)
{
	struct view_log *d = v->data;

	textview_free(&d->tv);
	free(d->shown);
	free(d);
}

static void
view_log_sync(struct view_log *d)
{
	const struct af_log *l = &d->m->log;
	char *which;

	if (d->seen != l->gen) {
		d->seen = l->gen;
		which = xasprintf("%s %s %s %d %d",
		    l->dag_id != NULL ? l->dag_id : "",
		    l->run_id != NULL ? l->run_id : "",
		    l->task_id != NULL ? l->task_id : "", l->try_number,
		    l->map_index);
		if (d->shown == NULL || strcmp(which, d->shown) != 0) {
			/* Another log: from its end, following. */
			textview_reset(&d->tv);
			textview_set_follow(&d->tv, app_log_following(d->app));
		}
		free(d->shown);
		d->shown = which;
	}
	textview_set(&d->tv, l->text, l->len, l->lines, l->nlines);
}

static int
view_log_stale(const struct view *v)
{
	const struct view_log *d = v->data;

	return d->seen != d->m->log.gen;
}

static void
view_log_draw(struct view *v, WINDOW *win)
{
	struct view_log *d = v->data;
	int h = getmaxy(win), w = getmaxx(win), y;
	const char *why;

	view_log_sync(d);
	if (d->m->log.nlines == 0) {
		for (y = 0; y < h; y++)
			tui_fill(win, y, 0, w, theme_attr(THEME_DEFAULT));
		why = d->m->sel_task == NULL ? "select a task (Enter in Tasks)"
		      : d->m->log.finished   ? "the log is empty"
					     : "loading the log";
		tui_put(
		    win, 1, 1, why, w - 2, TUI_ELLIPSIS, theme_attr(THEME_DIM));
		return;
	}
	textview_draw(&d->tv, win, 0, 0, h, w, (v->flags & VIEW_FOCUSED) != 0);
}

static int
view_log_key(struct view *v, int key)
{
	struct view_log *d = v->data;
	int was = d->tv.follow, r;

	view_log_sync(d);
	r = textview_key(&d->tv, key);
	/* Following is also what keeps the log fetched: tell core. */
	if (d->tv.follow != was)
		app_log_follow(d->app, d->tv.follow);
	return r != TEXTVIEW_IGNORED ? VIEW_HANDLED : VIEW_IGNORED;
}

static void
view_log_caption(const struct view *v, char *buf, size_t len)
{
	const struct view_log *d = v->data;
	char st[PROMPT_MAX + 64];

	if (d->m->log.task_id == NULL)
		snprintf(buf, len, "(none)");
	else
		snprintf(buf, len, "%s try %d (%s)", d->m->log.task_id,
		    d->m->log.try_number,
		    textview_status(&d->tv, st, sizeof st));
}

const struct view_ops view_log_ops = {
	.name = "log",
	.alias = "l",
	.title = "Log",
	.pane = APP_PANE_LOG,
	.init = view_log_init,
	.free = view_log_free,
	.stale = view_log_stale,
	.draw = view_log_draw,
	.key = view_log_key,
	.caption = view_log_caption,
	.km_ctx = KM_LOG,
	.km_widget = KM_TEXT,
};
