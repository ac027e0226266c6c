/*
 * Searching a container's logs on the services page, driven with keys on
 * a headless screen against a stub container engine (unix socket, the
 * engine's multiplexed log framing): l shows the logs with the keyboard
 * on them, '/' Enter jumps to the first matching line (found in the
 * sanitized text: an escape sequence inside the word does not hide it),
 * n/N go on and back with the match count, the match is highlighted, a
 * pattern nowhere says "not found"; Esc clears the search, Esc again
 * gives the keyboard back to the list, whose '/' filters the rows. While
 * a log is followed, n finds matches in lines that arrived after the
 * search. P on a local container asks the engine for the lines written
 * before its current start (until=). And the matcher itself, shared with
 * "logs --grep".
 */

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>
#include <uv.h>

#include "app.h"
#include "app_ops.h"
#include "config.h"
#include "keymap.h"
#include "model.h"
#include "support_server.h"
#include "support_tui.h"
#include "svc.h"
#include "textview.h"
#include "theme.h"
#include "tui.h"
#include "tui_draw.h"
#include "tui_ext.h"
#include "util.h"

#define SS_ID   "a1b2c3d4e5f6"
#define SS_LOGS "/v1.40/containers/" SS_ID "/logs"

static const char ss_version[] =
    "{\"Components\":[{\"Name\":\"Podman Engine\",\"Version\":\"4.3.1\"}],"
    "\"Version\":\"4.3.1\",\"ApiVersion\":\"1.40\",\"MinAPIVersion\":"
    "\"1.24\"}";

struct ss {
	struct fixture f;
	struct stub_server *srv;
	uv_timer_t guard;
	int expired;
	char path[96];
};

/* Appends one frame of the engine's multiplexed stream (1 stdout, 2
 * stderr) holding line and a newline. */
static void
ss_frame(struct buf *b, int stream, const char *line)
{
	size_t n = strlen(line) + 1;
	unsigned char h[8] = { 0 };

	h[0] = (unsigned char)stream;
	h[4] = (unsigned char)(n >> 24);
	h[5] = (unsigned char)(n >> 16);
	h[6] = (unsigned char)(n >> 8);
	h[7] = (unsigned char)n;
	buf_add(b, h, sizeof h);
	buf_adds(b, line);
	buf_addc(b, '\n');
}

/* Lines first..last: "line NN: heartbeat ok", except where a checkpoint
 * is written (12: plain, 30: with escape sequences inside the word, 47:
 * on stderr; 75 in the second part of a followed log). */
static void
ss_lines(struct buf *b, int first, int last)
{
	char line[128];
	int i;

	for (i = first; i <= last; i++) {
		if (i == 12)
			snprintf(line, sizeof line,
			    "line %02d: Checkpoint saved", i);
		else if (i == 30)
			snprintf(line, sizeof line,
			    "line %02d: check\x1b[1mpoint\x1b[0m flushed", i);
		else if (i == 47)
			snprintf(line, sizeof line,
			    "line %02d: CHECKPOINT failed", i);
		else if (i == 75)
			snprintf(line, sizeof line,
			    "line %02d: checkpoint after the search", i);
		else
			snprintf(
			    line, sizeof line, "line %02d: heartbeat ok", i);
		ss_frame(b, i == 47 ? 2 : 1, line);
	}
}

static void
ss_guard(uv_timer_t *t)
{
	((struct ss *)t->data)->expired = 1;
}

static long
ss_factor(void)
{
	const char *tf = getenv("SNOWDECK_TIME_FACTOR");
	long f = tf != NULL ? strtol(tf, NULL, 10) : 1;

	return f < 1 ? 1 : f > 10 ? 10 : f;
}

/* A 40x120 screen on the services page, its engine a stub serving logs
 * (the body answered to every logs request). */
