/* The Airflow data source: incremental refresh of the Airflow models. */

#include "src_airflow.h"

#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "airflow.h"
#include "app.h"
#include "json_airflow.h"
#include "model.h"
#include "timefmt.h"
#include "util.h"

struct src_airflow_value;

struct src_airflow {
	uv_loop_t *loop;
	uv_timer_t tick;
	uv_timer_t dags_timer;
	int nclosing;
	struct airflow *af;
	struct models *m;
	struct src_airflow_config cfg;
	int visible, focused;
	int follow;
	int freed;

	struct af_op *op_dags;
	struct af_op *op_runs;   /* full paged load of the scope */
	struct af_op *op_poll;   /* newest page of the scope */
	struct af_op *op_recent; /* newest runs of all DAGs */
	struct af_op *op_tis;
	struct af_op *op_xcoms;
	struct af_op *op_value;
	struct af_op *op_log;
	struct af_op *op_grid;
	struct af_op *op_ready; /* the first call: detects the API */
	int ready;
	struct src_airflow_value *value_arg; /* owned while op_value runs */

	struct af_dags dags_tmp;
	struct af_runs poll_tmp;
	struct af_runs recent_tmp;
	struct af_tis tis_tmp;
	struct af_xcoms xcoms_tmp;
	struct af_tis grid_tmp;
	struct buf log_buf;
	char *log_token;
	int runs_loaded;            /* the full load of the scope finished */
	enum af_state sel_ti_state; /* last seen state of the selected TI */
	int sel_ti_try;
};

static void src_airflow_tick_cb(uv_timer_t *);
static void src_airflow_load_runs(struct src_airflow *);
static void src_airflow_load_tis(struct src_airflow *);
static void src_airflow_load_xcoms(struct src_airflow *);
static void src_airflow_load_log(struct src_airflow *, int from_start);
static void src_airflow_load_grid(struct src_airflow *);
static void src_airflow_load_dags(struct src_airflow *);

/* Marks Airflow up (or down) in the status model after a call. */
static void
src_airflow_status(struct src_airflow *s, const struct af_result *r)
{
	struct source_status *st = &s->m->airflow;
	char *detail;

	if (!r->error) {
		detail = xasprintf("Airflow %s (/api/v%d)",
		    airflow_version(s->af) != NULL ? airflow_version(s->af)
						   : "?",
		    airflow_api(s->af));
		if (st->state != SOURCE_OK || strcmp(st->detail, detail) != 0)
			source_set(st, SOURCE_OK, detail);
		free(detail);
		st->last_ok = util_wall();
		return;
	}
	if (r->status == 0)
		source_set(st, SOURCE_DOWN, r->cause);
	else if (r->status == 401 ||
		 (r->status == 403 && airflow_api(s->af) == 0))
		source_set(st, SOURCE_AUTH, r->cause);
	else
		source_set(st, SOURCE_DEGRADED, r->cause);
}

/* Whether the selected DAG/run/task pane work is wanted now. */
static int
src_airflow_wants(const struct src_airflow *s, int pane)
{
	return (s->visible & pane) != 0;
}

/* ---- DAG list ---------------------------------------------------------- */

static int
src_airflow_dags_page(
    const char *body, size_t len, struct af_page *page, void *arg, char **cause)
{
	struct src_airflow *s = arg;

	return json_af_dags_parse(body, len, &s->dags_tmp, page, cause);
}

static int
src_airflow_dag_cmp(const void *a, const void *b)
{
	const struct af_dag *const *x = a, *const *y = b;

	return strcmp((*x)->dag_id, (*y)->dag_id);
}

/* Returns a heap array of pointers to the DAGs, sorted by dag_id (owned). */
static struct af_dag **
src_airflow_dag_index(struct af_dags *dags)
{
	struct af_dag **idx;
	size_t i;

	idx = xcalloc(dags->n + 1, sizeof *idx);
	for (i = 0; i < dags->n; i++)
		idx[i] = &dags->v[i];
	qsort(idx, dags->n, sizeof *idx, src_airflow_dag_cmp);
	return idx;
}

/* bsearch: a DAG id against an index entry. */
static int
src_airflow_dag_key_cmp(const void *key, const void *elem)
{
	const struct af_dag *const *d = elem;

	return strcmp(key, (*d)->dag_id);
}

/* Finds dag_id in an index of n DAGs from src_airflow_dag_index, or NULL. */
static struct af_dag *
src_airflow_dag_lookup(struct af_dag **idx, size_t n, const char *dag_id)
{
	struct af_dag **found;

	found = bsearch(dag_id, idx, n, sizeof *idx, src_airflow_dag_key_cmp);
	return found != NULL ? *found : NULL;
}

/*
 * Sets each DAG's last run from the newest run of it in runs. Runs over the
 * whole runs model (100,000 runs) after loads, so DAGs are found through a
 * sorted index, not a linear search per run (that cost 15 % CPU while idle
 * with 1,000 DAGs: bench/run.sh).
 */
