/*
 * The Snowflake headless twins: "snowdeck get stages", "get files
 * @DB.SCHEMA.STAGE[/prefix]", "get xcom-table [DAG [RUN]]" and
 * "sql STATEMENT" (read-only statements unless --allow-write), printed as a
 * table or with -o json as one JSON document. Exit status: 0 ok, 1 a
 * request failed, 2 usage, 3 refused (a write without --allow-write, or
 * --readonly).
 */

#ifndef SNOWDECK_CLI_SNOWFLAKE_H
#define SNOWDECK_CLI_SNOWFLAKE_H

struct config;
struct cli_options;

/* Whether argv names a Snowflake command (argc >= 1). */
int cli_sf_is_command(int argc, char **argv);

/* Runs it; returns the exit status. */
int cli_sf_run(const struct config *cfg, const struct cli_options *opts,
    int argc, char **argv);

#endif
