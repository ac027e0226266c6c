/* The headless twin: one command, printed as a table or as JSON. */

#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "actions.h"
#include "airflow.h"
#include "audit.h"
#include "cli_docker.h"
#include "cli_out.h"
#include "cli_doctor.h"
#include "cli_job.h"
#include "cli_spcs.h"
#include "cli_setup.h"
#include "cli_snowflake.h"
#include "config.h"
#include "http.h"
#include "json_airflow.h"
#include "model.h"
#include "netcfg.h"
#include "sanitize.h"
#include "sf_conn.h"
#include "sf_sql.h"
#include "xcom_resolve.h"
#include "timefmt.h"
#include "util.h"

enum cli_cmd {
	CLI_GET_DAGS,
	CLI_GET_RUNS,
	CLI_GET_TASKS,
	CLI_GET_XCOM,
	CLI_GET_XCOM_VALUE,
	CLI_GET_LOG,
	CLI_ACTION,
};

struct cli {
	uv_loop_t loop;
	struct netcfg_sink sink; /* the HTTP trace: audit */
	const struct config *cfg;
	const struct cli_options *opts;
	struct http *http;
	struct airflow *af;
	struct audit *audit;
	struct models m;
	enum cli_cmd cmd;
	enum af_action act;
	char **args;
	int nargs;
	int status;
	struct buf text; /* value or log text */
	size_t raw_len;
	char *value_json; /* xcom value for -o json (redacted) */
	char *log_token;
	int log_try;
	/* get xcom … --resolve */
	struct sf_conn sfconn;
	struct sf_client *sf;
	struct xres xres;
	cJSON *resolve_doc; /* the document printed when resolving ends */
};

static const char *const cli_commands[] = {
	"get",
	"trigger",
	"pause",
	"unpause",
	"clear",
	"mark-success",
	"mark-failed",
	"sql",
	"setup",
	"doctor",
	"job",
	"jobs",
	"suspend",
	"resume",
	NULL,
};

int
cli_is_command(const char *word)
{
	size_t i;

	for (i = 0; cli_commands[i] != NULL; i++) {
		if (strcmp(word, cli_commands[i]) == 0)
			return 1;
	}
	return cli_docker_is_command(word);
}

static void
cli_fail(struct cli *c, const char *msg)
{
	char *safe = sanitize_dup(msg, strlen(msg), 0);

	fprintf(stderr, "snowdeck: %s\n", safe);
	free(safe);
	c->status = 1;
}

/* ---- output ------------------------------------------------------------ */

static void
cli_time_json(cJSON *o, const char *name, double t)
{
	char ts[40];

	if (t <= 0) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	time_format_iso(t, ts, sizeof ts);
	cJSON_AddStringToObject(o, name, ts);
}

static char *
cli_time_cell(double t)
{
	char ts[40];

	if (t <= 0)
		return xstrdup("-");
	time_format_iso(t, ts, sizeof ts);
	return xstrdup(ts);
}

static char *
cli_dur_cell(double start, double end, double now)
{
	char d[32];

	if (start <= 0)
		return xstrdup("-");
	time_format_duration((end > 0 ? end : now) - start, d, sizeof d);
	return xstrdup(d);
}

static void
cli_print_dags(struct cli *c)
{
	const struct af_dags *d = &c->m.dags;
	const char *hdr[] = { "DAG", "PAUSED", "SCHEDULE", "NEXT RUN", "TAGS" };
	char ***rows;
	size_t i;
	cJSON *arr, *o;

	if (c->opts->json) {
		arr = cJSON_CreateArray();
		for (i = 0; i < d->n; i++) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "dag_id", d->v[i].dag_id);
			cJSON_AddBoolToObject(o, "is_paused", d->v[i].paused);
			cJSON_AddStringToObject(
			    o, "schedule", d->v[i].schedule);
			cli_time_json(o, "next_run", d->v[i].next_run);
			cJSON_AddStringToObject(o, "tags", d->v[i].tags);
			cJSON_AddStringToObject(o, "owners", d->v[i].owners);
			cJSON_AddBoolToObject(
			    o, "has_import_errors", d->v[i].import_errors);
			cJSON_AddItemToArray(arr, o);
		}
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "dags", arr);
		cJSON_AddNumberToObject(o, "total_entries", (double)d->n);
		cli_out_json(o);
		return;
	}
	rows = xcalloc(d->n + 1, sizeof *rows);
	for (i = 0; i < d->n; i++) {
		rows[i] = xcalloc(5, sizeof **rows);
		rows[i][0] = xstrdup(d->v[i].dag_id);
		rows[i][1] = xstrdup(d->v[i].paused ? "yes" : "no");
		rows[i][2] = xstrdup(d->v[i].schedule);
		rows[i][3] = cli_time_cell(d->v[i].next_run);
		rows[i][4] = xstrdup(d->v[i].tags);
	}
	cli_out_table(hdr, 5, rows, d->n);
	cli_out_rows_free(rows, d->n, 5);
}

