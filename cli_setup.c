/*
 * "snowdeck setup --plan" and "snowdeck setup --apply [--yes]": the seed's
 * Snowflake setup as a plan (the exact SQL, what exists and is skipped,
 * what will change), then run step by step with progress, stopping at the
 * first error; running again resumes. Replacing the XCom table or stage
 * (the seed's CREATE OR REPLACE, which wipes XCom data) needs
 * --replace-xcom and the object's name typed back (or given with
 * --confirm-replace NAME[,NAME] when stdin is not a terminal). Before
 * applying, the grants of every role that runs a step are read (SHOW
 * GRANTS): steps a role may not run are marked in the plan, and --apply
 * refuses up front with the list unless --ignore-grants (grants can be
 * incomplete: future grants, application roles). Grants that cannot be
 * read check nothing (a warning says why).
 */

#include "cli_setup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "audit.h"
#include "cli.h"
#include "cli_out.h"
#include "cli_env.h"
#include "config.h"
#include "grants.h"
#include "grants_learn.h"
#include "setup.h"
#include "setup_run.h"
#include "util.h"

struct cli_setup {
	struct cli_env env;
	struct setup_plan plan;
	const struct cli_options *opts;
	int done;
	int error;
	char *message;
	size_t last_shown;
	/* The grants of the plan's roles (grants_learn), or why not. */
	struct grants *sets;
	size_t nsets;
	char *grants_error;
	int grants_done;
	size_t denied;
};

int
cli_setup_is_command(int argc, char **argv)
{
	return argc >= 1 && strcmp(argv[0], "setup") == 0;
}

static void
cli_setup_done(int error, const char *message, void *arg)
{
	struct cli_setup *s = arg;

	s->done = 1;
	s->error = error;
	free(s->message);
	s->message = xstrdup(message);
}

/* Live progress on stderr: one line per step as it finishes. */
static void
cli_setup_progress(const struct setup_plan *pl, size_t step, void *arg)
{
	struct cli_setup *s = arg;
	const struct setup_step *st;
	size_t i, done = 0, total = 0;

	if (step == (size_t)-1 || s->opts->json)
		return;
	st = &pl->v[step];
	for (i = 0; i < pl->n; i++) {
		if (pl->v[i].status == SETUP_DONE ||
		    pl->v[i].status == SETUP_FAILED)
			done++;
		if (pl->v[i].status != SETUP_EXISTS)
			total++;
	}
	fprintf(stderr, "[%3zu%%] %-6s %s\n", total ? done * 100 / total : 100,
	    st->status == SETUP_DONE ? "done" : "FAILED", st->object);
}

static void
cli_setup_grants_done(
    struct grants *sets, size_t n, const char *cause, void *arg)
{
	struct cli_setup *s = arg;

	s->grants_done = 1;
	s->sets = sets;
	s->nsets = n;
	if (sets == NULL)
		s->grants_error = xstrdup(cause != NULL ? cause : "no answer");
}

/*
 * Reads the grants of every role that runs a step and marks the steps it
 * may not run; a warning when they cannot be read (nothing is marked).
 */
static void
cli_setup_grants(struct cli_setup *s)
{
	struct grants_learn *l;
	const char **roles;
	size_t n;

	n = setup_plan_roles(&s->plan, &roles);
	l = grants_learn_start(s->env.sf, roles, n, cli_setup_grants_done, s);
	free(roles);
	if (l == NULL)
		return;
	cli_env_run(&s->env);
	if (!s->grants_done) {
		grants_learn_cancel(l);
		s->grants_error = xstrdup("no answer from Snowflake");
	}
	if (s->sets != NULL)
		s->denied =
		    setup_plan_check_grants(&s->plan, s->sets, s->nsets);
	else
		fprintf(stderr,
		    "snowdeck: warning: the grants of the setup's roles could "
		    "not be read, so nothing was checked against them: %s\n",
		    s->grants_error);
}

/* Split a "a,b,c" list and look for name in it. */
static int
cli_setup_listed(const char *list, const char *name)
{
	const char *p = list, *comma;
	size_t n = strlen(name);

	while (p != NULL && *p != '\0') {
		comma = strchr(p, ',');
		if ((size_t)((comma != NULL ? comma : p + strlen(p)) - p) ==
			n &&
		    strncasecmp(p, name, n) == 0)
			return 1;
		p = comma != NULL ? comma + 1 : NULL;
	}
	return 0;
}

/* Reads one line from the terminal (the loop is not running). */
static char *
cli_setup_ask(const char *prompt)
{
	char line[512];
	size_t n;

	fputs(prompt, stderr);
	fflush(stderr);
	if (fgets(line, sizeof line, stdin) == NULL)
		return NULL;
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return xstrdup(line);
}

/*
 * Every destructive step needs its object's name typed back. Returns 1
 * when all are confirmed, 0 when not (with a message printed).
 */
