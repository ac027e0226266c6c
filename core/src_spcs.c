/*
 * The Snowpark Container Services source: services and their containers
 * kept fresh in the shared services model, one request at a time.
 */

#include "src_spcs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <uv.h>

#include "model.h"
#include "svc.h"
#include "util.h"

struct src_spcs {
	uv_loop_t *loop;
	struct sf_client *sf;
	char *db, *schema;
	int refresh_ms;
	void (*on_change)(void *);
	void *on_change_arg;
	struct svcs *svcs;
	struct spcs_services *services; /* borrowed, may be NULL */
	struct source_status *status;
	/* The cycle. */
	struct spcs_op *op;
	struct spcs_services cur; /* this cycle's services */
	struct svcs fresh;        /* this cycle's containers */
	size_t next;
	int running;
	int errors;
	char *first_error;
	unsigned long cycles;
	uv_timer_t timer;
	/* The action. */
	struct spcs_op *act;
	spcs_progress_cb a_progress;
	spcs_outcome_cb a_done;
	void *a_arg;
};

static void ss_cycle(struct src_spcs *);

static void
ss_closed(uv_handle_t *h)
{
	free(h->data);
}

void
src_spcs_free(struct src_spcs *s)
{
	if (s == NULL)
		return;
	spcs_op_cancel(s->op);
	spcs_op_cancel(s->act);
	spcs_services_free(&s->cur);
	svcs_free(&s->fresh);
	free(s->first_error);
	free(s->db);
	free(s->schema);
	uv_timer_stop(&s->timer);
	s->timer.data = s;
	uv_close((uv_handle_t *)&s->timer, ss_closed);
}

static void
ss_timer(uv_timer_t *t)
{
	ss_cycle(t->data);
}

static void
ss_schedule(struct src_spcs *s)
{
	uv_timer_start(&s->timer, ss_timer, (uint64_t)s->refresh_ms, 0);
}

static void
ss_services_copy(struct spcs_services *dst, const struct spcs_services *src)
{
	struct spcs_service *d;
	size_t i;

	spcs_services_free(dst);
	if (src->n == 0)
		return;
	dst->v = xcalloc(src->n, sizeof *dst->v);
	for (i = 0; i < src->n; i++) {
		d = &dst->v[i];
		d->name = xstrdup(src->v[i].name);
		d->status = xstrdup(src->v[i].status);
		d->pool = xstrdup(src->v[i].pool);
		d->dns = xstrdup(src->v[i].dns);
		d->endpoints = xstrdup(src->v[i].endpoints);
		d->current_instances = src->v[i].current_instances;
		d->target_instances = src->v[i].target_instances;
	}
	dst->n = src->n;
}

static int
ss_str_differs(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") != 0;
}

static int
ss_svc_differs(const struct svc *a, const struct svc *b)
{
	return a->state != b->state || a->restarts != b->restarts ||
	       a->exit_code != b->exit_code || a->started_at != b->started_at ||
	       ss_str_differs(a->status, b->status) ||
	       ss_str_differs(a->message, b->message) ||
	       ss_str_differs(a->image, b->image) ||
	       ss_str_differs(a->ports, b->ports);
}

/* Replaces the SPCS entries of the model by the cycle's; returns whether
 * anything changed. The local entries are not touched. */
static int
ss_merge(struct src_spcs *s)
{
	struct svc *old, *f;
	size_t i;
	int changed = 0;

	for (i = 0; i < s->svcs->n;) {
		if (s->svcs->v[i].origin == SVC_SPCS &&
		    svcs_find_id(&s->fresh, s->svcs->v[i].id) == NULL) {
			svcs_remove(s->svcs, i);
			changed = 1;
		} else
			i++;
	}
	for (i = 0; i < s->fresh.n; i++) {
		f = &s->fresh.v[i];
		old = svcs_find_id(s->svcs, f->id);
		if (old == NULL) {
			svcs_push(s->svcs, f);
			svc_init(f);
			changed = 1;
			continue;
		}
		if (!ss_svc_differs(old, f))
			continue;
		svc_clear(old);
		*old = *f;
		svc_init(f);
		changed = 1;
	}
	if (changed)
		s->svcs->gen++;
	svcs_reset(&s->fresh);
	return changed;
}

/* A service without containers (suspended, not scheduled yet): one entry
 * stands for it. */
static void
ss_push_service_only(struct src_spcs *s, const struct spcs_service *sv)
{
	struct svc e;

	svc_init(&e);
	e.origin = SVC_SPCS;
	e.id = xasprintf("%s/-/-", sv->name);
	e.name = xstrdup("-");
	e.service = xstrdup(sv->name);
	e.project = xasprintf("%s.%s", s->db, s->schema);
	e.image = xstrdup("");
	e.status = xstrdup(sv->status);
	e.message = xstrdup(strcasecmp(sv->status, "SUSPENDED") == 0
				? "no containers while the service is suspended"
				: "no containers yet");
	e.instance = xstrdup("-");
	e.ports = xstrdup(sv->endpoints);
	e.state = svc_state_parse(sv->status);
	e.exit_code = -1;
	e.inspected = 1;
	svcs_push(&s->fresh, &e);
}

static void
ss_cycle_end(struct src_spcs *s)
{
	char *d;
	int changed;

	s->running = 0;
	s->cycles++;
	if (s->errors > 0 && s->first_error != NULL) {
		source_set(s->status,
		    s->cur.n > 0 ? SOURCE_DEGRADED : SOURCE_DOWN,
		    s->first_error);
		svcs_reset(&s->fresh);
		changed = 1;
	} else {
		changed = ss_merge(s);
		if (s->services != NULL) {
			ss_services_copy(s->services, &s->cur);
			changed = 1;
		}
		d = xasprintf("Snowpark Container Services: %zu services in "
			      "%s.%s",
		    s->cur.n, s->db, s->schema);
		if (s->status->state != SOURCE_OK ||
		    ss_str_differs(s->status->detail, d))
			source_set(s->status, SOURCE_OK, d);
		s->status->last_ok = util_wall();
		free(d);
	}
	free(s->first_error);
	s->first_error = NULL;
	s->errors = 0;
	if (changed && s->on_change != NULL)
		s->on_change(s->on_change_arg);
	ss_schedule(s);
}

