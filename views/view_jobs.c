/*
 * The jobs page (:jobs): the external commands configured as [jobs.NAME]
 * (core/job.c). The list on top shows each job's state, exit status, start
 * and duration; the text below streams the selected job's output,
 * sanitized and with secrets masked, stderr lines marked. x runs the
 * selected job after a confirmation (read-only mode refuses), the
 * keyboard then on its output; K cancels it (SIGTERM to its process
 * group, then SIGKILL).
 *
 * The keyboard is on the list or on the output below (tui/listtext.c, as
 * on the services page): Enter moves it to the output, whose header then
 * says so; there j/k scroll, '/' searches, n/N go to the next/previous
 * matching line (lines that arrived since too), G follows again; Esc
 * clears the search, then goes back to the list, whose '/' filters the
 * rows. x and K work from either.
 */

#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "app_ops.h"
#include "config.h"
#include "dialog.h"
#include "job.h"
#include "keymap.h"
#include "list.h"
#include "listtext.h"
#include "sanitize.h"
#include "textview.h"
#include "theme.h"
#include "tui_draw.h"
#include "util.h"

enum { JOBS_NAME, JOBS_STATE, JOBS_EXIT, JOBS_STARTED, JOBS_DUR, JOBS_DESC };

static const struct list_column view_jobs_cols[] = {
	[JOBS_NAME] = { .title = "JOB", .min = 8, .max = 24, .grow = 1 },
	[JOBS_STATE] = { .title = "STATE", .min = 11 },
	[JOBS_EXIT] = { .title = "EXIT", .min = 6, .flags = LIST_RIGHT },
	[JOBS_STARTED] = { .title = "STARTED", .min = 8, .drop = 2 },
	[JOBS_DUR] = { .title = "TIME",
	    .min = 6,
	    .drop = 1,
	    .flags = LIST_RIGHT },
	[JOBS_DESC] = { .title = "COMMAND", .min = 16, .grow = 3 },
};

struct view_jobs {
	struct app *app;
	struct list list;
	struct textview tv;
	struct listtext lt; /* the keyboard on the list or the output */
	uint64_t seen;
	size_t shown_job; /* whose output the text holds; -1 none */
	struct buf text;  /* sanitized, redacted output */
};

struct view_jobs_ask {
	struct view *v;
	size_t i;
};

static const char *
view_jobs_state_name(const struct job *j)
{
	if (j == NULL)
		return "- never run";
	switch (job_state(j)) {
	case JOB_RUNNING:
		return tui_utf8() ? "● running" : "* running";
	case JOB_EXITED:
		return job_exit_status(j) == 0 ? "+ done" : "x failed";
	case JOB_FAILED:
		return "x failed";
	case JOB_CANCELLED:
		return "- cancelled";
	}
	return "?";
}

static size_t
view_jobs_count(void *arg)
{
	struct view_jobs *d = arg;

	return app_jobs_count(d->app);
}

static void
view_jobs_cell(void *arg, size_t row, int col, char *buf, size_t len)
{
	struct view_jobs *d = arg;
	const struct config_job *cj = app_job_config(d->app, row);
	const struct job *j = app_job(d->app, row);
	double end;
	char *s;

	buf[0] = '\0';
	if (cj == NULL)
		return;
	switch (col) {
	case JOBS_NAME:
		s = sanitize_dup(cj->name, strlen(cj->name), 0);
		snprintf(buf, len, "%s", s);
		free(s);
		break;
	case JOBS_STATE:
		snprintf(buf, len, "%s", view_jobs_state_name(j));
		break;
	case JOBS_EXIT:
		if (j == NULL || job_state(j) == JOB_RUNNING)
			break;
		if (job_term_signal(j) > 0)
			snprintf(buf, len, "sig %d", job_term_signal(j));
		else
			snprintf(
			    buf, len, "%lld", (long long)job_exit_status(j));
		break;
	case JOBS_STARTED:
		if (j != NULL)
			tui_fmt_time(job_started(j), tui_now(), buf, len);
		break;
	case JOBS_DUR:
		if (j != NULL) {
			end = job_ended(j) > 0 ? job_ended(j) : tui_now();
			tui_fmt_dur(end - job_started(j), buf, len);
		}
		break;
	case JOBS_DESC: {
		struct buf b;
		size_t k;

		buf_init(&b);
		if (j != NULL)
			buf_adds(&b, job_command(j));
		else if (cj->argv != NULL)
			for (k = 0; cj->argv[k] != NULL; k++)
				buf_printf(
				    &b, "%s%s", k ? " " : "", cj->argv[k]);
		else if (cj->command != NULL)
			buf_adds(&b, cj->command);
		if (cj->description != NULL)
			buf_printf(&b, "  (%s)", cj->description);
		s = redact_text_dup(b.data != NULL ? b.data : "");
		buf_free(&b);
		b.data = sanitize_dup(s, strlen(s), 0);
		snprintf(buf, len, "%s", b.data);
		free(b.data);
		free(s);
		break;
	}
	}
}

