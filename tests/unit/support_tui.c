/* Headless screens, a fixed model and golden files for the TUI suites. */

#include "support_tui.h"

#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "app.h"
#include "app_ops.h"
#include "job.h"
#include "model.h"
#include "tui.h"
#include "tui_draw.h"
#include "tui_ext.h"
#include "util.h"

void
fixture_env(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	unsetenv("NO_COLOR");
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		ck_abort_msg("the C.UTF-8 locale is missing (apt-get install "
			     "locales)");
	tui_set_now(FIXTURE_NOW);
}

void
fixture_start(
    struct fixture *f, int rows, int cols, int readonly, const char *theme)
{
	char *cause = NULL;

	fixture_env();
	memset(f, 0, sizeof *f);
	ck_assert_int_eq(uv_loop_init(&f->loop), 0);
	config_init(&f->cfg);
	f->cfg.readonly = readonly;
	config_finish(&f->cfg);
	if (app_create(&f->app, &f->loop, &f->cfg, APP_NO_TUI | APP_NO_SOURCES,
		&cause) != 0)
		ck_abort_msg("app_create: %s", cause);
	if (tui_create_headless(&f->t, f->app, rows, cols, theme, &cause) != 0)
		ck_abort_msg("tui_create_headless: %s", cause);
}

void
fixture_stop(struct fixture *f)
{
	tui_free(f->t);
	/* A test that quit (uv_stop) never ran the loop: clear the stop. */
	uv_run(&f->loop, UV_RUN_NOWAIT);
	app_free(f->app);
	config_free(&f->cfg);
	ck_assert_int_eq(uv_loop_close(&f->loop), 0);
	tui_set_now(0);
}

static char *
fixture_s(const char *s)
{
	return xstrdup(s);
}

