/*
 * The Snowflake data source: stages, stage files and XCom table rows into
 * the Snowflake models, REST first with SQL fallbacks, row by row.
 */

#include "src_snowflake.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "json_snowflake.h"
#include "model.h"
#include "model_sf.h"
#include "sanitize.h"
#include "sf_sql.h"
#include "util.h"

#define SRC_SF_MAX_COLS 64

/* One load in flight (a REST call, then maybe a statement). */
struct src_sf_load {
	struct src_snowflake *src;
	struct sf_json_split split; /* streamed REST list */
	char *split_err;
	enum src_sf_kind kind;
	struct sf_call *call;
	struct sf_stmt *stmt;
	int col[8]; /* column positions found in the result metadata */
};

struct src_snowflake {
	struct sf_client *sf;
	struct sf_models *m;
	struct source_status *status;
	src_sf_done_cb done;
	void *arg;
	char *xcom_db, *xcom_schema, *xcom_table;
	char *xcom_name; /* DB.SCHEMA.TABLE */
	/* Current stage listing. */
	char *db, *schema, *stage, *prefix;
	struct buf safe_name, safe_md5; /* sanitizing scratch, reused */
	struct src_sf_load loads[3];
};

static char *
src_sf_safe(const char *s)
{
	return sanitize_dup(s != NULL ? s : "", s != NULL ? strlen(s) : 0, 0);
}

static void
src_sf_cancel(struct src_sf_load *l)
{
	sf_json_split_free(&l->split);
	free(l->split_err);
	l->split_err = NULL;
	if (l->call != NULL)
		sf_call_cancel(l->call);
	if (l->stmt != NULL)
		sf_stmt_cancel(l->stmt);
	l->call = NULL;
	l->stmt = NULL;
}

static void
src_sf_finish(struct src_sf_load *l, int error, const char *cause)
{
	struct src_snowflake *s = l->src;

	free(s->m->error);
	s->m->error = error ? src_sf_safe(cause) : NULL;
	s->m->gen++;
	if (s->status != NULL)
		source_set(s->status, error ? SOURCE_DEGRADED : SOURCE_OK,
		    error ? cause : sf_client_url(s->sf));
	if (s->done != NULL)
		s->done(l->kind, error, cause, s->arg);
}

int
src_snowflake_create(struct src_snowflake **out, struct sf_client *sf,
    struct sf_models *m, struct source_status *status,
    const struct src_snowflake_config *c, char **cause)
{
	struct src_snowflake *s;
	const char *t = c != NULL ? c->xcom_table : NULL;
	char *parts[3];
	int n, i;

	*out = NULL;
	if (t == NULL)
		t = getenv("AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE");
	if (t == NULL || *t == '\0')
		t = "DEMO.XCOM.XCOM_TABLE";
	n = sf_ident_split(t, parts, 3, cause);
	if (n < 0)
		return -1;
	if (n != 3) {
		for (i = 0; i < n; i++)
			free(parts[i]);
		*cause = xasprintf("the XCom table must be DATABASE.SCHEMA."
				   "TABLE (AIRFLOW__CORE__XCOM_SNOWFLAKE_"
				   "TABLE), not %s",
		    t);
		return -1;
	}
	s = xcalloc(1, sizeof *s);
	s->sf = sf;
	s->m = m;
	s->status = status;
	if (c != NULL) {
		s->done = c->done;
		s->arg = c->arg;
	}
	s->xcom_db = parts[0];
	s->xcom_schema = parts[1];
	s->xcom_table = parts[2];
	s->xcom_name = xasprintf("%s.%s.%s", parts[0], parts[1], parts[2]);
	free(m->xcom.table);
	m->xcom.table = xstrdup(s->xcom_name);
	for (i = 0; i < 3; i++) {
		s->loads[i].src = s;
		s->loads[i].kind = (enum src_sf_kind)i;
	}
	*out = s;
	return 0;
}

void
src_snowflake_free(struct src_snowflake *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < 3; i++)
		src_sf_cancel(&s->loads[i]);
	free(s->xcom_db);
	free(s->xcom_schema);
	free(s->xcom_table);
	free(s->xcom_name);
	free(s->db);
	free(s->schema);
	free(s->stage);
	free(s->prefix);
	buf_free(&s->safe_name);
	buf_free(&s->safe_md5);
	free(s);
}

