/* The XCom bridge: find what a value points at, and resolve it. */

#include "xcom_resolve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "json_snowflake.h"
#include "sanitize.h"
#include "sf_resources.h"
#include "sf_sql.h"
#include "util.h"

#define XRES_PREVIEW_ROWS 20

static void
xres_item_clear(struct xres_item *it)
{
	size_t i;

	free(it->reference);
	xcomref_free(&it->ref);
	free(it->object);
	free(it->cause);
	free(it->value_type);
	free(it->value);
	free(it->file_kind);
	free(it->file_text);
	for (i = 0; i < it->ncols; i++)
		free(it->cols[i]);
	free(it->cols);
	for (i = 0; i < it->nrows * it->ncols; i++)
		free(it->cells[i]);
	free(it->cells);
	free(it->row_count);
}

void
xres_free(struct xres *x)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		xres_item_clear(&x->v[i]);
	free(x->v);
	memset(x, 0, sizeof *x);
}

static struct xres_item *
xres_add(struct xres *x, enum xres_kind kind, const char *reference)
{
	struct xres_item *it;
	size_t i;

	for (i = 0; i < x->n; i++) {
		if (x->v[i].kind == kind &&
		    strcmp(x->v[i].reference, reference) == 0)
			return NULL; /* the same pointer twice */
	}
	x->v = xreallocarray(x->v, x->n + 1, sizeof *x->v);
	it = &x->v[x->n++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->reference = xstrdup(reference);
	return it;
}

/* Where a reference embedded in text ends. */
static size_t
xres_ref_len(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\'' || s[i] == ' ' ||
		    s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
		    s[i] == ',' || s[i] == ']' || s[i] == '}' || s[i] == '\\')
			break;
	}
	return i;
}

/* snowflake:// references anywhere in the text (JSON or repr forms). */
static void
xres_find_refs(const char *text, size_t len, struct xres *x)
{
	static const char scheme[] = "snowflake://";
	size_t i, n, k = sizeof scheme - 1;
	struct xres_item *it;
	struct xcomref ref;
	char *cause = NULL, *s;

	for (i = 0; i + k <= len; i++) {
		if (strncasecmp(text + i, scheme, k) != 0)
			continue;
		n = xres_ref_len(text + i, len - i);
		if (xcomref_parse(text + i, n, &ref, &cause) != 0) {
			free(cause);
			cause = NULL;
			i += n > 0 ? n - 1 : 0;
			continue;
		}
		s = xstrndup(text + i, n);
		it = xres_add(x,
		    ref.whole_table             ? XRES_TABLE_PREVIEW
		    : ref.kind == XCOMREF_STAGE ? XRES_STAGE_FILE
						: XRES_TABLE_ROW,
		    s);
		free(s);
		if (it == NULL) {
			xcomref_free(&ref);
		} else {
			it->ref = ref;
			it->object = xstrdup(ref.object);
		}
		i += n - 1;
	}
}

/* A SnowparkTable / Astro SDK Table dict: {"class": …, "name": …,
 * "metadata": {"database": …, "schema": …}}. */
static void
xres_find_tables(const cJSON *it, struct xres *x, int depth)
{
	const cJSON *c, *cls, *name, *md, *db, *sc;
	struct xres_item *item;
	char *fq;

	if (it == NULL || depth > 32)
		return;
	if (cJSON_IsObject(it)) {
		cls = cJSON_GetObjectItemCaseSensitive(it, "class");
		name = cJSON_GetObjectItemCaseSensitive(it, "name");
		if (cJSON_IsString(cls) && cJSON_IsString(name) &&
		    (strcmp(cls->valuestring, "SnowparkTable") == 0 ||
			strcmp(cls->valuestring, "Table") == 0 ||
			strcmp(cls->valuestring, "TempTable") == 0)) {
			md = cJSON_GetObjectItemCaseSensitive(it, "metadata");
			db = cJSON_GetObjectItemCaseSensitive(md, "database");
			sc = cJSON_GetObjectItemCaseSensitive(md, "schema");
			if (strchr(name->valuestring, '.') != NULL ||
			    !cJSON_IsString(db) || !cJSON_IsString(sc))
				fq = xstrdup(name->valuestring);
			else
				fq = xasprintf("%s.%s.%s", db->valuestring,
				    sc->valuestring, name->valuestring);
			item = xres_add(x, XRES_TABLE_PREVIEW, fq);
			if (item != NULL)
				item->object = xstrdup(fq);
			free(fq);
		}
	}
	for (c = it->child; c != NULL; c = c->next)
		xres_find_tables(c, x, depth + 1);
}

