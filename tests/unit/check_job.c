/* Unit tests: external jobs (real child processes on a real loop). */

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "job.h"
#include "util.h"

struct split_seen {
	char lines[8][64];
	int n;
};

static void
split_cb(const char *line, size_t len, void *arg)
{
	struct split_seen *s = arg;

	ck_assert_int_lt(s->n, 8);
	ck_assert_uint_lt(len, 64);
	memcpy(s->lines[s->n], line, len);
	s->lines[s->n][len] = '\0';
	s->n++;
}

START_TEST(test_splitter_any_chunking)
{
	static const char text[] = "alpha\r\nbeta\n\ngamma";
	struct job_splitter sp;
	struct split_seen seen;
	size_t cut, i;

	/* Every split point of the input gives the same lines. */
	for (cut = 0; cut <= sizeof text - 1; cut++) {
		memset(&sp, 0, sizeof sp);
		memset(&seen, 0, sizeof seen);
		job_splitter_feed(&sp, text, cut, split_cb, &seen);
		for (i = cut; i < sizeof text - 1; i++)
			job_splitter_feed(&sp, text + i, 1, split_cb, &seen);
		job_splitter_flush(&sp, split_cb, &seen);
		ck_assert_int_eq(seen.n, 4);
		ck_assert_str_eq(seen.lines[0], "alpha");
		ck_assert_str_eq(seen.lines[1], "beta");
		ck_assert_str_eq(seen.lines[2], "");
		ck_assert_str_eq(seen.lines[3], "gamma");
	}
}
END_TEST

static size_t long_total;
static int long_calls;

static void
long_cb(const char *line, size_t len, void *arg)
{
	(void)line;
	(void)arg;
	ck_assert_uint_le(len, JOB_MAX_LINE);
	long_total += len;
	long_calls++;
}

START_TEST(test_splitter_cuts_long_lines)
{
	struct job_splitter *sp = xcalloc(1, sizeof *sp);
	char *big = xmalloc(JOB_MAX_LINE * 2 + 10);

	memset(big, 'x', JOB_MAX_LINE * 2 + 10);
	long_total = 0;
	long_calls = 0;
	job_splitter_feed(sp, big, JOB_MAX_LINE * 2 + 10, long_cb, NULL);
	job_splitter_feed(sp, "\n", 1, long_cb, NULL);
	ck_assert_int_eq(long_calls, 3);
	ck_assert_uint_eq(long_total, JOB_MAX_LINE * 2 + 10);
	free(big);
	free(sp);
}
END_TEST

/* A loop, one job, and what its callbacks saw. */
struct run {
	uv_loop_t loop;
	uv_timer_t guard;
	struct job *job;
	int done;
	int64_t status;
	int sig;
	struct buf out, err;
	int nout;
};

static void
run_line(
    struct job *j, enum job_stream st, const char *line, size_t len, void *arg)
{
	struct run *r = arg;

	ck_assert_ptr_eq(j, r->job);
	if (st == JOB_STDOUT) {
		buf_add(&r->out, line, len);
		buf_addc(&r->out, '|');
		r->nout++;
	} else {
		buf_add(&r->err, line, len);
		buf_addc(&r->err, '|');
	}
}

static void
run_done(struct job *j, int64_t status, int sig, void *arg)
{
	struct run *r = arg;

	(void)j;
	r->done++;
	r->status = status;
	r->sig = sig;
}

static void
guard_cb(uv_timer_t *t)
{
	(void)t;
}

static void
run_init(struct run *r)
{
	memset(r, 0, sizeof *r);
	ck_assert_int_eq(uv_loop_init(&r->loop), 0);
	uv_timer_init(&r->loop, &r->guard);
	buf_init(&r->out);
	buf_init(&r->err);
}

/* Starts spec on a fresh loop in r; the job must start. */
static void
run_start(struct run *r, const struct job_spec *spec)
{
	char *cause = NULL;

	run_init(r);
	ck_assert_int_eq(
	    job_start(&r->job, &r->loop, spec, run_line, run_done, r, &cause),
	    0);
	ck_assert_ptr_null(cause);
}

/* Runs the loop until the job is done or ms pass. */
static void
run_until_done(struct run *r, unsigned ms)
{
	uint64_t end = uv_now(&r->loop) + ms;

	uv_timer_start(&r->guard, guard_cb, ms, 0);
	while (!r->done && uv_now(&r->loop) < end)
		uv_run(&r->loop, UV_RUN_ONCE);
	uv_timer_stop(&r->guard);
}

