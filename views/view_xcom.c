/*
 * The XCom half of the detail pane: the XCom entries of the selected task
 * instance (key, map index, time), and, after Enter, the value of one as
 * pretty-printed JSON with folding, search and scrolling. The value lives
 * in the model already split into lines (sanitized, secrets masked, capped
 * in size); only the lines on screen are drawn. Esc goes back to the keys.
 *
 * The XCom bridge: on a value, f follows its Snowflake references (table
 * rows, stage files, SnowparkTable / whole-table previews, object-storage
 * paths; app_sf.h) and shows what they hold, resolved asynchronously;
 * o opens a followed stage file in the Stages pane (Esc there comes back);
 * b or Esc goes back to the value.
 */

#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "app_sf.h"
#include "keymap.h"
#include "list.h"
#include "model.h"
#include "sanitize.h"
#include "textview.h"
#include "theme.h"
#include "tui_draw.h"
#include "tui_ext.h"
#include "util.h"
#include "xcom_resolve.h"

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
	/* The bridge: the followed references of the value, as text. */
	int bridge;
	unsigned long seen_bridge;
	struct textview btv;
	struct af_value btext;
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
	textview_init(&d->btv, TEXTVIEW_JSON);
	d->btv.wrap = 1; /* references are long: wrap them */
	v->data = d;
	return 0;
}

static void
view_xcom_free(struct view *v)
{
	struct view_xcom *d = v->data;

	list_free(&d->list);
	textview_free(&d->tv);
	textview_free(&d->btv);
	af_value_reset(&d->btext);
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
		d->value = d->bridge = 0;
}

/* Whether the model holds the value asked for. */
static int
view_xcom_loaded(const struct view_xcom *d)
{
	return d->m->value.key != NULL && d->m->value.text != NULL &&
	       d->want != NULL && strcmp(d->m->value.key, d->want) == 0;
}

/* The followed references as text (sanitized, secrets masked). */
static void
view_xcom_bridge_sync(struct view_xcom *d)
{
	const struct xres *x;
	const char *what;
	unsigned long gen;
	int done;
	size_t i;
	struct buf b;
	char *raw, *masked;

	x = app_sf_bridge(d->app, &what, &done, &gen);
	if (gen == d->seen_bridge && d->btext.text != NULL)
		return;
	d->seen_bridge = gen;
	buf_init(&b);
	if (x == NULL)
		buf_adds(&b, "no Snowflake references in this value\n");
	else if (!done) {
		for (i = 0; i < x->n; i++)
			buf_printf(&b, "%s%s\n  resolving...\n", i ? "\n" : "",
			    x->v[i].reference);
	} else
		xres_text(x, &b);
	buf_addc(&b, '\0');
	raw = sanitize_dup(
	    b.data, strlen(b.data), SANITIZE_KEEP_NL | SANITIZE_KEEP_TAB);
	masked = redact_text_dup(raw);
	free(raw);
	buf_free(&b);
	af_value_set(&d->btext, what != NULL ? what : "", masked, 0, 0);
	textview_set(&d->btv, d->btext.text, d->btext.len, d->btext.lines,
	    d->btext.nlines);
}

/* o: the first followed stage file, in the Stages pane. */
static int
view_xcom_to_stage(struct view_xcom *d)
{
	const struct xres *x = app_sf_bridge(d->app, NULL, NULL, NULL);
	const struct xres_item *it;
	size_t i;

	for (i = 0; x != NULL && i < x->n; i++) {
		it = &x->v[i];
		if (it->kind != XRES_STAGE_FILE || it->ref.name == NULL)
			continue;
		app_sf_reveal_set(d->app, it->ref.database, it->ref.schema,
		    it->ref.name, it->ref.key);
		app_sf_goto_set(d->app, "stages");
		return VIEW_HANDLED | VIEW_GOTO;
	}
	app_message(d->app, 1, "no stage file among the followed references");
	return VIEW_HANDLED;
}

static int
view_xcom_bridge_key(struct view_xcom *d, int key)
{
	enum keymap_action a;

	view_xcom_bridge_sync(d);
	a = keymap_lookup(KM_XCOM, key);
	if (a == KA_KEYS) {
		d->bridge = 0;
		return VIEW_HANDLED;
	}
	if (a == KA_JUMP_STAGE)
		return view_xcom_to_stage(d);
	if (textview_key(&d->btv, key) != TEXTVIEW_IGNORED)
		return VIEW_HANDLED;
	return VIEW_IGNORED;
}

static int
view_xcom_stale(const struct view *v)
{
	const struct view_xcom *d = v->data;

	unsigned long gen;

	app_sf_bridge(d->app, NULL, NULL, &gen);
	return d->seen_keys != d->m->xcoms.gen ||
	       d->seen_value != d->m->value.gen ||
	       (d->bridge && gen != d->seen_bridge);
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
	if (d->bridge && d->value) {
		view_xcom_bridge_sync(d);
		textview_draw(&d->btv, win, top, 0, h - top, w, focused);
		return;
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
	if (d->value && d->bridge)
		return view_xcom_bridge_key(d, key);
	if (d->value && view_xcom_loaded(d) &&
	    keymap_lookup(KM_XCOM, key) == KA_FOLLOW_REF) {
		if (app_sf_follow(d->app, d->m->value.key, d->m->value.text,
			d->m->value.len) == 0) {
			app_message(d->app, 1,
			    "%s holds no Snowflake reference to follow",
			    d->m->value.key);
			return VIEW_HANDLED;
		}
		d->bridge = 1;
		textview_reset(&d->btv);
		af_value_reset(&d->btext);
		view_xcom_bridge_sync(d);
		return VIEW_HANDLED;
	}
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

	if (d->value && d->bridge) {
		snprintf(buf, len, "%s references (%s)",
		    d->m->value.key != NULL ? d->m->value.key : "",
		    textview_status(&d->btv, n, sizeof n));
	} else if (d->value && view_xcom_loaded(d)) {
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
