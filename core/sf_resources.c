/*
 * Snowflake resource objects (REST first, SHOW as the fallback) and stage
 * file previews through presigned URLs.
 */

#include "sf_resources.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "http.h"
#include "parquet.h"
#include "sanitize.h"
#include "sf_sql.h"
#include "util.h"

struct sf_res {
	struct sf_client *sf;
	struct http *http;
	char *db, *schema, *name;
	sf_row_cb row;
	sf_res_done_cb done;
	sf_preview_cb pdone;
	void *arg;
	struct sf_call *call;
	struct sf_stmt *stmt;
	struct http_req *req;
	int col[16];
	size_t ncols;
	/* Preview. */
	char *stage, *path;
	size_t cap;
	struct buf data;
	int truncated;
	char *url; /* secret */
};

static const char *const sf_repo_fields[] = { "name", "database_name",
	"schema_name", "repository_url", "owner" };

const char *const *
sf_repo_fields_get(size_t *n)
{
	*n = nitems(sf_repo_fields);
	return sf_repo_fields;
}

static void
sf_res_free(struct sf_res *r)
{
	free(r->db);
	free(r->schema);
	free(r->name);
	free(r->stage);
	free(r->path);
	buf_free(&r->data);
	if (r->url != NULL)
		memset(r->url, 0, strlen(r->url));
	free(r->url);
	free(r);
}

void
sf_res_cancel(struct sf_res *r)
{
	if (r == NULL)
		return;
	if (r->call != NULL)
		sf_call_cancel(r->call);
	if (r->stmt != NULL)
		sf_stmt_cancel(r->stmt);
	if (r->req != NULL)
		http_cancel(r->req);
	sf_res_free(r);
}

static int
sf_res_missing(long status)
{
	return status == 404 || status == 405 || status == 501;
}

/* ---- objects ----------------------------------------------------------- */

static void
sf_obj_finish(struct sf_res *r, int error, const char *cause)
{
	r->done(error, cause, r->arg);
	sf_res_free(r);
}

static void
sf_obj_meta(const struct sf_result_meta *m, void *arg)
{
	struct sf_res *r = arg;
	const char *const *f;
	size_t n, i, j;

	f = sf_repo_fields_get(&n);
	r->ncols = n;
	for (i = 0; i < n; i++) {
		r->col[i] = -1;
		for (j = 0; j < m->ncols; j++) {
			if (strcasecmp(m->cols[j].name, f[i]) == 0) {
				r->col[i] = (int)j;
				break;
			}
		}
	}
}

static int
sf_obj_show_row(const char *const *cells, size_t ncols, void *arg, char **cause)
{
	struct sf_res *r = arg;
	const char *out[16];
	size_t i;

	for (i = 0; i < r->ncols; i++)
		out[i] = r->col[i] >= 0 && (size_t)r->col[i] < ncols
			     ? cells[r->col[i]]
			     : NULL;
	if (r->name != NULL && (out[0] == NULL || strcmp(out[0], r->name) != 0))
		return 0;
	return r->row(out, r->ncols, r->arg, cause);
}

static void
sf_obj_show_done(const struct sf_stmt_result *res, void *arg)
{
	struct sf_res *r = arg;

	r->stmt = NULL;
	sf_obj_finish(r, res->error, res->cause);
}

