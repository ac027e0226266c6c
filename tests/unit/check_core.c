/* Unit tests: Airflow parsers, models, time formatting, config, actions. */

#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "actions.h"
#include "airflow.h"
#include "audit.h"
#include "config.h"
#include "json_airflow.h"
#include "model.h"
#include "timefmt.h"
#include "toml.h"
#include "util.h"

#define LEN(s) (sizeof(s) - 1)

static const char dags_v2[] =
    "{\"dags\":[{\"dag_id\":\"customer_analytics\",\"dag_display_name\":"
    "\"customer_analytics\",\"is_paused\":false,\"is_stale\":false,"
    "\"tags\":[{\"name\":\"demo\",\"dag_id\":\"customer_analytics\"},"
    "{\"name\":\"snowpark\",\"dag_id\":\"customer_analytics\"}],"
    "\"owners\":[\"airflow\"],\"timetable_summary\":null,"
    "\"next_dagrun_logical_date\":\"2025-03-01T00:00:00Z\","
    "\"has_import_errors\":false,\"fileloc\":\"/d/c.py\"},"
    "{\"dag_id\":\"snowpark_demo\",\"is_paused\":true,\"tags\":[],"
    "\"owners\":[],\"timetable_summary\":\"@daily\"},"
    "{\"no_id\":1}, 7],\"total_entries\":3}";

static const char dags_v1[] =
    "{\"dags\":[{\"dag_id\":\"x\",\"is_paused\":false,\"is_active\":true,"
    "\"schedule_interval\":{\"__type\":\"CronExpression\",\"value\":"
    "\"0 * * * *\"},\"tags\":[{\"name\":\"t\"}],\"owners\":[\"a\",\"b\"],"
    "\"next_dagrun\":\"2024-01-01T00:00:00+00:00\"}],\"total_entries\":1}";

START_TEST(test_dags_parse)
{
	struct af_dags d;
	struct af_page p;
	char *cause = NULL;

	memset(&d, 0, sizeof d);
	ck_assert_int_eq(
	    json_af_dags_parse(dags_v2, LEN(dags_v2), &d, &p, &cause), 0);
	ck_assert_uint_eq(p.count, 2);
	ck_assert_uint_eq(p.total, 3);
	ck_assert_int_eq(p.has_total, 1);
	ck_assert_str_eq(d.v[0].dag_id, "customer_analytics");
	ck_assert_str_eq(d.v[0].tags, "demo,snowpark");
	ck_assert_str_eq(d.v[0].schedule, "None");
	ck_assert_int_eq(d.v[0].paused, 0);
	ck_assert(d.v[0].next_run > 1740700000 && d.v[0].next_run < 1740900000);
	ck_assert_int_eq(d.v[1].paused, 1);
	ck_assert_str_eq(d.v[1].schedule, "@daily");
	ck_assert_int_eq(
	    json_af_dags_parse(dags_v1, LEN(dags_v1), &d, &p, &cause), 0);
	ck_assert_str_eq(d.v[2].schedule, "0 * * * *");
	ck_assert_str_eq(d.v[2].owners, "a,b");
	ck_assert_double_eq(d.v[2].next_run, 1704067200.0);
	af_dags_reset(&d);
	/* A total past any integer type clamps (a plain cast is UB). */
	ck_assert_int_eq(json_af_dags_parse("{\"dags\":[],\"total_entries\":"
					    "1e300}",
			     33, &d, &p, &cause),
	    0);
	ck_assert_int_eq(p.has_total, 1);
	ck_assert(p.total == (size_t)LONG_MAX);
	af_dags_reset(&d);
	free(d.v);

	memset(&d, 0, sizeof d);
	ck_assert_int_eq(
	    json_af_dags_parse("{\"dags\":", 8, &d, &p, &cause), -1);
	ck_assert_str_eq(cause, "the server sent malformed JSON");
	free(cause);
	ck_assert_int_eq(json_af_dags_parse("{}", 2, &d, &p, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "\"dags\""));
	free(cause);
	free(d.v);
}
END_TEST

