/* The data models: collections with generation counters. */

#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static const struct {
	const char *name;
	char glyph;
} model_states[AF_NSTATES] = {
	[AF_NONE] = { "none", '.' },
	[AF_QUEUED] = { "queued", 'q' },
	[AF_SCHEDULED] = { "scheduled", 's' },
	[AF_RUNNING] = { "running", '>' },
	[AF_SUCCESS] = { "success", '+' },
	[AF_FAILED] = { "failed", 'x' },
	[AF_UP_FOR_RETRY] = { "up_for_retry", 'r' },
	[AF_UP_FOR_RESCHEDULE] = { "up_for_reschedule", 'R' },
	[AF_UPSTREAM_FAILED] = { "upstream_failed", '!' },
	[AF_SKIPPED] = { "skipped", '-' },
	[AF_DEFERRED] = { "deferred", 'd' },
	[AF_REMOVED] = { "removed", '~' },
	[AF_RESTARTING] = { "restarting", '@' },
	[AF_UNKNOWN] = { "unknown", '?' },
};

enum af_state
af_state_parse(const char *s)
{
	int i;

	if (s == NULL || *s == '\0' || strcmp(s, "none") == 0 ||
	    strcmp(s, "null") == 0)
		return AF_NONE;
	for (i = 0; i < AF_NSTATES; i++) {
		if (strcmp(s, model_states[i].name) == 0)
			return (enum af_state)i;
	}
	return AF_UNKNOWN;
}

const char *
af_state_name(enum af_state s)
{
	if ((int)s < 0 || s >= AF_NSTATES)
		return "unknown";
	return model_states[s].name;
}

char
af_state_glyph(enum af_state s)
{
	if ((int)s < 0 || s >= AF_NSTATES)
		return '?';
	return model_states[s].glyph;
}

int
af_state_finished(enum af_state s)
{
	switch (s) {
	case AF_SUCCESS:
	case AF_FAILED:
	case AF_UPSTREAM_FAILED:
	case AF_SKIPPED:
	case AF_REMOVED:
		return 1;
	default:
		return 0;
	}
}

void
af_dag_clear(struct af_dag *d)
{
	free(d->dag_id);
	free(d->display_name);
	free(d->description);
	free(d->owners);
	free(d->tags);
	free(d->schedule);
	free(d->fileloc);
	free(d->last_run_id);
	memset(d, 0, sizeof *d);
}

void
af_run_clear(struct af_run *r)
{
	free(r->run_id);
	free(r->conf);
	memset(r, 0, sizeof *r);
}

void
af_ti_clear(struct af_ti *t)
{
	free(t->dag_id);
	free(t->run_id);
	free(t->task_id);
	free(t->operator);
	free(t->hostname);
	free(t->pool);
	memset(t, 0, sizeof *t);
}

void
af_xcom_clear(struct af_xcom *x)
{
	free(x->key);
	memset(x, 0, sizeof *x);
}

/* One growth routine for every collection: element size is the only type. */
static void *
model_grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap == 0 ? 64 : *cap * 2;
	return xreallocarray(v, *cap, size);
}

void
af_dags_reset(struct af_dags *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		af_dag_clear(&c->v[i]);
	c->n = c->total = 0;
	c->complete = 0;
	c->gen++;
}

void
af_runs_reset(struct af_runs *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		af_run_clear(&c->v[i]);
	c->n = c->total = 0;
	c->complete = 0;
	c->gen++;
}

void
af_tis_reset(struct af_tis *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		af_ti_clear(&c->v[i]);
	c->n = c->total = 0;
	c->complete = 0;
	c->gen++;
}

void
af_xcoms_reset(struct af_xcoms *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		af_xcom_clear(&c->v[i]);
	c->n = c->total = 0;
	c->complete = 0;
	c->gen++;
}

void
af_dags_push(struct af_dags *c, struct af_dag *d)
{
	c->v = model_grow(c->v, &c->cap, c->n, sizeof *c->v);
	c->v[c->n++] = *d;
	c->gen++;
}

void
af_runs_reserve(struct af_runs *c, size_t n)
{
	/* A total larger than this is a server's bug, not a reason to ask
	 * for gigabytes: growth by doubling takes over. */
	if (n <= c->cap || n > 10 * 1000 * 1000)
		return;
	c->v = xreallocarray(c->v, n, sizeof *c->v);
	c->cap = n;
}

void
af_runs_push(struct af_runs *c, struct af_run *r)
{
	c->v = model_grow(c->v, &c->cap, c->n, sizeof *c->v);
	c->v[c->n++] = *r;
	c->gen++;
}

void
af_tis_push(struct af_tis *c, struct af_ti *t)
{
	c->v = model_grow(c->v, &c->cap, c->n, sizeof *c->v);
	c->v[c->n++] = *t;
	c->gen++;
}

void
af_xcoms_push(struct af_xcoms *c, struct af_xcom *x)
{
	c->v = model_grow(c->v, &c->cap, c->n, sizeof *c->v);
	c->v[c->n++] = *x;
	c->gen++;
}

struct af_dag *
af_dags_find(struct af_dags *c, const char *dag_id)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (strcmp(c->v[i].dag_id, dag_id) == 0)
			return &c->v[i];
	}
	return NULL;
}

/* Indexes line starts of text[from..len) into *lines. */
static void
model_index_lines(const char *text, size_t from, size_t len, size_t **lines,
    size_t *n, size_t *cap)
{
	size_t i;

	if (*n == 0 && len > 0) {
		*lines = model_grow(*lines, cap, *n, sizeof **lines);
		(*lines)[(*n)++] = 0;
	}
	for (i = from; i < len; i++) {
		if (text[i] == '\n' && i + 1 < len) {
			*lines = model_grow(*lines, cap, *n, sizeof **lines);
			(*lines)[(*n)++] = i + 1;
		}
	}
}