static void
src_airflow_last_runs(struct src_airflow *s, const struct af_runs *runs)
{
	struct af_dags *dags = &s->m->dags;
	struct af_dag *d, **idx;
	const struct af_run *r;
	size_t i;
	int changed = 0;

	if (dags->n == 0 || runs->n == 0)
		return;
	idx = src_airflow_dag_index(dags);
	for (i = 0; i < runs->n; i++) {
		r = &runs->v[i];
		if ((d = src_airflow_dag_lookup(idx, dags->n, r->dag_id)) ==
		    NULL)
			continue;
		if (d->last_run_id != NULL && d->last_run_start > r->run_after)
			continue;
		if (d->last_run_id != NULL &&
		    d->last_run_start == r->run_after &&
		    d->last_state == r->state &&
		    strcmp(d->last_run_id, r->run_id) == 0)
			continue;
		free(d->last_run_id);
		d->last_run_id = xstrdup(r->run_id);
		d->last_run_start = r->run_after;
		d->last_state = r->state;
		changed = 1;
	}
	free(idx);
	if (changed)
		dags->gen++;
}

static void
src_airflow_dags_done(const struct af_result *r, void *arg)
{
	struct src_airflow *s = arg;
	struct af_dags *cur = &s->m->dags, tmp;
	struct af_dag *old, **idx;
	size_t i, added = 0;

	s->op_dags = NULL;
	src_airflow_status(s, r);
	if (r->error) {
		af_dags_reset(&s->dags_tmp);
		return;
	}
	/* Carry the last-run columns over, then swap the lists. */
	idx = src_airflow_dag_index(cur);
	for (i = 0; i < s->dags_tmp.n; i++) {
		old = src_airflow_dag_lookup(
		    idx, cur->n, s->dags_tmp.v[i].dag_id);
		if (old == NULL)
			added++;
		if (old == NULL || old->last_run_id == NULL)
			continue;
		s->dags_tmp.v[i].last_run_id = xstrdup(old->last_run_id);
		s->dags_tmp.v[i].last_run_start = old->last_run_start;
		s->dags_tmp.v[i].last_state = old->last_state;
	}
	free(idx);
	tmp = *cur;
	*cur = s->dags_tmp;
	cur->gen = tmp.gen + 1;
	cur->complete = 1;
	s->dags_tmp = tmp;
	af_dags_reset(&s->dags_tmp);
	/* Only DAGs new to the list lack what the runs say (every 15 s). */
	if (added > 0)
		src_airflow_last_runs(s, &s->m->runs);
}

static void
src_airflow_load_dags(struct src_airflow *s)
{
	if (s->op_dags != NULL)
		return;
	af_dags_reset(&s->dags_tmp);
	s->op_dags = airflow_list(s->af, "/dags", "order_by=dag_id", 0,
	    src_airflow_dags_page, src_airflow_dags_done, s);
}

/* ---- runs -------------------------------------------------------------- */

static char *
src_airflow_runs_path(const char *dag_id)
{
	return url_path(
	    "/dags", dag_id != NULL ? dag_id : "~", "/dagRuns", NULL);
}

static const char *
src_airflow_runs_order(struct src_airflow *s)
{
	return airflow_api(s->af) == 1 ? "order_by=-execution_date"
				       : "order_by=-run_after";
}

static int
src_airflow_runs_page(
    const char *body, size_t len, struct af_page *page, void *arg, char **cause)
{
	struct src_airflow *s = arg;
	int rc;

	rc = json_af_runs_parse(body, len, &s->m->runs, page, cause);
	if (rc == 0 && page->has_total) {
		s->m->runs.total = page->total;
		/* The whole list is coming: room for it at once (no doubling
		 * copies, no unused tail; 100,000 runs peak lower). */
		af_runs_reserve(&s->m->runs, page->total);
	}
	return rc;
}

static void
src_airflow_runs_done(const struct af_result *r, void *arg)
{
	struct src_airflow *s = arg;

	s->op_runs = NULL;
	src_airflow_status(s, r);
	if (r->error)
		return;
	s->runs_loaded = 1;
	s->m->runs.complete = 1;
	s->m->runs.gen++;
	src_airflow_last_runs(s, &s->m->runs);
	if (src_airflow_wants(s, APP_PANE_GRID))
		src_airflow_load_grid(s);
}

static void
src_airflow_load_runs(struct src_airflow *s)
{
	char *path;

	airflow_cancel(s->op_runs);
	airflow_cancel(s->op_poll);
	s->op_poll = NULL;
	af_runs_reset(&s->m->runs);
	free(s->m->runs.dag_id);
	s->m->runs.dag_id =
	    s->m->sel_dag != NULL ? xstrdup(s->m->sel_dag) : NULL;
	s->runs_loaded = 0;
	path = src_airflow_runs_path(s->m->sel_dag);
	/* The order parameter depends on the API; before detection assume
	 * v2 and let the poll use the detected one. */
	s->op_runs = airflow_list(s->af, path, src_airflow_runs_order(s),
	    s->cfg.max_runs, src_airflow_runs_page, src_airflow_runs_done, s);
	free(path);
}

static int
src_airflow_poll_page(
    const char *body, size_t len, struct af_page *page, void *arg, char **cause)
{
	struct src_airflow *s = arg;

	return json_af_runs_parse(body, len, &s->poll_tmp, page, cause);
}

