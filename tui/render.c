/*
 * Layout and painting. tui_render_frame() runs once per loop turn (the
 * uv_prepare handle): it recomputes the geometry when asked, repaints the
 * panes whose view is dirty or whose models moved (view_stale), the header
 * and the status bar when they changed, the open dialog on top, and then
 * calls doupdate() once. When nothing changed it returns without touching
 * the terminal, so an idle console costs one status-bar repaint a second.
 *
 * Windows: one frame window (border and title) and one inner window (the
 * view's) per shown slot, plus the header and status rows. They belong to
 * this file; views borrow the inner window for one draw call.
 */

#include "tui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "app.h"
#include "dialog.h"
#include "keymap.h"
#include "model.h"
#include "statusbar.h"
#include "tui.h"
#include "tui_draw.h"
#include "tui_ext.h"
#include "util.h"
#include "view.h"

static double render_t0; /* monotonic ms at program start */

static double
render_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Runs before main(): the reference for first_frame_ms. */
static void render_clock_start(void) __attribute__((constructor));
static void
render_clock_start(void)
{
	render_t0 = render_mono_ms();
}

void
tui_timings_open(struct tui *t)
{
	const char *path = getenv("SNOWDECK_TIMINGS");

	if (path == NULL || *path == '\0' || t->timings != NULL)
		return;
	t->timings = fopen(path, "a");
	if (t->timings != NULL)
		setvbuf(t->timings, NULL, _IOFBF, 4096);
}

void
tui_windows_free(struct tui *t)
{
	int s;

	for (s = 0; s < LAYOUT_NSLOTS; s++) {
		if (t->inner[s] != NULL)
			delwin(t->inner[s]);
		if (t->frame[s] != NULL)
			delwin(t->frame[s]);
		t->inner[s] = t->frame[s] = NULL;
	}
	if (t->header != NULL)
		delwin(t->header);
	if (t->status != NULL)
		delwin(t->status);
	t->header = t->status = NULL;
	if (t->timings != NULL) {
		fclose(t->timings);
		t->timings = NULL;
	}
}

void
tui_tick(struct tui *t)
{
	size_t i;
	int s, v;

	t->chrome_dirty = 1;
	for (s = 0; s < LAYOUT_NSLOTS; s++) {
		v = t->slot_view[s];
		if (v < 0 || !layout_visible(&t->lay, s))
			continue;
		if (view_ticks(&t->views[v]))
			t->views[v].flags |= VIEW_DIRTY;
	}
	(void)i;
}

/* The APP_PANE_* bit a slot stands for now. */
static int
render_pane_bit(const struct tui *t, int slot)
{
	switch (slot) {
	case LAYOUT_DAGS:
		return APP_PANE_DAGS;
	case LAYOUT_RUNS:
		return APP_PANE_RUNS;
	case LAYOUT_TASKS:
		return APP_PANE_TASKS;
	case LAYOUT_GRID:
		return APP_PANE_GRID;
	case LAYOUT_DETAIL:
		if (t->docked && t->slot_view[LAYOUT_DETAIL] >= 0)
			return t->views[t->slot_view[LAYOUT_DETAIL]].ops->pane;
		return t->detail_log ? APP_PANE_LOG : APP_PANE_XCOM;
	default:
		return 0;
	}
}

/* Tells the app what is shown, so hidden panes refresh slowly. */
static void
render_visibility(struct tui *t)
{
	int s, vis = 0, foc = 0;

	for (s = 0; s < LAYOUT_NPANES; s++) {
		if (layout_visible(&t->lay, s))
			vis |= render_pane_bit(t, s);
	}
	if (t->page < 0)
		foc = render_pane_bit(t, t->focus);
	/* The runs are polled anyway; a selected run's tasks, XCom and log
	 * are cheap and must be there when their pane is shown. */
	vis |= APP_PANE_DAGS | APP_PANE_RUNS | APP_PANE_TASKS |
	       (t->detail_log ? APP_PANE_LOG : APP_PANE_XCOM);
	if (vis != t->vis_sent || foc != t->foc_sent) {
		t->vis_sent = vis;
		t->foc_sent = foc;
		app_set_visible(t->app, vis, foc);
	}
}

