/*
 * The Snowflake SQL API v2 and REST client: statement state machine
 * (submit, resubmit with retry=true, poll 202s, fetch partitions), REST
 * calls, authentication headers, command log and audit records.
 */

#include "sf_sql.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/rand.h>
#include <uv.h>

#include "audit.h"
#include "http.h"
#include "model.h"
#include "sanitize.h"
#include "sf_conn.h"
#include "sf_jwt.h"
#include "util.h"

struct sf_token_watch;

struct sf_client {
	struct sf_token_watch *watch; /* follows a token file, or NULL */
	struct http *http;
	struct sf_client_config cfg;
	char *base_url;
	char *database, *schema, *warehouse, *role;
	enum sf_auth auth;
	char *token;              /* PAT / OAuth; secret */
	struct sf_jwt_cache *jwt; /* key pair */
	struct sf_stmt *stmts;    /* in flight */
	struct sf_call *calls;
	int freeing;
};

enum sf_stmt_state {
	SF_ST_SUBMIT,
	SF_ST_POLL,
	SF_ST_PARTITION,
	SF_ST_DONE,
};

/* Result partitions are fetched this many at a time by default (asked for
 * and not yet delivered: at most this many bodies are held); rows are
 * always delivered in partition order. */
#define SF_PART_WINDOW 4

struct sf_stmt;

/* One result partition being fetched (or fetched, waiting its turn). */
struct sf_part {
	struct sf_stmt *s;
	size_t idx;
	struct http_req *req;
	char *body;
	size_t len;
	long status;
	int state; /* 0 not asked, 1 in flight, 2 arrived */
	int reauth;
};

struct sf_stmt {
	struct sf_client *c;
	struct sf_stmt *next, *prev;
	enum sf_stmt_state state;
	struct sf_stmt_cbs cbs;
	void *arg;
	char *sql;  /* for logs: redacted, one line */
	char *body; /* the POST body */
	char request_id[37];
	struct http_req *req;
	uv_timer_t timer;
	int timer_on;
	int closing;
	struct sf_result_meta meta;
	int have_meta;
	size_t next_partition; /* next to deliver */
	size_t next_fetch;     /* next to ask for */
	struct sf_part *parts; /* one per partition (index 0 unused) */
	int inflight;
	uint64_t rows;
	size_t partitions;
	int resubmits;
	int polls;
	int reauth;
	long poll_ms;
	long status;
	uint64_t started_ms;
};

struct sf_call {
	struct sf_client *c;
	struct sf_call *next, *prev;
	char *method, *path, *query, *body, *what;
	int (*chunk)(const char *, size_t, void *);
	sf_call_cb done;
	void *arg;
	struct http_req *req;
	int reauth;
	uint64_t started_ms;
};

/* ---- token file -----------------------------------------------------------
 */

/*
 * Follows a token file that is rewritten while we run (Snowpark Container
 * Services refreshes /snowflake/session/token): a change in its directory
 * starts an asynchronous re-read, and the new token replaces the old one
 * for the following requests. Event-driven: nothing polls.
 */
struct sf_token_watch {
	struct sf_client *c; /* NULL once the client is gone */
	uv_loop_t *loop;
	uv_fs_event_t ev;
	uv_fs_t req;
	uv_file fd;
	char *path;
	char *base; /* the file name inside the watched directory */
	char buf[8192];
	int reading; /* a read chain in flight */
	int again;   /* changed again while reading */
	int closed;  /* the event handle is closed */
};

static void sf_watch_read(struct sf_token_watch *);

static void
sf_watch_maybe_free(struct sf_token_watch *w)
{
	if (w->c != NULL || !w->closed || w->reading)
		return;
	free(w->path);
	free(w->base);
	free(w);
}

static void
sf_watch_closed_fd(uv_fs_t *req)
{
	struct sf_token_watch *w = req->data;

	uv_fs_req_cleanup(req);
	w->reading = 0;
	if (w->c != NULL && w->again) {
		w->again = 0;
		sf_watch_read(w);
		return;
	}
	sf_watch_maybe_free(w);
}