static const struct af_run *
src_airflow_find_run(const struct af_runs *runs, size_t limit,
    const char *dag_id, const char *run_id)
{
	size_t i;

	for (i = 0; i < runs->n && i < limit; i++) {
		if (strcmp(runs->v[i].run_id, run_id) == 0 &&
		    strcmp(runs->v[i].dag_id, dag_id) == 0)
			return &runs->v[i];
	}
	return NULL;
}

/* Whether two runs differ in anything the panes show. */
static int
src_airflow_run_differs(const struct af_run *a, const struct af_run *b)
{
	return a->state != b->state || a->end_date != b->end_date ||
	       a->start_date != b->start_date;
}

/*
 * Merges the newest page into the runs model: the page replaces every run
 * at or after its oldest run_after. Returns which runs moved through the
 * flags: 1 = the selected run, 2 = a run of the grid's DAG.
 */
static int
src_airflow_merge_runs(struct src_airflow *s)
{
	struct af_runs *cur = &s->m->runs, *pg = &s->poll_tmp;
	const struct af_run *old;
	double oldest;
	size_t i, k, keep;
	int moved = 0, changed = 0;
	struct af_run *v;

	if (pg->n == 0)
		return 0;
	for (i = 0; i < pg->n; i++) {
		old = src_airflow_find_run(
		    cur, pg->n + 16, pg->v[i].dag_id, pg->v[i].run_id);
		if (old != NULL && !src_airflow_run_differs(old, &pg->v[i]))
			continue;
		changed = 1;
		if (s->m->sel_run != NULL &&
		    strcmp(pg->v[i].run_id, s->m->sel_run) == 0 &&
		    s->m->sel_run_dag != NULL &&
		    strcmp(pg->v[i].dag_id, s->m->sel_run_dag) == 0)
			moved |= 1;
		if (s->m->grid.dag_id != NULL &&
		    strcmp(pg->v[i].dag_id, s->m->grid.dag_id) == 0)
			moved |= 2;
	}
	/* Runs that vanished from the top (deleted) also count as change. */
	oldest = pg->v[pg->n - 1].run_after;
	for (k = 0; k < cur->n && cur->v[k].run_after >= oldest; k++) {
		if (src_airflow_find_run(
			pg, pg->n, cur->v[k].dag_id, cur->v[k].run_id) == NULL)
			changed = 1;
	}
	if (!changed)
		return 0;
	keep = cur->n - k;
	v = xreallocarray(NULL, pg->n + keep + 1, sizeof *v);
	memcpy(v, pg->v, pg->n * sizeof *v);
	for (i = 0; i < k; i++)
		af_run_clear(&cur->v[i]);
	if (keep > 0)
		memcpy(v + pg->n, cur->v + k, keep * sizeof *v);
	free(cur->v);
	cur->v = v;
	cur->cap = pg->n + keep + 1;
	cur->n = pg->n + keep;
	if (cur->total < cur->n)
		cur->total = cur->n;
	cur->gen++;
	/* The page's strings now belong to the model. */
	pg->n = 0;
	return moved;
}

static void
src_airflow_poll_done(const struct af_result *r, void *arg)
{
	struct src_airflow *s = arg;
	struct af_runs page;
	size_t npage = s->poll_tmp.n;
	uint64_t gen = s->m->runs.gen;
	int moved;

	s->op_poll = NULL;
	src_airflow_status(s, r);
	if (r->error || s->op_runs != NULL) {
		af_runs_reset(&s->poll_tmp);
		return;
	}
	moved = src_airflow_merge_runs(s);
	af_runs_reset(&s->poll_tmp);
	/*
	 * Only the merged page (now the model's first runs) can move a DAG's
	 * last run; nothing changed, nothing to do. The full scans happen when
	 * the runs or the DAG list are (re)loaded.
	 */
	if (s->m->runs.gen != gen) {
		page = s->m->runs;
		page.n = npage < page.n ? npage : page.n;
		src_airflow_last_runs(s, &page);
	}
	if ((moved & 1) && src_airflow_wants(s, APP_PANE_TASKS))
		src_airflow_load_tis(s);
	if ((moved & 2) && src_airflow_wants(s, APP_PANE_GRID))
		src_airflow_load_grid(s);
}

static void
src_airflow_poll(struct src_airflow *s)
{
	char *path;

	if (s->op_poll != NULL || s->op_runs != NULL)
		return;
	af_runs_reset(&s->poll_tmp);
	path = src_airflow_runs_path(s->m->runs.dag_id);
	s->op_poll = airflow_list(s->af, path, src_airflow_runs_order(s), 100,
	    src_airflow_poll_page, src_airflow_poll_done, s);
	free(path);
}

static int
src_airflow_recent_page(
    const char *body, size_t len, struct af_page *page, void *arg, char **cause)
{
	struct src_airflow *s = arg;

	return json_af_runs_parse(body, len, &s->recent_tmp, page, cause);
}

static void
src_airflow_recent_done(const struct af_result *r, void *arg)
{
	struct src_airflow *s = arg;

	s->op_recent = NULL;
	src_airflow_status(s, r);
	if (!r->error)
		src_airflow_last_runs(s, &s->recent_tmp);
	af_runs_reset(&s->recent_tmp);
}

