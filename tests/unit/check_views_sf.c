/*
 * The Snowflake panes (Stages, XCom table) and the XCom bridge in the XCom
 * pane: golden screens at 200x50 and 80x24 from models filled here, the
 * jumps between panes (reference -> stage file -> back; stage file / XCom
 * row -> the task instance that wrote it), masking, and frame times while
 * scrolling 1,000,000 stage files.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "app_sf.h"
#include "keymap.h"
#include "model.h"
#include "model_sf.h"
#include "sf_resources.h"
#include "support_tui.h"
#include "tui.h"
#include "tui_ext.h"
#include "util.h"

#define SF_RUN "manual__2026-12-01T10:00:00+00:00"

static void
sf_fill(struct app *app)
{
	static const struct {
		const char *name, *kind, *url, *comment;
	} stages[] = {
		{ "XCOM_STAGE", "INTERNAL", "", "XCom backend values" },
		{ "RAW_EVENTS", "EXTERNAL", "s3://acme-raw/events/",
		    "landing zone" },
		{ "MODELS", "INTERNAL", "", "" },
	};
	static const struct {
		const char *name;
		uint64_t size;
		const char *md5;
		double age;
	} files[] = {
		{ "customer_analytics/extract/" SF_RUN "/-1/return_value.json",
		    412, "5d41402abc4b2a76b9719d911017c592", 3600 },
		{ "customer_analytics/extract/" SF_RUN "/0/rows.parquet",
		    1048576, "7d793037a0760186574b0282f2f435e7", 3500 },
		{ "customer_analytics/load/" SF_RUN "/-1/return_value.csv",
		    2048, "", 3400 },
		{ "snowpark_demo/train/" SF_RUN "/-1/model.pickle", 734003,
		    "e99a18c428cb38d5f260853678922e03", 600 },
		{ "snowpark_demo/train/" SF_RUN "/-1/return_value.json", 96,
		    "ab56b4d92b40713acc5af89985d4b786", 590 },
		{ "snowpark_demo/train/" SF_RUN "/-1/weights.np", 80000, "",
		    580 },
	};
	struct sf_models *m = app_sf_models(app);
	struct sf_stage st;
	struct sf_xcom_row r;
	size_t i;

	for (i = 0; i < nitems(stages); i++) {
		memset(&st, 0, sizeof st);
		st.name = xstrdup(stages[i].name);
		st.database = xstrdup("DEMO");
		st.schema = xstrdup("XCOM");
		st.kind = xstrdup(stages[i].kind);
		st.url = xstrdup(stages[i].url);
		st.comment = xstrdup(stages[i].comment);
		sf_stages_push(&m->stages, &st);
	}
	m->stages.complete = 1;
	for (i = 0; i < nitems(files); i++)
		sf_files_add(&m->files, files[i].name, strlen(files[i].name),
		    files[i].size, files[i].md5, FIXTURE_NOW - files[i].age);
	m->files.complete = 1;
	m->xcom.table = xstrdup("DEMO.XCOM.XCOM_TABLE");
	for (i = 0; i < 3; i++) {
		memset(&r, 0, sizeof r);
		r.dag_id =
		    xstrdup(i < 2 ? "customer_analytics" : "snowpark_demo");
		r.task_id = xstrdup(i == 0   ? "extract"
				    : i == 1 ? "load"
					     : "train");
		r.run_id = xstrdup(SF_RUN);
		r.multi_index = -1;
		r.key = xstrdup("return_value");
		r.value_type = xstrdup(i == 2 ? "str" : "dict");
		/* Raw secrets: the pane masks what the source did not. */
		r.value = xstrdup(i == 2 ? "\"model trained: 0.93 AUC\""
					 : "{\"rows\": 1200, \"password\": "
					   "\"hunter2\", \"tables\": [\"A\", "
					   "\"B\"]}");
		sf_xcom_rows_push(&m->xcom, &r);
	}
	m->xcom.complete = 1;
	m->gen++;
}

