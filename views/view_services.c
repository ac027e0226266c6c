/*
 * The services page (:services, alias :svc): every service the platform
 * runs, wherever it runs, in one list: local compose containers
 * (core/src_docker.c) and SPCS service containers (core/src_spcs.c),
 * with state, health, uptime, restarts, ports or endpoints, CPU, memory
 * and the health probe. The lines above say where each side comes from
 * (or why it is missing) and follow the running action: R restarts the
 * selected service, S stops (SPCS: suspends), U starts (resumes), each
 * after a confirmation; read-only mode refuses, and so does an action
 * this user or role may not run (a refusal learned, or the Snowflake
 * role's grants): the key then says why instead of asking, and the detail
 * lists it. Below, the selected entry in full (image, message, exit code,
 * SPCS DNS name and endpoints), or its container's logs (l, P previous
 * run, f follow).
 *
 * The keyboard is on the list or on the text below (tui/listtext.c, as
 * on the jobs page): Enter (or l, P, f, which open the logs) moves it to
 * the text, whose header then says so; there j/k scroll, '/' searches,
 * n/N go to the next/previous matching line (also in lines that arrived
 * since: a followed log), G follows again; Esc clears the search, then
 * goes back to the list, whose '/' filters the rows.
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
#include "model.h"
#include "sanitize.h"
#include "spcs.h"
#include "svc.h"
#include "textview.h"
#include "theme.h"
#include "tui_draw.h"
#include "util.h"

enum {
	SV_WHERE,
	SV_SERVICE,
	SV_NAME,
	SV_STATE,
	SV_HEALTH,
	SV_UPTIME,
	SV_RESTARTS,
	SV_PORTS,
	SV_CPU,
	SV_MEM,
	SV_PROBE,
	SV_IMAGE
};

static const struct list_column view_services_cols[] = {
	[SV_WHERE] = { .title = "WHERE", .min = 5 },
	[SV_SERVICE] = { .title = "SERVICE", .min = 10, .max = 28, .grow = 1 },
	[SV_NAME] = { .title = "CONTAINER",
	    .min = 10,
	    .max = 40,
	    .grow = 1,
	    .drop = 3 },
	[SV_STATE] = { .title = "STATE", .min = 12 },
	[SV_HEALTH] = { .title = "HEALTH", .min = 9, .drop = 4 },
	[SV_UPTIME] = { .title = "UPTIME", .min = 8, .flags = LIST_RIGHT },
	[SV_RESTARTS] = { .title = "RST",
	    .min = 3,
	    .flags = LIST_RIGHT,
	    .drop = 5 },
	[SV_PORTS] = { .title = "PORTS", .min = 12, .grow = 1, .drop = 2 },
	[SV_CPU] = { .title = "CPU", .min = 6, .flags = LIST_RIGHT, .drop = 6 },
	[SV_MEM] = { .title = "MEM", .min = 8, .flags = LIST_RIGHT, .drop = 6 },
	[SV_PROBE] = { .title = "PROBE", .min = 7 },
	[SV_IMAGE] = { .title = "IMAGE", .min = 12, .grow = 1, .drop = 1 },
};

struct view_services {
	struct app *app;
	struct models *m;
	struct list list;
	struct textview tv;
	struct listtext lt; /* the keyboard on the list or the text */
	uint64_t seen_ops, seen_svcs;
	struct buf text;
	int logs;         /* the text shows the logs: 1 (l), 2 previous (P),
			     3 following (f); 0 the detail */
	uint64_t dropped; /* app_service_logs_dropped() at the last text */
};

struct view_services_ask {
	struct view *v;
	char *id;
	enum app_svc_action act;
};

static const struct svc *
view_services_get(struct view_services *d, size_t row)
{
	return row < d->m->services.n ? &d->m->services.v[row] : NULL;
}

static size_t
view_services_count(void *arg)
{
	struct view_services *d = arg;

	return d->m->services.n;
}

