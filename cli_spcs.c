/* The Snowpark Container Services headless twins (see cli_spcs.h). */

#include "cli_spcs.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "audit.h"
#include "cli.h"
#include "cli_out.h"
#include "cli_env.h"
#include "config.h"
#include "grants.h"
#include "grants_learn.h"
#include "http.h"
#include "json_snowflake.h"
#include "model.h"
#include "sanitize.h"
#include "sf_conn.h"
#include "sf_sql.h"
#include "spcs.h"
#include "src_spcs.h"
#include "svc.h"
#include "timefmt.h"
#include "util.h"

enum cs_cmd {
	CS_POOLS,
	CS_SERVICES,
	CS_CONTAINERS,
	CS_LOGS,
	CS_ACTION,
	CS_WATCH,
};

struct cs;

/* One followed container: at most one logs request in flight. */
struct cs_follow {
	struct cs *c;
	char *instance, *container;
	struct spcs_logtail tail;
	struct spcs_op *op;
	uv_timer_t timer;
	int done;
};

struct cs {
	struct cli_env env; /* loop, http, audit, cmdlog, conn, sf */
	const struct config *cfg;
	const struct cli_options *opts;
	enum cs_cmd cmd;
	enum spcs_action action;
	int status;
	char *db, *schema, *name; /* resolved target */
	char *container;          /* logs CONTAINER; NULL = every one */
	struct spcs_op *op;
	struct grants_learn *glearn; /* actions: the role's grants first */
	struct spcs_action_config ac;
	struct cs_follow **fol;
	size_t nfol;
	size_t window;      /* logs: numLines asked each time */
	long every_ms;      /* logs --follow: poll interval */
	cJSON *jlines;      /* logs -o json without --follow */
	int prefix;         /* logs: prefix lines with the container name */
	uv_signal_t sig[2]; /* SIGINT, SIGTERM: follows and actions */
	int sig_on;
	int interrupted;
	/* get spcs [--watch]: the services pane's source, headless. */
	struct src_spcs *src;
	struct svcs model;
	struct spcs_services services;
	struct source_status sstatus;
	uint64_t printed_gen;
	int printed;
};

static void
cs_fail(struct cs *c, const char *what, const char *msg)
{
	char *safe = sanitize_dup(msg, strlen(msg), 0);

	if (what != NULL)
		fprintf(stderr, "snowdeck: %s: %s\n", what, safe);
	else
		fprintf(stderr, "snowdeck: %s\n", safe);
	free(safe);
	c->status = 1;
}

static int
cs_usage(const char *msg)
{
	fprintf(stderr, "snowdeck: %s (see snowdeck --help)\n", msg);
	return 2;
}

/* ---- get pools / service / containers ---------------------------------- */

static void
cs_pools_done(const struct spcs_result *r, void *arg)
{
	static const char *const hdr[] = { "NAME", "STATE", "FAMILY", "MIN",
		"MAX", "ACTIVE", "SERVICES" };
	struct cs *c = arg;
	const struct spcs_pool *p;
	char ***rows;
	cJSON *arr, *o;
	size_t i;

	c->op = NULL;
	if (r->error) {
		cs_fail(c, "listing compute pools", r->cause);
		return;
	}
	if (c->opts->json) {
		arr = cJSON_CreateArray();
		for (i = 0; i < r->pools->n; i++) {
			p = &r->pools->v[i];
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", p->name);
			cJSON_AddStringToObject(o, "state", p->state);
			cJSON_AddStringToObject(
			    o, "instance_family", p->family);
			cJSON_AddNumberToObject(o, "min_nodes", p->min_nodes);
			cJSON_AddNumberToObject(o, "max_nodes", p->max_nodes);
			cJSON_AddNumberToObject(
			    o, "active_nodes", p->active_nodes);
			cJSON_AddNumberToObject(
			    o, "num_services", p->num_services);
			cJSON_AddItemToArray(arr, o);
		}
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "pools", arr);
		cli_out_json(o);
		return;
	}
	rows = xcalloc(r->pools->n + 1, sizeof *rows);
	for (i = 0; i < r->pools->n; i++) {
		p = &r->pools->v[i];
		rows[i] = xcalloc(7, sizeof **rows);
		rows[i][0] = xstrdup(p->name);
		rows[i][1] = xstrdup(p->state);
		rows[i][2] = xstrdup(p->family);
		rows[i][3] = xasprintf("%d", p->min_nodes);
		rows[i][4] = xasprintf("%d", p->max_nodes);
		rows[i][5] = xasprintf("%d", p->active_nodes);
		rows[i][6] = xasprintf("%d", p->num_services);
	}
	cli_out_table(hdr, 7, rows, r->pools->n);
	cli_out_rows_free(rows, r->pools->n, 7);
}