static void
sf_select_run(struct app *app)
{
	struct models *m = app_models(app);

	free(m->sel_run);
	free(m->sel_run_dag);
	m->sel_run_dag = xstrdup("customer_analytics");
	m->sel_run = xstrdup(SF_RUN);
}

static void
sf_preview(struct app *app, const char *path, const char *raw)
{
	struct sf_preview p;
	char *text = sf_preview_render("json", path, raw, strlen(raw), 0);

	memset(&p, 0, sizeof p);
	p.kind = "json";
	p.text = text;
	p.bytes = strlen(raw);
	app_sf_preview_show(app, &p);
	free(text);
}

static const struct {
	const char *name;
	const char *keys;
	const char *focus;
} sf_cases[] = {
	{ "stages", ":stages\r", "stages" },
	{ "stage_files", ":stages\r\r", "stages" },
	{ "stage_filter", ":stages\r\r/train\r", "stages" },
	{ "stage_filter_md5", ":stages\r\r/E99A18\r", "stages" },
	{ "stage_folded", ":stages\r\rjjjz", "stages" },
	{ "stage_all_folded", ":stages\r\rZ", "stages" },
	{ "stage_sorted", ":stages\r\r>>", "stages" },
	{ "stage_preview", ":stages\r\rj\r", "stages" },
	{ "xcomtable", ":xcomtable\r", "xcomtable" },
	{ "xcomtable_value", ":xcomtable\r\r", "xcomtable" },
};

static void
sf_golden(int rows, int cols)
{
	struct fixture f;
	char name[128], *s;
	size_t i;

	for (i = 0; i < nitems(sf_cases); i++) {
		fixture_start(&f, rows, cols, 0, NULL);
		fixture_fill(app_models(f.app));
		sf_fill(f.app);
		sf_select_run(f.app);
		fixture_keys(&f, sf_cases[i].keys);
		if (strcmp(sf_cases[i].name, "stage_preview") == 0)
			sf_preview(f.app,
			    "customer_analytics/extract/" SF_RUN
			    "/-1/return_value.json",
			    "{\"rows\":1200,\"api_token\":\"tok-abc\","
			    "\"tables\":[\"A\",\"B\"]}");
		s = fixture_screen(&f);
		ck_assert_str_eq(tui_focused_view(f.t), sf_cases[i].focus);
		ck_assert_ptr_null(strstr(s, "hunter2"));
		ck_assert_ptr_null(strstr(s, "tok-abc"));
		snprintf(name, sizeof name, "view_%s_%dx%d", sf_cases[i].name,
		    cols, rows);
		golden_check(name, s);
		free(s);
		fixture_stop(&f);
	}
}

START_TEST(test_sf_views_wide)
{
	sf_golden(50, 200);
}
END_TEST

START_TEST(test_sf_views_narrow)
{
	sf_golden(24, 80);
}
END_TEST

/* The preview is the masked, pretty JSON; the caption has the totals. */
START_TEST(test_stage_preview_masked)
{
	struct fixture f;
	char *s;

	fixture_start(&f, 50, 200, 0, NULL);
	sf_fill(f.app);
	fixture_keys(&f, ":stages\r\r");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "@DEMO.XCOM.XCOM_STAGE 6 files"));
	ck_assert_ptr_nonnull(strstr(s, "snowpark_demo/train/" SF_RUN));
	free(s);
	/* Group headers: customer_analytics/extract/RUN has 2 files. */
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "2 files"));
	ck_assert_ptr_nonnull(strstr(s, "0/rows.parquet"));
	free(s);
	/* Enter on a group header folds it; again unfolds; on a file it
	 * previews. */
	fixture_keys(&f, "\r");
	s = fixture_screen(&f);
	ck_assert_ptr_null(strstr(s, "0/rows.parquet"));
	free(s);
	fixture_keys(&f, "\rj\r");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "loading the preview"));
	free(s);
	sf_preview(f.app,
	    "customer_analytics/extract/" SF_RUN "/-1/return_value.json",
	    "{\"password\":\"hunter2\",\"n\":1}");
	s = fixture_screen(&f);
	ck_assert_ptr_null(strstr(s, "hunter2"));
	ck_assert_ptr_nonnull(strstr(s, "\"password\""));
	ck_assert_ptr_nonnull(strstr(s, "\"n\":"));
	free(s);
	/* Esc: back to the files, then the stages. */
	fixture_keys(&f, "\x1b");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "6 files"));
	free(s);
	fixture_keys(&f, "\x1b");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "RAW_EVENTS"));
	free(s);
	fixture_stop(&f);
}
END_TEST

