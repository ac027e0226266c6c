/* The Snowflake headless twins: stages, stage files, the XCom table, SQL. */

#include "cli_snowflake.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "audit.h"
#include "cli.h"
#include "cli_env.h"
#include "cli_out.h"
#include "config.h"
#include "http.h"
#include "json_snowflake.h"
#include "model.h"
#include "model_sf.h"
#include "sanitize.h"
#include "sf_conn.h"
#include "sf_resources.h"
#include "sf_sql.h"
#include "src_snowflake.h"
#include "timefmt.h"
#include "util.h"

enum cli_sf_cmd {
	CLI_SF_STAGES,
	CLI_SF_FILES,
	CLI_SF_XCOM,
	CLI_SF_SQL,
	CLI_SF_REPOS,
	CLI_SF_PREVIEW,
};

struct cli_sf {
	struct cli_env env; /* loop, http, audit, cmdlog, conn, sf */
	const struct config *cfg;
	const struct cli_options *opts;
	enum cli_sf_cmd cmd;
	char **args;
	int nargs;
	int status;
	struct sf_models m;
	struct src_snowflake *src;
	struct sf_res *res;
	/* Generic results (sql, SHOW fallbacks). */
	char **colnames;
	size_t ncols;
	char ***rows; /* sanitized cells, NULL for SQL NULL */
	size_t nrows, caprows;
};

int
cli_sf_is_command(int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "sql") == 0)
		return 1;
	if (argc >= 2 && strcmp(argv[0], "get") == 0 &&
	    (strcmp(argv[1], "stages") == 0 || strcmp(argv[1], "files") == 0 ||
		strcmp(argv[1], "file") == 0 ||
		strcmp(argv[1], "xcom-table") == 0 ||
		strcmp(argv[1], "image-repositories") == 0))
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

/* A cell for the terminal: sanitized, then secrets masked (a cell may hold
 * JSON text with secret fields, e.g. an XCom table value). Caller frees. */
static char *
cli_sf_safe(const char *s)
{
	char *safe, *out;

	if (s == NULL)
		return NULL;
	safe = sanitize_dup(s, strlen(s), 0);
	out = redact_text_dup(safe);
	free(safe);
	return out;
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
	for (j = 0; j < ncols && j < c->ncols; j++) {
		char *masked;

		if (cells[j] == NULL)
			continue;
		/* Secrets never reach the screen: a column whose name looks
		 * secret is masked whole, others through the text masker
		 * (JWTs, key=value and "key": "value" pairs, PEM keys,
		 * presigned URL signatures). */
		if (redact_key_is_secret(c->colnames[j])) {
			c->rows[c->nrows][j] = xstrdup("***");
			continue;
		}
		masked = redact_text_dup(cells[j]);
		c->rows[c->nrows][j] = cli_sf_safe(masked);
		free(masked);
	}
	c->nrows++;
	return 0;
}

/* ---- get stages ------------------------------------------------------ */

static void
cli_sf_print_stages(struct cli_sf *c)
{
	const struct sf_stages *s = &c->m.stages;
	const char *hdr[] = { "NAME", "DATABASE", "SCHEMA", "KIND", "URL",
		"CREATED", "COMMENT" };
	char ***rows, ts[40];
	size_t i, j;
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
		cli_out_json(o);
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
	cli_out_table(hdr, 7, rows, s->n);
	for (i = 0; i < s->n; i++) {
		for (j = 0; j < 7; j++)
			free(rows[i][j]);
		free(rows[i]);
	}
	free(rows);
}

/* ---- get files --------------------------------------------------------- */

/* The group of a path: the length of its directory part. */
static size_t
cli_sf_dirlen(const char *name)
{
	const char *slash = strrchr(name, '/');

	return slash != NULL ? (size_t)(slash - name) : 0;
}

/*
 * Streams one JSON value (then frees it): a stage or table can hold a
 * million entries, so documents are printed item by item, never built
 * whole.
 */
static void
cli_sf_json_item(cJSON *v, int *first)
{
	char *t = cJSON_PrintUnformatted(v);

	if (t == NULL)
		fatalx("out of memory");
	if (first != NULL) {
		fputs(*first ? "\n  " : ",\n  ", stdout);
		*first = 0;
	}
	fputs(t, stdout);
	cJSON_free(t);
	cJSON_Delete(v);
}

/* Prints "key": <string> as a member line. */
static void
cli_sf_json_member_str(const char *key, const char *val)
{
	printf("\"%s\": ", key);
	cli_sf_json_item(cJSON_CreateString(val != NULL ? val : ""), NULL);
}

