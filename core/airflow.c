/*
 * The Airflow REST client: API detection, authentication, calls and
 * pagination on top of the asynchronous HTTP client.
 *
 * Operation life cycle: an af_op is created WAITING when the API is not
 * known yet, or SENDING at once. Detection (a short chain of requests) moves
 * every waiting op to SENDING or completes it with the detection error. A
 * 401 on a token-authenticated call drops the token, logs in again and
 * resends once. A list op repeats SENDING for each page.
 */

#include "airflow.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "http.h"
#include "json_airflow.h"
#include "util.h"

#define AIRFLOW_PAGE 100

enum airflow_state {
	AIRFLOW_UNKNOWN, /* nothing tried yet, or reset */
	AIRFLOW_DETECTING,
	AIRFLOW_READY,
};

struct af_op {
	struct airflow *af;
	char *method;
	char *path;
	char *query;
	char *body;
	int flags;
	af_done_cb done;
	af_page_cb page; /* list ops only */
	void *arg;
	struct http_req *req;
	int waiting;   /* queued until the API is known */
	int relogin;   /* already retried after a 401 */
	size_t offset; /* list: items fetched so far */
	size_t max_items;
	struct af_op *next; /* in airflow.ops */
};

struct airflow {
	struct http *http;
	char *url; /* without a trailing '/' */
	char *username;
	char *password;
	char *token; /* bearer (configured or from /auth/token) */
	int token_configured;
	int api; /* 0, 1 or 2 */
	char *version;
	enum airflow_state state;
	struct http_req *detect_req;
	int detect_step; /* 0 v2 version, 1 v1 version, 2 token */
	struct af_op *ops;
};

static void airflow_send(struct af_op *);
static void airflow_detect(struct airflow *);

int
airflow_create(struct airflow **out, struct http *http,
    const struct airflow_config *cfg, char **cause)
{
	struct airflow *af;
	size_t n;

	if (cfg->url == NULL || strncmp(cfg->url, "http", 4) != 0) {
		if (cause != NULL)
			*cause =
			    xasprintf("Airflow URL \"%s\" is not an http(s) "
				      "URL: set --airflow-url",
				cfg->url != NULL ? cfg->url : "");
		return -1;
	}
	af = xcalloc(1, sizeof *af);
	af->http = http;
	af->url = xstrdup(cfg->url);
	n = strlen(af->url);
	while (n > 0 && af->url[n - 1] == '/')
		af->url[--n] = '\0';
	af->username = cfg->username != NULL ? xstrdup(cfg->username) : NULL;
	af->password = cfg->password != NULL ? xstrdup(cfg->password) : NULL;
	if (cfg->token != NULL && *cfg->token != '\0') {
		af->token = xstrdup(cfg->token);
		af->token_configured = 1;
	}
	*out = af;
	return 0;
}

static void
airflow_op_free(struct af_op *op)
{
	struct af_op **pp;

	for (pp = &op->af->ops; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == op) {
			*pp = op->next;
			break;
		}
	}
	free(op->method);
	free(op->path);
	free(op->query);
	free(op->body);
	free(op);
}

void
airflow_free(struct airflow *af)
{
	if (af == NULL)
		return;
	while (af->ops != NULL) {
		if (af->ops->req != NULL)
			http_cancel(af->ops->req);
		airflow_op_free(af->ops);
	}
	if (af->detect_req != NULL)
		http_cancel(af->detect_req);
	free(af->url);
	free(af->username);
	if (af->password != NULL)
		memset(af->password, 0, strlen(af->password));
	free(af->password);
	if (af->token != NULL)
		memset(af->token, 0, strlen(af->token));
	free(af->token);
	free(af->version);
	free(af);
}

int
airflow_api(const struct airflow *af)
{
	return af->api;
}

const char *
airflow_version(const struct airflow *af)
{
	return af->version;
}

const char *
airflow_url(const struct airflow *af)
{
	return af->url;
}

void
airflow_reset(struct airflow *af)
{
	if (af->state == AIRFLOW_DETECTING)
		return;
	af->state = AIRFLOW_UNKNOWN;
	af->api = 0;
	if (!af->token_configured) {
		free(af->token);
		af->token = NULL;
	}
}

