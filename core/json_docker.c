/* Pure parsers of Docker Engine API bodies. */

#include "json_docker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "sanitize.h"
#include "timefmt.h"
#include "util.h"

/* A sanitized copy of a string member, or NULL when absent. */
static char *
jd_str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return NULL;
	return sanitize_dup(v->valuestring, strlen(v->valuestring), 0);
}

static const char *
jd_raw(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsString(v))
		return NULL;
	return v->valuestring;
}

static double
jd_num(const cJSON *o, const char *name, double def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) ? v->valuedouble : def;
}

/* A non-negative counter; JSON numbers are doubles, clamp what is odd. */
static uint64_t
jd_u64(const cJSON *o, const char *name)
{
	double d = jd_num(o, name, 0);

	if (!(d > 0))
		return 0;
	if (d >= 1.8e19)
		return UINT64_MAX;
	return (uint64_t)d;
}

static int
jd_int(const cJSON *o, const char *name)
{
	double d = jd_num(o, name, 0);

	if (!(d > -2147483648.0 && d < 2147483647.0))
		return 0;
	return (int)d;
}

/* Docker's zero time is year 1; anything before 1971 means "none". */
static double
jd_time(const cJSON *o, const char *name)
{
	const char *s = jd_raw(o, name);
	double t;

	if (s == NULL || time_parse_iso(s, &t) != 0 || t < 31536000)
		return 0;
	return t;
}

static cJSON *
jd_parse(const char *buf, size_t len, char **cause)
{
	cJSON *doc = cJSON_ParseWithLength(buf, len);

	if (doc == NULL && cause != NULL)
		*cause = xstrdup("the Docker API answered with invalid JSON");
	return doc;
}

static void
jd_fail(char **cause, const char *msg)
{
	if (cause != NULL)
		*cause = xstrdup(msg);
}

/* Appends "IP:PUB->PRIV/proto" or "PRIV/proto" entries to b. */
static int
jd_ports(const cJSON *ports, struct buf *b)
{
	const cJSON *p;
	int first_pub = 0, priv, pub;
	const char *ip, *type;

	cJSON_ArrayForEach(p, ports)
	{
		if (!cJSON_IsObject(p))
			continue;
		priv = jd_int(p, "PrivatePort");
		pub = jd_int(p, "PublicPort");
		ip = jd_raw(p, "IP");
		type = jd_raw(p, "Type");
		if (priv <= 0 || priv > 65535)
			continue;
		if (b->len > 0)
			buf_adds(b, ", ");
		if (pub > 0 && pub <= 65535) {
			if (ip != NULL && *ip != '\0') {
				sanitize_append(b, ip, strnlen(ip, 64), 0);
				buf_addc(b, ':');
			}
			buf_printf(b, "%d->", pub);
			if (first_pub == 0)
				first_pub = pub;
		}
		buf_printf(b, "%d/", priv);
		if (type != NULL && *type != '\0')
			sanitize_append(b, type, strnlen(type, 16), 0);
		else
			buf_adds(b, "tcp");
	}
	return first_pub;
}