void
fixture_fill(struct models *m)
{
	static const struct {
		const char *id, *tags, *schedule;
		int paused;
		enum af_state last;
	} dags[] = {
		{ "customer_analytics", "containers,demo", "@daily", 0,
		    AF_SUCCESS },
		{ "snowdeck_faults", "test", "None", 0, AF_FAILED },
		{ "snowdeck_params", "test", "None", 0, AF_RUNNING },
		{ "snowpark_demo", "demo,snowpark", "0 6 * * *", 1, AF_QUEUED },
	};
	static const struct {
		const char *dag, *run, *type;
		enum af_state st;
		double start, dur; /* seconds before now; run time */
	} runs[] = {
		{ "customer_analytics", "manual__2026-12-01T11:58:00", "manual",
		    AF_RUNNING, 95, -1 },
		{ "customer_analytics", "scheduled__2026-11-30T00:00:00",
		    "scheduled", AF_SUCCESS, 43200, 74 },
		{ "snowdeck_faults", "manual__2026-12-01T10:00:00", "manual",
		    AF_FAILED, 7200, 12 },
		{ "customer_analytics", "scheduled__2026-11-29T00:00:00",
		    "scheduled", AF_FAILED, 129600, 3725 },
		{ "snowpark_demo", "manual__2026-11-28T09:00:00", "manual",
		    AF_QUEUED, 0, -1 },
	};
	static const struct {
		const char *task, *op;
		enum af_state st;
		int map, try_number;
		double dur;
	} tis[] = {
		{ "enter.check_service_status", "PythonOperator", AF_SUCCESS,
		    -1, 1, 0.177 },
		{ "enter.create_weaviate_class", "PythonOperator", AF_SUCCESS,
		    -1, 1, 8.2 },
		{ "structured_data.load", "SnowparkOperator", AF_RUNNING, 0, 2,
		    -1 },
		{ "structured_data.load", "SnowparkOperator", AF_UP_FOR_RETRY,
		    1, 1, 3 },
		{ "train_sentiment_classifier", "DecoratedPython", AF_NONE, -1,
		    0, -1 },
		{ "exit.create_report", "EmptyOperator", AF_UPSTREAM_FAILED, -1,
		    0, -1 },
	};
	static const char *const grid_tasks[] = { "enter.check_service_status",
		"structured_data.load", "train_sentiment_classifier",
		"exit.create_report" };
	static const enum af_state grid_runs[] = { AF_FAILED, AF_SUCCESS,
		AF_SUCCESS, AF_RUNNING };
	static const enum af_state grid_cells[4][4] = {
		{ AF_SUCCESS, AF_SUCCESS, AF_SUCCESS, AF_SUCCESS },
		{ AF_FAILED, AF_SUCCESS, AF_SUCCESS, AF_RUNNING },
		{ AF_UPSTREAM_FAILED, AF_SUCCESS, AF_SKIPPED, AF_NONE },
		{ AF_UPSTREAM_FAILED, AF_SUCCESS, AF_SUCCESS, AF_NONE },
	};
	static const char value[] = "{\n"
				    "  \"weaviate_conn\": {\n"
				    "    \"host\": \"http://weaviate:8081\",\n"
				    "    \"headers\": {\n"
				    "      \"X-OpenAI-Api-Key\": \"***\"\n"
				    "    }\n"
				    "  },\n"
				    "  \"minio_conn\": {\n"
				    "    \"endpoint\": \"minio:9000\",\n"
				    "    \"secret_key\": \"***\"\n"
				    "  },\n"
				    "  \"rows\": [\n"
				    "    1,\n"
				    "    2,\n"
				    "    3\n"
				    "  ],\n"
				    "  \"ok\": true\n"
				    "}\n";
	static const char log[] =
	    "[2026-12-01 11:58:05] INFO - Task started\n"
	    "[2026-12-01 11:58:06] INFO - Connecting to https://acct."
	    "snowflakecomputing.com\n"
	    "[2026-12-01 11:58:07] WARNING - slow warehouse: resuming "
	    "ANALYTICS_WH\n"
	    "[2026-12-01 11:58:09] ERROR - query 01b2 failed: timeout\n"
	    "[2026-12-01 11:58:10] INFO - retrying in 5s\n"
	    "[2026-12-01 11:58:15] INFO - a very long line that goes on and "
	    "on to show wrapping: 0123456789 0123456789 0123456789 "
	    "0123456789 0123456789 0123456789 0123456789 0123456789 end\n"
	    "[2026-12-01 11:58:16] INFO - Task finished\n";
	struct af_dag d;
	struct af_run r;
	struct af_ti t;
	struct af_xcom x;
	struct af_grid *g = &m->grid;
	size_t i, j;

	for (i = 0; i < nitems(dags); i++) {
		memset(&d, 0, sizeof d);
		d.dag_id = fixture_s(dags[i].id);
		d.display_name = fixture_s(dags[i].id);
		d.tags = fixture_s(dags[i].tags);
		d.schedule = fixture_s(dags[i].schedule);
		d.owners = fixture_s("airflow");
		d.paused = dags[i].paused;
		d.last_state = dags[i].last;
		d.next_run = dags[i].paused ? 0 : FIXTURE_NOW + 43200;
		af_dags_push(&m->dags, &d);
	}
	m->dags.complete = 1;
	m->dags.gen++;
	for (i = 0; i < nitems(runs); i++) {
		memset(&r, 0, sizeof r);
		r.dag_id = intern(runs[i].dag);
		r.run_id = fixture_s(runs[i].run);
		r.run_type = intern(runs[i].type);
		r.state = runs[i].st;
		r.logical_date = runs[i].start > 0
				     ? FIXTURE_NOW - runs[i].start - 5
				     : FIXTURE_NOW - 300000;
		if (runs[i].start > 0)
			r.start_date = FIXTURE_NOW - runs[i].start;
		if (runs[i].dur >= 0)
			r.end_date = r.start_date + runs[i].dur;
		af_runs_push(&m->runs, &r);
	}
	m->runs.complete = 1;
	m->runs.gen++;
	for (i = 0; i < nitems(tis); i++) {
		memset(&t, 0, sizeof t);
		t.dag_id = fixture_s("customer_analytics");
		t.run_id = fixture_s(runs[0].run);
		t.task_id = fixture_s(tis[i].task);
		t.operator= fixture_s(tis[i].op);
		t.state = tis[i].st;
		t.map_index = tis[i].map;
		t.try_number = tis[i].try_number;
		t.duration = tis[i].dur;
		if (tis[i].st != AF_NONE && tis[i].st != AF_UPSTREAM_FAILED)
			t.start_date = FIXTURE_NOW - 60;
		if (tis[i].dur >= 0)
			t.end_date = t.start_date + tis[i].dur;
		af_tis_push(&m->tis, &t);
	}
	m->tis.complete = 1;
	m->tis.gen++;
	memset(&x, 0, sizeof x);
	x.key = fixture_s("return_value");
	x.map_index = -1;
	x.timestamp = FIXTURE_NOW - 50;
	af_xcoms_push(&m->xcoms, &x);
	memset(&x, 0, sizeof x);
	x.key = fixture_s("row_count");
	x.map_index = 0;
	x.timestamp = FIXTURE_NOW - 40;
	af_xcoms_push(&m->xcoms, &x);
	m->xcoms.complete = 1;
	m->xcoms.gen++;
	af_value_set(&m->value, "return_value", xstrdup(value), 412, 0);
	m->value.gen++;
	m->log.dag_id = fixture_s("customer_analytics");
	m->log.run_id = fixture_s(runs[0].run);
	m->log.task_id = fixture_s("enter.check_service_status");
	m->log.try_number = 1;
	m->log.map_index = -1;
	af_log_append(&m->log, log, sizeof log - 1);
	m->log.finished = 1;
	m->log.gen++;

	g->dag_id = fixture_s("customer_analytics");
	g->ntasks = nitems(grid_tasks);
	g->nruns = nitems(grid_runs);
	g->task_ids = xcalloc(g->ntasks, sizeof *g->task_ids);
	g->run_ids = xcalloc(g->nruns, sizeof *g->run_ids);
	g->run_states = xcalloc(g->nruns, sizeof *g->run_states);
	g->cells = xcalloc(g->ntasks * g->nruns, sizeof *g->cells);
	for (i = 0; i < g->ntasks; i++)
		g->task_ids[i] = fixture_s(grid_tasks[i]);
	for (j = 0; j < g->nruns; j++) {
		g->run_ids[j] = xasprintf("run_%zu", j + 1);
		g->run_states[j] = grid_runs[j];
		for (i = 0; i < g->ntasks; i++)
			g->cells[i * g->nruns + j] = grid_cells[i][j];
	}
	g->gen++;

	cmdlog_add(&m->cmdlog, "GET", "/api/v2/version", 200, 12);
	cmdlog_add(&m->cmdlog, "GET", "/api/v2/dags?limit=100", 200, 48);
	cmdlog_add(&m->cmdlog, "POST",
	    "/api/v2/dags/customer_analytics/"
	    "dagRuns",
	    409, 30);
	cmdlog_add(&m->cmdlog, "GET", "/api/v2/dags/x/dagRuns", 0, 30000);
	/* Times in the command log are the wall clock: pin them. */
	for (i = 0; i < m->cmdlog.n; i++)
		m->cmdlog.v[i].when = FIXTURE_NOW - 60 + (double)i;

	m->sel_dag = fixture_s("customer_analytics");
	m->sel_run_dag = fixture_s("customer_analytics");
	m->sel_run = fixture_s(runs[0].run);
	m->sel_task = fixture_s("enter.check_service_status");
	m->sel_map_index = -1;
	source_set(&m->airflow, SOURCE_OK, "Airflow 3.1.8 (/api/v2)");
	m->airflow.last_ok = FIXTURE_NOW - 3;
}