static int
view_jobs_attr(void *arg, size_t row, int col)
{
	struct view_jobs *d = arg;
	const struct job *j = app_job(d->app, row);

	if (j == NULL || (col != JOBS_STATE && col != JOBS_EXIT))
		return col == JOBS_STATE ? THEME_DIM : -1;
	switch (job_state(j)) {
	case JOB_RUNNING:
		return THEME_STATE_RUNNING;
	case JOB_EXITED:
		return job_exit_status(j) == 0 ? THEME_STATE_SUCCESS
					       : THEME_STATE_FAILED;
	case JOB_FAILED:
		return THEME_STATE_FAILED;
	case JOB_CANCELLED:
		return THEME_WARN;
	}
	return -1;
}

static void
view_jobs_id(void *arg, size_t row, char *buf, size_t len)
{
	struct view_jobs *d = arg;
	const struct config_job *cj = app_job_config(d->app, row);

	snprintf(buf, len, "%s", cj != NULL ? cj->name : "");
}

static const struct list_ops view_jobs_list_ops = {
	.count = view_jobs_count,
	.cell = view_jobs_cell,
	.attr = view_jobs_attr,
	.id = view_jobs_id,
};

static int
view_jobs_init(struct view *v, struct app *app, char **cause)
{
	struct view_jobs *d = xcalloc(1, sizeof *d);

	(void)cause;
	d->app = app;
	list_init(&d->list, view_jobs_cols, (int)nitems(view_jobs_cols),
	    &view_jobs_list_ops, d);
	d->list.empty = "no jobs: add [jobs.NAME] tables with command = "
			"[\"…\"] to config.toml";
	textview_init(&d->tv, TEXTVIEW_LOG | TEXTVIEW_LIVE);
	textview_set_follow(&d->tv, 1);
	listtext_init(
	    &d->lt, &d->list, &d->tv, KM_JOBS, KA_JOB_TEXT, KA_JOB_LIST);
	buf_init(&d->text);
	d->seen = (uint64_t)-1;
	d->shown_job = (size_t)-1;
	v->data = d;
	return 0;
}

static void
view_jobs_free(struct view *v)
{
	struct view_jobs *d = v->data;

	dialog_discard_owner(v);
	list_free(&d->list);
	textview_free(&d->tv);
	buf_free(&d->text);
	free(d);
}

/* Rebuilds the output text of the selected job. */
static void
view_jobs_text(struct view_jobs *d)
{
	const struct job *j;
	const struct job_line *l;
	struct buf red;
	size_t row = 0, i, n;

	buf_reset(&d->text);
	if (list_selected(&d->list, &row) != 0 ||
	    (j = app_job(d->app, row)) == NULL) {
		if (d->shown_job != (size_t)-1)
			textview_reset(&d->tv);
		d->shown_job = (size_t)-1;
		textview_set(&d->tv, "", 0, NULL, 0);
		return;
	}
	if (d->shown_job != row)
		textview_reset(&d->tv);
	d->shown_job = row;
	buf_init(&red);
	if (job_dropped(j) > 0) {
		buf_printf(&d->text, "[%llu earlier lines dropped]\n",
		    (unsigned long long)job_dropped(j));
	}
	n = job_nlines(j);
	for (i = 0; i < n; i++) {
		l = job_line(j, i);
		buf_reset(&red);
		redact_text_append(&red, l->text, l->len);
		if (l->stream == JOB_STDERR)
			buf_adds(&d->text, "! ");
		sanitize_append(
		    &d->text, red.data != NULL ? red.data : "", red.len, 0);
		buf_addc(&d->text, '\n');
	}
	buf_free(&red);
	if (job_state(j) != JOB_RUNNING) {
		if (job_term_signal(j) > 0)
			buf_printf(&d->text, "[%s by signal %d]\n",
			    job_state(j) == JOB_CANCELLED ? "cancelled"
							  : "ended",
			    job_term_signal(j));
		else
			buf_printf(&d->text, "[exit %lld]\n",
			    (long long)job_exit_status(j));
	}
	textview_set_text(&d->tv, d->text.data, d->text.len);
}

static void
view_jobs_sync(struct view_jobs *d)
{
	uint64_t gen = app_ops_gen(d->app);

	if (d->seen != gen) {
		d->seen = gen;
		list_refresh(&d->list);
		view_jobs_text(d);
	}
}

static int
view_jobs_stale(const struct view *v)
{
	const struct view_jobs *d = v->data;

	return d->seen != app_ops_gen(d->app);
}

static int
view_jobs_ticks(const struct view *v)
{
	const struct view_jobs *d = v->data;
	size_t i;

	for (i = 0; i < app_jobs_count(d->app); i++)
		if (app_job(d->app, i) != NULL &&
		    job_state(app_job(d->app, i)) == JOB_RUNNING)
			return 1;
	return 0;
}

