/* The shared HTTP set-up and trace observer (see netcfg.h). */

#include "netcfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "config.h"
#include "http.h"
#include "model.h"
#include "sanitize.h"
#include "util.h"

void
netcfg_http_config(struct http_config *hc, const struct config *cfg)
{
	http_config_default(hc);
	hc->cacert = cfg->cacert;
	hc->insecure = cfg->insecure > 0;
	if (cfg->timeout_ms > 0)
		hc->total_timeout_ms = cfg->timeout_ms;
}

void
netcfg_trace(const char *method, const char *url, long status, double ms,
    int attempt, void *arg)
{
	struct netcfg_sink *sink = arg;
	const char *path;
	char *what, st[48];

	/* The path relative to the server; the query redacted. */
	path = strstr(url, "://");
	path = path != NULL ? strchr(path + 3, '/') : NULL;
	what = redact_text_dup(path != NULL ? path : url);
	if (sink->cmdlog != NULL)
		cmdlog_add(sink->cmdlog, method, what, status, ms);
	if (status == 0)
		snprintf(st, sizeof st, "no response (attempt %d)", attempt);
	else
		snprintf(st, sizeof st, "%ld (%.0f ms, attempt %d)", status, ms,
		    attempt);
	audit_record(sink->audit, "http", what, method, st);
	free(what);
}
