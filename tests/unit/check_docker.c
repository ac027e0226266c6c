/*
 * Unit tests of local mode: the Docker Engine API parsers (container list,
 * inspect, stats, version, events, errors), the CPU percent arithmetic, the
 * log stream demultiplexer across every split of its input, endpoint
 * resolution, the astro dev project name, probes and the services model.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "config.h"
#include "docker.h"
#include "docker_logs.h"
#include "json_docker.h"
#include "probe.h"
#include "svc.h"
#include "util.h"

#define LEN(s) (sizeof(s) - 1)

static const char list_body[] =
    "[{\"Id\":\"aaaa1111\",\"Names\":[\"/proj-web-1\"],"
    "\"Image\":\"localhost/bb:latest\",\"State\":\"running\","
    "\"Status\":\"Up 5 minutes (healthy)\",\"Created\":1700000000,"
    "\"Ports\":[{\"IP\":\"127.0.0.1\",\"PrivatePort\":8001,"
    "\"PublicPort\":18001,\"Type\":\"tcp\"},{\"PrivatePort\":9000,"
    "\"Type\":\"tcp\"}],\"Labels\":{\"com.docker.compose.project\":"
    "\"proj\",\"com.docker.compose.service\":\"airflow-task-runner\"}},"
    "{\"Id\":\"bbbb2222\",\"Names\":[\"/evil\\u001b[31m\"],\"State\":"
    "\"exited\",\"Status\":\"Exited (3) 1 minute ago\",\"Ports\":[],"
    "\"Labels\":{}},"
    "{\"Names\":[\"/no-id\"]}, 42]";

START_TEST(test_containers_parse)
{
	struct svcs c;
	char *cause = NULL;

	svcs_init(&c);
	ck_assert_int_eq(
	    json_docker_containers_parse(list_body, LEN(list_body), &c, &cause),
	    0);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_str_eq(c.v[0].id, "aaaa1111");
	ck_assert_str_eq(c.v[0].name, "proj-web-1");
	ck_assert_str_eq(c.v[0].service, "airflow-task-runner");
	ck_assert_str_eq(c.v[0].project, "proj");
	ck_assert_int_eq(c.v[0].state, SVC_RUNNING);
	ck_assert_int_eq(c.v[0].health, SVC_HEALTH_HEALTHY);
	ck_assert_str_eq(c.v[0].ports, "127.0.0.1:18001->8001/tcp, 9000/tcp");
	ck_assert_int_eq(c.v[0].host_port, 18001);
	ck_assert(c.v[0].cpu_pct < 0);
	/* No escape survives; a missing service label falls back. */
	ck_assert_ptr_null(strchr(c.v[1].name, '\033'));
	ck_assert_str_eq(c.v[1].service, c.v[1].name);
	ck_assert_ptr_null(c.v[1].project);
	ck_assert_int_eq(c.v[1].state, SVC_EXITED);
	ck_assert_str_eq(c.v[1].ports, "");
	svcs_free(&c);

	ck_assert_int_eq(json_docker_containers_parse("{}", 2, &c, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "not an array"));
	free(cause);
	ck_assert_int_eq(json_docker_containers_parse("[", 1, &c, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "invalid JSON"));
	free(cause);
	svcs_free(&c);
}
END_TEST

static const char inspect_body[] =
    "{\"Id\":\"aaaa1111\",\"Name\":\"/proj-web-1\",\"RestartCount\":4,"
    "\"State\":{\"Status\":\"running\",\"Running\":true,\"ExitCode\":0,"
    "\"Error\":\"\",\"StartedAt\":\"2026-12-01T13:41:29.399016821Z\","
    "\"FinishedAt\":\"0001-01-01T00:00:00Z\",\"Health\":{\"Status\":"
    "\"unhealthy\",\"FailingStreak\":3}},\"Config\":{\"Tty\":true,"
    "\"Labels\":{\"com.docker.compose.service\":\"web\","
    "\"com.docker.compose.project\":\"proj\"}}}";