/* T on a stage file and on an XCom row: the task instance that wrote it. */
START_TEST(test_reverse_jumps)
{
	struct fixture f;
	struct models *m;

	fixture_start(&f, 50, 200, 0, NULL);
	m = app_models(f.app);
	fixture_fill(m);
	sf_fill(f.app);
	fixture_keys(&f, ":stages\r\rGT");
	ck_assert_str_eq(tui_focused_view(f.t), "tasks");
	ck_assert_str_eq(m->sel_run_dag, "snowpark_demo");
	ck_assert_str_eq(m->sel_run, SF_RUN);
	ck_assert_str_eq(m->sel_task, "train");
	ck_assert_int_eq(m->sel_map_index, -1);
	/* The XCom table pane, every row ('a'), first row. */
	fixture_keys(&f, ":xcomtable\r");
	ck_assert_str_eq(tui_focused_view(f.t), "xcomtable");
	fixture_keys(&f, "agT");
	ck_assert_str_eq(tui_focused_view(f.t), "tasks");
	ck_assert_str_eq(m->sel_run_dag, "customer_analytics");
	ck_assert_str_eq(m->sel_task, "extract");
	fixture_stop(&f);
}
END_TEST

/*
 * The bridge: f on a value holding references lists them (resolved, or
 * why not); o opens the stage file in the Stages pane with the file
 * selected; Esc comes back to the references, b to the value.
 */
START_TEST(test_bridge_follow_and_back)
{
	static const char value[] =
	    "{\n  \"model\": \"snowflake://acct?&stage=DEMO.XCOM.XCOM_STAGE"
	    "&key=snowpark_demo/train/" SF_RUN "/-1/return_value.json\",\n"
	    "  \"metrics\": \"snowflake://acct?&table=DEMO.XCOM.XCOM_TABLE"
	    "&key=snowpark_demo/train/" SF_RUN "/-1/metrics\"\n}";
	struct fixture f;
	struct models *m;
	char *s;

	fixture_start(&f, 50, 200, 0, NULL);
	m = app_models(f.app);
	fixture_fill(m);
	sf_fill(f.app);
	free(m->sel_task);
	m->sel_task = xstrdup("train");
	af_value_set(&m->value, "return_value", xstrdup(value), 300, 0);
	m->value.gen++;
	fixture_keys(&f, "4\r");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "snowflake://acct"));
	free(s);
	fixture_keys(&f, "f");
	s = fixture_screen(&f);
	golden_check("view_xcom_bridge_200x50", s);
	ck_assert_ptr_nonnull(strstr(s, "-> stage DEMO.XCOM.XCOM_STAGE"));
	ck_assert_ptr_nonnull(strstr(s, "no Snowflake connection"));
	ck_assert_ptr_nonnull(strstr(s, "return_value references"));
	free(s);
	fixture_keys(&f, "o");
	ck_assert_str_eq(tui_focused_view(f.t), "stages");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "@DEMO.XCOM.XCOM_STAGE 6 files"));
	free(s);
	/* The selected file is the referenced one: Enter previews it. */
	fixture_keys(&f, "\r");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(
	    strstr(s, "snowpark_demo/train/" SF_RUN "/-1/return_value.json"));
	free(s);
	fixture_keys(&f, "\x1b\x1b");
	ck_assert_str_eq(tui_focused_view(f.t), "xcom");
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "return_value references"));
	free(s);
	fixture_keys(&f, "b");
	s = fixture_screen(&f);
	ck_assert_ptr_null(strstr(s, "return_value references"));
	ck_assert_ptr_nonnull(strstr(s, "\"metrics\""));
	free(s);
	fixture_stop(&f);
}
END_TEST

