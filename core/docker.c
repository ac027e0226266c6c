/*
 * The Docker Engine API client: endpoint resolution, version negotiation,
 * calls and streams over the asynchronous HTTP client.
 */

#include "docker.h"

#include <sys/queue.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "http.h"
#include "json_docker.h"
#include "sanitize.h"
#include "util.h"

#define DOCKER_WANT_API "1.41"

struct docker_op {
	struct docker *d;
	TAILQ_ENTRY(docker_op) entry;
	struct http_req *req; /* NULL while waiting for negotiation */
	char *method;
	char *path;
	char *query;
	char *body;
	docker_done_cb done;
	docker_chunk_cb chunk;
	void *arg;
	int negotiate; /* a docker_negotiate() caller */
};
TAILQ_HEAD(docker_ops, docker_op);

struct docker {
	struct http *http;
	struct docker_endpoint ep;
	char want[16];
	char prefix[16]; /* "v1.41"; "" until negotiated */
	char *engine;
	struct http_req *nego; /* the /version request in flight */
	struct docker_ops ops;
	int depth; /* callbacks running (docker_free may be called in one) */
	int dying; /* freed from a callback: release when depth is 0 */
};

static void docker_send(struct docker_op *);
static void docker_negotiate_start(struct docker *);

/* ---- endpoint ---------------------------------------------------------- */

static int
docker_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static void
docker_endpoint_unix(struct docker_endpoint *out, const char *path)
{
	out->unix_path = xstrdup(path);
	out->base_url = xstrdup("http://localhost");
	out->display = xasprintf("unix://%s", path);
}

int
docker_endpoint_resolve(const char *docker_host, const char *xdg_runtime,
    int (*exists)(const char *path), struct docker_endpoint *out, char **cause)
{
	char *cand[3];
	size_t n = 0, i;
	const char *hp;

	memset(out, 0, sizeof *out);
	if (exists == NULL)
		exists = docker_exists;
	if (docker_host != NULL && *docker_host != '\0') {
		if (strncmp(docker_host, "unix://", 7) == 0 &&
		    docker_host[7] == '/') {
			docker_endpoint_unix(out, docker_host + 7);
			return 0;
		}
		if (strncmp(docker_host, "tcp://", 6) == 0 &&
		    docker_host[6] != '\0' && docker_host[6] != '/') {
			hp = docker_host + 6;
			out->base_url =
			    xasprintf("http://%.*s", (int)strcspn(hp, "/"), hp);
			out->display =
			    xasprintf("tcp://%.*s", (int)strcspn(hp, "/"), hp);
			return 0;
		}
		if (cause != NULL) {
			char *safe =
			    sanitize_dup(docker_host, strlen(docker_host), 0);

			*cause = xasprintf("DOCKER_HOST=%s is not supported: "
					   "use unix:///path/to/docker.sock "
					   "or tcp://host:port",
			    safe);
			free(safe);
		}
		return -1;
	}
	cand[n++] = xstrdup("/var/run/docker.sock");
	if (xdg_runtime != NULL && *xdg_runtime == '/')
		cand[n++] = xasprintf("%s/podman/podman.sock", xdg_runtime);
	cand[n++] = xstrdup("/run/podman/podman.sock");
	for (i = 0; i < n; i++) {
		if (exists(cand[i])) {
			docker_endpoint_unix(out, cand[i]);
			break;
		}
	}
	if (i == n && cause != NULL) {
		struct buf b;

		buf_init(&b);
		buf_adds(&b, "no Docker API socket found (tried ");
		for (i = 0; i < n; i++)
			buf_printf(&b, "%s%s", i > 0 ? ", " : "", cand[i]);
		buf_adds(&b, "): start Docker, or Podman's API "
			     "(systemctl --user start podman.socket, or "
			     "podman system service), or set DOCKER_HOST");
		*cause = buf_detach(&b);
	}
	for (i = 0; i < n; i++)
		free(cand[i]);
	return out->base_url != NULL ? 0 : -1;
}

void
docker_endpoint_free(struct docker_endpoint *ep)
{
	free(ep->unix_path);
	free(ep->base_url);
	free(ep->display);
	memset(ep, 0, sizeof *ep);
}

