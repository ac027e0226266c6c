/* Running a setup plan through the SQL API (see setup_run.h). */

#include "setup_run.h"

#include <stdlib.h>
#include <string.h>

#include "setup.h"
#include "sf_sql.h"
#include "util.h"

struct setup_run {
	struct sf_client *c;
	struct setup_plan *plan;
	enum setup_mode mode;
	int allow_replace;
	struct setup_run_cbs cbs;
	void *arg;

	/* Probe phase: distinct probe statements (borrowed from the plan). */
	const char **probes;
	const char **probe_roles;
	size_t nprobes, probe;

	/* Rows of the probe in flight. */
	char **cols;
	size_t ncols;
	char **cells;
	size_t nrows;

	/* Apply phase. */
	size_t step;
	size_t applied, to_apply;

	struct sf_stmt *stmt;
};

static void setup_next_probe(struct setup_run *);
static void setup_next_step(struct setup_run *);

static void
setup_rows_reset(struct setup_run *r)
{
	size_t i;

	for (i = 0; i < r->ncols; i++)
		free(r->cols[i]);
	free(r->cols);
	for (i = 0; i < r->nrows * r->ncols; i++)
		free(r->cells[i]);
	free(r->cells);
	r->cols = NULL;
	r->cells = NULL;
	r->ncols = r->nrows = 0;
}

static void
setup_free(struct setup_run *r)
{
	setup_rows_reset(r);
	free(r->probes);
	free(r->probe_roles);
	free(r);
}

/* Ends the run: the callback is the last thing that touches r. */
static void
setup_finish(struct setup_run *r, int error, const char *message)
{
	struct setup_run_cbs cbs = r->cbs;
	void *arg = r->arg;
	char *msg = xstrdup(message);

	setup_free(r);
	cbs.done(error, msg, arg);
	free(msg);
}

static void
setup_progress(struct setup_run *r, size_t step)
{
	if (r->cbs.progress != NULL)
		r->cbs.progress(r->plan, step, r->arg);
}

static void
probe_meta(const struct sf_result_meta *m, void *arg)
{
	struct setup_run *r = arg;
	size_t i;

	setup_rows_reset(r);
	r->ncols = m->ncols;
	r->cols = xcalloc(m->ncols + 1, sizeof *r->cols);
	for (i = 0; i < m->ncols; i++)
		r->cols[i] =
		    xstrdup(m->cols[i].name != NULL ? m->cols[i].name : "");
}

static int
probe_row(const char *const *cells, size_t ncols, void *arg, char **cause)
{
	struct setup_run *r = arg;
	size_t i;

	(void)cause;
	if (ncols != r->ncols)
		return 0; /* a row that does not fit the columns: ignore */
	r->cells = xreallocarray(r->cells,
	    (r->nrows + 1) * (ncols > 0 ? ncols : 1), sizeof *r->cells);
	for (i = 0; i < ncols; i++)
		r->cells[r->nrows * ncols + i] =
		    cells[i] != NULL ? xstrdup(cells[i]) : NULL;
	r->nrows++;
	return 0;
}

static void
probe_done(const struct sf_stmt_result *res, void *arg)
{
	struct setup_run *r = arg;
	struct setup_rows rows;

	r->stmt = NULL;
	/*
	 * A failed probe means "not there" (SHOW SCHEMAS IN DATABASE X fails
	 * when X does not exist yet); the step runs and, if the failure was
	 * something else, reports it then with a real statement's error.
	 */
	if (res->error)
		setup_rows_reset(r);
	rows.nrows = r->nrows;
	rows.ncols = r->ncols;
	rows.cols = (const char *const *)r->cols;
	rows.cells = (const char *const *)r->cells;
	setup_plan_probe(r->plan, r->probes[r->probe], &rows);
	setup_rows_reset(r);
	r->probe++;
	setup_progress(r, (size_t)-1);
	setup_next_probe(r);
}

