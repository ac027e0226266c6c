/* Fuzz target: the theme file parser (themes/ *.theme). */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme th;
	char *cause = NULL;
	int i;

	if (theme_parse((const char *)data, size, &th, &cause) != 0) {
		/* A failure always says why, and leaves the default. */
		if (cause == NULL)
			abort();
		free(cause);
	}
	for (i = 0; i < THEME_NSLOTS; i++) {
		if (th.slot[i].fg < -1 || th.slot[i].fg > 255 ||
		    th.slot[i].bg < -1 || th.slot[i].bg > 255)
			abort();
	}
	return 0;
}
