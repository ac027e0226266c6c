/* The services model shared by local containers and SPCS services. */

#include "svc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "timefmt.h"
#include "util.h"

static const struct {
	const char *name;
	char glyph;
} svc_states[SVC_NSTATES] = {
	[SVC_UNKNOWN] = { "unknown", '?' },
	[SVC_CREATED] = { "created", '.' },
	[SVC_RUNNING] = { "running", '+' },
	[SVC_PAUSED] = { "paused", '=' },
	[SVC_RESTARTING] = { "restarting", '@' },
	[SVC_EXITED] = { "exited", 'x' },
	[SVC_DEAD] = { "dead", '!' },
	[SVC_REMOVING] = { "removing", '~' },
	[SVC_PENDING] = { "pending", 'q' },
	[SVC_SUSPENDING] = { "suspending", '-' },
	[SVC_SUSPENDED] = { "suspended", '-' },
	[SVC_FAILED] = { "failed", 'x' },
};

enum svc_state
svc_state_parse(const char *s)
{
	int i;

	if (s == NULL)
		return SVC_UNKNOWN;
	/* Podman says "stopped" where Docker says "exited"; SPCS READY. */
	if (strcasecmp(s, "stopped") == 0)
		return SVC_EXITED;
	if (strcasecmp(s, "ready") == 0 || strcasecmp(s, "up") == 0)
		return SVC_RUNNING;
	if (strcasecmp(s, "configured") == 0 ||
	    strcasecmp(s, "initialized") == 0)
		return SVC_CREATED;
	for (i = 0; i < SVC_NSTATES; i++) {
		if (strcasecmp(s, svc_states[i].name) == 0)
			return (enum svc_state)i;
	}
	return SVC_UNKNOWN;
}

const char *
svc_state_name(enum svc_state s)
{
	if ((int)s < 0 || s >= SVC_NSTATES)
		return "unknown";
	return svc_states[s].name;
}

char
svc_state_glyph(enum svc_state s)
{
	if ((int)s < 0 || s >= SVC_NSTATES)
		return '?';
	return svc_states[s].glyph;
}

enum svc_health
svc_health_parse(const char *s)
{
	if (s == NULL || *s == '\0' || strcasecmp(s, "none") == 0)
		return SVC_HEALTH_NONE;
	if (strcasecmp(s, "starting") == 0)
		return SVC_HEALTH_STARTING;
	if (strcasecmp(s, "healthy") == 0)
		return SVC_HEALTH_HEALTHY;
	if (strcasecmp(s, "unhealthy") == 0)
		return SVC_HEALTH_UNHEALTHY;
	return SVC_HEALTH_NONE;
}

const char *
svc_health_name(enum svc_health h)
{
	switch (h) {
	case SVC_HEALTH_STARTING:
		return "starting";
	case SVC_HEALTH_HEALTHY:
		return "healthy";
	case SVC_HEALTH_UNHEALTHY:
		return "unhealthy";
	default:
		return "-";
	}
}

const char *
svc_probe_name(enum svc_probe p)
{
	switch (p) {
	case SVC_PROBE_PENDING:
		return "pending";
	case SVC_PROBE_OK:
		return "ok";
	case SVC_PROBE_FAIL:
		return "fail";
	default:
		return "-";
	}
}

void
svc_init(struct svc *s)
{
	memset(s, 0, sizeof *s);
	s->cpu_pct = -1;
}

void
svc_clear(struct svc *s)
{
	free(s->id);
	free(s->name);
	free(s->service);
	free(s->project);
	free(s->image);
	free(s->status);
	free(s->ports);
	free(s->probe_url);
	free(s->probe_detail);
	free(s->instance);
	free(s->message);
	svc_init(s);
}

void
svcs_init(struct svcs *c)
{
	memset(c, 0, sizeof *c);
}

void
svcs_free(struct svcs *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		svc_clear(&c->v[i]);
	free(c->v);
	memset(c, 0, sizeof *c);
}

void
svcs_reset(struct svcs *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		svc_clear(&c->v[i]);
	c->n = 0;
	c->gen++;
}

