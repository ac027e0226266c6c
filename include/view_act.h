/*
 * Helpers every view shares: the state cell ("+ success", a glyph beside
 * the colour), and operator actions asked through a confirmation dialog
 * (refused with a message in read-only mode). The dialog closes before its
 * callback runs and the app refuses an identical action while one runs, so
 * key repeat or a double press never runs an action twice.
 */

#ifndef SNOWDECK_VIEW_ACT_H
#define SNOWDECK_VIEW_ACT_H

#include <stddef.h>

#include "app.h"

struct view;

/* Writes "<glyph> <state name>" for an enum af_state into buf. */
void view_state_text(int state, char *buf, size_t len);

/*
 * Asks to run act on the target in a (strings copied): a confirm dialog
 * naming the action and the target; confirm runs app_action(), cancel
 * shows "cancelled". In read-only mode nothing opens: the status bar says
 * why. Returns the view.h key result to give back.
 */
int view_act_ask(
    struct view *, enum app_action act, const struct app_action_args *a);

/*
 * Trigger with a conf: opens the JSON editor for dag_id (validated with
 * app_validate_conf), then the confirm dialog. Returns a view.h result.
 */
int view_act_trigger_conf(struct view *, const char *dag_id);

/*
 * The trigger form (views/view_trigger_form.c): asks Airflow for the
 * DAG's params and, when it has some, opens a form editor (one field per
 * param: type, default, choices, required, description; an "unpause
 * first" box when the DAG is paused), validated with
 * af_params_conf_from_form before anything is sent (errors inline), then
 * the confirmation. Returns 0 when the request started, -1 when Airflow
 * is not connected (the caller opens the plain confirmation).
 */
int view_act_trigger_form(struct view *, const char *dag_id);
/* The trigger confirmation with a conf (copied) and the unpause box. */
void view_act_trigger_confirm(
    struct view *, const char *dag_id, const char *conf, int unpause);

#endif
