/* The Snowflake headless twins: stages, stage files, the XCom table, SQL. */

#include "cli_snowflake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "audit.h"
#include "cli.h"
#include "config.h"
#include "http.h"
#include "json_snowflake.h"
#include "model.h"
#include "model_sf.h"
#include "sanitize.h"
#include "sf_conn.h"
#include "sf_sql.h"
#include "timefmt.h"
#include "util.h"

enum cli_sf_cmd {
	CLI_SF_STAGES,
	CLI_SF_FILES,
	CLI_SF_XCOM,
	CLI_SF_SQL,
};

struct cli_sf {
	uv_loop_t loop;
	const struct config *cfg;
	const struct cli_options *opts;
	enum cli_sf_cmd cmd;
	char **args;
	int nargs;
	int status;
	struct http *http;
	struct audit *audit;
	struct cmdlog cmdlog;
	struct sf_conn conn;
	struct sf_client *sf;
	struct sf_models m;
	/* Stage files: where. */
	char *db, *schema, *stage, *prefix;
	/* Generic results (sql, SHOW fallbacks). */
	char **colnames;
	size_t ncols;
	char ***rows; /* sanitized cells, NULL for SQL NULL */
	size_t nrows, caprows;
	int col_idx[8]; /* SHOW/LIST column positions by name */
};

int
cli_sf_is_command(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "sql") == 0)
		return 1;
	if (argc >= 2 && strcmp(argv[0], "get") == 0 &&
	    (strcmp(argv[1], "stages") == 0 || strcmp(argv[1], "files") == 0 ||
		strcmp(argv[1], "xcom-table") == 0))
		return 1;
	return 0;
}

static void
cli_sf_fail(struct cli_sf *c, const char *msg)
{
	char *safe = sanitize_dup(msg, strlen(msg), 0);

	fprintf(stderr, "snowdeck: %s\n", safe);
	free(safe);
	c->status = 1;
}

static char *
cli_sf_safe(const char *s)
{
	return s != NULL ? sanitize_dup(s, strlen(s), 0) : NULL;
}

static void
cli_sf_print_json(cJSON *doc)
{
	char *txt = cJSON_Print(doc);

	if (txt != NULL) {
		fputs(txt, stdout);
		fputc('\n', stdout);
		cJSON_free(txt);
	}
	cJSON_Delete(doc);
}

/* Prints an aligned table; cells already safe; NULL prints "NULL". */
static void
cli_sf_table(const char *const *hdr, size_t ncol, char ***rows, size_t nrows)
{
	size_t *w, i, j, l;
	const char *cell;

	w = xcalloc(ncol > 0 ? ncol : 1, sizeof *w);
	for (j = 0; j < ncol; j++)
		w[j] = strlen(hdr[j]);
	for (i = 0; i < nrows; i++) {
		for (j = 0; j < ncol; j++) {
			l = rows[i][j] != NULL ? strlen(rows[i][j]) : 4;
			if (l > w[j])
				w[j] = l;
		}
	}
	for (j = 0; j < ncol; j++)
		printf("%-*s%s", j + 1 < ncol ? (int)w[j] : 0, hdr[j],
		    j + 1 < ncol ? "  " : "\n");
	for (i = 0; i < nrows; i++) {
		for (j = 0; j < ncol; j++) {
			cell = rows[i][j] != NULL ? rows[i][j] : "NULL";
			printf("%-*s%s", j + 1 < ncol ? (int)w[j] : 0, cell,
			    j + 1 < ncol ? "  " : "\n");
		}
	}
	free(w);
}

static void
cli_sf_rows_free(struct cli_sf *c)
{
	size_t i, j;

	for (i = 0; i < c->nrows; i++) {
		for (j = 0; j < c->ncols; j++)
			free(c->rows[i][j]);
		free(c->rows[i]);
	}
	free(c->rows);
	for (j = 0; j < c->ncols; j++)
		free(c->colnames[j]);
	free(c->colnames);
	c->rows = NULL;
	c->colnames = NULL;
	c->nrows = c->caprows = c->ncols = 0;
}

/* ---- generic result collection ----------------------------------------- */