START_TEST(test_inspect_parse)
{
	struct docker_inspect x;
	struct svc s;
	char *cause = NULL;

	ck_assert_int_eq(json_docker_inspect_parse(
			     inspect_body, LEN(inspect_body), &x, &cause),
	    0);
	ck_assert_str_eq(x.id, "aaaa1111");
	ck_assert_str_eq(x.name, "proj-web-1");
	ck_assert_str_eq(x.service, "web");
	ck_assert_str_eq(x.project, "proj");
	ck_assert_int_eq(x.restarts, 4);
	ck_assert_int_eq(x.tty, 1);
	ck_assert_int_eq(x.running, 1);
	ck_assert_int_eq(x.state, SVC_RUNNING);
	ck_assert_int_eq(x.health, SVC_HEALTH_UNHEALTHY);
	ck_assert(x.started_at > 1796132489.39 && x.started_at < 1796132489.4);
	ck_assert(x.finished_at == 0); /* year 1 means none */
	svc_init(&s);
	s.cpu_pct = 5;
	docker_inspect_apply(&x, &s);
	ck_assert_int_eq(s.restarts, 4);
	ck_assert_int_eq(s.tty, 1);
	ck_assert_int_eq(s.inspected, 1);
	ck_assert(s.cpu_pct == 5);
	docker_inspect_clear(&x);

	/* A stopped container loses its CPU and memory figures. */
	ck_assert_int_eq(
	    json_docker_inspect_parse("{\"Id\":\"x\",\"State\":{\"Status\":"
				      "\"exited\",\"ExitCode\":137}}",
		60, &x, NULL),
	    0);
	s.mem_bytes = 100;
	docker_inspect_apply(&x, &s);
	ck_assert_int_eq(s.state, SVC_EXITED);
	ck_assert_int_eq(s.exit_code, 137);
	ck_assert(s.cpu_pct < 0);
	ck_assert(s.mem_bytes == 0);
	ck_assert_int_eq(s.tty, 0);
	docker_inspect_clear(&x);
	svc_clear(&s);

	ck_assert_int_eq(
	    json_docker_inspect_parse("{\"Id\":\"x\"}", 10, &x, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "State"));
	free(cause);
	ck_assert_int_eq(json_docker_inspect_parse("[]", 2, &x, NULL), -1);
}
END_TEST

START_TEST(test_stats_and_cpu)
{
	/* Docker: precpu filled; 2 CPUs, 0.5e9 of 10e9 ns = 10%. */
	static const char docker[] =
	    "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":1500000000,"
	    "\"percpu_usage\":[1,2,3,4]},\"system_cpu_usage\":30000000000,"
	    "\"online_cpus\":2},\"precpu_stats\":{\"cpu_usage\":"
	    "{\"total_usage\":1000000000},\"system_cpu_usage\":20000000000},"
	    "\"memory_stats\":{\"usage\":10485760,\"limit\":1073741824,"
	    "\"stats\":{\"inactive_file\":2097152}}}";
	/* Podman stream=false: no precpu; percpu gives the CPU count. */
	static const char podman1[] =
	    "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":46242265,"
	    "\"percpu_usage\":[35859443,10382822]},\"system_cpu_usage\":"
	    "157777511416},\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":"
	    "0}},\"memory_stats\":{\"usage\":802816,\"limit\":25276059648}}";
	static const char podman2[] =
	    "{\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":56242265,"
	    "\"percpu_usage\":[35859443,10382822]},\"system_cpu_usage\":"
	    "159777511416},\"memory_stats\":{\"usage\":802816,\"limit\":1,"
	    "\"stats\":{\"cache\":4096}}}";
	struct docker_stats st;
	struct svc s;
	char *cause = NULL;

	ck_assert_int_eq(
	    json_docker_stats_parse(docker, LEN(docker), &st, &cause), 0);
	ck_assert_uint_eq(st.online_cpus, 2);
	ck_assert_uint_eq(docker_mem_used(&st), 8388608);
	svc_init(&s);
	docker_stats_apply(&st, &s);
	ck_assert_double_eq_tol(s.cpu_pct, 10.0, 1e-9);
	ck_assert_uint_eq(s.mem_limit, 1073741824);

	svc_clear(&s);
	ck_assert_int_eq(
	    json_docker_stats_parse(podman1, LEN(podman1), &st, NULL), 0);
	ck_assert_uint_eq(st.online_cpus, 2);
	docker_stats_apply(&st, &s);
	ck_assert(s.cpu_pct < 0); /* one sample: unknown */
	ck_assert_uint_eq(s.mem_bytes, 802816);
	ck_assert_int_eq(
	    json_docker_stats_parse(podman2, LEN(podman2), &st, NULL), 0);
	docker_stats_apply(&st, &s);
	/* 10e6 ns of 2e9 ns system time on 2 CPUs: 1%. */
	ck_assert_double_eq_tol(s.cpu_pct, 1.0, 1e-9);
	ck_assert_uint_eq(s.mem_bytes, 802816 - 4096);
	svc_clear(&s);

	/* The arithmetic's edges. */
	ck_assert(docker_cpu_percent(0, 0, 5, 5, 1) < 0);
	ck_assert(docker_cpu_percent(10, 100, 5, 200, 1) < 0);  /* back */
	ck_assert(docker_cpu_percent(10, 100, 20, 100, 1) < 0); /* no sys */
	ck_assert_double_eq_tol(
	    docker_cpu_percent(100, 1000, 200, 2000, 4), 40.0, 1e-9);
	ck_assert_double_eq_tol(
	    docker_cpu_percent(100, 1000, 100, 2000, 0), 0.0, 1e-9);

	ck_assert_int_eq(json_docker_stats_parse("{}", 2, &st, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "cpu_stats"));
	free(cause);
}
END_TEST

