/* Fuzz target: finding XCom references and table pointers in a value. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xcom_resolve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xres x;
	size_t i;

	memset(&x, 0, sizeof x);
	if (xres_find((const char *)data, size, &x) != x.n)
		abort();
	for (i = 0; i < x.n; i++) {
		if (x.v[i].reference == NULL)
			abort();
		if (x.v[i].kind != XRES_OBJECT_STORAGE && x.v[i].object == NULL)
			abort();
	}
	xres_free(&x);
	return 0;
}