/* The newest runs of all DAGs, for the DAG list's last-run column when the
 * runs pane shows one DAG only. */
static void
src_airflow_recent(struct src_airflow *s)
{
	if (s->op_recent != NULL || s->m->runs.dag_id == NULL)
		return;
	af_runs_reset(&s->recent_tmp);
	s->op_recent =
	    airflow_list(s->af, "/dags/~/dagRuns", src_airflow_runs_order(s),
		1000, src_airflow_recent_page, src_airflow_recent_done, s);
}

/* ---- task instances ---------------------------------------------------- */

static int
src_airflow_tis_page(
    const char *body, size_t len, struct af_page *page, void *arg, char **cause)
{
	struct src_airflow *s = arg;

	return json_af_tis_parse(body, len, &s->tis_tmp, page, cause);
}

static const struct af_ti *
src_airflow_sel_ti(struct src_airflow *s)
{
	size_t i;
	const struct af_ti *t;

	if (s->m->sel_task == NULL)
		return NULL;
	for (i = 0; i < s->m->tis.n; i++) {
		t = &s->m->tis.v[i];
		if (strcmp(t->task_id, s->m->sel_task) == 0 &&
		    t->map_index == s->m->sel_map_index)
			return t;
	}
	return NULL;
}

static void
src_airflow_tis_done(const struct af_result *r, void *arg)
{
	struct src_airflow *s = arg;
	struct af_tis tmp, *cur = &s->m->tis;
	const struct af_ti *t;
	size_t i;
	int same;

	s->op_tis = NULL;
	src_airflow_status(s, r);
	if (r->error) {
		af_tis_reset(&s->tis_tmp);
		return;
	}
	same = cur->n == s->tis_tmp.n;
	for (i = 0; same && i < cur->n; i++) {
		same =
		    strcmp(cur->v[i].task_id, s->tis_tmp.v[i].task_id) == 0 &&
		    cur->v[i].state == s->tis_tmp.v[i].state &&
		    cur->v[i].try_number == s->tis_tmp.v[i].try_number &&
		    cur->v[i].end_date == s->tis_tmp.v[i].end_date &&
		    cur->v[i].duration == s->tis_tmp.v[i].duration;
	}
	if (same && cur->complete) {
		af_tis_reset(&s->tis_tmp);
		return;
	}
	tmp = *cur;
	*cur = s->tis_tmp;
	cur->gen = tmp.gen + 1;
	cur->complete = 1;
	s->tis_tmp = tmp;
	af_tis_reset(&s->tis_tmp);
	/* The selected task moved: its XComs and log may have too. */
	if ((t = src_airflow_sel_ti(s)) != NULL &&
	    (t->state != s->sel_ti_state || t->try_number != s->sel_ti_try)) {
		s->sel_ti_state = t->state;
		s->sel_ti_try = t->try_number;
		if (src_airflow_wants(s, APP_PANE_XCOM))
			src_airflow_load_xcoms(s);
		if (s->follow && src_airflow_wants(s, APP_PANE_LOG))
			src_airflow_load_log(s, 0);
	}
}

static void
src_airflow_load_tis(struct src_airflow *s)
{
	char *path;

	if (s->m->sel_run == NULL || s->m->sel_run_dag == NULL)
		return;
	airflow_cancel(s->op_tis);
	af_tis_reset(&s->tis_tmp);
	path = url_path("/dags", s->m->sel_run_dag, "/dagRuns", s->m->sel_run,
	    "/taskInstances", NULL);
	s->op_tis = airflow_list(s->af, path, NULL, 0, src_airflow_tis_page,
	    src_airflow_tis_done, s);
	free(path);
}

/* ---- XCom -------------------------------------------------------------- */

static int
src_airflow_xcoms_page(
    const char *body, size_t len, struct af_page *page, void *arg, char **cause)
{
	struct src_airflow *s = arg;

	return json_af_xcoms_parse(body, len, &s->xcoms_tmp, page, cause);
}

static void
src_airflow_xcoms_done(const struct af_result *r, void *arg)
{
	struct src_airflow *s = arg;
	struct af_xcoms tmp, *cur = &s->m->xcoms;

	s->op_xcoms = NULL;
	src_airflow_status(s, r);
	if (r->error) {
		af_xcoms_reset(&s->xcoms_tmp);
		return;
	}
	tmp = *cur;
	*cur = s->xcoms_tmp;
	cur->gen = tmp.gen + 1;
	cur->complete = 1;
	s->xcoms_tmp = tmp;
	af_xcoms_reset(&s->xcoms_tmp);
}

static char *
src_airflow_ti_path(struct src_airflow *s, const char *tail)
{
	return url_path("/dags", s->m->sel_run_dag, "/dagRuns", s->m->sel_run,
	    "/taskInstances", s->m->sel_task, tail, NULL);
}

static void
src_airflow_load_xcoms(struct src_airflow *s)
{
	char *path, *query = NULL;

	if (s->m->sel_task == NULL || s->m->sel_run == NULL)
		return;
	airflow_cancel(s->op_xcoms);
	af_xcoms_reset(&s->xcoms_tmp);
	path = src_airflow_ti_path(s, "/xcomEntries");
	if (s->m->sel_map_index >= 0)
		query = xasprintf("map_index=%d", s->m->sel_map_index);
	s->op_xcoms = airflow_list(s->af, path, query, 0,
	    src_airflow_xcoms_page, src_airflow_xcoms_done, s);
	free(query);
	free(path);
}

