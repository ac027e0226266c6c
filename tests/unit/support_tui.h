/*
 * Support for the widget and view suites: an app with no sources and no
 * terminal, a headless screen (curses on /dev/null at a fixed size), a
 * model filled with a fixed, realistic data set, a fixed clock and time
 * zone, and golden-file comparison (SNOWDECK_GOLDEN_UPDATE=1 rewrites the
 * files instead: `make golden`).
 */

#ifndef SNOWDECK_SUPPORT_TUI_H
#define SNOWDECK_SUPPORT_TUI_H

#include <stddef.h>

#include <uv.h>

#include "config.h"
#include "theme.h"

struct app;
struct models;
struct tui;

/* 2026-12-01 12:00:00 UTC: "now" in every golden screen. */
#define FIXTURE_NOW 1796126400.0

struct fixture {
	uv_loop_t loop;
	struct config cfg;
	struct app *app;
	struct tui *t;
};

/* Sets the locale (C.UTF-8), TZ=UTC and the fixed clock. */
void fixture_env(void);

/*
 * Creates the app and a rows x cols headless screen; readonly sets
 * --readonly; theme NULL = "default". Fails the test on error.
 */
void fixture_start(
    struct fixture *, int rows, int cols, int readonly, const char *theme);
void fixture_stop(struct fixture *);

/* Fills the models with the fixed data set (DAGs, runs, tasks, ...). */
void fixture_fill(struct models *);

/* Feeds the keys of a string, one character each. */
void fixture_keys(struct fixture *, const char *keys);

/* Renders and returns the screen text (owned by the caller). */
char *fixture_screen(struct fixture *);

/*
 * Compares text with tests/golden/<name>.txt (under $SNOWDECK_ROOT); on a
 * difference the test fails naming the first differing line, and the
 * actual text is left in /tmp/snowdeck-golden-<name>.txt.
 */
void golden_check(const char *name, const char *text);

/*
 * The screen row holding text (its first occurrence), or -1; *col its
 * first cell, counting one cell per character.
 */
int fixture_find(const char *screen, const char *text, int *col);

/* Whether the screen cell (y, x) is drawn in slot's attributes (colour
 * pair included). */
int fixture_cell_is(int y, int x, enum theme_slot slot);

/* Runs the loop until configured job i is no longer running (10 s at
 * most); fails when it still runs. */
void fixture_wait_job(struct fixture *, size_t i);

#endif