int
json_docker_containers_parse(
    const char *buf, size_t len, struct svcs *out, char **cause)
{
	cJSON *doc, *c;
	const cJSON *names, *labels;
	const char *n;
	struct svc s;
	struct buf pb;

	if ((doc = jd_parse(buf, len, cause)) == NULL)
		return -1;
	if (!cJSON_IsArray(doc)) {
		cJSON_Delete(doc);
		jd_fail(cause, "the Docker API container list is not an "
			       "array");
		return -1;
	}
	cJSON_ArrayForEach(c, doc)
	{
		if (!cJSON_IsObject(c) || jd_raw(c, "Id") == NULL)
			continue;
		svc_init(&s);
		s.origin = SVC_LOCAL;
		s.id = jd_str(c, "Id");
		names = cJSON_GetObjectItemCaseSensitive(c, "Names");
		if (cJSON_IsArray(names) &&
		    cJSON_IsString(cJSON_GetArrayItem(names, 0))) {
			n = cJSON_GetArrayItem(names, 0)->valuestring;
			if (*n == '/')
				n++;
			s.name = sanitize_dup(n, strlen(n), 0);
		} else
			s.name = xstrdup(s.id);
		labels = cJSON_GetObjectItemCaseSensitive(c, "Labels");
		s.service = jd_str(labels, DOCKER_LABEL_SERVICE);
		s.project = jd_str(labels, DOCKER_LABEL_PROJECT);
		if (s.service == NULL)
			s.service = xstrdup(s.name);
		s.image = jd_str(c, "Image");
		s.status = jd_str(c, "Status");
		s.state = svc_state_parse(jd_raw(c, "State"));
		s.created = jd_num(c, "Created", 0);
		buf_init(&pb);
		s.host_port =
		    jd_ports(cJSON_GetObjectItemCaseSensitive(c, "Ports"), &pb);
		s.ports = pb.data != NULL ? buf_detach(&pb) : xstrdup("");
		buf_free(&pb);
		/* Docker writes "(healthy)" into Status; inspect refines it. */
		if (s.status != NULL) {
			if (strstr(s.status, "(unhealthy)") != NULL)
				s.health = SVC_HEALTH_UNHEALTHY;
			else if (strstr(s.status, "(healthy)") != NULL)
				s.health = SVC_HEALTH_HEALTHY;
			else if (strstr(s.status, "(health: starting)") != NULL)
				s.health = SVC_HEALTH_STARTING;
		}
		svcs_push(out, &s);
	}
	cJSON_Delete(doc);
	return 0;
}

int
json_docker_inspect_parse(
    const char *buf, size_t len, struct docker_inspect *out, char **cause)
{
	cJSON *doc;
	const cJSON *state, *config, *labels, *health;
	const char *n;

	memset(out, 0, sizeof *out);
	if ((doc = jd_parse(buf, len, cause)) == NULL)
		return -1;
	state = cJSON_GetObjectItemCaseSensitive(doc, "State");
	if (!cJSON_IsObject(doc) || jd_raw(doc, "Id") == NULL ||
	    !cJSON_IsObject(state)) {
		cJSON_Delete(doc);
		jd_fail(cause, "the Docker API inspect answer has no Id or "
			       "State");
		return -1;
	}
	out->id = jd_str(doc, "Id");
	n = jd_raw(doc, "Name");
	if (n != NULL) {
		if (*n == '/')
			n++;
		out->name = sanitize_dup(n, strlen(n), 0);
	}
	out->state = svc_state_parse(jd_raw(state, "Status"));
	out->running =
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(state, "Running"));
	out->exit_code = jd_int(state, "ExitCode");
	out->error = jd_str(state, "Error");
	out->started_at = jd_time(state, "StartedAt");
	out->finished_at = jd_time(state, "FinishedAt");
	health = cJSON_GetObjectItemCaseSensitive(state, "Health");
	if (cJSON_IsObject(health))
		out->health = svc_health_parse(jd_raw(health, "Status"));
	out->restarts = jd_int(doc, "RestartCount");
	config = cJSON_GetObjectItemCaseSensitive(doc, "Config");
	if (cJSON_IsObject(config)) {
		out->tty = cJSON_IsTrue(
		    cJSON_GetObjectItemCaseSensitive(config, "Tty"));
		labels = cJSON_GetObjectItemCaseSensitive(config, "Labels");
		out->service = jd_str(labels, DOCKER_LABEL_SERVICE);
		out->project = jd_str(labels, DOCKER_LABEL_PROJECT);
	}
	cJSON_Delete(doc);
	return 0;
}

void
docker_inspect_clear(struct docker_inspect *x)
{
	free(x->id);
	free(x->name);
	free(x->service);
	free(x->project);
	free(x->error);
	memset(x, 0, sizeof *x);
}

void
docker_inspect_apply(const struct docker_inspect *x, struct svc *s)
{
	if (x->state != SVC_UNKNOWN)
		s->state = x->state;
	s->health = x->health;
	s->started_at = x->started_at;
	s->finished_at = x->finished_at;
	s->restarts = x->restarts;
	s->exit_code = x->exit_code;
	s->tty = x->tty;
	s->inspected = 1;
	if (s->state != SVC_RUNNING && s->state != SVC_PAUSED) {
		s->cpu_pct = -1;
		s->mem_bytes = 0;
		s->cpu_total = s->cpu_system = 0;
	}
}