static void
sf_watch_got(uv_fs_t *req)
{
	struct sf_token_watch *w = req->data;
	ssize_t n = req->result;
	char *p, *e;

	uv_fs_req_cleanup(req);
	if (n > 0 && (size_t)n < sizeof w->buf && w->c != NULL) {
		w->buf[n] = '\0';
		for (p = w->buf;
		     *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'; p++)
			;
		e = p + strlen(p);
		while (e > p && (e[-1] == ' ' || e[-1] == '\n' ||
				    e[-1] == '\r' || e[-1] == '\t'))
			*--e = '\0';
		if (*p != '\0' &&
		    (w->c->token == NULL || strcmp(w->c->token, p) != 0)) {
			if (w->c->token != NULL)
				memset(w->c->token, 0, strlen(w->c->token));
			free(w->c->token);
			w->c->token = xstrdup(p);
		}
	}
	memset(w->buf, 0, sizeof w->buf);
	w->req.data = w;
	if (uv_fs_close(w->loop, &w->req, w->fd, sf_watch_closed_fd) != 0) {
		w->reading = 0;
		sf_watch_maybe_free(w);
	}
}

static void
sf_watch_opened(uv_fs_t *req)
{
	struct sf_token_watch *w = req->data;
	uv_buf_t b;

	uv_fs_req_cleanup(req);
	if (req->result < 0) {
		w->reading = 0;
		sf_watch_maybe_free(w);
		return;
	}
	w->fd = (uv_file)req->result;
	b = uv_buf_init(w->buf, sizeof w->buf - 1);
	w->req.data = w;
	if (uv_fs_read(w->loop, &w->req, w->fd, &b, 1, 0, sf_watch_got) != 0) {
		uv_fs_t creq;

		uv_fs_close(w->loop, &creq, w->fd, NULL);
		uv_fs_req_cleanup(&creq);
		w->reading = 0;
		sf_watch_maybe_free(w);
	}
}

static void
sf_watch_read(struct sf_token_watch *w)
{
	w->reading = 1;
	w->req.data = w;
	if (uv_fs_open(
		w->loop, &w->req, w->path, O_RDONLY, 0, sf_watch_opened) != 0)
		w->reading = 0;
}

static void
sf_watch_event(uv_fs_event_t *ev, const char *name, int events, int status)
{
	struct sf_token_watch *w = ev->data;

	(void)events;
	if (status < 0 || w->c == NULL)
		return;
	if (name != NULL && strcmp(name, w->base) != 0)
		return;
	if (w->reading)
		w->again = 1;
	else
		sf_watch_read(w);
}

static void
sf_watch_ev_closed(uv_handle_t *h)
{
	struct sf_token_watch *w = h->data;

	w->closed = 1;
	sf_watch_maybe_free(w);
}

/* Starts following path; a watch that cannot start is simply absent. */
static struct sf_token_watch *
sf_watch_start(struct sf_client *c, const char *path)
{
	struct sf_token_watch *w = xcalloc(1, sizeof *w);
	const char *slash = strrchr(path, '/');
	char *dir;

	w->c = c;
	w->loop = c->cfg.loop;
	w->path = xstrdup(path);
	w->base = xstrdup(slash != NULL ? slash + 1 : path);
	dir = slash == NULL   ? xstrdup(".")
	      : slash == path ? xstrdup("/")
			      : xstrndup(path, (size_t)(slash - path));
	uv_fs_event_init(w->loop, &w->ev);
	w->ev.data = w;
	if (uv_fs_event_start(&w->ev, sf_watch_event, dir, 0) != 0) {
		free(dir);
		w->c = NULL;
		uv_close((uv_handle_t *)&w->ev, sf_watch_ev_closed);
		return NULL;
	}
	free(dir);
	/* The watch must not keep a headless command's loop alive. */
	uv_unref((uv_handle_t *)&w->ev);
	return w;
}

static void
sf_watch_stop(struct sf_token_watch *w)
{
	if (w == NULL)
		return;
	w->c = NULL;
	uv_close((uv_handle_t *)&w->ev, sf_watch_ev_closed);
}

/* ---- client ------------------------------------------------------------ */

static char *
sf_dupnull(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

int
sf_client_create(struct sf_client **out, struct http *http,
    const struct sf_client_config *cfg, char **cause)
{
	const struct sf_conn *conn = cfg->conn;
	struct sf_client *c;
	struct sf_key *key = NULL;
	const char *pass;

	*out = NULL;
	if (cfg->loop == NULL || conn == NULL || conn->base_url == NULL ||
	    conn->auth == SF_AUTH_NONE) {
		*cause = xstrdup("the Snowflake connection is not resolved");
		return -1;
	}
	pass = conn->private_key_passphrase != NULL
		   ? conn->private_key_passphrase
		   : conn->password;
	if (conn->auth == SF_AUTH_JWT) {
		if (conn->private_key_content != NULL) {
			struct buf pem;

			buf_init(&pem);
			buf_adds(&pem, conn->private_key_content);
			if (sf_key_load(&key, pem.data, pem.len, pass, cause) !=
			    0) {
				buf_free(&pem);
				return -1;
			}
			memset(pem.data, 0, pem.len);
			buf_free(&pem);
		} else if (sf_key_load_file(
			       &key, conn->private_key_file, pass, cause) != 0)
			return -1;
	}
	c = xcalloc(1, sizeof *c);
	c->http = http;
	c->cfg = *cfg;
	c->cfg.conn = NULL;
	if (c->cfg.poll_first_ms <= 0)
		c->cfg.poll_first_ms = 200;
	if (c->cfg.poll_max_ms <= 0)
		c->cfg.poll_max_ms = 2000;
	if (c->cfg.max_resubmits <= 0)
		c->cfg.max_resubmits = 4;
	if (c->cfg.retry_base_ms <= 0)
		c->cfg.retry_base_ms = 250;
	if (c->cfg.post_timeout_ms <= 0)
		c->cfg.post_timeout_ms = 60000;
	if (c->cfg.partition_window <= 0)
		c->cfg.partition_window = SF_PART_WINDOW;
	c->base_url = xstrdup(conn->base_url);
	c->database = sf_dupnull(conn->database);
	c->schema = sf_dupnull(conn->schema);
	c->warehouse = sf_dupnull(conn->warehouse);
	c->role = sf_dupnull(conn->role);
	c->auth = conn->auth;
	if (conn->auth == SF_AUTH_JWT)
		c->jwt = sf_jwt_cache_create(key, conn->account, conn->user);
	else
		c->token = xstrdup(conn->token);
	if (conn->auth != SF_AUTH_JWT && conn->token_file_path != NULL)
		c->watch = sf_watch_start(c, conn->token_file_path);
	*out = c;
	return 0;
}

const char *
sf_client_url(const struct sf_client *c)
{
	return c->base_url;
}

const char *
sf_client_database(const struct sf_client *c)
{
	return c->database;
}

const char *
sf_client_schema(const struct sf_client *c)
{
	return c->schema;
}

int
sf_client_pending(const struct sf_client *c)
{
	const struct sf_stmt *s;
	const struct sf_call *k;
	int n = 0;

	for (s = c->stmts; s != NULL; s = s->next)
		n++;
	for (k = c->calls; k != NULL; k = k->next)
		n++;
	return n;
}

/* The Authorization and token type headers, or -1 with *cause. */
static int
sf_auth_headers(struct sf_client *c, char **auth, char **type, char **cause)
{
	const char *tok;

	if (c->auth == SF_AUTH_JWT) {
		tok = sf_jwt_token(c->jwt, (long)util_wall(), cause);
		if (tok == NULL)
			return -1;
	} else
		tok = c->token;
	*auth = xasprintf("Authorization: Bearer %s", tok);
	*type = xasprintf("X-Snowflake-Authorization-Token-Type: %s",
	    sf_auth_token_type(c->auth));
	return 0;
}

static void
sf_wipe_free(char *s)
{
	if (s != NULL)
		memset(s, 0, strlen(s));
	free(s);
}

/* Starts one HTTP exchange with the auth headers. */
static struct http_req *
sf_http_ex(struct sf_client *c, const char *method, const char *url,
    const char *body, int flags, long timeout_ms,
    int (*chunk)(const char *, size_t, void *), http_done_cb done, void *arg,
    char **cause)
{
	struct http_request r;
	char *auth = NULL, *type = NULL, *role = NULL;
	const char *headers[6], *p;
	struct http_req *req;

	if (sf_auth_headers(c, &auth, &type, cause) != 0)
		return NULL;
	headers[0] = auth;
	headers[1] = type;
	headers[2] = "Accept: application/json";
	headers[3] = "Content-Type: application/json";
	headers[4] = NULL;
	/*
	 * REST resource calls run as the connection's role, as statements do
	 * (their body says it): without the header Snowflake would use the
	 * user's default role (developer-guide/snowflake-rest-api/
	 * setting-context).
	 */
	if (c->role != NULL && strstr(url, "/api/v2/statements") == NULL) {
		for (p = c->role;
		     *p != '\0' && (unsigned char)*p >= 0x20 && *p != 0x7f; p++)
			;
		if (*p == '\0') {
			role = xasprintf("X-Snowflake-Role: %s", c->role);
			headers[4] = role;
			headers[5] = NULL;
		}
	}
	memset(&r, 0, sizeof r);
	r.method = method;
	r.url = url;
	r.headers = headers;
	r.body = body;
	r.body_len = body != NULL ? strlen(body) : 0;
	r.flags = flags;
	r.total_timeout_ms = timeout_ms;
	r.chunk_cb = chunk;
	req = http_start(c->http, &r, done, arg);
	sf_wipe_free(auth);
	free(type);
	free(role);
	return req;
}

static struct http_req *
sf_http(struct sf_client *c, const char *method, const char *url,
    const char *body, int flags, long timeout_ms, http_done_cb done, void *arg,
    char **cause)
{
	return sf_http_ex(
	    c, method, url, body, flags, timeout_ms, NULL, done, arg, cause);
}

/* Command log and audit of one step; what is already redacted. */
static void
sf_log(struct sf_client *c, const char *kind, const char *what, long status,
    double ms, const char *result)
{
	char st[32];

	if (c->cfg.cmdlog != NULL)
		cmdlog_add(c->cfg.cmdlog, kind, what, status, ms);
	if (c->cfg.audit != NULL) {
		if (result == NULL) {
			snprintf(st, sizeof st, "%ld", status);
			result = st;
		}
		audit_record(
		    c->cfg.audit, "snowflake", c->base_url, what, result);
	}
}

void
sf_client_log(struct sf_client *c, const char *kind, const char *what,
    long status, double ms, const char *result)
{
	char *safe = redact_text_dup(what);

	sf_log(c, kind, safe, status, ms, result);
	free(safe);
}

/* ---- statements -------------------------------------------------------- */

static void sf_stmt_submit(struct sf_stmt *);
static void sf_stmt_poll(struct sf_stmt *);
static void sf_stmt_fetch(struct sf_stmt *);

static void
sf_stmt_closed(uv_handle_t *h)
{
	struct sf_stmt *s = h->data;
	size_t i;

	if (s->parts != NULL) {
		for (i = 0; i < s->meta.npartitions; i++)
			free(s->parts[i].body);
		free(s->parts);
	}
	sf_result_meta_free(&s->meta);
	free(s->sql);
	sf_wipe_free(s->body);
	free(s);
}

/* Unlinks and frees (after the timer handle closes). */
static void
sf_stmt_destroy(struct sf_stmt *s)
{
	struct sf_client *c = s->c;

	if (s->closing)
		return;
	s->closing = 1;
	size_t i;

	if (s->req != NULL) {
		http_cancel(s->req);
		s->req = NULL;
	}
	for (i = 0; s->parts != NULL && i < s->meta.npartitions; i++) {
		if (s->parts[i].req != NULL) {
			http_cancel(s->parts[i].req);
			s->parts[i].req = NULL;
		}
	}
	if (s->prev != NULL)
		s->prev->next = s->next;
	else if (c->stmts == s)
		c->stmts = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
	uv_close((uv_handle_t *)&s->timer, sf_stmt_closed);
}

static void
sf_stmt_finish(struct sf_stmt *s, int error, const char *cause,
    const char *code, const char *state)
{
	struct sf_stmt_result r;
	char res[512];
	double ms = (double)(util_now_ms() - s->started_ms);

	s->state = SF_ST_DONE;
	memset(&r, 0, sizeof r);
	r.error = error;
	r.cause = cause;
	r.status = s->status;
	r.code = code != NULL ? code : s->meta.code;
	r.sql_state = state != NULL ? state : s->meta.sql_state;
	r.handle = s->meta.handle;
	r.rows = s->rows;
	r.partitions = s->partitions;
	r.resubmits = s->resubmits;
	r.polls = s->polls;
	if (error)
		snprintf(
		    res, sizeof res, "%s", cause != NULL ? cause : "error");
	else
		snprintf(res, sizeof res, "ok: %llu rows, %zu partitions",
		    (unsigned long long)s->rows, s->partitions);
	sf_log(s->c, "SQL", s->sql, s->status, ms, res);
	if (s->cbs.done != NULL)
		s->cbs.done(&r, s->arg);
	sf_stmt_destroy(s);
}

static void
sf_stmt_fail(struct sf_stmt *s, const char *what, long status, const char *body,
    size_t len)
{
	char *m = sf_error_sentence(what, status, body, len);
	char *code = NULL, *state = NULL;
	cJSON *root =
	    body != NULL && len > 0 ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *v;

	if (cJSON_IsObject(root)) {
		v = cJSON_GetObjectItemCaseSensitive(root, "code");
		if (cJSON_IsString(v))
			code = xstrdup(v->valuestring);
		v = cJSON_GetObjectItemCaseSensitive(root, "sqlState");
		if (cJSON_IsString(v))
			state = xstrdup(v->valuestring);
	}
	cJSON_Delete(root);
	s->status = status;
	sf_stmt_finish(s, 1, m, code, state);
	free(m);
	free(code);
	free(state);
}

static void
sf_stmt_timer_cb(uv_timer_t *t)
{
	struct sf_stmt *s = t->data;

	s->timer_on = 0;
	if (s->state == SF_ST_SUBMIT)
		sf_stmt_submit(s);
	else if (s->state == SF_ST_POLL)
		sf_stmt_poll(s);
}

static void
sf_stmt_later(struct sf_stmt *s, long ms)
{
	s->timer_on = 1;
	uv_timer_start(&s->timer, sf_stmt_timer_cb, (uint64_t)ms, 0);
}

static int
sf_stmt_row(const char *const *cells, size_t ncols, void *arg, char **cause)
{
	struct sf_stmt *s = arg;

	/* Cancelled from an earlier row: no more callbacks. */
	if (s->closing) {
		*cause = xstrdup("cancelled");
		return -1;
	}
	s->rows++;
	if (s->cbs.row != NULL)
		return s->cbs.row(cells, ncols, s->arg, cause);
	return 0;
}

/* A 200 with the result set (partition 0). */
static void
sf_stmt_result(struct sf_stmt *s, const struct http_response *r)
{
	char *cause = NULL;

	sf_result_meta_free(&s->meta);
	if (json_sf_result_parse(
		r->body, r->body_len, &s->meta, NULL, NULL, &cause) != 0) {
		char *m = xasprintf("reading the result of the SQL statement "
				    "failed: %s",
		    cause);

		s->status = r->status;
		sf_stmt_finish(s, 1, m, NULL, NULL);
		free(m);
		free(cause);
		return;
	}
	s->have_meta = 1;
	if (s->meta.has_result && s->cbs.meta != NULL)
		s->cbs.meta(&s->meta, s->arg);
	if (s->closing)
		return;
	/* The rows of partition 0, now that the columns were announced. */
	if (s->meta.has_result) {
		struct sf_result_meta tmp;

		if (json_sf_result_parse(r->body, r->body_len, &tmp,
			sf_stmt_row, s, &cause) != 0) {
			if (s->closing) {
				free(cause);
				return;
			}
			s->status = r->status;
			sf_stmt_finish(s, 1, cause, NULL, NULL);
			free(cause);
			return;
		}
		sf_result_meta_free(&tmp);
		if (s->closing)
			return;
	}
	s->partitions = 1;
	s->next_partition = 1;
	s->next_fetch = 1;
	s->state = SF_ST_PARTITION;
	if (s->meta.npartitions > 1) {
		size_t i;

		s->parts = xcalloc(s->meta.npartitions, sizeof *s->parts);
		for (i = 0; i < s->meta.npartitions; i++) {
			s->parts[i].s = s;
			s->parts[i].idx = i;
		}
	}
	sf_stmt_fetch(s);
}

static int
sf_status_retryable(long status)
{
	return status == 0 || status == 429 || status == 500 || status == 502 ||
	       status == 503 || status == 504;
}

static void
sf_stmt_submit_done(const struct http_response *r, void *arg)
{
	struct sf_stmt *s = arg;
	struct sf_result_meta m;
	char *cause = NULL;
	long delay;
	double rnd;
	unsigned char b[4];

	s->req = NULL;
	s->status = r->status;
	if (r->status == 200) {
		sf_stmt_result(s, r);
		return;
	}
	if (r->status == 202) {
		if (json_sf_result_parse(
			r->body, r->body_len, &m, NULL, NULL, &cause) != 0 ||
		    m.handle == NULL) {
			sf_result_meta_free(&m);
			free(cause);
			sf_stmt_fail(s,
			    "the SQL statement (202 without a "
			    "statementHandle)",
			    r->status, NULL, 0);
			return;
		}
		sf_result_meta_free(&s->meta);
		s->meta = m;
		s->state = SF_ST_POLL;
		s->poll_ms = s->c->cfg.poll_first_ms;
		sf_stmt_later(s, s->poll_ms);
		return;
	}
	if (r->status == 401 && !s->reauth && s->c->jwt != NULL) {
		/* A rejected JWT is made again once (clock skew, expiry). */
		s->reauth = 1;
		sf_jwt_cache_invalidate(s->c->jwt);
		s->resubmits++;
		sf_stmt_submit(s);
		return;
	}
	if (sf_status_retryable(r->status) &&
	    s->resubmits < s->c->cfg.max_resubmits) {
		s->resubmits++;
		delay = r->retry_after != NULL
			    ? http_retry_after_ms(r->retry_after, util_wall())
			    : -1;
		if (delay < 0) {
			if (RAND_bytes(b, sizeof b) != 1)
				memset(b, 0, sizeof b);
			rnd = (double)(((uint32_t)b[0] << 24 |
					   (uint32_t)b[1] << 16 |
					   (uint32_t)b[2] << 8 | b[3]) %
				       1000000) /
			      1e6;
			delay = http_backoff_ms(
			    s->resubmits, s->c->cfg.retry_base_ms, 16000, rnd);
		}
		if (delay > 30000)
			delay = 30000;
		sf_stmt_later(s, delay);
		return;
	}
	if (r->status == 0)
		sf_stmt_fail(s, "sending the SQL statement", 0, NULL, 0);
	else
		sf_stmt_fail(
		    s, "the SQL statement", r->status, r->body, r->body_len);
}

static void
sf_stmt_submit(struct sf_stmt *s)
{
	struct sf_client *c = s->c;
	char *url, *cause = NULL;

	url = xasprintf("%s/api/v2/statements?requestId=%s%s", c->base_url,
	    s->request_id, s->resubmits > 0 ? "&retry=true" : "");
	/* A fresh connection: libcurl must not resend this POST unmarked. */
	s->req = sf_http(c, "POST", url, s->body, HTTP_NO_RETRY | HTTP_FRESH,
	    c->cfg.post_timeout_ms, sf_stmt_submit_done, s, &cause);
	free(url);
	if (s->req == NULL) {
		s->status = 0;
		sf_stmt_finish(s, 1, cause, NULL, NULL);
		free(cause);
	}
}

static void
sf_stmt_poll_done(const struct http_response *r, void *arg)
{
	struct sf_stmt *s = arg;

	s->req = NULL;
	s->status = r->status;
	if (r->status == 200) {
		sf_stmt_result(s, r);
		return;
	}
	if (r->status == 202 || r->status == 429) {
		s->poll_ms = s->poll_ms * 3 / 2;
		if (s->poll_ms > s->c->cfg.poll_max_ms)
			s->poll_ms = s->c->cfg.poll_max_ms;
		sf_stmt_later(s, s->poll_ms);
		return;
	}
	if (r->status == 401 && !s->reauth && s->c->jwt != NULL) {
		s->reauth = 1;
		sf_jwt_cache_invalidate(s->c->jwt);
		sf_stmt_poll(s);
		return;
	}
	sf_stmt_fail(s, "the SQL statement", r->status, r->body, r->body_len);
}

static char *
sf_handle_url(struct sf_client *c, const char *handle, const char *suffix,
    const char *query)
{
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "%s/api/v2/statements/", c->base_url);
	url_encode(&b, handle);
	if (suffix != NULL)
		buf_adds(&b, suffix);
	if (query != NULL)
		buf_printf(&b, "?%s", query);
	return buf_detach(&b);
}

static void
sf_stmt_poll(struct sf_stmt *s)
{
	char *url, *cause = NULL;

	s->polls++;
	url = sf_handle_url(s->c, s->meta.handle, NULL, NULL);
	s->req =
	    sf_http(s->c, "GET", url, NULL, 0, 0, sf_stmt_poll_done, s, &cause);
	free(url);
	if (s->req == NULL) {
		sf_stmt_finish(s, 1, cause, NULL, NULL);
		free(cause);
	}
}

static void sf_part_start(struct sf_part *);

static void
sf_stmt_partition_done(const struct http_response *r, void *arg)
{
	struct sf_part *p = arg;
	struct sf_stmt *s = p->s;

	p->req = NULL;
	s->inflight--;
	if (r->status == 401 && !p->reauth && s->c->jwt != NULL) {
		p->reauth = 1;
		sf_jwt_cache_invalidate(s->c->jwt);
		sf_part_start(p);
		return;
	}
	p->status = r->status;
	p->body = xmalloc(r->body_len + 1);
	memcpy(p->body, r->body, r->body_len);
	p->body[r->body_len] = '\0';
	p->len = r->body_len;
	p->state = 2;
	sf_stmt_fetch(s);
}

static void
sf_part_start(struct sf_part *p)
{
	struct sf_stmt *s = p->s;
	char *url, *q, *cause = NULL;

	q = xasprintf("partition=%zu", p->idx);
	url = sf_handle_url(s->c, s->meta.handle, NULL, q);
	free(q);
	p->state = 1;
	p->req = sf_http(
	    s->c, "GET", url, NULL, 0, 0, sf_stmt_partition_done, p, &cause);
	free(url);
	if (p->req == NULL) {
		sf_stmt_finish(s, 1, cause, NULL, NULL);
		free(cause);
		return;
	}
	s->inflight++;
}

/* Delivers one arrived partition's rows; 0, or -1 when the statement
 * ended (failed, or was cancelled from a callback). */
static int
sf_part_deliver(struct sf_stmt *s, struct sf_part *p)
{
	char *cause = NULL, *m;
	size_t n;

	s->status = p->status;
	if (p->status != 200) {
		m = xasprintf("fetching result partition %zu of %zu",
		    p->idx + 1, s->meta.npartitions);
		sf_stmt_fail(s, m, p->status, p->body, p->len);
		free(m);
		return -1;
	}
	if (json_sf_partition_parse(p->body, p->len, s->meta.ncols, sf_stmt_row,
		s, &n, &cause) != 0) {
		if (s->closing) {
			free(cause);
			return -1;
		}
		m = xasprintf("reading result partition %zu failed: %s",
		    p->idx + 1, cause);
		sf_stmt_finish(s, 1, m, NULL, NULL);
		free(m);
		free(cause);
		return -1;
	}
	free(p->body);
	p->body = NULL;
	if (s->closing)
		return -1;
	if (s->meta.partition_rows != NULL &&
	    s->meta.partition_rows[p->idx] != 0 &&
	    s->meta.partition_rows[p->idx] != n) {
		m = xasprintf("result partition %zu has %zu rows where "
			      "Snowflake announced %llu; run the statement "
			      "again",
		    p->idx + 1, n,
		    (unsigned long long)s->meta.partition_rows[p->idx]);
		sf_stmt_finish(s, 1, m, NULL, NULL);
		free(m);
		return -1;
	}
	s->partitions++;
	return 0;
}

/*
 * Moves the partitions along: delivers those arrived, in order, then asks
 * for more while fewer than the window are outstanding; finishes after the
 * last one.
 */
static void
sf_stmt_fetch(struct sf_stmt *s)
{
	size_t np = s->meta.npartitions;

	while (
	    s->next_partition < np && s->parts[s->next_partition].state == 2) {
		if (sf_part_deliver(s, &s->parts[s->next_partition]) != 0)
			return;
		s->next_partition++;
	}
	if (s->next_partition >= np) {
		sf_stmt_finish(s, 0, NULL, NULL, NULL);
		return;
	}
	/* The window bounds partitions asked for and not yet delivered, not
	 * only those in flight: behind one slow partition, those that
	 * arrived wait in memory, and must not pile up. */
	while (s->next_fetch - s->next_partition <
		   (size_t)s->c->cfg.partition_window &&
	       s->next_fetch < np) {
		sf_part_start(&s->parts[s->next_fetch++]);
		if (s->closing)
			return;
	}
}

/* The statement for logs: redacted, whitespace folded, capped. */
static char *
sf_stmt_logtext(const char *sql)
{
	char *r = redact_text_dup(sql), *p, *o;
	int sp = 0;

	for (p = o = r; *p != '\0'; p++) {
		if (isspace((unsigned char)*p)) {
			if (!sp && o != r)
				*o++ = ' ';
			sp = 1;
			continue;
		}
		sp = 0;
		*o++ = *p;
	}
	*o = '\0';
	if (strlen(r) > 500)
		strcpy(r + 497, "...");
	return r;
}

struct sf_stmt *
sf_sql_run(struct sf_client *c, const char *sql, const struct sf_bind *binds,
    size_t nbinds, const struct sf_stmt_cbs *cbs, void *arg)
{
	return sf_sql_run_as(c, NULL, sql, binds, nbinds, cbs, arg);
}

struct sf_stmt *
sf_sql_run_as(struct sf_client *c, const char *role, const char *sql,
    const struct sf_bind *binds, size_t nbinds, const struct sf_stmt_cbs *cbs,
    void *arg)
{
	struct sf_stmt *s;
	cJSON *o, *b, *one, *params;
	char idx[24];
	size_t i;

	s = xcalloc(1, sizeof *s);
	s->c = c;
	s->cbs = *cbs;
	s->arg = arg;
	s->sql = sf_stmt_logtext(sql);
	sf_uuid4(s->request_id);
	s->started_ms = util_now_ms();
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "statement", sql);
	if (c->cfg.statement_timeout_s > 0)
		cJSON_AddNumberToObject(
		    o, "timeout", (double)c->cfg.statement_timeout_s);
	if (c->database != NULL)
		cJSON_AddStringToObject(o, "database", c->database);
	if (c->schema != NULL)
		cJSON_AddStringToObject(o, "schema", c->schema);
	if (c->warehouse != NULL)
		cJSON_AddStringToObject(o, "warehouse", c->warehouse);
	if (role != NULL || c->role != NULL)
		cJSON_AddStringToObject(
		    o, "role", role != NULL ? role : c->role);
	if (nbinds > 0) {
		b = cJSON_AddObjectToObject(o, "bindings");
		for (i = 0; i < nbinds; i++) {
			snprintf(idx, sizeof idx, "%zu", i + 1);
			one = cJSON_AddObjectToObject(b, idx);
			cJSON_AddStringToObject(one, "type",
			    binds[i].type != NULL ? binds[i].type : "TEXT");
			if (binds[i].value != NULL)
				cJSON_AddStringToObject(
				    one, "value", binds[i].value);
			else
				cJSON_AddNullToObject(one, "value");
		}
	}
	/* Timestamps as ISO text rather than epoch seconds. */
	params = cJSON_AddObjectToObject(o, "parameters");
	cJSON_AddStringToObject(params, "timestamp_output_format",
	    "YYYY-MM-DD\"T\"HH24:MI:SS.FF3TZH:TZM");
	cJSON_AddStringToObject(params, "timestamp_ltz_output_format",
	    "YYYY-MM-DD\"T\"HH24:MI:SS.FF3TZH:TZM");
	cJSON_AddStringToObject(params, "timestamp_ntz_output_format",
	    "YYYY-MM-DD\"T\"HH24:MI:SS.FF3");
	cJSON_AddStringToObject(params, "timestamp_tz_output_format",
	    "YYYY-MM-DD\"T\"HH24:MI:SS.FF3TZH:TZM");
	s->body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s->body == NULL)
		fatalx("out of memory");
	uv_timer_init(c->cfg.loop, &s->timer);
	s->timer.data = s;
	s->next = c->stmts;
	if (c->stmts != NULL)
		c->stmts->prev = s;
	c->stmts = s;
	s->state = SF_ST_SUBMIT;
	/* Start on the next loop turn so done never runs in here. */
	sf_stmt_later(s, 0);
	return s;
}