START_TEST(test_version_and_api_pick)
{
	static const char v[] =
	    "{\"Components\":[{\"Name\":\"Podman Engine\",\"Version\":"
	    "\"4.3.1\"}],\"Version\":\"4.3.1\",\"ApiVersion\":\"1.41\","
	    "\"MinAPIVersion\":\"1.24\"}";
	char *api, *min, *engine, *cause = NULL, out[16];

	ck_assert_int_eq(
	    json_docker_version_parse(v, LEN(v), &api, &min, &engine, &cause),
	    0);
	ck_assert_str_eq(api, "1.41");
	ck_assert_str_eq(min, "1.24");
	ck_assert_str_eq(engine, "Podman Engine 4.3.1");
	free(api);
	free(min);
	free(engine);
	ck_assert_int_eq(json_docker_version_parse("{\"Version\":\"1\"}", 15,
			     &api, &min, &engine, &cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "ApiVersion"));
	free(cause);

	ck_assert_int_eq(docker_api_pick("1.41", "1.43", "1.24", out, 16), 0);
	ck_assert_str_eq(out, "v1.41");
	ck_assert_int_eq(docker_api_pick("1.41", "1.40", "1.12", out, 16), 0);
	ck_assert_str_eq(out, "v1.40");
	ck_assert_int_eq(docker_api_pick("1.41", "1.45", "1.44", out, 16), 0);
	ck_assert_str_eq(out, "v1.44");
	ck_assert_int_eq(docker_api_pick("1.41", "1.9", NULL, out, 16), 0);
	ck_assert_str_eq(out, "v1.9");
	ck_assert_int_eq(docker_api_pick("1.41", "x", NULL, out, 16), -1);
	ck_assert_int_eq(docker_api_pick("1.41", "1.", NULL, out, 16), -1);
	ck_assert_int_eq(docker_api_pick("1.41", "1.41", NULL, out, 3), -1);
}
END_TEST

START_TEST(test_events_and_errors)
{
	static const char ev[] =
	    "{\"status\":\"restart\",\"id\":\"abc\",\"Type\":\"container\","
	    "\"Action\":\"restart\",\"Actor\":{\"ID\":\"abc\",\"Attributes\":"
	    "{\"com.docker.compose.project\":\"demo\",\"name\":\"t1\"}},"
	    "\"time\":1796132638,\"timeNano\":1796132638500000000}";
	struct docker_event e;
	char *m;

	ck_assert_int_eq(json_docker_event_parse(ev, LEN(ev), &e, NULL), 0);
	ck_assert_str_eq(e.type, "container");
	ck_assert_str_eq(e.action, "restart");
	ck_assert_str_eq(e.id, "abc");
	ck_assert_str_eq(e.name, "t1");
	ck_assert_str_eq(e.project, "demo");
	ck_assert_double_eq_tol(e.time, 1796132638.5, 1e-3);
	docker_event_clear(&e);
	ck_assert_int_eq(json_docker_event_parse("\"x\"", 3, &e, NULL), -1);

	m = json_docker_error_message(
	    "{\"message\":\"no such container\\u001b[2J\"}", 40);
	ck_assert_str_eq(m, "no such container");
	free(m);
	ck_assert_ptr_null(json_docker_error_message("oops", 4));
	ck_assert_ptr_null(json_docker_error_message(NULL, 0));
}
END_TEST

/* ---- the demultiplexer ------------------------------------------------- */

struct lines {
	struct buf all; /* "<stream>:<line>\n" for each line */
	int stop_after; /* stop after this many lines; 0 = never */
	int n;
};

static int
collect(int stream, const char *line, size_t len, void *arg)
{
	struct lines *l = arg;

	buf_printf(&l->all, "%d:", stream);
	buf_add(&l->all, line, len);
	buf_addc(&l->all, '\n');
	l->n++;
	return l->stop_after > 0 && l->n >= l->stop_after ? -1 : 0;
}

