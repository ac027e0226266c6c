/*
 * The local containers source: the container list of one compose project
 * kept fresh from the engine's event stream, stats and probes on a timer.
 */

#include "src_docker.h"

#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "docker.h"
#include "http.h"
#include "json_docker.h"
#include "model.h"
#include "probe.h"
#include "sanitize.h"
#include "svc.h"
#include "timefmt.h"
#include "util.h"

#define SD_ACTION_TIMEOUT_MS 60000
#define SD_RETRY_MIN_MS      1000
#define SD_RETRY_MAX_MS      30000

enum sd_kind { SD_INSPECT, SD_STATS, SD_PROBE };

/* One inspect, stats or probe request in flight. */
struct sd_req {
	struct src_docker *s;
	TAILQ_ENTRY(sd_req) entry;
	enum sd_kind kind;
	char *id;
	char *expect;
	int again; /* inspect: an event arrived meanwhile */
	struct docker_op *op;
	struct http_req *hreq;
};
TAILQ_HEAD(sd_reqs, sd_req);

/* One restart, stop or start waiting for its state change. */
struct sd_action {
	struct src_docker *s;
	TAILQ_ENTRY(sd_action) entry;
	char *id;
	char *name;
	char *action;
	double before_started;
	int before_running;
	uint64_t deadline;
	struct docker_op *op; /* the POST while in flight */
	int posted;
	src_docker_action_cb done;
	void *arg;
};
TAILQ_HEAD(sd_actions, sd_action);

struct src_docker {
	uv_loop_t *loop;
	struct http *http;
	struct docker *d;
	char *project;
	const struct config *cfg;
	int refresh_ms;
	struct svcs *svcs;
	struct source_status *status;
	uv_timer_t tick;
	uv_timer_t retry;
	int open_handles;
	int closing;
	int up; /* the last list call succeeded */
	struct docker_op *list_op;
	int list_again;
	struct docker_op *events_op;
	struct buf evbuf;
	long backoff_ms;
	struct sd_reqs reqs;
	struct sd_actions actions;
	void (*on_change)(void *);
	void *on_change_arg;
};

static void sd_list(struct src_docker *);

/* Tells the owner the models changed. */
static void
sd_changed(struct src_docker *s)
{
	if (s->on_change != NULL && !s->closing)
		s->on_change(s->on_change_arg);
}
static void sd_inspect(struct src_docker *, const char *id);
static void sd_actions_check(struct src_docker *, const char *id);

/* ---- requests ---------------------------------------------------------- */

static struct sd_req *
sd_req_find(struct src_docker *s, enum sd_kind kind, const char *id)
{
	struct sd_req *r;

	TAILQ_FOREACH(r, &s->reqs, entry)
	{
		if (r->kind == kind && strcmp(r->id, id) == 0)
			return r;
	}
	return NULL;
}

static struct sd_req *
sd_req_new(struct src_docker *s, enum sd_kind kind, const char *id)
{
	struct sd_req *r = xcalloc(1, sizeof *r);

	r->s = s;
	r->kind = kind;
	r->id = xstrdup(id);
	TAILQ_INSERT_TAIL(&s->reqs, r, entry);
	return r;
}

static void
sd_req_free(struct sd_req *r)
{
	TAILQ_REMOVE(&r->s->reqs, r, entry);
	free(r->id);
	free(r->expect);
	free(r);
}

static void
sd_req_cancel(struct sd_req *r)
{
	if (r->op != NULL)
		docker_cancel(r->op);
	if (r->hreq != NULL)
		http_cancel(r->hreq);
	sd_req_free(r);
}

int
src_docker_pending(const struct src_docker *s)
{
	const struct sd_req *r;
	int n = 0;

	TAILQ_FOREACH(r, &s->reqs, entry)
	n++;
	return n + (s->list_op != NULL);
}

/* ---- status ------------------------------------------------------------ */

static void
sd_set_up(struct src_docker *s)
{
	char *detail;

	detail = xasprintf("%s at %s, project %s: %zu container%s",
	    docker_engine(s->d) != NULL ? docker_engine(s->d) : "Docker",
	    docker_display(s->d), s->project, s->svcs->n,
	    s->svcs->n == 1 ? "" : "s");
	source_set(s->status, SOURCE_OK, detail);
	s->status->last_ok = util_wall();
	free(detail);
}

/* ---- inspect, stats, probes -------------------------------------------- */