static void
sf_cancel_done(const struct http_response *r, void *arg)
{
	(void)r;
	(void)arg;
}

void
sf_stmt_cancel(struct sf_stmt *s)
{
	char *url, *cause = NULL;
	struct http_req *req;

	if (s == NULL || s->closing)
		return;
	if (s->meta.handle != NULL && s->state != SF_ST_DONE) {
		url = sf_handle_url(s->c, s->meta.handle, "/cancel", NULL);
		req = sf_http(s->c, "POST", url, "{}", HTTP_IDEMPOTENT, 0,
		    sf_cancel_done, NULL, &cause);
		(void)req;
		free(cause);
		free(url);
		sf_log(s->c, "SQL", s->sql, -1, 0, "cancelled");
	}
	sf_stmt_destroy(s);
}

/* ---- REST calls -------------------------------------------------------- */

static void
sf_call_destroy(struct sf_call *k)
{
	struct sf_client *c = k->c;

	if (k->req != NULL)
		http_cancel(k->req);
	if (k->prev != NULL)
		k->prev->next = k->next;
	else if (c->calls == k)
		c->calls = k->next;
	if (k->next != NULL)
		k->next->prev = k->prev;
	free(k->method);
	free(k->path);
	free(k->query);
	free(k->body);
	free(k->what);
	free(k);
}

