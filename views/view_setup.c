/*
 * The setup page (:setup): the seed's Snowflake objects as a plan
 * (core/setup.c), each step with its status, object, role and SQL, what
 * exists and is skipped. a applies it after a confirmation (read-only
 * refuses): a progress bar and each step's status while it runs; it stops
 * at the first error with Snowflake's message and the hint, and a again
 * resumes. R plans replacing the XCom table and stage; applying such a
 * plan asks for each object's name to be typed first. r probes again.
 * Steps the running role may not run by its grants (SHOW GRANTS) show
 * "denied" with what it lacks; applying such a plan is disabled: a says
 * why and applies only when confirmed anyway (grants can be incomplete).
 * Enter puts the keyboard on the selected step's text below (its SQL in
 * full, the error and the hint: j/k scroll, / search, n/N), Esc clears a
 * search, then gives it back to the list (tui/listtext.c).
 */

#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "app_ops.h"
#include "dialog.h"
#include "keymap.h"
#include "list.h"
#include "listtext.h"
#include "prompt.h"
#include "sanitize.h"
#include "setup.h"
#include "textview.h"
#include "theme.h"
#include "tui_draw.h"
#include "util.h"

enum { SET_STATUS, SET_OBJECT, SET_ROLE, SET_SQL };

static const struct list_column view_setup_cols[] = {
	[SET_STATUS] = { .title = "STATUS", .min = 10 },
	[SET_OBJECT] = { .title = "OBJECT", .min = 16, .max = 48, .grow = 1 },
	[SET_ROLE] = { .title = "ROLE", .min = 8, .max = 16, .drop = 1 },
	[SET_SQL] = { .title = "SQL", .min = 20, .grow = 3 },
};

struct view_setup {
	struct app *app;
	struct list list;
	struct textview tv;
	struct listtext lt; /* the keyboard on the steps or the step text */
	uint64_t seen;
	struct buf text; /* the selected step in full */
	/* The typed confirmations of REPLACE steps, one after the other. */
	size_t *ask;
	size_t nask, iask;
};

/* What the editor must receive (the dialog is process-wide, like this). */
static char view_setup_expect[256];

static const struct setup_step *
view_setup_step(struct view_setup *d, size_t row)
{
	const struct setup_plan *p = app_setup_plan(d->app);

	return p != NULL && row < p->n ? &p->v[row] : NULL;
}

static const char *
view_setup_status_text(enum setup_status st)
{
	int u = tui_utf8();

	switch (st) {
	case SETUP_UNKNOWN:
		return u ? "… probing" : ". probing";
	case SETUP_CREATE:
		return "+ create";
	case SETUP_EXISTS:
		return "= exists";
	case SETUP_REPLACE:
		return "! REPLACE";
	case SETUP_DONE:
		return u ? "✓ done" : "+ done";
	case SETUP_FAILED:
		return u ? "✗ failed" : "x failed";
	}
	return "?";
}

static size_t
view_setup_count(void *arg)
{
	const struct setup_plan *p =
	    app_setup_plan(((struct view_setup *)arg)->app);

	return p != NULL ? p->n : 0;
}

static void
view_setup_cell(void *arg, size_t row, int col, char *buf, size_t len)
{
	const struct setup_step *st = view_setup_step(arg, row);
	const char *s = NULL;
	char *safe;

	buf[0] = '\0';
	if (st == NULL)
		return;
	switch (col) {
	case SET_STATUS:
		snprintf(buf, len, "%s",
		    st->denied != NULL && setup_step_runs(st)
			? "denied"
			: view_setup_status_text(st->status));
		return;
	case SET_OBJECT:
		s = st->object;
		break;
	case SET_ROLE:
		s = st->role;
		break;
	case SET_SQL:
		s = st->sql;
		break;
	}
	if (s == NULL)
		return;
	safe = sanitize_dup(s, strlen(s), 0);
	snprintf(buf, len, "%s", safe);
	free(safe);
}

