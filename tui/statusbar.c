/* The status bar. */

#include "statusbar.h"

#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "app.h"
#include "app_sf.h"
#include "app_ops.h"
#include "config.h"
#include "keymap.h"
#include "model.h"
#include "theme.h"
#include "tui_draw.h"

#define STATUSBAR_MAXHINTS 8

char
statusbar_glyph(int st)
{
	switch (st) {
	case SOURCE_OK:
		return '+';
	case SOURCE_CONNECTING:
		return '~';
	case SOURCE_DEGRADED:
		return '!';
	default:
		return 'x';
	}
}

const char *
statusbar_word(int st)
{
	switch (st) {
	case SOURCE_OK:
		return "up";
	case SOURCE_CONNECTING:
		return "connecting";
	case SOURCE_DEGRADED:
		return "degraded";
	case SOURCE_AUTH:
		return "login failed";
	default:
		return "down";
	}
}

static enum theme_slot
statusbar_slot(int st)
{
	switch (st) {
	case SOURCE_OK:
		return THEME_INFO;
	case SOURCE_CONNECTING:
	case SOURCE_DEGRADED:
		return THEME_WARN;
	default:
		return THEME_ERROR;
	}
}

/* Width of the hints, drawn or not. */
static int
statusbar_hints(WINDOW *win, int y, int x, int width,
    const struct keymap_entry **h, size_t n, int draw)
{
	char key[32];
	int used = 0, kw, lw;
	size_t i;

	for (i = 0; i < n; i++) {
		keymap_key_name(h[i]->key, key, sizeof key);
		kw = tui_width(key, strlen(key));
		lw = tui_width(h[i]->hint, strlen(h[i]->hint));
		if (used + 1 + kw + 1 + lw + 1 > width)
			break;
		if (draw) {
			tui_put(win, y, x + used + 1, key, kw, 0,
			    theme_attr(THEME_HINT_KEY));
			tui_put(win, y, x + used + 1 + kw + 1, h[i]->hint, lw,
			    0, theme_attr(THEME_HINT));
		}
		used += 1 + kw + 1 + lw + 1;
	}
	return used;
}

/* Draws " + airflow up · refreshed 3s ago "; returns the cells used. */
static int
statusbar_source(WINDOW *win, int y, int x, int width,
    const struct source_status *src, const char *name)
{
	char left[128], age[32];

	if (width <= 0)
		return 0;
	if (src->state == SOURCE_OK || src->last_ok > 0) {
		tui_fmt_ago(src->last_ok, tui_now(), age, sizeof age);
		snprintf(left, sizeof left, " %c %s %s %s refreshed %s ",
		    statusbar_glyph(src->state), name,
		    statusbar_word(src->state), tui_utf8() ? "\xc2\xb7" : "-",
		    age);
	} else
		snprintf(left, sizeof left, " %c %s %s ",
		    statusbar_glyph(src->state), name,
		    statusbar_word(src->state));
	return tui_put(
	    win, y, x, left, width, 0, theme_attr(statusbar_slot(src->state)));
}

void
statusbar_draw(WINDOW *win, int y, int x, int width, struct app *app,
    enum keymap_ctx ctx, enum keymap_ctx extra)
{
	const struct keymap_entry *hints[STATUSBAR_MAXHINTS];
	struct models *m = app_models(app);
	const struct config *cfg = app_config(app);
	const char *msg;
	int level = 0, used, hw, mw, readonly = app_readonly(app);
	size_t nh, i;
	enum theme_slot ms;

	if (width <= 0)
		return;
	tui_fill(win, y, x, width, theme_attr(THEME_STATUSBAR));
	/* Left: the connection of each source. A new source (Snowflake,
	 * Docker) adds one statusbar_source() call here. */
	used = statusbar_source(win, y, x, width, &m->airflow, "airflow");
	/* Snowflake (app_sf.h): once configured, or told something. */
	if (app_sf(app) != NULL && used < width &&
	    (app_sf_connected(app) || app_sf_status(app)->state != SOURCE_DOWN))
		used += statusbar_source(win, y, x + used, width - used,
		    app_sf_status(app), app_sf_label(app));
	/* Operator panes: the services sources, once the page started them. */
	if ((app_services_sources(app) & 1) && used < width)
		used += statusbar_source(
		    win, y, x + used, width - used, &m->docker, "docker");
	if ((app_services_sources(app) & 2) && used < width)
		used += statusbar_source(win, y, x + used, width - used,
		    app_services_spcs_status(app), "spcs");
	if (cfg != NULL && cfg->insecure > 0 && used < width)
		used += tui_put(win, y, x + used, " INSECURE TLS ",
		    width - used, 0, theme_attr(THEME_BADGE_INSECURE));
	if (readonly && used < width) {
		if (used < width)
			used++;
		used += tui_put(win, y, x + used, " READONLY ", width - used, 0,
		    theme_attr(THEME_BADGE_READONLY));
	}
	if (used >= width)
		return;
	/* Middle: the message, or what is wrong with the connection. */
	msg = app_current_message(app, &level);
	ms = level >= 2 ? THEME_ERROR : level == 1 ? THEME_WARN : THEME_INFO;
	if (msg == NULL && m->airflow.state != SOURCE_OK &&
	    m->airflow.detail != NULL && m->airflow.detail[0] != '\0') {
		msg = m->airflow.detail;
		ms = statusbar_slot(m->airflow.state);
	}
	/* Then what is wrong with Snowflake (app_sf.h). */
	if (msg == NULL && app_sf(app) != NULL && app_sf_connected(app) &&
	    app_sf_status(app)->state != SOURCE_OK &&
	    app_sf_status(app)->state != SOURCE_CONNECTING &&
	    app_sf_status(app)->detail != NULL &&
	    app_sf_status(app)->detail[0] != '\0') {
		msg = app_sf_status(app)->detail;
		ms = statusbar_slot(app_sf_status(app)->state);
	}
	/* Right: hints, unless they would squeeze the message. */
	nh = keymap_hints(ctx, extra, readonly, hints, STATUSBAR_MAXHINTS);
	if (ctx != KM_DIALOG && nh < STATUSBAR_MAXHINTS) {
		const struct keymap_entry *help =
		    keymap_find(KM_GLOBAL, KA_HELP);

		for (i = 0; help != NULL && i < nh; i++) {
			if (hints[i]->key == help->key)
				help = NULL;
		}
		if (help != NULL)
			hints[nh++] = help;
	}
	hw = statusbar_hints(win, y, 0, (width - used) / 2, hints, nh, 0);
	mw = width - used - hw - 1;
	/* A message that does not fit beside the hints wins over them. */
	if (msg != NULL && hw > 0 && tui_width(msg, strlen(msg)) > mw) {
		hw = 0;
		mw = width - used - 1;
	}
	if (msg != NULL && mw > 0)
		tui_put(win, y, x + used + 1, msg, mw, TUI_ELLIPSIS,
		    theme_attr(ms));
	if (hw > 0)
		statusbar_hints(win, y, x + width - hw, hw, hints, nh, 1);
}