const char *
src_snowflake_xcom_table(const struct src_snowflake *s)
{
	return s->xcom_name;
}

/* Finds the named columns of a result (case-insensitive) into l->col. */
static void
src_sf_columns(struct src_sf_load *l, const struct sf_result_meta *m,
    const char *const *names, int n)
{
	size_t j;
	int i;

	for (i = 0; i < n && i < 8; i++) {
		l->col[i] = -1;
		for (j = 0; j < m->ncols; j++) {
			if (strcasecmp(m->cols[j].name, names[i]) == 0) {
				l->col[i] = (int)j;
				break;
			}
		}
	}
}

static const char *
src_sf_cell(
    const struct src_sf_load *l, const char *const *cells, size_t ncols, int i)
{
	int c = l->col[i];

	return c >= 0 && (size_t)c < ncols ? cells[c] : NULL;
}

static int
src_sf_rest_missing(long status)
{
	return status == 404 || status == 405 || status == 501;
}

/* ---- stages ------------------------------------------------------------ */

static const char *const src_sf_stage_cols[] = { "name", "database_name",
	"schema_name", "type", "url", "created_on", "comment" };

static void
src_sf_stages_meta(const struct sf_result_meta *m, void *arg)
{
	struct src_sf_load *l = arg;

	src_sf_columns(l, m, src_sf_stage_cols, 7);
}

static int
src_sf_stages_row(
    const char *const *cells, size_t ncols, void *arg, char **cause)
{
	struct src_sf_load *l = arg;
	struct sf_stage st;

	(void)cause;
	memset(&st, 0, sizeof st);
	st.name = src_sf_safe(src_sf_cell(l, cells, ncols, 0));
	st.database = src_sf_safe(src_sf_cell(l, cells, ncols, 1));
	st.schema = src_sf_safe(src_sf_cell(l, cells, ncols, 2));
	st.kind = src_sf_safe(src_sf_cell(l, cells, ncols, 3));
	st.url = src_sf_safe(src_sf_cell(l, cells, ncols, 4));
	if (sf_time_parse(src_sf_cell(l, cells, ncols, 5), &st.created_on) != 0)
		st.created_on = 0;
	st.comment = src_sf_safe(src_sf_cell(l, cells, ncols, 6));
	sf_stages_push(&l->src->m->stages, &st);
	return 0;
}

static int
src_sf_stage_cmp(const void *a, const void *b)
{
	const struct sf_stage *x = a, *y = b;
	int c = strcmp(x->database, y->database);

	if (c == 0)
		c = strcmp(x->schema, y->schema);
	return c != 0 ? c : strcmp(x->name, y->name);
}

/* Stages in name order, whichever way they came. */
static void
src_sf_stages_sort(struct sf_stages *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, src_sf_stage_cmp);
	s->gen++;
}

static void
src_sf_stmt_done(const struct sf_stmt_result *r, void *arg)
{
	struct src_sf_load *l = arg;
	struct sf_models *m = l->src->m;

	l->stmt = NULL;
	if (!r->error) {
		if (l->kind == SRC_SF_STAGES) {
			src_sf_stages_sort(&m->stages);
			m->stages.complete = 1;
		} else if (l->kind == SRC_SF_FILES) {
			sf_files_sort(&m->files);
			m->files.complete = 1;
		} else
			m->xcom.complete = 1;
	}
	src_sf_finish(l, r->error, r->cause);
}

