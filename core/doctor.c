/* The preflight checklist and its pure judgements (see doctor.h). */

#include "doctor.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "grants.h"
#include "json_snowflake.h"
#include "sanitize.h"
#include "util.h"

void
doctor_init(struct doctor *d)
{
	memset(d, 0, sizeof *d);
}

static void
doctor_item_clear(struct doctor_item *it)
{
	free(it->group);
	free(it->name);
	free(it->detail);
	free(it->fix);
}

void
doctor_free(struct doctor *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		doctor_item_clear(&d->v[i]);
	free(d->v);
	memset(d, 0, sizeof *d);
}

static char *
clean(const char *s)
{
	return s != NULL ? sanitize_dup(s, strlen(s), 0) : NULL;
}

size_t
doctor_add(struct doctor *d, const char *group, const char *name)
{
	struct doctor_item *it;

	d->v = xreallocarray(d->v, d->n + 1, sizeof *d->v);
	it = &d->v[d->n];
	memset(it, 0, sizeof *it);
	it->group = clean(group);
	it->name = clean(name);
	it->state = DOCTOR_PENDING;
	return d->n++;
}

void
doctor_set(struct doctor *d, size_t i, enum doctor_state st, const char *detail,
    const char *fix)
{
	struct doctor_item *it;

	if (i >= d->n)
		return;
	it = &d->v[i];
	it->state = st;
	free(it->detail);
	free(it->fix);
	it->detail = clean(detail);
	it->fix = clean(fix);
}

size_t
doctor_pending(const struct doctor *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		n += d->v[i].state == DOCTOR_PENDING;
	return n;
}

int
doctor_exit_code(const struct doctor *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].state == DOCTOR_FAIL ||
		    d->v[i].state == DOCTOR_PENDING)
			return 1;
	}
	return 0;
}

const char *
doctor_glyph(enum doctor_state st, int ascii)
{
	switch (st) {
	case DOCTOR_OK:
		return ascii ? "+" : "\xe2\x9c\x93"; /* ✓ */
	case DOCTOR_FAIL:
		return ascii ? "x" : "\xe2\x9c\x97"; /* ✗ */
	case DOCTOR_WARN:
		return "!";
	case DOCTOR_PENDING:
		return ascii ? "." : "\xe2\x80\xa6"; /* … */
	case DOCTOR_SKIP:
		return "-";
	}
	return "?";
}

const char *
doctor_state_name(enum doctor_state st)
{
	static const char *const names[] = { "pending", "ok", "warn", "fail",
		"skip" };

	return (size_t)st < nitems(names) ? names[st] : "?";
}

void
doctor_text(const struct doctor *d, struct buf *out, int ascii)
{
	const struct doctor_item *it;
	const char *group = NULL;
	size_t i, fails = 0, warns = 0;

	for (i = 0; i < d->n; i++) {
		it = &d->v[i];
		if (group == NULL || strcmp(group, it->group) != 0) {
			buf_printf(out, "%s%s\n", group != NULL ? "\n" : "",
			    it->group);
			group = it->group;
		}
		buf_printf(
		    out, "  %s %s", doctor_glyph(it->state, ascii), it->name);
		if (it->detail != NULL && *it->detail != '\0')
			buf_printf(out, ": %s", it->detail);
		buf_addc(out, '\n');
		if (it->fix != NULL &&
		    (it->state == DOCTOR_FAIL || it->state == DOCTOR_WARN))
			buf_printf(out, "      fix: %s\n", it->fix);
		fails += it->state == DOCTOR_FAIL;
		warns += it->state == DOCTOR_WARN;
	}
	buf_printf(out, "\n%zu checks: %zu failed, %zu warnings\n", d->n, fails,
	    warns);
}

void
doctor_json(const struct doctor *d, struct buf *out)
{
	cJSON *root = cJSON_CreateObject(), *arr, *o;
	const struct doctor_item *it;
	char *txt;
	size_t i;

	cJSON_AddBoolToObject(root, "ok", doctor_exit_code(d) == 0);
	arr = cJSON_AddArrayToObject(root, "checks");
	for (i = 0; i < d->n; i++) {
		it = &d->v[i];
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "group", it->group);
		cJSON_AddStringToObject(o, "check", it->name);
		cJSON_AddStringToObject(
		    o, "state", doctor_state_name(it->state));
		if (it->detail != NULL)
			cJSON_AddStringToObject(o, "detail", it->detail);
		if (it->fix != NULL)
			cJSON_AddStringToObject(o, "fix", it->fix);
		cJSON_AddItemToArray(arr, o);
	}
	txt = cJSON_Print(root);
	buf_adds(out, txt);
	buf_addc(out, '\n');
	cJSON_free(txt);
	cJSON_Delete(root);
}

