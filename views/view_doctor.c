/*
 * The doctor page (:doctor): the preflight checklist of core/doctor_run.c,
 * one line per check with its glyph and state (green, red, yellow), the
 * reason and the fix. Opening it runs the checks the first time; r runs
 * them again. The texts are sanitized by core/doctor.c (doctor_set).
 * Below the list, the selected check whole: its reason and fix wrapped,
 * where the columns cut them; Enter puts the keyboard there (/ search,
 * n/N), Esc clears a search, then gives it back to the list
 * (tui/listtext.c).
 */

#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "app_ops.h"
#include "doctor.h"
#include "keymap.h"
#include "list.h"
#include "listtext.h"
#include "prompt.h"
#include "textview.h"
#include "theme.h"
#include "tui_draw.h"
#include "util.h"

enum { DOC_GROUP, DOC_STATE, DOC_CHECK, DOC_DETAIL, DOC_FIX };

static const struct list_column view_doctor_cols[] = {
	[DOC_GROUP] = { .title = "GROUP", .min = 9, .max = 12 },
	[DOC_STATE] = { .title = "STATE", .min = 9 },
	[DOC_CHECK] = { .title = "CHECK", .min = 16, .max = 44, .grow = 1 },
	[DOC_DETAIL] = { .title = "REASON", .min = 16, .grow = 2 },
	[DOC_FIX] = { .title = "FIX", .min = 16, .grow = 2, .drop = 1 },
};

struct view_doctor {
	struct app *app;
	struct list list;
	struct textview tv;
	struct listtext lt; /* the keyboard on the checks or the text */
	struct buf text;    /* the selected check in full */
	uint64_t seen;
};

static const struct doctor_item *
view_doctor_item(struct view_doctor *d, size_t row)
{
	const struct doctor *doc = app_doctor(d->app);

	return row < doc->n ? &doc->v[row] : NULL;
}

static size_t
view_doctor_count(void *arg)
{
	struct view_doctor *d = arg;

	return app_doctor(d->app)->n;
}

static void
view_doctor_cell(void *arg, size_t row, int col, char *buf, size_t len)
{
	const struct doctor_item *it = view_doctor_item(arg, row);

	buf[0] = '\0';
	if (it == NULL)
		return;
	switch (col) {
	case DOC_GROUP:
		snprintf(buf, len, "%s", it->group);
		break;
	case DOC_STATE:
		snprintf(buf, len, "%s %s",
		    doctor_glyph(it->state, !tui_utf8()),
		    doctor_state_name(it->state));
		break;
	case DOC_CHECK:
		snprintf(buf, len, "%s", it->name);
		break;
	case DOC_DETAIL:
		snprintf(buf, len, "%s", it->detail != NULL ? it->detail : "");
		break;
	case DOC_FIX:
		snprintf(buf, len, "%s", it->fix != NULL ? it->fix : "");
		break;
	}
}

static int
view_doctor_slot(enum doctor_state st)
{
	switch (st) {
	case DOCTOR_OK:
		return THEME_STATE_SUCCESS;
	case DOCTOR_FAIL:
		return THEME_STATE_FAILED;
	case DOCTOR_WARN:
		return THEME_WARN;
	case DOCTOR_PENDING:
		return THEME_STATE_RUNNING;
	case DOCTOR_SKIP:
		return THEME_DIM;
	}
	return -1;
}

static int
view_doctor_attr(void *arg, size_t row, int col)
{
	const struct doctor_item *it = view_doctor_item(arg, row);

	if (it == NULL)
		return -1;
	if (col == DOC_STATE)
		return view_doctor_slot(it->state);
	if (col == DOC_FIX && it->state == DOCTOR_FAIL)
		return THEME_WARN;
	return -1;
}

static void
view_doctor_id(void *arg, size_t row, char *buf, size_t len)
{
	const struct doctor_item *it = view_doctor_item(arg, row);

	snprintf(buf, len, "%s/%s", it != NULL ? it->group : "",
	    it != NULL ? it->name : "");
}

static const struct list_ops view_doctor_list_ops = {
	.count = view_doctor_count,
	.cell = view_doctor_cell,
	.attr = view_doctor_attr,
	.id = view_doctor_id,
};

static int
view_doctor_init(struct view *v, struct app *app, char **cause)
{
	struct view_doctor *d = xcalloc(1, sizeof *d);

	(void)cause;
	d->app = app;
	list_init(&d->list, view_doctor_cols, (int)nitems(view_doctor_cols),
	    &view_doctor_list_ops, d);
	d->list.empty = "no checks yet: press r to run them";
	textview_init(&d->tv, 0);
	d->tv.wrap = 1;
	listtext_init(&d->lt, &d->list, &d->tv, KM_DOCTOR, KA_DOCTOR_TEXT,
	    KA_DOCTOR_LIST);
	buf_init(&d->text);
	d->seen = (uint64_t)-1;
	v->data = d;
	return 0;
}