static void
cs_services_done(const struct spcs_result *r, void *arg)
{
	static const char *const hdr[] = { "NAME", "STATUS", "POOL",
		"INSTANCES", "DNS", "PUBLIC ENDPOINTS" };
	struct cs *c = arg;
	const struct spcs_service *s;
	char ***rows;
	cJSON *arr, *o;
	size_t i;

	c->op = NULL;
	if (r->error) {
		cs_fail(c, NULL, r->cause);
		return;
	}
	if (c->name != NULL && r->svcs->n == 0) {
		char *m = xasprintf("service %s not found in %s.%s: "
				    "'snowdeck get services' lists them",
		    c->name, c->db, c->schema);

		cs_fail(c, NULL, m);
		free(m);
		return;
	}
	if (c->opts->json) {
		arr = cJSON_CreateArray();
		for (i = 0; i < r->svcs->n; i++) {
			s = &r->svcs->v[i];
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", s->name);
			cJSON_AddStringToObject(o, "status", s->status);
			cJSON_AddStringToObject(o, "compute_pool", s->pool);
			cJSON_AddNumberToObject(
			    o, "current_instances", s->current_instances);
			cJSON_AddNumberToObject(
			    o, "target_instances", s->target_instances);
			cJSON_AddStringToObject(o, "dns_name", s->dns);
			cJSON_AddStringToObject(
			    o, "public_endpoints", s->endpoints);
			cJSON_AddItemToArray(arr, o);
		}
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "services", arr);
		cli_out_json(o);
		return;
	}
	rows = xcalloc(r->svcs->n + 1, sizeof *rows);
	for (i = 0; i < r->svcs->n; i++) {
		s = &r->svcs->v[i];
		rows[i] = xcalloc(6, sizeof **rows);
		rows[i][0] = xstrdup(s->name);
		rows[i][1] = xstrdup(s->status);
		rows[i][2] = xstrdup(s->pool);
		rows[i][3] = xasprintf(
		    "%d/%d", s->current_instances, s->target_instances);
		rows[i][4] = xstrdup(s->dns);
		rows[i][5] = xstrdup(*s->endpoints ? s->endpoints : "-");
	}
	cli_out_table(hdr, 6, rows, r->svcs->n);
	cli_out_rows_free(rows, r->svcs->n, 6);
}

static void
cs_containers_done(const struct spcs_result *r, void *arg)
{
	static const char *const hdr[] = { "INSTANCE", "CONTAINER", "STATUS",
		"RESTARTS", "STARTED", "EXIT", "IMAGE", "MESSAGE" };
	struct cs *c = arg;
	const struct svc *s;
	char ***rows, t[40];
	cJSON *arr, *o;
	size_t i;
	double now = util_wall();

	c->op = NULL;
	if (r->error) {
		cs_fail(c, NULL, r->cause);
		return;
	}
	if (c->opts->json) {
		arr = cJSON_CreateArray();
		for (i = 0; i < r->containers->n; i++) {
			s = &r->containers->v[i];
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "service", s->service);
			cJSON_AddStringToObject(o, "instance_id", s->instance);
			cJSON_AddStringToObject(o, "container_name", s->name);
			cJSON_AddStringToObject(o, "status", s->status);
			cJSON_AddStringToObject(o, "message", s->message);
			cJSON_AddNumberToObject(
			    o, "restart_count", s->restarts);
			if (s->started_at > 0) {
				time_format_iso(s->started_at, t, sizeof t);
				cJSON_AddStringToObject(o, "start_time", t);
			} else
				cJSON_AddNullToObject(o, "start_time");
			cJSON_AddStringToObject(o, "image", s->image);
			if (s->exit_code >= 0)
				cJSON_AddNumberToObject(
				    o, "last_exit_code", s->exit_code);
			else
				cJSON_AddNullToObject(o, "last_exit_code");
			cJSON_AddItemToArray(arr, o);
		}
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "service", c->name);
		cJSON_AddItemToObject(o, "containers", arr);
		cli_out_json(o);
		return;
	}
	if (r->containers->n == 0) {
		printf("no containers: the service is suspended or not "
		       "scheduled yet ('snowdeck get service %s')\n",
		    c->name);
		return;
	}
	rows = xcalloc(r->containers->n + 1, sizeof *rows);
	for (i = 0; i < r->containers->n; i++) {
		s = &r->containers->v[i];
		rows[i] = xcalloc(8, sizeof **rows);
		rows[i][0] = xstrdup(s->instance);
		rows[i][1] = xstrdup(s->name);
		rows[i][2] = xstrdup(s->status);
		rows[i][3] = xasprintf("%d", s->restarts);
		if (s->started_at > 0) {
			time_format_age(s->started_at, now, t, sizeof t);
			rows[i][4] = xstrdup(t);
		} else
			rows[i][4] = xstrdup("-");
		rows[i][5] = s->exit_code >= 0 ? xasprintf("%d", s->exit_code)
					       : xstrdup("-");
		rows[i][6] = xstrdup(s->image);
		rows[i][7] = xstrdup(s->message);
	}
	cli_out_table(hdr, 8, rows, r->containers->n);
	cli_out_rows_free(rows, r->containers->n, 8);
}

