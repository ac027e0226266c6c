/* Fuzz target: the trigger form text (params_form.h) read back. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "params_form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char details[] =
    "{\"params\": {\"count\": {\"value\": 3, \"schema\": {\"type\": "
    "\"integer\", \"minimum\": 1}}, \"mode\": {\"value\": \"fast\", "
    "\"schema\": {\"type\": \"string\", \"enum\": [\"fast\", \"slow\"]}}, "
    "\"tags\": {\"value\": null, \"schema\": {\"type\": [\"array\", "
    "\"null\"]}}, \"who\": \"x\"}}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct af_params ps;
	char **vals = NULL, *cause = NULL, *conf = NULL, *form;
	int unpause = 0;

	if (af_params_parse(details, strlen(details), &ps, &cause) != 0)
		abort();
	if (af_params_form_parse(
		&ps, (const char *)data, size, &vals, &unpause, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
	} else {
		if (af_params_conf_from_form(&ps, (const char *const *)vals,
			&conf, &cause) == 0)
			free(conf);
		else
			free(cause);
		af_params_form_values_free(vals, ps.n);
	}
	/* The form text of these params always reads back. */
	form = af_params_form_text(&ps, 1);
	cause = NULL;
	if (af_params_form_parse(&ps, form, strlen(form), &vals, &unpause,
		&cause) != 0)
		abort();
	af_params_form_values_free(vals, ps.n);
	free(form);
	af_params_free(&ps);
	return 0;
}
