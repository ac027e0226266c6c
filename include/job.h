/*
 * External jobs: operator-configured commands (the seed's
 * "python include/utils/setup_snowflake.py …", "astro dev restart", …) run
 * as libuv child processes. Output is streamed line by line to a callback
 * and kept in a bounded ring for the job pane; the exit status or signal is
 * reported once. A job runs in a process group of its own (its own session)
 * so that cancelling it stops everything it started. Commands are argument
 * vectors executed directly; a shell is used only when the spec asks for
 * one (spec->shell), never implicitly.
 *
 * Nothing here blocks the loop: reads are uv_pipe streams, the exit is
 * uv_process's exit callback, the kill grace period is a uv_timer.
 */

#ifndef SNOWDECK_JOB_H
#define SNOWDECK_JOB_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#define JOB_MAX_LINE 4096 /* longer lines are split */
#define JOB_RING_MAX 2000 /* lines kept per job */
#define JOB_GRACE_MS 3000 /* SIGTERM to SIGKILL on cancel */

enum job_state { JOB_RUNNING, JOB_EXITED, JOB_FAILED, JOB_CANCELLED };

/* Which stream a line came from. */
enum job_stream { JOB_STDOUT = 1, JOB_STDERR = 2 };

struct job;

/* A line of output: not NUL-terminated past len, raw bytes (sanitize before
 * display). Valid only during the call. */
typedef void (*job_line_cb)(
    struct job *, enum job_stream, const char *line, size_t len, void *arg);
/* The job ended: exit_status >= 0 when it exited, term_signal > 0 when a
 * signal ended it. Called once; the job may be freed from here. */
typedef void (*job_done_cb)(
    struct job *, int64_t exit_status, int term_signal, void *arg);

struct job_spec {
	const char *name;        /* shown in the pane and the audit file */
	const char *const *argv; /* argv[0] searched in PATH; NULL-terminated */
	const char *cwd;         /* NULL: inherit */
	int shell;               /* run "/bin/sh -c argv[0]" (opt-in only) */
};

/* One kept line. */
struct job_line {
	enum job_stream stream;
	double at;  /* wall clock seconds */
	char *text; /* raw bytes as received, NUL-terminated */
	size_t len;
};

/*
 * Starts spec on loop. The spec is copied. line_cb may be NULL. Returns 0
 * with *out (owned by the caller: job_free) or -1 with *cause naming the
 * command and the OS error (e.g. "cannot run \"nosuch\": no such file or
 * directory").
 */
int job_start(struct job **out, uv_loop_t *loop, const struct job_spec *spec,
    job_line_cb line_cb, job_done_cb done_cb, void *arg, char **cause);

/*
 * Cancels a running job: SIGTERM to its process group, SIGKILL to the group
 * after grace_ms (0: JOB_GRACE_MS) if it has not exited. The done callback
 * still runs, and the state becomes JOB_CANCELLED. Returns 0, or -1 when
 * the job is not running.
 */
int job_cancel(struct job *, unsigned grace_ms);

/*
 * Frees the job. A running job is killed (its group gets SIGKILL) first.
 * Handle closes complete on the next loop turns; the memory is released
 * from the last close callback, so the loop must keep running (it does:
 * the app's loop, or a test's uv_run) until then.
 */
void job_free(struct job *);

enum job_state job_state(const struct job *);
const char *job_name(const struct job *);
/* The command as one display string, arguments quoted where needed. */
const char *job_command(const struct job *);
int job_pid(const struct job *);
int64_t job_exit_status(const struct job *);
int job_term_signal(const struct job *);
double job_started(const struct job *);
double job_ended(const struct job *); /* 0 while running */

/* The kept lines, oldest first: index 0 .. job_nlines()-1. dropped counts
 * lines that fell out of the ring. */
size_t job_nlines(const struct job *);
const struct job_line *job_line(const struct job *, size_t i);
uint64_t job_dropped(const struct job *);

/*
 * The pure part: splits a byte stream into lines. Feed any chunking; each
 * complete line (without its "\n" or "\r\n") goes to cb; lines longer than
 * JOB_MAX_LINE are cut into pieces of that size. job_splitter_flush()
 * emits a final line without a newline.
 */
struct job_splitter {
	char buf[JOB_MAX_LINE];
	size_t len;
};
typedef void (*job_split_cb)(const char *line, size_t len, void *arg);
void job_splitter_feed(struct job_splitter *, const char *data, size_t len,
    job_split_cb cb, void *arg);
void job_splitter_flush(struct job_splitter *, job_split_cb cb, void *arg);

#endif