/* ---- logs -------------------------------------------------------------- */

static void cs_follow_fetch(struct cs_follow *);
static void cs_sig_stop(struct cs *);

static void
cs_line(const char *line, void *arg)
{
	struct cs_follow *f = arg;
	struct cs *c = f->c;
	cJSON *o;
	char *txt;

	/* --grep: on the line as printed (sanitized, secrets masked). */
	if (c->opts->grep != NULL &&
	    text_find(line, strlen(line), c->opts->grep) == NULL)
		return;
	if (c->opts->json) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "container", f->container);
		cJSON_AddStringToObject(o, "instance", f->instance);
		cJSON_AddStringToObject(o, "line", line);
		if (!c->opts->follow) {
			cJSON_AddItemToArray(c->jlines, o);
			return;
		}
		txt = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		if (txt != NULL) {
			printf("%s\n", txt);
			cJSON_free(txt);
		}
	} else if (c->prefix)
		printf("%s | %s\n", f->container, line);
	else
		printf("%s\n", line);
}

static void
cs_follow_timer(uv_timer_t *t)
{
	cs_follow_fetch(t->data);
}

/* A follower stopped for good: when none is left, the follow ends. */
static void
cs_follow_gone(struct cs *c)
{
	size_t i;

	for (i = 0; i < c->nfol; i++) {
		if (!c->fol[i]->done)
			return;
	}
	cs_sig_stop(c);
}

static void
cs_follow_done(const struct spcs_result *r, void *arg)
{
	struct cs_follow *f = arg;
	struct cs *c = f->c;
	char *what;
	int gap = 0;

	f->op = NULL;
	if (r->error) {
		what = xasprintf(
		    "reading the logs of %s/%s", c->name, f->container);
		cs_fail(c, what, r->cause);
		free(what);
		if (!c->opts->follow || !f->tail.primed) {
			/* Never read once: a wrong name, not a blip. */
			f->done = 1;
			cs_follow_gone(c);
			return;
		}
		c->status = 0; /* a follow keeps going; said on stderr */
	} else {
		spcs_logtail_merge(
		    &f->tail, r->text, r->len, c->window, cs_line, f, &gap);
		if (gap && f->tail.primed)
			fprintf(stderr,
			    "snowdeck: %s: some lines may be missing (more "
			    "than %zu new lines between two reads, or the "
			    "log restarted)\n",
			    f->container, c->window);
	}
	fflush(stdout);
	if (!c->opts->follow || c->opts->previous) {
		f->done = 1;
		return;
	}
	/* The next read only after this one answered. */
	uv_timer_start(&f->timer, cs_follow_timer, (uint64_t)c->every_ms, 0);
}

static void
cs_follow_fetch(struct cs_follow *f)
{
	struct cs *c = f->c;

	f->op =
	    spcs_logs_fetch(c->env.sf, c->db, c->schema, c->name, f->instance,
		f->container, c->window, c->opts->previous, cs_follow_done, f);
}

static void
cs_follow_add(struct cs *c, const char *instance, const char *container)
{
	struct cs_follow *f = xcalloc(1, sizeof *f);

	f->c = c;
	f->instance = xstrdup(instance);
	f->container = xstrdup(container);
	spcs_logtail_init(&f->tail);
	f->tail.first_tail = c->opts->tail > 0 ? (size_t)c->opts->tail : 0;
	uv_timer_init(&c->env.loop, &f->timer);
	f->timer.data = f;
	c->fol = xreallocarray(c->fol, c->nfol + 1, sizeof *c->fol);
	c->fol[c->nfol++] = f;
	cs_follow_fetch(f);
}