static void
cli_print_runs(struct cli *c)
{
	const struct af_runs *r = &c->m.runs;
	const char *hdr[] = { "DAG", "RUN ID", "STATE", "TYPE", "LOGICAL DATE",
		"START", "END", "DURATION" };
	char ***rows;
	size_t i;
	cJSON *arr, *o;
	double now = util_wall();

	if (c->opts->json) {
		arr = cJSON_CreateArray();
		for (i = 0; i < r->n; i++) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "dag_id", r->v[i].dag_id);
			cJSON_AddStringToObject(
			    o, "dag_run_id", r->v[i].run_id);
			cJSON_AddStringToObject(
			    o, "state", af_state_name(r->v[i].state));
			cJSON_AddStringToObject(
			    o, "run_type", r->v[i].run_type);
			cli_time_json(o, "logical_date", r->v[i].logical_date);
			cli_time_json(o, "run_after", r->v[i].run_after);
			cli_time_json(o, "start_date", r->v[i].start_date);
			cli_time_json(o, "end_date", r->v[i].end_date);
			if (r->v[i].start_date > 0 && r->v[i].end_date > 0)
				cJSON_AddNumberToObject(o, "duration",
				    r->v[i].end_date - r->v[i].start_date);
			else
				cJSON_AddNullToObject(o, "duration");
			cJSON_AddItemToArray(arr, o);
		}
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "dag_runs", arr);
		cJSON_AddNumberToObject(o, "total_entries", (double)r->n);
		cli_out_json(o);
		return;
	}
	rows = xcalloc(r->n + 1, sizeof *rows);
	for (i = 0; i < r->n; i++) {
		rows[i] = xcalloc(8, sizeof **rows);
		rows[i][0] = xstrdup(r->v[i].dag_id);
		rows[i][1] = xstrdup(r->v[i].run_id);
		rows[i][2] = xstrdup(af_state_name(r->v[i].state));
		rows[i][3] = xstrdup(r->v[i].run_type);
		rows[i][4] = cli_time_cell(r->v[i].logical_date);
		rows[i][5] = cli_time_cell(r->v[i].start_date);
		rows[i][6] = cli_time_cell(r->v[i].end_date);
		rows[i][7] =
		    cli_dur_cell(r->v[i].start_date, r->v[i].end_date, now);
	}
	cli_out_table(hdr, 8, rows, r->n);
	cli_out_rows_free(rows, r->n, 8);
}

static void
cli_print_tasks(struct cli *c)
{
	const struct af_tis *t = &c->m.tis;
	const char *hdr[] = { "TASK", "MAP", "STATE", "TRY", "OPERATOR",
		"START", "DURATION" };
	char ***rows, d[32];
	size_t i;
	cJSON *arr, *o;

	if (c->opts->json) {
		arr = cJSON_CreateArray();
		for (i = 0; i < t->n; i++) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "task_id", t->v[i].task_id);
			cJSON_AddNumberToObject(
			    o, "map_index", t->v[i].map_index);
			if (t->v[i].state == AF_NONE)
				cJSON_AddNullToObject(o, "state");
			else
				cJSON_AddStringToObject(
				    o, "state", af_state_name(t->v[i].state));
			cJSON_AddNumberToObject(
			    o, "try_number", t->v[i].try_number);
			if (t->v[i].operator!= NULL)
				cJSON_AddStringToObject(
				    o, "operator", t->v[i].operator);
			else
				cJSON_AddNullToObject(o, "operator");
			cli_time_json(o, "start_date", t->v[i].start_date);
			cli_time_json(o, "end_date", t->v[i].end_date);
			if (t->v[i].duration >= 0)
				cJSON_AddNumberToObject(
				    o, "duration", t->v[i].duration);
			else
				cJSON_AddNullToObject(o, "duration");
			cJSON_AddItemToArray(arr, o);
		}
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "task_instances", arr);
		cJSON_AddNumberToObject(o, "total_entries", (double)t->n);
		cli_out_json(o);
		return;
	}
	rows = xcalloc(t->n + 1, sizeof *rows);
	for (i = 0; i < t->n; i++) {
		rows[i] = xcalloc(7, sizeof **rows);
		rows[i][0] = xstrdup(t->v[i].task_id);
		rows[i][1] = xasprintf("%d", t->v[i].map_index);
		rows[i][2] = xstrdup(af_state_name(t->v[i].state));
		rows[i][3] = xasprintf("%d", t->v[i].try_number);
		rows[i][4] = xstrdup(t->v[i].operator != NULL ? t->v[i].operator
							      : "-");
		rows[i][5] = cli_time_cell(t->v[i].start_date);
		time_format_duration(t->v[i].duration, d, sizeof d);
		rows[i][6] = xstrdup(d);
	}
	cli_out_table(hdr, 7, rows, t->n);
	cli_out_rows_free(rows, t->n, 7);
}