struct src_airflow_value {
	struct src_airflow *s;
	char *key;
};

static void
src_airflow_value_done(const struct af_result *r, void *arg)
{
	struct src_airflow_value *v = arg;
	struct src_airflow *s = v->s;
	struct buf text;
	int truncated = 0;
	char *cause = NULL;

	s->op_value = NULL;
	s->value_arg = NULL;
	src_airflow_status(s, r);
	buf_init(&text);
	if (r->error)
		buf_printf(&text, "! %s\n", r->cause);
	else if (json_af_xcom_value_parse(r->body, r->len, s->cfg.value_cap,
		     &text, &truncated, &cause) != 0) {
		buf_printf(&text, "! %s\n", cause);
		free(cause);
	}
	af_value_set(
	    &s->m->value, v->key, buf_detach(&text), r->len, truncated);
	free(v->key);
	free(v);
}

void
src_airflow_select_xcom(struct src_airflow *s, const char *key, int map_index)
{
	struct src_airflow_value *v;
	char *path, *query;

	if (s->op_value != NULL) {
		airflow_cancel(s->op_value);
		s->op_value = NULL;
		free(s->value_arg->key);
		free(s->value_arg);
		s->value_arg = NULL;
	}
	if (key == NULL || s->m->sel_task == NULL) {
		af_value_reset(&s->m->value);
		return;
	}
	v = xcalloc(1, sizeof *v);
	v->s = s;
	v->key = xstrdup(key);
	path = url_path("/dags", s->m->sel_run_dag, "/dagRuns", s->m->sel_run,
	    "/taskInstances", s->m->sel_task, "/xcomEntries", key, NULL);
	/* v1 (2.10+) stringifies by default: ask for native JSON. */
	query = xasprintf("map_index=%d%s", map_index,
	    airflow_api(s->af) == 1 ? "&stringify=false" : "");
	s->value_arg = v;
	s->op_value = airflow_call(
	    s->af, "GET", path, query, NULL, 0, src_airflow_value_done, v);
	free(query);
	free(path);
}

/* ---- logs -------------------------------------------------------------- */

static void
src_airflow_log_done(const struct af_result *r, void *arg)
{
	struct src_airflow *s = arg;
	struct buf out;
	char *token = NULL, *cause = NULL;
	int text;

	s->op_log = NULL;
	src_airflow_status(s, r);
	buf_init(&out);
	if (r->error) {
		if (s->m->log.len == 0)
			buf_printf(&out, "! %s\n", r->cause);
	} else {
		text = r->content_type != NULL &&
		       strncmp(r->content_type, "text/", 5) == 0;
		if (json_af_log_parse(r->body, r->len, airflow_api(s->af), text,
			&out, &token, &cause) != 0) {
			buf_printf(&out, "! %s\n", cause);
			free(cause);
		}
		if (airflow_api(s->af) == 1) {
			/* v1 sends the whole log each time: replace it. */
			char *d = s->m->log.dag_id, *rr = s->m->log.run_id,
			     *t = s->m->log.task_id;
			int tn = s->m->log.try_number, mi = s->m->log.map_index;

			s->m->log.dag_id = s->m->log.run_id = NULL;
			s->m->log.task_id = NULL;
			af_log_reset(&s->m->log);
			s->m->log.dag_id = d;
			s->m->log.run_id = rr;
			s->m->log.task_id = t;
			s->m->log.try_number = tn;
			s->m->log.map_index = mi;
			free(token);
			token = NULL;
		}
	}
	af_log_append(&s->m->log, out.data != NULL ? out.data : "", out.len);
	buf_free(&out);
	free(s->log_token);
	s->log_token = token;
	if (!r->error) {
		const struct af_ti *t = src_airflow_sel_ti(s);

		s->m->log.finished =
		    token == NULL && t != NULL && af_state_finished(t->state);
		s->m->log.gen++;
	}
}

static void
src_airflow_load_log(struct src_airflow *s, int from_start)
{
	const struct af_ti *t;
	char *path, *query, tries[16];
	int try_number;
	struct buf q;

	if (s->m->sel_task == NULL || s->m->sel_run == NULL ||
	    s->op_log != NULL)
		return;
	t = src_airflow_sel_ti(s);
	try_number = s->m->sel_try > 0                ? s->m->sel_try
		     : t != NULL && t->try_number > 0 ? t->try_number
						      : 1;
	if (from_start || s->m->log.task_id == NULL ||
	    s->m->log.try_number != try_number) {
		af_log_reset(&s->m->log);
		s->m->log.dag_id = xstrdup(s->m->sel_run_dag);
		s->m->log.run_id = xstrdup(s->m->sel_run);
		s->m->log.task_id = xstrdup(s->m->sel_task);
		s->m->log.try_number = try_number;
		s->m->log.map_index = s->m->sel_map_index;
		free(s->log_token);
		s->log_token = NULL;
	}
	snprintf(tries, sizeof tries, "%d", try_number);
	path = src_airflow_ti_path(s, "/logs");
	query = xasprintf("%s/%s", path, tries);
	free(path);
	path = query;
	buf_init(&q);
	buf_printf(&q, "map_index=%d", s->m->sel_map_index);
	if (airflow_api(s->af) == 1)
		buf_adds(&q, "&full_content=true");
	else if (s->log_token != NULL) {
		buf_adds(&q, "&token=");
		url_encode(&q, s->log_token);
	} else
		buf_adds(&q, "&full_content=true");
	s->op_log = airflow_call(s->af, "GET", path, q.data, NULL,
	    airflow_api(s->af) == 1 ? AF_TEXT : 0, src_airflow_log_done, s);
	buf_free(&q);
	free(path);
}

