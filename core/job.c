/*
 * External jobs as libuv child processes (see job.h). Lifetime: the job
 * owns a process handle, two pipes and a timer; the done callback runs once
 * the process has exited and both pipes reached EOF (or EOF did not come
 * within JOB_DRAIN_MS of the exit: a grandchild holding the pipe open must
 * not keep the job "running"). job_free() closes the handles and the memory
 * goes with the last close callback.
 */

#include "job.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "util.h"

#define JOB_DRAIN_MS 500

struct job_pipe {
	uv_pipe_t pipe;
	struct job *job;
	enum job_stream stream;
	struct job_splitter split;
	int open; /* reading, no EOF yet */
	char rbuf[16384];
};

struct job {
	uv_loop_t *loop;
	char *name;
	char *command;
	char **argv;

	uv_process_t proc;
	struct job_pipe out, err;
	uv_timer_t timer; /* kill grace, then drain wait */
	int nclosing;     /* handles whose close callback is pending */
	int handles_open; /* the handles were initialised */

	enum job_state state;
	int exited; /* exit callback seen */
	int cancelled;
	int freed;
	int reported;
	int pid;
	int64_t exit_status;
	int term_signal;
	double started, ended;

	struct job_line *ring;
	size_t ring_head, ring_count;
	uint64_t dropped;

	job_line_cb line_cb;
	job_done_cb done_cb;
	void *arg;
};

/* Line splitting (pure). */

void
job_splitter_feed(struct job_splitter *s, const char *data, size_t len,
    job_split_cb cb, void *arg)
{
	size_t i, n;

	for (i = 0; i < len; i++) {
		if (data[i] == '\n') {
			n = s->len;
			if (n > 0 && s->buf[n - 1] == '\r')
				n--;
			cb(s->buf, n, arg);
			s->len = 0;
			continue;
		}
		if (s->len == sizeof s->buf) {
			cb(s->buf, s->len, arg);
			s->len = 0;
		}
		s->buf[s->len++] = data[i];
	}
}

void
job_splitter_flush(struct job_splitter *s, job_split_cb cb, void *arg)
{
	if (s->len > 0) {
		cb(s->buf, s->len, arg);
		s->len = 0;
	}
}

/* The display string of a command: words joined, quoted where needed. */
static char *
job_join(const char *const *argv)
{
	struct buf b;
	const char *p;
	size_t i;
	int quote;

	buf_init(&b);
	for (i = 0; argv[i] != NULL; i++) {
		if (i > 0)
			buf_addc(&b, ' ');
		quote = argv[i][0] == '\0' ||
			strpbrk(argv[i], " \t\n'\"\\$`*?;&|<>()") != NULL;
		if (!quote) {
			buf_adds(&b, argv[i]);
			continue;
		}
		buf_addc(&b, '\'');
		for (p = argv[i]; *p != '\0'; p++) {
			if (*p == '\'')
				buf_adds(&b, "'\\''");
			else
				buf_addc(&b, *p);
		}
		buf_addc(&b, '\'');
	}
	if (b.data == NULL)
		buf_adds(&b, "");
	return buf_detach(&b);
}

static void
job_keep(struct job *j, enum job_stream stream, const char *line, size_t len)
{
	struct job_line *l;
	size_t slot;

	if (j->ring_count == JOB_RING_MAX) {
		l = &j->ring[j->ring_head];
		free(l->text);
		j->ring_head = (j->ring_head + 1) % JOB_RING_MAX;
		j->ring_count--;
		j->dropped++;
	}
	slot = (j->ring_head + j->ring_count) % JOB_RING_MAX;
	l = &j->ring[slot];
	l->stream = stream;
	l->at = util_wall();
	l->text = xmalloc(len + 1);
	memcpy(l->text, line, len);
	l->text[len] = '\0';
	l->len = len;
	j->ring_count++;
}

static void
job_line_out(const char *line, size_t len, void *arg)
{
	struct job_pipe *p = arg;
	struct job *j = p->job;

	job_keep(j, p->stream, line, len);
	if (j->line_cb != NULL && !j->freed)
		j->line_cb(j, p->stream, line, len, j->arg);
}

static void job_maybe_done(struct job *);