static void
ss_start(struct ss *s, const struct stub_response *logs)
{
	struct stub_response v = { .body = ss_version };
	struct svc e;
	char *cause = NULL, *host;

	memset(s, 0, sizeof *s);
	snprintf(s->path, sizeof s->path, "/tmp/snowdeck-svcsearch-%d.sock",
	    (int)getpid());
	fixture_env();
	ck_assert_int_eq(uv_loop_init(&s->f.loop), 0);
	ck_assert_int_eq(
	    stub_server_start(&s->srv, &s->f.loop, s->path, &cause), 0);
	stub_server_add(s->srv, "/version", &v);
	stub_server_add(s->srv, SS_LOGS, logs);
	config_init(&s->f.cfg);
	config_finish(&s->f.cfg);
	ck_assert_int_eq(app_create(&s->f.app, &s->f.loop, &s->f.cfg,
			     APP_NO_TUI | APP_NO_SOURCES, &cause),
	    0);
	ck_assert_int_eq(
	    tui_create_headless(&s->f.t, s->f.app, 40, 120, NULL, &cause), 0);
	host = xasprintf("unix://%s", s->path);
	if (app_services_engine_fixture(s->f.app, host, &cause) != 0)
		ck_abort_msg("engine: %s", cause);
	free(host);
	svc_init(&e);
	e.origin = SVC_LOCAL;
	e.id = xstrdup(SS_ID);
	e.service = xstrdup("weaviate");
	e.name = xstrdup("proj-weaviate-1");
	e.image = xstrdup("semitechnologies/weaviate:1.24");
	e.state = SVC_RUNNING;
	e.status = xstrdup("running");
	e.inspected = 1;
	svcs_push(&app_models(s->f.app)->services, &e);
	svc_init(&e);
	e.origin = SVC_LOCAL;
	e.id = xstrdup("b2c3d4e5f6a1");
	e.service = xstrdup("minio");
	e.name = xstrdup("proj-minio-1");
	e.image = xstrdup("minio/minio:latest");
	e.state = SVC_EXITED;
	e.status = xstrdup("exited");
	e.exit_code = 137;
	e.inspected = 1;
	svcs_push(&app_models(s->f.app)->services, &e);
	uv_timer_init(&s->f.loop, &s->guard);
	s->guard.data = s;
	fixture_keys(&s->f, ":services\r");
	ck_assert_str_eq(tui_focused_view(s->f.t), "services");
}

static void
ss_stop(struct ss *s)
{
	uv_close((uv_handle_t *)&s->guard, NULL);
	stub_server_close(s->srv);
	tui_free(s->f.t);
	app_free(s->f.app);
	uv_run(&s->f.loop, UV_RUN_DEFAULT);
	config_free(&s->f.cfg);
	ck_assert_int_eq(uv_loop_close(&s->f.loop), 0);
	unlink(s->path);
	tui_set_now(0);
}

/* Runs the loop until the logs text holds want (or 10 s, scaled). */
static int
ss_wait_logs(struct ss *s, const char *want)
{
	const char *t;
	size_t len;
	int busy;

	s->expired = 0;
	uv_timer_start(&s->guard, ss_guard, (uint64_t)(10000 * ss_factor()), 0);
	for (;;) {
		t = app_service_logs(s->f.app, &len, &busy);
		if ((t != NULL && strstr(t, want) != NULL) || s->expired)
			break;
		uv_run(&s->f.loop, UV_RUN_ONCE);
	}
	uv_timer_stop(&s->guard);
	return t != NULL && strstr(t, want) != NULL;
}