static void
sd_inspect_done(const struct docker_result *res, void *arg)
{
	struct sd_req *r = arg;
	struct src_docker *s = r->s;
	struct docker_inspect x;
	struct svc *v;
	char *id;
	int again = r->again;

	r->op = NULL;
	id = xstrdup(r->id);
	sd_req_free(r);
	if (!res->error &&
	    json_docker_inspect_parse(res->body, res->len, &x, NULL) == 0) {
		if ((v = svcs_find_id(s->svcs, x.id)) != NULL) {
			docker_inspect_apply(&x, v);
			s->svcs->gen++;
			sd_changed(s);
		}
		docker_inspect_clear(&x);
	}
	sd_actions_check(s, id);
	if (again && !s->closing)
		sd_inspect(s, id);
	free(id);
}

static void
sd_inspect(struct src_docker *s, const char *id)
{
	struct sd_req *r;
	char *path;

	if ((r = sd_req_find(s, SD_INSPECT, id)) != NULL) {
		r->again = 1;
		return;
	}
	r = sd_req_new(s, SD_INSPECT, id);
	path = url_path("/containers", id, "/json", (char *)NULL);
	r->op = docker_call(s->d, "GET", path, NULL, NULL, sd_inspect_done, r);
	free(path);
}

static void
sd_stats_done(const struct docker_result *res, void *arg)
{
	struct sd_req *r = arg;
	struct src_docker *s = r->s;
	struct docker_stats st;
	struct svc *v;

	r->op = NULL;
	if (!res->error &&
	    json_docker_stats_parse(res->body, res->len, &st, NULL) == 0 &&
	    (v = svcs_find_id(s->svcs, r->id)) != NULL &&
	    v->state == SVC_RUNNING) {
		docker_stats_apply(&st, v);
		s->svcs->gen++;
		sd_changed(s);
	}
	sd_req_free(r);
}

static void
sd_probe_done(const struct http_response *hr, void *arg)
{
	struct sd_req *r = arg;
	struct src_docker *s = r->s;
	struct svc *v;
	char *detail = NULL;
	enum svc_probe p;

	r->hreq = NULL;
	p = probe_judge(hr->error ? 0 : hr->status, hr->body, hr->body_len,
	    r->expect, hr->cause, &detail);
	if ((v = svcs_find_id(s->svcs, r->id)) != NULL) {
		v->probe = p;
		free(v->probe_detail);
		v->probe_detail = detail;
		detail = NULL;
		v->probe_ms = hr->elapsed_ms;
		s->svcs->gen++;
		sd_changed(s);
	}
	free(detail);
	sd_req_free(r);
}

static void
sd_tick_once(struct src_docker *s)
{
	struct http_request req;
	struct sd_req *r;
	struct svc *v;
	char *path, *url, *expect;
	size_t i;

	for (i = 0; i < s->svcs->n; i++) {
		v = &s->svcs->v[i];
		if (v->state == SVC_RUNNING &&
		    sd_req_find(s, SD_STATS, v->id) == NULL) {
			r = sd_req_new(s, SD_STATS, v->id);
			path = url_path(
			    "/containers", v->id, "/stats", (char *)NULL);
			r->op = docker_call(s->d, "GET", path,
			    "stream=false&one-shot=true", NULL, sd_stats_done,
			    r);
			free(path);
		}
		if (sd_req_find(s, SD_PROBE, v->id) != NULL ||
		    probe_resolve(v, s->cfg, &url, &expect) != 0)
			continue;
		if (v->probe == SVC_PROBE_NONE)
			v->probe = SVC_PROBE_PENDING;
		free(v->probe_url);
		v->probe_url = probe_display_url(url);
		r = sd_req_new(s, SD_PROBE, v->id);
		r->expect = expect;
		memset(&req, 0, sizeof req);
		req.method = "GET";
		req.url = url;
		req.flags = HTTP_NO_RETRY;
		req.total_timeout_ms = PROBE_TIMEOUT_MS;
		r->hreq = http_start(s->http, &req, sd_probe_done, r);
		free(url);
	}
}

/* ---- actions ----------------------------------------------------------- */

static void
sd_action_free(struct sd_action *a)
{
	TAILQ_REMOVE(&a->s->actions, a, entry);
	if (a->op != NULL)
		docker_cancel(a->op);
	free(a->id);
	free(a->name);
	free(a->action);
	free(a);
}