static int
view_setup_attr(void *arg, size_t row, int col)
{
	const struct setup_step *st = view_setup_step(arg, row);

	if (st == NULL || col != SET_STATUS)
		return -1;
	if (st->denied != NULL && setup_step_runs(st))
		return THEME_WARN;
	switch (st->status) {
	case SETUP_CREATE:
		return THEME_STATE_QUEUED;
	case SETUP_EXISTS:
		return THEME_DIM;
	case SETUP_REPLACE:
		return THEME_WARN;
	case SETUP_DONE:
		return THEME_STATE_SUCCESS;
	case SETUP_FAILED:
		return THEME_STATE_FAILED;
	case SETUP_UNKNOWN:
		return THEME_STATE_RUNNING;
	}
	return -1;
}

static void
view_setup_id(void *arg, size_t row, char *buf, size_t len)
{
	const struct setup_step *st = view_setup_step(arg, row);

	snprintf(buf, len, "%zu:%s", row, st != NULL ? st->object : "");
}

static const struct list_ops view_setup_list_ops = {
	.count = view_setup_count,
	.cell = view_setup_cell,
	.attr = view_setup_attr,
	.id = view_setup_id,
};

static int
view_setup_init(struct view *v, struct app *app, char **cause)
{
	struct view_setup *d = xcalloc(1, sizeof *d);

	(void)cause;
	d->app = app;
	list_init(&d->list, view_setup_cols, (int)nitems(view_setup_cols),
	    &view_setup_list_ops, d);
	d->list.empty = "no plan yet: press r to probe Snowflake";
	textview_init(&d->tv, 0);
	d->tv.wrap = 1;
	listtext_init(
	    &d->lt, &d->list, &d->tv, KM_SETUP, KA_SETUP_TEXT, KA_SETUP_LIST);
	buf_init(&d->text);
	d->seen = (uint64_t)-1;
	v->data = d;
	return 0;
}

static void
view_setup_free(struct view *v)
{
	struct view_setup *d = v->data;

	dialog_discard_owner(v);
	list_free(&d->list);
	textview_free(&d->tv);
	buf_free(&d->text);
	free(d->ask);
	free(d);
}

/* The selected step in full: role, SQL, error and hint. */
static void
view_setup_text(struct view_setup *d)
{
	const struct setup_step *st = NULL;
	size_t row;

	buf_reset(&d->text);
	if (list_selected(&d->list, &row) == 0)
		st = view_setup_step(d, row);
	if (st != NULL) {
		buf_printf(&d->text, "%s  as role %s\n", st->object,
		    st->role != NULL ? st->role : "(connection's)");
		buf_printf(&d->text, "%s\n", st->sql);
		if (st->destructive)
			buf_adds(&d->text,
			    "destructive: replaces the object and its data; "
			    "applying asks for its name typed\n");
		if (st->denied != NULL)
			buf_printf(&d->text, "denied: %s\n", st->denied);
		if (st->error != NULL)
			buf_printf(&d->text, "error: %s\n", st->error);
	}
	/* The SQL holds operator-given names. */
	textview_set_untrusted(&d->tv, &d->text);
}

static void
view_setup_sync(struct view_setup *d)
{
	uint64_t gen = app_ops_gen(d->app);

	if (d->seen != gen) {
		d->seen = gen;
		list_refresh(&d->list);
		view_setup_text(d);
	}
}

static int
view_setup_stale(const struct view *v)
{
	const struct view_setup *d = v->data;

	return d->seen != app_ops_gen(d->app);
}

