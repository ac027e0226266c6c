/*
 * "snowdeck setup --plan | --apply [--yes]": the seed's Snowflake setup as
 * a plan, applied step by step (see setup.h, setup_run.h). Exit status: 0
 * done (or nothing to do), 1 a step or the connection failed, 2 usage, 3
 * refused (readonly, not confirmed).
 */

#ifndef SNOWDECK_CLI_SETUP_H
#define SNOWDECK_CLI_SETUP_H

struct config;
struct cli_options;

int cli_setup_is_command(int argc, char **argv);
int cli_setup_run(const struct config *cfg, const struct cli_options *opts,
    int argc, char **argv);

#endif
