/*
 * Snowpark Container Services: pools, services, containers, logs and the
 * suspend / resume / restart actions (REST first, SQL where REST is
 * missing), plus the pure parsers and the log merge they use.
 */

#include "spcs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "json_snowflake.h"
#include "sanitize.h"
#include "sf_sql.h"
#include "svc.h"
#include "timefmt.h"
#include "util.h"

#define SPCS_MAXF 16

static const char *const spcs_cfields[SPCS_CF_N] = {
	[SPCS_CF_DATABASE] = "database_name",
	[SPCS_CF_SCHEMA] = "schema_name",
	[SPCS_CF_SERVICE] = "service_name",
	[SPCS_CF_SERVICE_STATUS] = "service_status",
	[SPCS_CF_INSTANCE] = "instance_id",
	[SPCS_CF_INSTANCE_STATUS] = "instance_status",
	[SPCS_CF_NAME] = "container_name",
	[SPCS_CF_STATUS] = "status",
	[SPCS_CF_MESSAGE] = "message",
	[SPCS_CF_IMAGE] = "image_name",
	[SPCS_CF_RESTARTS] = "restart_count",
	[SPCS_CF_START] = "start_time",
	[SPCS_CF_EXIT] = "last_exit_code",
};

/* Compute pool and service fields (REST names = SHOW column names). */
enum { PL_NAME, PL_STATE, PL_MIN, PL_MAX, PL_FAMILY, PL_NSVC, PL_ACTIVE, PL_N };
static const char *const spcs_pfields[PL_N] = { "name", "state", "min_nodes",
	"max_nodes", "instance_family", "num_services", "active_nodes" };
enum { SV_NAME, SV_STATUS, SV_POOL, SV_DNS, SV_CUR, SV_TARGET, SV_N };
static const char *const spcs_sfields[SV_N] = { "name", "status",
	"compute_pool", "dns_name", "current_instances", "target_instances" };
enum { EP_NAME, EP_PUBLIC, EP_URL, EP_N };
static const char *const spcs_efields[EP_N] = { "name", "is_public",
	"ingress_url" };

const char *const *
spcs_container_fields(size_t *n)
{
	*n = SPCS_CF_N;
	return spcs_cfields;
}

/* ---- pure -------------------------------------------------------------- */

static char *
spcs_safe(const char *s)
{
	if (s == NULL)
		s = "";
	return sanitize_dup(s, strlen(s), 0);
}

static int
spcs_int(const char *s, int dflt)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return dflt;
	v = strtod(s, &end);
	if (end == s || v != v || v < -1e9 || v > 1e9)
		return dflt;
	return (int)v;
}

static const char *
spcs_cell(const char *const *cells, size_t n, size_t i)
{
	return i < n && cells[i] != NULL ? cells[i] : "";
}

static void
spcs_push(struct svcs *out, const char *db, const char *schema,
    const char *service, const char *instance, const char *name,
    const char *status, const char *message, const char *image,
    const char *restarts, const char *start, const char *exitc)
{
	struct svc s;
	char *id;

	svc_init(&s);
	s.origin = SVC_SPCS;
	id = xasprintf("%s/%s/%s", service, instance, name);
	s.id = spcs_safe(id);
	free(id);
	s.name = spcs_safe(name);
	s.service = spcs_safe(service);
	id = xasprintf("%s.%s", db, schema);
	s.project = spcs_safe(id);
	free(id);
	s.image = spcs_safe(image);
	s.status = spcs_safe(status);
	s.message = spcs_safe(message);
	s.instance = spcs_safe(instance);
	s.ports = xstrdup("");
	s.state = svc_state_parse(status);
	if (strcasecmp(status, "done") == 0)
		s.state = SVC_EXITED;
	else if (strcasecmp(status, "terminating") == 0)
		s.state = SVC_SUSPENDING;
	s.restarts = spcs_int(restarts, 0);
	s.exit_code = spcs_int(exitc, -1);
	if (time_parse_iso(start, &s.started_at) != 0)
		s.started_at = 0;
	s.inspected = 1;
	svcs_push(out, &s);
}

int
spcs_container_row(struct svcs *out, const char *const *c, size_t n)
{
	const char *name = spcs_cell(c, n, SPCS_CF_NAME);

	if (*name == '\0')
		return 0;
	spcs_push(out, spcs_cell(c, n, SPCS_CF_DATABASE),
	    spcs_cell(c, n, SPCS_CF_SCHEMA), spcs_cell(c, n, SPCS_CF_SERVICE),
	    spcs_cell(c, n, SPCS_CF_INSTANCE), name,
	    spcs_cell(c, n, SPCS_CF_STATUS), spcs_cell(c, n, SPCS_CF_MESSAGE),
	    spcs_cell(c, n, SPCS_CF_IMAGE), spcs_cell(c, n, SPCS_CF_RESTARTS),
	    spcs_cell(c, n, SPCS_CF_START), spcs_cell(c, n, SPCS_CF_EXIT));
	return 1;
}

/* A member as text: strings as they are, numbers printed, else "". */
static void
spcs_member(
    const cJSON *o, const char *key, char *tmp, size_t len, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = "";
	if (cJSON_IsString(v))
		*out = v->valuestring;
	else if (cJSON_IsNumber(v)) {
		snprintf(tmp, len, "%.0f", v->valuedouble);
		*out = tmp;
	}
}