static void
cli_sf_print_files(struct cli_sf *c)
{
	struct sf_files *f = &c->m.files;
	char ts[40], num[32], md5[SF_MD5_TEXT];
	size_t i, k, groups = 0, gstart, dl, wn = 4, ws = 4, wm = 3;
	uint64_t gbytes;
	int first;
	cJSON *o;

	if (c->opts->json) {
		fputs("{\n", stdout);
		cli_sf_json_member_str("stage", f->stage);
		fputs(",\n\"files\": [", stdout);
		first = 1;
		for (i = 0; i < f->n; i++) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "path", f->v[i].name);
			cJSON_AddNumberToObject(
			    o, "size", (double)f->v[i].size);
			cJSON_AddStringToObject(
			    o, "md5", sf_file_md5(&f->v[i], md5, sizeof md5));
			if (f->v[i].last_modified > 0) {
				time_format_iso(
				    f->v[i].last_modified, ts, sizeof ts);
				cJSON_AddStringToObject(o, "last_modified", ts);
			} else
				cJSON_AddNullToObject(o, "last_modified");
			cli_sf_json_item(o, &first);
		}
		fputs("\n],\n\"groups\": [", stdout);
	} else {
		for (i = 0; i < f->n; i++) {
			if (strlen(f->v[i].name) > wn)
				wn = strlen(f->v[i].name);
			snprintf(num, sizeof num, "%llu",
			    (unsigned long long)f->v[i].size);
			if (strlen(num) > ws)
				ws = strlen(num);
			sf_file_md5(&f->v[i], md5, sizeof md5);
			if (strlen(md5) > wm)
				wm = strlen(md5);
		}
		printf("%-*s  %-*s  %-*s  %s\n", (int)wn, "PATH", (int)ws,
		    "SIZE", (int)wm, "MD5", "LAST MODIFIED");
		for (i = 0; i < f->n; i++) {
			if (f->v[i].last_modified > 0)
				time_format_iso(
				    f->v[i].last_modified, ts, sizeof ts);
			else
				snprintf(ts, sizeof ts, "-");
			sf_file_md5(&f->v[i], md5, sizeof md5);
			printf("%-*s  %-*llu  %-*s  %s\n", (int)wn,
			    f->v[i].name, (int)ws,
			    (unsigned long long)f->v[i].size, (int)wm,
			    *md5 != '\0' ? md5 : "-", ts);
		}
	}
	/* Groups: consecutive files (sorted) sharing a directory. */
	first = 1;
	for (i = 0; i < f->n; i = k) {
		gstart = i;
		dl = cli_sf_dirlen(f->v[i].name);
		gbytes = 0;
		for (k = i; k < f->n && cli_sf_dirlen(f->v[k].name) == dl &&
			    strncmp(f->v[k].name, f->v[gstart].name, dl) == 0;
		     k++)
			gbytes += f->v[k].size;
		groups++;
		if (c->opts->json) {
			char *pre = xstrndup(f->v[gstart].name, dl);

			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "prefix", pre);
			cJSON_AddNumberToObject(
			    o, "files", (double)(k - gstart));
			cJSON_AddNumberToObject(o, "bytes", (double)gbytes);
			cli_sf_json_item(o, &first);
			free(pre);
		}
	}
	if (c->opts->json)
		printf(
		    "\n],\n\"total_files\": %zu,\n\"total_bytes\": %llu\n}\n",
		    f->n, (unsigned long long)f->total_bytes);
	else
		printf("%zu files, %llu bytes in %zu directories of %s\n", f->n,
		    (unsigned long long)f->total_bytes, groups, f->stage);
}

/* ---- get xcom-table ---------------------------------------------------- */

