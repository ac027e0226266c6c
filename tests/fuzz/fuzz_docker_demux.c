/*
 * Fuzz target: the Docker log stream demultiplexer. The first byte picks
 * raw (TTY) or framed mode and two cut points; the rest is the stream.
 * The lines from one feed and from three split feeds must be identical, no
 * line may exceed the cap, and the displayed form of each line must carry
 * no control character.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "docker_logs.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fuzz_line(int stream, const char *line, size_t len, void *arg)
{
	struct buf *b = arg, shown;
	size_t i;
	unsigned char c;

	if (len > DOCKER_LOG_MAX_LINE || stream < 0 || stream > 3)
		abort();
	buf_printf(b, "%d:%zu:", stream, len);
	buf_add(b, line, len);
	buf_init(&shown);
	docker_log_line_format(&shown, line, len);
	for (i = 0; i < shown.len; i++) {
		c = (unsigned char)shown.data[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			abort();
	}
	buf_free(&shown);
	return 0;
}

static int
fuzz_run(const char *s, size_t len, int raw, size_t a, size_t b,
    struct buf *out)
{
	struct docker_demux d;
	int rc = 0;

	docker_demux_init(&d, raw);
	if (docker_demux_feed(&d, s, a, fuzz_line, out) != 0 ||
	    docker_demux_feed(&d, s + a, b - a, fuzz_line, out) != 0 ||
	    docker_demux_feed(&d, s + b, len - b, fuzz_line, out) != 0)
		rc = -1;
	docker_demux_flush(&d, fuzz_line, out);
	docker_demux_free(&d);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf whole, split;
	const char *s;
	size_t len, a, b;
	int raw, r1, r2;

	if (size < 3)
		return 0;
	raw = data[0] & 1;
	s = (const char *)data + 3;
	len = size - 3;
	a = len > 0 ? data[1] % (len + 1) : 0;
	b = len > 0 ? a + data[2] % (len - a + 1) : 0;
	buf_init(&whole);
	buf_init(&split);
	r1 = fuzz_run(s, len, raw, len, len, &whole);
	r2 = fuzz_run(s, len, raw, a, b, &split);
	if (r1 != r2 || whole.len != split.len ||
	    (whole.len > 0 && memcmp(whole.data, split.data, whole.len) != 0))
		abort();
	buf_free(&whole);
	buf_free(&split);
	return 0;
}
