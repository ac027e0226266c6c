/* Fuzz target: the TOML configuration parser. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	char *cause = NULL;

	config_init(&c);
	if (config_parse_toml(&c, (const char *)data, size, 0, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
	}
	config_finish(&c);
	config_free(&c);
	return 0;
}