int
json_docker_stats_parse(
    const char *buf, size_t len, struct docker_stats *out, char **cause)
{
	cJSON *doc;
	const cJSON *cpu, *pre, *usage, *mem, *ms, *percpu;
	int n;

	memset(out, 0, sizeof *out);
	if ((doc = jd_parse(buf, len, cause)) == NULL)
		return -1;
	cpu = cJSON_GetObjectItemCaseSensitive(doc, "cpu_stats");
	if (!cJSON_IsObject(doc) || !cJSON_IsObject(cpu)) {
		cJSON_Delete(doc);
		jd_fail(cause, "the Docker API stats answer has no cpu_stats");
		return -1;
	}
	usage = cJSON_GetObjectItemCaseSensitive(cpu, "cpu_usage");
	out->cpu_total = jd_u64(usage, "total_usage");
	out->system = jd_u64(cpu, "system_cpu_usage");
	n = jd_int(cpu, "online_cpus");
	if (n <= 0) {
		percpu =
		    cJSON_GetObjectItemCaseSensitive(usage, "percpu_usage");
		n = cJSON_IsArray(percpu) ? cJSON_GetArraySize(percpu) : 0;
	}
	out->online_cpus = n > 0 ? (uint32_t)n : 1;
	pre = cJSON_GetObjectItemCaseSensitive(doc, "precpu_stats");
	if (cJSON_IsObject(pre)) {
		out->pre_cpu_total =
		    jd_u64(cJSON_GetObjectItemCaseSensitive(pre, "cpu_usage"),
			"total_usage");
		out->pre_system = jd_u64(pre, "system_cpu_usage");
	}
	mem = cJSON_GetObjectItemCaseSensitive(doc, "memory_stats");
	if (cJSON_IsObject(mem)) {
		out->mem_usage = jd_u64(mem, "usage");
		out->mem_limit = jd_u64(mem, "limit");
		ms = cJSON_GetObjectItemCaseSensitive(mem, "stats");
		if (cJSON_IsObject(ms)) {
			out->mem_cache = jd_u64(ms, "inactive_file");
			if (out->mem_cache == 0)
				out->mem_cache =
				    jd_u64(ms, "total_inactive_file");
			if (out->mem_cache == 0)
				out->mem_cache = jd_u64(ms, "cache");
		}
	}
	cJSON_Delete(doc);
	return 0;
}

double
docker_cpu_percent(uint64_t cpu_prev, uint64_t sys_prev, uint64_t cpu_now,
    uint64_t sys_now, uint32_t online_cpus)
{
	double cd, sd;

	if (cpu_prev == 0 || sys_prev == 0 || sys_now <= sys_prev ||
	    cpu_now < cpu_prev)
		return -1;
	cd = (double)(cpu_now - cpu_prev);
	sd = (double)(sys_now - sys_prev);
	return cd / sd * (double)(online_cpus > 0 ? online_cpus : 1) * 100.0;
}

uint64_t
docker_mem_used(const struct docker_stats *st)
{
	if (st->mem_cache < st->mem_usage)
		return st->mem_usage - st->mem_cache;
	return st->mem_usage;
}

void
docker_stats_apply(const struct docker_stats *st, struct svc *s)
{
	double pct;

	pct = docker_cpu_percent(st->pre_cpu_total, st->pre_system,
	    st->cpu_total, st->system, st->online_cpus);
	if (pct < 0)
		pct = docker_cpu_percent(s->cpu_total, s->cpu_system,
		    st->cpu_total, st->system, st->online_cpus);
	if (pct >= 0)
		s->cpu_pct = pct;
	s->cpu_total = st->cpu_total;
	s->cpu_system = st->system;
	s->online_cpus = st->online_cpus;
	s->mem_bytes = docker_mem_used(st);
	s->mem_limit = st->mem_limit;
}

