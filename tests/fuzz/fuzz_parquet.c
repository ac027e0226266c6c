/* Fuzz target: the parquet footer reader (Thrift compact protocol). */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parquet_meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pq_meta m;
	char *cause = NULL, *buf;

	/* As given, and framed as a file around the input as its footer. */
	if (pq_meta_parse((const char *)data, size, &m, &cause) == 0)
		pq_meta_free(&m);
	else {
		if (cause == NULL)
			abort();
		free(cause);
	}
	buf = malloc(size + 12);
	if (buf == NULL)
		return 0;
	memcpy(buf, "PAR1", 4);
	memcpy(buf + 4, data, size);
	buf[size + 4] = (char)(size & 0xff);
	buf[size + 5] = (char)((size >> 8) & 0xff);
	buf[size + 6] = (char)((size >> 16) & 0xff);
	buf[size + 7] = (char)((size >> 24) & 0xff);
	memcpy(buf + size + 8, "PAR1", 4);
	cause = NULL;
	if (pq_meta_parse(buf, size + 12, &m, &cause) == 0)
		pq_meta_free(&m);
	else
		free(cause);
	free(buf);
	return 0;
}
