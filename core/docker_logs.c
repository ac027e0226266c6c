/* The Docker log stream demultiplexer (pure, incremental). */

#include "docker_logs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "timefmt.h"

void
docker_demux_init(struct docker_demux *d, int raw)
{
	int i;

	memset(d, 0, sizeof *d);
	d->raw = raw;
	d->stream = DOCKER_STREAM_STDOUT;
	for (i = 0; i < 4; i++)
		buf_init(&d->line[i]);
}

void
docker_demux_free(struct docker_demux *d)
{
	int i;

	for (i = 0; i < 4; i++)
		buf_free(&d->line[i]);
}

/* Hands out one line, without the '\r' a TTY sends before '\n'. */
static int
docker_demux_emit(struct docker_demux *d, int stream, const char *p, size_t n,
    docker_line_cb cb, void *arg)
{
	if (n > 0 && p[n - 1] == '\r')
		n--;
	d->lines++;
	return cb(stream, p, n, arg);
}

/* Splits payload bytes of one stream into lines. */
static int
docker_demux_payload(struct docker_demux *d, int stream, const char *p,
    size_t n, docker_line_cb cb, void *arg)
{
	struct buf *b = &d->line[stream & 3];
	const char *nl;
	size_t take, room;

	while (n > 0) {
		nl = memchr(p, '\n', n);
		take = nl != NULL ? (size_t)(nl - p) : n;
		room = DOCKER_LOG_MAX_LINE - b->len;
		if (take > room) {
			/* Too long: hand out a piece and keep going. */
			buf_add(b, p, room);
			p += room;
			n -= room;
			d->lines++;
			if (cb(stream, b->data, b->len, arg) != 0)
				return -1;
			buf_reset(b);
			continue;
		}
		if (nl == NULL) {
			buf_add(b, p, take);
			return 0;
		}
		if (b->len == 0) {
			/* The common case: a whole line in one read. */
			if (docker_demux_emit(d, stream, p, take, cb, arg) != 0)
				return -1;
		} else {
			buf_add(b, p, take);
			if (docker_demux_emit(
				d, stream, b->data, b->len, cb, arg) != 0)
				return -1;
			buf_reset(b);
		}
		p += take + 1;
		n -= take + 1;
	}
	return 0;
}

int
docker_demux_feed(struct docker_demux *d, const char *data, size_t len,
    docker_line_cb cb, void *arg)
{
	size_t take;

	if (d->error)
		return -1;
	if (d->raw)
		return docker_demux_payload(
		    d, DOCKER_STREAM_STDOUT, data, len, cb, arg);
	while (len > 0) {
		if (d->remaining == 0) {
			take = 8 - d->hdr_len;
			if (take > len)
				take = len;
			memcpy(d->hdr + d->hdr_len, data, take);
			d->hdr_len += take;
			data += take;
			len -= take;
			if (d->hdr_len < 8)
				return 0;
			d->hdr_len = 0;
			if (d->hdr[0] > DOCKER_STREAM_SYSERR ||
			    d->hdr[1] != 0 || d->hdr[2] != 0 ||
			    d->hdr[3] != 0) {
				d->error = 1;
				return -1;
			}
			d->stream = d->hdr[0];
			d->remaining = (uint32_t)d->hdr[4] << 24 |
				       (uint32_t)d->hdr[5] << 16 |
				       (uint32_t)d->hdr[6] << 8 |
				       (uint32_t)d->hdr[7];
			d->frames++;
			continue;
		}
		take = d->remaining < len ? d->remaining : len;
		if (docker_demux_payload(d, d->stream, data, take, cb, arg) !=
		    0)
			return -1;
		d->remaining -= (uint32_t)take;
		data += take;
		len -= take;
	}
	return 0;
}

int
docker_demux_flush(struct docker_demux *d, docker_line_cb cb, void *arg)
{
	int i, rc = 0;

	for (i = 0; i < 4; i++) {
		if (d->line[i].len == 0)
			continue;
		if (rc == 0 && docker_demux_emit(d, i, d->line[i].data,
				   d->line[i].len, cb, arg) != 0)
			rc = -1;
		buf_reset(&d->line[i]);
	}
	return rc;
}

void
docker_log_split_ts(
    const char *line, size_t len, double *t, const char **text, size_t *textlen)
{
	char ts[48];
	const char *sp;
	size_t n;

	*t = 0;
	*text = line;
	*textlen = len;
	if (len < 20 || line[4] != '-' || line[10] != 'T')
		return;
	sp = memchr(line, ' ', len < sizeof ts ? len : sizeof ts);
	n = sp != NULL ? (size_t)(sp - line) : len;
	if (n >= sizeof ts)
		return;
	memcpy(ts, line, n);
	ts[n] = '\0';
	if (time_parse_iso(ts, t) != 0) {
		*t = 0;
		return;
	}
	*text = sp != NULL ? sp + 1 : line + len;
	*textlen = sp != NULL ? len - n - 1 : 0;
}

size_t
docker_log_line_format(struct buf *out, const char *line, size_t len)
{
	struct buf tmp;
	size_t masks;

	buf_init(&tmp);
	sanitize_append(&tmp, line, len, SANITIZE_KEEP_TAB);
	masks =
	    redact_text_append(out, tmp.data != NULL ? tmp.data : "", tmp.len);
	buf_free(&tmp);
	return masks;
}

int
docker_since_parse(const char *s, double now, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return -1;
	if (time_parse_iso(s, out) == 0)
		return 0;
	v = strtod(s, &end);
	if (end == s || !(v >= 0 && v < 1e11))
		return -1;
	switch (*end) {
	case '\0':
		*out = v;
		return 0;
	case 's':
		break;
	case 'm':
		v *= 60;
		break;
	case 'h':
		v *= 3600;
		break;
	case 'd':
		v *= 86400;
		break;
	default:
		return -1;
	}
	if (end[1] != '\0')
		return -1;
	*out = now - v;
	return 0;
}

char *
docker_logs_query(const struct docker_logs_query *q)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, "stdout=1&stderr=1");
	if (q->timestamps)
		buf_adds(&b, "&timestamps=1");
	if (q->follow)
		buf_adds(&b, "&follow=1");
	if (q->tail >= 0)
		buf_printf(&b, "&tail=%ld", q->tail);
	if (q->since > 0)
		buf_printf(&b, "&since=%.0f", floor(q->since));
	if (q->until > 0)
		buf_printf(&b, "&until=%.0f", floor(q->until));
	return buf_detach(&b);
}