static void
view_services_cell(void *arg, size_t row, int col, char *buf, size_t len)
{
	const struct svc *s = view_services_get(arg, row);
	struct svc_cells c;

	buf[0] = '\0';
	if (s == NULL)
		return;
	svc_cells_format(s, tui_now(), &c);
	switch (col) {
	case SV_WHERE:
		snprintf(
		    buf, len, "%s", s->origin == SVC_SPCS ? "spcs" : "local");
		break;
	case SV_SERVICE:
		snprintf(buf, len, "%s", s->service != NULL ? s->service : "");
		break;
	case SV_NAME:
		if (s->origin == SVC_SPCS)
			snprintf(buf, len, "%s/%s",
			    s->instance != NULL ? s->instance : "-",
			    s->name != NULL ? s->name : "");
		else
			snprintf(
			    buf, len, "%s", s->name != NULL ? s->name : "");
		break;
	case SV_STATE:
		snprintf(buf, len, "%s", c.state);
		break;
	case SV_HEALTH:
		snprintf(buf, len, "%s", c.health);
		break;
	case SV_UPTIME:
		snprintf(buf, len, "%s", c.uptime);
		break;
	case SV_RESTARTS:
		snprintf(buf, len, "%s", c.restarts);
		break;
	case SV_PORTS:
		snprintf(buf, len, "%s", s->ports != NULL ? s->ports : "");
		break;
	case SV_CPU:
		snprintf(buf, len, "%s", c.cpu);
		break;
	case SV_MEM:
		snprintf(buf, len, "%s", c.mem);
		break;
	case SV_PROBE:
		snprintf(buf, len, "%s", c.probe);
		break;
	case SV_IMAGE:
		snprintf(buf, len, "%s", s->image != NULL ? s->image : "");
		break;
	}
}

static int
view_services_state_slot(enum svc_state st)
{
	switch (st) {
	case SVC_RUNNING:
		return THEME_STATE_SUCCESS;
	case SVC_EXITED:
	case SVC_DEAD:
	case SVC_FAILED:
		return THEME_STATE_FAILED;
	case SVC_RESTARTING:
	case SVC_SUSPENDING:
		return THEME_STATE_RESTARTING;
	case SVC_PENDING:
	case SVC_CREATED:
		return THEME_STATE_QUEUED;
	case SVC_PAUSED:
	case SVC_SUSPENDED:
		return THEME_PAUSED;
	default:
		return THEME_STATE_UNKNOWN;
	}
}

static int
view_services_attr(void *arg, size_t row, int col)
{
	const struct svc *s = view_services_get(arg, row);

	if (s == NULL)
		return -1;
	switch (col) {
	case SV_STATE:
		return view_services_state_slot(s->state);
	case SV_HEALTH:
		return s->health == SVC_HEALTH_UNHEALTHY ? THEME_STATE_FAILED
		       : s->health == SVC_HEALTH_HEALTHY ? THEME_STATE_SUCCESS
							 : -1;
	case SV_PROBE:
		return s->probe == SVC_PROBE_FAIL ? THEME_STATE_FAILED
		       : s->probe == SVC_PROBE_OK ? THEME_STATE_SUCCESS
						  : -1;
	}
	return -1;
}

static void
view_services_id(void *arg, size_t row, char *buf, size_t len)
{
	const struct svc *s = view_services_get(arg, row);

	snprintf(buf, len, "%s", s != NULL && s->id != NULL ? s->id : "");
}

static const struct list_ops view_services_list_ops = {
	.count = view_services_count,
	.cell = view_services_cell,
	.attr = view_services_attr,
	.id = view_services_id,
};

