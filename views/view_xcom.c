/*
 * The XCom half of the detail pane: the XCom entries of the selected task
 * instance (key, map index, time), and, after Enter, the value of one as
 * pretty-printed JSON with folding, search and scrolling. The value lives
 * in the model already split into lines (sanitized, secrets masked, capped
 * in size); only the lines on screen are drawn. Esc goes back to the keys.
 */

#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "keymap.h"
#include "list.h"
#include "model.h"
#include "textview.h"
#include "theme.h"
#include "tui_draw.h"
#include "tui_ext.h"
#include "util.h"

enum { XCOM_KEY, XCOM_MAP, XCOM_TIME };

static const struct list_column view_xcom_cols[] = {
	[XCOM_KEY] = { .title = "KEY", .min = 12, .grow = 1 },
	[XCOM_MAP] = { .title = "MAP",
	    .min = 3,
	    .drop = 2,
	    .flags = LIST_RIGHT },
	[XCOM_TIME] = { .title = "TIME",
	    .min = 8,
	    .max = 19,
	    .grow = 1,
	    .drop = 1 },
};

struct view_xcom {
	struct app *app;
	struct models *m;
	struct list list;
	struct textview tv;
	int value; /* showing a value, not the keys */
	uint64_t seen_keys, seen_value;
	char *shown_key; /* the value's key when the text was last set */
	char *want;      /* the key asked for (the value loads later) */
	char *want_task; /* ... of this task */
};

static size_t
view_xcom_count(void *arg)
{
	struct view_xcom *d = arg;

	return d->m->xcoms.n;
}

static void
view_xcom_cell(void *arg, size_t row, int col, char *buf, size_t len)
{
	struct view_xcom *d = arg;
	const struct af_xcom *x = &d->m->xcoms.v[row];

	switch (col) {
	case XCOM_KEY:
		snprintf(buf, len, "%s", x->key);
		break;
	case XCOM_MAP:
		if (x->map_index >= 0)
			snprintf(buf, len, "%d", x->map_index);
		else
			snprintf(buf, len, "-");
		break;
	case XCOM_TIME:
		tui_fmt_time(x->timestamp, tui_now(), buf, len);
		break;
	}
}

static void
view_xcom_id(void *arg, size_t row, char *buf, size_t len)
{
	struct view_xcom *d = arg;

	snprintf(buf, len, "%s\x1f%d", d->m->xcoms.v[row].key,
	    d->m->xcoms.v[row].map_index);
}

static const struct list_ops view_xcom_list_ops = {
	.count = view_xcom_count,
	.cell = view_xcom_cell,
	.id = view_xcom_id,
};

static int
view_xcom_init(struct view *v, struct app *app, char **cause)
{
	struct view_xcom *d = xcalloc(1, sizeof *d);

	(void)cause;
	d->app = app;
	d->m = app_models(app);
	list_init(&d->list, view_xcom_cols, (int)nitems(view_xcom_cols),
	    &view_xcom_list_ops, d);
	d->list.empty = "select a task (Enter in Tasks)";
	textview_init(&d->tv, TEXTVIEW_JSON);
	v->data = d;
	return 0;
}

static void
view_xcom_free(struct view *v)
{
	struct view_xcom *d = v->data;

	list_free(&d->list);
	textview_free(&d->tv);
	free(d->shown_key);
	free(d->want);
	free(d->want_task);
	free(d);
}

static void
view_xcom_sync(struct view_xcom *d)
{
	const struct af_value *val = &d->m->value;

	if (d->seen_keys != d->m->xcoms.gen) {
		d->seen_keys = d->m->xcoms.gen;
		list_refresh(&d->list);
	}
	d->list.empty = d->m->sel_task == NULL
			    ? "select a task (Enter in Tasks)"
			: d->m->xcoms.complete ? "no XCom entries"
					       : "loading XCom entries";
	if (d->seen_value != val->gen) {
		d->seen_value = val->gen;
		if (val->key == NULL || d->shown_key == NULL ||
		    strcmp(val->key, d->shown_key) != 0)
			textview_reset(&d->tv);
		free(d->shown_key);
		d->shown_key = val->key != NULL ? xstrdup(val->key) : NULL;
	}
	/* The text may have moved (a new value): give it again. */
	textview_set(&d->tv, val->text, val->len, val->lines, val->nlines);
	/* Another task selected: back to its keys. */
	if (d->value && (d->m->sel_task == NULL || d->want_task == NULL ||
			    strcmp(d->m->sel_task, d->want_task) != 0))
		d->value = 0;
}

