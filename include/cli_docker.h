/*
 * The headless twins of local mode (the Docker Engine API):
 *   snowdeck get containers [--local] [--compose-project P]
 *   snowdeck logs CONTAINER|SERVICE --local [--follow] [--tail N]
 *   snowdeck restart|stop|start CONTAINER|SERVICE --local [--yes]
 * with -o table|json and the usual exit codes (1 a request failed, 2 usage,
 * 3 refused by --readonly).
 */

#ifndef SNOWDECK_CLI_DOCKER_H
#define SNOWDECK_CLI_DOCKER_H

struct config;
struct cli_options;

/* Whether word is a command only local mode has (logs, restart, ...). */
int cli_docker_is_command(const char *word);

/*
 * Whether this command line is for local mode: the words above, or
 * "get containers" with --local or without a Snowflake connection.
 */
int cli_docker_handles(const struct config *cfg, const struct cli_options *opts,
    int argc, char **argv);

/* Runs it; returns the exit status. */
int cli_docker_run(const struct config *cfg, const struct cli_options *opts,
    int argc, char **argv);

#endif