int
spcs_status_parse(const char *buf, size_t len, const char *database,
    const char *schema, struct svcs *out, char **cause)
{
	cJSON *root;
	const cJSON *it;
	const char *st, *msg, *name, *inst, *svc, *img, *rc, *start;
	char t1[32], t2[32];

	root = cJSON_ParseWithLength(buf, len);
	if (!cJSON_IsArray(root)) {
		cJSON_Delete(root);
		if (cause != NULL)
			*cause = xstrdup("SYSTEM$GET_SERVICE_STATUS did not "
					 "answer a JSON array");
		return -1;
	}
	cJSON_ArrayForEach(it, root)
	{
		if (!cJSON_IsObject(it))
			continue;
		spcs_member(it, "containerName", t1, sizeof t1, &name);
		if (*name == '\0')
			continue;
		spcs_member(it, "status", t1, sizeof t1, &st);
		spcs_member(it, "message", t1, sizeof t1, &msg);
		spcs_member(it, "serviceName", t1, sizeof t1, &svc);
		spcs_member(it, "image", t1, sizeof t1, &img);
		spcs_member(it, "startTime", t1, sizeof t1, &start);
		spcs_member(it, "instanceId", t1, sizeof t1, &inst);
		spcs_member(it, "restartCount", t2, sizeof t2, &rc);
		spcs_push(out, database != NULL ? database : "",
		    schema != NULL ? schema : "", svc, inst, name, st, msg, img,
		    rc, start, NULL);
	}
	cJSON_Delete(root);
	return 0;
}

int
spcs_logs_body_parse(
    const char *buf, size_t len, char **text, size_t *tlen, char **cause)
{
	cJSON *root;
	const cJSON *v;

	*text = NULL;
	*tlen = 0;
	root = cJSON_ParseWithLength(buf, len);
	v = cJSON_GetObjectItemCaseSensitive(root, "system$get_service_logs");
	if (!cJSON_IsString(v)) {
		cJSON_Delete(root);
		if (cause != NULL)
			*cause = xstrdup("the logs answer has no "
					 "system$get_service_logs text");
		return -1;
	}
	*tlen = strlen(v->valuestring);
	*text = xstrdup(v->valuestring);
	cJSON_Delete(root);
	return 0;
}

void
spcs_logtail_init(struct spcs_logtail *t)
{
	memset(t, 0, sizeof *t);
}

static void
spcs_lines_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
spcs_logtail_free(struct spcs_logtail *t)
{
	size_t keep = t->first_tail;

	spcs_lines_free(t->lines, t->n);
	memset(t, 0, sizeof *t);
	t->first_tail = keep;
}

/* Splits text into lines (a trailing newline ends the last one; '\r'
 * before '\n' dropped). */
static char **
spcs_split(const char *text, size_t len, size_t *n)
{
	char **v = NULL;
	size_t cap = 0, i, start = 0, end;

	*n = 0;
	for (i = 0; i <= len; i++) {
		if (i < len && text[i] != '\n')
			continue;
		if (i == len && start == len)
			break;
		end = i;
		if (end > start && text[end - 1] == '\r')
			end--;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[(*n)++] = xstrndup(text + start, end - start);
		start = i + 1;
	}
	return v;
}

static void
spcs_emit(const char *line, spcs_line_cb emit, void *arg)
{
	char *s = sanitize_dup(line, strlen(line), SANITIZE_KEEP_TAB);

	emit(s, arg);
	free(s);
}

size_t
spcs_logtail_merge(struct spcs_logtail *t, const char *text, size_t len,
    size_t window, spcs_line_cb emit, void *arg, int *gap)
{
	char **cur;
	size_t n, from = 0, k, j, i;
	int complete, g = 0;

	cur = spcs_split(text, len, &n);
	complete = window == 0 || n < window;
	if (!t->primed)
		from = t->first_tail > 0 && n > t->first_tail
			   ? n - t->first_tail
			   : 0;
	else if (t->complete && complete && n >= t->n) {
		for (i = 0; i < t->n && strcmp(t->lines[i], cur[i]) == 0; i++)
			;
		if (i == t->n)
			from = t->n;
		else
			g = 1; /* rewritten: a new log */
	} else if (t->complete && complete && n < t->n)
		g = 1;
	else {
		k = t->n < n ? t->n : n;
		for (; k > 0; k--) {
			for (j = 0; j < k; j++) {
				if (strcmp(t->lines[t->n - k + j], cur[j]) != 0)
					break;
			}
			if (j == k)
				break;
		}
		from = k;
		if (k == 0 && t->n > 0 && n > 0)
			g = 1;
	}
	for (i = from; i < n; i++)
		spcs_emit(cur[i], emit, arg);
	spcs_lines_free(t->lines, t->n);
	t->lines = cur;
	t->n = n;
	t->complete = complete;
	t->primed = 1;
	if (gap != NULL)
		*gap = g;
	return n - from;
}

void
spcs_pools_free(struct spcs_pools *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].state);
		free(p->v[i].family);
	}
	free(p->v);
	memset(p, 0, sizeof *p);
}

void
spcs_services_free(struct spcs_services *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].status);
		free(s->v[i].pool);
		free(s->v[i].dns);
		free(s->v[i].endpoints);
	}
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* ---- asynchronous ------------------------------------------------------ */

enum spcs_opkind {
	OP_POOLS,
	OP_SERVICES,
	OP_CONTAINERS,
	OP_LOGS,
	OP_ACTION,
};

/* What the row reader does with the rows of the current request. */
typedef int (*spcs_rows_cb)(struct spcs_op *, const char *const *, size_t);
typedef void (*spcs_fin_cb)(struct spcs_op *, int error, const char *cause);