static void
cli_sf_meta(const struct sf_result_meta *m, void *arg)
{
	struct cli_sf *c = arg;
	size_t i;

	cli_sf_rows_free(c);
	c->ncols = m->ncols;
	c->colnames = xcalloc(m->ncols > 0 ? m->ncols : 1, sizeof *c->colnames);
	for (i = 0; i < m->ncols; i++)
		c->colnames[i] = cli_sf_safe(m->cols[i].name);
}

static int
cli_sf_row(const char *const *cells, size_t ncols, void *arg, char **cause)
{
	struct cli_sf *c = arg;
	size_t j;

	(void)cause;
	if (c->nrows == c->caprows) {
		c->caprows = c->caprows == 0 ? 256 : c->caprows * 2;
		c->rows = xreallocarray(c->rows, c->caprows, sizeof *c->rows);
	}
	c->rows[c->nrows] = xcalloc(ncols > 0 ? ncols : 1, sizeof **c->rows);
	for (j = 0; j < ncols && j < c->ncols; j++)
		c->rows[c->nrows][j] = cli_sf_safe(cells[j]);
	c->nrows++;
	return 0;
}

/* The index of a column by name (case-insensitive), or -1. */
static int
cli_sf_col(const struct cli_sf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->ncols; i++) {
		if (strcasecmp(c->colnames[i], name) == 0)
			return (int)i;
	}
	return -1;
}

static const char *
cli_sf_cell(const struct cli_sf *c, size_t row, int col)
{
	if (col < 0 || c->rows[row][col] == NULL)
		return "";
	return c->rows[row][col];
}

/* ---- get stages -------------------------------------------------------- */

static void
cli_sf_print_stages(struct cli_sf *c)
{
	const struct sf_stages *s = &c->m.stages;
	const char *hdr[] = { "NAME", "DATABASE", "SCHEMA", "KIND", "URL",
		"CREATED", "COMMENT" };
	char ***rows, ts[40];
	size_t i;
	cJSON *arr, *o;

	if (c->opts->json) {
		arr = cJSON_CreateArray();
		for (i = 0; i < s->n; i++) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", s->v[i].name);
			cJSON_AddStringToObject(
			    o, "database", s->v[i].database);
			cJSON_AddStringToObject(o, "schema", s->v[i].schema);
			cJSON_AddStringToObject(o, "kind", s->v[i].kind);
			cJSON_AddStringToObject(o, "url", s->v[i].url);
			if (s->v[i].created_on > 0) {
				time_format_iso(
				    s->v[i].created_on, ts, sizeof ts);
				cJSON_AddStringToObject(o, "created_on", ts);
			} else
				cJSON_AddNullToObject(o, "created_on");
			cJSON_AddStringToObject(o, "comment", s->v[i].comment);
			cJSON_AddItemToArray(arr, o);
		}
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "stages", arr);
		cJSON_AddNumberToObject(o, "total", (double)s->n);
		cli_sf_print_json(o);
		return;
	}
	rows = xcalloc(s->n + 1, sizeof *rows);
	for (i = 0; i < s->n; i++) {
		rows[i] = xcalloc(7, sizeof **rows);
		rows[i][0] = xstrdup(s->v[i].name);
		rows[i][1] = xstrdup(s->v[i].database);
		rows[i][2] = xstrdup(s->v[i].schema);
		rows[i][3] = xstrdup(s->v[i].kind);
		rows[i][4] = xstrdup(*s->v[i].url != '\0' ? s->v[i].url : "-");
		if (s->v[i].created_on > 0) {
			time_format_iso(s->v[i].created_on, ts, sizeof ts);
			rows[i][5] = xstrdup(ts);
		} else
			rows[i][5] = xstrdup("-");
		rows[i][6] = xstrdup(s->v[i].comment);
	}
	cli_sf_table(hdr, 7, rows, s->n);
	for (i = 0; i < s->n; i++) {
		size_t j;

		for (j = 0; j < 7; j++)
			free(rows[i][j]);
		free(rows[i]);
	}
	free(rows);
}