static int
view_services_init(struct view *v, struct app *app, char **cause)
{
	struct view_services *d = xcalloc(1, sizeof *d);

	(void)cause;
	d->app = app;
	d->m = app_models(app);
	list_init(&d->list, view_services_cols, (int)nitems(view_services_cols),
	    &view_services_list_ops, d);
	d->list.empty = "no services found yet";
	textview_init(&d->tv, TEXTVIEW_LIVE);
	d->tv.wrap = 1;
	listtext_init(
	    &d->lt, &d->list, &d->tv, KM_SERVICES, KA_SVC_TEXT, KA_SVC_LIST);
	buf_init(&d->text);
	d->seen_ops = d->seen_svcs = (uint64_t)-1;
	v->data = d;
	return 0;
}

static void
view_services_free(struct view *v)
{
	struct view_services *d = v->data;

	dialog_discard_owner(v);
	list_free(&d->list);
	textview_free(&d->tv);
	buf_free(&d->text);
	free(d);
}

/* Gives text (borrowed until the next call) to the detail area. */
static void
view_services_set_text(struct view_services *d, const char *text, size_t len)
{
	textview_set_text(&d->tv, text, len);
}

/*
 * A followed log past its bound dropped its oldest lines: the cursor (on
 * a match, say) stays on its line. tv.lines still indexes the old text.
 */
static void
view_services_dropped(struct view_services *d)
{
	uint64_t now = app_service_logs_dropped(d->app), gone;
	size_t lo = 0, hi = d->tv.nlines, mid;

	gone = now - d->dropped;
	d->dropped = now;
	if (gone == 0 || d->tv.lines == NULL)
		return;
	/* Lines that started before the cut went. */
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((uint64_t)d->tv.lines[mid] < gone)
			lo = mid + 1;
		else
			hi = mid;
	}
	textview_drop(&d->tv, lo);
}

static void view_services_info(struct view_services *);

static void
view_services_text(struct view_services *d)
{
	const char *logs;
	size_t llen;
	int busy;

	if (d->logs) {
		view_services_dropped(d);
		logs = app_service_logs(d->app, &llen, &busy);
		if (logs == NULL) {
			logs = busy ? "reading the logs…\n" : "";
			llen = strlen(logs);
		}
		view_services_set_text(d, logs, llen);
		return;
	}
	view_services_info(d);
}

/*
 * The actions this user or role may not run on s, with the reason: one
 * line per distinct reason, naming the actions it disables.
 */
static void
view_services_disabled(
    struct view_services *d, const struct svc *s, struct buf *out)
{
	static const char *const spcs[] = { "restart", "suspend", "resume" };
	static const char *const local[] = { "restart", "stop", "start" };
	const char *why[5], *verb[5];
	size_t n = 0, i, j;
	int done[5] = { 0, 0, 0, 0, 0 };

	for (i = 0; i < 3; i++) {
		why[n] = app_service_denied(d->app, s, (enum app_svc_action)i);
		verb[n] = s->origin == SVC_SPCS ? spcs[i] : local[i];
		if (why[n] != NULL)
			n++;
	}
	for (i = 0; i < 2 && s->origin == SVC_SPCS; i++) {
		why[n] = app_pool_denied(d->app, s, (int)i);
		verb[n] = i ? "pool-resume" : "pool-suspend";
		if (why[n] != NULL)
			n++;
	}
	for (i = 0; i < n; i++) {
		if (done[i])
			continue;
		buf_printf(out, "disabled %s", verb[i]);
		for (j = i + 1; j < n; j++) {
			if (!done[j] && strcmp(why[i], why[j]) == 0) {
				buf_printf(out, ", %s", verb[j]);
				done[j] = 1;
			}
		}
		buf_printf(out, ": %s\n", why[i]);
	}
}