static void
sf_obj_rest_done(const struct sf_call_result *res, void *arg)
{
	struct sf_res *r = arg;
	struct sf_stmt_cbs cbs = { sf_obj_meta, sf_obj_show_row,
		sf_obj_show_done };
	const char *const *f;
	char *cause = NULL, *wrapped = NULL;
	const char *body;
	size_t n, len, i;
	struct buf q;

	r->call = NULL;
	if (res->error && sf_res_missing(res->status) &&
	    !(r->name != NULL && res->body != NULL &&
		strstr(res->body, "does not exist") != NULL)) {
		buf_init(&q);
		buf_adds(&q, "SHOW IMAGE REPOSITORIES IN SCHEMA ");
		sf_ident_append(&q, r->db);
		buf_addc(&q, '.');
		sf_ident_append(&q, r->schema);
		r->stmt = sf_sql_run(r->sf, q.data, NULL, 0, &cbs, r);
		buf_free(&q);
		return;
	}
	if (res->error) {
		sf_obj_finish(r, 1, res->cause);
		return;
	}
	body = res->body;
	len = res->len;
	for (i = 0; i < len && (body[i] == ' ' || body[i] == '\n'); i++)
		;
	if (i < len && body[i] == '{') {
		/* A get answers one object. */
		wrapped = xasprintf("[%.*s]", (int)len, body);
		body = wrapped;
		len = strlen(wrapped);
	}
	f = sf_repo_fields_get(&n);
	if (json_sf_objects_parse(body, len, f, n, r->row, r->arg, &cause) !=
	    0) {
		free(wrapped);
		sf_obj_finish(r, 1, cause);
		free(cause);
		return;
	}
	free(wrapped);
	sf_obj_finish(r, 0, NULL);
}

struct sf_res *
sf_repos_list(struct sf_client *sf, const char *db, const char *schema,
    const char *name, sf_row_cb row, sf_res_done_cb done, void *arg)
{
	struct sf_res *r = xcalloc(1, sizeof *r);
	char *path;

	r->sf = sf;
	r->db = xstrdup(db != NULL ? db : "");
	r->schema = xstrdup(schema != NULL ? schema : "");
	r->name = name != NULL ? xstrdup(name) : NULL;
	r->row = row;
	r->done = done;
	r->arg = arg;
	buf_init(&r->data);
	path = sf_rest_path(r->db, r->schema, "image-repositories", name);
	r->call = sf_rest_call(sf, "GET", path, NULL, NULL,
	    name != NULL ? "getting the image repository"
			 : "listing image repositories",
	    sf_obj_rest_done, r);
	free(path);
	return r;
}

/* ---- previews ---------------------------------------------------------- */

const char *
sf_preview_kind(const char *path)
{
	static const struct {
		const char *ext, *kind;
	} map[] = {
		{ ".json", "json" },
		{ ".csv", "csv" },
		{ ".tsv", "csv" },
		{ ".txt", "text" },
		{ ".log", "text" },
		{ ".md", "text" },
		{ ".yaml", "text" },
		{ ".yml", "text" },
		{ ".sql", "text" },
		{ ".py", "text" },
		{ ".parquet", "parquet" },
	};
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	size_t i;

	if (dot == NULL || (slash != NULL && dot < slash))
		return "binary";
	for (i = 0; i < nitems(map); i++) {
		if (strcasecmp(dot, map[i].ext) == 0)
			return map[i].kind;
	}
	return "binary";
}

