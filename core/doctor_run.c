/* Filling the preflight checklist asynchronously (see doctor_run.h). */

#include "doctor_run.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "airflow.h"
#include "docker.h"
#include "doctor.h"
#include "grants.h"
#include "grants_learn.h"
#include "http.h"
#include "json_docker.h"
#include "json_snowflake.h"
#include "probe.h"
#include "setup.h"
#include "sf_conn.h"
#include "sf_sql.h"
#include "svc.h"
#include "util.h"

struct doctor_run {
	struct doctor *d;
	struct doctor_run_config cfg;
	doctor_done_cb done;
	void *arg;
	int pending;  /* checks in flight */
	int finished; /* done was called */
	char *xcom_table, *xcom_stage;
	/* Lines filled once authentication is known. */
	size_t sf_auth;
	size_t sf_after[8];
	size_t nsf_after;
	/*
	 * The role's OPERATE on the services and pools listed: judged once
	 * its grants (gl) and both lists are in. Names owned.
	 */
	size_t sf_operate;
	struct grants_learn *gl; /* the grants being read; NULL once in */
	struct grants *grants;   /* NULL until read (or on error) */
	char *grants_error;
	int lists_pending; /* pools and services lists still out */
	char **spcs_names; /* db, schema, name triples; pools: NULL, NULL */
	int *spcs_pool;
	size_t nspcs;
	struct svcs svcs;
	/* Every operation in flight, to cancel. */
	struct doctor_op *ops;
};

/* One check in flight: which line(s) it fills and how. */
struct doctor_op {
	struct doctor_run *r;
	struct doctor_op *next, *prev;
	size_t line;
	int kind;
	char *want; /* the name to find in SHOW rows */
	/* Rows of a statement. */
	char **cols;
	size_t ncols;
	char **cells;
	size_t nrows;
	/* Handles, one of them set. */
	struct af_op *af;
	struct sf_stmt *stmt;
	struct docker_op *dk;
	struct http_req *hreq;
	char *expect;
};

enum {
	DOP_AF_VERSION,
	DOP_AF_AUTH,
	DOP_AF_CONFIG,
	DOP_SF_AUTH,
	DOP_SF_SHOW, /* SHOW … LIKE: found or not */
	DOP_SF_TABLE,
	DOP_SF_POOLS,
	DOP_SF_SERVICES,
	DOP_DK_LIST,
	DOP_PROBE,
};

static void doctor_maybe_done(struct doctor_run *);

static struct doctor_op *
dop_new(struct doctor_run *r, int kind, size_t line)
{
	struct doctor_op *o = xcalloc(1, sizeof *o);

	o->r = r;
	o->kind = kind;
	o->line = line;
	o->next = r->ops;
	if (r->ops != NULL)
		r->ops->prev = o;
	r->ops = o;
	r->pending++;
	return o;
}

static void
dop_rows_free(struct doctor_op *o)
{
	size_t i;

	for (i = 0; i < o->ncols; i++)
		free(o->cols[i]);
	free(o->cols);
	for (i = 0; i < o->nrows * o->ncols; i++)
		free(o->cells[i]);
	free(o->cells);
	o->cols = o->cells = NULL;
	o->ncols = o->nrows = 0;
}

/* Unlinks and frees a finished operation; then checks for the end. */
static void
dop_end(struct doctor_op *o)
{
	struct doctor_run *r = o->r;

	if (o->prev != NULL)
		o->prev->next = o->next;
	else
		r->ops = o->next;
	if (o->next != NULL)
		o->next->prev = o->prev;
	dop_rows_free(o);
	free(o->want);
	free(o->expect);
	free(o);
	r->pending--;
	doctor_maybe_done(r);
}

static void
doctor_maybe_done(struct doctor_run *r)
{
	if (r->pending > 0 || r->finished)
		return;
	r->finished = 1;
	r->done(r->d, r->arg);
}

static long
dop_col(const struct doctor_op *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->ncols; i++) {
		if (strcasecmp(o->cols[i], name) == 0)
			return (long)i;
	}
	return -1;
}

static const char *
dop_cell(const struct doctor_op *o, size_t row, long col)
{
	if (col < 0 || row >= o->nrows)
		return NULL;
	return o->cells[row * o->ncols + (size_t)col];
}

/* Airflow. */