START_TEST(test_services_log_search)
{
	struct stub_response logs = { 0 };
	struct buf body;
	struct ss s;
	char *scr;
	int row, col;

	buf_init(&body);
	ss_lines(&body, 1, 60);
	logs.body = body.data;
	logs.body_len = body.len;
	ss_start(&s, &logs);

	/* l: the logs below, the keyboard on them (the header says so). */
	fixture_keys(&s.f, "l");
	ck_assert(ss_wait_logs(&s, "line 60"));
	scr = fixture_screen(&s.f);
	ck_assert_ptr_nonnull(strstr(scr, "logs, last 500 lines "));
	ck_assert_ptr_nonnull(strstr(scr, "/: search, n/N: next/prev match"));
	ck_assert_ptr_nonnull(strstr(scr, "logs 60/60 wrap follow"));
	ck_assert_ptr_nonnull(strstr(scr, "line 60: heartbeat ok"));
	ck_assert_ptr_null(strstr(scr, "line 12:"));
	/* The list's selection went inactive, the text has the cursor. */
	row = fixture_find(scr, "weaviate", &col);
	ck_assert_int_ge(row, 0);
	ck_assert(fixture_cell_is(row, col, THEME_SELECTED_INACTIVE));
	free(scr);

	/* '/' and a word in another case: from the end, around to line 12. */
	fixture_keys(&s.f, "/checkpoint\r");
	scr = fixture_screen(&s.f);
	ck_assert_ptr_nonnull(
	    strstr(scr, "logs 12/60 wrap /checkpoint [1/3] - search wrapped"));
	row = fixture_find(scr, "line 12: Checkpoint saved", &col);
	ck_assert_int_ge(row, 0);
	/* The match is highlighted; the rest of the line is the cursor. */
	ck_assert(fixture_cell_is(row, col + 9, THEME_MATCH));
	ck_assert(fixture_cell_is(row, col + 18, THEME_MATCH));
	ck_assert(fixture_cell_is(row, col + 20, THEME_SELECTED_INACTIVE));
	ck_assert_ptr_null(strstr(scr, "line 60: heartbeat"));
	free(scr);

	/* n: line 30, whose word only exists once its escapes are gone. */
	fixture_keys(&s.f, "n");
	scr = fixture_screen(&s.f);
	ck_assert_ptr_nonnull(strstr(scr, "logs 30/60 wrap /checkpoint [2/3]"));
	ck_assert_ptr_null(strstr(scr, "search wrapped"));
	row = fixture_find(scr, "line 30: checkpoint flushed", &col);
	ck_assert_int_ge(row, 0);
	ck_assert(fixture_cell_is(row, col + 9, THEME_MATCH));
	ck_assert_ptr_null(strchr(scr, '\x1b'));
	free(scr);

	/* n: the stderr line (marked "! "); N: back to 30. */
	fixture_keys(&s.f, "n");
	scr = fixture_screen(&s.f);
	ck_assert_ptr_nonnull(strstr(scr, "logs 47/60 wrap /checkpoint [3/3]"));
	ck_assert_ptr_nonnull(strstr(scr, "! line 47: CHECKPOINT failed"));
	free(scr);
	fixture_keys(&s.f, "N");
	scr = fixture_screen(&s.f);
	ck_assert_ptr_nonnull(strstr(scr, "logs 30/60 wrap /checkpoint [2/3]"));
	free(scr);
	fixture_keys(&s.f, "NN");
	scr = fixture_screen(&s.f);
	ck_assert_ptr_nonnull(
	    strstr(scr, "logs 47/60 wrap /checkpoint [3/3] - search wrapped"));
	free(scr);

	/* j/k move the cursor in the text, not the list. */
	fixture_keys(&s.f, "jj");
	scr = fixture_screen(&s.f);
	ck_assert_ptr_nonnull(strstr(scr, "logs 49/60"));
	ck_assert_ptr_nonnull(strstr(scr, "line 49: heartbeat ok"));
	free(scr);

	/* A word nowhere: said, the cursor stays. */
	fixture_keys(&s.f, "/no such thing\r");
	scr = fixture_screen(&s.f);
	ck_assert_ptr_nonnull(
	    strstr(scr, "logs 49/60 wrap /no such thing - not found"));
	free(scr);

	/* Esc clears the search, Esc again: the keyboard back on the list,
	 * the logs still shown; its '/' filters the rows. */
	tui_feed_key(s.f.t, KEYC_ESC);
	scr = fixture_screen(&s.f);
	ck_assert_ptr_null(strstr(scr, "no such thing"));
	ck_assert_ptr_nonnull(strstr(scr, "/: search, n/N"));
	free(scr);
	tui_feed_key(s.f.t, KEYC_ESC);
	ck_assert_str_eq(tui_focused_view(s.f.t), "services");
	scr = fixture_screen(&s.f);
	ck_assert_ptr_nonnull(strstr(scr, "(Enter: search, l: again"));
	ck_assert_ptr_nonnull(strstr(scr, "line 49: heartbeat ok"));
	row = fixture_find(scr, "weaviate", &col);
	ck_assert(fixture_cell_is(row, col, THEME_SELECTED));
	free(scr);
	fixture_keys(&s.f, "/minio\r");
	scr = fixture_screen(&s.f);
	ck_assert_ptr_nonnull(strstr(scr, "proj-minio-1"));
	ck_assert_ptr_null(strstr(scr, "proj-weaviate-1"));
	/* The selection moved to another entry: its detail, not the logs. */
	ck_assert_ptr_nonnull(strstr(scr, " detail (Enter: search, l: logs)"));
	ck_assert_ptr_null(strstr(scr, "heartbeat"));
	free(scr);

	/* Enter puts the keyboard on the detail text; '/' searches it. */
	fixture_keys(&s.f, "\r/exit code\r");
	scr = fixture_screen(&s.f);
	ck_assert_ptr_nonnull(strstr(scr, "/exit code [1/1]"));
	free(scr);
	ck_assert_int_eq(stub_server_hits(s.srv, SS_LOGS), 1);
	ss_stop(&s);
	buf_free(&body);
}
END_TEST