/* The status bar names the Snowflake connection once it is known. */
START_TEST(test_statusbar_snowflake)
{
	struct fixture f;
	char *s;

	fixture_start(&f, 50, 200, 0, NULL);
	fixture_fill(app_models(f.app));
	s = fixture_screen(&f);
	ck_assert_ptr_null(strstr(s, "snowflake up"));
	free(s);
	source_set(app_sf_status(f.app), SOURCE_OK, "https://x");
	app_sf_status(f.app)->last_ok = FIXTURE_NOW - 3;
	tui_resize(f.t, 50, 200);
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "snowflake up"));
	free(s);
	source_set(app_sf_status(f.app), SOURCE_DEGRADED, "timeout");
	tui_resize(f.t, 50, 200);
	s = fixture_screen(&f);
	ck_assert_ptr_nonnull(strstr(s, "snowflake degraded"));
	free(s);
	fixture_stop(&f);
}
END_TEST

static double
sf_cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
sf_cmp_us(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * 1,000,000 stage files (fewer under valgrind): a key and a repaint per
 * step at 200x50, the median frame under 5 ms (SNOWDECK_TIME_FACTOR under
 * the sanitizers). Rows arriving while scrolling keep the frames short.
 */
START_TEST(test_stage_files_1m_scrolling)
{
	struct fixture f;
	struct sf_models *m;
	char name[64];
	double us[400], t0, k = 1;
	const char *tf = getenv("SNOWDECK_TIME_FACTOR");
	size_t i, n = 1000000;

	if (tf != NULL && atof(tf) >= 1)
		k = atof(tf);
	if (k >= 100)
		n = 100000;
	fixture_start(&f, 50, 200, 0, NULL);
	fixture_fill(app_models(f.app));
	sf_fill(f.app);
	m = app_sf_models(f.app);
	sf_files_reset(&m->files);
	fixture_keys(&f, ":stages\r\r");
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "dag_%03zu/task/run_%02zu/%zu/v.json",
		    i / 10000, i / 100 % 100, i % 100);
		sf_files_add(&m->files, name, strlen(name), i, NULL,
		    FIXTURE_NOW - (double)i);
		/* The first partition is on screen before the rest. */
		if (i == 999) {
			char *s = fixture_screen(&f);

			ck_assert_ptr_nonnull(strstr(s, "1000 files"));
			ck_assert_ptr_nonnull(strstr(s, "loading"));
			free(s);
		}
	}
	m->files.complete = 1;
	tui_render(f.t);
	for (i = 0; i < nitems(us); i++) {
		t0 = sf_cpu_us();
		tui_feed_key(f.t, i % 50 == 49 ? KEYC_NPAGE : 'j');
		tui_render(f.t);
		us[i] = sf_cpu_us() - t0;
	}
	qsort(us, nitems(us), sizeof us[0], sf_cmp_us);
	ck_assert_msg(us[nitems(us) / 2] < 5000 * k, "median frame %.0f us",
	    us[nitems(us) / 2]);
	if (getenv("SNOWDECK_BENCH_PRINT") != NULL)
		fprintf(stderr,
		    "stage files %zu: median frame %.0f us, p95 %.0f us\n", n,
		    us[nitems(us) / 2], us[nitems(us) * 95 / 100]);
	fixture_stop(&f);
}
END_TEST

Suite *views_sf_suite(void);

Suite *
views_sf_suite(void)
{
	Suite *s = suite_create("views_sf");
	TCase *tc = tcase_create("views_sf");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_sf_views_wide);
	tcase_add_test(tc, test_sf_views_narrow);
	tcase_add_test(tc, test_stage_preview_masked);
	tcase_add_test(tc, test_reverse_jumps);
	tcase_add_test(tc, test_bridge_follow_and_back);
	tcase_add_test(tc, test_statusbar_snowflake);
	tcase_add_test(tc, test_stage_files_1m_scrolling);
	suite_add_tcase(s, tc);
	return s;
}
