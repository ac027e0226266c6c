/*
 * The Snowpark Container Services source: keeps the SVC_SPCS entries of a
 * struct svcs fresh for a services pane (the SVC_LOCAL entries of the same
 * collection, owned by src_docker.c, are left alone), plus the service
 * list with its status, pool, instances, DNS name and public endpoints.
 *
 * Refresh policy. One cycle reads the services of the schema (with their
 * endpoints), then the containers of every service that is not suspended,
 * one request at a time; the next cycle starts refresh_ms after the last
 * one ended (the pane's rate; the owner slows it with
 * src_spcs_set_refresh() when the pane is hidden). Nothing else runs: with
 * the timer pending the process sleeps, and a slow account is never asked
 * twice. A suspended service shows as one entry without a container (state
 * suspended) so the pane still lists it. Errors set the source status and
 * the next cycle retries.
 */

#ifndef SNOWDECK_SRC_SPCS_H
#define SNOWDECK_SRC_SPCS_H

#include "spcs.h"

struct uv_loop_s;
struct sf_client;
struct svcs;
struct source_status;
struct src_spcs;

struct src_spcs_config {
	const char *database; /* where the services live; copied */
	const char *schema;
	int refresh_ms; /* default 2000 */
	/* Optional: called after the models changed. */
	void (*on_change)(void *arg);
	void *on_change_arg;
};

/*
 * Creates the source and starts its first cycle. sf, svcs, services and
 * status are borrowed and must outlive the source; services may be NULL.
 * Returns 0, or -1 with *cause.
 */
int src_spcs_create(struct src_spcs **out, struct uv_loop_s *loop,
    struct sf_client *sf, const struct src_spcs_config *c, struct svcs *svcs,
    struct spcs_services *services, struct source_status *status, char **cause);

/*
 * Cancels everything without calling back (a running action's callbacks
 * do not run either); the memory is freed once the timer closed (run the
 * loop).
 */
void src_spcs_free(struct src_spcs *);

/* Changes the interval between cycles (e.g. the pane was hidden). */
void src_spcs_set_refresh(struct src_spcs *, int refresh_ms);

/* Starts a cycle now unless one is running. */
void src_spcs_refresh_now(struct src_spcs *);

/*
 * Runs an action (spcs_action_start) on a service of the schema, or a
 * compute pool; progress and done as there, after which a cycle runs so
 * the pane shows the state it ended in. One action at a time: returns -1
 * with *cause while another runs.
 */
int src_spcs_action(struct src_spcs *, enum spcs_action, const char *name,
    spcs_progress_cb progress, spcs_outcome_cb done, void *arg, char **cause);

/* Requests in flight (0 or 1 for the cycle, plus an action). */
int src_spcs_pending(const struct src_spcs *);

/* Completed cycles (for tests). */
unsigned long src_spcs_cycles(const struct src_spcs *);

#endif
