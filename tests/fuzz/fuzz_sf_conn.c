/*
 * Fuzz target: Snowflake connection parsing: the Airflow connection (JSON
 * and URI forms), the Snowflake CLI TOML files and the final checks.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sf_conn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sf_conn c;
	char *cause = NULL, *def = NULL;
	int found = 0;

	sf_conn_init(&c);
	if (sf_conn_from_airflow(&c, (const char *)data, size, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
		cause = NULL;
	}
	/* Token files are not read: no token_file_path from fuzz data. */
	free(c.token_file_path);
	c.token_file_path = NULL;
	if (sf_conn_finish(&c, NULL, &cause) != 0)
		free(cause);
	cause = NULL;
	sf_conn_free(&c);

	sf_conn_init(&c);
	if (sf_conn_from_toml(&c, (const char *)data, size, NULL, &found, &def,
		&cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
	}
	free(def);
	sf_conn_free(&c);
	return 0;
}