struct spcs_op {
	enum spcs_opkind kind;
	struct sf_client *sf;
	uv_loop_t *loop;
	char *db, *schema, *name, *instance, *container;
	size_t lines;
	int previous;
	spcs_done_cb done;
	void *arg;
	struct sf_call *call;
	struct sf_stmt *stmt;
	/* The current row request: fields, SQL fallback, handlers. */
	const char *const *fields;
	size_t nfields;
	int col[SPCS_MAXF];
	char *fallback;  /* SQL to run when REST is missing; owned */
	int show_filter; /* SQL rows filtered by name == op->name */
	spcs_rows_cb rows;
	spcs_fin_cb fin;
	/* Results. */
	struct svcs containers;
	struct spcs_pools pools;
	struct spcs_services services;
	size_t ep_next;
	struct buf ep;
	char *text;
	size_t tlen;
	int status_tried;  /* containers: SYSTEM$GET_SERVICE_STATUS tried */
	int via_sql;       /* the current rows came from the SQL fallback */
	spcs_fin_cb after; /* containers: what runs when they are read */
	/* Action. */
	enum spcs_action action;
	struct spcs_action_config cfg;
	spcs_progress_cb progress;
	spcs_outcome_cb outcome;
	uv_timer_t timer;
	int timer_on;
	int phase; /* 0: suspend, 1: resume */
	int last_phase;
	char *state;      /* the state last read */
	char *last_shown; /* state of the last progress call */
	int last_ready;
	char **seen;
	size_t nseen;
	long delay;
	uint64_t t0;
	int ready, total;
	char *message;
};

static void
spcs_timer_closed(uv_handle_t *h)
{
	free(h->data);
}

static void
spcs_op_free(struct spcs_op *o)
{
	size_t i;

	free(o->db);
	free(o->schema);
	free(o->name);
	free(o->instance);
	free(o->container);
	free(o->fallback);
	svcs_free(&o->containers);
	spcs_pools_free(&o->pools);
	spcs_services_free(&o->services);
	buf_free(&o->ep);
	free(o->text);
	free(o->state);
	free(o->last_shown);
	free(o->message);
	for (i = 0; i < o->nseen; i++)
		free(o->seen[i]);
	free(o->seen);
	if (o->timer_on) {
		uv_timer_stop(&o->timer);
		o->timer.data = o;
		/* Freed by the close callback; every field above is gone. */
		uv_close((uv_handle_t *)&o->timer, spcs_timer_closed);
		return;
	}
	free(o);
}

void
spcs_op_cancel(struct spcs_op *o)
{
	if (o == NULL)
		return;
	if (o->call != NULL)
		sf_call_cancel(o->call);
	if (o->stmt != NULL)
		sf_stmt_cancel(o->stmt);
	o->call = NULL;
	o->stmt = NULL;
	spcs_op_free(o);
}

static struct spcs_op *
spcs_op_new(enum spcs_opkind kind, struct sf_client *sf, const char *db,
    const char *schema, const char *name)
{
	struct spcs_op *o = xcalloc(1, sizeof *o);

	o->kind = kind;
	o->sf = sf;
	o->db = xstrdup(db != NULL ? db : "");
	o->schema = xstrdup(schema != NULL ? schema : "");
	o->name = name != NULL ? xstrdup(name) : NULL;
	svcs_init(&o->containers);
	buf_init(&o->ep);
	return o;
}

static int
spcs_missing(const struct sf_call_result *r)
{
	return r->error &&
	       (r->status == 404 || r->status == 405 || r->status == 501) &&
	       !(r->body != NULL && strstr(r->body, "does not exist") != NULL);
}

/* db.schema.name for SQL, each part bare or quoted. */
static void
spcs_fq_sql(struct buf *b, const char *db, const char *schema, const char *n)
{
	if (db != NULL && *db != '\0') {
		sf_ident_append(b, db);
		buf_addc(b, '.');
		sf_ident_append(b, schema);
		buf_addc(b, '.');
	}
	sf_ident_append(b, n);
}

/* db.schema.name as a string value (for SYSTEM$ functions). */
static char *
spcs_fq_text(const char *db, const char *schema, const char *n)
{
	struct buf b;

	buf_init(&b);
	spcs_fq_sql(&b, db, schema, n);
	return buf_detach(&b);
}

/* -- the row reader: a REST list (or one object), else SQL -- */

static int
spcs_rows_rest_row(const char *const *cells, size_t n, void *arg, char **cause)
{
	struct spcs_op *o = arg;

	(void)cause;
	return o->rows(o, cells, n);
}

static void
spcs_rows_meta(const struct sf_result_meta *m, void *arg)
{
	struct spcs_op *o = arg;
	size_t i, j;

	for (i = 0; i < o->nfields; i++) {
		o->col[i] = -1;
		for (j = 0; j < m->ncols; j++) {
			if (strcasecmp(m->cols[j].name, o->fields[i]) == 0) {
				o->col[i] = (int)j;
				break;
			}
		}
	}
	/* A function's one column is named after the call: take it. */
	if (o->nfields == 1 && o->col[0] < 0 && m->ncols >= 1)
		o->col[0] = 0;
}

static int
spcs_rows_sql_row(const char *const *cells, size_t n, void *arg, char **cause)
{
	struct spcs_op *o = arg;
	const char *out[SPCS_MAXF];
	size_t i;

	(void)cause;
	for (i = 0; i < o->nfields; i++)
		out[i] = o->col[i] >= 0 && (size_t)o->col[i] < n
			     ? cells[o->col[i]]
			     : NULL;
	if (o->show_filter && o->name != NULL &&
	    (out[0] == NULL || strcmp(out[0], o->name) != 0))
		return 0;
	return o->rows(o, out, o->nfields);
}

static void
spcs_rows_sql_done(const struct sf_stmt_result *r, void *arg)
{
	struct spcs_op *o = arg;

	o->stmt = NULL;
	o->fin(o, r->error, r->cause);
}

static void
spcs_rows_sql(
    struct spcs_op *o, const char *sql, const struct sf_bind *b, size_t nb)
{
	struct sf_stmt_cbs cbs = { spcs_rows_meta, spcs_rows_sql_row,
		spcs_rows_sql_done };
	size_t i;

	for (i = 0; i < o->nfields; i++)
		o->col[i] = (int)i;
	o->via_sql = 1;
	o->stmt = sf_sql_run(o->sf, sql, b, nb, &cbs, o);
}

