/*
 * Searching a job's output on the jobs page, driven with keys on a
 * headless screen running a real command: Enter puts the keyboard on the
 * output (it no longer runs the job: x does), x then y runs the job with
 * the keyboard left on its output, '/' Enter jumps to the first matching
 * line with the match count, n/N go on and back, a pattern nowhere says
 * "not found"; Esc clears the search, Esc again gives the keyboard back
 * to the list, whose '/' filters the rows. The keys are in the help.
 */

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>
#include <uv.h>

#include "app.h"
#include "app_ops.h"
#include "config.h"
#include "dialog.h"
#include "job.h"
#include "keymap.h"
#include "support_tui.h"
#include "theme.h"
#include "tui_ext.h"
#include "util.h"

/* Two jobs: "counter" prints lines 01..40, "line NN: heartbeat ok"
 * except three checkpoints (12, 30 and 35, in three cases); "other"
 * prints one line. */
static void
js_config(struct config *cfg)
{
	cfg->njobs = 2;
	cfg->jobs = xcalloc(2, sizeof *cfg->jobs);
	cfg->jobs[0].name = xstrdup("counter");
	cfg->jobs[0].command =
	    xstrdup("i=1; while [ $i -le 40 ]; do case $i in "
		    "12) w='Checkpoint saved';; 30) w='checkpoint flushed';; "
		    "35) w='CHECKPOINT failed';; *) w='heartbeat ok';; esac; "
		    "printf 'line %02d: %s\\n' $i \"$w\"; i=$((i+1)); done");
	cfg->jobs[0].shell = 1;
	cfg->jobs[1].name = xstrdup("other");
	cfg->jobs[1].command = xstrdup("echo other-output");
	cfg->jobs[1].shell = 1;
}

/* Fails with the screen when it lacks want. */
static void
js_has(const char *scr, const char *want)
{
	if (strstr(scr, want) == NULL)
		ck_abort_msg("no \"%s\" on the screen:\n%s", want, scr);
}