static void
cli_sf_print_xcom(struct cli_sf *c)
{
	const struct sf_xcom_rows *x = &c->m.xcom;
	const char *hdr[] = { "DAG", "TASK", "RUN", "MAP", "KEY", "TYPE",
		"VALUE" };
	size_t i, j, w[7], l;
	char map[16], *val;
	const char *cell[7];
	int first = 1;
	cJSON *o, *v;

	if (c->opts->json) {
		fputs("{\n", stdout);
		cli_sf_json_member_str("table", x->table);
		fputs(",\n\"rows\": [", stdout);
		for (i = 0; i < x->n; i++) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "dag_id", x->v[i].dag_id);
			cJSON_AddStringToObject(o, "task_id", x->v[i].task_id);
			cJSON_AddStringToObject(o, "run_id", x->v[i].run_id);
			cJSON_AddNumberToObject(
			    o, "multi_index", x->v[i].multi_index);
			cJSON_AddStringToObject(o, "key", x->v[i].key);
			cJSON_AddStringToObject(
			    o, "value_type", x->v[i].value_type);
			/* Already masked and sanitized compact JSON. */
			v = cJSON_Parse(x->v[i].value);
			cJSON_AddItemToObject(o, "value",
			    v != NULL ? v : cJSON_CreateString(x->v[i].value));
			cli_sf_json_item(o, &first);
		}
		printf("\n],\n\"total\": %zu\n}\n", x->n);
		return;
	}
	for (j = 0; j < 7; j++)
		w[j] = strlen(hdr[j]);
	for (i = 0; i < x->n; i++) {
		snprintf(map, sizeof map, "%d", x->v[i].multi_index);
		cell[0] = x->v[i].dag_id;
		cell[1] = x->v[i].task_id;
		cell[2] = x->v[i].run_id;
		cell[3] = map;
		cell[4] = x->v[i].key;
		cell[5] = x->v[i].value_type;
		for (j = 0; j < 6; j++) {
			if ((l = strlen(cell[j])) > w[j])
				w[j] = l;
		}
	}
	for (j = 0; j < 7; j++)
		printf("%-*s%s", j < 6 ? (int)w[j] : 0, hdr[j],
		    j < 6 ? "  " : "\n");
	for (i = 0; i < x->n; i++) {
		snprintf(map, sizeof map, "%d", x->v[i].multi_index);
		cell[0] = x->v[i].dag_id;
		cell[1] = x->v[i].task_id;
		cell[2] = x->v[i].run_id;
		cell[3] = map;
		cell[4] = x->v[i].key;
		cell[5] = x->v[i].value_type;
		for (j = 0; j < 6; j++)
			printf("%-*s  ", (int)w[j], cell[j]);
		val = xstrdup(x->v[i].value);
		if (strlen(val) > 120)
			strcpy(val + 117, "...");
		printf("%s\n", val);
		free(val);
	}
}

static void
cli_sf_src_done(enum src_sf_kind kind, int error, const char *cause, void *arg)
{
	struct cli_sf *c = arg;

	if (error) {
		cli_sf_fail(c, cause);
		return;
	}
	switch (kind) {
	case SRC_SF_STAGES:
		cli_sf_print_stages(c);
		break;
	case SRC_SF_FILES:
		cli_sf_print_files(c);
		break;
	case SRC_SF_XCOM:
		cli_sf_print_xcom(c);
		break;
	}
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
		cli_out_json(doc);
		return;
	}
	cli_out_table(
	    (const char *const *)c->colnames, c->ncols, c->rows, c->nrows);
}

/* ---- compute pools, services, image repositories ----------------------- */

static void
cli_sf_repos_done(int error, const char *cause, void *arg)
{
	struct cli_sf *c = arg;
	const char *const *f;
	char **hdr, *p;
	size_t n, i, j;
	cJSON *arr, *o;

	c->res = NULL;
	if (error) {
		cli_sf_fail(c, cause);
		return;
	}
	f = sf_repo_fields_get(&n);
	if (c->opts->json) {
		arr = cJSON_CreateArray();
		for (i = 0; i < c->nrows; i++) {
			o = cJSON_CreateObject();
			for (j = 0; j < n; j++) {
				if (c->rows[i][j] != NULL)
					cJSON_AddStringToObject(
					    o, f[j], c->rows[i][j]);
				else
					cJSON_AddNullToObject(o, f[j]);
			}
			cJSON_AddItemToArray(arr, o);
		}
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "objects", arr);
		cJSON_AddNumberToObject(o, "total", (double)c->nrows);
		cli_out_json(o);
		return;
	}
	hdr = xcalloc(n, sizeof *hdr);
	for (j = 0; j < n; j++) {
		hdr[j] = xstrdup(f[j]);
		for (p = hdr[j]; *p != '\0'; p++)
			*p = *p == '_' ? ' ' : (char)toupper((unsigned char)*p);
	}
	cli_out_table((const char *const *)hdr, n, c->rows, c->nrows);
	for (j = 0; j < n; j++)
		free(hdr[j]);
	free(hdr);
}

static int
cli_sf_repos_start(struct cli_sf *c, char **cause)
{
	const char *const *f;
	char *db, *sc, *parts[1];
	size_t n, j;

	f = sf_repo_fields_get(&n);
	c->ncols = n;
	c->colnames = xcalloc(n, sizeof *c->colnames);
	for (j = 0; j < n; j++)
		c->colnames[j] = xstrdup(f[j]);
	if (c->env.conn.database == NULL || c->env.conn.schema == NULL) {
		*cause = xstrdup("image repositories live in a database and "
				 "schema: set database and schema in the "
				 "Snowflake connection");
		return -1;
	}
	if (sf_ident_split(c->env.conn.database, parts, 1, cause) != 1)
		return -1;
	db = parts[0];
	if (sf_ident_split(c->env.conn.schema, parts, 1, cause) != 1) {
		free(db);
		return -1;
	}
	sc = parts[0];
	if (c->nargs == 1) {
		if (sf_ident_split(c->args[0], parts, 1, cause) != 1) {
			free(db);
			free(sc);
			return -1;
		}
	} else
		parts[0] = NULL;
	c->res = sf_repos_list(
	    c->env.sf, db, sc, parts[0], cli_sf_row, cli_sf_repos_done, c);
	free(parts[0]);
	free(db);
	free(sc);
	return 0;
}

