/* "snowdeck doctor": Airflow, Snowflake and services preflight checks. */

#include "cli_doctor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "airflow.h"
#include "cli.h"
#include "cli_env.h"
#include "config.h"
#include "docker.h"
#include "doctor.h"
#include "doctor_run.h"
#include "util.h"

int
cli_doctor_is_command(int argc, char **argv)
{
	return argc >= 1 && strcmp(argv[0], "doctor") == 0;
}

static void
cli_doctor_done(struct doctor *d, void *arg)
{
	int *done = arg;

	(void)d;
	*done = 1;
}

int
cli_doctor_run(const struct config *cfg, const struct cli_options *opts,
    int argc, char **argv)
{
	struct cli_env env;
	struct doctor d;
	struct doctor_run *run = NULL;
	struct doctor_run_config rc;
	struct airflow_config ac;
	struct airflow *af = NULL;
	struct docker *dk = NULL;
	struct docker_endpoint ep;
	struct buf out;
	char *cause = NULL, *sf_error = NULL, *dk_error = NULL;
	char *project = NULL;
	int done = 0, status, ep_ok = 0;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "snowdeck: usage: doctor [-o json]\n");
		return 2;
	}
	memset(&ep, 0, sizeof ep);
	/* The Snowflake side may be missing: that is a red line, not exit. */
	if (cli_env_open(&env, cfg, opts, 1, &cause) != 0) {
		if (env.http == NULL) {
			cli_env_error(cause);
			free(cause);
			cli_env_close(&env);
			return 1;
		}
		sf_error = cause;
		cause = NULL;
		env.sf = NULL;
	}
	memset(&ac, 0, sizeof ac);
	ac.url = cfg->airflow_url;
	ac.username = cfg->airflow_username;
	ac.password = cfg->airflow_password;
	ac.token = cfg->airflow_token;
	if (airflow_create(&af, env.http, &ac, &cause) != 0) {
		cli_env_error(cause);
		free(cause);
		cause = NULL;
	}
	if (opts->compose_project != NULL)
		project = xstrdup(opts->compose_project);
	else if (cfg->compose_project != NULL)
		project = xstrdup(cfg->compose_project);
	else
		project = docker_astro_project_cwd(&cause);
	free(cause);
	cause = NULL;
	if (docker_endpoint_resolve(cfg->docker_host, getenv("XDG_RUNTIME_DIR"),
		NULL, &ep, &dk_error) == 0) {
		ep_ok = 1;
		if (docker_create(&dk, env.http, &ep, NULL, &cause) != 0) {
			dk_error = cause;
			cause = NULL;
		}
	}

	doctor_init(&d);
	memset(&rc, 0, sizeof rc);
	rc.airflow = af;
	rc.sf = env.sf;
	rc.conn = env.conn_ok ? &env.conn : NULL;
	rc.sf_error = sf_error;
	rc.docker = dk;
	rc.docker_error = dk_error;
	rc.project = project;
	rc.http = env.http;
	rc.cfg = cfg;
	doctor_run_start(&run, &d, &rc, cli_doctor_done, &done, &cause);
	if (doctor_pending(&d) > 0)
		cli_env_run(&env);

	buf_init(&out);
	if (opts->json)
		doctor_json(&d, &out);
	else
		doctor_text(&d, &out, 0);
	fputs(out.data, stdout);
	buf_free(&out);
	status = doctor_exit_code(&d);

	doctor_run_cancel(run);
	docker_free(dk);
	airflow_free(af);
	doctor_free(&d);
	cli_env_close(&env);
	if (ep_ok)
		docker_endpoint_free(&ep);
	free(sf_error);
	free(dk_error);
	free(project);
	fflush(stdout);
	return status;
}