/* Paths of Airflow's object-storage XCom backend (a URL with a scheme
 * object storage uses, ending in a uuid file). */
static void
xres_find_objstore(const char *s, struct xres *x)
{
	static const char *const schemes[] = { "s3://", "gs://", "gcs://",
		"abfs://", "az://", "file://", "wasb://" };
	const char *base;
	size_t i, n, hex = 0, dash = 0;

	for (i = 0; i < nitems(schemes); i++) {
		if (strncmp(s, schemes[i], strlen(schemes[i])) == 0)
			break;
	}
	if (i == nitems(schemes) || (base = strrchr(s, '/')) == NULL)
		return;
	for (base++, n = 0; base[n] != '\0' && base[n] != '.'; n++) {
		if (base[n] == '-')
			dash++;
		else if (strchr("0123456789abcdef", base[n]) != NULL)
			hex++;
		else
			return;
	}
	if (hex == 32 && dash == 4)
		xres_add(x, XRES_OBJECT_STORAGE, s);
}

static void
xres_find_strings(const cJSON *it, struct xres *x, int depth)
{
	const cJSON *c;

	if (it == NULL || depth > 32)
		return;
	if (cJSON_IsString(it))
		xres_find_objstore(it->valuestring, x);
	for (c = it->child; c != NULL; c = c->next)
		xres_find_strings(c, x, depth + 1);
}

size_t
xres_find(const char *text, size_t len, struct xres *out)
{
	cJSON *root, *inner;
	size_t before = out->n;

	xres_find_refs(text, len, out);
	root = cJSON_ParseWithLength(text, len);
	/* A JSON string holding JSON (Airflow's stringified form). */
	if (cJSON_IsString(root) &&
	    (inner = cJSON_Parse(root->valuestring)) != NULL) {
		cJSON_Delete(root);
		root = inner;
	}
	if (root != NULL) {
		xres_find_tables(root, out, 0);
		xres_find_strings(root, out, 0);
		cJSON_Delete(root);
	} else {
		char *s = xstrndup(text, len);

		xres_find_objstore(s, out);
		free(s);
	}
	return out->n - before;
}

/* Resolving. */

struct xres_op {
	struct sf_client *sf;
	struct http *http;
	struct xres *x;
	size_t cap;
	size_t i;  /* item in progress */
	int phase; /* table preview: 0 count, 1 rows */
	struct sf_stmt *stmt;
	struct sf_res *res;
	xres_done_cb done;
	void *arg;
};

static void xres_next(struct xres_op *);

static void
xres_fail(struct xres_item *it, const char *cause)
{
	it->error = 1;
	free(it->cause);
	it->cause = sanitize_dup(cause, strlen(cause), 0);
}

/* A table row's value as the console shows it: JSON masked, text as is. */
static char *
xres_row_value(const char *value_type, const char *value)
{
	cJSON *j;
	char *txt, *out;

	if (value == NULL)
		return xstrdup("null");
	if (value_type != NULL && strcmp(value_type, "str") != 0 &&
	    (j = cJSON_Parse(value)) != NULL) {
		redact_json_tree(j);
		txt = cJSON_Print(j);
		cJSON_Delete(j);
		out = sanitize_dup(txt, strlen(txt), SANITIZE_KEEP_NL);
		cJSON_free(txt);
		return out;
	}
	txt = redact_text_dup(value);
	out = sanitize_dup(txt, strlen(txt), SANITIZE_KEEP_NL);
	free(txt);
	return out;
}

static int
xres_row_cb(const char *const *cells, size_t ncols, void *arg, char **cause)
{
	struct xres_op *op = arg;
	struct xres_item *it = &op->x->v[op->i];
	size_t i;

	(void)cause;
	if (it->kind == XRES_TABLE_ROW) {
		if (it->value == NULL && ncols >= 2) {
			it->value_type =
			    cells[0] != NULL
				? sanitize_dup(cells[0], strlen(cells[0]), 0)
				: NULL;
			it->value = xres_row_value(cells[0], cells[1]);
		}
		return 0;
	}
	if (op->phase == 0) { /* COUNT(*) */
		if (ncols >= 1 && cells[0] != NULL && it->row_count == NULL)
			it->row_count =
			    sanitize_dup(cells[0], strlen(cells[0]), 0);
		return 0;
	}
	if (ncols != it->ncols || it->nrows >= XRES_PREVIEW_ROWS)
		return 0;
	it->cells = xreallocarray(it->cells,
	    (it->nrows + 1) * (ncols ? ncols : 1), sizeof *it->cells);
	for (i = 0; i < ncols; i++)
		it->cells[it->nrows * ncols + i] =
		    cells[i] != NULL
			? sanitize_dup(cells[i], strlen(cells[i]), 0)
			: NULL;
	it->nrows++;
	return 0;
}