static void
render_layout(struct tui *t)
{
	const struct layout_rect *r;
	int s, flags = 0;

	tui_windows_free(t);
	tui_timings_open(t);
	if (t->page >= 0)
		flags |= LAYOUT_F_PAGE;
	else if (t->zoom)
		flags |= LAYOUT_F_ZOOM;
	layout_compute(&t->lay, LINES, COLS, t->focus, flags);
	if (t->lay.header.h > 0)
		t->header = newwin(1, t->lay.header.w, t->lay.header.y, 0);
	if (t->lay.status.h > 0)
		t->status = newwin(1, t->lay.status.w, t->lay.status.y, 0);
	for (s = 0; s < LAYOUT_NSLOTS; s++) {
		if (!layout_visible(&t->lay, s))
			continue;
		r = &t->lay.slot[s];
		t->frame[s] = newwin(r->h, r->w, r->y, r->x);
		if (r->h > 2 && r->w > 2)
			t->inner[s] =
			    newwin(r->h - 2, r->w - 2, r->y + 1, r->x + 1);
	}
	render_visibility(t);
	t->relayout = 0;
	t->dirty = 1;
}

/* The view shown in a slot, or NULL. */
static struct view *
render_slot_view(struct tui *t, int s)
{
	int v = t->slot_view[s];

	return v >= 0 && (size_t)v < t->nviews ? &t->views[v] : NULL;
}

static void
render_frame_border(struct tui *t, int s, struct view *v)
{
	WINDOW *f = t->frame[s];
	char title[256], cap[192];
	int focused = (v->flags & VIEW_FOCUSED) != 0, w, used;
	attr_t ba, ta;

	ba = theme_attr(focused ? THEME_BORDER_FOCUS : THEME_BORDER);
	ta = theme_attr(focused ? THEME_TITLE_FOCUS : THEME_TITLE);
	tui_box(f, ba);
	view_caption(v, cap, sizeof cap);
	if (s < LAYOUT_NPANES)
		snprintf(title, sizeof title, " %d %s%s%s ", s + 1,
		    v->ops->title, cap[0] != '\0' ? " " : "", cap);
	else
		snprintf(title, sizeof title, " %s%s%s ", v->ops->title,
		    cap[0] != '\0' ? " " : "", cap);
	w = getmaxx(f);
	used = tui_put(f, 0, 1, title, w - 2, TUI_ELLIPSIS, ta);
	(void)used;
	wnoutrefresh(f);
}

static void
render_pane(struct tui *t, int s, struct view *v)
{
	/* The view first: its caption counts what it just drew. */
	if (t->inner[s] != NULL)
		view_draw(v, t->inner[s]);
	else
		v->flags &= ~VIEW_DIRTY;
	render_frame_border(t, s, v);
	if (t->inner[s] != NULL) {
		touchwin(t->inner[s]);
		wnoutrefresh(t->inner[s]);
	}
}

static void
render_header(struct tui *t)
{
	WINDOW *w = t->header;
	struct models *m = app_models(t->app);
	char label[64], crumb[512];
	int s, x, cols = getmaxx(w), n, cw;
	attr_t a;

	tui_fill(w, 0, 0, cols, theme_attr(THEME_TAB));
	x = tui_put(w, 0, 0, " snowdeck ", cols, 0, theme_attr(THEME_BRAND));
	for (s = 0; s < LAYOUT_NPANES && x < cols; s++) {
		if (t->slot_view[s] < 0 && s != LAYOUT_DETAIL)
			continue;
		snprintf(label, sizeof label, " %d %s ", s + 1,
		    layout_slot_title(s));
		if (t->page < 0 && s == t->focus)
			a = theme_attr(THEME_TAB_ACTIVE);
		else if (t->page < 0 && layout_visible(&t->lay, s))
			a = theme_attr(THEME_TAB_VISIBLE);
		else
			a = theme_attr(THEME_TAB);
		x += 1;
		x += tui_put(w, 0, x, label, cols - x, 0, a);
	}
	if (t->page >= 0 && x + 2 < cols) {
		snprintf(
		    label, sizeof label, " %s ", t->views[t->page].ops->title);
		x += 1;
		x += tui_put(
		    w, 0, x, label, cols - x, 0, theme_attr(THEME_TAB_ACTIVE));
	}
	/* The breadcrumb: what the dependent panes show. */
	n = snprintf(crumb, sizeof crumb, "%s%s%s%s%s ",
	    m->sel_dag != NULL ? m->sel_dag : "all DAGs",
	    m->sel_run != NULL ? " > " : "",
	    m->sel_run != NULL ? m->sel_run : "",
	    m->sel_task != NULL ? " > " : "",
	    m->sel_task != NULL ? m->sel_task : "");
	if (n > 0 && cols - x > 12) {
		cw = tui_width(crumb, strlen(crumb));
		if (cw > cols - x - 2)
			cw = cols - x - 2;
		tui_put(w, 0, cols - cw, crumb, cw, TUI_RIGHT | TUI_ELLIPSIS,
		    theme_attr(THEME_CRUMB));
	}
	wnoutrefresh(w);
}

