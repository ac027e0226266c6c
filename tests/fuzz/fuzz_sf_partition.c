/*
 * Fuzz target: a result partition read two ways (core/json_snowflake.c):
 * straight from the bytes (json_sf_partition_parse_fast) and through a
 * cJSON tree (json_sf_partition_parse_tree), for 0, 1 and 4 columns.
 * Invariant: when the fast reader takes the input (0, or -1 for a row that
 * is not an array), the tree reader hands exactly the same rows, cell for
 * cell, with the same outcome and count; when it leaves the input (1), it
 * has called nothing.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_snowflake.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every row as text: 'R', then per cell 'N', or 'S' and the bytes, NUL. */
static int
fuzz_collect(const char *const *cells, size_t ncols, void *arg, char **cause)
{
	struct buf *b = arg;
	size_t i;

	(void)cause;
	buf_addc(b, 'R');
	for (i = 0; i < ncols; i++) {
		if (cells[i] == NULL)
			buf_addc(b, 'N');
		else {
			buf_addc(b, 'S');
			buf_add(b, cells[i], strlen(cells[i]) + 1);
		}
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t widths[] = { 0, 1, 4 };
	const char *in = (const char *)data;
	struct buf fast, tree;
	char *c1 = NULL, *c2 = NULL;
	size_t w, n1, n2;
	int r1, r2;

	for (w = 0; w < sizeof widths / sizeof widths[0]; w++) {
		buf_init(&fast);
		buf_init(&tree);
		r1 = json_sf_partition_parse_fast(
		    in, size, widths[w], fuzz_collect, &fast, &n1, &c1);
		if (r1 == 1) {
			if (fast.len != 0 || n1 != 0 || c1 != NULL)
				abort();
		} else {
			r2 = json_sf_partition_parse_tree(in, size, widths[w],
			    fuzz_collect, &tree, &n2, &c2);
			if (r1 != r2 || n1 != n2 || fast.len != tree.len ||
			    (fast.len > 0 &&
				memcmp(fast.data, tree.data, fast.len) != 0))
				abort();
			if ((c1 == NULL) != (c2 == NULL) ||
			    (c1 != NULL && strcmp(c1, c2) != 0))
				abort();
		}
		free(c1);
		free(c2);
		c1 = c2 = NULL;
		buf_free(&fast);
		buf_free(&tree);
	}
	return 0;
}