static void
view_jobs_draw(struct view *v, WINDOW *win)
{
	struct view_jobs *d = v->data;
	const struct job *j;
	int h = getmaxy(win), w = getmaxx(win), top;
	size_t n = app_jobs_count(d->app);
	char name[LIST_CELL], buf[LIST_CELL + 16];
	const char *what = " output: select a job and press x", *keys = NULL;

	view_jobs_sync(d);
	top = (int)n + 3;
	if (top < 5)
		top = 5;
	if (top > h / 2)
		top = h / 2;
	if (d->shown_job != (size_t)-1 &&
	    (j = app_job(d->app, d->shown_job)) != NULL) {
		view_jobs_cell(d, d->shown_job, JOBS_NAME, name, sizeof name);
		snprintf(buf, sizeof buf, " output of %s", name);
		what = buf;
		keys = job_state(j) == JOB_RUNNING ? "K: cancel, w: wrap"
						   : "x: run again, w: wrap";
	}
	listtext_draw(&d->lt, win, 0, top, h, w, (v->flags & VIEW_FOCUSED) != 0,
	    what, keys);
}

static void
view_jobs_done(void *arg, int result, const char *text)
{
	struct view_jobs_ask *a = arg;
	struct view_jobs *d = a->v->data;

	(void)text;
	if (result == DIALOG_CONFIRM) {
		/* The keyboard to the output, which follows the new run. */
		if (app_job_run(a->v->app, a->i) == 0) {
			d->lt.text_focus = 1;
			textview_reset(&d->tv);
			textview_set_follow(&d->tv, 1);
		}
	} else if (result == DIALOG_CANCEL)
		app_message(a->v->app, 0, "cancelled");
	free(a);
}

static int
view_jobs_ask(struct view *v, size_t row)
{
	const struct config_job *cj = app_job_config(v->app, row);
	struct view_jobs_ask *a;
	struct buf msg;
	char cmd[LIST_CELL], *name;

	if (cj == NULL)
		return VIEW_HANDLED;
	if (app_readonly(v->app)) {
		app_message(
		    v->app, 1, "read-only mode: running jobs is disabled");
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	view_jobs_cell(v->data, row, JOBS_DESC, cmd, sizeof cmd);
	name = sanitize_dup(cj->name, strlen(cj->name), 0);
	buf_init(&msg);
	buf_printf(
	    &msg, "job      %s\ncommand  %s\n\ny confirm, n cancel", name, cmd);
	a = xcalloc(1, sizeof *a);
	a->v = v;
	a->i = row;
	dialog_confirm(v, "Run job?", msg.data, "Run", view_jobs_done, a);
	buf_free(&msg);
	free(name);
	return VIEW_HANDLED | VIEW_REDRAW;
}

static int
view_jobs_key(struct view *v, int key)
{
	struct view_jobs *d = v->data;
	enum keymap_action a;
	size_t row;
	int r;

	view_jobs_sync(d);
	/* The search prompt; then the page's own keys, on either side. */
	if (listtext_action(&d->lt, key, &a) != LISTTEXT_IGNORED)
		return VIEW_HANDLED | VIEW_REDRAW;
	switch (a) {
	case KA_JOB_RUN:
		if (list_selected(&d->list, &row) == 0)
			return view_jobs_ask(v, row);
		return VIEW_HANDLED;
	case KA_JOB_CANCEL:
		if (list_selected(&d->list, &row) == 0)
			app_job_cancel(v->app, row);
		return VIEW_HANDLED | VIEW_REDRAW;
	default:
		break;
	}
	/* Enter, Esc and the keys of the list or the output. */
	r = listtext_key(&d->lt, key, a);
	if (r & LISTTEXT_MOVED)
		view_jobs_text(d);
	return r != LISTTEXT_IGNORED ? VIEW_HANDLED | VIEW_REDRAW
				     : VIEW_IGNORED;
}

static void
view_jobs_caption(const struct view *v, char *buf, size_t len)
{
	const struct view_jobs *d = v->data;
	char t[PROMPT_MAX + 96];

	if (d->lt.text_focus)
		snprintf(buf, len, "(%zu configured) output %s",
		    app_jobs_count(d->app),
		    textview_status(&d->tv, t, sizeof t));
	else
		snprintf(buf, len, "(%zu configured)", app_jobs_count(d->app));
}

static void
view_jobs_hint_ctx(const struct view *v, int *ctx, int *widget)
{
	const struct view_jobs *d = v->data;

	*ctx = KM_JOBS;
	*widget = d->lt.text_focus ? KM_TEXT : KM_LIST;
}

const struct view_ops view_jobs_ops = {
	.name = "jobs",
	.title = "Jobs",
	.init = view_jobs_init,
	.free = view_jobs_free,
	.stale = view_jobs_stale,
	.draw = view_jobs_draw,
	.key = view_jobs_key,
	.caption = view_jobs_caption,
	.ticks = view_jobs_ticks,
	.km_ctx = KM_JOBS,
	.km_widget = KM_LIST,
	.hint_ctx = view_jobs_hint_ctx,
};