static void
view_doctor_free(struct view *v)
{
	struct view_doctor *d = v->data;

	list_free(&d->list);
	textview_free(&d->tv);
	buf_free(&d->text);
	free(d);
}

/* The selected check whole: what, state, reason and fix. */
static void
view_doctor_text(struct view_doctor *d)
{
	const struct doctor_item *it = NULL;
	size_t row;

	buf_reset(&d->text);
	if (list_selected(&d->list, &row) == 0)
		it = view_doctor_item(d, row);
	if (it != NULL) {
		buf_printf(&d->text, "%s / %s: %s\n", it->group, it->name,
		    doctor_state_name(it->state));
		if (it->detail != NULL)
			buf_printf(&d->text, "%s\n", it->detail);
		if (it->fix != NULL)
			buf_printf(&d->text, "fix: %s\n", it->fix);
	}
	/* Check names hold configured object names. */
	textview_set_untrusted(&d->tv, &d->text);
}

static void
view_doctor_sync(struct view_doctor *d)
{
	uint64_t gen = app_ops_gen(d->app);

	if (d->seen != gen || app_doctor_running(d->app)) {
		d->seen = gen;
		list_refresh(&d->list);
		view_doctor_text(d);
	}
}

static int
view_doctor_stale(const struct view *v)
{
	const struct view_doctor *d = v->data;

	/* Pending lines change in place as answers arrive. */
	return d->seen != app_ops_gen(d->app) || app_doctor_running(d->app);
}

static void
view_doctor_draw(struct view *v, WINDOW *win)
{
	struct view_doctor *d = v->data;
	int h = getmaxy(win), lh;

	view_doctor_sync(d);
	/* Every check fits on 24 lines; the text gets what is left. */
	lh = h - 6;
	if (lh < 4)
		lh = h;
	listtext_draw(&d->lt, win, 0, lh, h, getmaxx(win),
	    (v->flags & VIEW_FOCUSED) != 0, " check", "w: wrap");
}

static void
view_doctor_focus(struct view *v, int focused)
{
	struct view_doctor *d = v->data;

	/* The first visit runs the checklist. */
	if (focused && !app_doctor_ran(d->app) && app_audit(d->app) != NULL)
		app_doctor_start(d->app);
}

static int
view_doctor_key(struct view *v, int key)
{
	struct view_doctor *d = v->data;
	enum keymap_action a;
	int r;

	view_doctor_sync(d);
	/* The search prompt; then r, on either side. */
	if (listtext_action(&d->lt, key, &a) != LISTTEXT_IGNORED)
		return VIEW_HANDLED | VIEW_REDRAW;
	if (a == KA_RERUN) {
		app_doctor_start(d->app);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	/* Enter, Esc and the keys of the list or the check's text. */
	r = listtext_key(&d->lt, key, a);
	if (r & LISTTEXT_MOVED)
		view_doctor_text(d);
	return r != LISTTEXT_IGNORED ? VIEW_HANDLED | VIEW_REDRAW
				     : VIEW_IGNORED;
}

static void
view_doctor_caption(const struct view *v, char *buf, size_t len)
{
	const struct view_doctor *d = v->data;
	const struct doctor *doc = app_doctor(d->app);
	size_t i, ok = 0, fail = 0, warn = 0;
	char t[PROMPT_MAX + 96];

	for (i = 0; i < doc->n; i++) {
		if (doc->v[i].state == DOCTOR_OK)
			ok++;
		else if (doc->v[i].state == DOCTOR_FAIL)
			fail++;
		else if (doc->v[i].state == DOCTOR_WARN)
			warn++;
	}
	snprintf(buf, len, "(%zu ok, %zu failed, %zu warnings%s)%s%s", ok, fail,
	    warn, app_doctor_running(d->app) ? ", running…" : "",
	    d->lt.text_focus ? " check " : "",
	    d->lt.text_focus ? textview_status(&d->tv, t, sizeof t) : "");
}

static void
view_doctor_hint_ctx(const struct view *v, int *ctx, int *widget)
{
	const struct view_doctor *d = v->data;

	*ctx = KM_DOCTOR;
	*widget = d->lt.text_focus ? KM_TEXT : KM_LIST;
}

const struct view_ops view_doctor_ops = {
	.name = "doctor",
	.title = "Doctor",
	.init = view_doctor_init,
	.free = view_doctor_free,
	.stale = view_doctor_stale,
	.draw = view_doctor_draw,
	.key = view_doctor_key,
	.focus = view_doctor_focus,
	.caption = view_doctor_caption,
	.hint_ctx = view_doctor_hint_ctx,
	.km_ctx = KM_DOCTOR,
	.km_widget = KM_LIST,
};