/* Completes op with a result and frees it. */
static void
airflow_finish(struct af_op *op, const struct af_result *res)
{
	af_done_cb done = op->done;
	void *arg = op->arg;

	airflow_op_free(op);
	if (done != NULL)
		done(res, arg);
}

static void
airflow_fail(struct af_op *op, long status, const char *cause)
{
	struct af_result res;

	memset(&res, 0, sizeof res);
	res.error = 1;
	res.status = status;
	res.cause = cause;
	res.body = "";
	airflow_finish(op, &res);
}

/* Fails every waiting op with cause. */
static void
airflow_fail_waiting(struct airflow *af, const char *cause)
{
	struct af_op *op, *next;

	for (op = af->ops; op != NULL; op = next) {
		next = op->next;
		if (op->waiting)
			airflow_fail(op, 0, cause);
	}
}

static void
airflow_start_waiting(struct airflow *af)
{
	struct af_op *op, *next;

	for (op = af->ops; op != NULL; op = next) {
		next = op->next;
		if (op->waiting) {
			op->waiting = 0;
			airflow_send(op);
		}
	}
}

/* Turns a failed detection response into a sentence (owned). */
static char *
airflow_detect_cause(struct airflow *af, const struct http_response *r)
{
	char *msg, *s;

	if (r->error)
		return xasprintf("Airflow at %s is unreachable: %s", af->url,
		    r->cause != NULL ? r->cause : "no response");
	if (r->status == 401 || r->status == 403) {
		msg = json_af_error_message(r->body, r->body_len);
		s = xasprintf(
		    "Airflow at %s rejected the credentials (%ld %s): "
		    "check SNOWDECK_AIRFLOW_USERNAME/PASSWORD or "
		    "SNOWDECK_AIRFLOW_TOKEN",
		    af->url, r->status, msg);
		free(msg);
		return s;
	}
	msg = json_af_error_message(r->body, r->body_len);
	s = xasprintf("%s does not look like an Airflow API server (HTTP %ld: "
		      "%s): check --airflow-url",
	    af->url, r->status, msg);
	free(msg);
	return s;
}

static int
airflow_is_json(const struct http_response *r)
{
	return r->content_type != NULL &&
	       strstr(r->content_type, "json") != NULL;
}

static void
airflow_detect_done(const struct http_response *r, void *arg)
{
	struct airflow *af = arg;
	char *version = NULL, *token = NULL, *cause = NULL;

	af->detect_req = NULL;
	switch (af->detect_step) {
	case 0: /* GET /api/v2/version */
	case 1: /* GET /api/v1/version */
		if (!r->error && r->status == 200 && airflow_is_json(r) &&
		    json_af_version_parse(
			r->body, r->body_len, &version, NULL) == 0) {
			free(af->version);
			af->version = version;
			af->api = af->detect_step == 0 ? 2 : 1;
			if (af->api == 2 && af->token == NULL &&
			    af->username != NULL) {
				af->detect_step = 2;
				airflow_detect(af);
				return;
			}
			af->state = AIRFLOW_READY;
			airflow_start_waiting(af);
			return;
		}
		if (af->detect_step == 0 && !r->error) {
			af->detect_step = 1;
			airflow_detect(af);
			return;
		}
		cause = airflow_detect_cause(af, r);
		break;
	case 2: /* POST /auth/token */
		if (!r->error && (r->status == 200 || r->status == 201) &&
		    json_af_token_parse(r->body, r->body_len, &token, NULL) ==
			0) {
			free(af->token);
			af->token = token;
			af->state = AIRFLOW_READY;
			airflow_start_waiting(af);
			return;
		}
		cause = airflow_detect_cause(af, r);
		break;
	}
	af->state = AIRFLOW_UNKNOWN;
	af->api = 0;
	airflow_fail_waiting(af, cause);
	free(cause);
}

