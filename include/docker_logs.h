/*
 * The Docker log stream demultiplexer: a pure, incremental parser over the
 * bytes of GET /containers/{id}/logs (or attach). Without a TTY the engine
 * frames the stream: an 8-byte header (stream type 0 stdin, 1 stdout,
 * 2 stderr, 3 system error; three zero bytes; a big-endian 32-bit payload
 * length) before each payload. With a TTY the stream is raw bytes (stdout).
 * Frames and lines may be split across reads at any byte; the parser keeps
 * what it needs between calls and hands out whole lines.
 *
 * Lines are handed out raw (without the '\n'); whoever shows them runs
 * them through the sanitizer (docker_log_line_format does).
 */

#ifndef SNOWDECK_DOCKER_LOGS_H
#define SNOWDECK_DOCKER_LOGS_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define DOCKER_STREAM_STDIN  0
#define DOCKER_STREAM_STDOUT 1
#define DOCKER_STREAM_STDERR 2
#define DOCKER_STREAM_SYSERR 3

/* A line longer than this is handed out in pieces of this size. */
#define DOCKER_LOG_MAX_LINE (64 * 1024)

/* One whole line (borrowed bytes, no '\n'); return 0, or -1 to stop. */
typedef int (*docker_line_cb)(
    int stream, const char *line, size_t len, void *arg);

struct docker_demux {
	int raw;              /* TTY: no framing */
	unsigned char hdr[8]; /* partial header */
	size_t hdr_len;
	uint32_t remaining; /* payload bytes left in the current frame */
	int stream;         /* of the current frame */
	struct buf line[4]; /* partial line per stream */
	uint64_t frames;    /* frames seen */
	uint64_t lines;     /* lines handed out */
	int error;          /* a malformed header was seen */
};

/* Initialises d; raw is 1 when the container has a TTY. */
void docker_demux_init(struct docker_demux *d, int raw);
void docker_demux_free(struct docker_demux *d);

/*
 * Feeds len bytes. Calls cb for every line completed. Returns 0; -1 when a
 * header is malformed (a stream type above 3 or non-zero padding: the
 * stream is not framed as announced; d->error is set and later calls
 * return -1) or when cb asked to stop.
 */
int docker_demux_feed(struct docker_demux *d, const char *data, size_t len,
    docker_line_cb cb, void *arg);

/* Hands out the partial lines left at the end of the stream. */
int docker_demux_flush(struct docker_demux *d, docker_line_cb cb, void *arg);

/*
 * Splits an RFC 3339 timestamp prefix ("2026-12-01T13:41:34.123Z text")
 * off a line requested with timestamps=1: *t gets the time (0 when there is
 * none) and the text after the space is returned through *text and *textlen.
 */
void docker_log_split_ts(const char *line, size_t len, double *t,
    const char **text, size_t *textlen);

/* What to ask GET /containers/{id}/logs for. */
struct docker_logs_query {
	int follow;     /* stream new lines as they come */
	int timestamps; /* prefix each line with its RFC 3339 time */
	long tail;      /* the last N lines only; -1 = all */
	double since;   /* epoch seconds; lines at or after; 0 = all */
	double until;   /* epoch seconds; lines before (the previous run's
			   end is the current start); 0 = all */
};

/*
 * The query string of one logs request (stdout and stderr both), built by
 * the console's log pane and follow, and the headless logs command alike.
 * Returns an allocated string the caller frees. Pure.
 */
char *docker_logs_query(const struct docker_logs_query *q);

/*
 * Parses a --since value into seconds since the epoch: a duration back
 * from now ("90s", "10m", "2h", "1d"), a Unix time ("1796132489"), or an
 * ISO-8601 time. Returns 0, or -1 when s is none of these.
 */
int docker_since_parse(const char *s, double now, double *out);

/*
 * Appends the terminal-safe form of one log line to out: sanitized (tabs
 * kept) and with secrets masked. Returns the number of masks applied.
 */
size_t docker_log_line_format(struct buf *out, const char *line, size_t len);

#endif