static void
sd_action_finish(struct sd_action *a, int error, const char *msg)
{
	src_docker_action_cb done = a->done;
	void *arg = a->arg;

	sd_action_free(a);
	done(error, msg, arg);
}

static int
sd_action_reached(const struct sd_action *a, const struct svc *v)
{
	if (strcmp(a->action, "stop") == 0)
		return v->state != SVC_RUNNING && v->state != SVC_RESTARTING;
	if (strcmp(a->action, "start") == 0)
		return v->state == SVC_RUNNING;
	return v->state == SVC_RUNNING &&
	       (!a->before_running || v->started_at > a->before_started);
}

static char *
sd_action_sentence(const struct sd_action *a, const struct svc *v, int ok)
{
	char t[40];

	if (v == NULL)
		return xasprintf(
		    "%s %s: the container is gone", a->action, a->name);
	time_format_iso(v->started_at, t, sizeof t);
	if (!ok)
		return xasprintf("%s %s: still %s after %d s: see its logs",
		    a->action, a->name, svc_state_name(v->state),
		    SD_ACTION_TIMEOUT_MS / 1000);
	if (v->state == SVC_RUNNING)
		return xasprintf("%s %s: running since %s, restart count %d",
		    a->action, a->name, t, v->restarts);
	return xasprintf("%s %s: %s, exit code %d", a->action, a->name,
	    svc_state_name(v->state), v->exit_code);
}

/* Finishes the actions on id (all when id is NULL) that are done. */
static void
sd_actions_check(struct src_docker *s, const char *id)
{
	struct sd_action *a, *next;
	struct svc *v;
	uint64_t now = util_now_ms();
	char *msg;
	int ok;

	for (a = TAILQ_FIRST(&s->actions); a != NULL; a = next) {
		next = TAILQ_NEXT(a, entry);
		if (!a->posted || (id != NULL && strcmp(a->id, id) != 0))
			continue;
		v = svcs_find_id(s->svcs, a->id);
		ok = v != NULL && v->inspected && sd_action_reached(a, v);
		if (!ok && v != NULL && now < a->deadline)
			continue;
		msg = sd_action_sentence(a, v, ok);
		sd_action_finish(a, ok ? 0 : -1, msg);
		free(msg);
		/* The callback may have changed the list. */
		next = TAILQ_FIRST(&s->actions);
	}
}

static void
sd_action_posted(const struct docker_result *res, void *arg)
{
	struct sd_action *a = arg;
	struct src_docker *s = a->s;
	char *id;

	a->op = NULL;
	if (res->error) {
		sd_action_finish(a, -1, res->cause);
		return;
	}
	a->posted = 1;
	id = xstrdup(a->id);
	sd_inspect(s, id);
	free(id);
}

int
src_docker_action(struct src_docker *s, const char *id, const char *action,
    src_docker_action_cb done, void *arg, char **cause)
{
	struct sd_action *a;
	struct svc *v;
	char *path;

	if (strcmp(action, "restart") != 0 && strcmp(action, "stop") != 0 &&
	    strcmp(action, "start") != 0) {
		if (cause != NULL)
			*cause =
			    xasprintf("unknown container action %s", action);
		return -1;
	}
	if ((v = svcs_find_id(s->svcs, id)) == NULL) {
		if (cause != NULL)
			*cause = xstrdup("no such container in the project "
					 "(refresh the list)");
		return -1;
	}
	a = xcalloc(1, sizeof *a);
	a->s = s;
	a->id = xstrdup(id);
	a->name = xstrdup(v->name);
	a->action = xstrdup(action);
	a->before_started = v->started_at;
	a->before_running = v->state == SVC_RUNNING;
	a->deadline = util_now_ms() + SD_ACTION_TIMEOUT_MS;
	a->done = done;
	a->arg = arg;
	TAILQ_INSERT_TAIL(&s->actions, a, entry);
	if (strcmp(action, "restart") == 0) {
		v->state = SVC_RESTARTING;
		s->svcs->gen++;
		sd_changed(s);
	}
	path = xasprintf("/containers/%s/%s", id, action);
	a->op =
	    docker_call(s->d, "POST", path, NULL, NULL, sd_action_posted, a);
	free(path);
	return 0;
}

/* ---- list and events --------------------------------------------------- */

