/*
 * The headless twin: "snowdeck get …", "snowdeck trigger …" and friends run
 * one command on the same core as the console (same client, parsers,
 * sanitizer, redactor and audit file) and print a table or one JSON
 * document on stdout. Failures print one sentence on stderr and exit
 * non-zero.
 */

#ifndef SNOWDECK_CLI_H
#define SNOWDECK_CLI_H

struct config;

/* setup's choices (cli_setup.c); NULL/0 = the seed's defaults. */
struct cli_setup_options {
	int plan, apply;
	const char *admin_role, *user_role;
	const char *database, *schema;
	const char *xcom_database, *xcom_schema;
	const char *warehouse;
	const char *compute_pool;
	int containers;
	int replace_xcom;
};

struct cli_options {
	int json;            /* -o json */
	const char *conf;    /* trigger --conf */
	const char *run_id;  /* trigger --run-id */
	unsigned long limit; /* get runs --limit (0 = all) */
	int yes;             /* skip confirmation prompts (none yet) */
	/* Snowflake (cli_snowflake.c). */
	const char *sf_conn_id;    /* --snowflake-conn-id: AIRFLOW_CONN_<ID> */
	const char *sf_connection; /* -c NAME in connections.toml */
	const char *sf_url;        /* --snowflake-url */
	int allow_write;           /* sql --allow-write */
	int resolve;               /* get xcom … KEY --resolve */
	struct cli_setup_options setup;
	const char *confirm_replace; /* setup: names typed to confirm */
	int ignore_grants; /* setup --apply, SPCS actions: grants not checked */
	/* Local containers (cli_docker.c). */
	int local;                   /* --local: Docker/Podman containers */
	const char *compose_project; /* --compose-project */
	int follow;                  /* logs --follow */
	long tail;                   /* logs --tail N; -1 = all */
	int watch;                   /* get containers --watch */
	const char *since;           /* logs --since */
	const char *grep;            /* logs --grep: lines holding it only */
	/* Snowpark Container Services (cli_spcs.c). */
	int previous;         /* logs --previous */
	const char *instance; /* logs --instance N */
	long wait_s;          /* suspend/resume/restart --wait S; 0 = 600 */
};

/* Whether argv[0] names a headless command. */
int cli_is_command(const char *word);

/* Runs the command in argv (argv[0] is the command word). Returns the
 * process exit status. */
int cli_run(const struct config *cfg, const struct cli_options *opts, int argc,
    char **argv);

#endif
