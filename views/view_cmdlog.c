/*
 * The command log page (@ or :cmdlog): every REST call, SQL statement and
 * action the console ran, newest first: time, kind, what (redacted by
 * core), status and duration. A small list view: copy it for a new one.
 */

#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "keymap.h"
#include "list.h"
#include "model.h"
#include "theme.h"
#include "tui_draw.h"
#include "tui_ext.h"
#include "util.h"

enum { CMDLOG_TIME, CMDLOG_KIND, CMDLOG_WHAT, CMDLOG_STATUS, CMDLOG_MS };

static const struct list_column view_cmdlog_cols[] = {
	[CMDLOG_TIME] = { .title = "TIME", .min = 8, .max = 19, .grow = 0 },
	[CMDLOG_KIND] = { .title = "KIND", .min = 6 },
	[CMDLOG_WHAT] = { .title = "WHAT", .min = 20, .grow = 1 },
	[CMDLOG_STATUS] = { .title = "STATUS",
	    .min = 6,
	    .drop = 2,
	    .flags = LIST_RIGHT },
	[CMDLOG_MS] = { .title = "TIME MS",
	    .min = 8,
	    .drop = 1,
	    .flags = LIST_RIGHT },
};

struct view_cmdlog {
	struct models *m;
	struct list list;
	uint64_t seen;
};

static size_t
view_cmdlog_count(void *arg)
{
	struct view_cmdlog *d = arg;

	return d->m->cmdlog.n;
}

static void
view_cmdlog_cell(void *arg, size_t row, int col, char *buf, size_t len)
{
	struct view_cmdlog *d = arg;
	const struct cmdlog_entry *e = cmdlog_get(&d->m->cmdlog, row);

	buf[0] = '\0';
	if (e == NULL)
		return;
	switch (col) {
	case CMDLOG_TIME:
		tui_fmt_time(e->when, tui_now(), buf, len);
		break;
	case CMDLOG_KIND:
		snprintf(buf, len, "%s", e->kind);
		break;
	case CMDLOG_WHAT:
		snprintf(buf, len, "%s", e->what);
		break;
	case CMDLOG_STATUS:
		if (e->status == 0)
			snprintf(buf, len, "failed");
		else if (e->status > 0)
			snprintf(buf, len, "%ld", e->status);
		break;
	case CMDLOG_MS:
		if (e->ms > 0)
			snprintf(buf, len, "%.0f", e->ms);
		break;
	}
}

static int
view_cmdlog_attr(void *arg, size_t row, int col)
{
	struct view_cmdlog *d = arg;
	const struct cmdlog_entry *e = cmdlog_get(&d->m->cmdlog, row);

	if (e == NULL || col != CMDLOG_STATUS)
		return -1;
	if (e->status == 0 || e->status >= 400)
		return THEME_ERROR;
	return -1;
}

static const struct list_ops view_cmdlog_list_ops = {
	.count = view_cmdlog_count,
	.cell = view_cmdlog_cell,
	.attr = view_cmdlog_attr,
};

static int
view_cmdlog_init(struct view *v, struct app *app, char **cause)
{
	struct view_cmdlog *d = xcalloc(1, sizeof *d);

	(void)cause;
	d->m = app_models(app);
	list_init(&d->list, view_cmdlog_cols, (int)nitems(view_cmdlog_cols),
	    &view_cmdlog_list_ops, d);
	d->list.empty = "no calls yet";
	v->data = d;
	return 0;
}

static void
view_cmdlog_free(struct view *v)
{
	struct view_cmdlog *d = v->data;

	list_free(&d->list);
	free(d);
}

static void
view_cmdlog_sync(struct view_cmdlog *d)
{
	if (d->seen != d->m->cmdlog.gen) {
		d->seen = d->m->cmdlog.gen;
		list_refresh(&d->list);
	}
}

static int
view_cmdlog_stale(const struct view *v)
{
	const struct view_cmdlog *d = v->data;

	return d->seen != d->m->cmdlog.gen;
}

static void
view_cmdlog_draw(struct view *v, WINDOW *win)
{
	struct view_cmdlog *d = v->data;

	view_cmdlog_sync(d);
	list_draw(&d->list, win, 0, 0, getmaxy(win), getmaxx(win),
	    (v->flags & VIEW_FOCUSED) != 0);
}

static int
view_cmdlog_key(struct view *v, int key)
{
	struct view_cmdlog *d = v->data;

	view_cmdlog_sync(d);
	return list_key(&d->list, key) != LIST_IGNORED ? VIEW_HANDLED
						       : VIEW_IGNORED;
}

static void
view_cmdlog_caption(const struct view *v, char *buf, size_t len)
{
	const struct view_cmdlog *d = v->data;
	char n[PROMPT_MAX + 32];

	snprintf(
	    buf, len, "(%s, newest first)", list_status(&d->list, n, sizeof n));
}

const struct view_ops view_cmdlog_ops = {
	.name = "cmdlog",
	.alias = "@",
	.title = "Command log",
	.init = view_cmdlog_init,
	.free = view_cmdlog_free,
	.stale = view_cmdlog_stale,
	.draw = view_cmdlog_draw,
	.key = view_cmdlog_key,
	.caption = view_cmdlog_caption,
	.km_ctx = KM_GLOBAL,
	.km_widget = KM_LIST,
};
