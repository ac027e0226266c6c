/*
 * The Snowflake side of the interactive app (app_sf.h): connection,
 * source, previews, the XCom bridge and the cross-pane jump requests.
 */

#include "app_sf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "app.h"
#include "model.h"
#include "model_sf.h"
#include "sanitize.h"
#include "sf_conn.h"
#include "sf_resources.h"
#include "sf_sql.h"
#include "src_snowflake.h"
#include "util.h"
#include "xcom_resolve.h"

#define APP_SF_PREVIEW_CAP (256 * 1024)

struct app_sf {
	struct app *app;
	struct http *http;
	struct sf_conn conn;
	int have_conn;
	struct sf_client *sf;
	struct src_snowflake *src;
	struct sf_models m;
	struct source_status status;
	char *label;
	/* The open stage. */
	char *db, *schema, *stage, *stage_name;
	/* The preview. */
	struct af_value preview;
	char *preview_kind;
	size_t preview_bytes;
	int preview_truncated;
	struct sf_res *preview_res;
	/* The bridge. */
	struct xres bridge;
	int have_bridge, bridge_done;
	char *bridge_what;
	unsigned long bridge_gen;
	struct xres_op *bridge_op;
	/* Jumps. */
	char *go;
	char *rv_db, *rv_schema, *rv_stage, *rv_path;
};

static const char *
app_sf_auth_word(enum sf_auth a)
{
	switch (a) {
	case SF_AUTH_JWT:
		return "key pair";
	case SF_AUTH_PAT:
		return "PAT";
	case SF_AUTH_OAUTH:
		return "OAuth";
	default:
		return "no auth";
	}
}