static void
af_version_done(const struct af_result *res, void *arg)
{
	struct doctor_op *o = arg;
	struct doctor_run *r = o->r;
	char *detail;

	o->af = NULL;
	if (res->error) {
		doctor_set(r->d, o->line, DOCTOR_FAIL, res->cause,
		    "start Airflow (astro dev start) or point snowdeck at it "
		    "with --airflow-url / SNOWDECK_AIRFLOW_URL");
	} else {
		detail = xasprintf("Airflow %s at %s (REST API %s)",
		    airflow_version(r->cfg.airflow) != NULL
			? airflow_version(r->cfg.airflow)
			: "?",
		    airflow_url(r->cfg.airflow),
		    airflow_api(r->cfg.airflow) == 2 ? "v2" : "v1");
		doctor_set(r->d, o->line, DOCTOR_OK, detail, NULL);
		free(detail);
	}
	dop_end(o);
}

static void
af_auth_done(const struct af_result *res, void *arg)
{
	struct doctor_op *o = arg;
	struct doctor_run *r = o->r;

	o->af = NULL;
	if (!res->error)
		doctor_set(
		    r->d, o->line, DOCTOR_OK, "the user may read DAGs", NULL);
	else if (res->status == 401)
		doctor_set(r->d, o->line, DOCTOR_FAIL, res->cause,
		    "set SNOWDECK_AIRFLOW_USERNAME and "
		    "SNOWDECK_AIRFLOW_PASSWORD "
		    "(or SNOWDECK_AIRFLOW_TOKEN) to a user Airflow accepts");
	else if (res->status == 403)
		doctor_set(r->d, o->line, DOCTOR_FAIL, res->cause,
		    "give the user a role that can read DAGs (Viewer or more)");
	else
		doctor_set(r->d, o->line, DOCTOR_FAIL, res->cause,
		    "see the line above: Airflow must answer first");
	dop_end(o);
}

/* Values of Airflow's [core] options as the config API lists them. */
struct af_conf {
	cJSON *core; /* the "options" array of section core */
};

static const char *
af_conf_value(const char *env_name, void *arg)
{
	struct af_conf *c = arg;
	const cJSON *opt, *k, *v;
	const char *key;

	/* AIRFLOW__CORE__XCOM_BACKEND -> xcom_backend */
	key = env_name + strlen("AIRFLOW__CORE__");
	cJSON_ArrayForEach(opt, c->core)
	{
		k = cJSON_GetObjectItemCaseSensitive(opt, "key");
		v = cJSON_GetObjectItemCaseSensitive(opt, "value");
		if (cJSON_IsString(k) && cJSON_IsString(v) &&
		    strcasecmp(k->valuestring, key) == 0)
			return v->valuestring;
	}
	return NULL;
}

static const char *
env_value(const char *name, void *arg)
{
	(void)arg;
	return getenv(name);
}

static void
doctor_xcom_judge(struct doctor_run *r, size_t line,
    const char *(*value_of)(const char *, void *), void *arg, const char *where)
{
	enum doctor_state st;
	char *detail = NULL, *fix = NULL, *full;

	st = doctor_xcom_backend(value_of, arg, &detail, &fix);
	full = xasprintf("%s (%s)", detail, where);
	doctor_set(r->d, line, st, full, fix);
	free(full);
	free(detail);
	free(fix);
}

static void
af_config_done(const struct af_result *res, void *arg)
{
	struct doctor_op *o = arg;
	struct doctor_run *r = o->r;
	struct af_conf c = { NULL };
	cJSON *root = NULL;
	const cJSON *sec, *name;

	o->af = NULL;
	if (!res->error)
		root = cJSON_ParseWithLength(res->body, res->len);
	cJSON_ArrayForEach(
	    sec, cJSON_GetObjectItemCaseSensitive(root, "sections"))
	{
		name = cJSON_GetObjectItemCaseSensitive(sec, "name");
		if (cJSON_IsString(name) &&
		    strcmp(name->valuestring, "core") == 0)
			c.core =
			    cJSON_GetObjectItemCaseSensitive(sec, "options");
	}
	if (c.core != NULL)
		doctor_xcom_judge(
		    r, o->line, af_conf_value, &c, "from Airflow's config API");
	else if (res->error && res->status == 0)
		doctor_set(r->d, o->line, DOCTOR_SKIP,
		    "not checked: Airflow did not answer", NULL);
	else
		doctor_set(r->d, o->line, DOCTOR_WARN,
		    res->error ? res->cause
			       : "Airflow's config API did not list [core]",
		    "run snowdeck where the scheduler's environment is (astro "
		    "dev bash -s) or set [api] expose_config = True, so the "
		    "XCom backend settings can be checked");
	cJSON_Delete(root);
	dop_end(o);
}

