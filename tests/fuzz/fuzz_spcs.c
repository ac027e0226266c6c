/*
 * Fuzz target: the SPCS parsers (the deprecated status value, the REST
 * logs answer, container rows cut from the input) and the log merge, fed
 * the input as two successive snapshots. Nothing stored or emitted may
 * carry a control character (tabs kept in log lines); the merge never
 * emits more lines than the snapshot holds.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "spcs.h"
#include "svc.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check_str(const char *s)
{
	unsigned char c;

	for (; s != NULL && *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			abort();
	}
}

static void
fuzz_check_svcs(const struct svcs *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		fuzz_check_str(c->v[i].id);
		fuzz_check_str(c->v[i].name);
		fuzz_check_str(c->v[i].service);
		fuzz_check_str(c->v[i].project);
		fuzz_check_str(c->v[i].image);
		fuzz_check_str(c->v[i].status);
		fuzz_check_str(c->v[i].message);
		fuzz_check_str(c->v[i].instance);
	}
}

static void
fuzz_line(const char *line, void *arg)
{
	size_t *n = arg;

	fuzz_check_text(line, strlen(line));
	if (strchr(line, '\n') != NULL)
		abort();
	(*n)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *b = (const char *)data;
	const char *cells[SPCS_CF_N];
	char *text = NULL, *cause = NULL, *copy, *p;
	struct spcs_logtail t;
	struct svcs c;
	size_t tlen, half, emitted, n, i, lines;
	int gap;

	svcs_init(&c);
	if (spcs_status_parse(b, size, "DB", "SC", &c, &cause) != 0)
		free(cause);
	cause = NULL;
	/* Container rows: the input cut at NUL bytes into cells. */
	copy = xmalloc(size + 1);
	memcpy(copy, b, size);
	copy[size] = '\0';
	for (i = 0, p = copy; i < SPCS_CF_N; i++) {
		cells[i] = p < copy + size ? p : NULL;
		if (p < copy + size)
			p += strlen(p) + 1;
	}
	spcs_container_row(&c, cells, SPCS_CF_N);
	free(copy);
	fuzz_check_svcs(&c);
	svcs_free(&c);
	if (spcs_logs_body_parse(b, size, &text, &tlen, &cause) == 0)
		free(text);
	else
		free(cause);
	/* Two snapshots: the first half, then the whole input. */
	half = size / 2;
	for (i = 0; i < 2; i++) {
		spcs_logtail_init(&t);
		t.first_tail = i;
		n = 0;
		emitted = spcs_logtail_merge(
		    &t, b, half, i == 0 ? 0 : 4, fuzz_line, &n, &gap);
		if (emitted != n)
			abort();
		n = 0;
		emitted = spcs_logtail_merge(
		    &t, b, size, i == 0 ? 0 : 4, fuzz_line, &n, &gap);
		for (lines = 0, tlen = 0; tlen < size; tlen++)
			lines += b[tlen] == '\n';
		if (emitted != n || n > lines + 1)
			abort();
		spcs_logtail_free(&t);
	}
	return 0;
}
