/*
 * Running a setup plan (setup.h) against Snowflake through the SQL API,
 * asynchronously: first every distinct probe (SHOW …) to learn what exists,
 * then the steps that are still needed, one after the other, each as its
 * role, stopping at the first error with Snowflake's message and a hint.
 * Resuming is running again: what was done is found by the probes and
 * skipped. A destructive (REPLACE) step runs only when the caller says the
 * operator confirmed it by typing the object's name.
 */

#ifndef SNOWDECK_SETUP_RUN_H
#define SNOWDECK_SETUP_RUN_H

#include <stddef.h>

struct setup_plan;
struct sf_client;
struct setup_run;

struct setup_run_cbs {
	/* A step changed status (or, in the probe phase, a probe finished:
	 * step is then (size_t)-1). Optional. */
	void (*progress)(const struct setup_plan *, size_t step, void *arg);
	/* Once: error 0 when every needed step succeeded; message is a
	 * sentence for the status bar or stderr (borrowed). */
	void (*done)(int error, const char *message, void *arg);
};

enum setup_mode {
	SETUP_PROBE, /* only learn what exists (setup --plan) */
	SETUP_APPLY  /* probe, then run what is needed */
};

/*
 * Starts on plan (borrowed: it must outlive the run; statuses are written
 * into it). allow_replace: REPLACE steps may run (typed confirmation done);
 * otherwise they are skipped as existing. Returns 0 with *out, or -1 with
 * *cause. The done callback never runs inside this call.
 */
int setup_run_start(struct setup_run **out, struct sf_client *,
    struct setup_plan *plan, enum setup_mode, int allow_replace,
    const struct setup_run_cbs *, void *arg, char **cause);

/* Stops: the statement in flight is cancelled, no callback runs after. */
void setup_run_cancel(struct setup_run *);

/* Steps run so far in the apply phase, and how many it will run. */
void setup_run_progress(const struct setup_run *, size_t *done, size_t *total);

#endif