static void
run_spin(struct run *r, unsigned ms)
{
	uint64_t end;

	uv_update_time(&r->loop);
	end = uv_now(&r->loop) + ms;
	uv_timer_start(&r->guard, guard_cb, ms, 0);
	while (uv_now(&r->loop) < end)
		uv_run(&r->loop, UV_RUN_ONCE);
}

static void
run_fini(struct run *r)
{
	job_free(r->job);
	uv_close((uv_handle_t *)&r->guard, NULL);
	uv_run(&r->loop, UV_RUN_DEFAULT);
	ck_assert_int_eq(uv_loop_close(&r->loop), 0);
	buf_free(&r->out);
	buf_free(&r->err);
}

START_TEST(test_job_streams_and_exit_status)
{
	static const char *const argv[] = { "echo one; echo two >&2; "
					    "printf 'three\\r\\nfour'; exit 3",
		NULL };
	struct job_spec spec = { "shelljob", argv, NULL, 1 };
	struct run r;
	size_t i;
	int nerr;

	run_start(&r, &spec);
	ck_assert_int_eq(job_state(r.job), JOB_RUNNING);
	ck_assert_int_gt(job_pid(r.job), 0);
	run_until_done(&r, 5000);
	ck_assert_int_eq(r.done, 1);
	ck_assert_int_eq(r.status, 3);
	ck_assert_int_eq(r.sig, 0);
	ck_assert_str_eq(r.out.data, "one|three|four|");
	ck_assert_str_eq(r.err.data, "two|");
	ck_assert_int_eq(job_state(r.job), JOB_FAILED);
	ck_assert_int_eq(job_exit_status(r.job), 3);
	ck_assert_uint_eq(job_nlines(r.job), 4);
	/* Across the two pipes the order is not defined; within one it is. */
	for (i = 0, nerr = 0; i < 4; i++) {
		if (job_line(r.job, i)->stream != JOB_STDERR)
			continue;
		ck_assert_str_eq(job_line(r.job, i)->text, "two");
		nerr++;
	}
	ck_assert_int_eq(nerr, 1);
	ck_assert_ptr_null(job_line(r.job, 4));
	ck_assert(job_ended(r.job) >= job_started(r.job));
	run_fini(&r);
}
END_TEST

START_TEST(test_job_argv_is_not_a_shell)
{
	static const char *const argv[] = { "printf", "%s\\n", "a b; echo no",
		"$HOME", NULL };
	struct job_spec spec = { NULL, argv, "/", 0 };
	struct run r;

	run_start(&r, &spec);
	run_until_done(&r, 5000);
	ck_assert_int_eq(r.done, 1);
	ck_assert_int_eq(r.status, 0);
	/* Arguments arrive verbatim: no word splitting, no expansion. */
	ck_assert_str_eq(r.out.data, "a b; echo no|$HOME|");
	ck_assert_int_eq(job_state(r.job), JOB_EXITED);
	ck_assert_str_eq(job_name(r.job), "printf");
	ck_assert_str_eq(
	    job_command(r.job), "printf '%s\\n' 'a b; echo no' '$HOME'");
	run_fini(&r);
}
END_TEST

START_TEST(test_job_missing_command)
{
	static const char *const argv[] = { "snowdeck-no-such-command", NULL };
	static const char *const empty[] = { NULL };
	struct job_spec spec = { "x", argv, NULL, 0 };
	struct run r;
	struct job *j = NULL;
	char *cause = NULL;

	run_init(&r);
	ck_assert_int_eq(
	    job_start(&j, &r.loop, &spec, run_line, run_done, &r, &cause), -1);
	ck_assert_ptr_null(j);
	ck_assert_ptr_nonnull(strstr(cause, "snowdeck-no-such-command"));
	ck_assert_ptr_nonnull(strstr(cause, "no such file"));
	free(cause);
	spec.argv = empty;
	ck_assert_int_eq(
	    job_start(&j, &r.loop, &spec, run_line, run_done, &r, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "no command"));
	free(cause);
	run_fini(&r); /* the failed spawn's handles close cleanly */
	ck_assert_int_eq(r.done, 0);
}
END_TEST

/* Whether pid is gone (or a zombie nobody reaped yet: not running). */
static int
pid_gone(int pid)
{
	char path[64], st[512];
	FILE *f;
	char *p;
	int gone = 1;

	if (kill(pid, 0) != 0 && errno == ESRCH)
		return 1;
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return 1;
	if (fgets(st, sizeof st, f) != NULL && (p = strrchr(st, ')')) != NULL)
		gone = p[2] == 'Z' || p[2] == 'X';
	fclose(f);
	return gone;
}

