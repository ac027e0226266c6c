/* Health probes of local services: resolution and judgement (pure). */

#include "probe.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "sanitize.h"
#include "util.h"

static const struct {
	const char *service;
	int port;
	const char *path;
	const char *expect;
} probe_builtin[] = {
	{ "airflow-task-runner", 8001, "/", "pong" },
	{ "task-runner", 8001, "/", "pong" },
	{ "runner", 8001, "/", "pong" },
	{ "weaviate", 8081, "/v1/.well-known/ready", NULL },
	{ "streamlit", 8501, "/_stcore/health", "ok" },
	{ "minio", 9000, "/minio/health/live", NULL },
};

int
probe_host_port(const char *ports, int priv)
{
	const char *p = ports, *arrow, *s;
	long pub, pv;
	char *end;
	int any = 0;

	if (ports == NULL)
		return -1;
	while ((arrow = strstr(p, "->")) != NULL) {
		any = 1;
		/* The public port ends right before "->". */
		s = arrow;

		while (s > ports && isdigit((unsigned char)s[-1]))
			s--;
		pub = strtol(s, NULL, 10);
		pv = strtol(arrow + 2, &end, 10);
		if (pv == priv && pub > 0 && pub <= 65535)
			return (int)pub;
		p = arrow + 2;
	}
	return any ? 0 : -1;
}

int
probe_resolve(
    const struct svc *s, const struct config *cfg, char **url, char **expect)
{
	const struct config_service *cs;
	size_t i;
	int port;

	*url = *expect = NULL;
	if (s->service == NULL)
		return -1;
	cs = cfg != NULL ? config_service_find(cfg, s->service) : NULL;
	if (cs != NULL && cs->probe != NULL) {
		if (strcmp(cs->probe, "off") == 0 || *cs->probe == '\0')
			return -1;
		*url = xstrdup(cs->probe);
		if (cs->expect != NULL && *cs->expect != '\0')
			*expect = xstrdup(cs->expect);
		return 0;
	}
	for (i = 0; i < nitems(probe_builtin); i++) {
		if (strcmp(s->service, probe_builtin[i].service) != 0)
			continue;
		port = probe_host_port(s->ports, probe_builtin[i].port);
		if (port == 0)
			return -1; /* publishes ports, but not this one */
		if (port < 0)
			port = probe_builtin[i].port;
		*url = xasprintf(
		    "http://127.0.0.1:%d%s", port, probe_builtin[i].path);
		if (cs != NULL && cs->expect != NULL)
			*expect =
			    *cs->expect != '\0' ? xstrdup(cs->expect) : NULL;
		else if (probe_builtin[i].expect != NULL)
			*expect = xstrdup(probe_builtin[i].expect);
		return 0;
	}
	return -1;
}

/* Whether body (white space trimmed, or a JSON string) equals expect. */
static int
probe_body_matches(const char *body, size_t len, const char *expect)
{
	size_t el = strlen(expect);

	while (len > 0 && isspace((unsigned char)*body)) {
		body++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)body[len - 1]))
		len--;
	if (len >= 2 && body[0] == '"' && body[len - 1] == '"') {
		body++;
		len -= 2;
	}
	return len == el && memcmp(body, expect, el) == 0;
}

enum svc_probe
probe_judge(long status, const char *body, size_t len, const char *expect,
    const char *transport_error, char **detail)
{
	char head[41], *safe;
	size_t n;
	int ok;

	if (status == 0) {
		*detail = sanitize_dup(
		    transport_error != NULL ? transport_error : "no answer",
		    transport_error != NULL ? strlen(transport_error) : 9, 0);
		return SVC_PROBE_FAIL;
	}
	n = len < sizeof head - 1 ? len : sizeof head - 1;
	memcpy(head, body != NULL ? body : "", body != NULL ? n : 0);
	head[body != NULL ? n : 0] = '\0';
	{
		char *clean = sanitize_dup(head, strlen(head), 0);

		/* A health body is not meant to hold secrets; mask any. */
		safe = redact_text_dup(clean);
		free(clean);
	}
	ok = status >= 200 && status <= 299 &&
	     (expect == NULL || probe_body_matches(body != NULL ? body : "",
				    body != NULL ? len : 0, expect));
	if (expect != NULL && status >= 200 && status <= 299 && !ok)
		*detail = xasprintf(
		    "%ld, expected %s, got \"%s\"", status, expect, safe);
	else
		*detail = xasprintf(
		    "%ld%s%s", status, *safe != '\0' ? " " : "", safe);
	free(safe);
	return ok ? SVC_PROBE_OK : SVC_PROBE_FAIL;
}

char *
probe_display_url(const char *url)
{
	char *clean = sanitize_dup(url, strlen(url), 0);
	char *out = redact_text_dup(clean);

	free(clean);
	return out;
}