static void sf_call_start(struct sf_call *);

static int
sf_call_chunk(const char *data, size_t len, void *arg)
{
	struct sf_call *k = arg;

	return k->chunk(data, len, k->arg);
}

static void
sf_call_done(const struct http_response *r, void *arg)
{
	struct sf_call *k = arg;
	struct sf_call_result res;
	char *what, *m = NULL;

	k->req = NULL;
	if (r->status == 401 && !k->reauth && k->c->jwt != NULL) {
		k->reauth = 1;
		sf_jwt_cache_invalidate(k->c->jwt);
		sf_call_start(k);
		return;
	}
	what = redact_text_dup(k->path);
	sf_log(k->c, k->method, what, r->status,
	    (double)(util_now_ms() - k->started_ms), NULL);
	free(what);
	memset(&res, 0, sizeof res);
	res.status = r->status;
	res.body = r->body;
	res.len = r->body_len;
	if (r->status < 200 || r->status > 299) {
		res.error = 1;
		if (r->status == 0)
			m = xasprintf(
			    "%s failed: %s; check the network and the "
			    "Snowflake URL",
			    k->what, r->cause != NULL ? r->cause : "no answer");
		else
			m = sf_error_sentence(
			    k->what, r->status, r->body, r->body_len);
		res.cause = m;
	}
	k->done(&res, k->arg);
	free(m);
	sf_call_destroy(k);
}