/* Sanitizes every string of a stage in place. */
static void
cli_sf_stage_safe(struct sf_stage *s)
{
	char **f[] = { &s->name, &s->database, &s->schema, &s->kind, &s->url,
		&s->comment };
	size_t i;
	char *t;

	for (i = 0; i < nitems(f); i++) {
		t = cli_sf_safe(*f[i] != NULL ? *f[i] : "");
		free(*f[i]);
		*f[i] = t;
	}
}

static void
cli_sf_show_stages_done(const struct sf_stmt_result *r, void *arg)
{
	struct cli_sf *c = arg;
	struct sf_stage s;
	int name, db, sc, type, url, created, comment;
	size_t i;

	if (r->error) {
		cli_sf_fail(c, r->cause);
		return;
	}
	name = cli_sf_col(c, "name");
	db = cli_sf_col(c, "database_name");
	sc = cli_sf_col(c, "schema_name");
	type = cli_sf_col(c, "type");
	url = cli_sf_col(c, "url");
	created = cli_sf_col(c, "created_on");
	comment = cli_sf_col(c, "comment");
	for (i = 0; i < c->nrows; i++) {
		memset(&s, 0, sizeof s);
		s.name = xstrdup(cli_sf_cell(c, i, name));
		s.database = xstrdup(cli_sf_cell(c, i, db));
		s.schema = xstrdup(cli_sf_cell(c, i, sc));
		s.kind = xstrdup(cli_sf_cell(c, i, type));
		s.url = xstrdup(cli_sf_cell(c, i, url));
		s.comment = xstrdup(cli_sf_cell(c, i, comment));
		if (sf_time_parse(cli_sf_cell(c, i, created), &s.created_on) !=
		    0)
			s.created_on = 0;
		sf_stages_push(&c->m.stages, &s);
	}
	c->m.stages.complete = 1;
	cli_sf_print_stages(c);
}

static int
cli_sf_rest_missing(long status)
{
	/* The account lacks the REST endpoint: fall back to SQL. */
	return status == 404 || status == 405 || status == 501;
}

static void
cli_sf_stages_rest_done(const struct sf_call_result *r, void *arg)
{
	struct cli_sf *c = arg;
	struct sf_stmt_cbs cbs = { cli_sf_meta, cli_sf_row,
		cli_sf_show_stages_done };
	struct buf q;
	char *cause = NULL;
	size_t i;

	if (r->error && cli_sf_rest_missing(r->status)) {
		buf_init(&q);
		buf_adds(&q, "SHOW STAGES IN SCHEMA ");
		sf_ident_quote(&q, c->db);
		buf_addc(&q, '.');
		sf_ident_quote(&q, c->schema);
		sf_sql_run(c->sf, q.data, NULL, 0, &cbs, c);
		buf_free(&q);
		return;
	}
	if (r->error) {
		cli_sf_fail(c, r->cause);
		return;
	}
	if (json_sf_stages_rest_parse(
		r->body, r->len, c->db, c->schema, &c->m.stages, &cause) != 0) {
		cli_sf_fail(c, cause);
		free(cause);
		return;
	}
	for (i = 0; i < c->m.stages.n; i++)
		cli_sf_stage_safe(&c->m.stages.v[i]);
	cli_sf_print_stages(c);
}

/* ---- get files --------------------------------------------------------- */

/* The group of a path: its directory ("" at the top). */
static size_t
cli_sf_dirlen(const char *name)
{
	const char *slash = strrchr(name, '/');

	return slash != NULL ? (size_t)(slash - name) : 0;
}