START_TEST(test_runs_parse_sanitizes_and_redacts)
{
	static const char body[] =
	    "{\"dag_runs\":[{\"dag_run_id\":\"manual__2025\\u001b]0;x\\u0007\","
	    "\"dag_id\":\"d\",\"state\":\"running\",\"run_type\":\"manual\","
	    "\"logical_date\":null,\"run_after\":\"2025-01-01T00:00:10.5Z\","
	    "\"start_date\":\"2025-01-01T00:00:11Z\",\"end_date\":null,"
	    "\"conf\":{\"password\":\"hunter2\",\"n\":1}},"
	    "{\"dag_run_id\":\"r2\",\"dag_id\":\"d\",\"state\":\"weird\","
	    "\"execution_date\":\"2024-01-01T00:00:00+00:00\","
	    "\"external_trigger\":true}],\"total_entries\":null}";
	struct af_runs r;
	struct af_page p;

	memset(&r, 0, sizeof r);
	ck_assert_int_eq(json_af_runs_parse(body, LEN(body), &r, &p, NULL), 0);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_int_eq(p.has_total, 0);
	/* The OSC sequence is gone, the text around it kept. */
	ck_assert_ptr_null(strchr(r.v[0].run_id, '\033'));
	ck_assert_ptr_null(strchr(r.v[0].run_id, '\a'));
	ck_assert_str_eq(r.v[0].run_id, "manual__2025");
	ck_assert_int_eq(r.v[0].state, AF_RUNNING);
	ck_assert_double_eq(r.v[0].run_after, 1735689610.5);
	ck_assert_ptr_null(strstr(r.v[0].conf, "hunter2"));
	ck_assert_ptr_nonnull(strstr(r.v[0].conf, "\"n\":1"));
	ck_assert_int_eq(r.v[1].state, AF_UNKNOWN);
	ck_assert_str_eq(r.v[1].run_type, "manual");
	ck_assert_double_eq(r.v[1].logical_date, 1704067200.0);
	ck_assert_double_eq(r.v[1].run_after, 1704067200.0);
	af_runs_reset(&r);
	free(r.v);
}
END_TEST

START_TEST(test_tis_and_xcoms_parse)
{
	static const char tis[] =
	    "{\"task_instances\":[{\"task_id\":\"enter.check_service_status\","
	    "\"dag_id\":\"customer_analytics\",\"dag_run_id\":\"r\","
	    "\"map_index\":-1,\"state\":null,\"try_number\":2,\"max_tries\":3,"
	    "\"operator\":\"_PythonDecoratedOperator\",\"duration\":1.25},"
	    "{\"task_id\":\"m\",\"map_index\":4,\"state\":\"upstream_failed\","
	    "\"operator_name\":\"@task\"}],\"total_entries\":2}";
	static const char xc[] =
	    "{\"xcom_entries\":[{\"key\":\"return_value\",\"map_index\":-1,"
	    "\"timestamp\":\"2025-01-01T00:00:00Z\",\"task_id\":\"t\","
	    "\"dag_id\":\"d\",\"run_id\":\"r\"}],\"total_entries\":1}";
	struct af_tis t;
	struct af_xcoms x;
	struct af_page p;

	memset(&t, 0, sizeof t);
	memset(&x, 0, sizeof x);
	ck_assert_int_eq(json_af_tis_parse(tis, LEN(tis), &t, &p, NULL), 0);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_int_eq(t.v[0].state, AF_NONE);
	ck_assert_int_eq(t.v[0].try_number, 2);
	ck_assert_double_eq(t.v[0].duration, 1.25);
	ck_assert_int_eq(t.v[1].map_index, 4);
	ck_assert_int_eq(t.v[1].state, AF_UPSTREAM_FAILED);
	ck_assert_str_eq(t.v[1].operator, "@task");
	ck_assert_double_eq(t.v[1].duration, -1);
	ck_assert_int_eq(json_af_xcoms_parse(xc, LEN(xc), &x, &p, NULL), 0);
	ck_assert_str_eq(x.v[0].key, "return_value");
	af_tis_reset(&t);
	free(t.v);
	af_xcoms_reset(&x);
	free(x.v);
}
END_TEST

