/* Airflow operator actions for v1 and v2. */

#include "actions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "airflow.h"
#include "json_airflow.h"
#include "util.h"

struct actions_ctx {
	enum af_action act;
	char *target;
	char *run_id;
	af_action_cb cb;
	void *arg;
};

static const char *const actions_names[] = {
	[AF_ACT_TRIGGER] = "trigger",
	[AF_ACT_PAUSE] = "pause",
	[AF_ACT_UNPAUSE] = "unpause",
	[AF_ACT_CLEAR] = "clear",
	[AF_ACT_MARK_SUCCESS] = "mark-success",
	[AF_ACT_MARK_FAILED] = "mark-failed",
};

const char *
af_action_name(enum af_action a)
{
	if ((size_t)a >= nitems(actions_names))
		return "action";
	return actions_names[a];
}

char *
af_action_target(enum af_action a, const struct af_action_args *x)
{
	switch (a) {
	case AF_ACT_TRIGGER:
	case AF_ACT_PAUSE:
	case AF_ACT_UNPAUSE:
		return xasprintf("dag %s", x->dag_id);
	default:
		if (x->map_index >= 0)
			return xasprintf("dag %s run %s task %s[%d]", x->dag_id,
			    x->run_id, x->task_id, x->map_index);
		return xasprintf(
		    "dag %s run %s task %s", x->dag_id, x->run_id, x->task_id);
	}
}

int
af_conf_validate(const char *conf, char **cause)
{
	cJSON *j;
	const char *p;

	if (conf == NULL)
		return 0;
	for (p = conf; *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'; p++)
		;
	if (*p == '\0')
		return 0;
	/* Trailing text after the object ("{}x") is not JSON either. */
	j = cJSON_ParseWithOpts(conf, NULL, 1);
	if (j == NULL) {
		if (cause != NULL)
			*cause = xstrdup("conf is not valid JSON: fix it or "
					 "leave it empty");
		return -1;
	}
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		if (cause != NULL)
			*cause = xstrdup("conf must be a JSON object, like "
					 "{\"key\": \"value\"}");
		return -1;
	}
	cJSON_Delete(j);
	return 0;
}

static void
actions_done(const struct af_result *r, void *arg)
{
	struct actions_ctx *c = arg;
	char *msg;
	int err = r->error;

	/*
	 * A trigger carries a run id we chose, so a retried request that
	 * finds the run already there means the first attempt succeeded.
	 */
	if (err && c->act == AF_ACT_TRIGGER && r->status == 409 &&
	    r->attempts > 1)
		err = 0;
	if (err)
		msg = xasprintf("%s %s failed: %s", af_action_name(c->act),
		    c->target, r->cause);
	else if (c->act == AF_ACT_TRIGGER)
		msg = xasprintf("triggered %s: run %s", c->target, c->run_id);
	else
		msg =
		    xasprintf("%s %s: done", af_action_name(c->act), c->target);
	/* The error value is the refusing HTTP status where there is one
	 * (403: the user lacks the permission), else 1. */
	if (err)
		err = r->status >= 400 && r->status <= 599 ? (int)r->status : 1;
	if (c->cb != NULL)
		c->cb(err, msg, r->body, r->len, c->arg);
	free(msg);
	free(c->target);
	free(c->run_id);
	free(c);
}

struct af_op *
af_action_start(struct airflow *af, enum af_action act,
    const struct af_action_args *x, af_action_cb cb, void *arg, char **cause)
{
	struct actions_ctx *c;
	cJSON *body = NULL, *ids, *pair;
	char *path = NULL, *txt, *query = NULL, mi[16];
	const char *method = "POST";
	struct af_op *op;
	int api = airflow_api(af);

	if (x->dag_id == NULL || *x->dag_id == '\0') {
		if (cause != NULL)
			*cause = xstrdup("no DAG given");
		return NULL;
	}
	if (act >= AF_ACT_CLEAR && (x->run_id == NULL || x->task_id == NULL)) {
		if (cause != NULL)
			*cause =
			    xstrdup("a task action needs a run and a task");
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->act = act;
	c->target = af_action_target(act, x);
	c->cb = cb;
	c->arg = arg;
	body = cJSON_CreateObject();
	switch (act) {
	case AF_ACT_TRIGGER:
		if (af_conf_validate(x->conf, cause) != 0)
			goto fail;
		c->run_id = x->run_id != NULL ? xstrdup(x->run_id)
					      : airflow_new_run_id();
		path = url_path("/dags", x->dag_id, "/dagRuns", NULL);
		cJSON_AddStringToObject(body, "dag_run_id", c->run_id);
		/* Airflow 3 requires the key, even when null. */
		if (api != 1)
			cJSON_AddNullToObject(body, "logical_date");
		if (x->conf != NULL &&
		    strspn(x->conf, " \t\r\n") < strlen(x->conf))
			cJSON_AddItemToObject(
			    body, "conf", cJSON_Parse(x->conf));
		break;
	case AF_ACT_PAUSE:
	case AF_ACT_UNPAUSE:
		method = "PATCH";
		path = url_path("/dags", x->dag_id, NULL);
		query = xstrdup("update_mask=is_paused");
		cJSON_AddBoolToObject(body, "is_paused", act == AF_ACT_PAUSE);
		break;
	case AF_ACT_CLEAR:
		path =
		    url_path("/dags", x->dag_id, "/clearTaskInstances", NULL);
		cJSON_AddFalseToObject(body, "dry_run");
		cJSON_AddStringToObject(body, "dag_run_id", x->run_id);
		ids = cJSON_AddArrayToObject(body, "task_ids");
		if (x->map_index >= 0 && api == 2) {
			pair = cJSON_CreateArray();
			cJSON_AddItemToArray(
			    pair, cJSON_CreateString(x->task_id));
			cJSON_AddItemToArray(
			    pair, cJSON_CreateNumber(x->map_index));
			cJSON_AddItemToArray(ids, pair);
		} else
			cJSON_AddItemToArray(
			    ids, cJSON_CreateString(x->task_id));
		cJSON_AddFalseToObject(body, "only_failed");
		cJSON_AddTrueToObject(body, "reset_dag_runs");
		break;
	case AF_ACT_MARK_SUCCESS:
	case AF_ACT_MARK_FAILED:
		method = "PATCH";
		if (x->map_index >= 0 && api == 2) {
			snprintf(mi, sizeof mi, "%d", x->map_index);
			path =
			    url_path("/dags", x->dag_id, "/dagRuns", x->run_id,
				"/taskInstances", x->task_id, "", mi, NULL);
		} else
			path = url_path("/dags", x->dag_id, "/dagRuns",
			    x->run_id, "/taskInstances", x->task_id, NULL);
		if (api == 1)
			cJSON_AddFalseToObject(body, "dry_run");
		cJSON_AddStringToObject(body, "new_state",
		    act == AF_ACT_MARK_SUCCESS ? "success" : "failed");
		break;
	}
	txt = cJSON_PrintUnformatted(body);
	cJSON_Delete(body);
	/* Every action here is safe to resend: a trigger carries our run
	 * id, the rest set absolute states. */
	op = airflow_call(
	    af, method, path, query, txt, AF_IDEMPOTENT, actions_done, c);
	cJSON_free(txt);
	free(path);
	free(query);
	return op;
fail:
	cJSON_Delete(body);
	free(c->target);
	free(c->run_id);
	free(c);
	return NULL;
}
