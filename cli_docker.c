/*
 * The headless twins of local mode: list the containers of a compose
 * project, read or follow a container's logs, restart, stop or start one and
 * report the state change the engine's event stream shows. Everything runs
 * on one libuv loop through the same core as the console.
 */

#include "cli_docker.h"
#include "cli_out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "audit.h"
#include "cli.h"
#include "config.h"
#include "docker.h"
#include "docker_logs.h"
#include "http.h"
#include "json_docker.h"
#include "probe.h"
#include "model.h"
#include "netcfg.h"
#include "sanitize.h"
#include "src_docker.h"
#include "svc.h"
#include "timefmt.h"
#include "util.h"

/* How long an action may take to show its state change. */
#define CD_ACTION_TIMEOUT_MS 60000
/* The interval between the two stats samples of "get containers". */
#define CD_STATS_GAP_MS 1000

enum cd_cmd { CD_GET, CD_LOGS, CD_ACTION };

/* One followed container. */
struct cd_stream {
	struct cd *c; /* the command it belongs to */
	char *id;
	char *name;
	int tty;
	struct docker_demux demux;
	struct docker_op *op;
	int open;
};

struct cd {
	uv_loop_t loop;
	struct netcfg_sink sink; /* the HTTP trace: audit */
	const struct config *cfg;
	const struct cli_options *opts;
	struct http *http;
	struct docker *d;
	struct audit *audit;
	char *project;
	struct svcs svcs;
	enum cd_cmd cmd;
	const char *act;    /* restart, stop, start */
	const char *target; /* what the operator named */
	int status;
	int finished;
	size_t pending; /* inspect, stats and probe calls in flight */
	int phase;
	uv_timer_t timer;
	int timer_init;
	uv_signal_t sig[2];
	int sig_init;
	struct docker_op *op;     /* the list/inspect/logs call */
	struct docker_op *events; /* the action's event stream */
	/* The container acted on or followed. */
	char *id;
	char *name;
	char *service;
	int tty;
	struct src_docker *src;          /* --watch */
	struct source_status status_src; /* --watch */
	uint64_t printed_gen, printed_sgen;
	struct cd_stream **streams; /* followed logs */
	size_t nstreams;
	size_t nopen; /* streams (or their inspects) in flight */
	int prefix_w;
	struct buf line;
	/* Actions. */
	struct docker_inspect before;
	struct docker_inspect after;
	int posted;
	int inspecting;
	int satisfied;
	struct buf evbuf; /* partial event line */
	cJSON *evnames;   /* the event actions seen, in order */
	double t0;
	double since; /* logs --since, epoch seconds; 0 = all */
	double until; /* logs --previous: before the current start; 0 = all */
};

static const char *const cd_commands[] = {
	"logs",
	"restart",
	"stop",
	"start",
	NULL,
};

int
cli_docker_is_command(const char *word)
{
	size_t i;

	for (i = 0; cd_commands[i] != NULL; i++) {
		if (strcmp(word, cd_commands[i]) == 0)
			return 1;
	}
	return 0;
}

int
cli_docker_handles(const struct config *cfg, const struct cli_options *opts,
    int argc, char **argv)
{
	(void)cfg;
	if (argc < 1)
		return 0;
	if (cli_docker_is_command(argv[0]))
		return 1;
	/* Until a Snowflake connection exists, containers are local. */
	return strcmp(argv[0], "get") == 0 && argc >= 2 &&
	       strcmp(argv[1], "containers") == 0 && (opts->local || argc == 2);
}

/* ---- plumbing ---------------------------------------------------------- */

static void
cd_handle_close(uv_handle_t *h)
{
	(void)h;
}

/* Stops everything so the loop ends. */
static void
cd_finish(struct cd *c)
{
	int i;

	if (c->finished)
		return;
	c->finished = 1;
	if (c->src != NULL)
		src_docker_free(c->src);
	c->src = NULL;
	if (c->op != NULL)
		docker_cancel(c->op);
	c->op = NULL;
	for (i = 0; i < (int)c->nstreams; i++) {
		if (c->streams[i]->op != NULL)
			docker_cancel(c->streams[i]->op);
		c->streams[i]->op = NULL;
	}
	if (c->events != NULL)
		docker_cancel(c->events);
	c->events = NULL;
	docker_free(c->d);
	c->d = NULL;
	if (c->timer_init)
		uv_close((uv_handle_t *)&c->timer, cd_handle_close);
	c->timer_init = 0;
	for (i = 0; c->sig_init && i < 2; i++)
		uv_close((uv_handle_t *)&c->sig[i], cd_handle_close);
	c->sig_init = 0;
	http_free(c->http);
	c->http = NULL;
	fflush(stdout);
}

static void
cd_fail(struct cd *c, const char *msg)
{
	char *safe = sanitize_dup(msg, strlen(msg), 0);

	fprintf(stderr, "snowdeck: %s\n", safe);
	free(safe);
	c->status = 1;
	cd_finish(c);
}

/* ---- get containers ---------------------------------------------------- */

static void cd_get_step(struct cd *);

static void
cd_inspect_done(const struct docker_result *r, void *arg)
{
	struct cd *c = arg;
	struct docker_inspect x;
	struct svc *s;

	c->pending--;
	if (!r->error &&
	    json_docker_inspect_parse(r->body, r->len, &x, NULL) == 0) {
		if ((s = svcs_find_id(&c->svcs, x.id)) != NULL)
			docker_inspect_apply(&x, s);
		docker_inspect_clear(&x);
	}
	cd_get_step(c);
}

