/* Fuzz target: Snowflake XCom references and stage paths. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xcomref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct xcomref *r)
{
	if (r->kind == XCOMREF_TABLE && r->whole_table)
		return;
	if (r->dag_id == NULL || r->task_id == NULL || r->run_id == NULL ||
	    r->xcom_key == NULL || *r->dag_id == '\0')
		abort();
	if (r->kind == XCOMREF_STAGE && (r->ext == NULL || *r->ext == '\0'))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xcomref r;
	char *cause = NULL;
	int i;

	if (xcomref_parse((const char *)data, size, &r, &cause) == 0) {
		check(&r);
		if (r.object == NULL || strchr(r.object, '.') == NULL)
			abort();
		xcomref_free(&r);
	} else {
		if (cause == NULL || r.account != NULL)
			abort();
		free(cause);
	}
	(void)xcomref_is_candidate((const char *)data, size);
	for (i = 0; i < 2; i++) {
		cause = NULL;
		if (xcomref_parse_stage_path(
			(const char *)data, size, i, &r, &cause) == 0) {
			check(&r);
			xcomref_free(&r);
		} else {
			if (cause == NULL)
				abort();
			free(cause);
		}
	}
	return 0;
}