/* ---- grid -------------------------------------------------------------- */

static int
src_airflow_grid_page(
    const char *body, size_t len, struct af_page *page, void *arg, char **cause)
{
	struct src_airflow *s = arg;

	return json_af_tis_parse(body, len, &s->grid_tmp, page, cause);
}

struct src_airflow_rowkey {
	const char *task_id;
	double first; /* earliest start, for a topological-ish order */
};

static int
src_airflow_rowkey_cmp(const void *a, const void *b)
{
	const struct src_airflow_rowkey *x = a, *y = b;

	if (x->first != y->first) {
		if (x->first == 0)
			return 1;
		if (y->first == 0)
			return -1;
		return x->first < y->first ? -1 : 1;
	}
	return strcmp(x->task_id, y->task_id);
}

static void
src_airflow_grid_done(const struct af_result *r, void *arg)
{
	struct src_airflow *s = arg;
	struct af_grid *g = &s->m->grid;
	struct af_tis *tis = &s->grid_tmp;
	struct src_airflow_rowkey *keys = NULL;
	size_t nkeys = 0, i, j, run, row;
	const struct af_run *rr;
	double start;
	char *dag;
	size_t nr = 0;
	const struct af_runs *runs = &s->m->runs;

	s->op_grid = NULL;
	src_airflow_status(s, r);
	if (r->error || s->m->sel_dag == NULL) {
		af_tis_reset(tis);
		return;
	}
	dag = xstrdup(s->m->sel_dag);
	af_grid_reset(g);
	g->dag_id = dag;
	/* Columns: the newest grid_runs runs of the DAG, oldest first. */
	for (i = 0; i < runs->n && nr < (size_t)s->cfg.grid_runs; i++) {
		if (strcmp(runs->v[i].dag_id, dag) == 0)
			nr++;
	}
	if (nr > 0) {
		g->run_ids = xcalloc(nr, sizeof *g->run_ids);
		g->run_states = xcalloc(nr, sizeof *g->run_states);
	}
	for (i = 0, j = nr; i < runs->n && j > 0; i++) {
		rr = &runs->v[i];
		if (strcmp(rr->dag_id, dag) != 0)
			continue;
		j--;
		g->run_ids[j] = xstrdup(rr->run_id);
		g->run_states[j] = rr->state;
	}
	g->nruns = nr;
	/* Rows: distinct task ids, earliest-started first. */
	for (i = 0; i < tis->n; i++) {
		start = tis->v[i].start_date;
		for (j = 0; j < nkeys; j++) {
			if (strcmp(keys[j].task_id, tis->v[i].task_id) == 0)
				break;
		}
		if (j == nkeys) {
			keys = xreallocarray(keys, nkeys + 1, sizeof *keys);
			keys[nkeys].task_id = tis->v[i].task_id;
			keys[nkeys++].first = start;
		} else if (start != 0 &&
			   (keys[j].first == 0 || start < keys[j].first))
			keys[j].first = start;
	}
	if (nkeys > 0)
		qsort(keys, nkeys, sizeof *keys, src_airflow_rowkey_cmp);
	g->ntasks = nkeys;
	if (nkeys > 0)
		g->task_ids = xcalloc(nkeys, sizeof *g->task_ids);
	for (i = 0; i < nkeys; i++)
		g->task_ids[i] = xstrdup(keys[i].task_id);
	if (nkeys > 0 && nr > 0)
		g->cells = xcalloc(nkeys * nr, sizeof *g->cells);
	for (i = 0; i < tis->n && g->cells != NULL; i++) {
		for (run = 0; run < nr; run++) {
			if (strcmp(g->run_ids[run], tis->v[i].run_id) == 0)
				break;
		}
		for (row = 0; row < nkeys; row++) {
			if (strcmp(g->task_ids[row], tis->v[i].task_id) == 0)
				break;
		}
		if (run < nr && row < nkeys)
			g->cells[row * nr + run] = tis->v[i].state;
	}
	free(keys);
	g->gen++;
	af_tis_reset(tis);
}