static void
cd_stats_done(const struct docker_result *r, void *arg)
{
	void **slot = arg;
	struct cd *c = slot[0];
	char *id = slot[1];
	struct docker_stats st;
	struct svc *s;

	c->pending--;
	if (!r->error &&
	    json_docker_stats_parse(r->body, r->len, &st, NULL) == 0 &&
	    (s = svcs_find_id(&c->svcs, id)) != NULL)
		docker_stats_apply(&st, s);
	free(id);
	free(slot);
	cd_get_step(c);
}

static void
cd_probe_done(const struct http_response *hr, void *arg)
{
	void **slot = arg;
	struct cd *c = slot[0];
	char *id = slot[1], *expect = slot[2], *detail = NULL;
	struct svc *s;

	c->pending--;
	if ((s = svcs_find_id(&c->svcs, id)) != NULL) {
		s->probe = probe_judge(hr->error ? 0 : hr->status, hr->body,
		    hr->body_len, expect, hr->cause, &detail);
		free(s->probe_detail);
		s->probe_detail = detail;
		s->probe_ms = hr->elapsed_ms;
	} else
		free(detail);
	free(id);
	free(expect);
	free(slot);
	cd_get_step(c);
}

static void
cd_stats_all(struct cd *c)
{
	size_t i;
	char *path;
	void **slot;

	for (i = 0; i < c->svcs.n; i++) {
		if (c->svcs.v[i].state != SVC_RUNNING)
			continue;
		slot = xcalloc(2, sizeof *slot);
		slot[0] = c;
		slot[1] = xstrdup(c->svcs.v[i].id);
		path = url_path(
		    "/containers", c->svcs.v[i].id, "/stats", (char *)NULL);
		c->pending++;
		docker_call(c->d, "GET", path, "stream=false&one-shot=true",
		    NULL, cd_stats_done, slot);
		free(path);
	}
}

static void
cd_probes_all(struct cd *c)
{
	struct http_request req;
	size_t i;
	char *url, *expect;
	void **slot;

	for (i = 0; i < c->svcs.n; i++) {
		if (probe_resolve(&c->svcs.v[i], c->cfg, &url, &expect) != 0)
			continue;
		c->svcs.v[i].probe = SVC_PROBE_PENDING;
		free(c->svcs.v[i].probe_url);
		c->svcs.v[i].probe_url = probe_display_url(url);
		slot = xcalloc(3, sizeof *slot);
		slot[0] = c;
		slot[1] = xstrdup(c->svcs.v[i].id);
		slot[2] = expect;
		memset(&req, 0, sizeof req);
		req.method = "GET";
		req.url = url;
		req.flags = HTTP_NO_RETRY;
		req.total_timeout_ms = PROBE_TIMEOUT_MS;
		c->pending++;
		http_start(c->http, &req, cd_probe_done, slot);
		free(url);
	}
}

/* The second stats sample; the timer counted as pending until now. */
static void
cd_timer_stats(uv_timer_t *t)
{
	struct cd *c = t->data;

	c->pending--;
	cd_stats_all(c);
	cd_get_step(c);
}