static int
cli_setup_confirm_replace(struct cli_setup *s)
{
	const struct setup_step *st;
	char *typed, *prompt;
	size_t i;
	int tty = isatty(STDIN_FILENO);

	for (i = 0; i < s->plan.n; i++) {
		st = &s->plan.v[i];
		if (st->status != SETUP_REPLACE)
			continue;
		if (s->opts->confirm_replace != NULL &&
		    cli_setup_listed(s->opts->confirm_replace, st->object))
			continue;
		if (!tty) {
			fprintf(stderr,
			    "snowdeck: replacing %s wipes its XCom data; type "
			    "its name to confirm (run on a terminal) or pass "
			    "--confirm-replace %s\n",
			    st->object, st->object);
			return 0;
		}
		prompt =
		    xasprintf("Replacing %s deletes every XCom row or file "
			      "in it. Type %s to confirm: ",
			st->object, st->object);
		typed = cli_setup_ask(prompt);
		free(prompt);
		if (typed == NULL || strcmp(typed, st->object) != 0) {
			fprintf(stderr,
			    "snowdeck: not confirmed; %s is left as "
			    "it is\n",
			    st->object);
			free(typed);
			return 0;
		}
		free(typed);
	}
	return 1;
}

static void
cli_setup_print(struct cli_setup *s)
{
	struct buf b;
	cJSON *root, *arr, *o;
	const struct setup_step *st;
	static const char *const status[] = { "unknown", "create", "exists",
		"replace", "done", "failed" };
	size_t i, run, skip;

	if (!s->opts->json) {
		buf_init(&b);
		setup_plan_text(&s->plan, &b);
		fputs(b.data, stdout);
		buf_free(&b);
		return;
	}
	root = cJSON_CreateObject();
	setup_plan_counts(&s->plan, &run, &skip);
	cJSON_AddNumberToObject(root, "to_run", (double)run);
	cJSON_AddNumberToObject(root, "skipped", (double)skip);
	cJSON_AddNumberToObject(root, "denied", (double)s->denied);
	if (s->grants_error != NULL)
		cJSON_AddStringToObject(root, "grants_error", s->grants_error);
	if (s->message != NULL)
		cJSON_AddStringToObject(root, "message", s->message);
	arr = cJSON_AddArrayToObject(root, "steps");
	for (i = 0; i < s->plan.n; i++) {
		st = &s->plan.v[i];
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "object", st->object);
		cJSON_AddStringToObject(o, "role", st->role);
		cJSON_AddStringToObject(o, "status", status[st->status]);
		cJSON_AddStringToObject(o, "sql", st->sql);
		cJSON_AddBoolToObject(o, "destructive", st->destructive);
		if (st->denied != NULL)
			cJSON_AddStringToObject(o, "denied", st->denied);
		if (st->error != NULL)
			cJSON_AddStringToObject(o, "error", st->error);
		cJSON_AddItemToArray(arr, o);
	}
	cli_out_json(root);
}

/* Runs one phase to its end; 0 when it succeeded. */
static int
cli_setup_phase(struct cli_setup *s, enum setup_mode mode, int allow_replace)
{
	static const struct setup_run_cbs cbs = { cli_setup_progress,
		cli_setup_done };
	struct setup_run *run;
	char *cause = NULL;

	s->done = 0;
	if (setup_run_start(&run, s->env.sf, &s->plan, mode, allow_replace,
		&cbs, s, &cause) != 0) {
		cli_env_error(cause);
		free(cause);
		return -1;
	}
	cli_env_run(&s->env);
	if (!s->done) {
		cli_env_error("setup stopped without an answer from Snowflake");
		return -1;
	}
	return s->error ? -1 : 0;
}