static void
spcs_rows_rest_done(const struct sf_call_result *r, void *arg)
{
	struct spcs_op *o = arg;
	char *cause = NULL, *wrapped = NULL, *sql;
	const char *body;
	size_t len, i;

	o->call = NULL;
	if (spcs_missing(r) && o->fallback != NULL) {
		sql = o->fallback;
		o->fallback = NULL;
		spcs_rows_sql(o, sql, NULL, 0);
		free(sql);
		return;
	}
	if (r->error) {
		o->fin(o, 1, r->cause);
		return;
	}
	body = r->body != NULL ? r->body : "[]";
	len = r->body != NULL ? r->len : 2;
	for (i = 0; i < len && (body[i] == ' ' || body[i] == '\n'); i++)
		;
	if (i < len && body[i] == '{') {
		wrapped = xasprintf("[%.*s]", (int)len, body);
		body = wrapped;
		len = strlen(wrapped);
	}
	if (json_sf_objects_parse(body, len, o->fields, o->nfields,
		spcs_rows_rest_row, o, &cause) != 0) {
		free(wrapped);
		o->fin(o, 1, cause);
		free(cause);
		return;
	}
	free(wrapped);
	o->fin(o, 0, NULL);
}

/*
 * Reads rows of fields from REST path (GET), falling back to sql (owned,
 * may be NULL) where REST is missing; filter keeps only SQL rows whose
 * first field equals o->name.
 */
static void
spcs_rows_start(struct spcs_op *o, const char *path, const char *query,
    const char *what, char *sql, int filter, const char *const *fields,
    size_t nfields, spcs_rows_cb rows, spcs_fin_cb fin)
{
	free(o->fallback);
	o->fallback = sql;
	o->show_filter = filter;
	o->fields = fields;
	o->nfields = nfields;
	o->rows = rows;
	o->fin = fin;
	o->via_sql = 0;
	o->call = sf_rest_call(
	    o->sf, "GET", path, query, NULL, what, spcs_rows_rest_done, o);
}

static void
spcs_finish(struct spcs_op *o, int error, const char *cause)
{
	struct spcs_result r;

	memset(&r, 0, sizeof r);
	r.error = error;
	r.cause = cause;
	r.containers = &o->containers;
	r.pools = &o->pools;
	r.svcs = &o->services;
	r.text = o->text != NULL ? o->text : "";
	r.len = o->tlen;
	o->done(&r, o->arg);
	spcs_op_free(o);
}

/* -- pools -- */

static int
spcs_pool_row(struct spcs_op *o, const char *const *c, size_t n)
{
	struct spcs_pool *p;

	o->pools.v = xreallocarray(o->pools.v, o->pools.n + 1, sizeof *p);
	p = &o->pools.v[o->pools.n++];
	p->name = spcs_safe(spcs_cell(c, n, PL_NAME));
	p->state = spcs_safe(spcs_cell(c, n, PL_STATE));
	p->family = spcs_safe(spcs_cell(c, n, PL_FAMILY));
	p->min_nodes = spcs_int(spcs_cell(c, n, PL_MIN), 0);
	p->max_nodes = spcs_int(spcs_cell(c, n, PL_MAX), 0);
	p->num_services = spcs_int(spcs_cell(c, n, PL_NSVC), 0);
	p->active_nodes = spcs_int(spcs_cell(c, n, PL_ACTIVE), 0);
	return 0;
}

static char *
spcs_pool_path(const char *name, const char *suffix)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, "/api/v2/compute-pools");
	if (name != NULL) {
		buf_addc(&b, '/');
		url_encode(&b, name);
	}
	if (suffix != NULL)
		buf_adds(&b, suffix);
	return buf_detach(&b);
}

static void
spcs_pools_read(struct spcs_op *o, spcs_fin_cb fin)
{
	char *path = spcs_pool_path(o->name, NULL);

	spcs_pools_free(&o->pools);
	spcs_rows_start(o, path, NULL,
	    o->name != NULL ? "getting the compute pool"
			    : "listing compute pools",
	    xstrdup("SHOW COMPUTE POOLS"), 1, spcs_pfields, PL_N, spcs_pool_row,
	    fin);
	free(path);
}

struct spcs_op *
spcs_pools_fetch(
    struct sf_client *sf, const char *name, spcs_done_cb done, void *arg)
{
	struct spcs_op *o = spcs_op_new(OP_POOLS, sf, NULL, NULL, name);

	o->done = done;
	o->arg = arg;
	spcs_pools_read(o, spcs_finish);
	return o;
}

/* -- services -- */

static int
spcs_service_row(struct spcs_op *o, const char *const *c, size_t n)
{
	struct spcs_service *s;

	o->services.v =
	    xreallocarray(o->services.v, o->services.n + 1, sizeof *s);
	s = &o->services.v[o->services.n++];
	s->name = spcs_safe(spcs_cell(c, n, SV_NAME));
	s->status = spcs_safe(spcs_cell(c, n, SV_STATUS));
	s->pool = spcs_safe(spcs_cell(c, n, SV_POOL));
	s->dns = spcs_safe(spcs_cell(c, n, SV_DNS));
	s->endpoints = xstrdup("");
	s->current_instances = spcs_int(spcs_cell(c, n, SV_CUR), 0);
	s->target_instances = spcs_int(spcs_cell(c, n, SV_TARGET), 0);
	return 0;
}

static void
spcs_services_read(struct spcs_op *o, spcs_fin_cb fin)
{
	char *path = sf_rest_path(o->db, o->schema, "services", o->name);
	struct buf q;

	buf_init(&q);
	buf_adds(&q, "SHOW SERVICES IN SCHEMA ");
	sf_ident_append(&q, o->db);
	buf_addc(&q, '.');
	sf_ident_append(&q, o->schema);
	spcs_services_free(&o->services);
	spcs_rows_start(o, path, NULL,
	    o->name != NULL ? "getting the service" : "listing services",
	    buf_detach(&q), 1, spcs_sfields, SV_N, spcs_service_row, fin);
	free(path);
}