static void
doctor_airflow(struct doctor_run *r)
{
	struct doctor_op *o;
	size_t l;

	l = doctor_add(r->d, "Airflow", "reachable");
	if (r->cfg.airflow == NULL) {
		doctor_set(r->d, l, DOCTOR_FAIL, "no Airflow client",
		    "set --airflow-url");
		return;
	}
	o = dop_new(r, DOP_AF_VERSION, l);
	o->af = airflow_call(r->cfg.airflow, "GET", "/version", NULL, NULL, 0,
	    af_version_done, o);
	l = doctor_add(r->d, "Airflow", "authorised");
	o = dop_new(r, DOP_AF_AUTH, l);
	o->af = airflow_call(r->cfg.airflow, "GET", "/dags", "limit=1", NULL, 0,
	    af_auth_done, o);
	l = doctor_add(r->d, "Airflow", "Snowflake XCom backend configured");
	if (getenv("AIRFLOW__CORE__XCOM_BACKEND") != NULL) {
		doctor_xcom_judge(
		    r, l, env_value, NULL, "from this environment");
		return;
	}
	o = dop_new(r, DOP_AF_CONFIG, l);
	o->af = airflow_call(r->cfg.airflow, "GET", "/config", "section=core",
	    NULL, 0, af_config_done, o);
}

/* Snowflake. */

static void
sf_meta(const struct sf_result_meta *m, void *arg)
{
	struct doctor_op *o = arg;
	size_t i;

	dop_rows_free(o);
	o->ncols = m->ncols;
	o->cols = xcalloc(m->ncols + 1, sizeof *o->cols);
	for (i = 0; i < m->ncols; i++)
		o->cols[i] =
		    xstrdup(m->cols[i].name != NULL ? m->cols[i].name : "");
}

static int
sf_row(const char *const *cells, size_t ncols, void *arg, char **cause)
{
	struct doctor_op *o = arg;
	size_t i;

	(void)cause;
	if (ncols != o->ncols || o->nrows >= 10000)
		return 0;
	o->cells = xreallocarray(
	    o->cells, (o->nrows + 1) * (ncols ? ncols : 1), sizeof *o->cells);
	for (i = 0; i < ncols; i++)
		o->cells[o->nrows * ncols + i] =
		    cells[i] != NULL ? xstrdup(cells[i]) : NULL;
	o->nrows++;
	return 0;
}

static void sf_done(const struct sf_stmt_result *, void *);

static void
sf_run(struct doctor_run *r, int kind, size_t line, const char *sql,
    const char *want)
{
	static const struct sf_stmt_cbs cbs = { sf_meta, sf_row, sf_done };
	struct doctor_op *o = dop_new(r, kind, line);

	o->want = want != NULL ? xstrdup(want) : NULL;
	o->stmt = sf_sql_run(r->cfg.sf, sql, NULL, 0, &cbs, o);
}

/* "SHOW WAREHOUSES LIKE 'X'" for a plain or quoted name. */
static char *
show_like(const char *what, const char *name, const char *in)
{
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "SHOW %s LIKE ", what);
	sql_string(&b, name);
	if (in != NULL)
		buf_printf(&b, " IN %s", in);
	return buf_detach(&b);
}

/* A qualified name quoted part by part, or NULL with *cause. */
static char *
quoted_name(const char *name, int parts, char **cause)
{
	char *p[3];
	struct buf b;
	int n, i;

	n = sf_ident_split(name, p, parts, cause);
	if (n < 0)
		return NULL;
	if (n != parts) {
		for (i = 0; i < n; i++)
			free(p[i]);
		*cause = xasprintf("\"%s\" is not a %d-part name", name, parts);
		return NULL;
	}
	buf_init(&b);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(&b, '.');
		sf_ident_quote(&b, p[i]);
		free(p[i]);
	}
	return buf_detach(&b);
}