static void
view_services_info(struct view_services *d)
{
	const struct svc *s = NULL;
	const struct spcs_service *ss;
	struct buf raw;
	size_t row;
	char t[64];

	buf_init(&raw);
	if (list_selected(&d->list, &row) == 0)
		s = view_services_get(d, row);
	if (s != NULL) {
		buf_printf(&raw, "%s %s  %s\n",
		    s->origin == SVC_SPCS ? "SPCS service" : "container",
		    s->service != NULL ? s->service : "",
		    s->name != NULL ? s->name : "");
		buf_printf(
		    &raw, "image    %s\n", s->image != NULL ? s->image : "-");
		buf_printf(&raw, "status   %s%s%s\n",
		    s->status != NULL ? s->status : svc_state_name(s->state),
		    s->message != NULL ? "  message: " : "",
		    s->message != NULL ? s->message : "");
		if (s->started_at > 0) {
			tui_fmt_time(s->started_at, tui_now(), t, sizeof t);
			buf_printf(&raw, "started  %s   restarts %d\n", t,
			    s->restarts);
		}
		if (s->exit_code > 0 ||
		    (s->state == SVC_EXITED && s->exit_code >= 0))
			buf_printf(&raw, "last exit code %d\n", s->exit_code);
		if (s->origin == SVC_SPCS &&
		    (ss = app_spcs_service(d->app, s->service)) != NULL)
			buf_printf(&raw,
			    "service  %s, compute pool %s, instances %d/%d, "
			    "DNS %s\n",
			    ss->status != NULL ? ss->status : "?",
			    ss->pool != NULL ? ss->pool : "?",
			    ss->current_instances, ss->target_instances,
			    ss->dns != NULL ? ss->dns : "-");
		view_services_disabled(d, s, &raw);
		if (s->probe_url != NULL)
			buf_printf(&raw, "probe    %s  %s  %s\n", s->probe_url,
			    svc_probe_name(s->probe),
			    s->probe_detail != NULL ? s->probe_detail : "");
		if (s->ports != NULL && *s->ports != '\0')
			buf_printf(&raw, "%s  %s\n",
			    s->origin == SVC_SPCS ? "endpoints" : "ports   ",
			    s->ports);
	}
	/* Strings in the model are sanitized; mask secrets (presigned
	 * endpoints, tokens in probe URLs) on top. */
	buf_reset(&d->text);
	redact_text_append(&d->text, raw.data != NULL ? raw.data : "", raw.len);
	buf_free(&raw);
	view_services_set_text(d, d->text.data, d->text.len);
}

static void
view_services_sync(struct view_services *d)
{
	uint64_t g = app_ops_gen(d->app);

	if (d->seen_ops != g || d->seen_svcs != d->m->services.gen) {
		d->seen_ops = g;
		d->seen_svcs = d->m->services.gen;
		list_refresh(&d->list);
		view_services_text(d);
	}
}

static int
view_services_stale(const struct view *v)
{
	const struct view_services *d = v->data;

	return d->seen_ops != app_ops_gen(d->app) ||
	       d->seen_svcs != d->m->services.gen;
}

static int
view_services_ticks(const struct view *v)
{
	(void)v;
	return 1; /* uptimes move with the clock */
}

static int
view_services_source_line(WINDOW *win, int y, int w, const char *label,
    const struct source_status *st)
{
	char line[512], *safe;

	if (st == NULL || (st->detail == NULL && st->state == 0))
		return 0;
	snprintf(line, sizeof line, " %s: %s", label,
	    st->detail != NULL ? st->detail : "connecting");
	safe = sanitize_dup(line, strlen(line), 0);
	tui_fill(win, y, 0, w, theme_attr(THEME_DEFAULT));
	tui_put(win, y, 0, safe, w, 0,
	    theme_attr(st->state == SOURCE_OK ? THEME_INFO : THEME_WARN));
	free(safe);
	return 1;
}