START_TEST(test_job_cancel_kills_the_group)
{
	/* The leader ignores SIGTERM and so does its background child: only
	 * the SIGKILL after the grace period ends them, and it must reach the
	 * child too (it is in the job's process group). */
	static const char *const argv[] = { "trap '' TERM; "
					    "(trap '' TERM; sleep 60) & "
					    "echo $!; wait",
		NULL };
	struct job_spec spec = { "stubborn", argv, NULL, 1 };
	struct run r;
	int child;

	run_start(&r, &spec);
	while (r.nout == 0 && !r.done)
		uv_run(&r.loop, UV_RUN_ONCE);
	child = atoi(r.out.data);
	ck_assert_int_gt(child, 1);
	ck_assert(!pid_gone(child));
	ck_assert_int_eq(job_cancel(r.job, 300), 0);
	run_spin(&r, 150);
	ck_assert_int_eq(r.done, 0); /* TERM ignored: still within grace */
	run_until_done(&r, 5000);
	ck_assert_int_eq(r.done, 1);
	ck_assert_int_eq(r.sig, SIGKILL);
	ck_assert_int_eq(job_state(r.job), JOB_CANCELLED);
	ck_assert_int_eq(job_cancel(r.job, 0), -1);
	run_spin(&r, 100);
	ck_assert(pid_gone(child));
	run_fini(&r);
}
END_TEST

START_TEST(test_job_cancel_polite)
{
	static const char *const argv[] = { "sleep", "60", NULL };
	struct job_spec spec = { "sleeper", argv, NULL, 0 };
	struct run r;
	uint64_t t0;

	run_start(&r, &spec);
	t0 = uv_hrtime();
	ck_assert_int_eq(job_cancel(r.job, 10000), 0);
	run_until_done(&r, 5000);
	ck_assert_int_eq(r.done, 1);
	ck_assert_int_eq(r.sig, SIGTERM);
	ck_assert_int_eq(job_state(r.job), JOB_CANCELLED);
	/* SIGTERM sufficed: nothing waited for the 10 s grace. */
	ck_assert_uint_lt((uv_hrtime() - t0) / 1000000, 3000);
	run_fini(&r);
}
END_TEST

START_TEST(test_job_ring_keeps_the_newest)
{
	static const char *const argv[] = { "seq", "1", "2500", NULL };
	struct job_spec spec = { "seq", argv, NULL, 0 };
	struct run r;

	run_start(&r, &spec);
	run_until_done(&r, 5000);
	ck_assert_int_eq(r.done, 1);
	ck_assert_int_eq(r.nout, 2500);
	ck_assert_uint_eq(job_nlines(r.job), JOB_RING_MAX);
	ck_assert_uint_eq(job_dropped(r.job), 2500 - JOB_RING_MAX);
	ck_assert_str_eq(job_line(r.job, 0)->text, "501");
	ck_assert_str_eq(job_line(r.job, JOB_RING_MAX - 1)->text, "2500");
	run_fini(&r);
}
END_TEST

START_TEST(test_job_free_while_running)
{
	static const char *const argv[] = { "sleep", "60", NULL };
	struct job_spec spec = { "sleeper", argv, NULL, 0 };
	struct run r;
	int pid;

	run_start(&r, &spec);
	pid = job_pid(r.job);
	run_fini(&r); /* frees a running job: killed, no callback */
	ck_assert_int_eq(r.done, 0);
	ck_assert(pid_gone(pid) || (usleep(200000), pid_gone(pid)));
}
END_TEST

Suite *job_suite(void);

Suite *
job_suite(void)
{
	Suite *s = suite_create("job");
	TCase *tc = tcase_create("job");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_splitter_any_chunking);
	tcase_add_test(tc, test_splitter_cuts_long_lines);
	tcase_add_test(tc, test_job_streams_and_exit_status);
	tcase_add_test(tc, test_job_argv_is_not_a_shell);
	tcase_add_test(tc, test_job_missing_command);
	tcase_add_test(tc, test_job_cancel_kills_the_group);
	tcase_add_test(tc, test_job_cancel_polite);
	tcase_add_test(tc, test_job_ring_keeps_the_newest);
	tcase_add_test(tc, test_job_free_while_running);
	suite_add_tcase(s, tc);
	return s;
}