/* The OPERATE line, once the grants and both lists are in. */
static void
doctor_operate_judge(struct doctor_run *r)
{
	struct doctor_spcs_obj *objs;
	char *detail, *fix;
	enum doctor_state st;
	size_t i, k;
	int pass;

	if (r->gl != NULL || r->lists_pending > 0)
		return;
	if (r->grants == NULL) {
		detail = xasprintf("could not read the role's grants: %s",
		    r->grants_error != NULL ? r->grants_error : "?");
		doctor_set(r->d, r->sf_operate, DOCTOR_WARN, detail,
		    "every action stays offered; Snowflake refuses what the "
		    "role may not do");
		free(detail);
		return;
	}
	/* Services, then pools, whichever list came first. */
	objs = xcalloc(r->nspcs + 1, sizeof *objs);
	for (pass = 0, k = 0; pass < 2; pass++)
		for (i = 0; i < r->nspcs; i++) {
			if (r->spcs_pool[i] != pass)
				continue;
			objs[k].pool = r->spcs_pool[i];
			objs[k].db = r->spcs_names[3 * i];
			objs[k].schema = r->spcs_names[3 * i + 1];
			objs[k++].name = r->spcs_names[3 * i + 2];
		}
	st = doctor_spcs_operate(r->grants, objs, r->nspcs, &detail, &fix);
	doctor_set(r->d, r->sf_operate, st, detail, fix);
	free(detail);
	free(fix);
	free(objs);
}

/* Keeps the names of a SHOW SERVICES / COMPUTE POOLS result's rows. */
static void
doctor_operate_keep(struct doctor_op *o, int pool)
{
	struct doctor_run *r = o->r;
	long cn = dop_col(o, "name"), cd = dop_col(o, "database_name"),
	     cs = dop_col(o, "schema_name");
	const char *name;
	size_t i, k;

	for (i = 0; i < o->nrows; i++) {
		if ((name = dop_cell(o, i, cn)) == NULL)
			continue;
		if (!pool &&
		    (dop_cell(o, i, cd) == NULL || dop_cell(o, i, cs) == NULL))
			continue;
		k = r->nspcs++;
		r->spcs_names = xreallocarray(
		    r->spcs_names, 3 * r->nspcs, sizeof *r->spcs_names);
		r->spcs_pool =
		    xreallocarray(r->spcs_pool, r->nspcs, sizeof *r->spcs_pool);
		r->spcs_pool[k] = pool;
		r->spcs_names[3 * k] =
		    pool ? NULL : xstrdup(dop_cell(o, i, cd));
		r->spcs_names[3 * k + 1] =
		    pool ? NULL : xstrdup(dop_cell(o, i, cs));
		r->spcs_names[3 * k + 2] = xstrdup(name);
	}
}

static void
doctor_grants_done(struct grants *sets, size_t n, const char *cause, void *arg)
{
	struct doctor_run *r = arg;

	r->gl = NULL;
	if (sets != NULL && n == 1)
		r->grants = sets;
	else {
		if (sets != NULL)
			grants_free_all(sets, n);
		r->grants_error = xstrdup(cause != NULL ? cause : "no result");
	}
	doctor_operate_judge(r);
	r->pending--;
	doctor_maybe_done(r);
}

/* Reads the session role's grants (SHOW GRANTS, through its hierarchy). */
static void
doctor_grants_start(struct doctor_run *r)
{
	static const char *const roles[] = { NULL };

	/* done never runs inside the call, nor does a list's answer: gl is
	 * set before anything judges. */
	r->pending++;
	r->gl = grants_learn_start(r->cfg.sf, roles, 1, doctor_grants_done, r);
}

