/*
 * The help page (? or :help), generated from the key map table: one
 * section per context, one line per action with all its keys; in
 * read-only mode the actions that change Airflow are marked disabled.
 */

#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "keymap.h"
#include "textview.h"
#include "theme.h"
#include "util.h"

struct view_help {
	struct buf text;
	size_t *lines;
	size_t nlines;
	struct textview tv;
};

static int
view_help_init(struct view *v, struct app *app, char **cause)
{
	struct view_help *d = xcalloc(1, sizeof *d);

	(void)cause;
	buf_init(&d->text);
	keymap_help(&d->text, app_readonly(app));
	d->lines = textview_index(d->text.data, d->text.len, &d->nlines);
	textview_init(&d->tv, TEXTVIEW_NOCURS);
	textview_set(&d->tv, d->text.data, d->text.len, d->lines, d->nlines);
	v->data = d;
	return 0;
}

static void
view_help_free(struct view *v)
{
	struct view_help *d = v->data;

	textview_free(&d->tv);
	free(d->lines);
	buf_free(&d->text);
	free(d);
}

static void
view_help_draw(struct view *v, WINDOW *win)
{
	struct view_help *d = v->data;

	textview_draw(&d->tv, win, 0, 0, getmaxy(win), getmaxx(win),
	    (v->flags & VIEW_FOCUSED) != 0);
}

static int
view_help_key(struct view *v, int key)
{
	struct view_help *d = v->data;

	return textview_key(&d->tv, key) != TEXTVIEW_IGNORED ? VIEW_HANDLED
							     : VIEW_IGNORED;
}

static void
view_help_caption(const struct view *v, char *buf, size_t len)
{
	(void)v;
	snprintf(buf, len, "(q or Esc closes)");
}

const struct view_ops view_help_ops = {
	.name = "help",
	.alias = "?",
	.title = "Keys",
	.init = view_help_init,
	.free = view_help_free,
	.draw = view_help_draw,
	.key = view_help_key,
	.caption = view_help_caption,
	.km_ctx = KM_GLOBAL,
	.km_widget = KM_TEXT,
};