static void
src_sf_stages_rest_done(const struct sf_call_result *r, void *arg)
{
	struct src_sf_load *l = arg;
	struct src_snowflake *s = l->src;
	struct sf_stmt_cbs cbs = { src_sf_stages_meta, src_sf_stages_row,
		src_sf_stmt_done };
	struct sf_stage *st;
	char *cause = NULL, *t;
	size_t i;
	struct buf q;

	l->call = NULL;
	if (r->error && src_sf_rest_missing(r->status)) {
		buf_init(&q);
		buf_adds(&q, "SHOW STAGES IN SCHEMA ");
		sf_ident_append(&q, s->db);
		buf_addc(&q, '.');
		sf_ident_append(&q, s->schema);
		l->stmt = sf_sql_run(s->sf, q.data, NULL, 0, &cbs, l);
		buf_free(&q);
		return;
	}
	if (r->error) {
		src_sf_finish(l, 1, r->cause);
		return;
	}
	if (json_sf_stages_rest_parse(r->body, r->len, s->db, s->schema,
		&s->m->stages, &cause) != 0) {
		src_sf_finish(l, 1, cause);
		free(cause);
		return;
	}
	for (i = 0; i < s->m->stages.n; i++) {
		char **f[6];
		size_t k;

		st = &s->m->stages.v[i];
		f[0] = &st->name;
		f[1] = &st->database;
		f[2] = &st->schema;
		f[3] = &st->kind;
		f[4] = &st->url;
		f[5] = &st->comment;
		for (k = 0; k < 6; k++) {
			t = src_sf_safe(*f[k]);
			free(*f[k]);
			*f[k] = t;
		}
	}
	src_sf_stages_sort(&s->m->stages);
	s->m->stages.complete = 1;
	src_sf_finish(l, 0, NULL);
}

/* Splits a configured name (maybe lower case) into one resolved part. */
static char *
src_sf_ident1(const char *name)
{
	char *parts[1], *cause = NULL;

	if (name == NULL)
		return NULL;
	if (sf_ident_split(name, parts, 1, &cause) != 1) {
		free(cause);
		return xstrdup(name);
	}
	return parts[0];
}

void
src_snowflake_load_stages(struct src_snowflake *s)
{
	struct src_sf_load *l = &s->loads[SRC_SF_STAGES];
	char *path;

	src_sf_cancel(l);
	sf_stages_reset(&s->m->stages);
	free(s->db);
	free(s->schema);
	s->db = src_sf_ident1(sf_client_database(s->sf));
	s->schema = src_sf_ident1(sf_client_schema(s->sf));
	if (s->db == NULL || s->schema == NULL) {
		src_sf_finish(l, 1,
		    "listing stages needs a database and a "
		    "schema in the Snowflake connection");
		return;
	}
	path = sf_rest_path(s->db, s->schema, "stages", NULL);
	l->call = sf_rest_call(s->sf, "GET", path, NULL, NULL, "listing stages",
	    src_sf_stages_rest_done, l);
	free(path);
}

/* ---- files ------------------------------------------------------------- */

/*
 * Takes a file (raw cells: name, size, md5, last_modified) into the model
 * when it lies under the prefix: the stage name part LIST prints is
 * dropped and strings are sanitized (into reused scratch, then copied into
 * the model's arena: nothing allocated per file).
 */
static void
src_sf_file_take(struct src_snowflake *s, const char *name, const char *size,
    const char *md5, const char *modified)
{
	size_t sl = strlen(s->stage), pl = strlen(s->prefix);
	double t;

	if (name == NULL)
		return;
	if (strncasecmp(name, s->stage, sl) == 0 && name[sl] == '/')
		name += sl + 1;
	if (pl > 0 && strncmp(name, s->prefix, pl) != 0)
		return;
	buf_reset(&s->safe_name);
	sanitize_append(&s->safe_name, name, strlen(name), 0);
	buf_reset(&s->safe_md5);
	if (md5 != NULL)
		sanitize_append(&s->safe_md5, md5, strlen(md5), 0);
	if (modified == NULL || sf_time_parse(modified, &t) != 0)
		t = 0;
	sf_files_add(&s->m->files, s->safe_name.data, s->safe_name.len,
	    size != NULL ? strtoull(size, NULL, 10) : 0, s->safe_md5.data, t);
}

static const char *const src_sf_file_cols[] = { "name", "size", "md5",
	"last_modified" };

/* An announced row count is believed this far (the reserved
 * room costs address space, not memory, until rows fill it). */
#define SRC_SF_RESERVE_MAX ((size_t)1 << 24)