static void
cs_logs_containers(const struct spcs_result *r, void *arg)
{
	struct cs *c = arg;
	size_t i;

	c->op = NULL;
	if (r->error) {
		cs_fail(c, NULL, r->cause);
		cs_sig_stop(c);
		return;
	}
	if (r->containers->n == 0) {
		cs_sig_stop(c);
		cs_fail(c, NULL,
		    "the service has no containers now (suspended or not "
		    "scheduled): resume it, or name a CONTAINER with "
		    "--previous");
		return;
	}
	c->prefix = 1;
	for (i = 0; i < r->containers->n; i++) {
		if (c->opts->instance != NULL &&
		    strcmp(r->containers->v[i].instance, c->opts->instance) !=
			0)
			continue;
		cs_follow_add(
		    c, r->containers->v[i].instance, r->containers->v[i].name);
	}
}

static void
cs_follow_closed(uv_handle_t *h)
{
	struct cs_follow *f = h->data;

	spcs_logtail_free(&f->tail);
	free(f->instance);
	free(f->container);
	free(f);
}

static void
cs_logs_free(struct cs *c)
{
	size_t i;

	for (i = 0; i < c->nfol; i++) {
		spcs_op_cancel(c->fol[i]->op);
		uv_timer_stop(&c->fol[i]->timer);
		uv_close((uv_handle_t *)&c->fol[i]->timer, cs_follow_closed);
	}
	free(c->fol);
	c->fol = NULL;
	c->nfol = 0;
}

/* ---- actions ----------------------------------------------------------- */

static const char *
cs_target_kind(const struct cs *c)
{
	return c->action == SPCS_POOL_SUSPEND || c->action == SPCS_POOL_RESUME
		   ? "compute pool"
		   : "service";
}

static void
cs_progress(const struct spcs_progress *p, void *arg)
{
	struct cs *c = arg;

	fprintf(stderr, "%s %s: %s %s", spcs_action_name(c->action), c->name,
	    p->phase, p->state);
	if (p->total > 0)
		fprintf(stderr, ", %d/%d containers READY", p->ready, p->total);
	if (p->message != NULL && p->ready < p->total)
		fprintf(stderr, " (%s)", p->message);
	fprintf(stderr, " [%.1f s]\n", p->elapsed);
	fflush(stderr);
}

static void
cs_outcome(const struct spcs_outcome *r, void *arg)
{
	struct cs *c = arg;
	char *target, *res, *req;
	cJSON *o, *arr;
	size_t i;

	c->op = NULL;
	cs_sig_stop(c);
	target = c->db != NULL && *c->db != '\0'
		     ? xasprintf("%s.%s.%s", c->db, c->schema, c->name)
		     : xstrdup(c->name);
	res = r->ok ? xasprintf("ok: %s", r->state)
		    : xasprintf("failed: %s", r->cause);
	req = xstrdup(c->action == SPCS_RESTART ? "suspend, then resume"
						: spcs_action_name(c->action));
	{
		char *act = xasprintf("spcs-%s", spcs_action_name(c->action));

		audit_record(c->env.audit, act, target, req, res);
		free(act);
	}
	free(req);
	free(res);
	if (c->opts->json) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(
		    o, "action", spcs_action_name(c->action));
		cJSON_AddStringToObject(o, "target", target);
		cJSON_AddBoolToObject(o, "ok", r->ok);
		cJSON_AddStringToObject(o, "state", r->state);
		arr = cJSON_AddArrayToObject(o, "states_seen");
		for (i = 0; i < r->nseen; i++)
			cJSON_AddItemToArray(
			    arr, cJSON_CreateString(r->seen[i]));
		cJSON_AddNumberToObject(o, "containers_ready", r->ready);
		cJSON_AddNumberToObject(o, "containers", r->total);
		cJSON_AddNumberToObject(o, "elapsed_s", r->elapsed);
		if (r->message != NULL)
			cJSON_AddStringToObject(o, "message", r->message);
		if (!r->ok && r->cause != NULL)
			cJSON_AddStringToObject(o, "error", r->cause);
		cli_out_json(o);
	} else if (r->ok) {
		printf("%s %s %s: %s", spcs_action_name(c->action),
		    cs_target_kind(c), target, r->state);
		if (r->total > 0)
			printf(", %d/%d containers READY", r->ready, r->total);
		printf(" (%.1f s)\n", r->elapsed);
	}
	if (!r->ok)
		cs_fail(c, NULL, r->cause != NULL ? r->cause : "failed");
	free(target);
}