START_TEST(test_jobs_output_search)
{
	struct fixture f;
	char *scr;
	int row, col;

	fixture_start(&f, 30, 120, 0, NULL);
	js_config(&f.cfg);
	fixture_keys(&f, ":jobs\r");
	ck_assert_str_eq(tui_focused_view(f.t), "jobs");

	/* Enter: the keyboard to the (empty) output, nothing runs; Esc
	 * back. */
	scr = fixture_screen(&f);
	js_has(scr, " output: select a job and press x ");
	free(scr);
	tui_feed_key(f.t, KEYC_ENTER);
	ck_assert(!dialog_active());
	ck_assert_ptr_null(app_job(f.app, 0));
	scr = fixture_screen(&f);
	js_has(scr, " output: select a job and press x ▸ /: search, n/N: "
		    "next/prev match, Esc: list ");
	free(scr);
	tui_feed_key(f.t, KEYC_ESC);
	ck_assert_str_eq(tui_focused_view(f.t), "jobs");

	/* x, y: it runs; the keyboard on its output, which follows. */
	fixture_keys(&f, "x");
	ck_assert(dialog_active());
	fixture_keys(&f, "y");
	fixture_wait_job(&f, 0);
	ck_assert_int_eq(job_state(app_job(f.app, 0)), JOB_EXITED);
	scr = fixture_screen(&f);
	js_has(scr, " output of counter ▸ /: search, n/N: next/prev match, "
		    "Esc: list, x: run again, w: wrap");
	js_has(scr, "41/41 follow");
	js_has(scr, "line 40: heartbeat ok");
	js_has(scr, "[exit 0]");
	ck_assert_ptr_null(strstr(scr, "line 12:"));
	/* The list's selection went inactive. */
	row = fixture_find(scr, "counter ", &col);
	ck_assert_int_ge(row, 0);
	ck_assert(fixture_cell_is(row, col, THEME_SELECTED_INACTIVE));
	free(scr);

	/* '/' and a word in another case: around from the end to 12. */
	fixture_keys(&f, "/checkpoint\r");
	scr = fixture_screen(&f);
	js_has(scr, "12/41 /checkpoint [1/3] - search wrapped");
	row = fixture_find(scr, "line 12: Checkpoint saved", &col);
	ck_assert_int_ge(row, 0);
	ck_assert(fixture_cell_is(row, col + 9, THEME_MATCH));
	ck_assert_ptr_null(strstr(scr, "line 40:"));
	free(scr);

	/* n, n: 30 and 35; N back to 30; N N around to 35. */
	fixture_keys(&f, "n");
	scr = fixture_screen(&f);
	js_has(scr, "30/41 /checkpoint [2/3]");
	ck_assert_ptr_null(strstr(scr, "search wrapped"));
	free(scr);
	fixture_keys(&f, "n");
	scr = fixture_screen(&f);
	js_has(scr, "35/41 /checkpoint [3/3]");
	js_has(scr, "line 35: CHECKPOINT failed");
	free(scr);
	fixture_keys(&f, "N");
	scr = fixture_screen(&f);
	js_has(scr, "30/41 /checkpoint [2/3]");
	free(scr);
	fixture_keys(&f, "NN");
	scr = fixture_screen(&f);
	js_has(scr, "35/41 /checkpoint [3/3] - search wrapped");
	free(scr);

	/* j moves the cursor in the output, not the list. */
	fixture_keys(&f, "j");
	scr = fixture_screen(&f);
	js_has(scr, "36/41 /checkpoint");
	free(scr);

	/* A word nowhere: said, the cursor stays. */
	fixture_keys(&f, "/no such thing\r");
	scr = fixture_screen(&f);
	js_has(scr, "36/41 /no such thing - not found");
	free(scr);

	/* Esc clears the search, Esc again: the keyboard back on the list,
	 * the output still shown; its '/' filters the rows. */
	tui_feed_key(f.t, KEYC_ESC);
	scr = fixture_screen(&f);
	ck_assert_ptr_null(strstr(scr, "no such thing"));
	js_has(scr, "/: search, n/N");
	free(scr);
	tui_feed_key(f.t, KEYC_ESC);
	ck_assert_str_eq(tui_focused_view(f.t), "jobs");
	scr = fixture_screen(&f);
	js_has(
	    scr, " output of counter (Enter: search, x: run again, w: wrap)");
	js_has(scr, "line 36: heartbeat ok");
	row = fixture_find(scr, "counter ", &col);
	ck_assert(fixture_cell_is(row, col, THEME_SELECTED));
	free(scr);
	fixture_keys(&f, "/other\r");
	scr = fixture_screen(&f);
	js_has(scr, "echo other-output");
	ck_assert_ptr_null(strstr(scr, "counter "));
	/* The selection moved to a job that never ran. */
	js_has(scr, " output: select a job and press x ");
	ck_assert_ptr_null(strstr(scr, "heartbeat"));
	free(scr);
	ck_assert_ptr_null(app_job(f.app, 1));
	fixture_stop(&f);
}
END_TEST

/* The help page (generated from the key map) lists the focus keys in the
 * jobs section; Enter no longer runs a job. */
START_TEST(test_jobs_keys_in_help)
{
	struct buf b;
	const char *sec, *end, *p;

	buf_init(&b);
	keymap_help(&b, 0);
	sec = strstr(b.data, "\nJobs\n");
	ck_assert_ptr_nonnull(sec);
	end = strstr(sec + 1, "\n\n");
	ck_assert_ptr_nonnull(end);
	ck_assert_ptr_nonnull(strstr(sec,
	    "  Enter                  keyboard to the job's output below: "
	    "j/k scroll, / search, n/N"));
	ck_assert_ptr_nonnull(strstr(sec,
	    "  Esc                    from the output: clear the search, then "
	    "back to the list"));
	p = strstr(sec, "  x                      run the selected job");
	ck_assert(p != NULL && p < end);
	buf_free(&b);
	ck_assert_int_eq(keymap_lookup(KM_JOBS, KEYC_ENTER), KA_JOB_TEXT);
	ck_assert_int_eq(keymap_lookup(KM_JOBS, KEYC_ESC), KA_JOB_LIST);
	ck_assert_int_eq(keymap_lookup(KM_JOBS, 'x'), KA_JOB_RUN);
	ck_assert_str_eq(keymap_action_name(KA_JOB_TEXT), "job-focus-output");
}
END_TEST

Suite *job_search_suite(void);

Suite *
job_search_suite(void)
{
	Suite *s = suite_create("job_search");
	TCase *tc = tcase_create("job_search");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_jobs_keys_in_help);
	tcase_add_test(tc, test_jobs_output_search);
	suite_add_tcase(s, tc);
	return s;
}
