/*
 * "snowdeck doctor": the preflight checklist on stdout (text, or one JSON
 * document with -o json). Exit status 0 when nothing is red, 1 otherwise.
 */

#ifndef SNOWDECK_CLI_DOCTOR_H
#define SNOWDECK_CLI_DOCTOR_H

struct config;
struct cli_options;

int cli_doctor_is_command(int argc, char **argv);
int cli_doctor_run(const struct config *cfg, const struct cli_options *opts,
    int argc, char **argv);

#endif