static void
src_sf_files_meta(const struct sf_result_meta *m, void *arg)
{
	struct src_sf_load *l = arg;
	struct sf_files *f = &l->src->m->files;

	src_sf_columns(l, m, src_sf_file_cols, 4);
	if (m->num_rows > 0)
		sf_files_reserve(f, f->n + (m->num_rows < SRC_SF_RESERVE_MAX
						   ? (size_t)m->num_rows
						   : SRC_SF_RESERVE_MAX));
}

static int
src_sf_files_row(
    const char *const *cells, size_t ncols, void *arg, char **cause)
{
	struct src_sf_load *l = arg;

	(void)cause;
	src_sf_file_take(l->src, src_sf_cell(l, cells, ncols, 0),
	    src_sf_cell(l, cells, ncols, 1), src_sf_cell(l, cells, ncols, 2),
	    src_sf_cell(l, cells, ncols, 3));
	return 0;
}

/* A listFiles element's cells, in LIST's order. */
static int
src_sf_files_rest_row(
    const char *const *cells, size_t ncols, void *arg, char **cause)
{
	struct src_sf_load *l = arg;

	(void)cause;
	if (ncols >= 4)
		src_sf_file_take(
		    l->src, cells[0], cells[1], cells[2], cells[3]);
	return 0;
}

/* One listFiles element: into the model as it arrives. */
static int
src_sf_files_elem(const char *elem, size_t len, void *arg, char **cause)
{
	return json_sf_file_rest_row(
	    elem, len, src_sf_files_rest_row, arg, cause);
}

static int
src_sf_files_chunk(const char *data, size_t len, void *arg)
{
	struct src_sf_load *l = arg;
	char *cause = NULL;

	if (sf_json_split_feed(
		&l->split, data, len, src_sf_files_elem, l, &cause) != 0) {
		free(l->split_err);
		l->split_err = cause;
		return -1;
	}
	return 0;
}

static void
src_sf_files_rest_done(const struct sf_call_result *r, void *arg)
{
	struct src_sf_load *l = arg;
	struct src_snowflake *s = l->src;
	struct sf_stmt_cbs cbs = { src_sf_files_meta, src_sf_files_row,
		src_sf_stmt_done };
	char *cause = NULL, *m;
	struct buf q;

	l->call = NULL;
	if (l->split_err != NULL) {
		m = xasprintf(
		    "reading the stage file list failed: %s", l->split_err);
		free(l->split_err);
		l->split_err = NULL;
		sf_json_split_free(&l->split);
		src_sf_finish(l, 1, m);
		free(m);
		return;
	}
	if (r->error && src_sf_rest_missing(r->status) &&
	    !(r->body != NULL && strstr(r->body, "does not exist") != NULL)) {
		sf_json_split_free(&l->split);
		/* No user text in the SQL: the stage name is quoted and
		 * the prefix is applied to the listing here. */
		buf_init(&q);
		buf_adds(&q, "LIST @");
		sf_ident_append(&q, s->db);
		buf_addc(&q, '.');
		sf_ident_append(&q, s->schema);
		buf_addc(&q, '.');
		sf_ident_append(&q, s->stage);
		l->stmt = sf_sql_run(s->sf, q.data, NULL, 0, &cbs, l);
		buf_free(&q);
		return;
	}
	if (r->error) {
		sf_json_split_free(&l->split);
		src_sf_finish(l, 1, r->cause);
		return;
	}
	if (sf_json_split_end(&l->split, &cause) != 0) {
		m = xasprintf("reading the stage file list failed: %s", cause);
		free(cause);
		sf_json_split_free(&l->split);
		src_sf_finish(l, 1, m);
		free(m);
		return;
	}
	sf_json_split_free(&l->split);
	sf_files_sort(&s->m->files);
	s->m->files.complete = 1;
	src_sf_finish(l, 0, NULL);
}

int
src_snowflake_load_files(
    struct src_snowflake *s, const char *stage, char **cause)
{
	struct src_sf_load *l = &s->loads[SRC_SF_FILES];
	char *db = NULL, *sc = NULL, *st = NULL, *pre = NULL, *path, *p2;
	char *ddb, *dsc;

