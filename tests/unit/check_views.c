/*
 * Golden tests of every view: the whole screen, headless, at 200x50 (all
 * panes side by side, the grid below) and 80x24 (one pane under a tab
 * line), from the fixed model of support_tui.c. `make golden` rewrites the
 * files under tests/golden/; review them in the diff.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "dialog.h"
#include "keymap.h"
#include "layout.h"
#include "model.h"
#include "support_tui.h"
#include "theme.h"
#include "tui.h"
#include "tui_ext.h"
#include "util.h"

static const struct {
	const char *name;
	const char *keys;
	const char *focus; /* the view that must have the keys */
} view_cases[] = {
	{ "dags", "", "dags" },
	{ "runs", "2", "runs" },
	{ "tasks", "3", "tasks" },
	{ "xcom", "4", "xcom" },
	{ "xcom_value", "4\r", "xcom" },
	{ "log", "L", "log" },
	{ "grid", "5", "grid" },
	{ "cmdlog", "@", "cmdlog" },
	{ "help", "?", "help" },
};

static void
views_golden(int rows, int cols)
{
	struct fixture f;
	char name[128], *s;
	size_t i;

	for (i = 0; i < nitems(view_cases); i++) {
		fixture_start(&f, rows, cols, 0, NULL);
		fixture_fill(app_models(f.app));
		fixture_keys(&f, view_cases[i].keys);
		s = fixture_screen(&f);
		ck_assert_str_eq(tui_focused_view(f.t), view_cases[i].focus);
		snprintf(name, sizeof name, "view_%s_%dx%d", view_cases[i].name,
		    cols, rows);
		golden_check(name, s);
		free(s);
		fixture_stop(&f);
	}
}

START_TEST(test_views_wide)
{
	views_golden(50, 200);
}
END_TEST

START_TEST(test_views_narrow)
{
	views_golden(24, 80);
}
END_TEST

/* Wide: four panes and the grid at once; narrow: one pane and tabs. */
START_TEST(test_layout_adapts)
{
	struct fixture f;
	char *s, *first;

	fixture_start(&f, 50, 200, 0, NULL);
	fixture_fill(app_models(f.app));
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, " 1 DAGs (4) "));
	ck_assert_ptr_nonnull(strstr(s, " 2 Runs (5) customer_analytics "));
	ck_assert_ptr_nonnull(strstr(s, " 3 Tasks "));
	ck_assert_ptr_nonnull(strstr(s, " 4 XCom (2) "));
	ck_assert_ptr_nonnull(strstr(s, " 5 Grid customer_analytics "));
	free(s);
	tui_resize(f.t, 24, 80);
	s = fixture_screen(&f);
	first = xstrndup(s, strcspn(s, "\n"));
	ck_assert_ptr_nonnull(strstr(first, "1 DAGs"));
	ck_assert_ptr_nonnull(strstr(first, "2 Runs"));
	ck_assert_ptr_null(strstr(s, " 2 Runs (5) customer_analytics"));
	free(first);
	free(s);
	/* Tab and digits move the focus; the pane follows on 80 columns. */
	fixture_keys(&f, "\t");
	ck_assert_int_eq(tui_focus(f.t), LAYOUT_RUNS);
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, " 2 Runs (5) customer_analytics "));
	free(s);
	fixture_keys(&f, "3");
	ck_assert_int_eq(tui_focus(f.t), LAYOUT_TASKS);
	tui_feed_key(f.t, KEYC_LEFT);
	ck_assert_int_eq(tui_focus(f.t), LAYOUT_RUNS);
	tui_feed_key(f.t, KEYC_ESC);
	ck_assert_int_eq(tui_focus(f.t), LAYOUT_DAGS);
	/* Zoom: the focused pane alone, and back. */
	tui_resize(f.t, 50, 200);
	fixture_keys(&f, "+");
	s = fixture_screen(&f);
	ck_assert_ptr_null(strstr(s, " 2 Runs (5) customer_analytics"));
	free(s);
	fixture_keys(&f, "+");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, " 2 Runs (5) customer_analytics"));
	free(s);
	fixture_stop(&f);
}
END_TEST

