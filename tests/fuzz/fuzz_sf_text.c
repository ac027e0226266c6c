/*
 * Fuzz target: the Snowflake text helpers: statement classification,
 * identifier and stage path splitting, dates, account identifiers.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_snowflake.h"
#include "sf_jwt.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1), *parts[3], *cause = NULL;
	char *db, *sc, *st, *pre;
	double t;
	int n, i;
	struct buf b;

	memcpy(s, data, size);
	s[size] = '\0';
	(void)sf_sql_classify(s);
	n = sf_ident_split(s, parts, 3, &cause);
	if (n < 0)
		free(cause);
	buf_init(&b);
	for (i = 0; i < n; i++) {
		sf_ident_quote(&b, parts[i]);
		free(parts[i]);
	}
	buf_free(&b);
	cause = NULL;
	if (sf_stage_path_split(s, "D", "S", &db, &sc, &st, &pre, &cause) ==
	    0) {
		free(db);
		free(sc);
		free(st);
		free(pre);
	} else
		free(cause);
	(void)sf_time_parse(s, &t);
	free(sf_jwt_account(s));
	free(s);
	return 0;
}
