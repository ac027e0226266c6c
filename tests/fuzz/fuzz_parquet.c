/* Fuzz target: parquet footers (Thrift compact protocol). */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "parquet.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pq_meta m;
	struct buf b;
	char *cause = NULL;

	if (size >= 8)
		(void)pq_footer_size(data + size - 8);
	if (pq_footer_parse(data, size, &m, &cause) == 0) {
		buf_init(&b);
		pq_meta_text(&m, &b);
		buf_free(&b);
		pq_meta_free(&m);
	} else {
		if (cause == NULL)
			abort();
		free(cause);
	}
	return 0;
}