static void
cli_print_xcoms(struct cli *c)
{
	const struct af_xcoms *x = &c->m.xcoms;
	const char *hdr[] = { "KEY", "MAP", "TIMESTAMP" };
	char ***rows;
	size_t i;
	cJSON *arr, *o;

	if (c->opts->json) {
		arr = cJSON_CreateArray();
		for (i = 0; i < x->n; i++) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "key", x->v[i].key);
			cJSON_AddNumberToObject(
			    o, "map_index", x->v[i].map_index);
			cli_time_json(o, "timestamp", x->v[i].timestamp);
			cJSON_AddItemToArray(arr, o);
		}
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "xcom_entries", arr);
		cJSON_AddNumberToObject(o, "total_entries", (double)x->n);
		cli_out_json(o);
		return;
	}
	rows = xcalloc(x->n + 1, sizeof *rows);
	for (i = 0; i < x->n; i++) {
		rows[i] = xcalloc(3, sizeof **rows);
		rows[i][0] = xstrdup(x->v[i].key);
		rows[i][1] = xasprintf("%d", x->v[i].map_index);
		rows[i][2] = cli_time_cell(x->v[i].timestamp);
	}
	cli_out_table(hdr, 3, rows, x->n);
	cli_out_rows_free(rows, x->n, 3);
}

/* ---- command steps ----------------------------------------------------- */

static int
cli_dags_page(
    const char *b, size_t l, struct af_page *p, void *arg, char **cause)
{
	struct cli *c = arg;

	return json_af_dags_parse(b, l, &c->m.dags, p, cause);
}

static int
cli_runs_page(
    const char *b, size_t l, struct af_page *p, void *arg, char **cause)
{
	struct cli *c = arg;

	return json_af_runs_parse(b, l, &c->m.runs, p, cause);
}

static int
cli_tis_page(
    const char *b, size_t l, struct af_page *p, void *arg, char **cause)
{
	struct cli *c = arg;

	return json_af_tis_parse(b, l, &c->m.tis, p, cause);
}

static int
cli_xcoms_page(
    const char *b, size_t l, struct af_page *p, void *arg, char **cause)
{
	struct cli *c = arg;

	return json_af_xcoms_parse(b, l, &c->m.xcoms, p, cause);
}

static void
cli_list_done(const struct af_result *r, void *arg)
{
	struct cli *c = arg;

	if (r->error) {
		cli_fail(c, r->cause);
		return;
	}
	switch (c->cmd) {
	case CLI_GET_DAGS:
		cli_print_dags(c);
		break;
	case CLI_GET_RUNS:
		cli_print_runs(c);
		break;
	case CLI_GET_TASKS:
		cli_print_tasks(c);
		break;
	case CLI_GET_XCOM:
		cli_print_xcoms(c);
		break;
	default:
		break;
	}
}