static void
view_services_draw(struct view *v, WINDOW *win)
{
	struct view_services *d = v->data;
	static const char *const what[] = { " detail", " logs, last 500 lines",
		" logs of the previous run", " logs, following" };
	static const char *const keys[] = { "l: logs",
		"l: again, i: detail, w: wrap", "i: detail, w: wrap",
		"f: stop, i: detail, w: wrap" };
	int h = getmaxy(win), w = getmaxx(win), y = 0, lh, busy = 0, k;
	const char *miss, *prog;
	char *safe;

	view_services_sync(d);
	y += view_services_source_line(win, y, w, "local", &d->m->docker);
	y += view_services_source_line(
	    win, y, w, "spcs", app_services_spcs_status(d->app));
	if ((miss = app_services_pools(d->app)) != NULL) {
		safe = sanitize_dup(miss, strlen(miss), 0);
		tui_fill(win, y, 0, w, theme_attr(THEME_DEFAULT));
		tui_put(win, y, 1, safe, w - 1, 0, theme_attr(THEME_INFO));
		free(safe);
		y++;
	}
	if ((miss = app_services_missing(d->app)) != NULL) {
		safe = sanitize_dup(miss, strlen(miss), 0);
		tui_fill(win, y, 0, w, theme_attr(THEME_DEFAULT));
		tui_put(win, y, 1, safe, w - 1, 0, theme_attr(THEME_DIM));
		free(safe);
		y++;
	}
	if ((prog = app_service_progress(d->app, &busy)) != NULL) {
		safe = sanitize_dup(prog, strlen(prog), 0);
		tui_fill(win, y, 0, w, theme_attr(THEME_DEFAULT));
		tui_put(win, y, 1, safe, w - 1, 0,
		    theme_attr(busy ? THEME_STATE_RUNNING : THEME_INFO));
		free(safe);
		y++;
	}
	lh = (h - y) * 2 / 3;
	if (lh < 3)
		lh = h - y;
	/* The text's subject and keys below the list. */
	k = d->logs >= 0 && d->logs <= 3 ? d->logs : 0;
	listtext_draw(&d->lt, win, y, lh, h - y, w,
	    (v->flags & VIEW_FOCUSED) != 0, what[k], keys[k]);
}

static const char *
view_services_verb(const struct svc *s, enum app_svc_action act)
{
	static const char *const local[] = { "restart", "stop", "start" };
	static const char *const spcs[] = { "restart", "suspend", "resume" };

	return s->origin == SVC_SPCS ? spcs[act] : local[act];
}

static void
view_services_done(void *arg, int result, const char *text)
{
	struct view_services_ask *a = arg;
	struct view_services *d = a->v->data;
	const struct svc *s;

	(void)text;
	if (result == DIALOG_CONFIRM) {
		s = svcs_find_id(&d->m->services, a->id);
		if (s != NULL)
			app_service_action(a->v->app, s, a->act);
		else
			app_message(a->v->app, 2,
			    "the service went away before it was confirmed");
	} else if (result == DIALOG_CANCEL)
		app_message(a->v->app, 0, "cancelled");
	free(a->id);
	free(a);
}