static void
cli_sf_print_files(struct cli_sf *c)
{
	struct sf_files *f = &c->m.files;
	const char *hdr[] = { "PATH", "SIZE", "MD5", "LAST MODIFIED" };
	char ***rows, ts[40], *where;
	size_t i, j, k, groups = 0, gstart, dl;
	uint64_t gbytes;
	cJSON *doc, *arr, *garr, *o;

	sf_files_sort(f);
	where = xasprintf("@%s.%s.%s%s%s", c->db, c->schema, c->stage,
	    *c->prefix != '\0' ? "/" : "", c->prefix);
	if (c->opts->json) {
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "stage", where);
		arr = cJSON_AddArrayToObject(doc, "files");
		garr = cJSON_AddArrayToObject(doc, "groups");
	} else {
		doc = arr = garr = NULL;
	}
	rows = xcalloc(f->n + 1, sizeof *rows);
	for (i = 0; i < f->n; i++) {
		if (f->v[i].last_modified > 0)
			time_format_iso(f->v[i].last_modified, ts, sizeof ts);
		else
			snprintf(ts, sizeof ts, "-");
		if (doc != NULL) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "path", f->v[i].name);
			cJSON_AddNumberToObject(
			    o, "size", (double)f->v[i].size);
			cJSON_AddStringToObject(o, "md5", f->v[i].md5);
			if (f->v[i].last_modified > 0)
				cJSON_AddStringToObject(o, "last_modified", ts);
			else
				cJSON_AddNullToObject(o, "last_modified");
			cJSON_AddItemToArray(arr, o);
		}
		rows[i] = xcalloc(4, sizeof **rows);
		rows[i][0] = xstrdup(f->v[i].name);
		rows[i][1] =
		    xasprintf("%llu", (unsigned long long)f->v[i].size);
		rows[i][2] = xstrdup(*f->v[i].md5 != '\0' ? f->v[i].md5 : "-");
		rows[i][3] = xstrdup(ts);
	}
	/* Groups: consecutive files (sorted) sharing a directory. */
	for (i = 0; i < f->n; i = k) {
		gstart = i;
		dl = cli_sf_dirlen(f->v[i].name);
		gbytes = 0;
		for (k = i; k < f->n && cli_sf_dirlen(f->v[k].name) == dl &&
			    strncmp(f->v[k].name, f->v[gstart].name, dl) == 0;
		     k++)
			gbytes += f->v[k].size;
		groups++;
		if (garr != NULL) {
			char *pre = xstrndup(f->v[gstart].name, dl);

			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "prefix", pre);
			cJSON_AddNumberToObject(
			    o, "files", (double)(k - gstart));
			cJSON_AddNumberToObject(o, "bytes", (double)gbytes);
			cJSON_AddItemToArray(garr, o);
			free(pre);
		}
	}
	if (doc != NULL) {
		cJSON_AddNumberToObject(doc, "total_files", (double)f->n);
		cJSON_AddNumberToObject(
		    doc, "total_bytes", (double)f->total_bytes);
		cli_sf_print_json(doc);
	} else {
		cli_sf_table(hdr, 4, rows, f->n);
		printf("%zu files, %llu bytes in %zu directories of %s\n", f->n,
		    (unsigned long long)f->total_bytes, groups, where);
	}
	for (i = 0; i < f->n; i++) {
		for (j = 0; j < 4; j++)
			free(rows[i][j]);
		free(rows[i]);
	}
	free(rows);
	free(where);
}

/* Keeps the files under the prefix, drops the stage name part. */
static void
cli_sf_files_filter(struct cli_sf *c)
{
	struct sf_files *f = &c->m.files;
	size_t i, o = 0, sl = strlen(c->stage), pl = strlen(c->prefix);
	char *n, *safe;
	uint64_t total = 0;

	for (i = 0; i < f->n; i++) {
		n = f->v[i].name;
		/* LIST prints "<stage in lower case>/<path>". */
		if (strncasecmp(n, c->stage, sl) == 0 && n[sl] == '/')
			memmove(n, n + sl + 1, strlen(n + sl + 1) + 1);
		if (pl > 0 && strncmp(n, c->prefix, pl) != 0) {
			sf_file_clear(&f->v[i]);
			continue;
		}
		safe = cli_sf_safe(n);
		free(f->v[i].name);
		f->v[i].name = safe;
		safe = cli_sf_safe(f->v[i].md5);
		free(f->v[i].md5);
		f->v[i].md5 = safe;
		total += f->v[i].size;
		f->v[o++] = f->v[i];
	}
	f->n = o;
	f->total_bytes = total;
}