	ddb = src_sf_ident1(sf_client_database(s->sf));
	dsc = src_sf_ident1(sf_client_schema(s->sf));
	if (sf_stage_path_split(stage, ddb, dsc, &db, &sc, &st, &pre, cause) !=
	    0) {
		free(ddb);
		free(dsc);
		return -1;
	}
	free(ddb);
	free(dsc);
	src_sf_cancel(l);
	sf_files_reset(&s->m->files);
	free(s->m->files.stage);
	s->m->files.stage = xasprintf(
	    "@%s.%s.%s%s%s", db, sc, st, *pre != '\0' ? "/" : "", pre);
	free(s->db);
	free(s->schema);
	free(s->stage);
	free(s->prefix);
	s->db = db;
	s->schema = sc;
	s->stage = st;
	s->prefix = pre;
	path = sf_rest_path(db, sc, "stages", st);
	p2 = xasprintf("%s/files", path);
	sf_json_split_free(&l->split);
	l->call = sf_rest_stream(s->sf, p2, NULL, "listing stage files",
	    src_sf_files_chunk, src_sf_files_rest_done, l);
	free(p2);
	free(path);
	return 0;
}

/* ---- XCom table -------------------------------------------------------- */

/*
 * The value as compact JSON with secret fields masked: parsed when it is
 * JSON, else kept as a (masked) JSON string. Sanitized. Owned.
 */
static char *
src_sf_xcom_value(const char *raw)
{
	cJSON *v;
	char *t, *out, *safe;

	if (raw == NULL)
		return xstrdup("null");
	v = cJSON_Parse(raw);
	if (v != NULL)
		redact_json_tree(v);
	else {
		t = redact_text_dup(raw);
		v = cJSON_CreateString(t);
		free(t);
	}
	out = cJSON_PrintUnformatted(v);
	cJSON_Delete(v);
	if (out == NULL)
		fatalx("out of memory");
	safe = sanitize_dup(out, strlen(out), 0);
	cJSON_free(out);
	return safe;
}

static int
src_sf_xcom_row(const char *const *cells, size_t ncols, void *arg, char **cause)
{
	struct src_sf_load *l = arg;
	struct sf_xcom_row x;

	(void)cause;
	if (ncols < 7)
		return 0;
	memset(&x, 0, sizeof x);
	x.dag_id = src_sf_safe(cells[0]);
	x.task_id = src_sf_safe(cells[1]);
	x.run_id = src_sf_safe(cells[2]);
	x.multi_index = cells[3] != NULL ? atoi(cells[3]) : -1;
	x.key = src_sf_safe(cells[4]);
	x.value_type = src_sf_safe(cells[5]);
	x.value = src_sf_xcom_value(cells[6]);
	sf_xcom_rows_push(&l->src->m->xcom, &x);
	return 0;
}

void
src_snowflake_load_xcom(
    struct src_snowflake *s, const char *dag_id, const char *run_id)
{
	struct src_sf_load *l = &s->loads[SRC_SF_XCOM];
	struct sf_stmt_cbs cbs = { NULL, src_sf_xcom_row, src_sf_stmt_done };
	struct sf_bind b[2];
	size_t nb = 0;
	struct buf q;

	src_sf_cancel(l);
	sf_xcom_rows_reset(&s->m->xcom);
	buf_init(&q);
	buf_adds(&q, "SELECT DAG_ID, TASK_ID, RUN_ID, MULTI_INDEX, KEY, "
		     "VALUE_TYPE, VALUE FROM ");
	sf_ident_append(&q, s->xcom_db);
	buf_addc(&q, '.');
	sf_ident_append(&q, s->xcom_schema);
	buf_addc(&q, '.');
	sf_ident_append(&q, s->xcom_table);
	/* Values are always bound, never pasted into the statement. */
	if (dag_id != NULL) {
		buf_adds(&q, " WHERE DAG_ID = ?");
		b[nb].type = "TEXT";
		b[nb++].value = dag_id;
		if (run_id != NULL) {
			buf_adds(&q, " AND RUN_ID = ?");
			b[nb].type = "TEXT";
			b[nb++].value = run_id;
		}
	}
	buf_adds(&q, " ORDER BY DAG_ID, RUN_ID, TASK_ID, MULTI_INDEX, KEY");
	l->stmt = sf_sql_run(s->sf, q.data, b, nb, &cbs, l);
	buf_free(&q);
}