static void
cs_action_go(struct cs *c)
{
	c->op = spcs_action_start(c->env.sf, &c->env.loop, c->action, c->db,
	    c->schema, c->name, &c->ac, cs_progress, cs_outcome, c);
}

/*
 * The role's grants are known: an action it may not run is refused up
 * front (nothing is sent); grants that cannot be read check nothing.
 */
static void
cs_grants_done(struct grants *sets, size_t n, const char *cause, void *arg)
{
	struct cs *c = arg;
	char *why, *target;
	int pool =
	    c->action == SPCS_POOL_SUSPEND || c->action == SPCS_POOL_RESUME;

	c->glearn = NULL;
	if (sets == NULL) {
		fprintf(stderr,
		    "snowdeck: warning: the role's grants could not be read, "
		    "so they were not checked: %s\n",
		    cause != NULL ? cause : "no answer");
		cs_action_go(c);
		return;
	}
	why = grants_spcs_why_not(&sets[0], pool, c->db, c->schema, c->name);
	grants_free_all(sets, n);
	if (why == NULL) {
		cs_action_go(c);
		return;
	}
	target = pool ? xstrdup(c->name)
		      : xasprintf("%s.%s.%s", c->db, c->schema, c->name);
	{
		char *act = xasprintf("spcs-%s", spcs_action_name(c->action));

		audit_record(c->env.audit, act, target, "refused", why);
		free(act);
	}
	fprintf(stderr,
	    "snowdeck: %s %s %s refused up front (nothing was sent): %s; pass "
	    "--ignore-grants to try anyway when the grants are incomplete "
	    "(future grants, application roles)\n",
	    spcs_action_name(c->action), cs_target_kind(c), target, why);
	free(target);
	free(why);
	c->status = 3;
	cs_sig_stop(c);
}

static int
cs_confirm(const struct cs *c)
{
	char line[32];

	fprintf(stderr, "%s %s %s? [y/N] ", spcs_action_name(c->action),
	    cs_target_kind(c), c->name);
	fflush(stderr);
	if (fgets(line, sizeof line, stdin) == NULL)
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

/* ---- get spcs [--watch] ------------------------------------------------ */

static void
cs_watch_print(struct cs *c)
{
	static const char *const hdr[] = { "SERVICE", "INSTANCE", "CONTAINER",
		"STATE", "STATUS", "RESTARTS", "MESSAGE" };
	const struct svc *s;
	char ***rows;
	cJSON *o, *arr, *e;
	char *txt;
	size_t i, n = 0;

	if (c->opts->json) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "time", util_wall());
		arr = cJSON_AddArrayToObject(o, "containers");
		for (i = 0; i < c->model.n; i++) {
			s = &c->model.v[i];
			if (s->origin != SVC_SPCS)
				continue;
			e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "service", s->service);
			cJSON_AddStringToObject(e, "instance_id", s->instance);
			cJSON_AddStringToObject(e, "container_name", s->name);
			cJSON_AddStringToObject(
			    e, "state", svc_state_name(s->state));
			cJSON_AddStringToObject(e, "status", s->status);
			cJSON_AddNumberToObject(
			    e, "restart_count", s->restarts);
			cJSON_AddStringToObject(e, "message", s->message);
			cJSON_AddStringToObject(
			    e, "public_endpoints", s->ports);
			cJSON_AddItemToArray(arr, e);
		}
		txt = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		if (txt != NULL) {
			printf("%s\n", txt);
			cJSON_free(txt);
		}
		fflush(stdout);
		return;
	}
	rows = xcalloc(c->model.n + 1, sizeof *rows);
	for (i = 0; i < c->model.n; i++) {
		s = &c->model.v[i];
		if (s->origin != SVC_SPCS)
			continue;
		rows[n] = xcalloc(7, sizeof **rows);
		rows[n][0] = xstrdup(s->service);
		rows[n][1] = xstrdup(s->instance);
		rows[n][2] = xstrdup(s->name);
		rows[n][3] = xasprintf("%c %s", svc_state_glyph(s->state),
		    svc_state_name(s->state));
		rows[n][4] = xstrdup(s->status);
		rows[n][5] = xasprintf("%d", s->restarts);
		rows[n][6] = xstrdup(s->message);
		n++;
	}
	cli_out_table(hdr, 7, rows, n);
	cli_out_rows_free(rows, n, 7);
	if (c->opts->watch)
		printf("\n");
	fflush(stdout);
}