static void
render_status(struct tui *t)
{
	WINDOW *w = t->status;
	struct view *v;
	int cols = getmaxx(w), hw, c, w2;
	enum keymap_ctx ctx = KM_GLOBAL, extra = KM_NCTX;

	if (t->cmd_active) {
		tui_fill(w, 0, 0, cols, theme_attr(THEME_PROMPT));
		hw = t->cmd_hint[0] != '\0'
			 ? tui_width(t->cmd_hint, strlen(t->cmd_hint)) + 2
			 : 0;
		if (hw > cols / 2)
			hw = cols / 2;
		prompt_draw(&t->cmd, w, 0, 0, cols - hw, ":",
		    theme_attr(THEME_PROMPT), theme_attr(THEME_SELECTED));
		if (hw > 0)
			tui_put(w, 0, cols - hw + 1, t->cmd_hint, hw - 1,
			    TUI_ELLIPSIS, theme_attr(THEME_HINT));
		wnoutrefresh(w);
		return;
	}
	if (dialog_active())
		ctx = KM_DIALOG;
	else if ((v = tui_focused(t)) != NULL) {
		c = v->ops->km_ctx;
		w2 = v->ops->km_widget;
		if (v->ops->hint_ctx != NULL)
			v->ops->hint_ctx(v, &c, &w2);
		ctx = (enum keymap_ctx)c;
		extra = (enum keymap_ctx)w2;
	}
	statusbar_draw(w, 0, 0, cols, t->app, ctx, extra);
	wnoutrefresh(w);
}

static void
render_dialog(void)
{
	WINDOW *w;
	int y, x, h, wd;

	dialog_geometry(LINES, COLS, &y, &x, &h, &wd);
	if (h <= 0 || wd <= 0 || (w = newwin(h, wd, y, x)) == NULL)
		return;
	dialog_draw(w);
	wnoutrefresh(w);
	delwin(w);
}

/* The benchmark's lines (SNOWDECK_TIMINGS). */
static void
render_timings(struct tui *t, double start)
{
	struct models *m = app_models(t->app);
	double now = render_mono_ms();

	if (t->timings == NULL)
		return;
	if (!t->timed_first) {
		t->timed_first = 1;
		fprintf(t->timings, "first_frame_ms %.1f\n", now - render_t0);
	}
	if (!t->timed_all && m->dags.n > 0 && m->runs.n > 0 && m->tis.n > 0) {
		t->timed_all = 1;
		fprintf(t->timings, "all_panes_ms %.1f\n", now - render_t0);
	}
	fprintf(t->timings, "frame_us %.0f\n", (now - start) * 1e3);
	fflush(t->timings);
}

void
tui_render_frame(struct tui *t)
{
	struct view *v;
	double start;
	int s, painted = 0, dlg;

	if (t == NULL || t->scr == NULL)
		return;
	start = render_mono_ms();
	dlg = dialog_active();
	if (t->dialog_was && !dlg)
		t->dirty = 1; /* uncover what the dialog hid */
	t->dialog_was = dlg;
	if (t->relayout || (t->header == NULL && t->status == NULL))
		render_layout(t);
	if (app_models(t->app)->airflow.gen != t->source_gen) {
		t->source_gen = app_models(t->app)->airflow.gen;
		t->chrome_dirty = 1;
	}
	for (s = 0; s < LAYOUT_NSLOTS; s++) {
		if (t->frame[s] == NULL || (v = render_slot_view(t, s)) == NULL)
			continue;
		if (t->dirty || (v->flags & VIEW_DIRTY) || view_stale(v)) {
			render_pane(t, s, v);
			painted = 1;
		}
	}
	if (t->header != NULL && (t->dirty || t->chrome_dirty || painted)) {
		render_header(t);
		painted = 1;
	}
	if (t->status != NULL && (t->dirty || t->chrome_dirty)) {
		render_status(t);
		painted = 1;
	}
	if (dlg && painted)
		render_dialog();
	t->dirty = t->chrome_dirty = 0;
	if (!painted)
		return;
	doupdate();
	t->frames++;
	render_timings(t, start);
}

void
tui_render(struct tui *t)
{
	tui_render_frame(t);
}

unsigned long
tui_frames(const struct tui *t)
{
	return t->frames;
}