static void
sf_call_start(struct sf_call *k)
{
	struct buf url;
	char *cause = NULL;
	struct sf_call_result res;
	int flags;

	buf_init(&url);
	buf_printf(&url, "%s%s", k->c->base_url, k->path);
	if (k->query != NULL)
		buf_printf(&url, "?%s", k->query);
	flags = strcmp(k->method, "GET") == 0 ? 0 : HTTP_IDEMPOTENT;
	if (k->chunk != NULL)
		flags |= HTTP_STREAM;
	k->req = sf_http_ex(k->c, k->method, url.data, k->body, flags,
	    k->chunk != NULL ? 300000 : 0,
	    k->chunk != NULL ? sf_call_chunk : NULL, sf_call_done, k, &cause);
	buf_free(&url);
	if (k->req == NULL) {
		memset(&res, 0, sizeof res);
		res.error = 1;
		res.cause = cause;
		k->done(&res, k->arg);
		free(cause);
		sf_call_destroy(k);
	}
}

/* A call linked into the client's list, not started yet. */
static struct sf_call *
sf_call_new(struct sf_client *c, const char *method, const char *path,
    const char *query, const char *what, sf_call_cb done, void *arg)
{
	struct sf_call *k = xcalloc(1, sizeof *k);

	k->c = c;
	k->method = xstrdup(method);
	k->path = xstrdup(path);
	k->query = sf_dupnull(query);
	k->what = xstrdup(what != NULL ? what : "the Snowflake call");
	k->done = done;
	k->arg = arg;
	k->started_ms = util_now_ms();
	k->next = c->calls;
	if (c->calls != NULL)
		c->calls->prev = k;
	c->calls = k;
	return k;
}