/* The help page is the key map: every documented action is on it. */
START_TEST(test_help_from_keymap)
{
	struct buf b;
	size_t i;
	char *s;
	struct fixture f;

	buf_init(&b);
	keymap_help(&b, 0);
	buf_addc(&b, '\0');
	for (i = 0; i < keymap_count; i++) {
		/* One line per action and context: its first help text. */
		if (keymap_table[i].help == NULL ||
		    keymap_find(keymap_table[i].ctx, keymap_table[i].action)
			    ->help != keymap_table[i].help)
			continue;
		ck_assert_msg(strstr(b.data, keymap_table[i].help) != NULL,
		    "help misses '%s'", keymap_table[i].help);
	}
	ck_assert_ptr_null(strstr(b.data, "disabled: read-only"));
	buf_free(&b);
	buf_init(&b);
	keymap_help(&b, 1);
	buf_addc(&b, '\0');
	ck_assert_ptr_nonnull(strstr(b.data,
	    "trigger a run (asks first)  [disabled: read-only]"));
	buf_free(&b);
	/* On screen, read-only: the page says so, the hints drop actions. */
	fixture_start(&f, 50, 200, 1, NULL);
	fixture_fill(app_models(f.app));
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "READONLY"));
	ck_assert_ptr_null(strstr(s, "t trigger"));
	free(s);
	fixture_keys(&f, "?/read-only\r");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "[disabled: read-only]"));
	golden_check("view_help_readonly_200x50", s);
	free(s);
	fixture_keys(&f, "q");
	ck_assert_str_eq(tui_focused_view(f.t), "dags");
	fixture_stop(&f);
}
END_TEST

/* Monochrome (NO_COLOR): no colour pairs, a glyph beside every state. */
START_TEST(test_mono_glyphs)
{
	struct fixture f;
	char *s;

	fixture_env();
	setenv("NO_COLOR", "1", 1);
	fixture_start(&f, 50, 200, 0, "mono");
	setenv("NO_COLOR", "1", 1);
	tui_feed_key(f.t, KEYC_CTRL('l'));
	fixture_fill(app_models(f.app));
	s = fixture_screen(&f);
	ck_assert_int_eq(theme_has_colour(), 0);
	ck_assert_ptr_nonnull(strstr(s, "+ success"));
	ck_assert_ptr_nonnull(strstr(s, "x failed"));
	ck_assert_ptr_nonnull(strstr(s, "> running"));
	ck_assert_ptr_nonnull(strstr(s, "! upstream"));
	ck_assert_ptr_nonnull(strstr(s, "r up_for"));
	ck_assert_int_eq(theme_attr(THEME_SELECTED) & A_COLOR, 0);
	ck_assert(theme_attr(THEME_SELECTED) & A_REVERSE);
	golden_check("view_mono_200x50", s);
	free(s);
	fixture_stop(&f);
	unsetenv("NO_COLOR");
}
END_TEST

/* ':' completes view names and aliases and opens the view. */
START_TEST(test_command_line)
{
	struct fixture f;
	char *s;

	fixture_start(&f, 24, 80, 0, NULL);
	fixture_fill(app_models(f.app));
	fixture_keys(&f, ":ta");
	tui_feed_key(f.t, KEYC_TAB);
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, ":tasks"));
	free(s);
	tui_feed_key(f.t, KEYC_ENTER);
	ck_assert_str_eq(tui_focused_view(f.t), "tasks");
	/* Several candidates: the common prefix and the list. */
	fixture_keys(&f, ":c");
	tui_feed_key(f.t, KEYC_TAB);
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "cmdlog"));
	free(s);
	fixture_keys(&f, "mdlog\r");
	ck_assert_str_eq(tui_focused_view(f.t), "cmdlog");
	fixture_keys(&f, "q:l\r");
	ck_assert_str_eq(tui_focused_view(f.t), "log");
	fixture_keys(&f, ":dags /faults\r");
	ck_assert_str_eq(tui_focused_view(f.t), "dags");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "snowdeck_faults"));
	ck_assert_ptr_null(strstr(s, "snowpark_demo"));
	ck_assert_ptr_nonnull(strstr(s, "(1/4 /faults)"));
	free(s);
	/* Ctrl-C quits even while a prompt has the keys. */
	fixture_keys(&f, "/");
	tui_feed_key(f.t, KEYC_CTRL('c'));
	ck_assert(app_quitting(f.app));
	fixture_keys(&f, "\x1b:nonsense\r");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "unknown command 'nonsense'"));
	free(s);
	fixture_stop(&f);
}
END_TEST