int
cli_setup_run(const struct config *cfg, const struct cli_options *opts,
    int argc, char **argv)
{
	struct cli_setup s;
	struct setup_params p;
	const struct cli_setup_options *so = &opts->setup;
	char *cause = NULL, *answer, *parts[4] = { NULL, NULL, NULL, NULL };
	size_t run, skip, i;
	int status = 0, apply = so->apply;

	(void)argv;
	if (argc != 1 || (so->plan && so->apply)) {
		fprintf(stderr,
		    "snowdeck: usage: setup --plan | --apply [--yes] "
		    "[--admin-role R] [--user-role R] [--database D] "
		    "[--schema S] [--warehouse W] [--containers] "
		    "[--replace-xcom] (see snowdeck --help)\n");
		return 2;
	}
	if (apply && cfg->readonly > 0) {
		fprintf(stderr, "snowdeck: --readonly: setup --apply is "
				"refused; setup --plan shows what it would "
				"do\n");
		return 3;
	}
	memset(&s, 0, sizeof s);
	s.opts = opts;
	if (cli_env_open(&s.env, cfg, opts, 1, &cause) != 0) {
		cli_env_error(cause);
		free(cause);
		cli_env_close(&s.env);
		return 1;
	}

	setup_params_defaults(&p);
	setup_params_xcom(&p, getenv("AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE"),
	    getenv("AIRFLOW__CORE__XCOM_SNOWFLAKE_STAGE"), parts);
	p.user_role = so->user_role != NULL ? so->user_role : s.env.conn.role;
	if (so->admin_role != NULL)
		p.admin_role = so->admin_role;
	if (so->database != NULL)
		p.database = so->database;
	if (so->schema != NULL)
		p.schema = so->schema;
	if (so->xcom_database != NULL)
		p.xcom_database = so->xcom_database;
	if (so->xcom_schema != NULL)
		p.xcom_schema = so->xcom_schema;
	if (so->warehouse != NULL)
		p.warehouse = so->warehouse;
	if (so->compute_pool != NULL)
		p.compute_pool = so->compute_pool;
	p.containers = so->containers;
	p.replace_xcom = so->replace_xcom;
	if (setup_plan_build(&p, &s.plan, &cause) != 0) {
		cli_env_error(cause);
		free(cause);
		status = 2;
		goto out;
	}
	audit_record(s.env.audit, apply ? "setup-apply" : "setup-plan",
	    s.env.conn.account != NULL ? s.env.conn.account : "snowflake",
	    "probe", "started");

	/* Probe first: the plan shows what exists. */
	if (cli_setup_phase(&s, SETUP_PROBE, 0) != 0) {
		cli_env_error(s.message != NULL ? s.message : "probe failed");
		status = 1;
		goto out;
	}
	setup_plan_counts(&s.plan, &run, &skip);
	cli_setup_grants(&s);
	if (!apply) {
		cli_setup_print(&s);
		goto out;
	}
	for (i = 0, run = 0; i < s.plan.n; i++)
		run += s.plan.v[i].status == SETUP_CREATE ||
		       s.plan.v[i].status == SETUP_REPLACE;
	if (run == 0) {
		if (!opts->json)
			printf("setup: everything already exists; nothing "
			       "changed\n");
		else
			cli_setup_print(&s);
		goto out;
	}
	if (!opts->json) {
		struct buf b;

		buf_init(&b);
		setup_plan_text(&s.plan, &b);
		fputs(b.data, stderr);
		buf_free(&b);
	}
	if (s.denied > 0 && !opts->ignore_grants) {
		fprintf(stderr,
		    "snowdeck: setup --apply refused: by their grants (SHOW "
		    "GRANTS), the roles may not run %zu of the steps:\n",
		    s.denied);
		for (i = 0; i < s.plan.n; i++)
			if (s.plan.v[i].denied != NULL)
				fprintf(stderr, "  %s: %s\n",
				    s.plan.v[i].object, s.plan.v[i].denied);
		fprintf(stderr, "snowdeck: nothing was changed; grant what is "
				"missing, or pass --ignore-grants when the "
				"grants are incomplete (future grants, "
				"application roles)\n");
		audit_record(s.env.audit, "setup-apply", "snowflake", "refused",
		    "the roles' grants do not allow every step");
		if (opts->json)
			cli_setup_print(&s);
		status = 3;
		goto out;
	}
	if (so->replace_xcom && !cli_setup_confirm_replace(&s)) {
		status = 3;
		goto out;
	}
	if (!opts->yes) {
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr, "snowdeck: setup --apply changes "
					"Snowflake: pass --yes to run it "
					"without a terminal to confirm on\n");
			status = 3;
			goto out;
		}
		answer = cli_setup_ask("Run these steps? [y/N] ");
		if (answer == NULL || (strcasecmp(answer, "y") != 0 &&
					  strcasecmp(answer, "yes") != 0)) {
			fprintf(stderr, "snowdeck: setup not run\n");
			free(answer);
			status = 3;
			goto out;
		}
		free(answer);
	}
	if (cli_setup_phase(&s, SETUP_APPLY, so->replace_xcom) != 0) {
		cli_env_error(s.message != NULL ? s.message : "setup failed");
		audit_record(s.env.audit, "setup-apply", "snowflake", "apply",
		    s.message != NULL ? s.message : "failed");
		if (opts->json)
			cli_setup_print(&s);
		status = 1;
		goto out;
	}
	audit_record(s.env.audit, "setup-apply", "snowflake", "apply", "ok");
	if (opts->json)
		cli_setup_print(&s);
	else
		printf("%s\n", s.message);
out:
	setup_plan_free(&s.plan);
	grants_free_all(s.sets, s.nsets);
	free(s.grants_error);
	cli_env_close(&s.env);
	free(s.message);
	for (i = 0; i < nitems(parts); i++)
		free(parts[i]);
	fflush(stdout);
	return status;
}