static void
cd_print_containers(struct cd *c)
{
	const char *hdr[] = { "NAME", "SERVICE", "STATE", "HEALTH", "UPTIME",
		"RESTARTS", "PORTS", "CPU", "MEM", "PROBE" };
	enum { NCOL = 10 };
	double now = util_wall();
	size_t i, j, w[NCOL], l;
	char ***rows, ts[40];
	cJSON *doc, *arr, *o, *p;
	struct svc *s;
	struct svc_cells cells;

	svcs_sort(&c->svcs);
	if (c->opts->json) {
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "project", c->project);
		cJSON_AddStringToObject(doc, "endpoint", docker_display(c->d));
		if (docker_engine(c->d) != NULL)
			cJSON_AddStringToObject(
			    doc, "engine", docker_engine(c->d));
		arr = cJSON_AddArrayToObject(doc, "containers");
		for (i = 0; i < c->svcs.n; i++) {
			s = &c->svcs.v[i];
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "id", s->id);
			cJSON_AddStringToObject(o, "name", s->name);
			cJSON_AddStringToObject(o, "service", s->service);
			cJSON_AddStringToObject(
			    o, "image", s->image != NULL ? s->image : "");
			cJSON_AddStringToObject(
			    o, "state", svc_state_name(s->state));
			cJSON_AddStringToObject(
			    o, "status", s->status != NULL ? s->status : "");
			cJSON_AddStringToObject(o, "health",
			    s->health == SVC_HEALTH_NONE
				? "none"
				: svc_health_name(s->health));
			if (s->started_at > 0) {
				time_format_iso(s->started_at, ts, sizeof ts);
				cJSON_AddStringToObject(o, "started_at", ts);
			} else
				cJSON_AddNullToObject(o, "started_at");
			if (s->state == SVC_RUNNING && s->started_at > 0)
				cJSON_AddNumberToObject(
				    o, "uptime_s", floor(now - s->started_at));
			else
				cJSON_AddNullToObject(o, "uptime_s");
			cJSON_AddNumberToObject(o, "restarts", s->restarts);
			cJSON_AddNumberToObject(o, "exit_code", s->exit_code);
			cJSON_AddBoolToObject(o, "tty", s->tty);
			cJSON_AddStringToObject(o, "ports", s->ports);
			if (s->cpu_pct >= 0)
				cJSON_AddNumberToObject(
				    o, "cpu_percent", s->cpu_pct);
			else
				cJSON_AddNullToObject(o, "cpu_percent");
			if (s->state == SVC_RUNNING) {
				cJSON_AddNumberToObject(
				    o, "mem_bytes", (double)s->mem_bytes);
				cJSON_AddNumberToObject(
				    o, "mem_limit", (double)s->mem_limit);
			} else {
				cJSON_AddNullToObject(o, "mem_bytes");
				cJSON_AddNullToObject(o, "mem_limit");
			}
			p = cJSON_AddObjectToObject(o, "probe");
			cJSON_AddStringToObject(p, "state",
			    s->probe == SVC_PROBE_NONE
				? "none"
				: svc_probe_name(s->probe));
			if (s->probe_url != NULL)
				cJSON_AddStringToObject(p, "url", s->probe_url);
			if (s->probe_detail != NULL)
				cJSON_AddStringToObject(
				    p, "detail", s->probe_detail);
			cJSON_AddItemToArray(arr, o);
		}
		if (c->src != NULL) {
			/* --watch: one compact document per line. */
			o = cJSON_AddObjectToObject(doc, "source");
			cJSON_AddStringToObject(o, "state",
			    c->status_src.state == SOURCE_OK ? "ok"
			    : c->status_src.state == SOURCE_DOWN
				? "down"
				: "connecting");
			cJSON_AddStringToObject(o, "detail",
			    c->status_src.detail != NULL ? c->status_src.detail
							 : "");
			cJSON_AddNumberToObject(doc, "time", util_wall());
			{
				char *txt = cJSON_PrintUnformatted(doc);

				if (txt != NULL) {
					puts(txt);
					cJSON_free(txt);
				}
				cJSON_Delete(doc);
			}
			fflush(stdout);
			return;
		}
		cli_out_json(doc);
		return;
	}
	if (c->src != NULL) {
		char tsn[40];

		time_format_iso(util_wall(), tsn, sizeof tsn);
		printf("-- %s  %s: %s\n", tsn,
		    c->status_src.state == SOURCE_OK     ? "ok"
		    : c->status_src.state == SOURCE_DOWN ? "DOWN"
							 : "connecting",
		    c->status_src.detail != NULL ? c->status_src.detail : "");
	} else if (c->svcs.n == 0) {
		fprintf(stderr,
		    "snowdeck: no containers in compose project %s at %s "
		    "(start it, or pass --compose-project NAME)\n",
		    c->project, docker_display(c->d));
	}
	rows = xcalloc(c->svcs.n + 1, sizeof *rows);
	for (i = 0; i < c->svcs.n; i++) {
		s = &c->svcs.v[i];
		rows[i] = xcalloc(NCOL, sizeof **rows);
		svc_cells_format(s, now, &cells);
		rows[i][0] = xstrdup(s->name);
		rows[i][1] = xstrdup(s->service);
		rows[i][2] = xstrdup(cells.state);
		rows[i][3] = xstrdup(cells.health);
		rows[i][4] = xstrdup(cells.uptime);
		rows[i][5] = xstrdup(cells.restarts);
		rows[i][6] = xstrdup(*s->ports != '\0' ? s->ports : "-");
		rows[i][7] = xstrdup(cells.cpu);
		rows[i][8] = xstrdup(cells.mem);
		rows[i][9] = xstrdup(cells.probe);
	}
	for (j = 0; j < NCOL; j++)
		w[j] = strlen(hdr[j]);
	for (i = 0; i < c->svcs.n; i++) {
		for (j = 0; j < NCOL; j++) {
			l = strlen(rows[i][j]);
			if (l > w[j])
				w[j] = l;
		}
	}
	for (j = 0; j < NCOL; j++)
		printf("%-*s%s", j + 1 < NCOL ? (int)w[j] : 0, hdr[j],
		    j + 1 < NCOL ? "  " : "\n");
	for (i = 0; i < c->svcs.n; i++) {
		for (j = 0; j < NCOL; j++) {
			printf("%-*s%s", j + 1 < NCOL ? (int)w[j] : 0,
			    rows[i][j], j + 1 < NCOL ? "  " : "\n");
			free(rows[i][j]);
		}
		free(rows[i]);
	}
	free(rows);
}

/*
 * Phases of get containers: 0 inspect every container and take a first
 * stats sample; 1 wait, then a second sample (CPU needs two) and the
 * probes; 2 print.
 */
static void
cd_get_step(struct cd *c)
{
	size_t i;
	int need_cpu = 0;

	if (c->pending > 0 || c->finished)
		return;
	if (c->phase == 0) {
		c->phase = 1;
		for (i = 0; i < c->svcs.n; i++) {
			if (c->svcs.v[i].state == SVC_RUNNING &&
			    c->svcs.v[i].cpu_pct < 0)
				need_cpu = 1;
		}
		cd_probes_all(c);
		if (need_cpu) {
			uv_timer_init(&c->loop, &c->timer);
			c->timer_init = 1;
			c->timer.data = c;
			c->pending++; /* the timer */
			uv_timer_start(
			    &c->timer, cd_timer_stats, CD_STATS_GAP_MS, 0);
		}
		if (c->pending > 0)
			return;
	}
	cd_print_containers(c);
	cd_finish(c);
}

static void
cd_list_done_get(struct cd *c)
{
	size_t i;
	char *path;

	for (i = 0; i < c->svcs.n; i++) {
		path = url_path(
		    "/containers", c->svcs.v[i].id, "/json", (char *)NULL);
		c->pending++;
		docker_call(c->d, "GET", path, NULL, NULL, cd_inspect_done, c);
		free(path);
	}
	cd_stats_all(c);
	cd_get_step(c);
}