START_TEST(test_xcom_value_render)
{
	static const char body[] =
	    "{\"key\":\"return_value\",\"value\":{\"weaviate_conn\":{"
	    "\"headers\":"
	    "{\"X-OpenAI-Api-Key\":\"sk-test-SECRET123\"}},\"minio_conn\":"
	    "{\"access_key\":\"minioadmin\",\"secret_key\":\"minio-SECRET-"
	    "456\","
	    "\"endpoint\":\"minio:9000\"},\"n\":[1,2.5,true,null],"
	    "\"evil\":\"a\\u001b[31mred\\u001b]52;c;Zm9v\\u0007b\\u202e\"}}";
	struct buf out;
	int trunc;

	buf_init(&out);
	ck_assert_int_eq(json_af_xcom_value_parse(
			     body, LEN(body), 1 << 20, &out, &trunc, NULL),
	    0);
	ck_assert_int_eq(trunc, 0);
	ck_assert_ptr_null(strstr(out.data, "SECRET"));
	ck_assert_ptr_null(strchr(out.data, '\033'));
	ck_assert_ptr_null(strstr(out.data, "\xe2\x80\xae"));
	ck_assert_ptr_nonnull(strstr(out.data, "\"endpoint\": \"minio:9000\""));
	ck_assert_ptr_nonnull(strstr(out.data, "2.5"));
	ck_assert_ptr_nonnull(strstr(out.data, "\"evil\": \"aredb\""));
	buf_free(&out);

	/* A JSON string holding JSON is shown parsed; the cap truncates. */
	buf_init(&out);
	ck_assert_int_eq(
	    json_af_xcom_value_parse("{\"value\":\"[1,2,3,4,5,6,7,8,9,10]\"}",
		34, 12, &out, &trunc, NULL),
	    0);
	ck_assert_int_eq(trunc, 1);
	ck_assert_ptr_nonnull(strstr(out.data, "truncated"));
	buf_free(&out);

	/* Numbers past any integer type print as doubles (a cast is UB). */
	buf_init(&out);
	ck_assert_int_eq(json_af_xcom_value_parse(
			     "{\"value\":[1e300,-1e300,42]}", 27, 1 << 20,
			     &out, &trunc, NULL),
	    0);
	ck_assert_ptr_nonnull(strstr(out.data, "e+300"));
	ck_assert_ptr_nonnull(strstr(out.data, "-1.0000000000000001e+300"));
	ck_assert_ptr_nonnull(strstr(out.data, "42"));
	buf_free(&out);
}
END_TEST

START_TEST(test_log_parse)
{
	static const char v2[] =
	    "{\"content\":[{\"event\":\"::group::Log message source details\","
	    "\"sources\":[\"/l/attempt=1.log\"]},{\"event\":\"::endgroup::\"},"
	    "{\"timestamp\":\"2025-01-01T00:00:00Z\",\"level\":\"info\","
	    "\"event\":\"Hello \\u001b[1mworld\",\"logger\":\"x\",\"n\":2},"
	    "\"plain Bearer abc.def\"],\"continuation_token\":\"tok\"}";
	static const char v1[] = "{\"content\":\"[('host1', \\\"*** "
				 "Found\\\\nline 'two'\\\\x1b[0m\\\")]\","
				 "\"continuation_token\":\"t\"}";
	struct buf out;
	char *tok;

	buf_init(&out);
	ck_assert_int_eq(
	    json_af_log_parse(v2, LEN(v2), 2, 0, &out, &tok, NULL), 0);
	ck_assert_str_eq(tok, "tok");
	free(tok);
	ck_assert_ptr_nonnull(strstr(
	    out.data, "[2025-01-01T00:00:00Z] INFO - Hello world n=2\n"));
	ck_assert_ptr_null(strstr(out.data, "::endgroup::"));
	ck_assert_ptr_null(strstr(out.data, "abc.def"));
	buf_reset(&out);
	ck_assert_int_eq(
	    json_af_log_parse(v1, LEN(v1), 1, 0, &out, &tok, NULL), 0);
	free(tok);
	ck_assert_str_eq(out.data, "*** Found\nline 'two'\n");
	buf_reset(&out);
	ck_assert_int_eq(
	    json_af_log_parse("raw\x1b[2Jtext", 11, 1, 1, &out, &tok, NULL), 0);
	ck_assert_ptr_null(tok);
	ck_assert_str_eq(out.data, "rawtext\n");
	buf_free(&out);
}
END_TEST