/* Sends the request for the current detection step. */
static void
airflow_detect(struct airflow *af)
{
	struct http_request req;
	const char *hdrs[] = { "Accept: application/json",
		"Content-Type: application/json", NULL };
	struct buf url, body;

	af->state = AIRFLOW_DETECTING;
	buf_init(&url);
	buf_init(&body);
	memset(&req, 0, sizeof req);
	req.headers = hdrs;
	switch (af->detect_step) {
	case 0:
		buf_printf(&url, "%s/api/v2/version", af->url);
		req.method = "GET";
		break;
	case 1:
		buf_printf(&url, "%s/api/v1/version", af->url);
		req.method = "GET";
		break;
	default: {
		/* Credentials go into a JSON body, encoded by cJSON. */
		cJSON *o = cJSON_CreateObject();
		char *txt;

		cJSON_AddStringToObject(o, "username", af->username);
		cJSON_AddStringToObject(
		    o, "password", af->password != NULL ? af->password : "");
		txt = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		if (txt != NULL) {
			buf_adds(&body, txt);
			memset(txt, 0, strlen(txt));
			cJSON_free(txt);
		}
		buf_printf(&url, "%s/auth/token", af->url);
		req.method = "POST";
		req.body = body.data;
		req.body_len = body.len;
		req.flags = HTTP_IDEMPOTENT;
		break;
	}
	}
	req.url = url.data;
	af->detect_req = http_start(af->http, &req, airflow_detect_done, af);
	if (body.data != NULL)
		memset(body.data, 0, body.len);
	buf_free(&body);
	buf_free(&url);
}

static void
airflow_ensure_ready(struct airflow *af)
{
	if (af->state == AIRFLOW_UNKNOWN) {
		af->detect_step = 0;
		airflow_detect(af);
	}
}

static void
airflow_call_done(const struct http_response *r, void *arg)
{
	struct af_op *op = arg;
	struct airflow *af = op->af;
	struct af_result res;
	struct af_page page;
	char *cause = NULL, *msg;

	op->req = NULL;
	/* An expired or invalid token: log in again once and resend. */
	if (!r->error && (r->status == 401 || r->status == 403) &&
	    af->api == 2 && !af->token_configured && af->username != NULL &&
	    !op->relogin) {
		op->relogin = 1;
		free(af->token);
		af->token = NULL;
		af->state = AIRFLOW_UNKNOWN;
		op->waiting = 1;
		af->detect_step = 2;
		airflow_detect(af);
		return;
	}
	memset(&res, 0, sizeof res);
	res.status = r->status;
	res.body = r->body;
	res.len = r->body_len;
	res.content_type = r->content_type;
	res.attempts = r->attempts;
	if (r->error) {
		/* The server went away: detect again next time. */
		airflow_reset(af);
		res.error = 1;
		cause = xasprintf("%s %s%s failed: %s", op->method, af->url,
		    op->path, r->cause != NULL ? r->cause : "no response");
	} else if (r->status < 200 || r->status > 299) {
		res.error = 1;
		msg = json_af_error_message(r->body, r->body_len);
		switch (r->status) {
		case 401:
			cause = xasprintf("%s %s: not authenticated (401 %s): "
					  "check the Airflow credentials",
			    op->method, op->path, msg);
			break;
		case 403:
			cause = xasprintf("%s %s: forbidden (403 %s): the "
					  "Airflow user lacks this permission",
			    op->method, op->path, msg);
			break;
		case 404:
			cause = xasprintf("%s %s: not found (404 %s)",
			    op->method, op->path, msg);
			break;
		default:
			cause = xasprintf("%s %s: HTTP %ld: %s%s", op->method,
			    op->path, r->status, msg,
			    r->status >= 500
				? " (the Airflow server failed: its log has "
				  "the details)"
				: "");
			break;
		}
		free(msg);
	} else if (op->page != NULL) {
		memset(&page, 0, sizeof page);
		if (op->page(r->body, r->body_len, &page, op->arg, &cause) !=
		    0) {
			res.error = 1;
			if (cause == NULL)
				cause = xstrdup("the page could not be read");
			msg = cause;
			cause =
			    xasprintf("%s %s: %s", op->method, op->path, msg);
			free(msg);
		} else {
			op->offset += page.count;
			if (page.count == AIRFLOW_PAGE &&
			    (!page.has_total || op->offset < page.total) &&
			    (op->max_items == 0 ||
				op->offset < op->max_items)) {
				airflow_send(op);
				return;
			}
		}
	}
	res.cause = cause;
	airflow_finish(op, &res);
	free(cause);
}