static void
cs_watch_change(void *arg)
{
	struct cs *c = arg;

	if (c->sstatus.state != SOURCE_OK) {
		cs_fail(c, NULL, c->sstatus.detail);
		if (c->opts->watch) {
			c->status = 0; /* retried at the next cycle */
			return;
		}
	} else if (!c->printed || c->model.gen != c->printed_gen) {
		cs_watch_print(c);
		c->printed = 1;
		c->printed_gen = c->model.gen;
	}
	if (!c->opts->watch) {
		src_spcs_free(c->src);
		c->src = NULL;
	}
}

/* ---- signals ----------------------------------------------------------- */

static void
cs_sig_closed(uv_handle_t *h)
{
	(void)h;
}

static void
cs_sig_stop(struct cs *c)
{
	if (!c->sig_on)
		return;
	c->sig_on = 0;
	uv_close((uv_handle_t *)&c->sig[0], cs_sig_closed);
	uv_close((uv_handle_t *)&c->sig[1], cs_sig_closed);
}

/* Ctrl-C or SIGTERM: stop following / waiting; the loop then ends. */
static void
cs_signal(uv_signal_t *h, int signum)
{
	struct cs *c = h->data;
	size_t i;

	(void)signum;
	c->interrupted = 1;
	if (c->op != NULL && c->cmd == CS_ACTION) {
		fprintf(stderr,
		    "snowdeck: interrupted: stopped waiting; Snowflake goes "
		    "on with what was asked (check with 'snowdeck get "
		    "service %s')\n",
		    c->name);
		c->status = 1;
	}
	spcs_op_cancel(c->op);
	c->op = NULL;
	if (c->glearn != NULL) {
		grants_learn_cancel(c->glearn); /* nothing was sent yet */
		c->glearn = NULL;
		c->status = 1;
	}
	src_spcs_free(c->src);
	c->src = NULL;
	for (i = 0; i < c->nfol; i++) {
		spcs_op_cancel(c->fol[i]->op);
		c->fol[i]->op = NULL;
		uv_timer_stop(&c->fol[i]->timer);
	}
	cs_sig_stop(c);
}

static void
cs_sig_start(struct cs *c)
{
	uv_signal_init(&c->env.loop, &c->sig[0]);
	uv_signal_init(&c->env.loop, &c->sig[1]);
	c->sig[0].data = c->sig[1].data = c;
	uv_signal_start(&c->sig[0], cs_signal, SIGINT);
	uv_signal_start(&c->sig[1], cs_signal, SIGTERM);
	c->sig_on = 1;
}

/* ---- entry ------------------------------------------------------------- */

static int
cs_is_word(const char *w, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(w, *list) == 0)
			return 1;
	}
	return 0;
}

static int
cs_conn_configured(const struct cli_options *opts)
{
	struct sf_conn conn;
	struct sf_conn_opts co;
	char *cause = NULL;
	int ok;

	sf_conn_init(&conn);
	memset(&co, 0, sizeof co);
	co.conn_id = opts->sf_conn_id;
	co.name = opts->sf_connection;
	co.url = opts->sf_url;
	ok = sf_conn_resolve(&conn, &co, &cause) == 0;
	free(cause);
	sf_conn_free(&conn);
	return ok;
}

/* One listing each: "compute-pools" and "service" are other spellings. */
static int
cs_is_pools(const char *w)
{
	return strcmp(w, "pools") == 0 || strcmp(w, "compute-pools") == 0;
}

static int
cs_is_services(const char *w)
{
	return strcmp(w, "services") == 0 || strcmp(w, "service") == 0;
}

int
cli_spcs_handles(const struct config *cfg, const struct cli_options *opts,
    int argc, char **argv)
{
	static const char *const acts[] = { "suspend", "resume", NULL };

	(void)cfg;
	if (argc < 1)
		return 0;
	if (strcmp(argv[0], "get") == 0 && argc >= 2) {
		if (cs_is_pools(argv[1]) || cs_is_services(argv[1]) ||
		    strcmp(argv[1], "spcs") == 0)
			return 1;
		return strcmp(argv[1], "containers") == 0 && argc == 3 &&
		       !opts->local;
	}
	if (cs_is_word(argv[0], acts))
		return 1;
	if ((strcmp(argv[0], "logs") == 0 || strcmp(argv[0], "restart") == 0) &&
	    !opts->local && argc >= 2)
		return cs_conn_configured(opts);
	return 0;
}