/* ---- logs -------------------------------------------------------------- */

static int
cd_log_line(int stream, const char *line, size_t len, void *arg)
{
	struct cd_stream *st = arg;
	struct cd *c = st->c;
	const char *text;
	size_t tlen;
	double t;
	char ts[40];
	cJSON *o;
	char *js;
	FILE *f = stream == DOCKER_STREAM_STDERR ? stderr : stdout;

	docker_log_split_ts(line, len, &t, &text, &tlen);
	buf_reset(&c->line);
	docker_log_line_format(&c->line, text, tlen);
	/* --grep: on the line as printed (sanitized, secrets masked). */
	if (c->opts->grep != NULL &&
	    text_find(c->line.data != NULL ? c->line.data : "", c->line.len,
		c->opts->grep) == NULL)
		return 0;
	if (c->opts->json) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "container", st->name);
		cJSON_AddStringToObject(o, "stream",
		    stream == DOCKER_STREAM_STDERR ? "stderr" : "stdout");
		if (t > 0) {
			time_format_iso(t, ts, sizeof ts);
			cJSON_AddStringToObject(o, "time", ts);
		}
		cJSON_AddStringToObject(
		    o, "line", c->line.data != NULL ? c->line.data : "");
		js = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		if (js != NULL) {
			fputs(js, stdout);
			fputc('\n', stdout);
			cJSON_free(js);
		}
		return 0;
	}
	if (c->nstreams > 1)
		fprintf(f, "%-*s | ", c->prefix_w, st->name);
	fwrite(c->line.data != NULL ? c->line.data : "", 1, c->line.len, f);
	fputc('\n', f);
	return 0;
}

static int
cd_log_chunk(const char *data, size_t len, void *arg)
{
	struct cd_stream *st = arg;

	if (docker_demux_feed(&st->demux, data, len, cd_log_line, st) != 0) {
		fprintf(stderr,
		    "snowdeck: the log stream of %s is not framed as "
		    "Docker's multiplexed stream: stopped reading it\n",
		    st->name);
		st->c->status = 1;
		return -1;
	}
	fflush(stdout);
	return 0;
}

static void
cd_log_done(const struct docker_result *r, void *arg)
{
	struct cd_stream *st = arg;
	struct cd *c = st->c;

	st->op = NULL;
	st->open = 0;
	docker_demux_flush(&st->demux, cd_log_line, st);
	fflush(stdout);
	if (r->error && c->status == 0) {
		char *safe = sanitize_dup(r->cause, strlen(r->cause), 0);

		fprintf(stderr, "snowdeck: %s\n", safe);
		free(safe);
		c->status = 1;
	}
	if (--c->nopen == 0)
		cd_finish(c);
}

static void
cd_signal(uv_signal_t *h, int signum)
{
	struct cd *c = h->data;

	(void)signum;
	cd_finish(c);
}

static struct cd_stream *
cd_stream_add(struct cd *c, const char *id, const char *name, int tty)
{
	struct cd_stream *st = xcalloc(1, sizeof *st);
	int w = (int)strlen(name);

	st->c = c;
	st->id = xstrdup(id);
	st->name = xstrdup(name);
	st->tty = tty;
	docker_demux_init(&st->demux, tty);
	c->streams =
	    xreallocarray(c->streams, c->nstreams + 1, sizeof *c->streams);
	c->streams[c->nstreams++] = st;
	if (w > c->prefix_w)
		c->prefix_w = w;
	return st;
}

static void
cd_stream_start(struct cd_stream *st)
{
	struct cd *c = st->c;
	struct docker_logs_query lq = { .follow = c->opts->follow ? 1 : 0,
		.timestamps = 1,
		.tail = c->opts->tail,
		.since = c->since,
		.until = c->until };
	char *path, *q = docker_logs_query(&lq);

	path = url_path("/containers", st->id, "/logs", (char *)NULL);
	st->open = 1;
	c->nopen++;
	st->op = docker_stream(c->d, path, q, cd_log_chunk, cd_log_done, st);
	free(path);
	free(q);
}

static void
cd_logs_signals(struct cd *c)
{
	if (!c->opts->follow || c->sig_init)
		return;
	uv_signal_init(&c->loop, &c->sig[0]);
	uv_signal_init(&c->loop, &c->sig[1]);
	c->sig[0].data = c->sig[1].data = c;
	uv_signal_start(&c->sig[0], cd_signal, SIGINT);
	uv_signal_start(&c->sig[1], cd_signal, SIGTERM);
	c->sig_init = 1;
}

/* The single container named by the operator (c->id, c->name, c->tty). */
static void
cd_logs_start(struct cd *c)
{
	cd_logs_signals(c);
	cd_stream_start(cd_stream_add(c, c->id, c->name, c->tty));
}

/* Every container of the project: the framing needs each one's Tty. */
static void
cd_logs_all_inspected(const struct docker_result *r, void *arg)
{
	struct cd_stream *st = arg;
	struct cd *c = st->c;
	struct docker_inspect x;

	c->nopen--;
	if (!r->error &&
	    json_docker_inspect_parse(r->body, r->len, &x, NULL) == 0) {
		st->tty = x.tty;
		docker_demux_free(&st->demux);
		docker_demux_init(&st->demux, st->tty);
		docker_inspect_clear(&x);
		cd_stream_start(st);
		return;
	}
	if (r->error) {
		char *safe = sanitize_dup(r->cause, strlen(r->cause), 0);

		fprintf(stderr, "snowdeck: %s\n", safe);
		free(safe);
	}
	c->status = 1;
	if (c->nopen == 0)
		cd_finish(c);
}

