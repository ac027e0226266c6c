/*
 * The trigger form as text: the DAG's params (params.h) laid out for the
 * dialog's text editor, one field per param with its type, default, enum
 * choices, required marker and description as comment lines above a
 * "name = value" line, plus an "unpause first" checkbox line when the DAG
 * is paused. Parsing the edited text back gives the values that
 * af_params_conf_from_form() turns into the conf. Pure functions.
 *
 *   # count  integer, required. How many rows to load.
 *   count =
 *   # mode  string, one of "fast" | "slow"; default "fast"
 *   mode = fast
 *   [ ] unpause the DAG first
 */
#ifndef SNOWDECK_PARAMS_FORM_H
#define SNOWDECK_PARAMS_FORM_H

#include <stddef.h>

struct af_params;

/* The form text for params (sanitized: names and descriptions come from
 * the server); paused adds the checkbox line. Owned by the caller. */
char *af_params_form_text(const struct af_params *, int paused);

/*
 * Reads an edited form: for each param its "name = value" line, the value
 * trimmed; an empty value keeps the default (NULL in values). The checkbox
 * is on when its box holds x or X. Lines starting with '#' and blank lines
 * are ignored; a line naming no param, or a param given twice, is an
 * error. Returns 0 with *values (params->n entries, each NULL or owned;
 * free with af_params_form_values_free) and *unpause, or -1 with *cause.
 */
int af_params_form_parse(const struct af_params *, const char *text, size_t len,
    char ***values, int *unpause, char **cause);
void af_params_form_values_free(char **values, size_t n);

#endif
