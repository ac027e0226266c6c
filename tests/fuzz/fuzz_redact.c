/* Fuzz target: the secret redactor, over text and over JSON trees. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "sanitize.h"
#include "util.h"

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every member named like a secret holds "***", null or a boolean. */
static void
fuzz_check_tree(const cJSON *it)
{
	const cJSON *c;

	for (c = it->child; c != NULL; c = c->next) {
		if (cJSON_IsObject(it) && c->string != NULL &&
		    redact_key_is_secret(c->string) && !cJSON_IsNull(c) &&
		    !cJSON_IsBool(c) &&
		    (!cJSON_IsString(c) || strcmp(c->valuestring, "***") != 0))
			abort();
		fuzz_check_tree(c);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf clean, once, twice;
	char *a, *b;
	cJSON *root;

	/* Raw bytes: no crash, and a second pass changes nothing. */
	buf_init(&once);
	buf_init(&twice);
	redact_text_append(&once, (const char *)data, size);
	redact_text_append(&twice, once.data, once.len);
	if (twice.len != once.len || memcmp(twice.data, once.data, once.len))
		abort();
	buf_free(&once);
	buf_free(&twice);

	/* Sanitized text stays terminal-safe through the redactor. */
	buf_init(&clean);
	buf_init(&once);
	buf_init(&twice);
	sanitize_append(&clean, (const char *)data, size,
	    SANITIZE_KEEP_NL | SANITIZE_KEEP_TAB);
	redact_text_append(&once, clean.data, clean.len);
	fuzz_check_text(once.data, once.len);
	redact_text_append(&twice, once.data, once.len);
	if (twice.len != once.len || memcmp(twice.data, once.data, once.len))
		abort();
	buf_free(&clean);
	buf_free(&once);
	buf_free(&twice);

	/* JSON: secrets masked, and masking again is stable. */
	root = cJSON_ParseWithLength((const char *)data, size);
	if (root != NULL) {
		redact_json_tree(root);
		fuzz_check_tree(root);
		a = cJSON_PrintUnformatted(root);
		redact_json_tree(root);
		b = cJSON_PrintUnformatted(root);
		if (a != NULL && b != NULL && strcmp(a, b) != 0)
			abort();
		cJSON_free(a);
		cJSON_free(b);
		cJSON_Delete(root);
	}
	return 0;
}