static void spcs_endpoints_next(struct spcs_op *);

static int
spcs_endpoint_row(struct spcs_op *o, const char *const *c, size_t n)
{
	const char *pub = spcs_cell(c, n, EP_PUBLIC);
	char *s;

	if (strcasecmp(pub, "true") != 0)
		return 0;
	if (o->ep.len > 0)
		buf_adds(&o->ep, ", ");
	s = xasprintf(
	    "%s=%s", spcs_cell(c, n, EP_NAME), spcs_cell(c, n, EP_URL));
	sanitize_append(&o->ep, s, strlen(s), 0);
	free(s);
	return 0;
}

static void
spcs_endpoints_fin(struct spcs_op *o, int error, const char *cause)
{
	struct spcs_service *s = &o->services.v[o->ep_next];

	(void)cause;
	/* An endpoint list that cannot be read leaves the column empty. */
	if (!error && o->ep.len > 0) {
		free(s->endpoints);
		s->endpoints = buf_detach(&o->ep);
	}
	buf_reset(&o->ep);
	o->ep_next++;
	spcs_endpoints_next(o);
}

static void
spcs_endpoints_next(struct spcs_op *o)
{
	struct spcs_service *s;
	char *path, *seg;
	struct buf q;

	if (o->ep_next >= o->services.n) {
		spcs_finish(o, 0, NULL);
		return;
	}
	s = &o->services.v[o->ep_next];
	seg = sf_rest_path(o->db, o->schema, "services", s->name);
	path = xasprintf("%s/endpoints", seg);
	free(seg);
	buf_init(&q);
	buf_adds(&q, "SHOW ENDPOINTS IN SERVICE ");
	spcs_fq_sql(&q, o->db, o->schema, s->name);
	buf_reset(&o->ep);
	spcs_rows_start(o, path, NULL, "listing service endpoints",
	    buf_detach(&q), 0, spcs_efields, EP_N, spcs_endpoint_row,
	    spcs_endpoints_fin);
	free(path);
}

static void
spcs_services_fin(struct spcs_op *o, int error, const char *cause)
{
	if (error) {
		spcs_finish(o, error, cause);
		return;
	}
	o->ep_next = 0;
	spcs_endpoints_next(o);
}

struct spcs_op *
spcs_services_fetch(struct sf_client *sf, const char *db, const char *schema,
    const char *name, spcs_done_cb done, void *arg)
{
	struct spcs_op *o = spcs_op_new(OP_SERVICES, sf, db, schema, name);

	o->done = done;
	o->arg = arg;
	spcs_services_read(o, spcs_services_fin);
	return o;
}

/* -- containers -- */

static int
spcs_container_rowcb(struct spcs_op *o, const char *const *c, size_t n)
{
	spcs_container_row(&o->containers, c, n);
	return 0;
}

static void
spcs_status_row_text(struct spcs_op *o, const char *const *c, size_t n)
{
	if (n >= 1 && c[0] != NULL && o->text == NULL) {
		o->text = xstrdup(c[0]);
		o->tlen = strlen(c[0]);
	}
}

static int
spcs_status_rowcb(struct spcs_op *o, const char *const *c, size_t n)
{
	spcs_status_row_text(o, c, n);
	return 0;
}

static void
spcs_status_fin(struct spcs_op *o, int error, const char *cause)
{
	char *c2 = NULL;

	if (!error && o->text != NULL &&
	    spcs_status_parse(
		o->text, o->tlen, o->db, o->schema, &o->containers, &c2) != 0) {
		o->after(o, 1, c2);
		free(c2);
		return;
	}
	free(o->text);
	o->text = NULL;
	o->tlen = 0;
	o->after(o, error, cause);
}

/* The supplement's rows: last exit codes by service/instance/container. */
static int
spcs_exit_rowcb(struct spcs_op *o, const char *const *c, size_t n)
{
	struct svc *s;
	char *id;

	id = xasprintf("%s/%s/%s", spcs_cell(c, n, SPCS_CF_SERVICE),
	    spcs_cell(c, n, SPCS_CF_INSTANCE), spcs_cell(c, n, SPCS_CF_NAME));
	s = svcs_find_id(&o->containers, id);
	if (s != NULL)
		s->exit_code = spcs_int(spcs_cell(c, n, SPCS_CF_EXIT), -1);
	free(id);
	return 0;
}

static void
spcs_exit_fin(struct spcs_op *o, int error, const char *cause)
{
	/* Without the supplement the REST answer stands as it is. */
	(void)error;
	(void)cause;
	o->after(o, 0, NULL);
}

/*
 * REST's ServiceContainer has no last exit code; when a container has
 * exited or restarted, SHOW SERVICE CONTAINERS IN SERVICE adds it.
 */
static int
spcs_wants_exit_codes(const struct spcs_op *o)
{
	size_t i;

	for (i = 0; i < o->containers.n; i++) {
		if (o->containers.v[i].restarts > 0 ||
		    strcasecmp(o->containers.v[i].status, "FAILED") == 0 ||
		    strcasecmp(o->containers.v[i].status, "DONE") == 0)
			return 1;
	}
	return 0;
}

static void
spcs_containers_fin(struct spcs_op *o, int error, const char *cause)
{
	struct sf_bind b[1];
	char *fq;
	static const char *const f1[] = { "status" };
	struct buf q;

	if (!error && !o->via_sql && !o->status_tried &&
	    spcs_wants_exit_codes(o)) {
		o->status_tried = 1;
		o->rows = spcs_exit_rowcb;
		o->fin = spcs_exit_fin;
		o->show_filter = 0;
		buf_init(&q);
		buf_adds(&q, "SHOW SERVICE CONTAINERS IN SERVICE ");
		spcs_fq_sql(&q, o->db, o->schema, o->name);
		spcs_rows_sql(o, q.data, NULL, 0);
		buf_free(&q);
		return;
	}

	/*
	 * SHOW SERVICE CONTAINERS failed for another reason than a missing
	 * service: the deprecated status function, parsed only here.
	 */
	if (error && o->via_sql && !o->status_tried &&
	    (cause == NULL || strstr(cause, "does not exist") == NULL)) {
		o->status_tried = 1;
		o->fields = f1;
		o->nfields = 1;
		o->rows = spcs_status_rowcb;
		o->fin = spcs_status_fin;
		o->show_filter = 0;
		fq = spcs_fq_text(o->db, o->schema, o->name);
		b[0].type = "TEXT";
		b[0].value = fq;
		spcs_rows_sql(o, "SELECT SYSTEM$GET_SERVICE_STATUS(?)", b, 1);
		free(fq);
		return;
	}
	o->after(o, error, cause);
}

