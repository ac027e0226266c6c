/* "snowdeck jobs" and "snowdeck job NAME": configured external commands. */

#include "cli_job.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "audit.h"
#include "cli.h"
#include "cli_out.h"
#include "config.h"
#include "job.h"
#include "sanitize.h"
#include "util.h"

struct cli_job {
	uv_loop_t loop;
	uv_signal_t sigint, sigterm;
	struct job *job;
	int done;
	int64_t status;
	int sig;
	int cancelled;
};

int
cli_job_is_command(int argc, char **argv)
{
	return argc >= 1 &&
	       (strcmp(argv[0], "job") == 0 || strcmp(argv[0], "jobs") == 0);
}

/* The argument vector a job runs with (see struct config_job). */
char **
cli_job_argv(const struct config_job *j, int *shell)
{
	char **v;
	const char *p, *w;
	size_t n = 0;

	*shell = j->shell == 1;
	if (*shell) {
		v = xcalloc(2, sizeof *v);
		if (j->command != NULL)
			v[0] = xstrdup(j->command);
		else if (j->argv != NULL) {
			struct buf b;
			size_t i;

			buf_init(&b);
			for (i = 0; j->argv[i] != NULL; i++)
				buf_printf(
				    &b, "%s%s", i ? " " : "", j->argv[i]);
			v[0] = buf_detach(&b);
		}
		return v;
	}
	if (j->argv != NULL) {
		while (j->argv[n] != NULL)
			n++;
		v = xcalloc(n + 1, sizeof *v);
		for (n = 0; j->argv[n] != NULL; n++)
			v[n] = xstrdup(j->argv[n]);
		return v;
	}
	/* A string without shell = true: plain words, no shell syntax. */
	v = xcalloc(1, sizeof *v);
	for (p = j->command != NULL ? j->command : ""; *p != '\0';) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		w = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		v = xreallocarray(v, n + 2, sizeof *v);
		v[n++] = xstrndup(w, (size_t)(p - w));
		v[n] = NULL;
	}
	return v;
}

static void
cli_job_line(
    struct job *j, enum job_stream st, const char *line, size_t len, void *arg)
{
	char *safe = sanitize_dup(line, len, 0);

	(void)j;
	(void)arg;
	/* Streamed: each line goes out as it comes, piped or not. */
	fprintf(st == JOB_STDERR ? stderr : stdout, "%s\n", safe);
	fflush(st == JOB_STDERR ? stderr : stdout);
	free(safe);
}

static void
cli_job_done(struct job *j, int64_t status, int sig, void *arg)
{
	struct cli_job *c = arg;

	(void)j;
	c->done = 1;
	c->status = status;
	c->sig = sig;
	uv_close((uv_handle_t *)&c->sigint, NULL);
	uv_close((uv_handle_t *)&c->sigterm, NULL);
}

static void
cli_job_signal(uv_signal_t *h, int signum)
{
	struct cli_job *c = h->data;

	(void)signum;
	if (!c->cancelled && c->job != NULL && job_cancel(c->job, 0) == 0) {
		c->cancelled = 1;
		fprintf(stderr, "snowdeck: cancelling the job (its process "
				"group gets SIGTERM, then SIGKILL)\n");
	}
}

static int
cli_jobs_list(const struct config *cfg, const struct cli_options *opts)
{
	cJSON *root, *arr, *o;
	size_t i;
	int shell;
	char **argv;
	struct buf b;

	root = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(root, "jobs");
	for (i = 0; i < cfg->njobs; i++) {
		argv = cli_job_argv(&cfg->jobs[i], &shell);
		buf_init(&b);
		for (size_t k = 0; argv[k] != NULL; k++) {
			buf_printf(&b, "%s%s", k ? " " : "", argv[k]);
			free(argv[k]);
		}
		free(argv);
		if (opts->json) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", cfg->jobs[i].name);
			cJSON_AddStringToObject(
			    o, "command", b.data != NULL ? b.data : "");
			cJSON_AddBoolToObject(o, "shell", shell);
			if (cfg->jobs[i].description != NULL)
				cJSON_AddStringToObject(
				    o, "description", cfg->jobs[i].description);
			cJSON_AddItemToArray(arr, o);
		} else {
			char *safe = sanitize_dup(
			    b.data != NULL ? b.data : "", b.len, 0);
			char *name = sanitize_dup(
			    cfg->jobs[i].name, strlen(cfg->jobs[i].name), 0);

			printf(
			    "%-20s %s%s\n", name, shell ? "sh -c " : "", safe);
			free(safe);
			free(name);
		}
		buf_free(&b);
	}
	if (opts->json) {
		cli_out_json(root);
		root = NULL;
	} else if (cfg->njobs == 0)
		printf("no jobs configured: add [jobs.<name>] tables with "
		       "command = [\"…\"] to %s\n",
		    cfg->config_path != NULL
			? cfg->config_path
			: "~/.config/snowdeck/config.toml");
	cJSON_Delete(root);
	return 0;
}