int
json_docker_version_parse(const char *buf, size_t len, char **api,
    char **min_api, char **engine, char **cause)
{
	cJSON *doc;
	const cJSON *comps, *c;
	const char *name = NULL, *ver;

	*api = *min_api = *engine = NULL;
	if ((doc = jd_parse(buf, len, cause)) == NULL)
		return -1;
	if (!cJSON_IsObject(doc) || jd_raw(doc, "ApiVersion") == NULL) {
		cJSON_Delete(doc);
		jd_fail(cause, "the Docker API /version answer has no "
			       "ApiVersion: is this a Docker Engine API "
			       "endpoint?");
		return -1;
	}
	*api = jd_str(doc, "ApiVersion");
	*min_api = jd_str(doc, "MinAPIVersion");
	comps = cJSON_GetObjectItemCaseSensitive(doc, "Components");
	cJSON_ArrayForEach(c, comps)
	{
		if (jd_raw(c, "Name") != NULL &&
		    strstr(jd_raw(c, "Name"), "Engine") != NULL) {
			name = jd_raw(c, "Name");
			break;
		}
	}
	ver = jd_raw(doc, "Version");
	{
		char *tmp =
		    xasprintf("%s %s", name != NULL ? name : "Docker Engine",
			ver != NULL ? ver : "?");

		*engine = sanitize_dup(tmp, strlen(tmp), 0);
		free(tmp);
	}
	cJSON_Delete(doc);
	return 0;
}

/* Parses "1.41" into major and minor. */
static int
jd_version(const char *s, int *major, int *minor)
{
	char *end;
	long a, b;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	a = strtol(s, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -1;
	b = strtol(end + 1, &end, 10);
	if (*end != '\0' || a > 99 || b > 999)
		return -1;
	*major = (int)a;
	*minor = (int)b;
	return 0;
}

int
docker_api_pick(const char *want, const char *server_api,
    const char *server_min, char *out, size_t outlen)
{
	int wa, wb, sa, sb, ma, mb;

	if (jd_version(want, &wa, &wb) != 0 ||
	    jd_version(server_api, &sa, &sb) != 0)
		return -1;
	if (sa * 1000 + sb < wa * 1000 + wb) {
		wa = sa;
		wb = sb;
	}
	if (server_min != NULL && jd_version(server_min, &ma, &mb) == 0 &&
	    ma * 1000 + mb > wa * 1000 + wb) {
		wa = ma;
		wb = mb;
	}
	if ((size_t)snprintf(out, outlen, "v%d.%d", wa, wb) >= outlen)
		return -1;
	return 0;
}

int
json_docker_event_parse(
    const char *buf, size_t len, struct docker_event *out, char **cause)
{
	cJSON *doc;
	const cJSON *actor, *attrs;
	double t;

	memset(out, 0, sizeof *out);
	if ((doc = jd_parse(buf, len, cause)) == NULL)
		return -1;
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		jd_fail(cause, "a Docker API event is not an object");
		return -1;
	}
	out->type = jd_str(doc, "Type");
	out->action = jd_str(doc, "Action");
	if (out->action == NULL)
		out->action = jd_str(doc, "status");
	actor = cJSON_GetObjectItemCaseSensitive(doc, "Actor");
	out->id = jd_str(actor, "ID");
	if (out->id == NULL)
		out->id = jd_str(doc, "id");
	attrs = cJSON_GetObjectItemCaseSensitive(actor, "Attributes");
	out->name = jd_str(attrs, "name");
	out->project = jd_str(attrs, DOCKER_LABEL_PROJECT);
	t = jd_num(doc, "timeNano", 0);
	out->time = t > 0 ? t / 1e9 : jd_num(doc, "time", 0);
	cJSON_Delete(doc);
	return 0;
}

void
docker_event_clear(struct docker_event *e)
{
	free(e->type);
	free(e->action);
	free(e->id);
	free(e->name);
	free(e->project);
	memset(e, 0, sizeof *e);
}

char *
json_docker_error_message(const char *buf, size_t len)
{
	cJSON *doc;
	char *m = NULL;

	if (buf == NULL || len == 0)
		return NULL;
	doc = cJSON_ParseWithLength(buf, len);
	if (cJSON_IsObject(doc))
		m = jd_str(doc, "message");
	cJSON_Delete(doc);
	return m;
}