static void
cd_logs_all(struct cd *c)
{
	struct cd_stream *st;
	char *path;
	size_t i;

	if (c->svcs.n == 0) {
		char *msg = xasprintf("no containers in compose project %s at "
				      "%s (start it, or pass "
				      "--compose-project NAME)",
		    c->project, docker_display(c->d));

		cd_fail(c, msg);
		free(msg);
		return;
	}
	cd_logs_signals(c);
	svcs_sort(&c->svcs);
	for (i = 0; i < c->svcs.n; i++)
		cd_stream_add(c, c->svcs.v[i].id, c->svcs.v[i].name, 0);
	for (i = 0; i < c->nstreams; i++) {
		st = c->streams[i];
		path = url_path("/containers", st->id, "/json", (char *)NULL);
		c->nopen++;
		st->op = docker_call(
		    c->d, "GET", path, NULL, NULL, cd_logs_all_inspected, st);
		free(path);
	}
}

/* ---- actions ----------------------------------------------------------- */

static void cd_action_check(struct cd *);

static int
cd_action_satisfied(struct cd *c)
{
	const struct docker_inspect *a = &c->after, *b = &c->before;

	if (strcmp(c->act, "stop") == 0)
		return !a->running;
	if (strcmp(c->act, "start") == 0)
		return a->running;
	/* restart: running again, started after it was before. */
	return a->running && (!b->running || a->started_at > b->started_at);
}

static void
cd_action_report(struct cd *c, int ok)
{
	const struct docker_inspect *a = &c->after, *b = &c->before;
	char t1[40], t2[40], *target;
	cJSON *doc, *prev;

	target = xasprintf("%s (service %s, project %s)", c->name,
	    c->service != NULL ? c->service : "-", c->project);
	audit_record(
	    c->audit, c->act, target, c->act, ok ? "ok" : "state not reached");
	free(target);
	if (c->opts->json) {
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "action", c->act);
		cJSON_AddStringToObject(doc, "container", c->name);
		cJSON_AddStringToObject(doc, "id", c->id);
		cJSON_AddStringToObject(
		    doc, "service", c->service != NULL ? c->service : "");
		cJSON_AddStringToObject(doc, "project", c->project);
		cJSON_AddStringToObject(doc, "result", ok ? "ok" : "timeout");
		cJSON_AddStringToObject(doc, "state", svc_state_name(a->state));
		cJSON_AddBoolToObject(doc, "running", a->running);
		time_format_iso(a->started_at, t1, sizeof t1);
		cJSON_AddStringToObject(doc, "started_at", t1);
		cJSON_AddNumberToObject(doc, "restarts", a->restarts);
		cJSON_AddNumberToObject(doc, "exit_code", a->exit_code);
		prev = cJSON_AddObjectToObject(doc, "before");
		cJSON_AddStringToObject(
		    prev, "state", svc_state_name(b->state));
		time_format_iso(b->started_at, t2, sizeof t2);
		cJSON_AddStringToObject(prev, "started_at", t2);
		cJSON_AddNumberToObject(prev, "restarts", b->restarts);
		cJSON_AddItemToObject(doc, "events", c->evnames);
		c->evnames = NULL;
		cli_out_json(doc);
	} else {
		char *evs = NULL;
		cJSON *e;
		struct buf eb;

		buf_init(&eb);
		cJSON_ArrayForEach(e, c->evnames)
		{
			buf_printf(&eb, "%s%s", eb.len > 0 ? ", " : "",
			    e->valuestring);
		}
		evs = buf_detach(&eb);
		time_format_iso(a->started_at, t1, sizeof t1);
		time_format_iso(b->started_at, t2, sizeof t2);
		if (a->running)
			printf("%s %s: %s, started %s (before: %s, started "
			       "%s), restart count %d; events: %s\n",
			    c->act, c->name, svc_state_name(a->state), t1,
			    svc_state_name(b->state), t2, a->restarts,
			    *evs != '\0' ? evs : "none");
		else
			printf("%s %s: %s, exit code %d (before: %s); "
			       "events: %s\n",
			    c->act, c->name, svc_state_name(a->state),
			    a->exit_code, svc_state_name(b->state),
			    *evs != '\0' ? evs : "none");
		free(evs);
	}
	if (!ok) {
		fprintf(stderr,
		    "snowdeck: %s %s: the container did not reach the "
		    "expected state within %d s (it is %s): check its "
		    "logs with 'snowdeck logs %s --local'\n",
		    c->act, c->name, CD_ACTION_TIMEOUT_MS / 1000,
		    svc_state_name(a->state), c->name);
		c->status = 1;
	}
	cd_finish(c);
}

static void
cd_action_inspect_done(const struct docker_result *r, void *arg)
{
	struct cd *c = arg;

	c->op = NULL;
	c->inspecting = 0;
	if (r->error) {
		cd_fail(c, r->cause);
		return;
	}
	docker_inspect_clear(&c->after);
	if (json_docker_inspect_parse(r->body, r->len, &c->after, NULL) != 0) {
		cd_fail(c, "the Docker API answered inspect with an "
			   "unreadable body");
		return;
	}
	if (cd_action_satisfied(c)) {
		c->satisfied = 1;
		cd_action_report(c, 1);
	} else if (c->inspecting == 2)
		cd_action_check(c);
}