/* NAME, SCHEMA.NAME or DB.SCHEMA.NAME, with the connection's defaults. */
static int
cs_resolve(struct cs *c, const char *what, char **cause)
{
	char *parts[3] = { NULL, NULL, NULL }, *d[1];
	int n;

	n = sf_ident_split(what, parts, 3, cause);
	if (n < 1)
		return -1;
	c->name = parts[n - 1];
	if (n == 3) {
		c->db = parts[0];
		c->schema = parts[1];
		return 0;
	}
	if (n == 2)
		c->schema = parts[0];
	else if (c->env.conn.schema != NULL &&
		 sf_ident_split(c->env.conn.schema, d, 1, cause) == 1)
		c->schema = d[0];
	if (c->env.conn.database != NULL &&
	    sf_ident_split(c->env.conn.database, d, 1, cause) == 1)
		c->db = d[0];
	free(*cause);
	*cause = NULL;
	if (c->db == NULL || c->schema == NULL) {
		*cause = xstrdup("services live in a database and schema: "
				 "name it DB.SCHEMA.SERVICE, or set database "
				 "and schema in the Snowflake connection");
		return -1;
	}
	return 0;
}

static int
cs_parse(struct cs *c, int argc, char **argv)
{
	const struct cli_options *o = c->opts;

	if (strcmp(argv[0], "get") == 0) {
		if (cs_is_pools(argv[1]) && argc <= 3) {
			c->cmd = CS_POOLS;
			return 0;
		}
		if (cs_is_services(argv[1]) && argc <= 3) {
			c->cmd = CS_SERVICES;
			return 0;
		}
		if (strcmp(argv[1], "containers") == 0 && argc == 3) {
			c->cmd = CS_CONTAINERS;
			return 0;
		}
		if (strcmp(argv[1], "spcs") == 0 && argc == 2) {
			c->cmd = CS_WATCH;
			return 0;
		}
		return cs_usage("usage: get pools [NAME] | services [NAME] | "
				"containers SERVICE | spcs [--watch]");
	}
	if (strcmp(argv[0], "logs") == 0) {
		if (argc < 2 || argc > 3)
			return cs_usage("usage: logs SERVICE [CONTAINER] "
					"[--follow] [--previous] [--instance "
					"N] [--tail N] [--grep TEXT]");
		if (o->previous && argc != 3)
			return cs_usage("--previous reads one container: logs "
					"SERVICE CONTAINER --previous");
		c->cmd = CS_LOGS;
		return 0;
	}
	c->cmd = CS_ACTION;
	if (argc == 3 && strcmp(argv[1], "pool") == 0 &&
	    strcmp(argv[0], "restart") != 0) {
		c->action = strcmp(argv[0], "suspend") == 0 ? SPCS_POOL_SUSPEND
							    : SPCS_POOL_RESUME;
		return 0;
	}
	if (argc != 2)
		return cs_usage("usage: suspend|resume|restart SERVICE [--yes] "
				"[--wait S] | suspend|resume pool NAME");
	c->action = strcmp(argv[0], "suspend") == 0  ? SPCS_SUSPEND
		    : strcmp(argv[0], "resume") == 0 ? SPCS_RESUME
						     : SPCS_RESTART;
	return 0;
}