char *
sf_preview_render(const char *kind, const char *path, const char *data,
    size_t len, int truncated)
{
	const char *dot = strrchr(path, '.');
	char *t, *out, *masked;
	cJSON *v;
	struct buf b;

	if (strcmp(kind, "json") == 0 && !truncated) {
		v = cJSON_ParseWithLength(data, len);
		if (v != NULL) {
			redact_json_tree(v);
			t = cJSON_Print(v);
			cJSON_Delete(v);
			if (t == NULL)
				fatalx("out of memory");
			out = sanitize_dup(
			    t, strlen(t), SANITIZE_KEEP_NL | SANITIZE_KEEP_TAB);
			cJSON_free(t);
			return out;
		}
	}
	if (strcmp(kind, "json") == 0 || strcmp(kind, "csv") == 0 ||
	    strcmp(kind, "text") == 0) {
		t = xstrndup(data, len);
		masked = redact_text_dup(t);
		free(t);
		buf_init(&b);
		sanitize_append(&b, masked, strlen(masked),
		    SANITIZE_KEEP_NL | SANITIZE_KEEP_TAB);
		free(masked);
		if (truncated)
			buf_adds(&b, "\n[... preview cut at the size cap]\n");
		if (b.data == NULL)
			buf_adds(&b, "");
		return buf_detach(&b);
	}
	if (strcmp(kind, "parquet") == 0) {
		struct pq_meta pm;

		if (len < 4 || memcmp(data, "PAR1", 4) != 0)
			return xstrdup("named .parquet but without the PAR1 "
				       "magic: not a parquet file");
		if (truncated)
			return xstrdup("a parquet file larger than the preview "
				       "cap: its schema and row count live in "
				       "the footer at its end, which was not "
				       "fetched");
		if (pq_footer_parse((const uint8_t *)data, len, &pm, &t) != 0) {
			out = xasprintf("a parquet file whose footer cannot be "
					"read: %s",
			    t);
			free(t);
			return out;
		}
		buf_init(&b);
		buf_adds(&b, "parquet: ");
		pq_meta_text(&pm, &b);
		pq_meta_free(&pm);
		return buf_detach(&b);
	}
	t = xasprintf("a binary file (%s%s): never deserialized here%s",
	    dot != NULL ? dot + 1 : "no extension",
	    truncated ? ", larger than the preview cap" : "",
	    dot != NULL && strcasecmp(dot, ".pickle") == 0
		? " (unpickling can run arbitrary code)"
		: "");
	out = sanitize_dup(t, strlen(t), 0);
	free(t);
	return out;
}

static void
sf_preview_finish(struct sf_res *r, int error, const char *cause)
{
	struct sf_preview p;
	const char *kind = sf_preview_kind(r->path);
	char *text = NULL;

	memset(&p, 0, sizeof p);
	p.error = error;
	p.cause = cause;
	p.kind = kind;
	p.bytes = r->data.len;
	p.truncated = r->truncated;
	if (!error) {
		text = sf_preview_render(kind, r->path,
		    r->data.data != NULL ? r->data.data : "", r->data.len,
		    r->truncated);
		p.text = text;
	}
	r->pdone(&p, r->arg);
	free(text);
	sf_res_free(r);
}

static int
sf_preview_chunk(const char *data, size_t len, void *arg)
{
	struct sf_res *r = arg;
	size_t room = r->cap > r->data.len ? r->cap - r->data.len : 0;

	if (len > room) {
		buf_add(&r->data, data, room);
		r->truncated = 1;
		return -1; /* enough: stop the transfer */
	}
	buf_add(&r->data, data, len);
	return 0;
}

static void
sf_preview_got(const struct http_response *resp, void *arg)
{
	struct sf_res *r = arg;
	char *m;

	r->req = NULL;
	/* Logged by stage path: the presigned URL is a secret. */
	m = xasprintf("presigned URL of @%s.%s.%s/%s", r->db, r->schema,
	    r->stage, r->path);
	sf_client_log(r->sf, "GET", m, resp->status, resp->elapsed_ms, NULL);
	free(m);
	if (r->truncated) {
		sf_preview_finish(r, 0, NULL);
		return;
	}
	if (resp->status != 200) {
		m = xasprintf("fetching %s through its presigned URL failed "
			      "(HTTP %ld); the URL may have expired: try again",
		    r->path, resp->status);
		sf_preview_finish(r, 1, m);
		free(m);
		return;
	}
	sf_preview_finish(r, 0, NULL);
}

static void
sf_preview_fetch(struct sf_res *r, const char *url)
{
	struct http_request q;

	memset(&q, 0, sizeof q);
	q.method = "GET";
	q.url = url;
	q.flags = HTTP_STREAM;
	q.total_timeout_ms = 60000;
	q.chunk_cb = sf_preview_chunk;
	r->req = http_start(r->http, &q, sf_preview_got, r);
}

static int
sf_presigned_row(
    const char *const *cells, size_t ncols, void *arg, char **cause)
{
	struct sf_res *r = arg;

	(void)cause;
	if (ncols >= 1 && cells[0] != NULL && r->url == NULL)
		r->url = xstrdup(cells[0]);
	return 0;
}