static void
src_airflow_load_grid(struct src_airflow *s)
{
	const struct af_runs *runs = &s->m->runs;
	double oldest = 0;
	size_t i, n = 0;
	char *path, *query, ts[40];

	if (s->m->sel_dag == NULL || s->op_grid != NULL)
		return;
	for (i = 0; i < runs->n && n < (size_t)s->cfg.grid_runs; i++) {
		if (strcmp(runs->v[i].dag_id, s->m->sel_dag) == 0) {
			oldest = airflow_api(s->af) == 1
				     ? runs->v[i].logical_date
				     : runs->v[i].run_after;
			n++;
		}
	}
	if (n == 0) {
		af_grid_reset(&s->m->grid);
		return;
	}
	af_tis_reset(&s->grid_tmp);
	time_format_iso(oldest, ts, sizeof ts);
	query = xasprintf("%s=%s",
	    airflow_api(s->af) == 1 ? "execution_date_gte" : "run_after_gte",
	    ts);
	path =
	    url_path("/dags", s->m->sel_dag, "/dagRuns/~/taskInstances", NULL);
	s->op_grid = airflow_list(s->af, path, query, 5000,
	    src_airflow_grid_page, src_airflow_grid_done, s);
	free(path);
	free(query);
}

/* ---- timers and selection ---------------------------------------------- */

static void
src_airflow_arm(struct src_airflow *s)
{
	int ms =
	    (s->focused & (APP_PANE_RUNS | APP_PANE_TASKS | APP_PANE_GRID |
			      APP_PANE_LOG | APP_PANE_DAGS | APP_PANE_XCOM))
		? s->cfg.refresh_ms
		: s->cfg.refresh_hidden_ms;

	if (!s->freed)
		uv_timer_start(
		    &s->tick, src_airflow_tick_cb, (uint64_t)ms, (uint64_t)ms);
}

static void src_airflow_start(struct src_airflow *);

static void
src_airflow_ready_done(const struct af_result *r, void *arg)
{
	struct src_airflow *s = arg;

	s->op_ready = NULL;
	src_airflow_status(s, r);
	if (r->error)
		return;
	s->ready = 1;
	src_airflow_load_dags(s);
	src_airflow_load_runs(s);
}

/* Detects the API first: list queries differ between v1 and v2. */
static void
src_airflow_start(struct src_airflow *s)
{
	if (s->op_ready != NULL)
		return;
	s->op_ready = airflow_call(
	    s->af, "GET", "/version", NULL, NULL, 0, src_airflow_ready_done, s);
}

static void
src_airflow_tick_cb(uv_timer_t *t)
{
	struct src_airflow *s = t->data;
	const struct af_ti *ti;
	const struct af_run *run;

	if (!s->ready || airflow_api(s->af) == 0) {
		s->ready = 0;
		src_airflow_start(s);
		return;
	}

	if (!s->runs_loaded && s->op_runs == NULL)
		src_airflow_load_runs(s);
	else
		src_airflow_poll(s);
	if (s->m->sel_run != NULL && s->m->sel_run_dag != NULL &&
	    src_airflow_wants(
		s, APP_PANE_TASKS | APP_PANE_XCOM | APP_PANE_LOG)) {
		run = src_airflow_find_run(&s->m->runs, s->m->runs.n,
		    s->m->sel_run_dag, s->m->sel_run);
		if ((run == NULL || !af_state_finished(run->state) ||
			!s->m->tis.complete) &&
		    s->op_tis == NULL)
			src_airflow_load_tis(s);
	}
	if (s->follow && src_airflow_wants(s, APP_PANE_LOG) &&
	    s->m->sel_task != NULL) {
		ti = src_airflow_sel_ti(s);
		if (!s->m->log.finished ||
		    (ti != NULL && !af_state_finished(ti->state)))
			src_airflow_load_log(s, 0);
	}
}

static void
src_airflow_dags_cb(uv_timer_t *t)
{
	struct src_airflow *s = t->data;

	if (!s->ready)
		return;
	src_airflow_load_dags(s);
	src_airflow_recent(s);
}

int
src_airflow_create(struct src_airflow **out, uv_loop_t *loop,
    struct airflow *af, struct models *m, const struct src_airflow_config *c,
    char **cause)
{
	struct src_airflow *s;

	(void)cause;
	s = xcalloc(1, sizeof *s);
	s->loop = loop;
	s->af = af;
	s->m = m;
	s->cfg = *c;
	if (s->cfg.refresh_ms <= 0)
		s->cfg.refresh_ms = 2000;
	if (s->cfg.refresh_hidden_ms <= 0)
		s->cfg.refresh_hidden_ms = 10000;
	if (s->cfg.dags_ms <= 0)
		s->cfg.dags_ms = 15000;
	if (s->cfg.max_runs == 0)
		s->cfg.max_runs = 100000;
	if (s->cfg.grid_runs <= 0)
		s->cfg.grid_runs = 25;
	if (s->cfg.value_cap == 0)
		s->cfg.value_cap = 4 * 1024 * 1024;
	s->visible = s->focused = APP_PANE_DAGS | APP_PANE_RUNS;
	s->follow = 1;
	buf_init(&s->log_buf);
	uv_timer_init(loop, &s->tick);
	s->tick.data = s;
	uv_timer_init(loop, &s->dags_timer);
	s->dags_timer.data = s;
	src_airflow_start(s);
	src_airflow_arm(s);
	uv_timer_start(&s->dags_timer, src_airflow_dags_cb,
	    (uint64_t)s->cfg.dags_ms, (uint64_t)s->cfg.dags_ms);
	*out = s;
	return 0;
}