static void
frame(struct buf *b, int stream, const char *payload)
{
	size_t n = strlen(payload);
	unsigned char h[8] = { (unsigned char)stream, 0, 0, 0,
		(unsigned char)(n >> 24), (unsigned char)(n >> 16),
		(unsigned char)(n >> 8), (unsigned char)n };

	buf_add(b, h, 8);
	buf_add(b, payload, n);
}

/* Feeds s in pieces cut at a and b; returns the collected text. */
static char *
demux_split(const char *s, size_t len, int raw, size_t a, size_t b)
{
	struct docker_demux d;
	struct lines l;

	memset(&l, 0, sizeof l);
	buf_init(&l.all);
	docker_demux_init(&d, raw);
	ck_assert_int_eq(docker_demux_feed(&d, s, a, collect, &l), 0);
	ck_assert_int_eq(docker_demux_feed(&d, s + a, b - a, collect, &l), 0);
	ck_assert_int_eq(docker_demux_feed(&d, s + b, len - b, collect, &l), 0);
	ck_assert_int_eq(docker_demux_flush(&d, collect, &l), 0);
	docker_demux_free(&d);
	if (l.all.data == NULL)
		return xstrdup("");
	return buf_detach(&l.all);
}

START_TEST(test_demux_every_split)
{
	static const char want[] = "1:hello\n"
				   "2:err one\n"
				   "1:split line over two frames\n"
				   "1:\n"
				   "2:err two\n"
				   "1:tail without newline\n";
	struct buf in;
	size_t a, b;
	char *got;

	buf_init(&in);
	frame(&in, 1, "hello\n");
	frame(&in, 2, "err one\n");
	frame(&in, 1, "split line ");
	frame(&in, 1, "over two frames\n\n");
	frame(&in, 2, "err ");
	frame(&in, 1, "tail without newline");
	frame(&in, 2, "two\n");
	frame(&in, 1, "");
	/* Every pair of cut points: headers and lines split anywhere. */
	for (a = 0; a <= in.len; a++) {
		for (b = a; b <= in.len; b++) {
			got = demux_split(in.data, in.len, 0, a, b);
			ck_assert_str_eq(got, want);
			free(got);
		}
	}
	buf_free(&in);
}
END_TEST

START_TEST(test_demux_raw_tty)
{
	static const char in[] = "tty one\r\ntty two\r\n\x1b[31mred\r\npart";
	static const char want[] = "1:tty one\n1:tty two\n1:\x1b[31mred\n"
				   "1:part\n";
	size_t a, b;
	char *got;

	for (a = 0; a <= LEN(in); a++) {
		for (b = a; b <= LEN(in); b++) {
			got = demux_split(in, LEN(in), 1, a, b);
			ck_assert_str_eq(got, want);
			free(got);
		}
	}
}
END_TEST

START_TEST(test_demux_errors_and_limits)
{
	struct docker_demux d;
	struct lines l;
	struct buf in;
	char *big;
	unsigned char bad[8] = { 7, 0, 0, 0, 0, 0, 0, 1 };

	memset(&l, 0, sizeof l);
	buf_init(&l.all);
	/* A header with a stream type above 3 is not Docker framing. */
	docker_demux_init(&d, 0);
	ck_assert_int_eq(
	    docker_demux_feed(&d, (const char *)bad, 8, collect, &l), -1);
	ck_assert_int_eq(d.error, 1);
	ck_assert_int_eq(docker_demux_feed(&d, "x", 1, collect, &l), -1);
	docker_demux_free(&d);
	bad[0] = 1;
	bad[2] = 1; /* non-zero padding */
	docker_demux_init(&d, 0);
	ck_assert_int_eq(
	    docker_demux_feed(&d, (const char *)bad, 8, collect, &l), -1);
	docker_demux_free(&d);

	/* A line over the cap comes out in pieces of the cap. */
	big = xmalloc(DOCKER_LOG_MAX_LINE * 2 + 10);
	memset(big, 'a', DOCKER_LOG_MAX_LINE * 2 + 10);
	big[DOCKER_LOG_MAX_LINE * 2 + 9] = '\n';
	docker_demux_init(&d, 1);
	l.n = 0;
	ck_assert_int_eq(docker_demux_feed(&d, big,
			     DOCKER_LOG_MAX_LINE * 2 + 10, collect, &l),
	    0);
	ck_assert_int_eq(l.n, 3);
	ck_assert_uint_eq(d.lines, 3);
	docker_demux_free(&d);
	free(big);

	/* The callback can stop the stream. */
	buf_init(&in);
	frame(&in, 1, "a\nb\nc\n");
	docker_demux_init(&d, 0);
	l.n = 0;
	l.stop_after = 2;
	ck_assert_int_eq(
	    docker_demux_feed(&d, in.data, in.len, collect, &l), -1);
	ck_assert_int_eq(l.n, 2);
	docker_demux_free(&d);
	buf_free(&in);
	buf_free(&l.all);
}
END_TEST