struct sf_call *
sf_rest_call(struct sf_client *c, const char *method, const char *path,
    const char *query, const char *body, const char *what, sf_call_cb done,
    void *arg)
{
	struct sf_call *k =
	    sf_call_new(c, method, path, query, what, done, arg);

	k->body = sf_dupnull(body);
	sf_call_start(k);
	return k;
}

struct sf_call *
sf_rest_stream(struct sf_client *c, const char *path, const char *query,
    const char *what, int (*chunk)(const char *, size_t, void *),
    sf_call_cb done, void *arg)
{
	struct sf_call *k = sf_call_new(c, "GET", path, query, what, done, arg);

	k->chunk = chunk;
	sf_call_start(k);
	return k;
}

void
sf_call_cancel(struct sf_call *k)
{
	if (k != NULL)
		sf_call_destroy(k);
}

/* A name as the REST API takes it: quoted when not a plain identifier. */
static void
sf_rest_segment(struct buf *b, const char *name)
{
	const char *p;
	int plain = isalpha((unsigned char)*name) || *name == '_';
	struct buf q;

	for (p = name; *p != '\0' && plain; p++) {
		if (!(isupper((unsigned char)*p) ||
			isdigit((unsigned char)*p) || *p == '_' || *p == '$'))
			plain = 0;
	}
	if (plain) {
		url_encode(b, name);
		return;
	}
	buf_init(&q);
	buf_addc(&q, '"');
	for (p = name; *p != '\0'; p++) {
		if (*p == '"')
			buf_addc(&q, '"');
		buf_addc(&q, *p);
	}
	buf_addc(&q, '"');
	url_encode(b, q.data);
	buf_free(&q);
}

char *
sf_rest_path(
    const char *db, const char *schema, const char *kind, const char *name)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, "/api/v2/databases/");
	sf_rest_segment(&b, db);
	buf_adds(&b, "/schemas/");
	sf_rest_segment(&b, schema);
	buf_printf(&b, "/%s", kind);
	if (name != NULL) {
		buf_addc(&b, '/');
		sf_rest_segment(&b, name);
	}
	return buf_detach(&b);
}

void
sf_client_free(struct sf_client *c)
{
	if (c == NULL)
		return;
	while (c->stmts != NULL)
		sf_stmt_destroy(c->stmts);
	while (c->calls != NULL)
		sf_call_destroy(c->calls);
	sf_watch_stop(c->watch);
	sf_jwt_cache_free(c->jwt);
	sf_wipe_free(c->token);
	free(c->base_url);
	free(c->database);
	free(c->schema);
	free(c->warehouse);
	free(c->role);
	free(c);
}