/* The header: phase or last outcome, and the progress bar. */
static void
view_setup_header(struct view_setup *d, WINDOW *win, int w)
{
	const struct setup_plan *p = app_setup_plan(d->app);
	enum app_setup_phase ph = app_setup_phase(d->app);
	const char *msg;
	char line[512], bar[64], *safe;
	size_t done = 0, total = 0, run = 0, skip = 0, i;
	int err = 0, n, x;

	tui_fill(win, 0, 0, w, theme_attr(THEME_DEFAULT));
	tui_fill(win, 1, 0, w, theme_attr(THEME_DEFAULT));
	if (p != NULL)
		setup_plan_counts(p, &run, &skip);
	app_setup_progress(d->app, &done, &total);
	if (p != NULL && ph != APP_SETUP_APPLYING && total == 0) {
		/* Steps done by a finished apply still count. */
		for (i = 0; i < p->n; i++)
			if (p->v[i].status == SETUP_DONE)
				done++;
		total = done + run;
	}
	snprintf(line, sizeof line, " %s%s  %zu to run, %zu already there",
	    ph == APP_SETUP_PROBING    ? "probing  "
	    : ph == APP_SETUP_APPLYING ? "applying  "
				       : "",
	    app_setup_replace(d->app) ? "REPLACE XCom table/stage planned"
				      : "plan",
	    run, skip);
	tui_put(win, 0, 0, line, w, 0,
	    theme_attr(app_setup_replace(d->app) ? THEME_WARN : THEME_HEADER));
	/* [#####.....] done/total */
	n = 20;
	for (i = 0; i < (size_t)n; i++)
		bar[i] = total > 0 && i < done * (size_t)n / total ? '#' : '.';
	bar[n] = '\0';
	snprintf(line, sizeof line, " [%s] %zu/%zu ", bar, done, total);
	x = tui_put(win, 1, 0, line, w, 0, theme_attr(THEME_DEFAULT));
	msg = app_setup_message(d->app, &err);
	if (msg != NULL && x < w) {
		safe = sanitize_dup(msg, strlen(msg), 0);
		tui_put(win, 1, x, safe, w - x, 0,
		    theme_attr(err ? THEME_ERROR : THEME_INFO));
		free(safe);
	}
}

static void
view_setup_draw(struct view *v, WINDOW *win)
{
	struct view_setup *d = v->data;
	int h = getmaxy(win), w = getmaxx(win), lh;

	view_setup_sync(d);
	view_setup_header(d, win, w);
	lh = (h - 2) * 3 / 5;
	if (lh < 3)
		lh = h - 2;
	listtext_draw(&d->lt, win, 2, lh, h - 2, w,
	    (v->flags & VIEW_FOCUSED) != 0, " step", "w: wrap");
}

static void view_setup_next_ask(struct view *);

static void
view_setup_apply_done(void *arg, int result, const char *text)
{
	struct view *v = arg;

	(void)text;
	if (result == DIALOG_CONFIRM)
		app_setup_apply(v->app);
	else if (result == DIALOG_CANCEL)
		app_message(v->app, 0, "setup not applied");
}

static void
view_setup_confirm(struct view *v)
{
	struct view_setup *d = v->data;
	const struct setup_plan *p = app_setup_plan(d->app);
	struct buf msg;
	size_t run = 0, skip = 0;

	if (p != NULL)
		setup_plan_counts(p, &run, &skip);
	buf_init(&msg);
	buf_printf(&msg,
	    "%zu step%s will run against Snowflake, %zu already there "
	    "(skipped).\nIt stops at the first error; applying again "
	    "resumes.%s\n\ny confirm, n cancel",
	    run, run == 1 ? "" : "s", skip,
	    app_setup_replace(d->app)
		? "\nThe XCom table and stage are REPLACED: their data goes."
		: "");
	dialog_confirm(
	    v, "Apply setup?", msg.data, "Apply", view_setup_apply_done, v);
	buf_free(&msg);
}

static int
view_setup_validate(const char *text, char **cause)
{
	size_t n = strlen(text);

	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
		n--;
	if (n == strlen(view_setup_expect) &&
	    strncmp(text, view_setup_expect, n) == 0)
		return 0;
	*cause = xasprintf(
	    "type %s exactly to replace it (Esc cancels)", view_setup_expect);
	return -1;
}