/* Inspects once (again if an event arrived meanwhile). */
static void
cd_action_check(struct cd *c)
{
	char *path;

	if (c->finished || !c->posted || c->satisfied)
		return;
	if (c->inspecting) {
		c->inspecting = 2;
		return;
	}
	c->inspecting = 1;
	path = url_path("/containers", c->id, "/json", (char *)NULL);
	c->op = docker_call(
	    c->d, "GET", path, NULL, NULL, cd_action_inspect_done, c);
	free(path);
}

static int
cd_events_chunk(const char *data, size_t len, void *arg)
{
	struct cd *c = arg;
	struct docker_event ev;
	char *nl;
	size_t n;

	buf_add(&c->evbuf, data, len);
	while (c->evbuf.len > 0 &&
	       (nl = memchr(c->evbuf.data, '\n', c->evbuf.len)) != NULL) {
		n = (size_t)(nl - c->evbuf.data);
		if (json_docker_event_parse(c->evbuf.data, n, &ev, NULL) == 0) {
			if (ev.action != NULL && ev.id != NULL &&
			    strcmp(ev.id, c->id) == 0 && ev.time >= c->t0)
				cJSON_AddItemToArray(
				    c->evnames, cJSON_CreateString(ev.action));
			docker_event_clear(&ev);
		}
		memmove(c->evbuf.data, nl + 1, c->evbuf.len - n - 1);
		c->evbuf.len -= n + 1;
		c->evbuf.data[c->evbuf.len] = '\0';
		cd_action_check(c);
	}
	if (c->evbuf.len > 1024 * 1024)
		buf_reset(&c->evbuf);
	return 0;
}

static void
cd_events_done(const struct docker_result *r, void *arg)
{
	struct cd *c = arg;

	c->events = NULL;
	/* The stream ended (engine gone?): one last look decides. */
	(void)r;
	cd_action_check(c);
}

static void
cd_action_timeout(uv_timer_t *t)
{
	struct cd *c = t->data;

	cd_action_report(c, 0);
}

static void
cd_action_posted(const struct docker_result *r, void *arg)
{
	struct cd *c = arg;

	c->op = NULL;
	if (r->error) {
		char *target =
		    xasprintf("%s (project %s)", c->name, c->project);

		audit_record(c->audit, c->act, target, c->act, r->cause);
		free(target);
		cd_fail(c, r->cause);
		return;
	}
	c->posted = 1;
	cd_action_check(c);
}

static void
cd_action_before_done(const struct docker_result *r, void *arg)
{
	struct cd *c = arg;
	struct buf q;
	char *path, *json;
	cJSON *f, *a;

	c->op = NULL;
	if (r->error) {
		cd_fail(c, r->cause);
		return;
	}
	if (json_docker_inspect_parse(r->body, r->len, &c->before, NULL) != 0) {
		cd_fail(c, "the Docker API answered inspect with an "
			   "unreadable body");
		return;
	}
	c->tty = c->before.tty;
	/*
	 * Ask for events from a second back so none is missed while the
	 * stream connects; keep only those from now on.
	 */
	c->t0 = util_wall() - 0.05;
	f = cJSON_CreateObject();
	a = cJSON_AddArrayToObject(f, "container");
	cJSON_AddItemToArray(a, cJSON_CreateString(c->id));
	a = cJSON_AddArrayToObject(f, "type");
	cJSON_AddItemToArray(a, cJSON_CreateString("container"));
	json = cJSON_PrintUnformatted(f);
	cJSON_Delete(f);
	buf_init(&q);
	buf_printf(&q, "since=%.0f&filters=", floor(c->t0) - 1);
	url_encode(&q, json);
	cJSON_free(json);
	c->events = docker_stream(
	    c->d, "/events", q.data, cd_events_chunk, cd_events_done, c);
	buf_free(&q);
	path = xasprintf("/containers/%s/%s", c->id, c->act);
	c->op =
	    docker_call(c->d, "POST", path, NULL, NULL, cd_action_posted, c);
	free(path);
	uv_timer_init(&c->loop, &c->timer);
	c->timer_init = 1;
	c->timer.data = c;
	uv_timer_start(&c->timer, cd_action_timeout, CD_ACTION_TIMEOUT_MS, 0);
}

/* ---- finding the container --------------------------------------------- */

static void
cd_target_found(struct cd *c)
{
	char *path;

	path = url_path("/containers", c->id, "/json", (char *)NULL);
	if (c->cmd == CD_ACTION)
		c->op = docker_call(
		    c->d, "GET", path, NULL, NULL, cd_action_before_done, c);
	else {
		free(path);
		cd_logs_start(c);
		return;
	}
	free(path);
}

/* The target by name when it is not in the project: a direct inspect. */
static void
cd_direct_done(const struct docker_result *r, void *arg)
{
	struct cd *c = arg;
	struct docker_inspect x;
	char *msg;

	c->op = NULL;
	if (r->error ||
	    json_docker_inspect_parse(r->body, r->len, &x, NULL) != 0) {
		if (r->status == 404) {
			char *safe =
			    sanitize_dup(c->target, strlen(c->target), 0);

			msg = xasprintf("no container or service \"%s\" in "
					"compose project %s at %s: see "
					"'snowdeck get containers --local "
					"--compose-project %s'",
			    safe, c->project, docker_display(c->d), c->project);
			free(safe);
			cd_fail(c, msg);
			free(msg);
		} else
			cd_fail(c, r->cause != NULL
				       ? r->cause
				       : "unreadable inspect body");
		return;
	}
	if (c->cmd == CD_LOGS && c->opts->previous) {
		/* The log spans restarts: the previous run wrote what came
		 * before the current start. */
		if (x.started_at <= 0) {
			msg = xasprintf("%s has not started yet, so it has no "
					"previous run",
			    x.name != NULL ? x.name : c->target);
			docker_inspect_clear(&x);
			cd_fail(c, msg);
			free(msg);
			return;
		}
		c->until = x.started_at;
	}
	c->id = x.id;
	c->name = x.name != NULL ? x.name : xstrdup(x.id);
	c->service = x.service;
	c->tty = x.tty;
	x.id = x.name = x.service = NULL;
	docker_inspect_clear(&x);
	cd_target_found(c);
}