void
af_value_reset(struct af_value *v)
{
	free(v->key);
	free(v->text);
	free(v->lines);
	v->key = v->text = NULL;
	v->lines = NULL;
	v->len = v->nlines = v->raw_bytes = 0;
	v->too_large = 0;
	v->gen++;
}

void
af_value_set(struct af_value *v, const char *key, char *text, size_t raw_bytes,
    int too_large)
{
	size_t cap = 0;

	af_value_reset(v);
	v->key = key != NULL ? xstrdup(key) : NULL;
	v->text = text;
	v->len = strlen(text);
	v->raw_bytes = raw_bytes;
	v->too_large = too_large;
	model_index_lines(text, 0, v->len, &v->lines, &v->nlines, &cap);
}

void
af_log_reset(struct af_log *l)
{
	free(l->dag_id);
	free(l->run_id);
	free(l->task_id);
	free(l->text);
	free(l->lines);
	l->dag_id = l->run_id = l->task_id = NULL;
	l->text = NULL;
	l->lines = NULL;
	l->len = l->cap = l->nlines = l->lines_cap = 0;
	l->try_number = 0;
	l->map_index = -1;
	l->finished = 0;
	l->gen++;
}

void
af_log_append(struct af_log *l, const char *text, size_t len)
{
	size_t from;

	if (len == 0)
		return;
	if (l->len + len + 1 > l->cap) {
		while (l->len + len + 1 > l->cap)
			l->cap = l->cap == 0 ? 4096 : l->cap * 2;
		l->text = xrealloc(l->text, l->cap);
	}
	from = l->len;
	/* A line that ended the previous chunk starts a new line now. */
	if (from > 0 && l->text[from - 1] == '\n') {
		l->lines = model_grow(
		    l->lines, &l->lines_cap, l->nlines, sizeof *l->lines);
		l->lines[l->nlines++] = from;
	}
	memcpy(l->text + l->len, text, len);
	l->len += len;
	l->text[l->len] = '\0';
	model_index_lines(
	    l->text, from, l->len, &l->lines, &l->nlines, &l->lines_cap);
	l->gen++;
}

void
af_grid_reset(struct af_grid *g)
{
	size_t i;

	for (i = 0; i < g->ntasks; i++)
		free(g->task_ids[i]);
	for (i = 0; i < g->nruns; i++)
		free(g->run_ids[i]);
	free(g->task_ids);
	free(g->run_ids);
	free(g->run_states);
	free(g->cells);
	free(g->dag_id);
	g->dag_id = NULL;
	g->task_ids = g->run_ids = NULL;
	g->run_states = g->cells = NULL;
	g->ntasks = g->nruns = 0;
	g->gen++;
}

void
source_set(struct source_status *s, enum source_state state, const char *detail)
{
	free(s->detail);
	s->detail = xstrdup(detail != NULL ? detail : "");
	s->state = state;
	s->gen++;
}

const struct cmdlog_entry *
cmdlog_get(const struct cmdlog *c, size_t i)
{
	size_t idx;

	if (i >= c->n)
		return NULL;
	/* head is the slot of the oldest entry once the ring is full. */
	idx = (c->head + c->n - 1 - i) % CMDLOG_MAX;
	if (c->n < CMDLOG_MAX)
		idx = c->n - 1 - i;
	return &c->v[idx];
}

void
cmdlog_add(struct cmdlog *c, const char *kind, const char *what, long status,
    double ms)
{
	struct cmdlog_entry *e;

	if (c->v == NULL)
		c->v = xcalloc(CMDLOG_MAX, sizeof *c->v);
	if (c->n < CMDLOG_MAX)
		e = &c->v[c->n++];
	else {
		e = &c->v[c->head];
		free(e->kind);
		free(e->what);
		c->head = (c->head + 1) % CMDLOG_MAX;
	}
	e->when = util_wall();
	e->kind = xstrdup(kind);
	e->what = xstrdup(what);
	e->status = status;
	e->ms = ms;
	c->gen++;
}

void
cmdlog_free(struct cmdlog *c)
{
	size_t i;

	if (c->v != NULL) {
		for (i = 0; i < c->n; i++) {
			free(c->v[i].kind);
			free(c->v[i].what);
		}
	}
	free(c->v);
	memset(c, 0, sizeof *c);
}

void
models_init(struct models *m)
{
	memset(m, 0, sizeof *m);
	m->airflow.name = "airflow";
	m->airflow.detail = xstrdup("connecting");
	m->sel_map_index = -1;
	m->log.map_index = -1;
	svcs_init(&m->services);
	m->docker.name = "docker";
}

void
models_free(struct models *m)
{
	af_dags_reset(&m->dags);
	free(m->dags.v);
	af_runs_reset(&m->runs);
	free(m->runs.v);
	free(m->runs.dag_id);
	af_tis_reset(&m->tis);
	free(m->tis.v);
	af_xcoms_reset(&m->xcoms);
	free(m->xcoms.v);
	af_value_reset(&m->value);
	af_log_reset(&m->log);
	af_grid_reset(&m->grid);
	free(m->airflow.detail);
	cmdlog_free(&m->cmdlog);
	svcs_free(&m->services);
	free(m->docker.detail);
	free(m->sel_dag);
	free(m->sel_run);
	free(m->sel_run_dag);
	free(m->sel_task);
	memset(m, 0, sizeof *m);
}