START_TEST(test_error_messages)
{
	char *m;

	m = json_af_error_message("{\"detail\":\"Dag with id: x was not "
				  "found\"}",
	    41);
	ck_assert_str_eq(m, "Dag with id: x was not found");
	free(m);
	m = json_af_error_message("{\"type\":\"t\",\"title\":\"DAG not found\","
				  "\"detail\":\"no x\",\"status\":404}",
	    65);
	ck_assert_str_eq(m, "DAG not found: no x");
	free(m);
	m = json_af_error_message(
	    "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\","
	    "\"logical_date\"],\"msg\":\"Field required\"}]}",
	    84);
	ck_assert_str_eq(m, "Field required at [\"body\",\"logical_date\"]");
	free(m);
	m = json_af_error_message("<html>\x1b[31mbad</html>", 21);
	ck_assert_str_eq(m, "an HTML page instead of a JSON error");
	free(m);
	m = json_af_error_message("\n  <!DOCTYPE html><html><head><TITLE>\n"
				  "  Airflow \t 500\n</title>",
	    62);
	ck_assert_str_eq(
	    m, "an HTML page instead of a JSON error (\"Airflow 500\")");
	free(m);
	m = json_af_error_message("not json at all", 15);
	ck_assert_str_eq(m, "not json at all");
	free(m);
}
END_TEST

START_TEST(test_version_token)
{
	char *v, *t, *cause = NULL;

	ck_assert_int_eq(json_af_version_parse("{\"version\":\"3.2.2\","
					       "\"git_version\":null}",
			     38, &v, NULL),
	    0);
	ck_assert_str_eq(v, "3.2.2");
	free(v);
	ck_assert_int_eq(
	    json_af_token_parse("{\"access_token\":\"abc\"}", 22, &t, NULL), 0);
	ck_assert_str_eq(t, "abc");
	free(t);
	ck_assert_int_eq(
	    json_af_token_parse("{\"jwt_token\":\"x\"}", 17, &t, NULL), 0);
	ck_assert_str_eq(t, "x");
	free(t);
	ck_assert_int_eq(json_af_token_parse("{}", 2, &t, &cause), -1);
	ck_assert_ptr_null(t);
	free(cause);
}
END_TEST

START_TEST(test_time)
{
	double t;
	char b[64];

	ck_assert_int_eq(time_parse_iso("2025-01-01T00:00:00Z", &t), 0);
	ck_assert_double_eq(t, 1735689600.0);
	ck_assert_int_eq(time_parse_iso("2025-01-01T02:00:00+02:00", &t), 0);
	ck_assert_double_eq(t, 1735689600.0);
	ck_assert_int_eq(time_parse_iso("2025-01-01 00:00:00.250-0130", &t), 0);
	ck_assert_double_eq(t, 1735689600.25 + 5400);
	ck_assert_int_eq(time_parse_iso("2025-13-01T00:00:00Z", &t), -1);
	ck_assert_int_eq(time_parse_iso("2025-01-01", &t), -1);
	ck_assert_int_eq(time_parse_iso("2025-01-01T00:00:00Zjunk", &t), -1);
	time_format_iso(1735689600, b, sizeof b);
	ck_assert_str_eq(b, "2025-01-01T00:00:00Z");
	time_format_duration(65, b, sizeof b);
	ck_assert_str_eq(b, "1m05s");
	time_format_duration(0.25, b, sizeof b);
	ck_assert_str_eq(b, "250ms");
	time_format_duration(7380, b, sizeof b);
	ck_assert_str_eq(b, "2h03m");
	time_format_duration(-1, b, sizeof b);
	ck_assert_str_eq(b, "-");
	time_format_age(100, 400, b, sizeof b);
	ck_assert_str_eq(b, "5m");
	/* Server numbers out of any integer's range clamp; NaN is unknown. */
	time_format_duration(1e300, b, sizeof b);
	ck_assert_str_eq(b, "11574074074d01h");
	time_format_duration(NAN, b, sizeof b);
	ck_assert_str_eq(b, "-");
	time_format_age(1, 1e300, b, sizeof b);
	ck_assert_str_eq(b, "11574074074d");
	time_format_age(1, NAN, b, sizeof b);
	ck_assert_str_eq(b, "now");
	time_format_iso(1e300, b, sizeof b);
	ck_assert_str_eq(b, "9999-12-31T23:59:59Z");
	time_format_iso(NAN, b, sizeof b);
	ck_assert_str_eq(b, "1970-01-01T00:00:00Z");
	time_format_short(1e300, 1e300, b, sizeof b);
	ck_assert_ptr_nonnull(strstr(b, ":"));
	time_format_short(NAN, 100, b, sizeof b);
	ck_assert_str_eq(b, "-");
	ck_assert_int_eq(dtol_clamp(1e300, -1, 10), 10);
	ck_assert_int_eq(dtol_clamp(-1e300, -1, 10), -1);
	ck_assert_int_eq(dtol_clamp(NAN, -1, 10), -1);
	ck_assert_int_eq(dtol_clamp(7.9, -1, 10), 7);
	ck_assert_int_eq(dtol_clamp(-0.5, -1, 10), 0);
	ck_assert(dtol_clamp(1e19, 0, LONG_MAX) == LONG_MAX);
}
END_TEST