static void
doctor_sf_after_auth(struct doctor_run *r)
{
	const struct sf_conn *c = r->cfg.conn;
	char *sql, *cause = NULL, *q, *parts[1], *db = NULL, *in;
	char *sp[3] = { NULL, NULL, NULL };
	size_t i = 0;
	int n;

	/* warehouse, database, schema, table, stage, pools, services */
	if (c->warehouse != NULL) {
		sql = show_like("WAREHOUSES", c->warehouse, NULL);
		if (sf_ident_split(c->warehouse, parts, 1, &cause) == 1) {
			sf_run(r, DOP_SF_SHOW, r->sf_after[i], sql, parts[0]);
			free(parts[0]);
		} else {
			doctor_set(
			    r->d, r->sf_after[i], DOCTOR_FAIL, cause, NULL);
			free(cause);
			cause = NULL;
		}
		free(sql);
	} else
		doctor_set(r->d, r->sf_after[i], DOCTOR_WARN,
		    "the connection names no warehouse: statements that need "
		    "compute (the XCom table, previews) will fail",
		    "add warehouse to the connection (extra.warehouse, or "
		    "warehouse = in connections.toml)");
	i++;
	if (c->database != NULL &&
	    sf_ident_split(c->database, parts, 1, &cause) == 1) {
		db = parts[0];
		sql = show_like("DATABASES", db, NULL);
		sf_run(r, DOP_SF_SHOW, r->sf_after[i], sql, db);
		free(sql);
	} else {
		doctor_set(r->d, r->sf_after[i], DOCTOR_WARN,
		    cause != NULL ? cause : "the connection names no database",
		    "add database to the connection");
		free(cause);
		cause = NULL;
	}
	i++;
	if (db != NULL && c->schema != NULL &&
	    sf_ident_split(c->schema, parts, 1, &cause) == 1) {
		struct buf b;

		buf_init(&b);
		buf_adds(&b, "DATABASE ");
		sf_ident_quote(&b, db);
		in = buf_detach(&b);
		sql = show_like("SCHEMAS", parts[0], in);
		sf_run(r, DOP_SF_SHOW, r->sf_after[i], sql, parts[0]);
		free(sql);
		free(in);
		free(parts[0]);
	} else {
		doctor_set(r->d, r->sf_after[i], DOCTOR_WARN,
		    cause != NULL ? cause : "the connection names no schema",
		    "add schema to the connection");
		free(cause);
		cause = NULL;
	}
	i++;
	free(db);
	if ((q = quoted_name(r->xcom_table, 3, &cause)) != NULL) {
		sql = xasprintf("DESCRIBE TABLE %s", q);
		sf_run(r, DOP_SF_TABLE, r->sf_after[i], sql, NULL);
		free(sql);
		free(q);
	} else {
		doctor_set(r->d, r->sf_after[i], DOCTOR_FAIL, cause,
		    "AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE must be "
		    "DB.SCHEMA.TABLE");
		free(cause);
		cause = NULL;
	}
	i++;
	if (sf_ident_split(r->xcom_stage, sp, 3, &cause) == 3) {
		struct buf b;

		buf_init(&b);
		buf_adds(&b, "SCHEMA ");
		sf_ident_quote(&b, sp[0]);
		buf_addc(&b, '.');
		sf_ident_quote(&b, sp[1]);
		in = buf_detach(&b);
		sql = show_like("STAGES", sp[2], in);
		sf_run(r, DOP_SF_SHOW, r->sf_after[i], sql, sp[2]);
		free(sql);
		free(in);
	} else {
		doctor_set(r->d, r->sf_after[i], DOCTOR_FAIL,
		    cause != NULL ? cause : "not a DB.SCHEMA.STAGE name",
		    "AIRFLOW__CORE__XCOM_SNOWFLAKE_STAGE must be "
		    "DB.SCHEMA.STAGE");
		free(cause);
		cause = NULL;
	}
	for (n = 0; n < 3; n++)
		free(sp[n]);
	i++;
	r->lists_pending = 2;
	sf_run(r, DOP_SF_POOLS, r->sf_after[i++], "SHOW COMPUTE POOLS", NULL);
	sf_run(r, DOP_SF_SERVICES, r->sf_after[i++], "SHOW SERVICES IN ACCOUNT",
	    NULL);
	doctor_grants_start(r);
}

static void
sf_skip_after(struct doctor_run *r, const char *why)
{
	size_t i;

	for (i = 0; i < r->nsf_after; i++)
		doctor_set(r->d, r->sf_after[i], DOCTOR_SKIP, why, NULL);
}

static int
state_in(const char *s, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (s != NULL && strcasecmp(s, *list) == 0)
			return 1;
	}
	return 0;
}