static void
xres_meta_cb(const struct sf_result_meta *m, void *arg)
{
	struct xres_op *op = arg;
	struct xres_item *it = &op->x->v[op->i];
	size_t i;

	if (it->kind != XRES_TABLE_PREVIEW || op->phase != 1)
		return;
	it->ncols = m->ncols;
	it->cols = xcalloc(m->ncols + 1, sizeof *it->cols);
	for (i = 0; i < m->ncols; i++)
		it->cols[i] = sanitize_dup(
		    m->cols[i].name != NULL ? m->cols[i].name : "",
		    m->cols[i].name != NULL ? strlen(m->cols[i].name) : 0, 0);
}

static void
xres_stmt_done(const struct sf_stmt_result *r, void *arg)
{
	struct xres_op *op = arg;
	struct xres_item *it = &op->x->v[op->i];

	op->stmt = NULL;
	if (r->error)
		xres_fail(it, r->cause);
	else if (it->kind == XRES_TABLE_ROW && it->value == NULL)
		xres_fail(it, "no row in the XCom table for this key: the "
			      "row was deleted, or the table was replaced "
			      "since the task ran");
	if (it->kind == XRES_TABLE_PREVIEW && op->phase == 0 && !r->error) {
		op->phase = 1;
		xres_next(op);
		return;
	}
	it->done = 1;
	op->i++;
	op->phase = 0;
	xres_next(op);
}

static void
xres_preview_done(const struct sf_preview *p, void *arg)
{
	struct xres_op *op = arg;
	struct xres_item *it = &op->x->v[op->i];

	op->res = NULL;
	if (p->error)
		xres_fail(it, p->cause);
	else {
		it->file_kind = xstrdup(p->kind);
		it->file_text = xstrdup(p->text != NULL ? p->text : "");
		it->file_bytes = p->bytes;
		it->file_truncated = p->truncated;
	}
	it->done = 1;
	op->i++;
	xres_next(op);
}

/* Splits DB.SCHEMA.NAME and quotes each part. */
static char *
xres_quoted(const char *object, char **parts, char **cause)
{
	struct buf b;
	int n, i;

	n = sf_ident_split(object, parts, 3, cause);
	if (n != 3) {
		for (i = 0; i < n; i++)
			free(parts[i]);
		if (n >= 0)
			*cause = xasprintf(
			    "\"%s\" is not DATABASE.SCHEMA.NAME", object);
		return NULL;
	}
	buf_init(&b);
	for (i = 0; i < 3; i++) {
		if (i > 0)
			buf_addc(&b, '.');
		sf_ident_quote(&b, parts[i]);
	}
	return buf_detach(&b);
}