START_TEST(test_models)
{
	struct models m;
	struct af_log *l;
	size_t i;
	char what[32];

	models_init(&m);
	l = &m.log;
	af_log_append(l, "one\ntw", 6);
	af_log_append(l, "o\nthree\n", 8);
	af_log_append(l, "four", 4);
	ck_assert_uint_eq(l->nlines, 4);
	ck_assert_int_eq(strncmp(l->text + l->lines[1], "two\n", 4), 0);
	ck_assert_int_eq(strncmp(l->text + l->lines[3], "four", 4), 0);
	af_value_set(&m.value, "k", xstrdup("{\n  \"a\": 1\n}\n"), 10, 0);
	ck_assert_uint_eq(m.value.nlines, 3);
	for (i = 0; i < CMDLOG_MAX + 5; i++) {
		snprintf(what, sizeof what, "/x/%zu", i);
		cmdlog_add(&m.cmdlog, "GET", what, 200, 1);
	}
	ck_assert_uint_eq(m.cmdlog.n, CMDLOG_MAX);
	snprintf(what, sizeof what, "/x/%d", CMDLOG_MAX + 4);
	ck_assert_str_eq(cmdlog_get(&m.cmdlog, 0)->what, what);
	ck_assert_str_eq(cmdlog_get(&m.cmdlog, CMDLOG_MAX - 1)->what, "/x/5");
	ck_assert_ptr_null(cmdlog_get(&m.cmdlog, CMDLOG_MAX));
	ck_assert_int_eq(af_state_parse("up_for_retry"), AF_UP_FOR_RETRY);
	ck_assert_int_eq(af_state_parse(NULL), AF_NONE);
	ck_assert_str_eq(af_state_name(AF_SUCCESS), "success");
	models_free(&m);
}
END_TEST

START_TEST(test_config_toml)
{
	static const char good[] =
	    "# snowdeck\n[airflow]\nurl = \"http://af:8080\"\n"
	    "username = 'admin'\npassword = \"p\\\"w\" # secret\n"
	    "insecure = true\n\n[ui]\nrefresh_ms = 500\ntheme=\"mono\"\n"
	    "[other]\nurl = \"ignored\"\n";
	struct config c;
	char *cause = NULL;

	config_init(&c);
	ck_assert_int_eq(config_parse_toml(&c, good, LEN(good), 1, &cause), 0);
	ck_assert_str_eq(c.airflow_url, "http://af:8080");
	ck_assert_str_eq(c.airflow_username, "admin");
	ck_assert_str_eq(c.airflow_password, "p\"w");
	ck_assert_int_eq(c.insecure, 1);
	ck_assert_int_eq(c.refresh_ms, 500);
	ck_assert_str_eq(c.theme, "mono");
	/* only_unset keeps what flags already set. */
	ck_assert_int_eq(
	    config_parse_toml(&c, "[ui]\nrefresh_ms = 9\n", 20, 1, &cause), 0);
	ck_assert_int_eq(c.refresh_ms, 500);
	ck_assert_int_eq(
	    config_parse_toml(&c, "[ui]\nrefresh_ms = x\n", 20, 1, &cause), -1);
	ck_assert_str_eq(
	    cause, "TOML line 2: unknown value (strings need quotes)");
	free(cause);
	ck_assert_int_eq(
	    config_parse_toml(&c, "[ui]\nrefresh_ms = \"9\"\n", 22, 0, &cause),
	    -1);
	ck_assert_str_eq(cause, "[ui] refresh_ms must be a whole number");
	free(cause);
	ck_assert_int_eq(
	    config_parse_toml(&c, "[airflow]\nurl = \"open\n", 22, 0, &cause),
	    -1);
	free(cause);
	ck_assert_int_eq(config_parse_toml(&c, "[airflow\n", 9, 0, &cause), -1);
	free(cause);
	config_finish(&c);
	ck_assert_int_eq(c.readonly, 0);
	config_free(&c);
}
END_TEST