/* P on a local container: the lines written before its current start
 * (the engine keeps one log across restarts), asked for with until=; a
 * container that never started has no previous run, and says so. */
START_TEST(test_services_previous_run_logs)
{
	struct stub_response logs = { 0 };
	struct buf body;
	struct svcs *v;
	const char *q;
	struct ss s;
	char *scr;
	size_t i;

	buf_init(&body);
	ss_lines(&body, 1, 20);
	logs.body = body.data;
	logs.body_len = body.len;
	ss_start(&s, &logs);
	v = &app_models(s.f.app)->services;
	for (i = 0; i < v->n; i++) {
		if (strcmp(v->v[i].service, "weaviate") == 0)
			v->v[i].started_at = 1700000000.75;
	}
	fixture_keys(&s.f, "P");
	ck_assert(ss_wait_logs(&s, "line 20"));
	q = stub_server_last_target(s.srv, SS_LOGS);
	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_nonnull(strstr(q, "until=1700000000"));
	ck_assert_ptr_nonnull(strstr(q, "tail=500"));
	scr = fixture_screen(&s.f);
	ck_assert_ptr_nonnull(strstr(scr, "logs of the previous run"));
	free(scr);
	/* l: the whole log again, no until. */
	fixture_keys(&s.f, "l");
	s.expired = 0;
	uv_timer_start(&s.guard, ss_guard, (uint64_t)(10000 * ss_factor()), 0);
	while (stub_server_hits(s.srv, SS_LOGS) < 2 && !s.expired)
		uv_run(&s.f.loop, UV_RUN_ONCE);
	uv_timer_stop(&s.guard);
	ck_assert_int_eq(stub_server_hits(s.srv, SS_LOGS), 2);
	ck_assert_ptr_null(
	    strstr(stub_server_last_target(s.srv, SS_LOGS), "until="));
	/* The exited minio never started (started_at 0): no request. */
	fixture_keys(&s.f, "\x1bjP");
	scr = fixture_screen(&s.f);
	if (strstr(scr, "has not started yet") == NULL)
		ck_abort_msg("%.3000s", scr);
	free(scr);
	ck_assert_int_eq(stub_server_hits(s.srv, SS_LOGS), 2);
	ss_stop(&s);
	buf_free(&body);
}
END_TEST

/* f: following; a search stops following (the cursor stays on its
 * match as lines arrive), and n then finds a line that arrived later. */