static void
job_close_cb(uv_handle_t *h)
{
	struct job *j = h->data;
	size_t i;

	if (--j->nclosing > 0 || !j->freed)
		return;
	for (i = 0; i < j->ring_count; i++)
		free(j->ring[(j->ring_head + i) % JOB_RING_MAX].text);
	free(j->ring);
	for (i = 0; j->argv[i] != NULL; i++)
		free(j->argv[i]);
	free(j->argv);
	free(j->name);
	free(j->command);
	free(j);
}

static void
job_close(struct job *j, uv_handle_t *h)
{
	if (uv_is_closing(h))
		return;
	h->data = j; /* the close callback finds the job, whatever the handle */
	j->nclosing++;
	uv_close(h, job_close_cb);
}

static void
job_pipe_stop(struct job_pipe *p)
{
	if (!p->open)
		return;
	p->open = 0;
	uv_read_stop((uv_stream_t *)&p->pipe);
	job_splitter_flush(&p->split, job_line_out, p);
}

static void
job_alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	struct job_pipe *p = h->data;

	(void)hint;
	b->base = p->rbuf;
	b->len = sizeof p->rbuf;
}

static void
job_read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct job_pipe *p = s->data;

	if (n > 0) {
		job_splitter_feed(
		    &p->split, b->base, (size_t)n, job_line_out, p);
		return;
	}
	if (n == 0)
		return;
	job_pipe_stop(p); /* UV_EOF or an error: either way the stream ended */
	job_maybe_done(p->job);
}

static void
job_report(struct job *j)
{
	if (j->reported)
		return;
	j->reported = 1;
	job_pipe_stop(&j->out);
	job_pipe_stop(&j->err);
	uv_timer_stop(&j->timer);
	j->ended = util_wall();
	if (j->cancelled)
		j->state = JOB_CANCELLED;
	else if (j->exit_status == 0 && j->term_signal == 0)
		j->state = JOB_EXITED;
	else
		j->state = JOB_FAILED;
	if (j->done_cb != NULL && !j->freed)
		j->done_cb(j, j->exit_status, j->term_signal, j->arg);
}

static void
job_drain_cb(uv_timer_t *t)
{
	job_report(t->data);
}

static void
job_maybe_done(struct job *j)
{
	if (!j->exited || j->reported)
		return;
	if (!j->out.open && !j->err.open) {
		job_report(j);
		return;
	}
	/* Exited, but something still holds a pipe open: give it a moment. */
	uv_timer_stop(&j->timer);
	uv_timer_start(&j->timer, job_drain_cb, JOB_DRAIN_MS, 0);
}

static void
job_exit_cb(uv_process_t *proc, int64_t status, int sig)
{
	struct job *j = proc->data;

	j->exited = 1;
	j->exit_status = sig != 0 ? -1 : status;
	j->term_signal = sig;
	/* Cancelled: whatever the leader left behind in its group goes too. */
	if (j->cancelled && j->pid > 0)
		(void)kill(-j->pid, SIGKILL);
	job_maybe_done(j);
}

static void
job_kill_cb(uv_timer_t *t)
{
	struct job *j = t->data;

	if (!j->exited && j->pid > 0)
		(void)kill(-j->pid, SIGKILL);
}

