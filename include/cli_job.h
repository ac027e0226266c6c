/*
 * "snowdeck jobs" lists the external commands configured as [jobs.<name>]
 * in config.toml; "snowdeck job NAME" runs one (core/job.c): its output is
 * streamed, sanitized, to stdout and stderr as it comes, Ctrl-C cancels it
 * (its whole process group), and the exit status is the job's (128 + the
 * signal when a signal ended it). --readonly refuses. Each run is audited.
 */

#ifndef SNOWDECK_CLI_JOB_H
#define SNOWDECK_CLI_JOB_H

struct config;
struct cli_options;

struct config_job;
/* The argument vector job j runs with, NULL-terminated (owned by the
 * caller: each string and the array); *shell says whether argv[0] is for
 * /bin/sh -c. The console's jobs pane uses it too. */
char **cli_job_argv(const struct config_job *j, int *shell);
int cli_job_is_command(int argc, char **argv);
int cli_job_run(const struct config *cfg, const struct cli_options *opts,
    int argc, char **argv);

#endif