/* ---- the astro dev compose project ------------------------------------ */

/* The value of "project: name:" in .astro/config.yaml, or NULL. Owned. */
static char *
docker_yaml_project_name(const char *text, size_t len)
{
	const char *p = text, *end = text + len, *eol, *s, *e;
	int in_project = 0;

	while (text != NULL && p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		if (p < eol && *p != ' ' && *p != '\t' && *p != '#') {
			in_project = (size_t)(eol - p) >= 8 &&
				     strncmp(p, "project:", 8) == 0;
		} else if (in_project) {
			s = p;
			while (s < eol && (*s == ' ' || *s == '\t'))
				s++;
			if ((size_t)(eol - s) > 5 &&
			    strncmp(s, "name:", 5) == 0) {
				s += 5;
				while (s < eol && (*s == ' ' || *s == '\t'))
					s++;
				e = eol;
				while (e > s && isspace((unsigned char)e[-1]))
					e--;
				if (e - s >= 2 && (*s == '"' || *s == '\'') &&
				    e[-1] == *s) {
					s++;
					e--;
				}
				if (e > s)
					return xstrndup(s, (size_t)(e - s));
			}
		}
		p = eol + (eol < end);
	}
	return NULL;
}

/* What astro dev init names a project after its directory. */
static char *
docker_snake_dash(const char *base)
{
	struct buf b;
	const char *p;
	unsigned char c, prev = 0;

	buf_init(&b);
	for (p = base; *p != '\0'; p++) {
		c = (unsigned char)*p;
		if (isupper(c)) {
			if (prev != 0 && (islower(prev) || isdigit(prev)))
				buf_addc(&b, '-');
			buf_addc(&b, (char)tolower(c));
		} else if (c == ' ' || c == '_' || c == '-' || c == '.') {
			if (b.len > 0 && b.data[b.len - 1] != '-')
				buf_addc(&b, '-');
		} else
			buf_addc(&b, (char)c);
		prev = c;
	}
	while (b.len > 0 && b.data[b.len - 1] == '-')
		b.data[--b.len] = '\0';
	return b.data != NULL ? buf_detach(&b) : xstrdup("");
}

char *
docker_astro_project(
    const char *dir, const char *config_yaml, size_t config_len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const char *base;
	char *name, *raw, *out;
	size_t i, j;

	name = docker_yaml_project_name(config_yaml, config_len);
	if (name == NULL) {
		base = strrchr(dir, '/');
		base = base != NULL && base[1] != '\0' ? base + 1 : dir;
		name = docker_snake_dash(base);
	}
	EVP_Digest(dir, strlen(dir), md, &mdlen, EVP_md5(), NULL);
	raw = xasprintf("%s_%02x%02x%02x", name, md[0], md[1], md[2]);
	free(name);
	/* Compose: lower case, only [a-z0-9_-], starting alphanumeric. */
	out = xmalloc(strlen(raw) + 1);
	for (i = j = 0; raw[i] != '\0'; i++) {
		unsigned char c = (unsigned char)tolower((unsigned char)raw[i]);

		if (isalnum(c) || ((c == '_' || c == '-') && j > 0))
			out[j++] = (char)c;
	}
	out[j] = '\0';
	free(raw);
	return out;
}