static void ss_next(struct src_spcs *);

static void
ss_containers_done(const struct spcs_result *r, void *arg)
{
	struct src_spcs *s = arg;
	size_t i;

	s->op = NULL;
	if (r->error) {
		/* The service may be gone meanwhile: said, and retried. */
		if (s->first_error == NULL)
			s->first_error = xstrdup(r->cause);
		s->errors++;
	} else if (r->containers->n == 0)
		ss_push_service_only(s, &s->cur.v[s->next]);
	else {
		for (i = 0; i < r->containers->n; i++) {
			svcs_push(&s->fresh, &r->containers->v[i]);
			svc_init(&r->containers->v[i]);
		}
		if (s->cur.v[s->next].endpoints[0] != '\0') {
			for (i = s->fresh.n - r->containers->n; i < s->fresh.n;
			     i++) {
				free(s->fresh.v[i].ports);
				s->fresh.v[i].ports =
				    xstrdup(s->cur.v[s->next].endpoints);
			}
		}
	}
	s->next++;
	ss_next(s);
}

static void
ss_next(struct src_spcs *s)
{
	const struct spcs_service *sv;

	for (; s->next < s->cur.n; s->next++) {
		sv = &s->cur.v[s->next];
		if (strcasecmp(sv->status, "SUSPENDED") == 0) {
			ss_push_service_only(s, sv);
			continue;
		}
		s->op = spcs_containers_fetch(
		    s->sf, s->db, s->schema, sv->name, ss_containers_done, s);
		return;
	}
	ss_cycle_end(s);
}

static void
ss_services_done(const struct spcs_result *r, void *arg)
{
	struct src_spcs *s = arg;

	s->op = NULL;
	if (r->error) {
		spcs_services_free(&s->cur);
		s->first_error = xstrdup(r->cause);
		s->errors = 1;
		ss_cycle_end(s);
		return;
	}
	ss_services_copy(&s->cur, r->svcs);
	s->next = 0;
	svcs_reset(&s->fresh);
	ss_next(s);
}

static void
ss_cycle(struct src_spcs *s)
{
	if (s->running)
		return;
	uv_timer_stop(&s->timer);
	s->running = 1;
	s->op = spcs_services_fetch(
	    s->sf, s->db, s->schema, NULL, ss_services_done, s);
}

int
src_spcs_create(struct src_spcs **out, uv_loop_t *loop, struct sf_client *sf,
    const struct src_spcs_config *c, struct svcs *svcs,
    struct spcs_services *services, struct source_status *status, char **cause)
{
	struct src_spcs *s;

	*out = NULL;
	if (c->database == NULL || c->schema == NULL || *c->database == '\0' ||
	    *c->schema == '\0') {
		*cause = xstrdup("Snowpark Container Services need the "
				 "database and schema of the services: set "
				 "them in the Snowflake connection");
		return -1;
	}
	s = xcalloc(1, sizeof *s);
	s->loop = loop;
	s->sf = sf;
	s->db = xstrdup(c->database);
	s->schema = xstrdup(c->schema);
	s->refresh_ms = c->refresh_ms > 0 ? c->refresh_ms : 2000;
	s->on_change = c->on_change;
	s->on_change_arg = c->on_change_arg;
	s->svcs = svcs;
	s->services = services;
	s->status = status;
	svcs_init(&s->fresh);
	uv_timer_init(loop, &s->timer);
	s->timer.data = s;
	source_set(status, SOURCE_CONNECTING, "Snowpark Container Services");
	ss_cycle(s);
	*out = s;
	return 0;
}

void
src_spcs_set_refresh(struct src_spcs *s, int refresh_ms)
{
	s->refresh_ms = refresh_ms > 0 ? refresh_ms : 2000;
	if (!s->running && uv_is_active((uv_handle_t *)&s->timer))
		ss_schedule(s);
}

void
src_spcs_refresh_now(struct src_spcs *s)
{
	ss_cycle(s);
}

static void
ss_act_progress(const struct spcs_progress *p, void *arg)
{
	struct src_spcs *s = arg;

	/* The pane shows each state as it is seen. */
	ss_cycle(s);
	if (s->a_progress != NULL)
		s->a_progress(p, s->a_arg);
}

static void
ss_act_done(const struct spcs_outcome *r, void *arg)
{
	struct src_spcs *s = arg;

	s->act = NULL;
	ss_cycle(s);
	if (s->a_done != NULL)
		s->a_done(r, s->a_arg);
}

int
src_spcs_action(struct src_spcs *s, enum spcs_action action, const char *name,
    spcs_progress_cb progress, spcs_outcome_cb done, void *arg, char **cause)
{
	if (s->act != NULL) {
		*cause = xstrdup("another Snowpark Container Services action "
				 "is still running: wait for it to end");
		return -1;
	}
	s->a_progress = progress;
	s->a_done = done;
	s->a_arg = arg;
	s->act = spcs_action_start(s->sf, s->loop, action, s->db, s->schema,
	    name, NULL, ss_act_progress, ss_act_done, s);
	return 0;
}

int
src_spcs_pending(const struct src_spcs *s)
{
	return (s->op != NULL) + (s->act != NULL);
}

unsigned long
src_spcs_cycles(const struct src_spcs *s)
{
	return s->cycles;
}
