/* Output of the headless commands (see cli_out.h). */

#include "cli_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "sanitize.h"
#include "util.h"

void
cli_out_json(cJSON *doc)
{
	char *txt = cJSON_Print(doc);
	struct buf safe;

	if (txt != NULL) {
		/* Escaped, not dropped: scripts still get the exact values. */
		buf_init(&safe);
		sanitize_json_append(&safe, txt, strlen(txt));
		fputs(safe.data != NULL ? safe.data : "", stdout);
		fputc('\n', stdout);
		buf_free(&safe);
		cJSON_free(txt);
	}
	cJSON_Delete(doc);
}

void
cli_out_table(const char *const *hdr, size_t ncol, char ***rows, size_t nrows)
{
	size_t *w, i, j, l;
	const char *cell;

	w = xcalloc(ncol > 0 ? ncol : 1, sizeof *w);
	for (j = 0; j < ncol; j++)
		w[j] = strlen(hdr[j]);
	for (i = 0; i < nrows; i++) {
		for (j = 0; j < ncol; j++) {
			l = rows[i][j] != NULL ? strlen(rows[i][j]) : 4;
			if (l > w[j])
				w[j] = l;
		}
	}
	for (j = 0; j < ncol; j++)
		printf("%-*s%s", j + 1 < ncol ? (int)w[j] : 0, hdr[j],
		    j + 1 < ncol ? "  " : "\n");
	for (i = 0; i < nrows; i++) {
		for (j = 0; j < ncol; j++) {
			cell = rows[i][j] != NULL ? rows[i][j] : "NULL";
			printf("%-*s%s", j + 1 < ncol ? (int)w[j] : 0, cell,
			    j + 1 < ncol ? "  " : "\n");
		}
	}
	free(w);
}

void
cli_out_rows_free(char ***rows, size_t nrows, size_t ncol)
{
	size_t i, j;

	for (i = 0; i < nrows; i++) {
		for (j = 0; j < ncol; j++)
			free(rows[i][j]);
		free(rows[i]);
	}
	free(rows);
}
