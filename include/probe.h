/*
 * Health probes of the local services: which URL to ask and what answer
 * counts as healthy. The seed's services have built-in probes (the task
 * runner's GET / answering "pong", weaviate's /v1/.well-known/ready,
 * streamlit's /_stcore/health answering ok, minio's /minio/health/live);
 * config.toml can add or override one per compose service:
 *
 *   [services.weaviate]
 *   probe = "http://127.0.0.1:8081/v1/.well-known/ready"
 *   expect = ""            # a body to require; "" = any 2xx
 *
 * probe = "off" disables a built-in probe. Pure functions; the requests
 * themselves run in the source (src_docker.c) and the CLI.
 */

#ifndef SNOWDECK_PROBE_H
#define SNOWDECK_PROBE_H

#include <stddef.h>

#include "svc.h"

struct config;

/* Probes time out after this long. */
#define PROBE_TIMEOUT_MS 3000

/*
 * Finds the probe for s: a configured [services.<service>] probe first,
 * else the built-in probe of a seed service, on the host port published
 * for its container port (or that port on 127.0.0.1 when the container
 * publishes nothing, as with host networking). Returns 0 with *url and
 * *expect (owned; *expect NULL = any 2xx), or -1 when s has no probe.
 */
int probe_resolve(
    const struct svc *s, const struct config *cfg, char **url, char **expect);

/*
 * Judges one answer: status (0 = no answer), the body and the expected
 * body (NULL = any 2xx; "pong" also accepts the JSON string "\"pong\"",
 * surrounding white space ignored). *detail gets a short owned sentence
 * ("200 pong", "503", the transport error). Returns SVC_PROBE_OK or
 * SVC_PROBE_FAIL.
 */
enum svc_probe probe_judge(long status, const char *body, size_t len,
    const char *expect, const char *transport_error, char **detail);

/*
 * The form of a probe URL fit for the screen, logs and JSON output:
 * sanitized, with credentials and signatures masked. Owned.
 */
char *probe_display_url(const char *url);

/*
 * The host port published for container port priv in a ports column
 * ("127.0.0.1:18001->8001/tcp, 9000/tcp"): 18001. Returns 0 when priv is
 * not published, -1 when the column has no published port at all.
 */
int probe_host_port(const char *ports, int priv);

#endif