static void
view_setup_typed(void *arg, int result, const char *text)
{
	struct view *v = arg;
	struct view_setup *d = v->data;

	(void)text;
	if (result != DIALOG_CONFIRM) {
		if (result == DIALOG_CANCEL)
			app_message(v->app, 0,
			    "setup not applied: replacing needs the name "
			    "typed");
		return;
	}
	d->iask++;
	view_setup_next_ask(v);
}

/* Asks for the next REPLACE step's name typed, then the confirmation. */
static void
view_setup_next_ask(struct view *v)
{
	struct view_setup *d = v->data;
	const struct setup_step *st;
	char title[300];

	if (d->iask >= d->nask ||
	    (st = view_setup_step(d, d->ask[d->iask])) == NULL) {
		view_setup_confirm(v);
		return;
	}
	snprintf(view_setup_expect, sizeof view_setup_expect, "%s", st->object);
	snprintf(title, sizeof title, "replace %s", st->object);
	dialog_editor(v, title,
	    "destructive: type the object's name, then Ctrl-S; Esc cancels", "",
	    "next", view_setup_validate, view_setup_typed, v);
}

/* The REPLACE names typed, then the confirmation. */
static void
view_setup_ask_steps(struct view *v)
{
	struct view_setup *d = v->data;
	const struct setup_plan *p = app_setup_plan(d->app);
	size_t i;

	if (p == NULL)
		return;
	free(d->ask);
	d->ask = xcalloc(p->n + 1, sizeof *d->ask);
	d->nask = d->iask = 0;
	for (i = 0; i < p->n; i++)
		if (p->v[i].status == SETUP_REPLACE)
			d->ask[d->nask++] = i;
	view_setup_next_ask(v);
}

static void
view_setup_denied_done(void *arg, int result, const char *text)
{
	struct view *v = arg;

	(void)text;
	if (result == DIALOG_CONFIRM) {
		app_message(v->app, 1,
		    "setup: applying despite the grants (overridden)");
		view_setup_ask_steps(v);
	} else if (result == DIALOG_CANCEL)
		app_message(v->app, 0,
		    "setup not applied: the roles' grants do not allow "
		    "every step");
}

/* Apply is disabled by the grants: why, and an explicit override. */
static void
view_setup_ask_denied(struct view *v, const struct setup_plan *p, size_t denied)
{
	struct buf msg;
	size_t i, shown = 0;
	char *safe;

	buf_init(&msg);
	buf_printf(&msg,
	    "Apply is disabled: by their grants (SHOW GRANTS) the roles may "
	    "not run %zu step%s:\n",
	    denied, denied == 1 ? "" : "s");
	for (i = 0; i < p->n && shown < 3; i++) {
		if (p->v[i].denied == NULL || !setup_step_runs(&p->v[i]))
			continue;
		buf_printf(&msg, "- %s: %s\n", p->v[i].object, p->v[i].denied);
		shown++;
	}
	if (shown < denied)
		buf_printf(
		    &msg, "(and %zu more: see the steps)\n", denied - shown);
	buf_adds(&msg, "\nGrants can be incomplete (future grants, "
		       "application roles).\ny applies anyway, n cancels");
	safe = sanitize_dup(msg.data, msg.len, SANITIZE_KEEP_NL);
	app_message(v->app, 1,
	    "setup apply is disabled: %zu step%s denied "
	    "by the roles' grants",
	    denied, denied == 1 ? "" : "s");
	dialog_confirm(v, "apply despite the grants?", safe, "apply anyway",
	    view_setup_denied_done, v);
	free(safe);
	buf_free(&msg);
}