/* The end of --resolve: print the value and what it pointed at. */
static void
cli_resolve_print(struct cli *c)
{
	cJSON *doc = c->resolve_doc;
	struct buf b;
	char *v;

	cJSON_AddItemToObject(doc, "references", xres_to_json(&c->xres));
	if (c->opts->json) {
		cli_out_json(doc);
	} else {
		v = cJSON_Print(cJSON_GetObjectItemCaseSensitive(doc, "value"));
		printf("%s\n", v != NULL ? v : "null");
		cJSON_free(v);
		buf_init(&b);
		xres_text(&c->xres, &b);
		if (b.len > 0)
			printf("\nresolved:\n%s", b.data);
		else
			printf("\n(not a reference: the value is stored in "
			       "Airflow itself)\n");
		buf_free(&b);
		cJSON_Delete(doc);
	}
	c->resolve_doc = NULL;
	for (size_t i = 0; i < c->xres.n; i++) {
		if (c->xres.v[i].error)
			c->status = 1;
	}
	airflow_free(c->af);
	c->af = NULL;
	sf_client_free(c->sf);
	c->sf = NULL;
}

static void
cli_resolve_done(struct xres *x, void *arg)
{
	(void)x;
	cli_resolve_print(arg);
}

/*
 * --resolve: finds Snowflake XCom references (and table or object-storage
 * pointers) in the value, then reads the real row or file.
 */
static void
cli_resolve_start(struct cli *c, const char *body, size_t len)
{
	struct sf_conn_opts co;
	struct sf_client_config sc;
	cJSON *root, *v;
	char *text, *cause = NULL;

	root = cJSON_ParseWithLength(body, len);
	v = root != NULL
		? cJSON_DetachItemFromObjectCaseSensitive(root, "value")
		: NULL;
	cJSON_Delete(root);
	if (v == NULL) {
		cli_fail(c, "the XCom entry has no value");
		return;
	}
	text = cJSON_PrintUnformatted(v);
	xres_find(text, strlen(text), &c->xres);
	cJSON_free(text);
	redact_json_tree(v);
	c->resolve_doc = cJSON_CreateObject();
	cJSON_AddStringToObject(c->resolve_doc, "dag_id", c->args[0]);
	cJSON_AddStringToObject(c->resolve_doc, "run_id", c->args[1]);
	cJSON_AddStringToObject(c->resolve_doc, "task_id", c->args[2]);
	cJSON_AddStringToObject(c->resolve_doc, "key", c->args[3]);
	cJSON_AddItemToObject(c->resolve_doc, "value", v);
	memset(&co, 0, sizeof co);
	co.conn_id = c->opts->sf_conn_id;
	co.name = c->opts->sf_connection;
	co.url = c->opts->sf_url;
	memset(&sc, 0, sizeof sc);
	sc.loop = &c->loop;
	sc.conn = &c->sfconn;
	sc.audit = c->audit;
	sc.cmdlog = &c->m.cmdlog;
	if (c->xres.n > 0 &&
	    (sf_conn_resolve(&c->sfconn, &co, &cause) != 0 ||
		sf_client_create(&c->sf, c->http, &sc, &cause) != 0)) {
		for (size_t i = 0; i < c->xres.n; i++) {
			if (c->xres.v[i].kind == XRES_OBJECT_STORAGE)
				continue;
			c->xres.v[i].error = 1;
			c->xres.v[i].cause = xstrdup(cause);
		}
		free(cause);
	}
	if (c->sf == NULL ||
	    xres_resolve(c->sf, c->http, &c->xres, (size_t)256 << 10,
		cli_resolve_done, c) == NULL)
		cli_resolve_print(c);
}

static void
cli_value_done(const struct af_result *r, void *arg)
{
	struct cli *c = arg;
	int truncated;
	char *cause = NULL;
	cJSON *root, *doc, *v;

	if (r->error) {
		cli_fail(c, r->cause);
		return;
	}
	if (c->opts->resolve) {
		cli_resolve_start(c, r->body, r->len);
		return;
	}
	if (c->opts->json) {
		root = cJSON_ParseWithLength(r->body, r->len);
		v = root != NULL
			? cJSON_DetachItemFromObjectCaseSensitive(root, "value")
			: NULL;
		if (v == NULL) {
			cJSON_Delete(root);
			cli_fail(c, "the XCom entry has no value");
			return;
		}
		redact_json_tree(v);
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "dag_id", c->args[0]);
		cJSON_AddStringToObject(doc, "dag_run_id", c->args[1]);
		cJSON_AddStringToObject(doc, "task_id", c->args[2]);
		cJSON_AddStringToObject(doc, "key", c->args[3]);
		cJSON_AddItemToObject(doc, "value", v);
		cJSON_Delete(root);
		cli_out_json(doc);
		return;
	}
	if (json_af_xcom_value_parse(r->body, r->len, (size_t)64 << 20,
		&c->text, &truncated, &cause) != 0) {
		cli_fail(c, cause);
		free(cause);
		return;
	}
	fwrite(c->text.data, 1, c->text.len, stdout);
}