static void
cli_sf_list_done(const struct sf_stmt_result *r, void *arg)
{
	struct cli_sf *c = arg;
	const char *cells[4];
	int idx[4];
	size_t i, j;
	char *cause = NULL;

	if (r->error) {
		cli_sf_fail(c, r->cause);
		return;
	}
	idx[0] = cli_sf_col(c, "name");
	idx[1] = cli_sf_col(c, "size");
	idx[2] = cli_sf_col(c, "md5");
	idx[3] = cli_sf_col(c, "last_modified");
	for (i = 0; i < c->nrows; i++) {
		for (j = 0; j < 4; j++)
			cells[j] = idx[j] >= 0 ? c->rows[i][idx[j]] : NULL;
		if (sf_file_from_list_row(
			&c->m.files, cells, 4, NULL, &cause) != 0) {
			cli_sf_fail(c, cause);
			free(cause);
			return;
		}
	}
	cli_sf_files_filter(c);
	cli_sf_print_files(c);
}

static void
cli_sf_files_rest_done(const struct sf_call_result *r, void *arg)
{
	struct cli_sf *c = arg;
	struct sf_stmt_cbs cbs = { cli_sf_meta, cli_sf_row, cli_sf_list_done };
	struct buf q;
	char *cause = NULL;

	if (r->error && cli_sf_rest_missing(r->status) &&
	    !(r->status == 404 && r->body != NULL &&
		strstr(r->body, "does not exist") != NULL)) {
		/* No user text in the SQL: the stage name is quoted and
		 * the prefix is applied to the listing here. */
		buf_init(&q);
		buf_adds(&q, "LIST @");
		sf_ident_quote(&q, c->db);
		buf_addc(&q, '.');
		sf_ident_quote(&q, c->schema);
		buf_addc(&q, '.');
		sf_ident_quote(&q, c->stage);
		sf_sql_run(c->sf, q.data, NULL, 0, &cbs, c);
		buf_free(&q);
		return;
	}
	if (r->error) {
		cli_sf_fail(c, r->cause);
		return;
	}
	if (json_sf_files_rest_parse(r->body, r->len, &c->m.files, &cause) !=
	    0) {
		cli_sf_fail(c, cause);
		free(cause);
		return;
	}
	cli_sf_files_filter(c);
	cli_sf_print_files(c);
}

/* ---- get xcom-table ---------------------------------------------------- */

/* The value: JSON with secret fields masked, or masked text. Owned. */
static cJSON *
cli_sf_xcom_value(const char *raw)
{
	cJSON *v;
	char *t, *s;

	if (raw == NULL)
		return cJSON_CreateNull();
	v = cJSON_Parse(raw);
	if (v != NULL) {
		redact_json_tree(v);
		return v;
	}
	t = redact_text_dup(raw);
	s = sanitize_dup(t, strlen(t), SANITIZE_KEEP_NL | SANITIZE_KEEP_TAB);
	v = cJSON_CreateString(s);
	free(t);
	free(s);
	return v;
}

/* Sanitizes every string of a cJSON tree in place (keys and values). */
static void
cli_sf_json_safe(cJSON *it)
{
	cJSON *k;
	char *s;

	for (; it != NULL; it = it->next) {
		if (it->string != NULL) {
			s = sanitize_dup(it->string, strlen(it->string), 0);
			cJSON_free(it->string);
			it->string = cJSON_malloc(strlen(s) + 1);
			memcpy(it->string, s, strlen(s) + 1);
			free(s);
		}
		if (cJSON_IsString(it) && it->valuestring != NULL) {
			s = sanitize_dup(it->valuestring,
			    strlen(it->valuestring), SANITIZE_KEEP_NL);
			cJSON_SetValuestring(it, s);
			free(s);
		}
		k = it->child;
		if (k != NULL)
			cli_sf_json_safe(k);
	}
}