static void
sf_presigned_sql_done(const struct sf_stmt_result *res, void *arg)
{
	struct sf_res *r = arg;

	r->stmt = NULL;
	if (res->error || r->url == NULL) {
		sf_preview_finish(r, 1,
		    res->error ? res->cause
			       : "GET_PRESIGNED_URL returned no URL");
		return;
	}
	sf_preview_fetch(r, r->url);
}

static void
sf_presigned_rest_done(const struct sf_call_result *res, void *arg)
{
	struct sf_res *r = arg;
	struct sf_stmt_cbs cbs = { NULL, sf_presigned_row,
		sf_presigned_sql_done };
	struct sf_bind b[2];
	struct buf q;
	cJSON *o;
	const cJSON *u;

	r->call = NULL;
	if (res->error && sf_res_missing(res->status) &&
	    !(res->body != NULL &&
		strstr(res->body, "does not exist") != NULL)) {
		/* The path is bound, the stage name quoted. */
		buf_init(&q);
		buf_adds(&q, "SELECT GET_PRESIGNED_URL(@");
		sf_ident_append(&q, r->db);
		buf_addc(&q, '.');
		sf_ident_append(&q, r->schema);
		buf_addc(&q, '.');
		sf_ident_append(&q, r->stage);
		buf_adds(&q, ", ?, 300)");
		b[0].type = "TEXT";
		b[0].value = r->path;
		r->stmt = sf_sql_run(r->sf, q.data, b, 1, &cbs, r);
		buf_free(&q);
		return;
	}
	if (res->error) {
		sf_preview_finish(r, 1, res->cause);
		return;
	}
	o = cJSON_ParseWithLength(res->body, res->len);
	u = cJSON_GetObjectItemCaseSensitive(o, "presigned_url");
	if (!cJSON_IsString(u) || u->valuestring[0] == '\0') {
		cJSON_Delete(o);
		sf_preview_finish(r, 1,
		    "the presigned URL answer has no "
		    "presigned_url");
		return;
	}
	r->url = xstrdup(u->valuestring);
	cJSON_Delete(o);
	sf_preview_fetch(r, r->url);
}

struct sf_res *
sf_stage_preview(struct sf_client *sf, struct http *http, const char *db,
    const char *schema, const char *stage, const char *path, size_t cap,
    sf_preview_cb done, void *arg)
{
	struct sf_res *r = xcalloc(1, sizeof *r);
	char *base, *seg, *p;
	const char *s;
	struct buf b;

	r->sf = sf;
	r->http = http;
	r->db = xstrdup(db);
	r->schema = xstrdup(schema);
	r->stage = xstrdup(stage);
	r->path = xstrdup(path);
	r->cap = cap > 0 ? cap : 64 * 1024;
	/* A parquet footer sits at the end: fetch more of such files. */
	if (strcmp(sf_preview_kind(path), "parquet") == 0 &&
	    r->cap < 16 * 1024 * 1024)
		r->cap = 16 * 1024 * 1024;
	r->pdone = done;
	r->arg = arg;
	buf_init(&r->data);
	base = sf_rest_path(db, schema, "stages", stage);
	buf_init(&b);
	buf_printf(&b, "%s/files/", base);
	free(base);
	/* Each segment encoded, the slashes kept. */
	for (s = path; *s != '\0';) {
		p = strchr(s, '/');
		seg = p != NULL ? xstrndup(s, (size_t)(p - s)) : xstrdup(s);
		url_encode(&b, seg);
		free(seg);
		if (p == NULL)
			break;
		buf_addc(&b, '/');
		s = p + 1;
	}
	buf_adds(&b, ":presigned-url");
	r->call =
	    sf_rest_call(sf, "POST", b.data, NULL, "{\"expiration_time\": 300}",
		"getting a presigned URL", sf_presigned_rest_done, r);
	buf_free(&b);
	return r;
}