static void cli_log_fetch(struct cli *c);

static void
cli_log_done(const struct af_result *r, void *arg)
{
	struct cli *c = arg;
	char *token = NULL, *cause = NULL;
	int text;
	cJSON *doc;

	if (r->error) {
		cli_fail(c, r->cause);
		return;
	}
	text = r->content_type != NULL &&
	       strncmp(r->content_type, "text/", 5) == 0;
	if (json_af_log_parse(r->body, r->len, airflow_api(c->af), text,
		&c->text, &token, &cause) != 0) {
		cli_fail(c, cause);
		free(cause);
		return;
	}
	free(c->log_token);
	c->log_token = token;
	/* v2 pages a log through continuation tokens until none remains. */
	if (token != NULL && airflow_api(c->af) == 2 && r->len > 0 &&
	    c->text.len < ((size_t)256 << 20)) {
		cli_log_fetch(c);
		return;
	}
	if (c->opts->json) {
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "dag_id", c->args[0]);
		cJSON_AddStringToObject(doc, "dag_run_id", c->args[1]);
		cJSON_AddStringToObject(doc, "task_id", c->args[2]);
		cJSON_AddNumberToObject(doc, "try_number", c->log_try);
		cJSON_AddStringToObject(
		    doc, "content", c->text.data != NULL ? c->text.data : "");
		cli_out_json(doc);
	} else if (c->text.len > 0)
		fwrite(c->text.data, 1, c->text.len, stdout);
}

static void
cli_log_fetch(struct cli *c)
{
	char tries[16], *path;
	struct buf q;

	snprintf(tries, sizeof tries, "%d", c->log_try);
	path = url_path("/dags", c->args[0], "/dagRuns", c->args[1],
	    "/taskInstances", c->args[2], "/logs", tries, NULL);
	buf_init(&q);
	buf_adds(&q, "full_content=true");
	if (c->log_token != NULL && airflow_api(c->af) == 2) {
		buf_reset(&q);
		buf_adds(&q, "token=");
		url_encode(&q, c->log_token);
	}
	airflow_call(c->af, "GET", path, q.data, NULL,
	    airflow_api(c->af) == 1 ? AF_TEXT : 0, cli_log_done, c);
	buf_free(&q);
	free(path);
}

static void
cli_tis_for_log_done(const struct af_result *r, void *arg)
{
	struct cli *c = arg;
	size_t i;

	if (r->error) {
		cli_fail(c, r->cause);
		return;
	}
	for (i = 0; i < c->m.tis.n; i++) {
		if (strcmp(c->m.tis.v[i].task_id, c->args[2]) == 0 &&
		    c->m.tis.v[i].try_number > c->log_try)
			c->log_try = c->m.tis.v[i].try_number;
	}
	if (c->log_try <= 0)
		c->log_try = 1;
	cli_log_fetch(c);
}

static void
cli_action_done(
    int error, const char *message, const char *body, size_t len, void *arg)
{
	struct cli *c = arg;
	char *target;
	struct af_action_args x;
	cJSON *doc, *resp;

	memset(&x, 0, sizeof x);
	x.dag_id = c->args[0];
	x.run_id = c->nargs > 1 ? c->args[1] : NULL;
	x.task_id = c->nargs > 2 ? c->args[2] : NULL;
	x.map_index = -1;
	target = af_action_target(c->act, &x);
	audit_record(c->audit, af_action_name(c->act), target,
	    af_action_name(c->act), error ? message : "ok");
	free(target);
	if (error) {
		cli_fail(c, message);
		return;
	}
	if (c->opts->json) {
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "action", af_action_name(c->act));
		cJSON_AddStringToObject(doc, "result", "ok");
		resp = cJSON_ParseWithLength(body, len);
		if (resp != NULL) {
			redact_json_tree(resp);
			cJSON_AddItemToObject(doc, "response", resp);
		}
		cli_out_json(doc);
	} else {
		char *safe = sanitize_dup(message, strlen(message), 0);

		printf("%s\n", safe);
		free(safe);
	}
}

