/* Reading a role's grants through the SQL API (see grants_learn.h). */

#include "grants_learn.h"

#include <stdlib.h>
#include <string.h>

#include "grants.h"
#include "json_snowflake.h"
#include "sf_sql.h"
#include "util.h"

struct grants_learn {
	struct sf_client *sf;
	char **asked; /* as given; NULL: the session's role */
	struct grants *sets;
	size_t n, i;
	int started; /* sets[i] is initialised */
	int phase;   /* 0: SELECT CURRENT_ROLE(), 1: SHOW GRANTS */
	struct grants_cols cols;
	int have_cols;
	char *current;   /* CURRENT_ROLE()'s answer */
	char *secondary; /* CURRENT_SECONDARY_ROLES()'s answer (JSON) */
	int session;     /* the two are known */
	char **sec;      /* the secondary roles, parsed */
	size_t nsec;
	char *cause;   /* a failure noticed in a callback */
	char *reading; /* whose grants are being read: "ROLE X" */
	struct sf_stmt *stmt;
	grants_learn_cb done;
	void *arg;
};

static void grants_learn_next(struct grants_learn *);

static void
grants_learn_free(struct grants_learn *l, int sets_too)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->asked[i]);
	free(l->asked);
	if (sets_too)
		grants_free_all(l->sets, l->n);
	free(l->current);
	free(l->secondary);
	for (i = 0; i < l->nsec; i++)
		free(l->sec[i]);
	free(l->sec);
	free(l->cause);
	free(l->reading);
	free(l);
}

/* Ends the read: the callback is the last thing that touches l. */
static void
grants_learn_end(struct grants_learn *l, const char *cause)
{
	grants_learn_cb cb = l->done;
	void *arg = l->arg;
	struct grants *sets = cause == NULL ? l->sets : NULL;
	size_t n = l->n;
	char *why = cause != NULL ? xstrdup(cause) : NULL;

	if (cause == NULL)
		l->sets = NULL;
	grants_learn_free(l, 1);
	cb(sets, n, why, arg);
	free(why);
}

static void
grants_learn_meta(const struct sf_result_meta *m, void *arg)
{
	struct grants_learn *l = arg;
	const char **names;
	size_t i;

	if (l->phase == 0)
		return;
	names = xcalloc(m->ncols + 1, sizeof *names);
	for (i = 0; i < m->ncols; i++)
		names[i] = m->cols[i].name;
	free(l->cause);
	l->cause = NULL;
	l->have_cols =
	    grants_cols_find(&l->cols, names, m->ncols, &l->cause) == 0;
	free(names);
}

static int
grants_learn_row(
    const char *const *cells, size_t ncols, void *arg, char **cause)
{
	struct grants_learn *l = arg;

	(void)cause;
	if (l->phase == 0) {
		if (l->current == NULL && ncols >= 1 && cells[0] != NULL)
			l->current = xstrdup(cells[0]);
		if (l->secondary == NULL && ncols >= 2 && cells[1] != NULL)
			l->secondary = xstrdup(cells[1]);
		return 0;
	}
	if (l->have_cols)
		grants_add_row(&l->sets[l->i], &l->cols, cells, ncols);
	return 0;
}

static void
grants_learn_stmt_done(const struct sf_stmt_result *r, void *arg)
{
	struct grants_learn *l = arg;
	char *m;

	l->stmt = NULL;
	if (r->error && l->phase == 1 && l->started &&
	    l->sets[l->i].primary_end > 0 &&
	    l->sets[l->i].next > l->sets[l->i].primary_end) {
		/* A secondary role's grants unreadable: less is known. */
		l->sets[l->i].capped = 1;
		grants_learn_next(l);
		return;
	}
	if (r->error) {
		m = l->phase == 0
			? xasprintf("SELECT CURRENT_ROLE(), "
				    "CURRENT_SECONDARY_ROLES() failed: %s",
			      r->cause != NULL ? r->cause : "no answer")
			: xasprintf("SHOW GRANTS TO %s failed: %s", l->reading,
			      r->cause != NULL ? r->cause : "no answer");
		grants_learn_end(l, m);
		free(m);
		return;
	}
	if (l->phase == 0) {
		l->session = 1;
		l->nsec = grants_secondary_parse(l->secondary, &l->sec);
	} else if (!l->have_cols) {
		m = xasprintf("SHOW GRANTS TO %s: %s", l->reading,
		    l->cause != NULL ? l->cause : "no result set");
		grants_learn_end(l, m);
		free(m);
		return;
	}
	grants_learn_next(l);
}

static void
grants_learn_next(struct grants_learn *l)
{
	static const struct sf_stmt_cbs cbs = { grants_learn_meta,
		grants_learn_row, grants_learn_stmt_done };
	const char *role;
	struct buf q;

	for (;;) {
		if (l->i == l->n) {
			grants_learn_end(l, NULL);
			return;
		}
		if (!l->session) {
			/* The session's role and secondary roles, once. */
			l->phase = 0;
			l->stmt = sf_sql_run(l->sf,
			    "SELECT CURRENT_ROLE(), CURRENT_SECONDARY_ROLES()",
			    NULL, 0, &cbs, l);
			return;
		}
		if (!l->started) {
			if (l->asked[l->i] != NULL)
				grants_init(&l->sets[l->i], l->asked[l->i], 1);
			else if (l->current != NULL && *l->current != '\0')
				grants_init(&l->sets[l->i], l->current, 0);
			else {
				grants_learn_end(l,
				    "the session has no current role (SELECT "
				    "CURRENT_ROLE() is NULL)");
				return;
			}
			/* Secondary roles count too (but for CREATE). */
			grants_add_secondary(&l->sets[l->i],
			    (const char *const *)l->sec, l->nsec);
			l->started = 1;
		}
		if ((role = grants_next_role(&l->sets[l->i])) != NULL)
			break;
		l->i++;
		l->started = 0;
	}
	l->phase = 1;
	l->have_cols = 0;
	free(l->reading);
	/* "ROLE X", or "DATABASE ROLE D.R" for a database role. */
	l->reading = grants_role_sql(&l->sets[l->i]);
	buf_init(&q);
	buf_adds(&q, "SHOW GRANTS TO ");
	buf_adds(&q, l->reading);
	/* As the role asked about (NULL: the connection's), which may see
	 * the roles it inherits. */
	l->stmt =
	    sf_sql_run_as(l->sf, l->asked[l->i], q.data, NULL, 0, &cbs, l);
	buf_free(&q);
}

struct grants_learn *
grants_learn_start(struct sf_client *sf, const char *const *roles, size_t n,
    grants_learn_cb done, void *arg)
{
	struct grants_learn *l;
	size_t i;

	if (n == 0)
		return NULL;
	l = xcalloc(1, sizeof *l);
	l->sf = sf;
	l->n = n;
	l->asked = xcalloc(n, sizeof *l->asked);
	for (i = 0; i < n; i++)
		l->asked[i] = roles[i] != NULL ? xstrdup(roles[i]) : NULL;
	l->sets = xcalloc(n, sizeof *l->sets);
	l->done = done;
	l->arg = arg;
	grants_learn_next(l);
	return l;
}

void
grants_learn_cancel(struct grants_learn *l)
{
	if (l == NULL)
		return;
	if (l->stmt != NULL)
		sf_stmt_cancel(l->stmt);
	/* Sets not started yet are zeroed: grants_free copes. */
	grants_learn_free(l, 1);
}