START_TEST(test_services_log_search_follow)
{
	struct stub_response logs = { 0 };
	struct buf body;
	struct ss s;
	size_t first;
	char *scr;

	buf_init(&body);
	ss_lines(&body, 1, 60);
	first = body.len;
	ss_lines(&body, 61, 80);
	logs.body = body.data;
	logs.body_len = body.len;
	logs.chunked = 1;
	logs.chunk_size = first; /* lines 1-60, then 61-80 */
	logs.chunk_delay_ms = 300 * ss_factor();
	ss_start(&s, &logs);

	fixture_keys(&s.f, "f");
	ck_assert(ss_wait_logs(&s, "line 60"));
	scr = fixture_screen(&s.f);
	ck_assert_ptr_nonnull(strstr(scr, "logs, following "));
	ck_assert_ptr_nonnull(strstr(scr, "f: stop"));
	ck_assert_ptr_nonnull(strstr(scr, " follow"));
	free(scr);

	fixture_keys(&s.f, "/checkpoint\r");
	scr = fixture_screen(&s.f);
	ck_assert_ptr_nonnull(strstr(scr, "logs 12/"));
	ck_assert_ptr_nonnull(strstr(scr, "line 12: Checkpoint saved"));
	free(scr);

	/* More lines arrive: the cursor stays, the count is marked old. */
	ck_assert(ss_wait_logs(&s, "line 80"));
	scr = fixture_screen(&s.f);
	ck_assert_ptr_nonnull(strstr(scr, "logs 12/"));
	ck_assert_ptr_nonnull(strstr(scr, "line 12: Checkpoint saved"));
	ck_assert_ptr_null(strstr(scr, "line 80:"));
	ck_assert_ptr_nonnull(strstr(scr, "+] - search wrapped"));
	free(scr);

	/* n n n: 30, 47, then 75, which came after the search. */
	fixture_keys(&s.f, "nnn");
	scr = fixture_screen(&s.f);
	ck_assert_ptr_nonnull(strstr(scr, "logs 75/"));
	ck_assert_ptr_nonnull(strstr(scr, "/checkpoint [4/4]"));
	ck_assert_ptr_nonnull(
	    strstr(scr, "line 75: checkpoint after the search"));
	free(scr);
	/* G: the end again, following. */
	fixture_keys(&s.f, "G");
	scr = fixture_screen(&s.f);
	ck_assert_ptr_nonnull(strstr(scr, "line 80: heartbeat ok"));
	free(scr);
	ss_stop(&s);
	buf_free(&body);
}
END_TEST

/* The one matcher: substring, ASCII case ignored, bytes otherwise. */
START_TEST(test_text_find)
{
	const char *t = "Worker: CheckPoint saved\xc3\x89t\xc3\xa9";

	ck_assert_ptr_eq(text_find(t, strlen(t), "checkpoint"), t + 8);
	ck_assert_ptr_eq(text_find(t, strlen(t), "SAVED"), t + 19);
	ck_assert_ptr_eq(text_find(t, strlen(t), ""), t);
	ck_assert_ptr_null(text_find(t, strlen(t), "checkpoints"));
	/* Only the first len bytes. */
	ck_assert_ptr_null(text_find(t, 12, "checkpoint"));
	/* Non-ASCII compares exactly. */
	ck_assert_ptr_nonnull(text_find(t, strlen(t), "\xc3\x89t"));
	ck_assert_ptr_null(text_find(t, strlen(t), "\xc3\xa9T\xc3\xa9"));
	ck_assert_ptr_null(text_find("ab", 2, "abc"));
}
END_TEST

/* The help page (generated from the key map) lists the focus keys in the
 * services section. */
START_TEST(test_services_keys_in_help)
{
	struct buf b;
	const char *sec;

	buf_init(&b);
	keymap_help(&b, 0);
	sec = strstr(b.data, "\nServices\n");
	ck_assert_ptr_nonnull(sec);
	ck_assert_ptr_nonnull(strstr(sec,
	    "  Enter                  keyboard to the logs / detail "
	    "below: j/k scroll, / search, n/N"));
	ck_assert_ptr_nonnull(strstr(sec,
	    "  Esc                    from the logs / detail: clear "
	    "the search, then back to the list"));
	buf_free(&b);
	ck_assert_int_eq(keymap_lookup(KM_SERVICES, KEYC_ENTER), KA_SVC_TEXT);
	ck_assert_int_eq(keymap_lookup(KM_SERVICES, KEYC_ESC), KA_SVC_LIST);
	ck_assert_str_eq(keymap_action_name(KA_SVC_TEXT), "service-focus-text");
}
END_TEST

Suite *svc_search_suite(void);

Suite *
svc_search_suite(void)
{
	Suite *s = suite_create("svc_search");
	TCase *tc = tcase_create("svc_search");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_text_find);
	tcase_add_test(tc, test_services_keys_in_help);
	tcase_add_test(tc, test_services_log_search);
	tcase_add_test(tc, test_services_log_search_follow);
	tcase_add_test(tc, test_services_previous_run_logs);
	suite_add_tcase(s, tc);
	return s;
}
