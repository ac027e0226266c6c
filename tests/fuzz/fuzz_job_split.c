/* Fuzz target: the job output line splitter, under any chunking. */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct total {
	size_t bytes, lines;
};

static void
count_cb(const char *line, size_t len, void *arg)
{
	struct total *t = arg;

	if (len > JOB_MAX_LINE || (len > 0 && line == NULL))
		abort();
	if (memchr(line, '\n', len) != NULL)
		abort();
	t->bytes += len;
	t->lines++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct job_splitter a, b;
	struct total ta = { 0, 0 }, tb = { 0, 0 };
	size_t i, step;

	if (size == 0)
		return 0;
	/* The first byte picks a chunk size; whole and chunked must agree. */
	step = (size_t)data[0] % 17 + 1;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	job_splitter_feed(&a, (const char *)data + 1, size - 1, count_cb, &ta);
	job_splitter_flush(&a, count_cb, &ta);
	for (i = 1; i < size; i += step)
		job_splitter_feed(&b, (const char *)data + i,
		    size - i < step ? size - i : step, count_cb, &tb);
	job_splitter_flush(&b, count_cb, &tb);
	if (ta.bytes != tb.bytes || ta.lines != tb.lines)
		abort();
	return 0;
}