static void
cd_list_done(const struct docker_result *r, void *arg)
{
	struct cd *c = arg;
	char *cause = NULL, *path;
	struct svc *s;
	int amb;

	c->op = NULL;
	if (r->error) {
		cd_fail(c, r->cause);
		return;
	}
	if (json_docker_containers_parse(r->body, r->len, &c->svcs, &cause) !=
	    0) {
		cd_fail(c, cause);
		free(cause);
		return;
	}
	if (c->cmd == CD_GET) {
		cd_list_done_get(c);
		return;
	}
	if (c->cmd == CD_LOGS && c->target == NULL) {
		cd_logs_all(c);
		return;
	}
	s = svcs_lookup(&c->svcs, c->target, &amb);
	if (s != NULL && amb) {
		char *safe = sanitize_dup(c->target, strlen(c->target), 0);
		char *msg = xasprintf("\"%s\" names more than one container "
				      "in compose project %s: name one "
				      "container (snowdeck get containers "
				      "--local)",
		    safe, c->project);

		cd_fail(c, msg);
		free(msg);
		free(safe);
		return;
	}
	if (s == NULL) {
		path =
		    url_path("/containers", c->target, "/json", (char *)NULL);
		c->op = docker_call(
		    c->d, "GET", path, NULL, NULL, cd_direct_done, c);
		free(path);
		return;
	}
	c->id = xstrdup(s->id);
	c->name = xstrdup(s->name);
	c->service = xstrdup(s->service);
	c->tty = s->tty;
	if (c->cmd == CD_LOGS) {
		/* The framing depends on Config.Tty: inspect first. */
		path = url_path("/containers", c->id, "/json", (char *)NULL);
		c->op = docker_call(
		    c->d, "GET", path, NULL, NULL, cd_direct_done, c);
		free(c->id);
		free(c->name);
		free(c->service);
		c->id = c->name = c->service = NULL;
		free(path);
		return;
	}
	cd_target_found(c);
}

/* ---- get containers --watch -------------------------------------------- */

/* Prints the table (or a JSON line) when the model changed. */
static void
cd_watch_print(uv_timer_t *t)
{
	struct cd *c = t->data;

	if (c->svcs.gen == c->printed_gen &&
	    c->status_src.gen == c->printed_sgen)
		return;
	/* Wait for the first answer, good or bad. */
	if (c->status_src.state == SOURCE_CONNECTING)
		return;
	c->printed_gen = c->svcs.gen;
	c->printed_sgen = c->status_src.gen;
	cd_print_containers(c);
	fflush(stdout);
}

/*
 * The source changed something: print once things settle (a burst of
 * stats answers gives one print). Nothing runs while nothing changes.
 */
static void
cd_watch_changed(void *arg)
{
	struct cd *c = arg;

	if (c->timer_init && !uv_is_active((uv_handle_t *)&c->timer))
		uv_timer_start(&c->timer, cd_watch_print, 100, 0);
}

static int
cd_watch_start(struct cd *c, char **cause)
{
	struct src_docker_config sc;

	memset(&sc, 0, sizeof sc);
	sc.project = c->project;
	sc.refresh_ms = c->cfg->refresh_ms > 0 ? c->cfg->refresh_ms : 2000;
	sc.cfg = c->cfg;
	sc.on_change = cd_watch_changed;
	sc.on_change_arg = c;
	c->status_src.name = "docker";
	uv_timer_init(&c->loop, &c->timer);
	c->timer_init = 1;
	c->timer.data = c;
	if (src_docker_create(&c->src, &c->loop, c->http, c->d, &sc, &c->svcs,
		&c->status_src, cause) != 0)
		return -1;
	uv_signal_init(&c->loop, &c->sig[0]);
	uv_signal_init(&c->loop, &c->sig[1]);
	c->sig[0].data = c->sig[1].data = c;
	uv_signal_start(&c->sig[0], cd_signal, SIGINT);
	uv_signal_start(&c->sig[1], cd_signal, SIGTERM);
	c->sig_init = 1;
	return 0;
}

/* ---- entry ------------------------------------------------------------- */

static int
cd_usage(const char *msg)
{
	fprintf(stderr, "snowdeck: %s (see snowdeck --help)\n", msg);
	return 2;
}

/* Asks on the terminal before a destructive action. 1 = go ahead. */
static int
cd_confirm(const char *act, const char *target, const char *project)
{
	char line[32];
	char *safe = sanitize_dup(target, strlen(target), 0);

	fprintf(
	    stderr, "%s %s in compose project %s? [y/N] ", act, safe, project);
	free(safe);
	fflush(stderr);
	if (fgets(line, sizeof line, stdin) == NULL)
		return 0;
	return line[0] == 'y' || line[0] == 'Y';
}