START_TEST(test_config_jobs)
{
	static const char toml[] =
	    "[jobs.setup]\ncommand = [\"python\", 'include/utils/setup_"
	    "snowflake.py', \"--conn_id\", \"snowflake_default\"]\n"
	    "cwd = \"/usr/local/airflow\"\ndescription = \"seed setup\"\n"
	    "[jobs.restart]\ncommand = \"astro dev restart && echo ok\"\n"
	    "shell = true\n[jobs.\"odd name\"]\ncommand = [\"true\"]\n";
	const struct config_job *j;
	struct config c;
	char *cause = NULL, **argv;

	config_init(&c);
	ck_assert_int_eq(config_parse_toml(&c, toml, LEN(toml), 0, &cause), 0);
	ck_assert_uint_eq(c.njobs, 3);
	j = config_job_find(&c, "setup");
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(j->argv[0], "python");
	ck_assert_str_eq(j->argv[1], "include/utils/setup_snowflake.py");
	ck_assert_str_eq(j->argv[3], "snowflake_default");
	ck_assert_ptr_null(j->argv[4]);
	ck_assert_str_eq(j->cwd, "/usr/local/airflow");
	ck_assert_int_eq(j->shell, -1);
	j = config_job_find(&c, "restart");
	ck_assert_str_eq(j->command, "astro dev restart && echo ok");
	ck_assert_int_eq(j->shell, 1);
	ck_assert_ptr_nonnull(config_job_find(&c, "odd name"));
	ck_assert_ptr_null(config_job_find(&c, "nope"));
	config_free(&c);

	config_init(&c);
	ck_assert_int_eq(config_parse_toml(
			     &c, "[jobs.x]\ncommand = [1, 2]\n", 27, 0, &cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "array of strings"));
	free(cause);
	config_free(&c);
	ck_assert_int_eq(toml_string_array("[]", &argv, &cause), -1);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(toml_string_array("[\"a\\u001b\\\"b\", # c\n 'c\\d',]",
			     &argv, &cause),
	    0);
	ck_assert_str_eq(argv[0], "a\033\"b");
	ck_assert_str_eq(argv[1], "c\\d");
	ck_assert_ptr_null(argv[2]);
	free(argv[0]);
	free(argv[1]);
	free(argv);
}
END_TEST

START_TEST(test_runs_reserve)
{
	struct af_runs c;
	struct af_run r;
	int i;

	memset(&c, 0, sizeof c);
	af_runs_reserve(&c, 1000);
	ck_assert_uint_eq(c.cap, 1000);
	for (i = 0; i < 1000; i++) {
		memset(&r, 0, sizeof r);
		r.run_id = xasprintf("run_%d", i);
		r.dag_id = intern("d");
		af_runs_push(&c, &r);
	}
	ck_assert_uint_eq(c.cap, 1000); /* no doubling on the way */
	af_runs_reserve(&c, 500);       /* never shrinks */
	af_runs_reserve(&c, (size_t)1 << 40); /* absurd totals ignored */
	ck_assert_uint_eq(c.cap, 1000);
	ck_assert_str_eq(c.v[999].run_id, "run_999");
	af_runs_reset(&c);
	free(c.v);
}
END_TEST

