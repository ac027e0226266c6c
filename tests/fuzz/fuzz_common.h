/* Shared by the fuzz targets: what display text may never contain. */

#ifndef SNOWDECK_FUZZ_COMMON_H
#define SNOWDECK_FUZZ_COMMON_H

#include <stddef.h>
#include <stdlib.h>

/* No byte below 0x20 but '\n' and '\t', no DEL and no ESC may survive. */
static inline void
fuzz_check_text(const char *s, size_t len)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			abort();
	}
}

#endif
