/*
 * How every front end (the console and each headless command) sets up its
 * HTTP client the same way: the configuration's CA bundle, insecure flag and
 * timeout, and the trace observer that records each attempt, its URL path
 * redacted, in the command log pane and the audit file.
 */

#ifndef SNOWDECK_NETCFG_H
#define SNOWDECK_NETCFG_H

struct audit;
struct cmdlog;
struct config;
struct http_config;

/* Defaults, then what cfg sets (cacert, insecure, timeout_ms). */
void netcfg_http_config(struct http_config *, const struct config *cfg);

/* Where http_trace_cb sends each attempt; either may be NULL. */
struct netcfg_sink {
	struct cmdlog *cmdlog;
	struct audit *audit;
};

/* An http_trace_cb: arg is a struct netcfg_sink (borrowed, must outlive
 * the client). */
void netcfg_trace(const char *method, const char *url, long status, double ms,
    int attempt, void *arg);

#endif