static int
cs_start(struct cs *c, int argc, char **argv, char **cause)
{
	const char *target;
	char *d[1];

	switch (c->cmd) {
	case CS_POOLS:
		if (argc == 3) {
			if (sf_ident_split(argv[2], d, 1, cause) != 1)
				return -1;
			c->name = d[0];
		}
		c->op = spcs_pools_fetch(c->env.sf, c->name, cs_pools_done, c);
		return 0;
	case CS_SERVICES:
		if (argc == 3) {
			if (cs_resolve(c, argv[2], cause) != 0)
				return -1;
		} else {
			if (cs_resolve(c, "X", cause) != 0)
				return -1;
			free(c->name);
			c->name = NULL;
		}
		c->op = spcs_services_fetch(
		    c->env.sf, c->db, c->schema, c->name, cs_services_done, c);
		return 0;
	case CS_CONTAINERS:
		if (cs_resolve(c, argv[2], cause) != 0)
			return -1;
		c->op = spcs_containers_fetch(c->env.sf, c->db, c->schema,
		    c->name, cs_containers_done, c);
		return 0;
	case CS_LOGS:
		if (cs_resolve(c, argv[1], cause) != 0)
			return -1;
		c->window = 1000;
		if (c->opts->tail > 1000)
			c->window = (size_t)c->opts->tail;
		c->every_ms =
		    c->cfg->refresh_ms > 0 ? c->cfg->refresh_ms : 2000;
		if (c->opts->json && !c->opts->follow)
			c->jlines = cJSON_CreateArray();
		if (c->opts->follow && !c->opts->previous)
			cs_sig_start(c);
		if (argc == 3)
			cs_follow_add(c,
			    c->opts->instance != NULL ? c->opts->instance : "0",
			    argv[2]);
		else
			c->op = spcs_containers_fetch(c->env.sf, c->db,
			    c->schema, c->name, cs_logs_containers, c);
		return 0;
	case CS_WATCH: {
		struct src_spcs_config wc;

		if (cs_resolve(c, "X", cause) != 0)
			return -1;
		memset(&wc, 0, sizeof wc);
		wc.database = c->db;
		wc.schema = c->schema;
		wc.refresh_ms = c->cfg->refresh_ms;
		wc.on_change = cs_watch_change;
		wc.on_change_arg = c;
		if (c->opts->watch)
			cs_sig_start(c);
		return src_spcs_create(&c->src, &c->env.loop, c->env.sf, &wc,
		    &c->model, &c->services, &c->sstatus, cause);
	}
	case CS_ACTION:
		target = argc == 3 ? argv[2] : argv[1];
		if (c->action == SPCS_POOL_SUSPEND ||
		    c->action == SPCS_POOL_RESUME) {
			if (sf_ident_split(target, d, 1, cause) != 1)
				return -1;
			c->name = d[0];
		} else if (cs_resolve(c, target, cause) != 0)
			return -1;
		memset(&c->ac, 0, sizeof c->ac);
		c->ac.timeout_ms =
		    c->opts->wait_s > 0 ? c->opts->wait_s * 1000 : 600000;
		cs_sig_start(c);
		if (c->opts->ignore_grants) {
			cs_action_go(c);
			return 0;
		}
		{
			const char *role = c->env.conn.role;

			c->glearn = grants_learn_start(
			    c->env.sf, &role, 1, cs_grants_done, c);
		}
		return 0;
	}
	return 0;
}

int
cli_spcs_run(const struct config *cfg, const struct cli_options *opts, int argc,
    char **argv)
{
	struct cs c;
	char *cause = NULL;
	int rc;

	memset(&c, 0, sizeof c);
	c.cfg = cfg;
	c.opts = opts;
	svcs_init(&c.model);
	if ((rc = cs_parse(&c, argc, argv)) != 0)
		return rc;
	if (c.cmd == CS_ACTION) {
		if (cfg->readonly > 0) {
			fprintf(stderr,
			    "snowdeck: read-only mode: %s refused (nothing "
			    "was sent to Snowflake)\n",
			    argv[0]);
			return 3;
		}
		if (!opts->yes && c.action != SPCS_RESUME &&
		    c.action != SPCS_POOL_RESUME) {
			if (!isatty(STDIN_FILENO)) {
				fprintf(stderr,
				    "snowdeck: %s stops a running %s: pass "
				    "--yes (stdin is not a terminal to ask "
				    "on)\n",
				    argv[0], cs_target_kind(&c));
				return 2;
			}
			c.name = xstrdup(argc == 3 ? argv[2] : argv[1]);
			rc = cs_confirm(&c);
			free(c.name);
			c.name = NULL;
			if (!rc) {
				fprintf(stderr, "snowdeck: not confirmed: "
						"nothing done\n");
				return 1;
			}
		}
	}
	if (cli_env_open(&c.env, cfg, opts, 1, &cause) != 0 ||
	    cs_start(&c, argc, argv, &cause) != 0) {
		cs_fail(&c, NULL, cause);
		free(cause);
		goto out;
	}
	cli_env_run(&c.env);
	if (c.jlines != NULL && c.status == 0) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "service", c.name);
		cJSON_AddBoolToObject(o, "previous", opts->previous);
		cJSON_AddItemToObject(o, "lines", c.jlines);
		c.jlines = NULL;
		cli_out_json(o);
	}
out:
	cs_sig_stop(&c);
	src_spcs_free(c.src);
	c.src = NULL;
	spcs_op_cancel(c.op);
	grants_learn_cancel(c.glearn);
	cs_logs_free(&c);
	cli_env_close(&c.env);
	cJSON_Delete(c.jlines);
	svcs_free(&c.model);
	spcs_services_free(&c.services);
	free(c.sstatus.detail);
	free(c.db);
	free(c.schema);
	free(c.name);
	free(c.container);
	fflush(stdout);
	return c.status;
}