/* Runs the command once the API is known. */
static void
cli_ready(const struct af_result *r, void *arg)
{
	struct cli *c = arg;
	char *path = NULL, *query = NULL, *cause = NULL;
	struct af_action_args x;

	if (r->error) {
		cli_fail(c, r->cause);
		return;
	}
	switch (c->cmd) {
	case CLI_GET_DAGS:
		airflow_list(c->af, "/dags", "order_by=dag_id", 0,
		    cli_dags_page, cli_list_done, c);
		break;
	case CLI_GET_RUNS:
		path = url_path(
		    "/dags", c->nargs > 0 ? c->args[0] : "~", "/dagRuns", NULL);
		airflow_list(c->af, path,
		    airflow_api(c->af) == 1 ? "order_by=-execution_date"
					    : "order_by=-run_after",
		    c->opts->limit, cli_runs_page, cli_list_done, c);
		break;
	case CLI_GET_TASKS:
		path = url_path("/dags", c->args[0], "/dagRuns", c->args[1],
		    "/taskInstances", NULL);
		airflow_list(
		    c->af, path, NULL, 0, cli_tis_page, cli_list_done, c);
		break;
	case CLI_GET_XCOM:
		path = url_path("/dags", c->args[0], "/dagRuns", c->args[1],
		    "/taskInstances", c->args[2], "/xcomEntries", NULL);
		airflow_list(
		    c->af, path, NULL, 0, cli_xcoms_page, cli_list_done, c);
		break;
	case CLI_GET_XCOM_VALUE:
		path = url_path("/dags", c->args[0], "/dagRuns", c->args[1],
		    "/taskInstances", c->args[2], "/xcomEntries", c->args[3],
		    NULL);
		query = xstrdup(airflow_api(c->af) == 1 ? "stringify=false"
							: "map_index=-1");
		airflow_call(
		    c->af, "GET", path, query, NULL, 0, cli_value_done, c);
		break;
	case CLI_GET_LOG:
		if (c->log_try > 0) {
			cli_log_fetch(c);
			break;
		}
		path = url_path("/dags", c->args[0], "/dagRuns", c->args[1],
		    "/taskInstances", NULL);
		airflow_list(c->af, path, NULL, 0, cli_tis_page,
		    cli_tis_for_log_done, c);
		break;
	case CLI_ACTION:
		memset(&x, 0, sizeof x);
		x.dag_id = c->args[0];
		x.run_id = c->act == AF_ACT_TRIGGER ? c->opts->run_id
			   : c->nargs > 1           ? c->args[1]
						    : NULL;
		x.task_id = c->nargs > 2 ? c->args[2] : NULL;
		x.map_index = -1;
		x.conf = c->opts->conf;
		if (af_action_start(c->af, c->act, &x, cli_action_done, c,
			&cause) == NULL) {
			cli_fail(c, cause);
			free(cause);
		}
		break;
	}
	free(path);
	free(query);
}

static int
cli_usage(const char *msg)
{
	fprintf(stderr, "snowdeck: %s (see snowdeck --help)\n", msg);
	return 2;
}