/* Merges a fresh list into the model; inspects what is new or changed. */
static void
sd_merge(struct src_docker *s, struct svcs *fresh)
{
	struct svc *old, *f;
	size_t i;
	int changed;

	for (i = 0; i < s->svcs->n;) {
		/* SPCS entries of the shared model belong to src_spcs.c. */
		if (s->svcs->v[i].origin == SVC_LOCAL &&
		    svcs_find_id(fresh, s->svcs->v[i].id) == NULL)
			svcs_remove(s->svcs, i);
		else
			i++;
	}
	for (i = 0; i < fresh->n; i++) {
		f = &fresh->v[i];
		if ((old = svcs_find_id(s->svcs, f->id)) == NULL) {
			old = svcs_push(s->svcs, f);
			svc_init(f);
			sd_inspect(s, old->id);
			continue;
		}
		changed = old->state != f->state ||
			  (old->status != NULL && f->status != NULL &&
			      strncmp(old->status, f->status, 2) != 0);
		if (old->state != SVC_RESTARTING || f->state != SVC_RUNNING ||
		    old->inspected == 0)
			old->state = f->state;
		free(old->name);
		old->name = f->name;
		free(old->service);
		old->service = f->service;
		free(old->image);
		old->image = f->image;
		free(old->status);
		old->status = f->status;
		free(old->ports);
		old->ports = f->ports;
		old->host_port = f->host_port;
		f->name = f->service = f->image = f->status = f->ports = NULL;
		if (changed || !old->inspected)
			sd_inspect(s, old->id);
	}
	svcs_sort(s->svcs);
}

static void
sd_tick(uv_timer_t *t)
{
	struct src_docker *s = t->data;
	struct sd_action *a;

	sd_tick_once(s);
	sd_actions_check(s, NULL);
	/*
	 * Events normally finish an action; while one is pending, a look at
	 * each tick covers an engine whose event stream lags or is lost.
	 */
	TAILQ_FOREACH(a, &s->actions, entry)
	{
		if (a->posted)
			sd_inspect(s, a->id);
	}
}

static void
sd_retry(uv_timer_t *t)
{
	struct src_docker *s = t->data;

	sd_list(s);
}

static void
sd_down(struct src_docker *s, const char *cause)
{
	s->up = 0;
	source_set(s->status, SOURCE_DOWN, cause);
	sd_changed(s);
	if (s->events_op != NULL)
		docker_cancel(s->events_op);
	s->events_op = NULL;
	uv_timer_stop(&s->tick);
	s->backoff_ms =
	    s->backoff_ms == 0 ? SD_RETRY_MIN_MS : s->backoff_ms * 2;
	if (s->backoff_ms > SD_RETRY_MAX_MS)
		s->backoff_ms = SD_RETRY_MAX_MS;
	uv_timer_start(&s->retry, sd_retry, (uint64_t)s->backoff_ms, 0);
}

static int
sd_events_chunk(const char *data, size_t len, void *arg)
{
	struct src_docker *s = arg;
	struct docker_event ev;
	char *nl;
	size_t n;

	buf_add(&s->evbuf, data, len);
	while (s->evbuf.len > 0 &&
	       (nl = memchr(s->evbuf.data, '\n', s->evbuf.len)) != NULL) {
		n = (size_t)(nl - s->evbuf.data);
		if (json_docker_event_parse(s->evbuf.data, n, &ev, NULL) == 0) {
			if (ev.id != NULL &&
			    (ev.type == NULL ||
				strcmp(ev.type, "container") == 0)) {
				/* destroy/create change the list itself. */
				sd_list(s);
				if (svcs_find_id(s->svcs, ev.id) != NULL)
					sd_inspect(s, ev.id);
			}
			docker_event_clear(&ev);
		}
		memmove(s->evbuf.data, nl + 1, s->evbuf.len - n - 1);
		s->evbuf.len -= n + 1;
		s->evbuf.data[s->evbuf.len] = '\0';
	}
	if (s->evbuf.len > 1024 * 1024)
		buf_reset(&s->evbuf);
	return 0;
}

static void
sd_events_done(const struct docker_result *res, void *arg)
{
	struct src_docker *s = arg;

	(void)res;
	s->events_op = NULL;
	buf_reset(&s->evbuf);
	/* The stream ended: the engine restarted or went away. Look. */
	sd_list(s);
}

static void
sd_events_start(struct src_docker *s)
{
	char *q;

	if (s->events_op != NULL)
		return;
	q = docker_project_filter(s->project, 1);
	s->events_op = docker_stream(
	    s->d, "/events", q, sd_events_chunk, sd_events_done, s);
	free(q);
}