/* Actions: a confirmation first; cancel says so; read-only refuses. */
START_TEST(test_action_dialogs)
{
	struct fixture f;
	char *s;

	fixture_start(&f, 50, 200, 0, NULL);
	fixture_fill(app_models(f.app));
	fixture_keys(&f, "t");
	ck_assert(dialog_active());
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "trigger?"));
	ck_assert_ptr_nonnull(strstr(s, "DAG   customer_analytics"));
	ck_assert_ptr_nonnull(strstr(s, "y confirm, n cancel"));
	golden_check("dialog_trigger_200x50", s);
	free(s);
	fixture_keys(&f, "n");
	ck_assert(!dialog_active());
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "trigger cancelled"));
	ck_assert_ptr_null(strstr(s, "y confirm"));
	free(s);
	/* Mark failed on a task: the dialog names run and task. */
	fixture_keys(&f, "3jF");
	ck_assert(dialog_active());
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "mark failed?"));
	ck_assert_ptr_nonnull(strstr(s, "task  enter.create_weaviate_class"));
	free(s);
	/* Confirm without a connection: refused with a reason, once. */
	fixture_keys(&f, "yy");
	ck_assert(!dialog_active());
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "not connected to Airflow yet"));
	free(s);
	/* The conf editor: invalid JSON stays with an error. */
	fixture_keys(&f, "1T");
	ck_assert(dialog_active());
	fixture_keys(&f, "x");
	tui_feed_key(f.t, KEYC_CTRL('s'));
	ck_assert(dialog_active());
	s = fixture_screen(&f);
	golden_check("dialog_conf_editor_200x50", s);
	ck_assert_ptr_nonnull(strstr(s, "trigger with conf"));
	free(s);
	tui_feed_key(f.t, KEYC_ESC);
	ck_assert(!dialog_active());
	fixture_stop(&f);

	fixture_start(&f, 24, 80, 1, NULL);
	fixture_fill(app_models(f.app));
	fixture_keys(&f, "p");
	ck_assert(!dialog_active());
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "read-only mode: pause is disabled"));
	free(s);
	fixture_stop(&f);
}
END_TEST

/* Nothing changed: no repaint; a model change repaints its pane. */
START_TEST(test_render_coalesced)
{
	struct fixture f;
	struct models *m;
	unsigned long n;
	char *s;

	fixture_start(&f, 50, 200, 0, NULL);
	m = app_models(f.app);
	fixture_fill(m);
	s = fixture_screen(&f);
	free(s);
	n = tui_frames(f.t);
	tui_render(f.t);
	tui_render(f.t);
	ck_assert_uint_eq(tui_frames(f.t), n);
	m->dags.v[1].last_state = AF_SUCCESS;
	m->dags.gen++;
	m->dags.gen++;
	tui_render(f.t);
	ck_assert_uint_eq(tui_frames(f.t), n + 1);
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "+ success   snowdeck_faults "));
	free(s);
	fixture_stop(&f);
}
END_TEST

/* The grid: the cursor moves by cell; Enter drills to the detail pane;
 * past the oldest run h moves the focus left. */
START_TEST(test_grid_keys)
{
	struct fixture f;
	char *s;

	fixture_start(&f, 50, 200, 0, NULL);
	fixture_fill(app_models(f.app));
	fixture_keys(&f, "5");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "run_4  enter.check_service_status: "
					"success"));
	free(s);
	fixture_keys(&f, "hj");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(
	    strstr(s, "run_3  structured_data.load: success"));
	free(s);
	fixture_keys(&f, "hhj");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(
	    strstr(s, "run_1  train_sentiment_classifier: upstream_failed"));
	free(s);
	fixture_keys(&f, "h");
	ck_assert_int_ne(tui_focus(f.t), LAYOUT_GRID);
	fixture_keys(&f, "5\r");
	ck_assert_int_eq(tui_focus(f.t), LAYOUT_DETAIL);
	fixture_stop(&f);
}
END_TEST