static void
spcs_containers_read(struct spcs_op *o, spcs_fin_cb after)
{
	char *seg = sf_rest_path(o->db, o->schema, "services", o->name);
	char *path = xasprintf("%s/containers", seg);
	struct buf q;

	free(seg);
	buf_init(&q);
	buf_adds(&q, "SHOW SERVICE CONTAINERS IN SERVICE ");
	spcs_fq_sql(&q, o->db, o->schema, o->name);
	svcs_reset(&o->containers);
	o->status_tried = 0;
	o->after = after;
	spcs_rows_start(o, path, NULL, "listing the service's containers",
	    buf_detach(&q), 0, spcs_cfields, SPCS_CF_N, spcs_container_rowcb,
	    spcs_containers_fin);
	free(path);
}

struct spcs_op *
spcs_containers_fetch(struct sf_client *sf, const char *db, const char *schema,
    const char *service, spcs_done_cb done, void *arg)
{
	struct spcs_op *o = spcs_op_new(OP_CONTAINERS, sf, db, schema, service);

	o->done = done;
	o->arg = arg;
	spcs_containers_read(o, spcs_finish);
	return o;
}

/* -- logs -- */

static void
spcs_logs_sql_done(const struct sf_stmt_result *r, void *arg)
{
	struct spcs_op *o = arg;

	o->stmt = NULL;
	spcs_finish(o, r->error, r->cause);
}

static int
spcs_logs_sql_row(const char *const *c, size_t n, void *arg, char **cause)
{
	(void)cause;
	spcs_status_row_text(arg, c, n);
	return 0;
}

static void
spcs_logs_rest_done(const struct sf_call_result *r, void *arg)
{
	struct spcs_op *o = arg;
	struct sf_stmt_cbs cbs = { NULL, spcs_logs_sql_row,
		spcs_logs_sql_done };
	struct sf_bind b[5];
	char *fq, lines[32], *cause = NULL;

	o->call = NULL;
	if (spcs_missing(r)) {
		fq = spcs_fq_text(o->db, o->schema, o->name);
		snprintf(lines, sizeof lines, "%zu",
		    o->lines > 0 ? o->lines : (size_t)1000);
		b[0] = (struct sf_bind){ "TEXT", fq };
		b[1] = (struct sf_bind){ "FIXED", o->instance };
		b[2] = (struct sf_bind){ "TEXT", o->container };
		b[3] = (struct sf_bind){ "FIXED", lines };
		b[4] = (struct sf_bind){ "BOOLEAN",
			o->previous ? "TRUE" : "FALSE" };
		o->stmt = sf_sql_run(o->sf,
		    "SELECT SYSTEM$GET_SERVICE_LOGS(?, ?, ?, ?, ?)", b, 5, &cbs,
		    o);
		free(fq);
		return;
	}
	if (r->error) {
		spcs_finish(o, 1, r->cause);
		return;
	}
	if (spcs_logs_body_parse(r->body, r->len, &o->text, &o->tlen, &cause) !=
	    0) {
		spcs_finish(o, 1, cause);
		free(cause);
		return;
	}
	spcs_finish(o, 0, NULL);
}

struct spcs_op *
spcs_logs_fetch(struct sf_client *sf, const char *db, const char *schema,
    const char *service, const char *instance, const char *container,
    size_t lines, int previous, spcs_done_cb done, void *arg)
{
	struct spcs_op *o = spcs_op_new(OP_LOGS, sf, db, schema, service);
	char *seg, *path;
	struct buf q;

	o->done = done;
	o->arg = arg;
	o->instance = xstrdup(instance != NULL ? instance : "0");
	o->container = xstrdup(container);
	o->lines = lines;
	o->previous = previous;
	seg = sf_rest_path(db, schema, "services", service);
	path = xasprintf("%s/logs", seg);
	free(seg);
	buf_init(&q);
	buf_adds(&q, "instanceId=");
	url_encode(&q, o->instance);
	buf_adds(&q, "&containerName=");
	url_encode(&q, container);
	if (lines > 0)
		buf_printf(&q, "&numLines=%zu", lines);
	if (previous)
		buf_adds(&q, "&previous=true");
	o->call = sf_rest_call(sf, "GET", path, q.data, NULL,
	    previous ? "reading the container's previous logs"
		     : "reading the container's logs",
	    spcs_logs_rest_done, o);
	buf_free(&q);
	free(path);
	return o;
}

/* ---- actions ----------------------------------------------------------- */

const char *
spcs_action_name(enum spcs_action a)
{
	switch (a) {
	case SPCS_SUSPEND:
		return "suspend";
	case SPCS_RESUME:
		return "resume";
	case SPCS_RESTART:
		return "restart";
	case SPCS_POOL_SUSPEND:
		return "pool-suspend";
	default:
		return "pool-resume";
	}
}

static int
spcs_is_pool(const struct spcs_op *o)
{
	return o->action == SPCS_POOL_SUSPEND || o->action == SPCS_POOL_RESUME;
}

static double
spcs_elapsed(const struct spcs_op *o)
{
	return (double)(util_now_ms() - o->t0) / 1000.0;
}