START_TEST(test_log_line_helpers)
{
	static const char line[] =
	    "2026-12-01T13:41:34.123456789Z \x1b]0;t\x07password=hunter2\tok";
	const char *text;
	size_t tlen;
	double t;
	struct buf out;

	docker_log_split_ts(line, LEN(line), &t, &text, &tlen);
	ck_assert_double_eq_tol(t, 1796132494.123, 1e-3);
	ck_assert_uint_eq(tlen, LEN(line) - 31);
	buf_init(&out);
	ck_assert_uint_ge(docker_log_line_format(&out, text, tlen), 1);
	ck_assert_str_eq(out.data, "password=***\tok");
	buf_free(&out);
	/* No timestamp: the line is left whole. */
	docker_log_split_ts(
	    "plain text here, long enough", 28, &t, &text, &tlen);
	ck_assert(t == 0);
	ck_assert_uint_eq(tlen, 28);
	docker_log_split_ts("2026-12-01T13:41:34Z", 20, &t, &text, &tlen);
	ck_assert(t > 0);
	ck_assert_uint_eq(tlen, 0);

	ck_assert_int_eq(docker_since_parse("10m", 1000000, &t), 0);
	ck_assert_double_eq(t, 1000000 - 600);
	ck_assert_int_eq(docker_since_parse("2h", 1000000, &t), 0);
	ck_assert_double_eq(t, 1000000 - 7200);
	ck_assert_int_eq(docker_since_parse("1d", 1000000, &t), 0);
	ck_assert_double_eq(t, 1000000 - 86400);
	ck_assert_int_eq(docker_since_parse("90s", 1000000, &t), 0);
	ck_assert_double_eq(t, 1000000 - 90);
	ck_assert_int_eq(docker_since_parse("1796132489", 0, &t), 0);
	ck_assert_double_eq(t, 1796132489);
	ck_assert_int_eq(docker_since_parse("2026-12-01T13:41:29Z", 0, &t), 0);
	ck_assert_double_eq(t, 1796132489);
	ck_assert_int_eq(docker_since_parse("10x", 0, &t), -1);
	ck_assert_int_eq(docker_since_parse("10mm", 0, &t), -1);
	ck_assert_int_eq(docker_since_parse("", 0, &t), -1);
	ck_assert_int_eq(docker_since_parse("-5m", 0, &t), -1);
	ck_assert_int_eq(docker_since_parse("inf", 0, &t), -1);
	ck_assert_int_eq(docker_since_parse("nan", 0, &t), -1);
}
END_TEST

/* One query builder for the pane, follow and the headless logs command. */
START_TEST(test_logs_query)
{
	struct docker_logs_query q = { .tail = 500 };
	char *s;

	s = docker_logs_query(&q);
	ck_assert_str_eq(s, "stdout=1&stderr=1&tail=500");
	free(s);
	/* --previous: the lines before the current start, whole seconds. */
	q.until = 1796132489.75;
	s = docker_logs_query(&q);
	ck_assert_str_eq(s, "stdout=1&stderr=1&tail=500&until=1796132489");
	free(s);
	q = (struct docker_logs_query){ .follow = 1,
		.timestamps = 1,
		.tail = -1,
		.since = 1796132400.5 };
	s = docker_logs_query(&q);
	ck_assert_str_eq(s, "stdout=1&stderr=1&timestamps=1&follow=1"
			    "&since=1796132400");
	free(s);
}
END_TEST

/* ---- endpoint, project, probes, model ---------------------------------- */

static const char *exists_only;

static int
fake_exists(const char *path)
{
	return exists_only != NULL && strcmp(path, exists_only) == 0;
}

