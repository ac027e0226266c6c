/*
 * The Snowpark Container Services headless twins:
 *   get pools [NAME]              compute pools: state, family, nodes
 *   get service [NAME]            services: status, pool, instances, DNS
 *                                 name, public endpoints
 *   get containers SERVICE        containers of every instance
 *   logs SERVICE [CONTAINER] [--follow] [--previous] [--instance N]
 *        [--tail N]               (without --local, when a Snowflake
 *                                 connection is configured)
 *   suspend|resume|restart SERVICE [--yes] [--wait S]
 *   suspend|resume pool NAME [--yes]
 * SERVICE is NAME, SCHEMA.NAME or DB.SCHEMA.NAME (the connection's database
 * and schema fill in). Actions print live progress on stderr and exit 0
 * only when the final state is the intended one (1 otherwise, 2 on a usage
 * error, 3 when --readonly refused).
 */

#ifndef SNOWDECK_CLI_SPCS_H
#define SNOWDECK_CLI_SPCS_H

struct config;
struct cli_options;

/*
 * Whether argv is an SPCS command. logs and restart without --local are
 * SPCS only when a Snowflake connection resolves (else they stay local).
 */
int cli_spcs_handles(
    const struct config *, const struct cli_options *, int argc, char **argv);

/* Runs it; returns the process exit status. */
int cli_spcs_run(
    const struct config *, const struct cli_options *, int argc, char **argv);

#endif