int
job_start(struct job **out, uv_loop_t *loop, const struct job_spec *spec,
    job_line_cb line_cb, job_done_cb done_cb, void *arg, char **cause)
{
	struct job *j;
	uv_process_options_t opt;
	uv_stdio_container_t stdio[3];
	size_t n, i;
	int rc;

	*out = NULL;
	if (spec->argv == NULL || spec->argv[0] == NULL ||
	    spec->argv[0][0] == '\0') {
		*cause = xasprintf("job \"%s\" has no command to run",
		    spec->name != NULL ? spec->name : "?");
		return -1;
	}
	j = xcalloc(1, sizeof *j);
	j->loop = loop;
	j->name = xstrdup(spec->name != NULL ? spec->name : spec->argv[0]);
	if (spec->shell) {
		j->argv = xcalloc(4, sizeof *j->argv);
		j->argv[0] = xstrdup("/bin/sh");
		j->argv[1] = xstrdup("-c");
		j->argv[2] = xstrdup(spec->argv[0]);
		j->command = xstrdup(spec->argv[0]);
	} else {
		for (n = 0; spec->argv[n] != NULL; n++)
			;
		j->argv = xcalloc(n + 1, sizeof *j->argv);
		for (i = 0; i < n; i++)
			j->argv[i] = xstrdup(spec->argv[i]);
		j->command = job_join(spec->argv);
	}
	j->ring = xcalloc(JOB_RING_MAX, sizeof *j->ring);
	j->line_cb = line_cb;
	j->done_cb = done_cb;
	j->arg = arg;
	j->state = JOB_RUNNING;
	j->started = util_wall();

	uv_pipe_init(loop, &j->out.pipe, 0);
	uv_pipe_init(loop, &j->err.pipe, 0);
	uv_timer_init(loop, &j->timer);
	j->out.pipe.data = &j->out;
	j->err.pipe.data = &j->err;
	j->out.job = j->err.job = j;
	j->out.stream = JOB_STDOUT;
	j->err.stream = JOB_STDERR;
	j->timer.data = j;
	j->proc.data = j;
	j->handles_open = 1;

	memset(&opt, 0, sizeof opt);
	memset(stdio, 0, sizeof stdio);
	stdio[0].flags = UV_IGNORE;
	stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[1].data.stream = (uv_stream_t *)&j->out.pipe;
	stdio[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	stdio[2].data.stream = (uv_stream_t *)&j->err.pipe;
	opt.file = j->argv[0];
	opt.args = j->argv;
	opt.cwd = spec->cwd;
	opt.exit_cb = job_exit_cb;
	opt.stdio = stdio;
	opt.stdio_count = 3;
	/* Its own session, hence its own process group: cancel reaches all. */
	opt.flags = UV_PROCESS_DETACHED;

	rc = uv_spawn(loop, &j->proc, &opt);
	if (rc != 0) {
		*cause = xasprintf("cannot run \"%s\": %s", j->argv[0],
		    rc == UV_ENOENT ? "no such file or directory (check the "
				      "command and PATH)"
				    : uv_strerror(rc));
		j->freed = 1;
		job_close(j, (uv_handle_t *)&j->proc);
		job_close(j, (uv_handle_t *)&j->out.pipe);
		job_close(j, (uv_handle_t *)&j->err.pipe);
		job_close(j, (uv_handle_t *)&j->timer);
		return -1;
	}
	j->pid = j->proc.pid;
	j->out.open = j->err.open = 1;
	uv_read_start((uv_stream_t *)&j->out.pipe, job_alloc_cb, job_read_cb);
	uv_read_start((uv_stream_t *)&j->err.pipe, job_alloc_cb, job_read_cb);
	*out = j;
	return 0;
}

int
job_cancel(struct job *j, unsigned grace_ms)
{
	if (j->exited || j->reported || j->pid <= 0)
		return -1;
	j->cancelled = 1;
	(void)kill(-j->pid, SIGTERM);
	uv_timer_stop(&j->timer);
	uv_timer_start(
	    &j->timer, job_kill_cb, grace_ms != 0 ? grace_ms : JOB_GRACE_MS, 0);
	return 0;
}

void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	j->freed = 1;
	if (!j->exited && j->pid > 0)
		(void)kill(-j->pid, SIGKILL);
	job_pipe_stop(&j->out);
	job_pipe_stop(&j->err);
	uv_timer_stop(&j->timer);
	job_close(j, (uv_handle_t *)&j->proc);
	job_close(j, (uv_handle_t *)&j->out.pipe);
	job_close(j, (uv_handle_t *)&j->err.pipe);
	job_close(j, (uv_handle_t *)&j->timer);
}

enum job_state
job_state(const struct job *j)
{
	return j->state;
}

const char *
job_name(const struct job *j)
{
	return j->name;
}

const char *
job_command(const struct job *j)
{
	return j->command;
}

int
job_pid(const struct job *j)
{
	return j->pid;
}

int64_t
job_exit_status(const struct job *j)
{
	return j->exit_status;
}

int
job_term_signal(const struct job *j)
{
	return j->term_signal;
}

double
job_started(const struct job *j)
{
	return j->started;
}

double
job_ended(const struct job *j)
{
	return j->ended;
}

size_t
job_nlines(const struct job *j)
{
	return j->ring_count;
}

const struct job_line *
job_line(const struct job *j, size_t i)
{
	if (i >= j->ring_count)
		return NULL;
	return &j->ring[(j->ring_head + i) % JOB_RING_MAX];
}

uint64_t
job_dropped(const struct job *j)
{
	return j->dropped;
}