START_TEST(test_endpoint_resolve)
{
	struct docker_endpoint ep;
	char *cause = NULL;

	ck_assert_int_eq(docker_endpoint_resolve("unix:///tmp/x.sock", NULL,
			     fake_exists, &ep, &cause),
	    0);
	ck_assert_str_eq(ep.unix_path, "/tmp/x.sock");
	ck_assert_str_eq(ep.base_url, "http://localhost");
	ck_assert_str_eq(ep.display, "unix:///tmp/x.sock");
	docker_endpoint_free(&ep);
	ck_assert_int_eq(docker_endpoint_resolve("tcp://127.0.0.1:2375/", NULL,
			     fake_exists, &ep, &cause),
	    0);
	ck_assert_ptr_null(ep.unix_path);
	ck_assert_str_eq(ep.base_url, "http://127.0.0.1:2375");
	docker_endpoint_free(&ep);
	ck_assert_int_eq(docker_endpoint_resolve(
			     "ssh://me@host", NULL, fake_exists, &ep, &cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "not supported"));
	free(cause);

	/* Defaults, in order: Docker, the user's Podman, system Podman. */
	exists_only = "/run/user/7/podman/podman.sock";
	ck_assert_int_eq(docker_endpoint_resolve(
			     "", "/run/user/7", fake_exists, &ep, &cause),
	    0);
	ck_assert_str_eq(ep.unix_path, "/run/user/7/podman/podman.sock");
	docker_endpoint_free(&ep);
	exists_only = "/var/run/docker.sock";
	ck_assert_int_eq(docker_endpoint_resolve(
			     NULL, "/run/user/7", fake_exists, &ep, &cause),
	    0);
	ck_assert_str_eq(ep.unix_path, "/var/run/docker.sock");
	docker_endpoint_free(&ep);
	exists_only = "/run/podman/podman.sock";
	ck_assert_int_eq(
	    docker_endpoint_resolve(NULL, NULL, fake_exists, &ep, &cause), 0);
	ck_assert_str_eq(ep.unix_path, "/run/podman/podman.sock");
	docker_endpoint_free(&ep);
	exists_only = NULL;
	ck_assert_int_eq(docker_endpoint_resolve(
			     NULL, "/run/user/7", fake_exists, &ep, &cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "/run/user/7/podman/podman.sock"));
	ck_assert_ptr_nonnull(strstr(cause, "DOCKER_HOST"));
	free(cause);
}
END_TEST

static void
md5_6(const char *s, char out[7])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n;

	EVP_Digest(s, strlen(s), md, &n, EVP_md5(), NULL);
	snprintf(out, 7, "%02x%02x%02x", md[0], md[1], md[2]);
}

START_TEST(test_astro_project)
{
	char h[7], want[64], *p;

	md5_6("/home/u/MyProject", h);
	p = docker_astro_project("/home/u/MyProject", NULL, 0);
	snprintf(want, sizeof want, "my-project_%s", h);
	ck_assert_str_eq(p, want);
	free(p);
	p = docker_astro_project("/home/u/MyProject",
	    "context: x\nproject:\n  name: \"Seed_Demo\"\nother: 1\n", 48);
	snprintf(want, sizeof want, "seed_demo_%s", h);
	ck_assert_str_eq(p, want);
	free(p);
	md5_6("/srv/data platform.v2", h);
	p = docker_astro_project("/srv/data platform.v2", "project: {}\n", 12);
	snprintf(want, sizeof want, "data-platform-v2_%s", h);
	ck_assert_str_eq(p, want);
	free(p);
	/* A known value (md5sum): md5("/a") = 0639767f... */
	p = docker_astro_project("/a", NULL, 0);
	md5_6("/a", h);
	snprintf(want, sizeof want, "a_%s", h);
	ck_assert_str_eq(p, want);
	ck_assert_str_eq(h, "063976");
	free(p);
}
END_TEST

