/*
 * DAG params as a trigger form: parsed from a DAG details response
 * (GET /api/v2/dags/{id}/details or /api/v1/dags/{id}/details, "params":
 * {"name": {"value": …, "description": …, "schema": {…}}} or bare values),
 * turned from the text typed in a form into a conf object, and checked
 * before anything is sent: types, enums, bounds, required fields. Airflow
 * validates again on its side; this catches mistakes while the form is
 * still open. Pure functions; strings from the server are sanitized.
 */

#ifndef SNOWDECK_PARAMS_H
#define SNOWDECK_PARAMS_H

#include <stddef.h>

enum af_ptype {
	AF_P_ANY,
	AF_P_STRING,
	AF_P_INTEGER,
	AF_P_NUMBER,
	AF_P_BOOLEAN,
	AF_P_ARRAY,
	AF_P_OBJECT
};

struct af_param {
	char *name;        /* sanitized */
	char *description; /* sanitized, or NULL */
	enum af_ptype type;
	int nullable;       /* the schema allows null */
	char *default_json; /* JSON text of the default, NULL when none */
	char **enums;       /* JSON texts of the allowed values */
	size_t nenum;
	int has_min, has_max;
	double min, max;
	long min_len, max_len; /* strings; -1 when unset */
	int required;          /* no default and null not allowed */
};

struct af_params {
	struct af_param *v;
	size_t n;
};

/* Parses the details body. No "params" is an empty set, not an error.
 * Returns 0, or -1 with *cause for malformed JSON. */
int af_params_parse(
    const char *body, size_t len, struct af_params *out, char **cause);
void af_params_free(struct af_params *);

/* The type's name as the form shows it ("integer", "string", …). */
const char *af_ptype_name(enum af_ptype);

/*
 * Builds a conf object from a form: values[i] is the text typed for
 * params->v[i], or NULL to keep the default. Text is read by the param's
 * type (integers, numbers, true/false, JSON for arrays and objects; for
 * untyped params JSON when it parses, else a string). The result is
 * validated (af_params_validate). Returns 0 with *conf (JSON text, owned),
 * or -1 with *cause naming the param and what is wrong.
 */
int af_params_conf_from_form(const struct af_params *,
    const char *const *values, char **conf, char **cause);

/*
 * Checks conf (a JSON object's text, NULL or "" for none) against the
 * params, each param's value being conf's or else its default: required
 * present, type, enum, minimum/maximum, minLength/maxLength. Keys conf has
 * beyond the params are allowed. Returns 0 or -1 with *cause.
 */
int af_params_validate(
    const struct af_params *, const char *conf, char **cause);

#endif