/* Pools or services: every one in a good state. */
static void
sf_judge_list(struct doctor_op *o, const char *what, const char *state_col,
    const char *const *good, const char *const *waiting)
{
	struct doctor_run *r = o->r;
	long cn = dop_col(o, "name"), cs = dop_col(o, state_col);
	struct buf b;
	size_t i;
	const char *st;
	int fail = 0, warn = 0;

	if (o->nrows == 0) {
		char *d = xasprintf("no %s (Snowpark Container Services not "
				    "used by this account or role)",
		    what);

		doctor_set(r->d, o->line, DOCTOR_SKIP, d, NULL);
		free(d);
		return;
	}
	buf_init(&b);
	for (i = 0; i < o->nrows; i++) {
		st = dop_cell(o, i, cs);
		buf_printf(&b, "%s%s %s", i > 0 ? ", " : "",
		    dop_cell(o, i, cn) != NULL ? dop_cell(o, i, cn) : "?",
		    st != NULL ? st : "?");
		if (state_in(st, good))
			continue;
		if (state_in(st, waiting))
			warn = 1;
		else
			fail = 1;
	}
	doctor_set(r->d, o->line,
	    fail   ? DOCTOR_FAIL
	    : warn ? DOCTOR_WARN
		   : DOCTOR_OK,
	    b.data,
	    fail || warn ? "resume it from the services pane (or ALTER … "
			   "RESUME) and check its logs"
			 : NULL);
	buf_free(&b);
}

static void
sf_done(const struct sf_stmt_result *res, void *arg)
{
	static const char *const pool_good[] = { "ACTIVE", "IDLE", NULL };
	static const char *const pool_wait[] = { "STARTING", "RESIZING",
		"SUSPENDED", NULL };
	static const char *const svc_good[] = { "RUNNING", "READY", NULL };
	static const char *const svc_wait[] = { "PENDING", "SUSPENDING",
		"SUSPENDED", NULL };
	struct doctor_op *o = arg;
	struct doctor_run *r = o->r;
	const char *names[16], *types[16];
	long cn, ct;
	size_t i;
	char *detail = NULL;
	enum doctor_state st;
	int found;

	o->stmt = NULL;
	switch (o->kind) {
	case DOP_SF_AUTH:
		if (res->error) {
			doctor_set(r->d, o->line, DOCTOR_FAIL, res->cause,
			    r->cfg.conn != NULL &&
				    r->cfg.conn->auth == SF_AUTH_JWT
				? "check the account identifier and user, and "
				  "that the public key is registered: ALTER "
				  "USER <user> SET RSA_PUBLIC_KEY='MII…'"
				: "check the account, user and token");
			sf_skip_after(r, "not checked: Snowflake did not "
					 "authenticate");
			break;
		}
		detail = xasprintf("as %s, role %s, warehouse %s",
		    dop_cell(o, 0, 0) != NULL ? dop_cell(o, 0, 0) : "?",
		    dop_cell(o, 0, 1) != NULL ? dop_cell(o, 0, 1) : "?",
		    dop_cell(o, 0, 2) != NULL ? dop_cell(o, 0, 2) : "none");
		doctor_set(r->d, o->line, DOCTOR_OK, detail, NULL);
		free(detail);
		doctor_sf_after_auth(r);
		break;
	case DOP_SF_SHOW:
		cn = dop_col(o, "name");
		for (i = 0, found = 0; i < o->nrows && !found; i++)
			found = dop_cell(o, i, cn) != NULL &&
				strcmp(dop_cell(o, i, cn), o->want) == 0;
		if (!res->error && found)
			doctor_set(r->d, o->line, DOCTOR_OK, "exists", NULL);
		else
			doctor_set(r->d, o->line, DOCTOR_FAIL,
			    res->error ? res->cause
				       : "does not exist, or the role cannot "
					 "see it",
			    "create it (snowdeck setup --apply) or grant the "
			    "role USAGE on it");
		break;
	case DOP_SF_TABLE:
		if (res->error) {
			doctor_set(r->d, o->line, DOCTOR_FAIL, res->cause,
			    "create it: snowdeck setup --apply");
			break;
		}
		cn = dop_col(o, "name");
		ct = dop_col(o, "type");
		for (i = 0; i < o->nrows && i < 16; i++) {
			names[i] = dop_cell(o, i, cn);
			types[i] = dop_cell(o, i, ct);
		}
		st = doctor_xcom_table(names, types, o->nrows, &detail);
		doctor_set(r->d, o->line, st, detail,
		    st == DOCTOR_OK ? NULL
				    : "the backend writes these 7 columns: "
				      "recreate the table with snowdeck setup "
				      "--apply --replace-xcom (wipes it)");
		free(detail);
		break;
	case DOP_SF_POOLS:
		if (res->error)
			doctor_set(r->d, o->line, DOCTOR_WARN, res->cause,
			    "the role cannot list compute pools; grant "
			    "MONITOR on them to see their state");
		else {
			sf_judge_list(
			    o, "compute pools", "state", pool_good, pool_wait);
			doctor_operate_keep(o, 1);
		}
		r->lists_pending--;
		doctor_operate_judge(r);
		break;
	case DOP_SF_SERVICES:
		if (res->error)
			doctor_set(r->d, o->line, DOCTOR_WARN, res->cause,
			    "the role cannot list services; grant MONITOR "
			    "on them");
		else {
			sf_judge_list(
			    o, "services", "status", svc_good, svc_wait);
			doctor_operate_keep(o, 0);
		}
		r->lists_pending--;
		doctor_operate_judge(r);
		break;
	}
	dop_end(o);
}