/* ---- get file (preview) ------------------------------------------------ */

static void
cli_sf_preview_done(const struct sf_preview *p, void *arg)
{
	struct cli_sf *c = arg;
	cJSON *doc;

	c->res = NULL;
	if (p->error) {
		cli_sf_fail(c, p->cause);
		return;
	}
	if (c->opts->json) {
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "path", c->args[0]);
		cJSON_AddStringToObject(doc, "kind", p->kind);
		cJSON_AddNumberToObject(doc, "bytes", (double)p->bytes);
		cJSON_AddBoolToObject(doc, "truncated", p->truncated);
		cJSON_AddStringToObject(doc, "preview", p->text);
		cli_out_json(doc);
		return;
	}
	fputs(p->text, stdout);
	if (*p->text != '\0' && p->text[strlen(p->text) - 1] != '\n')
		fputc('\n', stdout);
}

static int
cli_sf_preview_start(struct cli_sf *c, char **cause)
{
	char *db, *sc, *st, *pre, *ddb = NULL, *dsc = NULL, *parts[1];

	if (c->env.conn.database != NULL &&
	    sf_ident_split(c->env.conn.database, parts, 1, cause) == 1)
		ddb = parts[0];
	if (c->env.conn.schema != NULL &&
	    sf_ident_split(c->env.conn.schema, parts, 1, cause) == 1)
		dsc = parts[0];
	free(*cause);
	*cause = NULL;
	if (sf_stage_path_split(
		c->args[0], ddb, dsc, &db, &sc, &st, &pre, cause) != 0) {
		free(ddb);
		free(dsc);
		return -1;
	}
	free(ddb);
	free(dsc);
	if (*pre == '\0') {
		free(db);
		free(sc);
		free(st);
		free(pre);
		*cause =
		    xstrdup("get file needs a file: @DB.SCHEMA.STAGE/path");
		return -1;
	}
	c->res = sf_stage_preview(c->env.sf, c->env.http, db, sc, st, pre,
	    64 * 1024, cli_sf_preview_done, c);
	free(db);
	free(sc);
	free(st);
	free(pre);
	return 0;
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
	struct src_snowflake_config sc;

	if (c->cmd == CLI_SF_SQL) {
		sf_sql_run(c->env.sf, c->args[0], NULL, 0, &cbs, c);
		return 0;
	}
	if (c->cmd == CLI_SF_REPOS)
		return cli_sf_repos_start(c, cause);
	if (c->cmd == CLI_SF_PREVIEW)
		return cli_sf_preview_start(c, cause);
	memset(&sc, 0, sizeof sc);
	sc.done = cli_sf_src_done;
	sc.arg = c;
	if (src_snowflake_create(&c->src, c->env.sf, &c->m, NULL, &sc, cause) !=
	    0)
		return -1;
	switch (c->cmd) {
	case CLI_SF_STAGES:
		src_snowflake_load_stages(c->src);
		return 0;
	case CLI_SF_FILES:
		return src_snowflake_load_files(c->src, c->args[0], cause);
	case CLI_SF_XCOM:
		src_snowflake_load_xcom(c->src,
		    c->nargs >= 1 ? c->args[0] : NULL,
		    c->nargs >= 2 ? c->args[1] : NULL);
		return 0;
	default:
		return 0;
	}
}

int
cli_sf_run(const struct config *cfg, const struct cli_options *opts, int argc,
    char **argv)
{
	struct cli_sf c;
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
		else if (strcmp(argv[1], "file") == 0 && n == 1)
			c.cmd = CLI_SF_PREVIEW;
		else if (strcmp(argv[1], "image-repositories") == 0 && n <= 1) {
			c.cmd = CLI_SF_REPOS;
		} else
			return cli_sf_usage(
			    "usage: get stages | files "
			    "@DB.SCHEMA.STAGE[/prefix] "
			    "| file @DB.SCHEMA.STAGE/path | xcom-table [DAG "
			    "[RUN]] | image-repositories [NAME] (pools and "
			    "services: get pools | services)");
	}

	sf_models_init(&c.m);
	if (cli_env_open(&c.env, cfg, opts, 1, &cause) != 0 ||
	    cli_sf_start(&c, &cause) != 0) {
		cli_sf_fail(&c, cause);
		free(cause);
		goto out;
	}
	cli_env_run(&c.env);
out:
	sf_res_cancel(c.res);
	src_snowflake_free(c.src);
	cli_env_close(&c.env);
	cli_sf_rows_free(&c);
	sf_models_free(&c.m);
	fflush(stdout);
	return c.status;
}