static int
view_services_ask(struct view *v, enum app_svc_action act)
{
	struct view_services *d = v->data;
	const struct svc *s;
	struct view_services_ask *a;
	struct buf msg;
	const char *why;
	char title[64];
	size_t row;

	if (list_selected(&d->list, &row) != 0 ||
	    (s = view_services_get(d, row)) == NULL)
		return VIEW_HANDLED;
	if (app_readonly(v->app)) {
		app_message(v->app, 1, "read-only mode: %s is disabled",
		    view_services_verb(s, act));
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if ((why = app_service_denied(v->app, s, act)) != NULL) {
		app_message(v->app, 1, "%s %s is disabled: %s",
		    view_services_verb(s, act),
		    s->origin == SVC_SPCS ? s->service : s->name, why);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	buf_init(&msg);
	if (s->origin == SVC_SPCS)
		buf_printf(&msg, "SPCS service  %s (%s)\n%s", s->service,
		    s->project != NULL ? s->project : "",
		    act == APP_SVC_RESTART
			? "suspends it, resumes it and waits for every "
			  "container READY"
			: "every instance of the service");
	else
		buf_printf(&msg, "container  %s (service %s)", s->name,
		    s->service != NULL ? s->service : "-");
	buf_adds(&msg, "\n\ny confirm, n cancel");
	snprintf(title, sizeof title, "%s?", view_services_verb(s, act));
	a = xcalloc(1, sizeof *a);
	a->v = v;
	a->id = xstrdup(s->id);
	a->act = act;
	dialog_confirm(v, title, msg.data, view_services_verb(s, act),
	    view_services_done, a);
	buf_free(&msg);
	return VIEW_HANDLED | VIEW_REDRAW;
}

static void
view_services_pool_done(void *arg, int result, const char *text)
{
	struct view_services_ask *a = arg;
	struct view_services *d = a->v->data;
	const struct svc *s;

	(void)text;
	if (result == DIALOG_CONFIRM) {
		if ((s = svcs_find_id(&d->m->services, a->id)) != NULL)
			app_pool_action(a->v->app, s, (int)a->act);
		else
			app_message(a->v->app, 2,
			    "the service went away before it was confirmed");
	} else if (result == DIALOG_CANCEL)
		app_message(a->v->app, 0, "cancelled");
	free(a->id);
	free(a);
}

/* Suspend (0) or resume (1) the selected SPCS service's compute pool. */
static int
view_services_ask_pool(struct view *v, int on)
{
	struct view_services *d = v->data;
	const struct svc *s;
	const struct spcs_service *ss;
	struct view_services_ask *a;
	const char *why;
	char *msg;
	size_t row;

	if (list_selected(&d->list, &row) != 0 ||
	    (s = view_services_get(d, row)) == NULL)
		return VIEW_HANDLED;
	if (app_readonly(v->app)) {
		app_message(v->app, 1, "read-only mode: pool %s is disabled",
		    on ? "resume" : "suspend");
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (s->origin != SVC_SPCS ||
	    (ss = app_spcs_service(v->app, s->service)) == NULL ||
	    ss->pool == NULL) {
		app_message(v->app, 1,
		    "select an SPCS service: its compute pool is the one");
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if ((why = app_pool_denied(v->app, s, on)) != NULL) {
		app_message(v->app, 1, "pool %s %s is disabled: %s",
		    on ? "resume" : "suspend", ss->pool, why);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	msg = xasprintf("compute pool  %s (runs %s)\n%s\n\ny confirm, n cancel",
	    ss->pool, s->service,
	    on ? "resumes the pool's nodes"
	       : "suspends the pool: its services stop with it");
	a = xcalloc(1, sizeof *a);
	a->v = v;
	a->id = xstrdup(s->id);
	a->act = (enum app_svc_action)on;
	dialog_confirm(v, on ? "resume pool?" : "suspend pool?", msg,
	    on ? "resume" : "suspend", view_services_pool_done, a);
	free(msg);
	return VIEW_HANDLED | VIEW_REDRAW;
}

static void
view_services_focus(struct view *v, int focused)
{
	struct view_services *d = v->data;

	/* Sources start on the first visit (never in the view tests). */
	if (focused && app_audit(d->app) != NULL)
		app_services_start(d->app);
	app_services_visible(d->app, focused);
	/* Hidden: no more log reads. */
	if (!focused && d->logs == 3) {
		app_service_logs_follow(d->app, NULL, 0);
		d->logs = 1;
	}
}

/* Shows the logs of the selected entry (previous run: prev) below, with
 * the keyboard on them. */
static int
view_services_logs(struct view_services *d, int prev)
{
	size_t row;

	if (list_selected(&d->list, &row) == 0 &&
	    app_service_logs_fetch(d->app, view_services_get(d, row), prev) ==
		0) {
		d->logs = prev ? 2 : 1;
		d->lt.text_focus = 1;
		d->dropped = app_service_logs_dropped(d->app);
		textview_reset(&d->tv);
		textview_set_follow(&d->tv, 1);
		view_services_text(d);
	}
	return VIEW_HANDLED | VIEW_REDRAW;
}

/* Back to the selected entry's detail: stops following its logs. */
static void
view_services_detail(struct view_services *d)
{
	if (d->logs)
		app_service_logs_follow(d->app, NULL, 0);
	d->logs = 0;
	textview_reset(&d->tv);
	textview_set_follow(&d->tv, 0);
	view_services_text(d);
}

static int
view_services_follow(struct view_services *d)
{
	size_t row;
	int on = !app_service_logs_following(d->app);

	if (list_selected(&d->list, &row) == 0 &&
	    app_service_logs_follow(d->app, view_services_get(d, row), on) ==
		0 &&
	    on) {
		d->logs = 3;
		d->lt.text_focus = 1;
		d->dropped = app_service_logs_dropped(d->app);
		textview_reset(&d->tv);
		textview_set_follow(&d->tv, 1);
	} else if (!on && d->logs == 3)
		d->logs = 1;
	view_services_text(d);
	return VIEW_HANDLED | VIEW_REDRAW;
}

static int
view_services_key(struct view *v, int key)
{
	struct view_services *d = v->data;
	enum keymap_action a;
	int r;

	view_services_sync(d);
	/* The search prompt; then the page's own keys, on either side. */
	if (listtext_action(&d->lt, key, &a) != LISTTEXT_IGNORED)
		return VIEW_HANDLED | VIEW_REDRAW;
	switch (a) {
	case KA_SVC_RESTART:
		return view_services_ask(v, APP_SVC_RESTART);
	case KA_SVC_STOP:
		return view_services_ask(v, APP_SVC_STOP);
	case KA_SVC_START:
		return view_services_ask(v, APP_SVC_START);
	case KA_SVC_LOGS:
	case KA_SVC_PREV_LOGS:
		return view_services_logs(d, a == KA_SVC_PREV_LOGS);
	case KA_POOL_SUSPEND:
	case KA_POOL_RESUME:
		return view_services_ask_pool(v, a == KA_POOL_RESUME);
	case KA_SVC_FOLLOW:
		return view_services_follow(d);
	case KA_SVC_INFO:
		view_services_detail(d);
		return VIEW_HANDLED | VIEW_REDRAW;
	default:
		break;
	}
	/* Enter, Esc and the keys of the list or the text. */
	r = listtext_key(&d->lt, key, a);
	if (r & LISTTEXT_MOVED) /* The logs were another entry's. */
		view_services_detail(d);
	return r != LISTTEXT_IGNORED ? VIEW_HANDLED | VIEW_REDRAW
				     : VIEW_IGNORED;
}

static void
view_services_caption(const struct view *v, char *buf, size_t len)
{
	const struct view_services *d = v->data;
	char n[PROMPT_MAX + 32], t[PROMPT_MAX + 96];

	if (d->lt.text_focus)
		snprintf(buf, len, "(%s) %s %s",
		    list_status(&d->list, n, sizeof n),
		    d->logs ? "logs" : "detail",
		    textview_status(&d->tv, t, sizeof t));
	else
		snprintf(buf, len, "(%s)", list_status(&d->list, n, sizeof n));
}

static void
view_services_hint_ctx(const struct view *v, int *ctx, int *widget)
{
	const struct view_services *d = v->data;

	*ctx = KM_SERVICES;
	*widget = d->lt.text_focus ? KM_TEXT : KM_LIST;
}

const struct view_ops view_services_ops = {
	.name = "services",
	.alias = "svc",
	.title = "Services",
	.init = view_services_init,
	.free = view_services_free,
	.stale = view_services_stale,
	.draw = view_services_draw,
	.key = view_services_key,
	.focus = view_services_focus,
	.caption = view_services_caption,
	.ticks = view_services_ticks,
	.km_ctx = KM_SERVICES,
	.km_widget = KM_LIST,
	.hint_ctx = view_services_hint_ctx,
};