static void
app_sf_done(enum src_sf_kind kind, int error, const char *cause, void *arg)
{
	struct app_sf *s = arg;

	struct timespec ts;

	(void)kind;
	if (error) {
		app_message(s->app, 2, "Snowflake: %s", cause);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	s->status.last_ok = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	s->status.gen++;
}

struct app_sf *
app_sf_create(struct app *app, uv_loop_t *loop, struct http *http,
    struct cmdlog *cmdlog, struct audit *audit, int connect)
{
	struct app_sf *s = xcalloc(1, sizeof *s);
	struct sf_conn_opts co;
	struct sf_client_config cc;
	struct src_snowflake_config sc;
	char *cause = NULL, *acct;

	s->app = app;
	s->http = http;
	sf_models_init(&s->m);
	sf_conn_init(&s->conn);
	s->status.name = "snowflake";
	s->label = xstrdup("snowflake");
	s->stage_name = xstrdup("");
	if (!connect) {
		source_set(&s->status, SOURCE_DOWN, "not connected");
		return s;
	}
	memset(&co, 0, sizeof co);
	if (sf_conn_resolve(&s->conn, &co, &cause) != 0) {
		source_set(&s->status, SOURCE_DOWN, cause);
		free(cause);
		return s;
	}
	s->have_conn = 1;
	acct = sanitize_dup(s->conn.account != NULL ? s->conn.account : "",
	    s->conn.account != NULL ? strlen(s->conn.account) : 0, 0);
	free(s->label);
	s->label =
	    xasprintf("snowflake %s %s", acct, app_sf_auth_word(s->conn.auth));
	free(acct);
	memset(&cc, 0, sizeof cc);
	cc.loop = loop;
	cc.conn = &s->conn;
	cc.cmdlog = cmdlog;
	cc.audit = audit;
	memset(&sc, 0, sizeof sc);
	sc.done = app_sf_done;
	sc.arg = s;
	if (sf_client_create(&s->sf, http, &cc, &cause) != 0 ||
	    src_snowflake_create(
		&s->src, s->sf, &s->m, &s->status, &sc, &cause) != 0) {
		source_set(&s->status, SOURCE_DOWN, cause);
		free(cause);
		return s;
	}
	source_set(&s->status, SOURCE_CONNECTING, sf_client_url(s->sf));
	return s;
}

static void
app_sf_bridge_clear(struct app_sf *s)
{
	if (s->bridge_op != NULL)
		xres_cancel(s->bridge_op);
	s->bridge_op = NULL;
	if (s->have_bridge)
		xres_free(&s->bridge);
	memset(&s->bridge, 0, sizeof s->bridge);
	s->have_bridge = 0;
	s->bridge_done = 0;
	free(s->bridge_what);
	s->bridge_what = NULL;
	s->bridge_gen++;
}

void
app_sf_free(struct app_sf *s)
{
	if (s == NULL)
		return;
	app_sf_bridge_clear(s);
	if (s->preview_res != NULL)
		sf_res_cancel(s->preview_res);
	src_snowflake_free(s->src);
	sf_client_free(s->sf);
	sf_conn_free(&s->conn);
	sf_models_free(&s->m);
	af_value_reset(&s->preview);
	free(s->preview_kind);
	free(s->status.detail);
	free(s->label);
	free(s->db);
	free(s->schema);
	free(s->stage);
	free(s->stage_name);
	free(s->go);
	free(s->rv_db);
	free(s->rv_schema);
	free(s->rv_stage);
	free(s->rv_path);
	free(s);
}

struct sf_models *
app_sf_models(struct app *app)
{
	return &app_sf(app)->m;
}

struct source_status *
app_sf_status(struct app *app)
{
	return &app_sf(app)->status;
}

const char *
app_sf_label(struct app *app)
{
	return app_sf(app)->label;
}

int
app_sf_connected(struct app *app)
{
	return app_sf(app)->src != NULL;
}

void
app_sf_load_stages(struct app *app)
{
	struct app_sf *s = app_sf(app);

	if (s->src != NULL)
		src_snowflake_load_stages(s->src);
}

void
app_sf_open_stage(
    struct app *app, const char *db, const char *schema, const char *name)
{
	struct app_sf *s = app_sf(app);
	char *path, *cause = NULL;

	free(s->db);
	free(s->schema);
	free(s->stage);
	free(s->stage_name);
	s->db = xstrdup(db);
	s->schema = xstrdup(schema);
	s->stage = xstrdup(name);
	s->stage_name = xasprintf("%s.%s.%s", db, schema, name);
	if (s->src == NULL)
		return;
	path = xasprintf("@%s", s->stage_name);
	if (src_snowflake_load_files(s->src, path, &cause) != 0) {
		app_message(app, 2, "stage %s: %s", s->stage_name, cause);
		free(cause);
	}
	free(path);
}

const char *
app_sf_open_stage_name(struct app *app)
{
	return app_sf(app)->stage_name;
}

void
app_sf_load_xcom(struct app *app, const char *dag_id, const char *run_id)
{
	struct app_sf *s = app_sf(app);

	if (s->src != NULL)
		src_snowflake_load_xcom(s->src, dag_id, run_id);
}

const char *
app_sf_xcom_table(struct app *app)
{
	struct app_sf *s = app_sf(app);

	if (s->src != NULL)
		return src_snowflake_xcom_table(s->src);
	return s->m.xcom.table != NULL ? s->m.xcom.table
				       : "DEMO.XCOM.XCOM_TABLE";
}

/* Sanitized copy of text; tabs become two spaces when untab is set. */
static char *
app_sf_untab(const char *text, int untab)
{
	struct buf b;
	char *out;
	const char *p;

	if (!untab)
		return sanitize_dup(
		    text, strlen(text), SANITIZE_KEEP_NL | SANITIZE_KEEP_TAB);
	buf_init(&b);
	for (p = text; *p != '\0'; p++) {
		if (*p == '\t' && p > text && p[-1] == ':')
			buf_addc(&b, ' ');
		else if (*p == '\t')
			buf_adds(&b, "  ");
		else
			buf_addc(&b, *p);
	}
	buf_addc(&b, '\0');
	out = sanitize_dup(b.data, strlen(b.data), SANITIZE_KEEP_NL);
	buf_free(&b);
	return out;
}

static void
app_sf_preview_done(const struct sf_preview *p, void *arg)
{
	app_sf_preview_show(((struct app_sf *)arg)->app, p);
}

void
app_sf_preview_show(struct app *app, const struct sf_preview *p)
{
	struct app_sf *s = app_sf(app);
	char *key = s->preview.key != NULL ? xstrdup(s->preview.key) : NULL;
	const char *text = p->error ? p->cause : p->text;

	s->preview_res = NULL;
	free(s->preview_kind);
	s->preview_kind = xstrdup(p->error ? "error" : p->kind);
	s->preview_bytes = p->bytes;
	s->preview_truncated = p->truncated;
	/* p->text is sanitized and masked; a cause is sanitized here. JSON
	 * is indented with tabs: two spaces read better in a pane. */
	af_value_set(&s->preview, key,
	    app_sf_untab(text, !p->error && strcmp(p->kind, "json") == 0),
	    p->bytes, p->truncated);
	if (p->error)
		app_message(s->app, 2, "preview %s: %s", key != NULL ? key : "",
		    p->cause);
	free(key);
}

void
app_sf_preview(struct app *app, const char *path)
{
	struct app_sf *s = app_sf(app);
	char *key = xstrdup(path);

	if (s->preview_res != NULL)
		sf_res_cancel(s->preview_res);
	s->preview_res = NULL;
	af_value_reset(&s->preview);
	s->preview.key = key;
	free(s->preview_kind);
	s->preview_kind = xstrdup("");
	if (s->sf == NULL || s->stage == NULL)
		return;
	s->preview_res = sf_stage_preview(s->sf, s->http, s->db, s->schema,
	    s->stage, path, APP_SF_PREVIEW_CAP, app_sf_preview_done, s);
}

struct af_value *
app_sf_preview_value(struct app *app)
{
	return &app_sf(app)->preview;
}

const char *
app_sf_preview_kind(struct app *app, size_t *bytes, int *truncated)
{
	struct app_sf *s = app_sf(app);

	if (bytes != NULL)
		*bytes = s->preview_bytes;
	if (truncated != NULL)
		*truncated = s->preview_truncated;
	return s->preview_kind != NULL ? s->preview_kind : "";
}

static void
app_sf_bridge_done(struct xres *x, void *arg)
{
	struct app_sf *s = arg;

	(void)x;
	s->bridge_op = NULL;
	s->bridge_done = 1;
	s->bridge_gen++;
}

size_t
app_sf_follow(struct app *app, const char *what, const char *text, size_t len)
{
	struct app_sf *s = app_sf(app);
	size_t n;

	app_sf_bridge_clear(s);
	n = xres_find(text, len, &s->bridge);
	if (n == 0) {
		xres_free(&s->bridge);
		memset(&s->bridge, 0, sizeof s->bridge);
		return 0;
	}
	s->have_bridge = 1;
	s->bridge_what = xstrdup(what != NULL ? what : "");
	if (s->sf == NULL) {
		/* Nothing can be resolved: say so on each item. */
		size_t i;

		for (i = 0; i < s->bridge.n; i++) {
			if (s->bridge.v[i].done)
				continue;
			s->bridge.v[i].done = 1;
			s->bridge.v[i].error = 1;
			s->bridge.v[i].cause =
			    xstrdup("no Snowflake connection: set "
				    "AIRFLOW_CONN_SNOWFLAKE_DEFAULT or "
				    "~/.snowflake/connections.toml");
		}
		s->bridge_done = 1;
		return n;
	}
	s->bridge_op = xres_resolve(s->sf, s->http, &s->bridge,
	    APP_SF_PREVIEW_CAP, app_sf_bridge_done, s);
	if (s->bridge_op == NULL)
		s->bridge_done = 1;
	return n;
}

const struct xres *
app_sf_bridge(struct app *app, const char **what, int *done, unsigned long *gen)
{
	struct app_sf *s = app_sf(app);

	if (what != NULL)
		*what = s->bridge_what;
	if (done != NULL)
		*done = s->bridge_done;
	if (gen != NULL)
		*gen = s->bridge_gen;
	return s->have_bridge ? &s->bridge : NULL;
}

void
app_sf_goto_set(struct app *app, const char *view)
{
	struct app_sf *s = app_sf(app);

	free(s->go);
	s->go = xstrdup(view);
}

char *
app_sf_goto_take(struct app *app)
{
	struct app_sf *s = app_sf(app);
	char *g = s->go;

	s->go = NULL;
	return g;
}

void
app_sf_jump_task(struct app *app, const char *dag_id, const char *run_id,
    const char *task_id, int map_index)
{
	struct models *m = app_models(app);

	app_select_dag(app, dag_id);
	app_select_run(app, dag_id, run_id);
	app_select_task(app, task_id, map_index, 0);
	/* Without a source (tests), the selection is set by hand. */
	if (m->sel_task == NULL || strcmp(m->sel_task, task_id) != 0) {
		free(m->sel_run);
		free(m->sel_run_dag);
		free(m->sel_task);
		m->sel_run = xstrdup(run_id);
		m->sel_run_dag = xstrdup(dag_id);
		m->sel_task = xstrdup(task_id);
		m->sel_map_index = map_index;
	}
}

void
app_sf_reveal_set(struct app *app, const char *db, const char *schema,
    const char *stage, const char *path)
{
	struct app_sf *s = app_sf(app);

	free(s->rv_db);
	free(s->rv_schema);
	free(s->rv_stage);
	free(s->rv_path);
	s->rv_db = xstrdup(db);
	s->rv_schema = xstrdup(schema);
	s->rv_stage = xstrdup(stage);
	s->rv_path = xstrdup(path);
}

int
app_sf_reveal_take(
    struct app *app, char **db, char **schema, char **stage, char **path)
{
	struct app_sf *s = app_sf(app);

	if (s->rv_path == NULL)
		return 0;
	*db = s->rv_db;
	*schema = s->rv_schema;
	*stage = s->rv_stage;
	*path = s->rv_path;
	s->rv_db = s->rv_schema = s->rv_stage = s->rv_path = NULL;
	return 1;
}