void
fixture_keys(struct fixture *f, const char *keys)
{
	const char *p;

	for (p = keys; *p != '\0'; p++)
		tui_feed_key(f->t, (unsigned char)*p);
}

char *
fixture_screen(struct fixture *f)
{
	struct buf b;

	tui_redraw(f->t);
	tui_render(f->t);
	buf_init(&b);
	tui_screen_text(f->t, &b);
	return buf_detach(&b);
}

static char *
golden_read(const char *path)
{
	FILE *fp;
	struct buf b;
	char chunk[4096];
	size_t n;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	buf_addc(&b, '\0');
	return buf_detach(&b);
}

static void
golden_write(const char *path, const char *text)
{
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL)
		ck_abort_msg("cannot write %s", path);
	fputs(text, fp);
	fclose(fp);
}

void
golden_check(const char *name, const char *text)
{
	const char *root = getenv("SNOWDECK_ROOT"), *a, *b;
	char *path, *tmp, *want;
	int line = 1;

	if (root == NULL)
		root = "..";
	path = xasprintf("%s/tests/golden/%s.txt", root, name);
	if (getenv("SNOWDECK_GOLDEN_UPDATE") != NULL) {
		golden_write(path, text);
		free(path);
		return;
	}
	want = golden_read(path);
	if (want != NULL && strcmp(want, text) == 0) {
		free(want);
		free(path);
		return;
	}
	tmp = xasprintf("/tmp/snowdeck-golden-%s.txt", name);
	golden_write(tmp, text);
	if (want == NULL)
		ck_abort_msg("golden file %s is missing (make golden writes "
			     "it; the actual screen is in %s)",
		    path, tmp);
	for (a = want, b = text; *a != '\0' && *a == *b; a++, b++) {
		if (*a == '\n')
			line++;
	}
	ck_abort_msg("screen differs from %s at line %d (actual: %s; "
		     "make golden rewrites the file)",
	    path, line, tmp);
}

int
fixture_find(const char *screen, const char *text, int *col)
{
	const char *p = strstr(screen, text), *q, *bol;
	int row = 0;

	if (p == NULL)
		return -1;
	bol = screen;
	for (q = screen; q < p; q++) {
		if (*q == '\n') {
			row++;
			bol = q + 1;
		}
	}
	*col = 0;
	for (q = bol; q < p; q++) {
		if (((unsigned char)*q & 0xc0) != 0x80)
			(*col)++;
	}
	return row;
}

int
fixture_cell_is(int y, int x, enum theme_slot slot)
{
	cchar_t cc;
	wchar_t wc[CCHARW_MAX + 1];
	attr_t a = 0, t = theme_attr(slot);
	short pair = 0;

	ck_assert_int_ne(mvwin_wch(curscr, y, x, &cc), ERR);
	getcchar(&cc, wc, &a, &pair, NULL);
	return ((a & ~A_COLOR) | COLOR_PAIR(pair)) ==
	       ((t & ~A_COLOR) | COLOR_PAIR(PAIR_NUMBER(t)));
}

void
fixture_wait_job(struct fixture *f, size_t i)
{
	uint64_t until = uv_hrtime() + 10000000000ULL;

	while (app_job(f->app, i) != NULL &&
	       job_state(app_job(f->app, i)) == JOB_RUNNING &&
	       uv_hrtime() < until)
		uv_run(&f->loop, UV_RUN_ONCE);
	ck_assert_ptr_nonnull(app_job(f->app, i));
	ck_assert_int_ne(job_state(app_job(f->app, i)), JOB_RUNNING);
}