static void
cli_sf_xcom_done(const struct sf_stmt_result *r, void *arg)
{
	struct cli_sf *c = arg;
	const char *hdr[] = { "DAG", "TASK", "RUN", "MAP", "KEY", "TYPE",
		"VALUE" };
	char ***rows, *compact;
	size_t i, j;
	cJSON *doc, *arr, *o, *v;

	if (r->error) {
		cli_sf_fail(c, r->cause);
		return;
	}
	/* Cells are sanitized; the value is re-parsed from the raw row
	 * through the redactor below. */
	if (c->opts->json) {
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "table", c->m.xcom.table);
		arr = cJSON_AddArrayToObject(doc, "rows");
		for (i = 0; i < c->nrows; i++) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(
			    o, "dag_id", cli_sf_cell(c, i, 0));
			cJSON_AddStringToObject(
			    o, "task_id", cli_sf_cell(c, i, 1));
			cJSON_AddStringToObject(
			    o, "run_id", cli_sf_cell(c, i, 2));
			cJSON_AddNumberToObject(
			    o, "multi_index", atof(cli_sf_cell(c, i, 3)));
			cJSON_AddStringToObject(o, "key", cli_sf_cell(c, i, 4));
			cJSON_AddStringToObject(
			    o, "value_type", cli_sf_cell(c, i, 5));
			v = cli_sf_xcom_value(c->rows[i][6]);
			cli_sf_json_safe(v);
			cJSON_AddItemToObject(o, "value", v);
			cJSON_AddItemToArray(arr, o);
		}
		cJSON_AddNumberToObject(doc, "total", (double)c->nrows);
		cli_sf_print_json(doc);
		return;
	}
	rows = xcalloc(c->nrows + 1, sizeof *rows);
	for (i = 0; i < c->nrows; i++) {
		rows[i] = xcalloc(7, sizeof **rows);
		for (j = 0; j < 6; j++)
			rows[i][j] = xstrdup(cli_sf_cell(c, i, (int)j));
		v = cli_sf_xcom_value(c->rows[i][6]);
		cli_sf_json_safe(v);
		compact = cJSON_PrintUnformatted(v);
		cJSON_Delete(v);
		if (compact != NULL && strlen(compact) > 120)
			strcpy(compact + 117, "...");
		rows[i][6] = cli_sf_safe(compact != NULL ? compact : "");
		cJSON_free(compact);
	}
	cli_sf_table(hdr, 7, rows, c->nrows);
	for (i = 0; i < c->nrows; i++) {
		for (j = 0; j < 7; j++)
			free(rows[i][j]);
		free(rows[i]);
	}
	free(rows);
}

/* XCom rows keep the raw value cell (redacted when printed). */
static int
cli_sf_xcom_row(const char *const *cells, size_t ncols, void *arg, char **cause)
{
	struct cli_sf *c = arg;
	size_t n = c->nrows;
	int rc = cli_sf_row(cells, ncols, arg, cause);

	if (rc == 0 && ncols >= 7) {
		free(c->rows[n][6]);
		c->rows[n][6] = cells[6] != NULL ? xstrdup(cells[6]) : NULL;
	}
	return rc;
}

static int
cli_sf_xcom_start(struct cli_sf *c, char **cause)
{
	const char *t = getenv("AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE");
	struct sf_stmt_cbs cbs = { cli_sf_meta, cli_sf_xcom_row,
		cli_sf_xcom_done };
	struct sf_bind b[2];
	char *parts[3];
	struct buf q;
	int n, i;

	if (t == NULL || *t == '\0')
		t = "DEMO.XCOM.XCOM_TABLE";
	n = sf_ident_split(t, parts, 3, cause);
	if (n < 0)
		return -1;
	if (n != 3) {
		for (i = 0; i < n; i++)
			free(parts[i]);
		*cause =
		    xasprintf("AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE must be "
			      "DATABASE.SCHEMA.TABLE, not %s",
			t);
		return -1;
	}
	c->m.xcom.table = xasprintf("%s.%s.%s", parts[0], parts[1], parts[2]);
	buf_init(&q);
	buf_adds(&q, "SELECT DAG_ID, TASK_ID, RUN_ID, MULTI_INDEX, KEY, "
		     "VALUE_TYPE, VALUE FROM ");
	for (i = 0; i < 3; i++) {
		if (i > 0)
			buf_addc(&q, '.');
		sf_ident_quote(&q, parts[i]);
		free(parts[i]);
	}
	if (c->nargs >= 1)
		buf_adds(&q, " WHERE DAG_ID = ?");
	if (c->nargs >= 2)
		buf_adds(&q, " AND RUN_ID = ?");
	buf_adds(&q, " ORDER BY DAG_ID, RUN_ID, TASK_ID, MULTI_INDEX, KEY");
	b[0].type = b[1].type = "TEXT";
	b[0].value = c->nargs >= 1 ? c->args[0] : NULL;
	b[1].value = c->nargs >= 2 ? c->args[1] : NULL;
	sf_sql_run(
	    c->sf, q.data, b, (size_t)(c->nargs > 2 ? 2 : c->nargs), &cbs, c);
	buf_free(&q);
	return 0;
}