static void
sd_list_done(const struct docker_result *res, void *arg)
{
	struct src_docker *s = arg;
	struct svcs fresh;
	char *cause = NULL;

	s->list_op = NULL;
	svcs_init(&fresh);
	if (res->error || json_docker_containers_parse(
			      res->body, res->len, &fresh, &cause) != 0) {
		sd_down(s, res->error ? res->cause : cause);
		free(cause);
		svcs_free(&fresh);
		return;
	}
	sd_merge(s, &fresh);
	svcs_free(&fresh);
	s->backoff_ms = 0;
	s->up = 1;
	sd_set_up(s);
	sd_changed(s);
	sd_events_start(s);
	if (!uv_is_active((uv_handle_t *)&s->tick)) {
		sd_tick_once(s);
		uv_timer_start(&s->tick, sd_tick, (uint64_t)s->refresh_ms,
		    (uint64_t)s->refresh_ms);
	}
	if (s->list_again) {
		s->list_again = 0;
		sd_list(s);
	}
}

static void
sd_list(struct src_docker *s)
{
	char *q, *full;

	if (s->closing)
		return;
	if (s->list_op != NULL) {
		s->list_again = 1;
		return;
	}
	uv_timer_stop(&s->retry);
	q = docker_project_filter(s->project, 0);
	full = xasprintf("all=1&%s", q);
	s->list_op = docker_call(
	    s->d, "GET", "/containers/json", full, NULL, sd_list_done, s);
	free(full);
	free(q);
}

/* ---- lifecycle --------------------------------------------------------- */

int
src_docker_create(struct src_docker **out, uv_loop_t *loop, struct http *http,
    struct docker *d, const struct src_docker_config *c, struct svcs *svcs,
    struct source_status *status, char **cause)
{
	struct src_docker *s;

	if (c->project == NULL || *c->project == '\0') {
		if (cause != NULL)
			*cause = xstrdup("no compose project given");
		return -1;
	}
	s = xcalloc(1, sizeof *s);
	s->loop = loop;
	s->http = http;
	s->d = d;
	s->project = xstrdup(c->project);
	s->cfg = c->cfg;
	s->refresh_ms = c->refresh_ms > 0 ? c->refresh_ms : 2000;
	s->svcs = svcs;
	s->status = status;
	s->on_change = c->on_change;
	s->on_change_arg = c->on_change_arg;
	buf_init(&s->evbuf);
	TAILQ_INIT(&s->reqs);
	TAILQ_INIT(&s->actions);
	uv_timer_init(loop, &s->tick);
	uv_timer_init(loop, &s->retry);
	s->tick.data = s->retry.data = s;
	s->open_handles = 2;
	if (status->name == NULL)
		status->name = "docker";
	source_set(status, SOURCE_CONNECTING, docker_display(d));
	sd_list(s);
	*out = s;
	return 0;
}

static void
sd_close_cb(uv_handle_t *h)
{
	struct src_docker *s = h->data;

	if (--s->open_handles > 0)
		return;
	buf_free(&s->evbuf);
	free(s->project);
	free(s);
}

void
src_docker_free(struct src_docker *s)
{
	struct sd_req *r;
	struct sd_action *a;

	if (s == NULL)
		return;
	s->closing = 1;
	if (s->list_op != NULL)
		docker_cancel(s->list_op);
	if (s->events_op != NULL)
		docker_cancel(s->events_op);
	s->list_op = s->events_op = NULL;
	while ((r = TAILQ_FIRST(&s->reqs)) != NULL)
		sd_req_cancel(r);
	while ((a = TAILQ_FIRST(&s->actions)) != NULL)
		sd_action_free(a);
	uv_close((uv_handle_t *)&s->tick, sd_close_cb);
	uv_close((uv_handle_t *)&s->retry, sd_close_cb);
}

void
src_docker_set_refresh(struct src_docker *s, int refresh_ms)
{
	if (refresh_ms <= 0 || refresh_ms == s->refresh_ms)
		return;
	s->refresh_ms = refresh_ms;
	if (uv_is_active((uv_handle_t *)&s->tick))
		uv_timer_start(&s->tick, sd_tick, (uint64_t)refresh_ms,
		    (uint64_t)refresh_ms);
}

void
src_docker_refresh_now(struct src_docker *s)
{
	s->backoff_ms = 0;
	sd_list(s);
	if (s->up)
		sd_tick_once(s);
}