static void
xres_next(struct xres_op *op)
{
	static const struct sf_stmt_cbs cbs = { xres_meta_cb, xres_row_cb,
		xres_stmt_done };
	struct xres_item *it = NULL;
	struct sf_bind binds[5];
	char *parts[3] = { NULL, NULL, NULL }, *q, *sql, *cause = NULL, idx[24];
	char *path;
	xres_done_cb done;
	void *arg;
	int i;

	for (; op->i < op->x->n; op->i++) {
		it = &op->x->v[op->i];
		if (!it->done && it->kind != XRES_OBJECT_STORAGE)
			break;
		it->done = 1;
	}
	if (op->i == op->x->n) {
		struct xres *x = op->x;

		done = op->done;
		arg = op->arg;
		free(op);
		done(x, arg);
		return;
	}
	if ((q = xres_quoted(it->object, parts, &cause)) == NULL) {
		xres_fail(it, cause);
		free(cause);
		it->done = 1;
		op->i++;
		xres_next(op);
		return;
	}
	switch (it->kind) {
	case XRES_TABLE_ROW:
		/* The backend's read (§1.10), with bound values. */
		sql = xasprintf("SELECT VALUE_TYPE, VALUE FROM %s WHERE DAG_ID "
				"= ? AND TASK_ID = ? AND RUN_ID = ? AND "
				"MULTI_INDEX = ? AND KEY = ?",
		    q);
		snprintf(idx, sizeof idx, "%ld", it->ref.multi_index);
		binds[0] = (struct sf_bind){ "TEXT", it->ref.dag_id };
		binds[1] = (struct sf_bind){ "TEXT", it->ref.task_id };
		binds[2] = (struct sf_bind){ "TEXT", it->ref.run_id };
		binds[3] = (struct sf_bind){ "FIXED", idx };
		binds[4] = (struct sf_bind){ "TEXT", it->ref.xcom_key };
		op->stmt = sf_sql_run(op->sf, sql, binds, 5, &cbs, op);
		free(sql);
		break;
	case XRES_TABLE_PREVIEW:
		sql = op->phase == 0 ? xasprintf("SELECT COUNT(*) FROM %s", q)
				     : xasprintf("SELECT * FROM %s LIMIT %d", q,
					   XRES_PREVIEW_ROWS);
		op->stmt = sf_sql_run(op->sf, sql, NULL, 0, &cbs, op);
		free(sql);
		break;
	case XRES_STAGE_FILE:
		path = xasprintf("%s/%s/%s/%ld/%s.%s", it->ref.dag_id,
		    it->ref.task_id, it->ref.run_id, it->ref.multi_index,
		    it->ref.xcom_key, it->ref.ext);
		op->res = sf_stage_preview(op->sf, op->http, parts[0], parts[1],
		    parts[2], path, op->cap, xres_preview_done, op);
		free(path);
		break;
	case XRES_OBJECT_STORAGE:
		break;
	}
	for (i = 0; i < 3; i++)
		free(parts[i]);
	free(q);
}

struct xres_op *
xres_resolve(struct sf_client *sf, struct http *http, struct xres *x,
    size_t preview_cap, xres_done_cb done, void *arg)
{
	struct xres_op *op;
	size_t i;

	for (i = 0; i < x->n; i++) {
		if (x->v[i].kind == XRES_OBJECT_STORAGE)
			x->v[i].done = 1;
	}
	for (i = 0; i < x->n && x->v[i].done; i++)
		;
	if (i == x->n)
		return NULL; /* nothing to ask Snowflake */
	op = xcalloc(1, sizeof *op);
	op->sf = sf;
	op->http = http;
	op->x = x;
	op->cap = preview_cap;
	op->done = done;
	op->arg = arg;
	xres_next(op);
	return op;
}

void
xres_cancel(struct xres_op *op)
{
	if (op == NULL)
		return;
	if (op->stmt != NULL)
		sf_stmt_cancel(op->stmt);
	if (op->res != NULL)
		sf_res_cancel(op->res);
	free(op);
}

static const char *
xres_kind_name(enum xres_kind k)
{
	switch (k) {
	case XRES_TABLE_ROW:
		return "table";
	case XRES_STAGE_FILE:
		return "stage";
	case XRES_TABLE_PREVIEW:
		return "table-preview";
	case XRES_OBJECT_STORAGE:
		return "object-storage";
	}
	return "?";
}