static void
spcs_act_end(struct spcs_op *o, int ok, const char *cause)
{
	struct spcs_outcome r;
	spcs_outcome_cb cb = o->outcome;
	void *arg = o->arg;

	memset(&r, 0, sizeof r);
	r.ok = ok;
	r.state = o->state != NULL ? o->state : "";
	r.cause = cause;
	r.message = o->message;
	r.seen = (const char *const *)o->seen;
	r.nseen = o->nseen;
	r.ready = o->ready;
	r.total = o->total;
	r.elapsed = spcs_elapsed(o);
	cb(&r, arg);
	spcs_op_free(o);
}

static void spcs_act_post(struct spcs_op *);
static void spcs_act_poll(struct spcs_op *);

static void
spcs_act_timer(uv_timer_t *t)
{
	spcs_act_poll(t->data);
}

static void
spcs_act_schedule(struct spcs_op *o, long ms)
{
	char *m;

	if (spcs_elapsed(o) * 1000.0 + (double)ms > (double)o->cfg.timeout_ms) {
		m = xasprintf("timed out after %.0f s waiting for %s %s to "
			      "become %s; it is %s now: check it with "
			      "'snowdeck get %s' and try again",
		    spcs_elapsed(o) + (double)ms / 1000.0,
		    spcs_is_pool(o) ? "compute pool" : "service", o->name,
		    o->phase == 0 ? "SUSPENDED"
				  : (spcs_is_pool(o) ? "IDLE or ACTIVE"
						     : "RUNNING with every "
						       "container READY"),
		    o->state != NULL ? o->state : "unknown",
		    spcs_is_pool(o) ? "pools" : "containers SERVICE");
		spcs_act_end(o, 0, m);
		free(m);
		return;
	}
	uv_timer_start(&o->timer, spcs_act_timer, (uint64_t)ms, 0);
}

/* Records a state; reports progress when state or readiness changed. */
static void
spcs_act_observe(struct spcs_op *o)
{
	struct spcs_progress p;
	int changed;

	if (o->state == NULL)
		return;
	if (o->nseen == 0 || strcmp(o->seen[o->nseen - 1], o->state) != 0) {
		o->seen = xreallocarray(o->seen, o->nseen + 1, sizeof *o->seen);
		o->seen[o->nseen++] = xstrdup(o->state);
	}
	changed = o->last_shown == NULL ||
		  strcmp(o->last_shown, o->state) != 0 ||
		  o->last_ready != o->ready || o->last_phase != o->phase;
	if (!changed) {
		o->delay = o->delay * 3 / 2;
		if (o->delay > o->cfg.poll_max_ms)
			o->delay = o->cfg.poll_max_ms;
		return;
	}
	o->delay = o->cfg.poll_min_ms;
	free(o->last_shown);
	o->last_shown = xstrdup(o->state);
	o->last_ready = o->ready;
	o->last_phase = o->phase;
	if (o->progress == NULL)
		return;
	memset(&p, 0, sizeof p);
	p.phase = o->phase == 0 ? "suspend" : "resume";
	p.state = o->state;
	p.ready = o->ready;
	p.total = o->total;
	p.message = o->message;
	p.elapsed = spcs_elapsed(o);
	o->progress(&p, o->arg);
}

static void
spcs_act_next_phase(struct spcs_op *o)
{
	if (o->phase == 0 && o->action == SPCS_RESTART) {
		o->phase = 1;
		spcs_act_post(o);
		return;
	}
	spcs_act_end(o, 1, NULL);
}

static int
spcs_state_is(const struct spcs_op *o, const char *s)
{
	return o->state != NULL && strcasecmp(o->state, s) == 0;
}

static void
spcs_act_containers(struct spcs_op *o, int error, const char *cause)
{
	size_t i;
	int failed;
	char *m;

	if (error) {
		m = xasprintf("reading the containers of %s failed: %s",
		    o->name, cause != NULL ? cause : "unknown error");
		spcs_act_end(o, 0, m);
		free(m);
		return;
	}
	o->ready = 0;
	o->total = (int)o->containers.n;
	free(o->message);
	o->message = NULL;
	for (i = 0; i < o->containers.n; i++) {
		if (strcasecmp(o->containers.v[i].status, "READY") == 0)
			o->ready++;
		else if (o->message == NULL)
			o->message = xasprintf("%s: %s %s",
			    o->containers.v[i].name, o->containers.v[i].status,
			    o->containers.v[i].message);
	}
	spcs_act_observe(o);
	failed = !spcs_state_is(o, "RUNNING") && !spcs_state_is(o, "PENDING");
	if (failed) {
		m = xasprintf("%s %s did not come back: it is %s%s%s%s; read "
			      "the logs of the failed run with 'snowdeck logs "
			      "%s CONTAINER --previous'",
		    spcs_action_name(o->action), o->name, o->state,
		    o->message != NULL ? " (" : "",
		    o->message != NULL ? o->message : "",
		    o->message != NULL ? ")" : "", o->name);
		spcs_act_end(o, 0, m);
		free(m);
		return;
	}
	if (spcs_state_is(o, "RUNNING") && o->total > 0 &&
	    o->ready == o->total) {
		spcs_act_end(o, 1, NULL);
		return;
	}
	spcs_act_schedule(o, o->delay);
}

static int
spcs_act_state_row(struct spcs_op *o, const char *const *c, size_t n)
{
	/* Pools: state is field 1; services: status is field 1 too. */
	const char *s = spcs_cell(c, n, 1);

	if (o->name != NULL && strcmp(spcs_cell(c, n, 0), o->name) != 0)
		return 0;
	free(o->state);
	o->state = spcs_safe(s);
	return 0;
}

