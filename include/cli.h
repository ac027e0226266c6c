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

struct cli_options {
	int json;                    /* -o json */
	const char *conf;            /* trigger --conf */
	const char *run_id;          /* trigger --run-id */
	unsigned long limit;         /* get runs --limit (0 = all) */
	int yes;                     /* skip confirmation prompts (none yet) */
	int local;                   /* --local: Docker/Podman containers */
	const char *compose_project; /* --compose-project */
	int follow;                  /* logs --follow */
	long tail;                   /* logs --tail N; -1 = all */
	int watch;                   /* get containers --watch */
	const char *since;           /* logs --since */
};

/* Whether argv[0] names a headless command. */
int cli_is_command(const char *word);

/* Runs the command in argv (argv[0] is the command word). Returns the
 * process exit status. */
int cli_run(const struct config *cfg, const struct cli_options *opts, int argc,
    char **argv);

#endif