/* ---- sql --------------------------------------------------------------- */

static void
cli_sf_sql_done(const struct sf_stmt_result *r, void *arg)
{
	struct cli_sf *c = arg;
	cJSON *doc, *cols, *rows, *row;
	size_t i, j;

	if (r->error) {
		cli_sf_fail(c, r->cause);
		return;
	}
	if (c->opts->json) {
		doc = cJSON_CreateObject();
		cols = cJSON_AddArrayToObject(doc, "columns");
		for (j = 0; j < c->ncols; j++)
			cJSON_AddItemToArray(
			    cols, cJSON_CreateString(c->colnames[j]));
		rows = cJSON_AddArrayToObject(doc, "rows");
		for (i = 0; i < c->nrows; i++) {
			row = cJSON_CreateArray();
			for (j = 0; j < c->ncols; j++)
				cJSON_AddItemToArray(
				    row, c->rows[i][j] != NULL
					     ? cJSON_CreateString(c->rows[i][j])
					     : cJSON_CreateNull());
			cJSON_AddItemToArray(rows, row);
		}
		cJSON_AddNumberToObject(doc, "num_rows", (double)c->nrows);
		if (r->handle != NULL)
			cJSON_AddStringToObject(
			    doc, "statement_handle", r->handle);
		cli_sf_print_json(doc);
		return;
	}
	cli_sf_table(
	    (const char *const *)c->colnames, c->ncols, c->rows, c->nrows);
}

/* ---- entry ------------------------------------------------------------- */

static int
cli_sf_usage(const char *msg)
{
	fprintf(stderr, "snowdeck: %s (see snowdeck --help)\n", msg);
	return 2;
}

static int
cli_sf_start(struct cli_sf *c, char **cause)
{
	struct sf_stmt_cbs cbs = { cli_sf_meta, cli_sf_row, cli_sf_sql_done };
	char *path;

	switch (c->cmd) {
	case CLI_SF_STAGES:
		c->db =
		    c->conn.database != NULL ? xstrdup(c->conn.database) : NULL;
		c->schema =
		    c->conn.schema != NULL ? xstrdup(c->conn.schema) : NULL;
		if (c->db == NULL || c->schema == NULL) {
			*cause = xstrdup("get stages needs a database and a "
					 "schema in the Snowflake connection");
			return -1;
		}
		{
			char *parts[1];
			char *d, *s;

			if (sf_ident_split(c->db, parts, 1, cause) != 1)
				return -1;
			d = parts[0];
			if (sf_ident_split(c->schema, parts, 1, cause) != 1) {
				free(d);
				return -1;
			}
			s = parts[0];
			free(c->db);
			free(c->schema);
			c->db = d;
			c->schema = s;
		}
		path = sf_rest_path(c->db, c->schema, "stages", NULL);
		sf_rest_call(c->sf, "GET", path, NULL, NULL, "listing stages",
		    cli_sf_stages_rest_done, c);
		free(path);
		return 0;
	case CLI_SF_FILES:
		if (sf_stage_path_split(c->args[0], c->conn.database,
			c->conn.schema, &c->db, &c->schema, &c->stage,
			&c->prefix, cause) != 0)
			return -1;
		c->m.files.stage = xstrdup(c->args[0]);
		path = sf_rest_path(c->db, c->schema, "stages", c->stage);
		{
			char *p2 = xasprintf("%s/files", path);

			sf_rest_call(c->sf, "GET", p2, NULL, NULL,
			    "listing stage files", cli_sf_files_rest_done, c);
			free(p2);
		}
		free(path);
		return 0;
	case CLI_SF_XCOM:
		return cli_sf_xcom_start(c, cause);
	case CLI_SF_SQL:
		sf_sql_run(c->sf, c->args[0], NULL, 0, &cbs, c);
		return 0;
	}
	return 0;
}