int
cli_docker_run(const struct config *cfg, const struct cli_options *opts,
    int argc, char **argv)
{
	struct cd c;
	struct docker_endpoint ep;
	struct http_config hc;
	char *cause = NULL, *q;

	memset(&c, 0, sizeof c);
	c.cfg = cfg;
	c.opts = opts;
	if (strcmp(argv[0], "get") == 0) {
		if (argc != 2)
			return cd_usage("usage: get containers [--local] "
					"[--compose-project P]");
		c.cmd = CD_GET;
	} else if (strcmp(argv[0], "logs") == 0) {
		if (argc > 2)
			return cd_usage("usage: logs [CONTAINER] --local "
					"[--follow | --previous] [--tail N] "
					"[--grep TEXT]");
		c.cmd = CD_LOGS;
		c.target = argc == 2 ? argv[1] : NULL;
		if (opts->previous && (c.target == NULL || opts->follow))
			return cd_usage("--previous reads one container's "
					"lines from before its current start: "
					"name the container, without --follow");
		if (opts->since != NULL &&
		    docker_since_parse(opts->since, util_wall(), &c.since) != 0)
			return cd_usage(
			    "--since takes 90s, 10m, 2h, 1d, a Unix "
			    "time or an ISO-8601 time");
	} else {
		if (argc != 2)
			return cd_usage("usage: restart|stop|start CONTAINER "
					"--local [--yes]");
		c.cmd = CD_ACTION;
		c.act = argv[0];
		c.target = argv[1];
		if (cfg->readonly > 0) {
			fprintf(stderr,
			    "snowdeck: read-only mode: %s refused\n", argv[0]);
			return 3;
		}
	}
	if (opts->compose_project != NULL)
		c.project = xstrdup(opts->compose_project);
	else if (cfg->compose_project != NULL)
		c.project = xstrdup(cfg->compose_project);
	else if ((c.project = docker_astro_project_cwd(&cause)) == NULL) {
		fprintf(stderr, "snowdeck: %s\n", cause);
		free(cause);
		return 1;
	}
	if (c.cmd == CD_ACTION && strcmp(c.act, "start") != 0 && !opts->yes) {
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr,
			    "snowdeck: %s changes a running container: pass "
			    "--yes (stdin is not a terminal to ask on)\n",
			    c.act);
			free(c.project);
			return 2;
		}
		if (!cd_confirm(c.act, c.target, c.project)) {
			fprintf(stderr, "snowdeck: not confirmed: nothing "
					"done\n");
			free(c.project);
			return 1;
		}
	}
	if (cfg->docker_host != NULL &&
	    strncmp(cfg->docker_host, "tcp://", 6) == 0 &&
	    getenv("DOCKER_TLS_VERIFY") != NULL &&
	    *getenv("DOCKER_TLS_VERIFY") != '\0') {
		fprintf(stderr,
		    "snowdeck: DOCKER_TLS_VERIFY is set, but TLS to "
		    "the Docker API is not supported: use the unix "
		    "socket (or an SSH tunnel to it)\n");
		free(c.project);
		return 1;
	}
	if (docker_endpoint_resolve(cfg->docker_host, getenv("XDG_RUNTIME_DIR"),
		NULL, &ep, &cause) != 0) {
		fprintf(stderr, "snowdeck: %s\n", cause);
		free(cause);
		free(c.project);
		return 1;
	}
	svcs_init(&c.svcs);
	buf_init(&c.line);
	buf_init(&c.evbuf);
	c.evnames = cJSON_CreateArray();
	uv_loop_init(&c.loop);
	netcfg_http_config(&hc, cfg);
	if (http_create(&c.http, &c.loop, &hc, &cause) != 0 ||
	    docker_create(&c.d, c.http, &ep, NULL, &cause) != 0 ||
	    audit_open(&c.audit, &c.loop, cfg->audit_path, &cause) != 0) {
		cd_fail(&c, cause);
		free(cause);
		goto out;
	}
	c.sink.audit = c.audit;
	http_set_trace(c.http, netcfg_trace, &c.sink);
	if (c.cmd == CD_GET && opts->watch) {
		if (cd_watch_start(&c, &cause) != 0) {
			cd_fail(&c, cause);
			free(cause);
			goto out;
		}
		uv_run(&c.loop, UV_RUN_DEFAULT);
		goto out;
	}
	q = docker_project_filter(c.project, 0);
	{
		char *full = xasprintf("all=1&%s", q);

		c.op = docker_call(c.d, "GET", "/containers/json", full, NULL,
		    cd_list_done, &c);
		free(full);
	}
	free(q);
	uv_run(&c.loop, UV_RUN_DEFAULT);
out:
	cd_finish(&c);
	audit_close(c.audit);
	uv_run(&c.loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&c.loop) != 0)
		fprintf(stderr, "snowdeck: warning: loop not closed cleanly\n");
	docker_endpoint_free(&ep);
	svcs_free(&c.svcs);
	buf_free(&c.line);
	buf_free(&c.evbuf);
	cJSON_Delete(c.evnames);
	for (size_t i = 0; i < c.nstreams; i++) {
		docker_demux_free(&c.streams[i]->demux);
		free(c.streams[i]->id);
		free(c.streams[i]->name);
		free(c.streams[i]);
	}
	free(c.streams);
	docker_inspect_clear(&c.before);
	docker_inspect_clear(&c.after);
	free(c.id);
	free(c.name);
	free(c.service);
	free(c.project);
	free(c.status_src.detail);
	fflush(stdout);
	return c.status;
}