char *
docker_astro_project_cwd(char **cause)
{
	char cwd[4096], *text = NULL, *path, *name;
	const char *pwd = getenv("PWD");
	struct stat a, b;
	FILE *f;
	size_t n = 0;

	if (getcwd(cwd, sizeof cwd) == NULL) {
		if (cause != NULL)
			*cause = xasprintf("cannot determine the current "
					   "directory (%s): pass "
					   "--compose-project NAME",
			    strerror(errno));
		return NULL;
	}
	/* Go's os.Getwd prefers $PWD when it names the same directory. */
	if (pwd != NULL && *pwd == '/' && strlen(pwd) < sizeof cwd &&
	    stat(pwd, &a) == 0 && stat(".", &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino)
		snprintf(cwd, sizeof cwd, "%s", pwd);
	path = xasprintf("%s/.astro/config.yaml", cwd);
	if ((f = fopen(path, "r")) != NULL) {
		text = xmalloc(65536);
		n = fread(text, 1, 65535, f);
		text[n] = '\0';
		fclose(f);
	}
	free(path);
	name = docker_astro_project(cwd, text, n);
	free(text);
	return name;
}

/* ---- the client -------------------------------------------------------- */

int
docker_create(struct docker **out, struct http *http,
    const struct docker_endpoint *ep, const char *want_api, char **cause)
{
	struct docker *d;
	char tmp[16];

	if (want_api == NULL)
		want_api = DOCKER_WANT_API;
	if (docker_api_pick(want_api, want_api, NULL, tmp, sizeof tmp) != 0) {
		if (cause != NULL)
			*cause =
			    xasprintf("bad Docker API version %s", want_api);
		return -1;
	}
	d = xcalloc(1, sizeof *d);
	d->http = http;
	d->ep.unix_path = ep->unix_path != NULL ? xstrdup(ep->unix_path) : NULL;
	d->ep.base_url = xstrdup(ep->base_url);
	d->ep.display = xstrdup(ep->display);
	snprintf(d->want, sizeof d->want, "%s", want_api);
	TAILQ_INIT(&d->ops);
	*out = d;
	return 0;
}

static void
docker_op_free(struct docker_op *op)
{
	TAILQ_REMOVE(&op->d->ops, op, entry);
	free(op->method);
	free(op->path);
	free(op->query);
	free(op->body);
	free(op);
}

static void
docker_release(struct docker *d)
{
	docker_endpoint_free(&d->ep);
	free(d->engine);
	free(d);
}

void
docker_free(struct docker *d)
{
	struct docker_op *op;

	if (d == NULL || d->dying)
		return;
	while ((op = TAILQ_FIRST(&d->ops)) != NULL) {
		if (op->req != NULL)
			http_cancel(op->req);
		docker_op_free(op);
	}
	if (d->nego != NULL)
		http_cancel(d->nego);
	d->nego = NULL;
	if (d->depth > 0)
		d->dying = 1; /* the running callback's caller releases it */
	else
		docker_release(d);
}

/* Around every call into a caller's callback. */
static void
docker_enter(struct docker *d)
{
	d->depth++;
}

/* Returns 1 when the client was freed meanwhile (d is then invalid). */
static int
docker_leave(struct docker *d)
{
	int dying = d->dying;

	if (--d->depth == 0 && dying)
		docker_release(d);
	return dying;
}

const char *
docker_api_prefix(const struct docker *d)
{
	return d->prefix[0] != '\0' ? d->prefix : NULL;
}

const char *
docker_engine(const struct docker *d)
{
	return d->engine;
}

const char *
docker_display(const struct docker *d)
{
	return d->ep.display;
}

void
docker_reset(struct docker *d)
{
	d->prefix[0] = '\0';
}

/* A sentence for a transport failure. Owned. */
static char *
docker_transport_cause(struct docker *d, const char *what, const char *detail)
{
	return xasprintf("cannot reach the Docker API at %s for %s (%s): start "
			 "Docker or Podman's API service, or point "
			 "DOCKER_HOST at a running one",
	    d->ep.display, what, detail != NULL ? detail : "no answer");
}

/* Delivers a result to op's caller and frees op. */
static void
docker_deliver(struct docker_op *op, const struct docker_result *r)
{
	docker_done_cb done = op->done;
	void *arg = op->arg;

	docker_op_free(op);
	done(r, arg);
}

static void
docker_fail(struct docker_op *op, long status, const char *cause)
{
	struct docker_result r;

	memset(&r, 0, sizeof r);
	r.error = -1;
	r.status = status;
	r.cause = cause;
	r.body = "";
	docker_deliver(op, &r);
}

static void
docker_nego_done(const struct http_response *hr, void *arg)
{
	struct docker *d = arg;
	struct docker_op *op, *next;
	struct docker_result r;
	char *api = NULL, *min = NULL, *engine = NULL, *cause = NULL;
	char *inner = NULL;

	d->nego = NULL;
	if (hr->error)
		cause = docker_transport_cause(d, "GET /version", hr->cause);
	else if (hr->status < 200 || hr->status > 299) {
		inner = json_docker_error_message(hr->body, hr->body_len);
		cause = xasprintf("the Docker API at %s answered GET /version "
				  "with HTTP %ld%s%s: is this a Docker Engine "
				  "API endpoint?",
		    d->ep.display, hr->status, inner != NULL ? ": " : "",
		    inner != NULL ? inner : "");
	} else if (json_docker_version_parse(hr->body, hr->body_len, &api, &min,
		       &engine, &inner) != 0 ||
		   docker_api_pick(
		       d->want, api, min, d->prefix, sizeof d->prefix) != 0) {
		cause = xasprintf("%s (%s)",
		    inner != NULL ? inner : "unusable Docker API version",
		    d->ep.display);
		d->prefix[0] = '\0';
	} else {
		free(d->engine);
		d->engine = engine;
		engine = NULL;
	}
	free(inner);
	free(api);
	free(min);
	free(engine);
	memset(&r, 0, sizeof r);
	r.status = hr->status;
	r.error = cause != NULL ? -1 : 0;
	r.cause = cause;
	r.body = hr->body;
	r.len = hr->body_len;
	r.ms = hr->elapsed_ms;
	docker_enter(d);
	for (op = TAILQ_FIRST(&d->ops); op != NULL && !d->dying; op = next) {
		next = TAILQ_NEXT(op, entry);
		if (op->req != NULL)
			continue;
		if (op->negotiate)
			docker_deliver(op, &r);
		else if (cause != NULL)
			docker_fail(op, hr->status, cause);
		else
			docker_send(op);
		/* A callback may have freed ops after this one. */
		next = TAILQ_FIRST(&d->ops);
		while (next != NULL && next->req != NULL)
			next = TAILQ_NEXT(next, entry);
	}
	free(cause);
	docker_leave(d);
}

static void
docker_negotiate_start(struct docker *d)
{
	struct http_request req;
	char *url;

	if (d->nego != NULL)
		return;
	memset(&req, 0, sizeof req);
	url = xasprintf("%s/version", d->ep.base_url);
	req.method = "GET";
	req.url = url;
	req.unix_socket = d->ep.unix_path;
	req.total_timeout_ms = 15000;
	d->nego = http_start(d->http, &req, docker_nego_done, d);
	free(url);
}

static void
docker_call_done(const struct http_response *hr, void *arg)
{
	struct docker_op *op = arg;
	struct docker *d = op->d;
	struct docker_result r;
	char *cause = NULL, *msg = NULL, *what;

	op->req = NULL;
	what = xasprintf("%s %s", op->method, op->path);
	memset(&r, 0, sizeof r);
	r.status = hr->status;
	r.body = hr->body;
	r.len = hr->body_len;
	r.ms = hr->elapsed_ms;
	if (hr->error) {
		/* The engine may have gone: negotiate again next time. */
		if (hr->status == 0)
			docker_reset(d);
		cause = hr->status == 0
			    ? docker_transport_cause(d, what, hr->cause)
			    : xasprintf("Docker API %s: %s", what, hr->cause);
	} else if ((hr->status < 200 || hr->status > 299) &&
		   hr->status != 304) {
		msg = json_docker_error_message(hr->body, hr->body_len);
		if (hr->status == 404)
			cause = xasprintf("Docker API %s: not found (%s): "
					  "check the container name with "
					  "'snowdeck get containers --local'",
			    what, msg != NULL ? msg : "no such object");
		else if (hr->status == 409)
			cause = xasprintf("Docker API %s: conflict (%s)", what,
			    msg != NULL ? msg
					: "the container's state does "
					  "not allow it");
		else
			cause = xasprintf("Docker API %s: HTTP %ld%s%s", what,
			    hr->status, msg != NULL ? ": " : "",
			    msg != NULL ? msg : "");
	}
	r.error = cause != NULL ? -1 : 0;
	r.cause = cause;
	docker_enter(d);
	docker_deliver(op, &r);
	docker_leave(d);
	free(cause);
	free(msg);
	free(what);
}

static int
docker_chunk(const char *data, size_t len, void *arg)
{
	struct docker_op *op = arg;
	struct docker *d = op->d;
	int rc;

	docker_enter(d);
	rc = op->chunk(data, len, op->arg);
	if (docker_leave(d))
		return -1;
	return rc;
}

static void
docker_send(struct docker_op *op)
{
	struct docker *d = op->d;
	struct http_request req;
	const char *hdrs[] = { "Content-Type: application/json", NULL };
	char *url;

	memset(&req, 0, sizeof req);
	url = xasprintf("%s/%s%s%s%s", d->ep.base_url, d->prefix, op->path,
	    op->query != NULL ? "?" : "", op->query != NULL ? op->query : "");
	req.method = op->method;
	req.url = url;
	req.unix_socket = d->ep.unix_path;
	if (op->body != NULL) {
		req.headers = hdrs;
		req.body = op->body;
		req.body_len = strlen(op->body);
	}
	if (strcmp(op->method, "GET") != 0)
		req.flags |= HTTP_NO_RETRY;
	if (op->chunk != NULL) {
		req.flags |= HTTP_STREAM | HTTP_NO_RETRY;
		req.chunk_cb = docker_chunk;
		req.total_timeout_ms = -1;
	} else if (strcmp(op->method, "POST") == 0)
		/* stop/restart wait up to the container's grace period. */
		req.total_timeout_ms = 60000;
	op->req = http_start(d->http, &req, docker_call_done, op);
	free(url);
}

static struct docker_op *
docker_op_new(struct docker *d, const char *method, const char *path,
    const char *query, const char *body, docker_chunk_cb chunk,
    docker_done_cb done, void *arg)
{
	struct docker_op *op = xcalloc(1, sizeof *op);

	op->d = d;
	op->method = xstrdup(method);
	op->path = xstrdup(path);
	op->query = query != NULL ? xstrdup(query) : NULL;
	op->body = body != NULL ? xstrdup(body) : NULL;
	op->chunk = chunk;
	op->done = done;
	op->arg = arg;
	TAILQ_INSERT_TAIL(&d->ops, op, entry);
	if (d->prefix[0] != '\0')
		docker_send(op);
	else
		docker_negotiate_start(d);
	return op;
}

struct docker_op *
docker_negotiate(struct docker *d, docker_done_cb done, void *arg)
{
	struct docker_op *op = xcalloc(1, sizeof *op);

	op->d = d;
	op->method = xstrdup("GET");
	op->path = xstrdup("/version");
	op->negotiate = 1;
	op->done = done;
	op->arg = arg;
	TAILQ_INSERT_TAIL(&d->ops, op, entry);
	docker_negotiate_start(d);
	return op;
}

struct docker_op *
docker_call(struct docker *d, const char *method, const char *path,
    const char *query, const char *body, docker_done_cb done, void *arg)
{
	return docker_op_new(d, method, path, query, body, NULL, done, arg);
}

struct docker_op *
docker_stream(struct docker *d, const char *path, const char *query,
    docker_chunk_cb chunk, docker_done_cb done, void *arg)
{
	return docker_op_new(d, "GET", path, query, NULL, chunk, done, arg);
}

void
docker_cancel(struct docker_op *op)
{
	if (op == NULL)
		return;
	if (op->req != NULL)
		http_cancel(op->req);
	docker_op_free(op);
}

char *
docker_project_filter(const char *project, int events)
{
	cJSON *f, *a;
	char *label, *json;
	struct buf b;

	f = cJSON_CreateObject();
	a = cJSON_AddArrayToObject(f, "label");
	label = xasprintf("%s=%s", DOCKER_LABEL_PROJECT, project);
	cJSON_AddItemToArray(a, cJSON_CreateString(label));
	free(label);
	if (events) {
		a = cJSON_AddArrayToObject(f, "type");
		cJSON_AddItemToArray(a, cJSON_CreateString("container"));
	}
	json = cJSON_PrintUnformatted(f);
	cJSON_Delete(f);
	buf_init(&b);
	buf_adds(&b, "filters=");
	url_encode(&b, json);
	cJSON_free(json);
	return buf_detach(&b);
}
