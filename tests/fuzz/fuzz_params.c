/* Fuzz target: DAG params parsing and conf validation. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct af_params ps;
	const char **vals;
	char *cause = NULL, *conf = NULL, *text;
	size_t i;

	if (af_params_parse((const char *)data, size, &ps, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
		return 0;
	}
	/* The input doubles as conf text and as every form value. */
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	cause = NULL;
	if (af_params_validate(&ps, text, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
	}
	vals = calloc(ps.n + 1, sizeof *vals);
	for (i = 0; i < ps.n; i++)
		vals[i] = i % 2 ? text : ps.v[i].name;
	cause = NULL;
	if (af_params_conf_from_form(&ps, vals, &conf, &cause) == 0)
		free(conf);
	else {
		if (cause == NULL)
			abort();
		free(cause);
	}
	free(vals);
	free(text);
	af_params_free(&ps);
	return 0;
}