int
cli_sf_run(const struct config *cfg, const struct cli_options *opts, int argc,
    char **argv)
{
	struct cli_sf c;
	struct http_config hc;
	struct sf_client_config sc;
	struct sf_conn_opts co;
	char *cause = NULL;
	enum sf_stmt_kind kind;
	int n;

	memset(&c, 0, sizeof c);
	c.cfg = cfg;
	c.opts = opts;
	if (strcmp(argv[0], "sql") == 0) {
		if (argc != 2)
			return cli_sf_usage("usage: sql \"STATEMENT\" "
					    "[--allow-write]");
		c.cmd = CLI_SF_SQL;
		c.args = argv + 1;
		c.nargs = 1;
		kind = sf_sql_classify(argv[1]);
		if (kind == SF_STMT_EMPTY)
			return cli_sf_usage("the statement is empty");
		if (kind == SF_STMT_MULTI)
			return cli_sf_usage("one statement at a time: the SQL "
					    "API runs a single statement per "
					    "request");
		if (kind == SF_STMT_WRITE &&
		    (!opts->allow_write || cfg->readonly > 0)) {
			fprintf(stderr,
			    "snowdeck: this statement may change data; "
			    "snowdeck sql runs read-only statements (SELECT, "
			    "SHOW, DESCRIBE, LIST, EXPLAIN) unless "
			    "--allow-write is given%s\n",
			    cfg->readonly > 0 ? " (and --readonly is off)"
					      : "");
			return 3;
		}
	} else {
		c.args = argv + 2;
		c.nargs = n = argc - 2;
		if (strcmp(argv[1], "stages") == 0 && n == 0)
			c.cmd = CLI_SF_STAGES;
		else if (strcmp(argv[1], "files") == 0 && n == 1)
			c.cmd = CLI_SF_FILES;
		else if (strcmp(argv[1], "xcom-table") == 0 && n <= 2)
			c.cmd = CLI_SF_XCOM;
		else
			return cli_sf_usage("usage: get stages | files "
					    "@DB.SCHEMA.STAGE[/prefix] "
					    "| xcom-table [DAG [RUN]]");
	}

	sf_models_init(&c.m);
	sf_conn_init(&c.conn);
	memset(&co, 0, sizeof co);
	co.conn_id = opts->sf_conn_id;
	co.name = opts->sf_connection;
	co.url = opts->sf_url;
	if (sf_conn_resolve(&c.conn, &co, &cause) != 0) {
		cli_sf_fail(&c, cause);
		free(cause);
		sf_conn_free(&c.conn);
		sf_models_free(&c.m);
		return c.status;
	}
	uv_loop_init(&c.loop);
	http_config_default(&hc);
	hc.cacert = cfg->cacert;
	hc.insecure = cfg->insecure > 0;
	if (cfg->timeout_ms > 0)
		hc.total_timeout_ms = cfg->timeout_ms;
	memset(&sc, 0, sizeof sc);
	sc.loop = &c.loop;
	sc.conn = &c.conn;
	sc.cmdlog = &c.cmdlog;
	if (http_create(&c.http, &c.loop, &hc, &cause) != 0 ||
	    audit_open(&c.audit, &c.loop, cfg->audit_path, &cause) != 0) {
		cli_sf_fail(&c, cause);
		free(cause);
		goto out;
	}
	sc.audit = c.audit;
	if (sf_client_create(&c.sf, c.http, &sc, &cause) != 0 ||
	    cli_sf_start(&c, &cause) != 0) {
		cli_sf_fail(&c, cause);
		free(cause);
		goto out;
	}
	if (cfg->insecure > 0)
		fprintf(stderr, "snowdeck: warning: TLS verification is off "
				"(--insecure)\n");
	uv_run(&c.loop, UV_RUN_DEFAULT);
out:
	sf_client_free(c.sf);
	http_free(c.http);
	audit_close(c.audit);
	uv_run(&c.loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&c.loop) != 0)
		fprintf(stderr, "snowdeck: warning: loop not closed cleanly\n");
	cli_sf_rows_free(&c);
	cmdlog_free(&c.cmdlog);
	sf_conn_free(&c.conn);
	sf_models_free(&c.m);
	free(c.db);
	free(c.schema);
	free(c.stage);
	free(c.prefix);
	fflush(stdout);
	return c.status;
}