/* Whether the model holds the value asked for. */
static int
view_xcom_loaded(const struct view_xcom *d)
{
	return d->m->value.key != NULL && d->m->value.text != NULL &&
	       d->want != NULL && strcmp(d->m->value.key, d->want) == 0;
}

static int
view_xcom_stale(const struct view *v)
{
	const struct view_xcom *d = v->data;

	return d->seen_keys != d->m->xcoms.gen ||
	       d->seen_value != d->m->value.gen;
}

static void
view_xcom_draw(struct view *v, WINDOW *win)
{
	struct view_xcom *d = v->data;
	const struct af_value *val = &d->m->value;
	int h = getmaxy(win), w = getmaxx(win), focused, top = 0;
	char note[128], size[32];

	focused = (v->flags & VIEW_FOCUSED) != 0;
	view_xcom_sync(d);
	if (!d->value) {
		list_draw(&d->list, win, 0, 0, h, w, focused);
		return;
	}
	if (view_xcom_loaded(d) && val->too_large && h > 2) {
		tui_fmt_bytes(val->raw_bytes, size, sizeof size);
		snprintf(note, sizeof note,
		    "value is %s: showing its first %zu lines", size,
		    val->nlines);
		tui_put(win, 0, 0, note, w, TUI_PAD | TUI_ELLIPSIS,
		    theme_attr(THEME_WARN));
		top = 1;
	}
	if (!view_xcom_loaded(d)) {
		tui_fill(win, top, 0, w, theme_attr(THEME_DEFAULT));
		tui_put(win, top, 1, "loading the value", w - 1, 0,
		    theme_attr(THEME_DIM));
		for (top++; top < h; top++)
			tui_fill(win, top, 0, w, theme_attr(THEME_DEFAULT));
		return;
	}
	textview_draw(&d->tv, win, top, 0, h - top, w, focused);
}

static int
view_xcom_key(struct view *v, int key)
{
	struct view_xcom *d = v->data;
	const struct af_xcom *x;
	size_t row;

	view_xcom_sync(d);
	if (d->value) {
		if (textview_key(&d->tv, key) != TEXTVIEW_IGNORED)
			return VIEW_HANDLED;
		if (keymap_lookup(KM_XCOM, key) == KA_KEYS) {
			d->value = 0;
			return VIEW_HANDLED;
		}
		return VIEW_IGNORED;
	}
	if (list_key(&d->list, key) != LIST_IGNORED)
		return VIEW_HANDLED;
	if (keymap_lookup(KM_XCOM, key) == KA_SELECT &&
	    list_selected(&d->list, &row) == 0 && row < d->m->xcoms.n) {
		x = &d->m->xcoms.v[row];
		free(d->want);
		free(d->want_task);
		d->want = xstrdup(x->key);
		d->want_task =
		    xstrdup(d->m->sel_task != NULL ? d->m->sel_task : "");
		app_select_xcom(d->app, x->key, x->map_index);
		d->value = 1;
		return VIEW_HANDLED;
	}
	return VIEW_IGNORED;
}

static void
view_xcom_caption(const struct view *v, char *buf, size_t len)
{
	const struct view_xcom *d = v->data;
	char n[PROMPT_MAX + 64], size[32];

	if (d->value && view_xcom_loaded(d)) {
		tui_fmt_bytes(d->m->value.raw_bytes, size, sizeof size);
		snprintf(buf, len, "%s %s (%s)", d->m->value.key, size,
		    textview_status(&d->tv, n, sizeof n));
	} else
		snprintf(buf, len, "(%s)", list_status(&d->list, n, sizeof n));
}

static void
view_xcom_hint_ctx(const struct view *v, int *ctx, int *widget)
{
	const struct view_xcom *d = v->data;

	/* On a value: the text keys only (Enter folds there). */
	*ctx = d->value ? KM_TEXT : KM_XCOM;
	*widget = d->value ? KM_NCTX : KM_LIST;
}

const struct view_ops view_xcom_ops = {
	.name = "xcom",
	.alias = "x",
	.title = "XCom",
	.pane = APP_PANE_XCOM,
	.init = view_xcom_init,
	.free = view_xcom_free,
	.stale = view_xcom_stale,
	.draw = view_xcom_draw,
	.key = view_xcom_key,
	.caption = view_xcom_caption,
	.km_ctx = KM_XCOM,
	.km_widget = KM_LIST,
	.hint_ctx = view_xcom_hint_ctx,
};
