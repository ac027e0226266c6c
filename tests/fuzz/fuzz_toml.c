/* Fuzz target: the TOML reader used for the Snowflake CLI files. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fuzz_cb(const char *table, const char *key, const char *value,
    enum toml_type type, void *arg, char **cause)
{
	size_t *n = arg;

	(void)cause;
	*n += strlen(table) + strlen(key) + strlen(value) + (size_t)type;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *cause = NULL;
	size_t n = 0;

	if (toml_parse((const char *)data, size, fuzz_cb, &n, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
	}
	return 0;
}