START_TEST(test_intern)
{
	const char *a = intern("bench_dag_0001"), *b;
	char name[32];
	int i;

	ck_assert_str_eq(a, "bench_dag_0001");
	/* Through several growths of the set, equal strings stay one. */
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof name, "dag_%d", i);
		ck_assert_str_eq(intern(name), name);
	}
	b = intern("bench_dag_0001");
	ck_assert_ptr_eq(a, b);
	ck_assert_ptr_ne(intern("dag_1"), intern("dag_2"));
	ck_assert_ptr_eq(intern("dag_4999"), intern("dag_4999"));
	ck_assert_str_eq(intern(""), "");
}
END_TEST

START_TEST(test_config_env_order)
{
	struct config c;

	config_init(&c);
	c.airflow_url = xstrdup("http://flag");
	setenv("SNOWDECK_AIRFLOW_URL", "http://env", 1);
	setenv("SNOWDECK_AIRFLOW_TOKEN", "tok", 1);
	setenv("SNOWDECK_READONLY", "1", 1);
	config_from_env(&c);
	ck_assert_str_eq(c.airflow_url, "http://flag");
	ck_assert_str_eq(c.airflow_token, "tok");
	ck_assert_int_eq(c.readonly, 1);
	unsetenv("SNOWDECK_AIRFLOW_URL");
	unsetenv("SNOWDECK_AIRFLOW_TOKEN");
	unsetenv("SNOWDECK_READONLY");
	config_free(&c);
}
END_TEST

START_TEST(test_paths_and_conf)
{
	char *p, *cause = NULL;

	p = url_path("/dags", "d", "/dagRuns",
	    "manual__2025-01-01T00:00:00+00:00", "/taskInstances", "a.b c",
	    NULL);
	ck_assert_str_eq(p, "/dags/d/dagRuns/manual__2025-01-01T00%3A00%3A00%"
			    "2B00%3A00/taskInstances/a.b%20c");
	free(p);
	ck_assert_int_eq(af_conf_validate(NULL, NULL), 0);
	ck_assert_int_eq(af_conf_validate("  ", NULL), 0);
	ck_assert_int_eq(af_conf_validate("{\"a\":1}", NULL), 0);
	ck_assert_int_eq(af_conf_validate("[1]", &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "object"));
	free(cause);
	ck_assert_int_eq(af_conf_validate("{bad", &cause), -1);
	free(cause);
	p = airflow_new_run_id();
	ck_assert_int_eq(strncmp(p, "snowdeck__", 10), 0);
	free(p);
}
END_TEST

START_TEST(test_audit_format)
{
	char *l;
	cJSON *j;

	l = audit_format(1735689600, "op", "h", "trigger", "dag x",
	    "POST /api/v2/dags/x/dagRuns Authorization: Bearer "
	    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
	    "ok");
	ck_assert_ptr_null(strstr(l, "eyJ"));
	ck_assert_int_eq(l[strlen(l) - 1], '\n');
	j = cJSON_Parse(l);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(cJSON_GetObjectItem(j, "time")->valuestring,
	    "2025-01-01T00:00:00Z");
	ck_assert_str_eq(
	    cJSON_GetObjectItem(j, "action")->valuestring, "trigger");
	ck_assert_str_eq(
	    cJSON_GetObjectItem(j, "version")->valuestring, SNOWDECK_VERSION);
	cJSON_Delete(j);
	free(l);
}
END_TEST

Suite *core_suite(void);

Suite *
core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_dags_parse);
	tcase_add_test(tc, test_runs_parse_sanitizes_and_redacts);
	tcase_add_test(tc, test_tis_and_xcoms_parse);
	tcase_add_test(tc, test_xcom_value_render);
	tcase_add_test(tc, test_log_parse);
	tcase_add_test(tc, test_error_messages);
	tcase_add_test(tc, test_version_token);
	tcase_add_test(tc, test_time);
	tcase_add_test(tc, test_models);
	tcase_add_test(tc, test_intern);
	tcase_add_test(tc, test_runs_reserve);
	tcase_add_test(tc, test_config_toml);
	tcase_add_test(tc, test_config_jobs);
	tcase_add_test(tc, test_config_env_order);
	tcase_add_test(tc, test_paths_and_conf);
	tcase_add_test(tc, test_audit_format);
	suite_add_tcase(s, tc);
	return s;
}