int
cli_job_run(const struct config *cfg, const struct cli_options *opts, int argc,
    char **argv)
{
	const struct config_job *cj;
	struct cli_job c;
	struct job_spec spec;
	struct audit *audit = NULL;
	char **jargv, *cause = NULL, *result;
	int shell, rc;
	size_t i;

	if (strcmp(argv[0], "jobs") == 0)
		return cli_jobs_list(cfg, opts);
	if (argc != 2) {
		fprintf(stderr,
		    "snowdeck: usage: job NAME (snowdeck jobs lists "
		    "them)\n");
		return 2;
	}
	if ((cj = config_job_find(cfg, argv[1])) == NULL) {
		fprintf(stderr,
		    "snowdeck: no job named \"%s\": add a "
		    "[jobs.%s] table with command = [\"…\"] to the "
		    "config file\n",
		    argv[1], argv[1]);
		return 2;
	}
	if (cfg->readonly > 0) {
		fprintf(stderr,
		    "snowdeck: --readonly: running job %s is "
		    "refused\n",
		    cj->name);
		return 3;
	}
	memset(&c, 0, sizeof c);
	uv_loop_init(&c.loop);
	if (audit_open(&audit, &c.loop, cfg->audit_path, &cause) != 0) {
		fprintf(stderr, "snowdeck: %s\n", cause);
		free(cause);
		uv_loop_close(&c.loop);
		return 1;
	}
	jargv = cli_job_argv(cj, &shell);
	memset(&spec, 0, sizeof spec);
	spec.name = cj->name;
	spec.argv = (const char *const *)jargv;
	spec.cwd = cj->cwd;
	spec.shell = shell;
	uv_signal_init(&c.loop, &c.sigint);
	uv_signal_init(&c.loop, &c.sigterm);
	c.sigint.data = c.sigterm.data = &c;
	if (job_start(&c.job, &c.loop, &spec, cli_job_line, cli_job_done, &c,
		&cause) != 0) {
		fprintf(stderr, "snowdeck: job %s: %s\n", cj->name, cause);
		audit_record(audit, "job", cj->name, "start", cause);
		free(cause);
		uv_close((uv_handle_t *)&c.sigint, NULL);
		uv_close((uv_handle_t *)&c.sigterm, NULL);
		rc = 1;
		goto out;
	}
	audit_record(audit, "job", cj->name, job_command(c.job), "started");
	uv_signal_start(&c.sigint, cli_job_signal, SIGINT);
	uv_signal_start(&c.sigterm, cli_job_signal, SIGTERM);
	uv_run(&c.loop, UV_RUN_DEFAULT);
	if (c.sig != 0) {
		result = xasprintf("%s by signal %d",
		    c.cancelled ? "cancelled" : "ended", c.sig);
		rc = 128 + c.sig;
	} else {
		result = xasprintf("exit %lld", (long long)c.status);
		rc = (int)c.status;
	}
	fprintf(stderr, "snowdeck: job %s: %s\n", cj->name, result);
	audit_record(audit, "job", cj->name, job_command(c.job), result);
	free(result);
	job_free(c.job);
out:
	for (i = 0; jargv[i] != NULL; i++)
		free(jargv[i]);
	free(jargv);
	uv_run(&c.loop, UV_RUN_DEFAULT);
	audit_close(audit);
	uv_run(&c.loop, UV_RUN_DEFAULT);
	uv_loop_close(&c.loop);
	fflush(stdout);
	return rc;
}