enum doctor_state
doctor_xcom_table(const char *const *names, const char *const *types,
    size_t nrows, char **detail)
{
	static const struct {
		const char *name, *type;
	} want[] = {
		{ "DAG_ID", "VARCHAR" },
		{ "TASK_ID", "VARCHAR" },
		{ "RUN_ID", "VARCHAR" },
		{ "MULTI_INDEX", "NUMBER" },
		{ "KEY", "VARCHAR" },
		{ "VALUE_TYPE", "VARCHAR" },
		{ "VALUE", "VARCHAR" },
	};
	size_t i, n;
	const char *nm, *ty;

	if (nrows != nitems(want)) {
		*detail =
		    xasprintf("it has %zu columns; the XCom backend needs "
			      "7 (dag_id, task_id, run_id, multi_index, "
			      "key, value_type, value)",
			nrows);
		return DOCTOR_FAIL;
	}
	for (i = 0; i < nitems(want); i++) {
		nm = names[i] != NULL ? names[i] : "";
		ty = types[i] != NULL ? types[i] : "";
		if (strcasecmp(nm, want[i].name) != 0) {
			*detail = xasprintf("column %zu is %s, expected %s",
			    i + 1, nm, want[i].name);
			return DOCTOR_FAIL;
		}
		/* VARCHAR(16777216), NUMBER(38,0): compare the base type. */
		n = strcspn(ty, "(");
		if (n != strlen(want[i].type) ||
		    strncasecmp(ty, want[i].type, n) != 0) {
			*detail = xasprintf("column %s is %s, expected %s",
			    want[i].name, ty, want[i].type);
			return DOCTOR_FAIL;
		}
	}
	*detail = xstrdup("7 columns as the backend expects");
	return DOCTOR_OK;
}

/* Whether s is a 3-part DB.SCHEMA.NAME (the backend asserts it). */
static int
three_parts(const char *s)
{
	const char *p;
	int dots = 0;

	if (*s == '\0' || *s == '.')
		return 0;
	for (p = s; *p != '\0'; p++) {
		if (*p == '.') {
			if (p[1] == '\0' || p[1] == '.')
				return 0;
			dots++;
		}
	}
	return dots == 2;
}

enum doctor_state
doctor_xcom_backend(const char *(*value_of)(const char *, void *), void *arg,
    char **detail, char **fix)
{
	static const char suffix[] = "SnowflakeXComBackend";
	const char *backend, *table, *stage, *conn;
	size_t n;

	*fix = NULL;
	backend = value_of("AIRFLOW__CORE__XCOM_BACKEND", arg);
	table = value_of("AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE", arg);
	stage = value_of("AIRFLOW__CORE__XCOM_SNOWFLAKE_STAGE", arg);
	conn = value_of("AIRFLOW__CORE__XCOM_SNOWFLAKE_CONN_NAME", arg);
	if (backend == NULL || *backend == '\0') {
		*detail = xstrdup("AIRFLOW__CORE__XCOM_BACKEND is not set: "
				  "XComs stay in Airflow's database");
		*fix = xstrdup("set AIRFLOW__CORE__XCOM_BACKEND=snowpark_"
			       "provider.xcom_backends.snowflake."
			       "SnowflakeXComBackend on the scheduler (and "
			       "workers) to keep task outputs in Snowflake");
		return DOCTOR_WARN;
	}
	n = strlen(backend);
	if (n < sizeof suffix - 1 ||
	    strcmp(backend + n - (sizeof suffix - 1), suffix) != 0) {
		*detail = xasprintf("the XCom backend is %s, not the Snowflake "
				    "one",
		    backend);
		return DOCTOR_WARN;
	}
	if (table == NULL || !three_parts(table)) {
		*detail =
		    xasprintf("AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE is %s%s%s",
			table == NULL ? "not set" : "\"",
			table == NULL ? "" : table,
			table == NULL ? "" : "\", not DB.SCHEMA.TABLE");
		*fix = xstrdup("set AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE="
			       "DEMO.XCOM.XCOM_TABLE (a fully-qualified "
			       "name; the backend asserts three parts)");
		return DOCTOR_FAIL;
	}
	if (stage == NULL || !three_parts(stage)) {
		*detail =
		    xasprintf("AIRFLOW__CORE__XCOM_SNOWFLAKE_STAGE is %s%s%s",
			stage == NULL ? "not set" : "\"",
			stage == NULL ? "" : stage,
			stage == NULL ? "" : "\", not DB.SCHEMA.STAGE");
		*fix = xstrdup("set AIRFLOW__CORE__XCOM_SNOWFLAKE_STAGE="
			       "DEMO.XCOM.XCOM_STAGE");
		return DOCTOR_FAIL;
	}
	if (conn == NULL || *conn == '\0') {
		*detail = xstrdup("AIRFLOW__CORE__XCOM_SNOWFLAKE_CONN_NAME is "
				  "not set: the backend raises on every XCom");
		*fix = xstrdup("set AIRFLOW__CORE__XCOM_SNOWFLAKE_CONN_NAME="
			       "snowflake_default");
		return DOCTOR_FAIL;
	}
	*detail = xasprintf("Snowflake XCom backend: table %s, stage %s, "
			    "connection %s",
	    table, stage, conn);
	return DOCTOR_OK;
}