static void
doctor_snowflake(struct doctor_run *r)
{
	static const char *const after[] = { "warehouse", "database", "schema",
		"XCom table", "XCom stage", "compute pools", "services" };
	const struct sf_conn *c = r->cfg.conn;
	size_t l, i;
	char *name, *detail;

	l = doctor_add(r->d, "Snowflake", "connection");
	if (r->cfg.sf == NULL || c == NULL) {
		doctor_set(r->d, l, DOCTOR_FAIL,
		    r->cfg.sf_error != NULL ? r->cfg.sf_error
					    : "no Snowflake connection",
		    "set AIRFLOW_CONN_SNOWFLAKE_DEFAULT or add a connection "
		    "to ~/.snowflake/connections.toml; the SQL API needs key "
		    "pair, PAT or OAuth auth");
		return;
	}
	detail = xasprintf("%s: account %s, user %s, %s", c->source,
	    c->account != NULL ? c->account : "?",
	    c->user != NULL ? c->user : "?",
	    c->auth == SF_AUTH_JWT   ? "key-pair JWT"
	    : c->auth == SF_AUTH_PAT ? "programmatic access token"
				     : "OAuth token");
	doctor_set(r->d, l, DOCTOR_OK, detail, NULL);
	free(detail);
	r->sf_auth = doctor_add(r->d, "Snowflake", "authenticated");
	for (i = 0; i < nitems(after); i++) {
		if (i == 0 && c->warehouse != NULL)
			name = xasprintf("warehouse %s", c->warehouse);
		else if (i == 1 && c->database != NULL)
			name = xasprintf("database %s", c->database);
		else if (i == 2 && c->schema != NULL)
			name = xasprintf("schema %s.%s",
			    c->database != NULL ? c->database : "?", c->schema);
		else if (i == 3)
			name = xasprintf("XCom table %s", r->xcom_table);
		else if (i == 4)
			name = xasprintf("XCom stage %s", r->xcom_stage);
		else
			name = xstrdup(after[i]);
		r->sf_after[r->nsf_after++] =
		    doctor_add(r->d, "Snowflake", name);
		free(name);
	}
	r->sf_operate = r->sf_after[r->nsf_after++] =
	    doctor_add(r->d, "Snowflake", "role may operate SPCS");
	sf_run(r, DOP_SF_AUTH, r->sf_auth,
	    "SELECT CURRENT_USER(), CURRENT_ROLE(), CURRENT_WAREHOUSE()", NULL);
}

/* Local services. */

static void
probe_done(const struct http_response *res, void *arg)
{
	struct doctor_op *o = arg;
	char *detail = NULL;
	enum svc_probe p;

	o->hreq = NULL;
	p = probe_judge(res->status, res->body, res->body_len, o->expect,
	    res->error ? res->cause : NULL, &detail);
	doctor_set(o->r->d, o->line,
	    p == SVC_PROBE_OK ? DOCTOR_OK : DOCTOR_FAIL, detail,
	    p == SVC_PROBE_OK ? NULL
			      : "look at the container's logs in the services "
				"pane, or restart it");
	free(detail);
	dop_end(o);
}