static void
airflow_send(struct af_op *op)
{
	struct airflow *af = op->af;
	struct http_request req;
	struct buf url, auth, userpwd;
	const char *hdrs[5];
	int n = 0;
	size_t limit;

	if (af->state != AIRFLOW_READY) {
		op->waiting = 1;
		airflow_ensure_ready(af);
		return;
	}
	buf_init(&url);
	buf_init(&auth);
	buf_init(&userpwd);
	buf_printf(&url, "%s/api/v%d%s", af->url, af->api, op->path);
	if (op->page != NULL) {
		limit = AIRFLOW_PAGE;
		if (op->max_items != 0 && op->max_items - op->offset < limit)
			limit = op->max_items - op->offset;
		buf_printf(&url, "?limit=%zu&offset=%zu%s%s", limit, op->offset,
		    op->query != NULL ? "&" : "",
		    op->query != NULL ? op->query : "");
	} else if (op->query != NULL)
		buf_printf(&url, "?%s", op->query);
	hdrs[n++] = (op->flags & AF_TEXT) ? "Accept: text/plain"
					  : "Accept: application/json";
	if (op->body != NULL)
		hdrs[n++] = "Content-Type: application/json";
	if (af->token != NULL) {
		buf_printf(&auth, "Authorization: Bearer %s", af->token);
		hdrs[n++] = auth.data;
	}
	hdrs[n] = NULL;
	memset(&req, 0, sizeof req);
	req.method = op->method;
	req.url = url.data;
	req.headers = hdrs;
	req.body = op->body;
	req.body_len = op->body != NULL ? strlen(op->body) : 0;
	if (af->token == NULL && af->username != NULL) {
		buf_printf(&userpwd, "%s:%s", af->username,
		    af->password != NULL ? af->password : "");
		req.userpwd = userpwd.data;
	}
	if (op->flags & AF_IDEMPOTENT)
		req.flags |= HTTP_IDEMPOTENT;
	op->req = http_start(af->http, &req, airflow_call_done, op);
	if (auth.data != NULL)
		memset(auth.data, 0, auth.len);
	if (userpwd.data != NULL)
		memset(userpwd.data, 0, userpwd.len);
	buf_free(&auth);
	buf_free(&userpwd);
	buf_free(&url);
}

static struct af_op *
airflow_op_new(struct airflow *af, const char *method, const char *path,
    const char *query, const char *body, int flags, af_done_cb done, void *arg)
{
	struct af_op *op;

	op = xcalloc(1, sizeof *op);
	op->af = af;
	op->method = xstrdup(method);
	op->path = xstrdup(path);
	op->query = query != NULL && *query != '\0' ? xstrdup(query) : NULL;
	op->body = body != NULL ? xstrdup(body) : NULL;
	op->flags = flags;
	op->done = done;
	op->arg = arg;
	op->next = af->ops;
	af->ops = op;
	return op;
}

struct af_op *
airflow_call(struct airflow *af, const char *method, const char *path,
    const char *query, const char *body, int flags, af_done_cb done, void *arg)
{
	struct af_op *op;

	op = airflow_op_new(af, method, path, query, body, flags, done, arg);
	airflow_send(op);
	return op;
}

struct af_op *
airflow_list(struct airflow *af, const char *path, const char *query,
    size_t max_items, af_page_cb page, af_done_cb done, void *arg)
{
	struct af_op *op;

	op = airflow_op_new(af, "GET", path, query, NULL, 0, done, arg);
	op->page = page;
	op->max_items = max_items;
	airflow_send(op);
	return op;
}

void
airflow_cancel(struct af_op *op)
{
	if (op == NULL)
		return;
	if (op->req != NULL)
		http_cancel(op->req);
	airflow_op_free(op);
}

char *
airflow_new_run_id(void)
{
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	unsigned r = 0;
	FILE *f;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	if ((f = fopen("/dev/urandom", "rb")) != NULL) {
		if (fread(&r, sizeof r, 1, f) != 1)
			r = (unsigned)now;
		fclose(f);
	} else
		r = (unsigned)now ^ (unsigned)clock();
	return xasprintf("snowdeck__%s_%08x", ts, r);
}