static int
view_setup_ask_apply(struct view *v)
{
	struct view_setup *d = v->data;
	const struct setup_plan *p = app_setup_plan(d->app);
	size_t i, run = 0, skip = 0, denied = 0;

	if (app_readonly(v->app)) {
		app_message(v->app, 1,
		    "read-only mode: setup apply is disabled; the plan shows "
		    "what it would do");
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (app_setup_phase(v->app) != APP_SETUP_IDLE) {
		app_message(v->app, 1, "setup: a run is already in progress");
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (p == NULL) {
		app_message(v->app, 1, "setup: no plan yet: press r to probe");
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	setup_plan_counts(p, &run, &skip);
	if (run == 0) {
		app_message(v->app, 0,
		    "setup: everything already exists; nothing to apply");
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	for (i = 0; i < p->n; i++)
		if (p->v[i].denied != NULL && setup_step_runs(&p->v[i]))
			denied++;
	if (denied > 0) {
		view_setup_ask_denied(v, p, denied);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	view_setup_ask_steps(v);
	return VIEW_HANDLED | VIEW_REDRAW;
}

static void
view_setup_focus(struct view *v, int focused)
{
	struct view_setup *d = v->data;

	/* The first visit probes (with sources: never in the view tests). */
	if (focused && app_setup_plan(d->app) == NULL &&
	    app_setup_phase(d->app) == APP_SETUP_IDLE &&
	    app_setup_message(d->app, NULL) == NULL &&
	    app_audit(d->app) != NULL)
		app_setup_probe(d->app, 0);
}

static int
view_setup_key(struct view *v, int key)
{
	struct view_setup *d = v->data;
	enum keymap_action a;
	int r;

	view_setup_sync(d);
	/* The search prompt; then the page's own keys, on either side. */
	if (listtext_action(&d->lt, key, &a) != LISTTEXT_IGNORED)
		return VIEW_HANDLED | VIEW_REDRAW;
	switch (a) {
	case KA_SETUP_APPLY:
		return view_setup_ask_apply(v);
	case KA_RERUN:
		app_setup_probe(v->app, app_setup_replace(v->app));
		return VIEW_HANDLED | VIEW_REDRAW;
	case KA_SETUP_REPLACE:
		if (app_readonly(v->app)) {
			app_message(
			    v->app, 1, "read-only mode: replacing is disabled");
			return VIEW_HANDLED | VIEW_REDRAW;
		}
		app_setup_probe(v->app, !app_setup_replace(v->app));
		return VIEW_HANDLED | VIEW_REDRAW;
	default:
		break;
	}
	/* Enter, Esc and the keys of the list or the step's text. */
	r = listtext_key(&d->lt, key, a);
	if (r & LISTTEXT_MOVED)
		view_setup_text(d);
	return r != LISTTEXT_IGNORED ? VIEW_HANDLED | VIEW_REDRAW
				     : VIEW_IGNORED;
}

static void
view_setup_caption(const struct view *v, char *buf, size_t len)
{
	const struct view_setup *d = v->data;
	const struct setup_plan *p = app_setup_plan(d->app);
	char t[PROMPT_MAX + 96];

	if (d->lt.text_focus)
		snprintf(buf, len, "(%zu steps) step %s", p != NULL ? p->n : 0,
		    textview_status(&d->tv, t, sizeof t));
	else
		snprintf(buf, len, "(%zu steps)", p != NULL ? p->n : 0);
}

static void
view_setup_hint_ctx(const struct view *v, int *ctx, int *widget)
{
	const struct view_setup *d = v->data;

	*ctx = KM_SETUP;
	*widget = d->lt.text_focus ? KM_TEXT : KM_LIST;
}

const struct view_ops view_setup_ops = {
	.name = "setup",
	.title = "Setup",
	.init = view_setup_init,
	.free = view_setup_free,
	.stale = view_setup_stale,
	.draw = view_setup_draw,
	.key = view_setup_key,
	.focus = view_setup_focus,
	.caption = view_setup_caption,
	.hint_ctx = view_setup_hint_ctx,
	.km_ctx = KM_SETUP,
	.km_widget = KM_LIST,
};