/* At most this many objects are named in one line; the rest counted. */
#define DOCTOR_SPCS_NAMED 8

enum doctor_state
doctor_spcs_operate(const struct grants *g, const struct doctor_spcs_obj *objs,
    size_t n, char **detail, char **fix)
{
	const char *parts[3];
	struct buf d, f, role;
	size_t i, nsvc = 0, npool = 0, denied = 0;
	char *why, *ident;

	*detail = *fix = NULL;
	for (i = 0; i < n; i++) {
		if (objs[i].pool)
			npool++;
		else
			nsvc++;
	}
	if (n == 0) {
		*detail = xstrdup("no services or compute pools to operate");
		return DOCTOR_SKIP;
	}
	buf_init(&role);
	sf_ident_append(&role, g->role);
	buf_init(&d);
	buf_init(&f);
	for (i = 0; i < n; i++) {
		why = grants_spcs_why_not(
		    g, objs[i].pool, objs[i].db, objs[i].schema, objs[i].name);
		if (why == NULL)
			continue;
		free(why);
		if (denied++ >= DOCTOR_SPCS_NAMED)
			continue;
		if (objs[i].pool) {
			parts[0] = objs[i].name;
			ident = grants_ident(parts, 1);
		} else {
			parts[0] = objs[i].db;
			parts[1] = objs[i].schema;
			parts[2] = objs[i].name;
			ident = grants_ident(parts, 3);
		}
		buf_printf(&d, "%s%s %s", denied > 1 ? ", " : "",
		    objs[i].pool ? "compute pool" : "service", ident);
		buf_printf(&f, "%sGRANT OPERATE ON %s %s TO ROLE %s",
		    denied > 1 ? "; " : "ask an admin: ",
		    objs[i].pool ? "COMPUTE POOL" : "SERVICE", ident,
		    role.data);
		free(ident);
	}
	if (denied == 0) {
		*detail = xasprintf("role %s may operate the %zu service%s and "
				    "%zu compute pool%s (SHOW GRANTS%s)",
		    role.data, nsvc, nsvc == 1 ? "" : "s", npool,
		    npool == 1 ? "" : "s",
		    g->capped ? ", hierarchy cut short" : "");
		buf_free(&d);
		buf_free(&f);
		buf_free(&role);
		return DOCTOR_OK;
	}
	if (denied > DOCTOR_SPCS_NAMED)
		buf_printf(&d, " and %zu more", denied - DOCTOR_SPCS_NAMED);
	*detail = xasprintf("role %s lacks OPERATE on %s (SHOW GRANTS%s): "
			    "the console shows their restart, suspend and "
			    "resume disabled",
	    role.data, d.data, g->capped ? ", hierarchy cut short" : "");
	*fix = buf_detach(&f);
	buf_free(&d);
	buf_free(&role);
	return DOCTOR_WARN;
}