static void
dk_list_done(const struct docker_result *res, void *arg)
{
	struct doctor_op *o = arg;
	struct doctor_run *r = o->r;
	struct http_request req;
	struct doctor_op *p;
	char *cause = NULL, *url, *expect, *name, *detail;
	size_t i;

	o->dk = NULL;
	if (res->error || json_docker_containers_parse(
			      res->body, res->len, &r->svcs, &cause) != 0) {
		doctor_set(r->d, o->line, DOCTOR_FAIL,
		    res->error ? res->cause : cause,
		    "start the engine (or the podman socket), or set "
		    "DOCKER_HOST");
		free(cause);
		dop_end(o);
		return;
	}
	detail = xasprintf(
	    "%zu containers in compose project %s", r->svcs.n, r->cfg.project);
	doctor_set(r->d, o->line, r->svcs.n > 0 ? DOCTOR_OK : DOCTOR_SKIP,
	    r->svcs.n > 0 ? detail : "no containers in the compose project",
	    NULL);
	free(detail);
	for (i = 0; i < r->svcs.n; i++) {
		if (probe_resolve(&r->svcs.v[i], r->cfg.cfg, &url, &expect) !=
		    0)
			continue;
		name = xasprintf("%s health (%s)",
		    r->svcs.v[i].service != NULL ? r->svcs.v[i].service
						 : r->svcs.v[i].name,
		    url);
		p = dop_new(r, DOP_PROBE, doctor_add(r->d, "Services", name));
		free(name);
		p->expect = expect;
		memset(&req, 0, sizeof req);
		req.method = "GET";
		req.url = url;
		req.flags = HTTP_NO_RETRY;
		req.total_timeout_ms = PROBE_TIMEOUT_MS;
		p->hreq = http_start(r->cfg.http, &req, probe_done, p);
		free(url);
	}
	dop_end(o);
}

static void
doctor_local(struct doctor_run *r)
{
	struct doctor_op *o;
	size_t l;
	char *q, *name;

	name = xasprintf("local containers%s%s",
	    r->cfg.project != NULL ? " of " : "",
	    r->cfg.project != NULL ? r->cfg.project : "");
	l = doctor_add(r->d, "Services", name);
	free(name);
	if (r->cfg.docker == NULL || r->cfg.project == NULL) {
		doctor_set(r->d, l, DOCTOR_SKIP,
		    r->cfg.docker_error != NULL ? r->cfg.docker_error
						: "no container engine found",
		    NULL);
		return;
	}
	o = dop_new(r, DOP_DK_LIST, l);
	q = docker_project_filter(r->cfg.project, 0);
	name = xasprintf("all=1&%s", q);
	o->dk = docker_call(r->cfg.docker, "GET", "/containers/json", name,
	    NULL, dk_list_done, o);
	free(name);
	free(q);
}

int
doctor_run_start(struct doctor_run **out, struct doctor *d,
    const struct doctor_run_config *cfg, doctor_done_cb done, void *arg,
    char **cause)
{
	struct doctor_run *r;
	const char *t, *s;

	(void)cause;
	r = xcalloc(1, sizeof *r);
	r->d = d;
	r->cfg = *cfg;
	r->done = done;
	r->arg = arg;
	svcs_init(&r->svcs);
	t = cfg->xcom_table != NULL
		? cfg->xcom_table
		: getenv("AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE");
	s = cfg->xcom_stage != NULL
		? cfg->xcom_stage
		: getenv("AIRFLOW__CORE__XCOM_SNOWFLAKE_STAGE");
	r->xcom_table = xstrdup(t != NULL ? t : "DEMO.XCOM.XCOM_TABLE");
	r->xcom_stage = xstrdup(s != NULL ? s : "DEMO.XCOM.XCOM_STAGE");
	/* Hold the end until every check has started. */
	r->pending++;
	doctor_airflow(r);
	doctor_snowflake(r);
	doctor_local(r);
	r->pending--;
	*out = r;
	if (r->pending == 0)
		r->finished = 1; /* all set already: no callback */
	return 0;
}

void
doctor_run_cancel(struct doctor_run *r)
{
	struct doctor_op *o, *next;

	if (r == NULL)
		return;
	for (o = r->ops; o != NULL; o = next) {
		next = o->next;
		if (o->af != NULL)
			airflow_cancel(o->af);
		if (o->stmt != NULL)
			sf_stmt_cancel(o->stmt);
		if (o->dk != NULL)
			docker_cancel(o->dk);
		if (o->hreq != NULL)
			http_cancel(o->hreq);
		dop_rows_free(o);
		free(o->want);
		free(o->expect);
		free(o);
	}
	grants_learn_cancel(r->gl);
	if (r->grants != NULL)
		grants_free_all(r->grants, 1);
	free(r->grants_error);
	for (size_t i = 0; i < 3 * r->nspcs; i++)
		free(r->spcs_names[i]);
	free(r->spcs_names);
	free(r->spcs_pool);
	svcs_free(&r->svcs);
	free(r->xcom_table);
	free(r->xcom_stage);
	free(r);
}