START_TEST(test_probes)
{
	struct config cfg;
	struct svc s;
	char *url, *expect, *detail;
	static const char toml[] =
	    "[services.weaviate]\nexpect = \"\"\n"
	    "[services.web]\nprobe = \"http://127.0.0.1:9/health\"\n"
	    "expect = \"ok\"\n[services.minio]\nprobe = \"off\"\n";

	config_init(&cfg);
	ck_assert_int_eq(config_parse_toml(&cfg, toml, LEN(toml), 0, NULL), 0);
	ck_assert_uint_eq(cfg.nservices, 3);
	ck_assert_str_eq(config_service_find(&cfg, "web")->expect, "ok");
	ck_assert_ptr_null(config_service_find(&cfg, "nope"));
	svc_init(&s);
	s.service = xstrdup("airflow-task-runner");
	s.ports = xstrdup("127.0.0.1:18001->8001/tcp, 9000/tcp");
	ck_assert_int_eq(probe_resolve(&s, &cfg, &url, &expect), 0);
	ck_assert_str_eq(url, "http://127.0.0.1:18001/");
	ck_assert_str_eq(expect, "pong");
	free(url);
	free(expect);
	/* Host networking: no published port, the container port. */
	free(s.ports);
	s.ports = xstrdup("");
	free(s.service);
	s.service = xstrdup("streamlit");
	ck_assert_int_eq(probe_resolve(&s, NULL, &url, &expect), 0);
	ck_assert_str_eq(url, "http://127.0.0.1:8501/_stcore/health");
	ck_assert_str_eq(expect, "ok");
	free(url);
	free(expect);
	free(s.service);
	s.service = xstrdup("weaviate");
	ck_assert_int_eq(probe_resolve(&s, &cfg, &url, &expect), 0);
	ck_assert_str_eq(url, "http://127.0.0.1:8081/v1/.well-known/ready");
	ck_assert_ptr_null(expect);
	free(url);
	free(s.service);
	s.service = xstrdup("minio");
	ck_assert_int_eq(probe_resolve(&s, &cfg, &url, &expect), -1);
	free(s.service);
	s.service = xstrdup("web");
	ck_assert_int_eq(probe_resolve(&s, &cfg, &url, &expect), 0);
	ck_assert_str_eq(url, "http://127.0.0.1:9/health");
	ck_assert_str_eq(expect, "ok");
	free(url);
	free(expect);
	free(s.service);
	s.service = xstrdup("postgres");
	ck_assert_int_eq(probe_resolve(&s, &cfg, &url, &expect), -1);
	/* Publishes ports, but not the probe's. */
	free(s.service);
	s.service = xstrdup("minio");
	free(s.ports);
	s.ports = xstrdup("0.0.0.0:80->8080/tcp");
	ck_assert_int_eq(probe_resolve(&s, NULL, &url, &expect), -1);
	svc_clear(&s);
	config_free(&cfg);

	ck_assert_int_eq(probe_judge(200, "\"pong\"", 6, "pong", NULL, &detail),
	    SVC_PROBE_OK);
	ck_assert_str_eq(detail, "200 \"pong\"");
	free(detail);
	ck_assert_int_eq(
	    probe_judge(200, "ok\n", 3, "ok", NULL, &detail), SVC_PROBE_OK);
	free(detail);
	ck_assert_int_eq(
	    probe_judge(200, "nope", 4, "pong", NULL, &detail), SVC_PROBE_FAIL);
	ck_assert_ptr_nonnull(strstr(detail, "expected pong"));
	free(detail);
	ck_assert_int_eq(
	    probe_judge(503, "", 0, NULL, NULL, &detail), SVC_PROBE_FAIL);
	ck_assert_str_eq(detail, "503");
	free(detail);
	ck_assert_int_eq(
	    probe_judge(204, NULL, 0, NULL, NULL, &detail), SVC_PROBE_OK);
	free(detail);
	ck_assert_int_eq(
	    probe_judge(0, NULL, 0, NULL, "connection refused\x1b[2J", &detail),
	    SVC_PROBE_FAIL);
	ck_assert_str_eq(detail, "connection refused");
	free(detail);
	detail = probe_display_url("http://u:hunter2@h:1/x?token=abc\x1b[2J");
	ck_assert_ptr_null(strstr(detail, "hunter2"));
	ck_assert_ptr_null(strstr(detail, "abc"));
	ck_assert_ptr_null(strchr(detail, '\033'));
	free(detail);
	ck_assert_int_eq(probe_host_port("9000/tcp", 9000), -1);
	ck_assert_int_eq(probe_host_port("1.2.3.4:1->2/tcp, 5->6/udp", 6), 5);
}
END_TEST