int
cli_run(const struct config *cfg, const struct cli_options *opts, int argc,
    char **argv)
{
	struct cli c;
	struct http_config hc;
	struct airflow_config ac;
	char *cause = NULL;
	const char *what;
	int n;

	if (cli_spcs_handles(cfg, opts, argc, argv))
		return cli_spcs_run(cfg, opts, argc, argv);
	if (cli_sf_is_command(argc, argv))
		return cli_sf_run(cfg, opts, argc, argv);
	if (cli_setup_is_command(argc, argv))
		return cli_setup_run(cfg, opts, argc, argv);
	if (cli_doctor_is_command(argc, argv))
		return cli_doctor_run(cfg, opts, argc, argv);
	if (cli_job_is_command(argc, argv))
		return cli_job_run(cfg, opts, argc, argv);
	if (cli_docker_handles(cfg, opts, argc, argv))
		return cli_docker_run(cfg, opts, argc, argv);
	memset(&c, 0, sizeof c);
	c.cfg = cfg;
	c.opts = opts;
	if (strcmp(argv[0], "get") == 0) {
		if (argc < 2)
			return cli_usage(
			    "get what? dags, runs, tasks, xcom, log");
		what = argv[1];
		c.args = argv + 2;
		c.nargs = n = argc - 2;
		if (strcmp(what, "dags") == 0 && n == 0)
			c.cmd = CLI_GET_DAGS;
		else if (strcmp(what, "runs") == 0 && n <= 1)
			c.cmd = CLI_GET_RUNS;
		else if (strcmp(what, "tasks") == 0 && n == 2)
			c.cmd = CLI_GET_TASKS;
		else if (strcmp(what, "xcom") == 0 && n == 3)
			c.cmd = CLI_GET_XCOM;
		else if (strcmp(what, "xcom") == 0 && n == 4)
			c.cmd = CLI_GET_XCOM_VALUE;
		else if (strcmp(what, "log") == 0 && (n == 3 || n == 4)) {
			c.cmd = CLI_GET_LOG;
			if (n == 4 && (c.log_try = atoi(c.args[3])) <= 0)
				return cli_usage("TRY must be a number from 1");
		} else
			return cli_usage("usage: get dags | runs [DAG] | tasks "
					 "DAG RUN | xcom DAG RUN TASK [KEY] | "
					 "log DAG RUN TASK [TRY]");
	} else {
		c.cmd = CLI_ACTION;
		c.args = argv + 1;
		c.nargs = n = argc - 1;
		if (strcmp(argv[0], "trigger") == 0 && n == 1)
			c.act = AF_ACT_TRIGGER;
		else if (strcmp(argv[0], "pause") == 0 && n == 1)
			c.act = AF_ACT_PAUSE;
		else if (strcmp(argv[0], "unpause") == 0 && n == 1)
			c.act = AF_ACT_UNPAUSE;
		else if (strcmp(argv[0], "clear") == 0 && n == 3)
			c.act = AF_ACT_CLEAR;
		else if (strcmp(argv[0], "mark-success") == 0 && n == 3)
			c.act = AF_ACT_MARK_SUCCESS;
		else if (strcmp(argv[0], "mark-failed") == 0 && n == 3)
			c.act = AF_ACT_MARK_FAILED;
		else
			return cli_usage(
			    "usage: trigger DAG [--conf JSON] "
			    "[--run-id ID] | pause DAG | unpause "
			    "DAG | clear DAG RUN TASK | "
			    "mark-success|mark-failed DAG RUN TASK");
		if (cfg->readonly > 0) {
			fprintf(stderr,
			    "snowdeck: read-only mode: %s refused\n", argv[0]);
			return 3;
		}
		if (c.act == AF_ACT_TRIGGER &&
		    af_conf_validate(opts->conf, &cause) != 0) {
			fprintf(stderr, "snowdeck: %s\n", cause);
			free(cause);
			return 2;
		}
	}

	models_init(&c.m);
	buf_init(&c.text);
	sf_conn_init(&c.sfconn);
	uv_loop_init(&c.loop);
	netcfg_http_config(&hc, cfg);
	memset(&ac, 0, sizeof ac);
	ac.url = cfg->airflow_url;
	ac.username = cfg->airflow_username;
	ac.password = cfg->airflow_password;
	ac.token = cfg->airflow_token;
	if (http_create(&c.http, &c.loop, &hc, &cause) != 0 ||
	    airflow_create(&c.af, c.http, &ac, &cause) != 0 ||
	    audit_open(&c.audit, &c.loop, cfg->audit_path, &cause) != 0) {
		cli_fail(&c, cause);
		free(cause);
		goto out;
	}
	if (cfg->insecure > 0)
		fprintf(stderr, "snowdeck: warning: TLS verification is off "
				"(--insecure)\n");
	c.sink.cmdlog = &c.m.cmdlog;
	c.sink.audit = c.audit;
	http_set_trace(c.http, netcfg_trace, &c.sink);
	airflow_call(c.af, "GET", "/version", NULL, NULL, 0, cli_ready, &c);
	uv_run(&c.loop, UV_RUN_DEFAULT);
out:
	sf_client_free(c.sf);
	airflow_free(c.af);
	http_free(c.http);
	audit_close(c.audit);
	uv_run(&c.loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&c.loop) != 0)
		fprintf(stderr, "snowdeck: warning: loop not closed cleanly\n");
	models_free(&c.m);
	buf_free(&c.text);
	xres_free(&c.xres);
	sf_conn_free(&c.sfconn);
	cJSON_Delete(c.resolve_doc);
	free(c.log_token);
	fflush(stdout);
	return c.status;
}