struct svc *
svcs_push(struct svcs *c, struct svc *s)
{
	if (c->n == c->cap) {
		c->cap = c->cap == 0 ? 8 : c->cap * 2;
		c->v = xreallocarray(c->v, c->cap, sizeof *c->v);
	}
	c->v[c->n] = *s;
	c->gen++;
	return &c->v[c->n++];
}

void
svcs_remove(struct svcs *c, size_t i)
{
	if (i >= c->n)
		return;
	svc_clear(&c->v[i]);
	memmove(&c->v[i], &c->v[i + 1], (c->n - i - 1) * sizeof *c->v);
	c->n--;
	c->gen++;
}

struct svc *
svcs_find_id(struct svcs *c, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < c->n; i++) {
		if (c->v[i].id != NULL && strcmp(c->v[i].id, id) == 0)
			return &c->v[i];
	}
	return NULL;
}

struct svc *
svcs_lookup(struct svcs *c, const char *what, int *ambiguous)
{
	struct svc *hit = NULL;
	size_t i, n = 0, l;

	if (ambiguous != NULL)
		*ambiguous = 0;
	if (what == NULL || *what == '\0')
		return NULL;
	if (*what == '/')
		what++;
	for (i = 0; i < c->n; i++) {
		if (c->v[i].name != NULL && strcmp(c->v[i].name, what) == 0)
			return &c->v[i];
	}
	for (i = 0; i < c->n; i++) {
		if (c->v[i].service != NULL &&
		    strcmp(c->v[i].service, what) == 0) {
			if (n++ == 0)
				hit = &c->v[i];
		}
	}
	l = strlen(what);
	if (n == 0 && l >= 4) {
		for (i = 0; i < c->n; i++) {
			if (c->v[i].id != NULL &&
			    strncmp(c->v[i].id, what, l) == 0) {
				if (n++ == 0)
					hit = &c->v[i];
			}
		}
	}
	if (n > 1 && ambiguous != NULL)
		*ambiguous = 1;
	return hit;
}

static int
svc_cmp(const void *a, const void *b)
{
	const struct svc *x = a, *y = b;
	int r;

	r = strcmp(x->service != NULL ? x->service : "",
	    y->service != NULL ? y->service : "");
	if (r != 0)
		return r;
	return strcmp(
	    x->name != NULL ? x->name : "", y->name != NULL ? y->name : "");
}

void
svcs_sort(struct svcs *c)
{
	if (c->n > 1)
		qsort(c->v, c->n, sizeof *c->v, svc_cmp);
	c->gen++;
}

void
svc_format_bytes(uint64_t b, char *out, size_t len)
{
	const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)b;
	int i = 0;

	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	if (i == 0)
		snprintf(out, len, "%lluB", (unsigned long long)b);
	else
		snprintf(out, len, "%.1f%s", v, unit[i]);
}

void
svc_cells_format(const struct svc *s, double now, struct svc_cells *c)
{
	snprintf(c->state, sizeof c->state, "%c %s", svc_state_glyph(s->state),
	    svc_state_name(s->state));
	snprintf(c->health, sizeof c->health, "%s", svc_health_name(s->health));
	if (s->state == SVC_RUNNING && s->started_at > 0)
		time_format_duration(
		    now - s->started_at, c->uptime, sizeof c->uptime);
	else if (s->state == SVC_EXITED && s->inspected)
		snprintf(c->uptime, sizeof c->uptime, "exit %d", s->exit_code);
	else
		snprintf(c->uptime, sizeof c->uptime, "-");
	snprintf(c->restarts, sizeof c->restarts, "%d", s->restarts);
	if (s->cpu_pct >= 0 && s->state == SVC_RUNNING)
		snprintf(c->cpu, sizeof c->cpu, "%.1f%%", s->cpu_pct);
	else
		snprintf(c->cpu, sizeof c->cpu, "-");
	if (s->state == SVC_RUNNING && s->mem_bytes > 0)
		svc_format_bytes(s->mem_bytes, c->mem, sizeof c->mem);
	else
		snprintf(c->mem, sizeof c->mem, "-");
	snprintf(c->probe, sizeof c->probe, "%s",
	    s->probe == SVC_PROBE_NONE ? "-" : svc_probe_name(s->probe));
}