START_TEST(test_svcs_model)
{
	struct svcs c;
	struct svc s;
	int amb;
	const char *names[][3] = { { "p-web-1", "web", "abcdef01" },
		{ "p-worker-1", "worker", "abcdef02" },
		{ "p-worker-2", "worker", "12345678" } };
	size_t i;
	uint64_t g;

	svcs_init(&c);
	for (i = 0; i < 3; i++) {
		svc_init(&s);
		s.name = xstrdup(names[i][0]);
		s.service = xstrdup(names[i][1]);
		s.id = xstrdup(names[i][2]);
		svcs_push(&c, &s);
	}
	ck_assert_str_eq(svcs_lookup(&c, "p-worker-2", &amb)->id, "12345678");
	ck_assert_int_eq(amb, 0);
	ck_assert_str_eq(svcs_lookup(&c, "/p-web-1", &amb)->id, "abcdef01");
	ck_assert_str_eq(svcs_lookup(&c, "web", &amb)->name, "p-web-1");
	ck_assert_ptr_nonnull(svcs_lookup(&c, "worker", &amb));
	ck_assert_int_eq(amb, 1);
	ck_assert_ptr_nonnull(svcs_lookup(&c, "abcdef", &amb));
	ck_assert_int_eq(amb, 1);
	ck_assert_str_eq(svcs_lookup(&c, "1234", &amb)->name, "p-worker-2");
	ck_assert_ptr_null(svcs_lookup(&c, "123", &amb)); /* too short */
	ck_assert_ptr_null(svcs_lookup(&c, "", &amb));
	ck_assert_ptr_nonnull(svcs_find_id(&c, "abcdef02"));
	g = c.gen;
	svcs_remove(&c, 0);
	ck_assert_uint_gt(c.gen, g);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_str_eq(c.v[0].name, "p-worker-1");
	ck_assert_int_eq(svc_state_parse("RUNNING"), SVC_RUNNING);
	ck_assert_int_eq(svc_state_parse("stopped"), SVC_EXITED);
	ck_assert_int_eq(svc_state_parse("READY"), SVC_RUNNING);
	ck_assert_int_eq(svc_state_parse("SUSPENDED"), SVC_SUSPENDED);
	ck_assert_int_eq(svc_state_parse("bogus"), SVC_UNKNOWN);
	ck_assert_str_eq(svc_state_name(SVC_EXITED), "exited");
	ck_assert_int_eq(svc_state_glyph(SVC_RUNNING), '+');
	ck_assert_int_eq(svc_health_parse("healthy"), SVC_HEALTH_HEALTHY);
	svcs_free(&c);

	{
		struct svc_cells cells;
		char b[16];

		svc_init(&s);
		s.state = SVC_RUNNING;
		s.started_at = 1000;
		s.cpu_pct = 12.345;
		s.mem_bytes = 25165824;
		s.restarts = 3;
		s.probe = SVC_PROBE_FAIL;
		svc_cells_format(&s, 1185, &cells);
		ck_assert_str_eq(cells.state, "+ running");
		ck_assert_str_eq(cells.uptime, "3m05s");
		ck_assert_str_eq(cells.cpu, "12.3%");
		ck_assert_str_eq(cells.mem, "24.0MiB");
		ck_assert_str_eq(cells.restarts, "3");
		ck_assert_str_eq(cells.probe, "fail");
		ck_assert_str_eq(cells.health, "-");
		s.state = SVC_EXITED;
		s.exit_code = 137;
		s.inspected = 1;
		svc_cells_format(&s, 1185, &cells);
		ck_assert_str_eq(cells.uptime, "exit 137");
		ck_assert_str_eq(cells.cpu, "-");
		ck_assert_str_eq(cells.mem, "-");
		svc_format_bytes(512, b, sizeof b);
		ck_assert_str_eq(b, "512B");
		svc_format_bytes(1536, b, sizeof b);
		ck_assert_str_eq(b, "1.5KiB");
	}
}
END_TEST

START_TEST(test_paths_and_filters)
{
	char *p;

	p = url_path("/containers", "a b/c", "/logs", (char *)NULL);
	ck_assert_str_eq(p, "/containers/a%20b%2Fc/logs");
	free(p);
	p = docker_project_filter("demo", 0);
	ck_assert_str_eq(p, "filters=%7B%22label%22%3A%5B%22com.docker."
			    "compose.project%3Ddemo%22%5D%7D");
	free(p);
	p = docker_project_filter("x\"y", 1);
	ck_assert_ptr_nonnull(strstr(p, "x%5C%22y"));
	ck_assert_ptr_nonnull(strstr(p, "container"));
	free(p);
}
END_TEST

Suite *docker_suite(void);

Suite *
docker_suite(void)
{
	Suite *s = suite_create("docker");
	TCase *tc = tcase_create("parsers");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_containers_parse);
	tcase_add_test(tc, test_inspect_parse);
	tcase_add_test(tc, test_stats_and_cpu);
	tcase_add_test(tc, test_version_and_api_pick);
	tcase_add_test(tc, test_events_and_errors);
	tcase_add_test(tc, test_demux_every_split);
	tcase_add_test(tc, test_demux_raw_tty);
	tcase_add_test(tc, test_demux_errors_and_limits);
	tcase_add_test(tc, test_log_line_helpers);
	tcase_add_test(tc, test_logs_query);
	tcase_add_test(tc, test_endpoint_resolve);
	tcase_add_test(tc, test_astro_project);
	tcase_add_test(tc, test_probes);
	tcase_add_test(tc, test_svcs_model);
	tcase_add_test(tc, test_paths_and_filters);
	suite_add_tcase(s, tc);
	return s;
}