static void
setup_next_probe(struct setup_run *r)
{
	static const struct sf_stmt_cbs cbs = { probe_meta, probe_row,
		probe_done };
	size_t i, run, skip;
	char *msg;

	if (r->probe < r->nprobes) {
		r->stmt = sf_sql_run_as(r->c, r->probe_roles[r->probe],
		    r->probes[r->probe], NULL, 0, &cbs, r);
		return;
	}
	/* Probed: what will run. */
	r->to_apply = 0;
	for (i = 0; i < r->plan->n; i++) {
		if (r->plan->v[i].status == SETUP_CREATE ||
		    (r->plan->v[i].status == SETUP_REPLACE && r->allow_replace))
			r->to_apply++;
	}
	if (r->mode == SETUP_PROBE) {
		setup_plan_counts(r->plan, &run, &skip);
		msg = xasprintf("setup plan: %zu of %zu steps to run, %zu "
				"already done",
		    r->to_apply, r->plan->n, skip);
		setup_finish(r, 0, msg);
		free(msg);
		return;
	}
	r->step = 0;
	setup_next_step(r);
}

static void
step_done(const struct sf_stmt_result *res, void *arg)
{
	struct setup_run *r = arg;
	struct setup_step *s = &r->plan->v[r->step];
	char *hint, *msg;

	r->stmt = NULL;
	if (res->error) {
		hint = setup_hint(s, res->code, res->cause);
		free(s->error);
		s->error = xasprintf(
		    "%s; %s", res->cause != NULL ? res->cause : "failed", hint);
		s->status = SETUP_FAILED;
		setup_progress(r, r->step);
		msg = xasprintf("setup stopped at step %zu of %zu (%s): %s",
		    r->step + 1, r->plan->n, s->object, s->error);
		free(hint);
		setup_finish(r, 1, msg);
		free(msg);
		return;
	}
	s->status = SETUP_DONE;
	r->applied++;
	setup_progress(r, r->step);
	r->step++;
	setup_next_step(r);
}

static int
step_noop_row(const char *const *cells, size_t ncols, void *arg, char **cause)
{
	(void)cells;
	(void)ncols;
	(void)arg;
	(void)cause;
	return 0;
}

static void
setup_next_step(struct setup_run *r)
{
	static const struct sf_stmt_cbs cbs = { NULL, step_noop_row,
		step_done };
	struct setup_step *s = NULL;
	char *msg;

	for (; r->step < r->plan->n; r->step++) {
		s = &r->plan->v[r->step];
		if (s->status == SETUP_CREATE || s->status == SETUP_UNKNOWN ||
		    (s->status == SETUP_REPLACE && r->allow_replace))
			break;
	}
	if (r->step == r->plan->n) {
		msg = r->applied == 0
			  ? xstrdup("setup: everything already exists; nothing "
				    "changed")
			  : xasprintf("setup: %zu steps done, the rest already "
				      "existed",
				r->applied);
		setup_finish(r, 0, msg);
		free(msg);
		return;
	}
	r->stmt = sf_sql_run_as(r->c, s->role, s->sql, NULL, 0, &cbs, r);
}

int
setup_run_start(struct setup_run **out, struct sf_client *c,
    struct setup_plan *plan, enum setup_mode mode, int allow_replace,
    const struct setup_run_cbs *cbs, void *arg, char **cause)
{
	struct setup_run *r;
	size_t i, j;

	*out = NULL;
	if (plan->n == 0) {
		*cause = xstrdup("the setup plan is empty");
		return -1;
	}
	r = xcalloc(1, sizeof *r);
	r->c = c;
	r->plan = plan;
	r->mode = mode;
	r->allow_replace = allow_replace;
	r->cbs = *cbs;
	r->arg = arg;
	r->probes = xcalloc(plan->n, sizeof *r->probes);
	r->probe_roles = xcalloc(plan->n, sizeof *r->probe_roles);
	for (i = 0; i < plan->n; i++) {
		if (plan->v[i].status == SETUP_DONE ||
		    plan->v[i].status == SETUP_FAILED)
			plan->v[i].status = SETUP_UNKNOWN; /* a resume */
		if (plan->v[i].probe_sql == NULL)
			continue;
		for (j = 0; j < r->nprobes; j++) {
			if (strcmp(r->probes[j], plan->v[i].probe_sql) == 0)
				break;
		}
		if (j == r->nprobes) {
			r->probes[r->nprobes] = plan->v[i].probe_sql;
			r->probe_roles[r->nprobes++] = plan->v[i].role;
		}
	}
	*out = r;
	setup_next_probe(r);
	return 0;
}

void
setup_run_cancel(struct setup_run *r)
{
	if (r == NULL)
		return;
	if (r->stmt != NULL)
		sf_stmt_cancel(r->stmt);
	setup_free(r);
}

void
setup_run_progress(const struct setup_run *r, size_t *done, size_t *total)
{
	*done = r->applied;
	*total = r->to_apply;
}