static void
spcs_act_state(struct spcs_op *o, int error, const char *cause)
{
	char *m;

	if (error) {
		m = xasprintf("reading the state of %s failed while waiting: "
			      "%s",
		    o->name, cause != NULL ? cause : "unknown error");
		spcs_act_end(o, 0, m);
		free(m);
		return;
	}
	if (o->state == NULL) {
		m = xasprintf("%s %s is gone: it was not found while "
			      "waiting for it",
		    spcs_is_pool(o) ? "compute pool" : "service", o->name);
		spcs_act_end(o, 0, m);
		free(m);
		return;
	}
	if (o->phase == 0) {
		spcs_act_observe(o);
		if (spcs_state_is(o, "SUSPENDED")) {
			spcs_act_next_phase(o);
			return;
		}
		spcs_act_schedule(o, o->delay);
		return;
	}
	if (spcs_is_pool(o)) {
		spcs_act_observe(o);
		if (spcs_state_is(o, "IDLE") || spcs_state_is(o, "ACTIVE")) {
			spcs_act_end(o, 1, NULL);
			return;
		}
		spcs_act_schedule(o, o->delay);
		return;
	}
	if (spcs_state_is(o, "PENDING") || spcs_state_is(o, "SUSPENDED") ||
	    spcs_state_is(o, "SUSPENDING")) {
		o->ready = 0;
		spcs_act_observe(o);
		spcs_act_schedule(o, o->delay);
		return;
	}
	/* RUNNING: readiness decides; anything else: read why. */
	spcs_containers_read(o, spcs_act_containers);
}

static void
spcs_act_poll(struct spcs_op *o)
{
	struct buf q;
	char *path;

	free(o->state);
	o->state = NULL;
	if (spcs_is_pool(o)) {
		path = spcs_pool_path(o->name, NULL);
		spcs_rows_start(o, path, NULL, "getting the compute pool",
		    xstrdup("SHOW COMPUTE POOLS"), 1, spcs_pfields, PL_N,
		    spcs_act_state_row, spcs_act_state);
		free(path);
		return;
	}
	path = sf_rest_path(o->db, o->schema, "services", o->name);
	buf_init(&q);
	buf_adds(&q, "SHOW SERVICES IN SCHEMA ");
	sf_ident_append(&q, o->db);
	buf_addc(&q, '.');
	sf_ident_append(&q, o->schema);
	spcs_rows_start(o, path, NULL, "getting the service", buf_detach(&q), 1,
	    spcs_sfields, SV_N, spcs_act_state_row, spcs_act_state);
	free(path);
}

static void
spcs_act_sql_done(const struct sf_stmt_result *r, void *arg)
{
	struct spcs_op *o = arg;

	o->stmt = NULL;
	if (r->error) {
		spcs_act_end(o, 0, r->cause);
		return;
	}
	o->delay = o->cfg.poll_min_ms;
	spcs_act_poll(o);
}

static void
spcs_act_posted(const struct sf_call_result *r, void *arg)
{
	struct spcs_op *o = arg;
	struct sf_stmt_cbs cbs = { NULL, NULL, spcs_act_sql_done };
	struct buf q;

	o->call = NULL;
	if (spcs_missing(r)) {
		buf_init(&q);
		if (spcs_is_pool(o)) {
			buf_adds(&q, "ALTER COMPUTE POOL ");
			sf_ident_append(&q, o->name);
		} else {
			buf_adds(&q, "ALTER SERVICE ");
			spcs_fq_sql(&q, o->db, o->schema, o->name);
		}
		buf_adds(&q, o->phase == 0 ? " SUSPEND" : " RESUME");
		o->stmt = sf_sql_run(o->sf, q.data, NULL, 0, &cbs, o);
		buf_free(&q);
		return;
	}
	if (r->error) {
		spcs_act_end(o, 0, r->cause);
		return;
	}
	o->delay = o->cfg.poll_min_ms;
	/* The first look right away: SUSPENDING may be short. */
	spcs_act_poll(o);
}

static void
spcs_act_post(struct spcs_op *o)
{
	const char *verb = o->phase == 0 ? ":suspend" : ":resume";
	char *path, *seg;

	if (spcs_is_pool(o))
		path = spcs_pool_path(o->name, verb);
	else {
		seg = sf_rest_path(o->db, o->schema, "services", o->name);
		path = xasprintf("%s%s", seg, verb);
		free(seg);
	}
	o->call = sf_rest_call(o->sf, "POST", path, NULL, "{}",
	    o->phase == 0 ? (spcs_is_pool(o) ? "suspending the compute pool"
					     : "suspending the service")
			  : (spcs_is_pool(o) ? "resuming the compute pool"
					     : "resuming the service"),
	    spcs_act_posted, o);
	free(path);
}

struct spcs_op *
spcs_action_start(struct sf_client *sf, uv_loop_t *loop,
    enum spcs_action action, const char *db, const char *schema,
    const char *name, const struct spcs_action_config *cfg,
    spcs_progress_cb progress, spcs_outcome_cb done, void *arg)
{
	struct spcs_op *o = spcs_op_new(OP_ACTION, sf, db, schema, name);

	o->loop = loop;
	o->action = action;
	if (cfg != NULL)
		o->cfg = *cfg;
	if (o->cfg.timeout_ms <= 0)
		o->cfg.timeout_ms = 600000;
	if (o->cfg.poll_min_ms <= 0)
		o->cfg.poll_min_ms = 1000;
	if (o->cfg.poll_max_ms < o->cfg.poll_min_ms)
		o->cfg.poll_max_ms =
		    o->cfg.poll_min_ms > 5000 ? o->cfg.poll_min_ms : 5000;
	o->delay = o->cfg.poll_min_ms;
	o->progress = progress;
	o->outcome = done;
	o->arg = arg;
	o->last_phase = -1;
	o->t0 = util_now_ms();
	uv_timer_init(loop, &o->timer);
	o->timer.data = o;
	o->timer_on = 1;
	o->phase = action == SPCS_RESUME || action == SPCS_POOL_RESUME ? 1 : 0;
	spcs_act_post(o);
	return o;
}