cJSON *
xres_to_json(const struct xres *x)
{
	cJSON *arr = cJSON_CreateArray(), *o, *f, *v, *rows, *row;
	const struct xres_item *it;
	char *ref;
	size_t i, r, c;

	for (i = 0; i < x->n; i++) {
		it = &x->v[i];
		o = cJSON_CreateObject();
		ref = sanitize_dup(it->reference, strlen(it->reference), 0);
		cJSON_AddStringToObject(o, "reference", ref);
		free(ref);
		cJSON_AddStringToObject(o, "kind", xres_kind_name(it->kind));
		if (it->object != NULL)
			cJSON_AddStringToObject(o, "object", it->object);
		if (it->kind == XRES_TABLE_ROW || it->kind == XRES_STAGE_FILE)
			cJSON_AddStringToObject(o, "key", it->ref.key);
		if (it->error)
			cJSON_AddStringToObject(o, "error", it->cause);
		if (it->kind == XRES_TABLE_ROW && it->value != NULL) {
			if (it->value_type != NULL)
				cJSON_AddStringToObject(
				    o, "value_type", it->value_type);
			v = strcmp(it->value_type != NULL ? it->value_type : "",
				"str") != 0
				? cJSON_Parse(it->value)
				: NULL;
			cJSON_AddItemToObject(o, "value",
			    v != NULL ? v : cJSON_CreateString(it->value));
		}
		if (it->kind == XRES_STAGE_FILE && it->file_kind != NULL) {
			f = cJSON_AddObjectToObject(o, "file");
			ref = xasprintf("%s/%s/%s/%ld/%s.%s", it->ref.dag_id,
			    it->ref.task_id, it->ref.run_id,
			    it->ref.multi_index, it->ref.xcom_key, it->ref.ext);
			cJSON_AddStringToObject(f, "path", ref);
			free(ref);
			cJSON_AddStringToObject(
			    f, "format", xcomref_format_name(it->ref.format));
			cJSON_AddStringToObject(f, "kind", it->file_kind);
			cJSON_AddNumberToObject(
			    f, "bytes_fetched", (double)it->file_bytes);
			cJSON_AddBoolToObject(
			    f, "truncated", it->file_truncated);
			cJSON_AddStringToObject(f, "preview", it->file_text);
		}
		if (it->kind == XRES_TABLE_PREVIEW && !it->error) {
			if (it->row_count != NULL)
				cJSON_AddStringToObject(
				    o, "row_count", it->row_count);
			v = cJSON_AddArrayToObject(o, "columns");
			for (c = 0; c < it->ncols; c++)
				cJSON_AddItemToArray(
				    v, cJSON_CreateString(it->cols[c]));
			rows = cJSON_AddArrayToObject(o, "rows");
			for (r = 0; r < it->nrows; r++) {
				row = cJSON_CreateArray();
				for (c = 0; c < it->ncols; c++) {
					const char *cell =
					    it->cells[r * it->ncols + c];

					cJSON_AddItemToArray(
					    row, cell != NULL
						     ? cJSON_CreateString(cell)
						     : cJSON_CreateNull());
				}
				cJSON_AddItemToArray(rows, row);
			}
		}
		if (it->kind == XRES_OBJECT_STORAGE)
			cJSON_AddStringToObject(o, "note",
			    "written by Airflow's object-storage XCom backend: "
			    "the value lives at this path; snowdeck does not "
			    "read object storage");
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

void
xres_text(const struct xres *x, struct buf *out)
{
	const struct xres_item *it;
	char *ref;
	size_t i, r, c;

	for (i = 0; i < x->n; i++) {
		it = &x->v[i];
		ref = sanitize_dup(it->reference, strlen(it->reference), 0);
		buf_printf(out, "%s%s -> %s %s\n", i > 0 ? "\n" : "", ref,
		    xres_kind_name(it->kind),
		    it->object != NULL ? it->object : "");
		free(ref);
		if (it->error) {
			buf_printf(out, "  error: %s\n", it->cause);
			continue;
		}
		switch (it->kind) {
		case XRES_TABLE_ROW:
			buf_printf(out, "  value_type: %s\n%s\n",
			    it->value_type != NULL ? it->value_type : "?",
			    it->value != NULL ? it->value : "");
			break;
		case XRES_STAGE_FILE:
			buf_printf(out, "  %s, %zu bytes fetched%s\n%s\n",
			    xcomref_format_name(it->ref.format), it->file_bytes,
			    it->file_truncated ? " (truncated)" : "",
			    it->file_text != NULL ? it->file_text : "");
			break;
		case XRES_TABLE_PREVIEW:
			buf_printf(out, "  %s rows\n",
			    it->row_count != NULL ? it->row_count : "?");
			for (c = 0; c < it->ncols; c++)
				buf_printf(
				    out, "%s%s", c ? "\t" : "  ", it->cols[c]);
			buf_addc(out, '\n');
			for (r = 0; r < it->nrows; r++) {
				for (c = 0; c < it->ncols; c++) {
					const char *cell =
					    it->cells[r * it->ncols + c];

					buf_printf(out, "%s%s", c ? "\t" : "  ",
					    cell != NULL ? cell : "NULL");
				}
				buf_addc(out, '\n');
			}
			break;
		case XRES_OBJECT_STORAGE:
			buf_adds(out,
			    "  Airflow's object-storage XCom backend: "
			    "the value lives there (not read)\n");
			break;
		}
	}
}