static double
cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
cmp_us(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The whole frame path with 100,000 runs in the model: a key and a
 * repaint (views, status bar, doupdate) per step, at 200x50. The median
 * must stay under the 5 ms target (thread CPU time; SNOWDECK_TIME_FACTOR
 * under the sanitizers).
 */
START_TEST(test_runs_100k_scrolling)
{
	struct fixture f;
	struct models *m;
	struct af_run r;
	double us[400], t0, k = 1;
	const char *tf = getenv("SNOWDECK_TIME_FACTOR");
	size_t i;

	if (tf != NULL && atof(tf) >= 1)
		k = atof(tf);
	fixture_start(&f, 50, 200, 0, NULL);
	m = app_models(f.app);
	fixture_fill(m);
	for (i = 0; i < 100000; i++) {
		memset(&r, 0, sizeof r);
		r.dag_id = intern("customer_analytics");
		r.run_id = xasprintf("scheduled__%06zu", i);
		r.run_type = intern("scheduled");
		r.state = i % 7 == 0 ? AF_FAILED : AF_SUCCESS;
		r.logical_date = FIXTURE_NOW - 60.0 * (double)i;
		r.start_date = r.logical_date + 5;
		r.end_date = r.start_date + 30;
		af_runs_push(&m->runs, &r);
	}
	m->runs.gen++;
	fixture_keys(&f, "2");
	tui_render(f.t);
	for (i = 0; i < nitems(us); i++) {
		t0 = cpu_us();
		tui_feed_key(f.t, i % 50 == 49 ? KEYC_NPAGE : 'j');
		tui_render(f.t);
		us[i] = cpu_us() - t0;
	}
	qsort(us, nitems(us), sizeof us[0], cmp_us);
	ck_assert_msg(us[nitems(us) / 2] < 5000 * k, "median frame %.0f us",
	    us[nitems(us) / 2]);
	if (getenv("SNOWDECK_BENCH_PRINT") != NULL)
		fprintf(stderr, "runs 100k: median frame %.0f us, p95 %.0f us\n",
		    us[nitems(us) / 2], us[nitems(us) * 95 / 100]);
	fixture_stop(&f);
}
END_TEST

/* SNOWDECK_TIMINGS: the benchmark's lines, written per painted frame. */
START_TEST(test_timings_hook)
{
	struct fixture f;
	char path[] = "/tmp/snowdeck-timings-XXXXXX", line[128];
	FILE *fp;
	int fd, first = 0, all = 0, frames = 0;
	char *s;

	ck_assert_int_ge(fd = mkstemp(path), 0);
	close(fd);
	setenv("SNOWDECK_TIMINGS", path, 1);
	fixture_start(&f, 50, 200, 0, NULL);
	s = fixture_screen(&f); /* no data yet */
	free(s);
	fixture_fill(app_models(f.app));
	s = fixture_screen(&f);
	free(s);
	tui_render(f.t); /* nothing changed: no frame, no line */
	fixture_stop(&f);
	unsetenv("SNOWDECK_TIMINGS");
	ck_assert_ptr_nonnull(fp = fopen(path, "r"));
	while (fgets(line, sizeof line, fp) != NULL) {
		if (strncmp(line, "first_frame_ms ", 15) == 0)
			first++;
		else if (strncmp(line, "all_panes_ms ", 13) == 0)
			all++;
		else if (strncmp(line, "frame_us ", 9) == 0)
			frames++;
		else
			ck_abort_msg("unexpected line '%s'", line);
	}
	fclose(fp);
	unlink(path);
	ck_assert_int_eq(first, 1);
	ck_assert_int_eq(all, 1);
	ck_assert_int_eq(frames, 2);
}
END_TEST

Suite *views_suite(void);

Suite *
views_suite(void)
{
	Suite *s = suite_create("views");
	TCase *tc = tcase_create("views");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_views_wide);
	tcase_add_test(tc, test_views_narrow);
	tcase_add_test(tc, test_layout_adapts);
	tcase_add_test(tc, test_help_from_keymap);
	tcase_add_test(tc, test_mono_glyphs);
	tcase_add_test(tc, test_command_line);
	tcase_add_test(tc, test_action_dialogs);
	tcase_add_test(tc, test_render_coalesced);
	tcase_add_test(tc, test_timings_hook);
	tcase_add_test(tc, test_grid_keys);
	tcase_add_test(tc, test_runs_100k_scrolling);
	suite_add_tcase(s, tc);
	return s;
}