static void
src_airflow_close_cb(uv_handle_t *h)
{
	struct src_airflow *s = h->data;

	if (--s->nclosing == 0)
		free(s);
}

void
src_airflow_free(struct src_airflow *s)
{
	struct af_op **ops[] = { &s->op_dags, &s->op_runs, &s->op_poll,
		&s->op_recent, &s->op_tis, &s->op_xcoms, &s->op_log,
		&s->op_grid, &s->op_ready };
	size_t i;

	if (s == NULL)
		return;
	s->freed = 1;
	for (i = 0; i < nitems(ops); i++) {
		airflow_cancel(*ops[i]);
		*ops[i] = NULL;
	}
	src_airflow_select_xcom(s, NULL, -1);
	af_dags_reset(&s->dags_tmp);
	free(s->dags_tmp.v);
	af_runs_reset(&s->poll_tmp);
	free(s->poll_tmp.v);
	af_runs_reset(&s->recent_tmp);
	free(s->recent_tmp.v);
	af_tis_reset(&s->tis_tmp);
	free(s->tis_tmp.v);
	af_xcoms_reset(&s->xcoms_tmp);
	free(s->xcoms_tmp.v);
	af_tis_reset(&s->grid_tmp);
	free(s->grid_tmp.v);
	buf_free(&s->log_buf);
	free(s->log_token);
	s->nclosing = 2;
	uv_close((uv_handle_t *)&s->tick, src_airflow_close_cb);
	uv_close((uv_handle_t *)&s->dags_timer, src_airflow_close_cb);
}

static void
src_airflow_set(char **dst, const char *v)
{
	free(*dst);
	*dst = v != NULL ? xstrdup(v) : NULL;
}

static int
src_airflow_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

void
src_airflow_select_dag(struct src_airflow *s, const char *dag_id)
{
	if (src_airflow_streq(dag_id, s->m->sel_dag) && s->m->runs.gen != 0 &&
	    src_airflow_streq(dag_id, s->m->runs.dag_id))
		return;
	src_airflow_set(&s->m->sel_dag, dag_id);
	airflow_cancel(s->op_grid);
	s->op_grid = NULL;
	af_grid_reset(&s->m->grid);
	if (!s->ready)
		return;
	src_airflow_load_runs(s);
	src_airflow_recent(s);
}

void
src_airflow_select_run(
    struct src_airflow *s, const char *dag_id, const char *run_id)
{
	if (src_airflow_streq(dag_id, s->m->sel_run_dag) &&
	    src_airflow_streq(run_id, s->m->sel_run))
		return;
	src_airflow_set(&s->m->sel_run_dag, dag_id);
	src_airflow_set(&s->m->sel_run, run_id);
	src_airflow_set(&s->m->sel_task, NULL);
	af_tis_reset(&s->m->tis);
	af_xcoms_reset(&s->m->xcoms);
	src_airflow_select_xcom(s, NULL, -1);
	airflow_cancel(s->op_log);
	s->op_log = NULL;
	af_log_reset(&s->m->log);
	src_airflow_load_tis(s);
}

void
src_airflow_select_task(
    struct src_airflow *s, const char *task_id, int map_index, int try_number)
{
	const struct af_ti *t;

	if (src_airflow_streq(task_id, s->m->sel_task) &&
	    map_index == s->m->sel_map_index && try_number == s->m->sel_try)
		return;
	src_airflow_set(&s->m->sel_task, task_id);
	s->m->sel_map_index = map_index;
	s->m->sel_try = try_number;
	t = src_airflow_sel_ti(s);
	s->sel_ti_state = t != NULL ? t->state : AF_NONE;
	s->sel_ti_try = t != NULL ? t->try_number : 0;
	af_xcoms_reset(&s->m->xcoms);
	s->m->xcoms.complete = 0;
	src_airflow_select_xcom(s, NULL, -1);
	airflow_cancel(s->op_log);
	s->op_log = NULL;
	af_log_reset(&s->m->log);
	if (task_id == NULL)
		return;
	src_airflow_load_xcoms(s);
	src_airflow_load_log(s, 1);
}

void
src_airflow_log_follow(struct src_airflow *s, int on)
{
	s->follow = on;
	if (on)
		src_airflow_load_log(s, 0);
}

int
src_airflow_log_following(const struct src_airflow *s)
{
	return s->follow;
}

void
src_airflow_set_visible(struct src_airflow *s, int visible, int focused)
{
	int was = s->visible;

	if (visible == s->visible && focused == s->focused)
		return;
	s->visible = visible;
	s->focused = focused;
	src_airflow_arm(s);
	if ((visible & APP_PANE_GRID) && !(was & APP_PANE_GRID) &&
	    s->runs_loaded)
		src_airflow_load_grid(s);
}

void
src_airflow_refresh_now(struct src_airflow *s)
{
	if (!s->ready) {
		src_airflow_start(s);
		return;
	}
	src_airflow_load_dags(s);
	src_airflow_poll(s);
	if (s->m->sel_run != NULL)
		src_airflow_load_tis(s);
	if (s->m->sel_task != NULL) {
		src_airflow_load_xcoms(s);
		src_airflow_load_log(s, 0);
	}
	if (src_airflow_wants(s, APP_PANE_GRID))
		src_airflow_load_grid(s);
}
