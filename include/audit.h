/*
 * The audit file: one JSON object per line (time, OS user, host, snowdeck
 * version, action, target, request, result) appended asynchronously through
 * libuv's file API, one write in flight at a time so lines stay in order.
 * Everything written passes the redactor first: no secret reaches the file.
 */

#ifndef SNOWDECK_AUDIT_H
#define SNOWDECK_AUDIT_H

struct uv_loop_s;
struct audit;

/*
 * Opens (creating directories and the file, mode 0600) path for appending.
 * Returns 0, or -1 with *cause. A NULL path gives an audit that writes
 * nothing.
 */
int audit_open(
    struct audit **out, struct uv_loop_s *loop, const char *path, char **cause);

/*
 * Queues one record. action: "http", "trigger", "pause", ...; target: what
 * it acted on; request: method and path or a summary; result: "ok", an
 * HTTP status or an error sentence. Strings are copied and redacted.
 */
void audit_record(struct audit *, const char *action, const char *target,
    const char *request, const char *result);

/*
 * Flushes what is queued synchronously (used at exit, after the loop has
 * stopped, and by headless commands before they return) and frees.
 */
void audit_close(struct audit *);

/* Formats one record as a JSON line (pure; for tests). Owned result. */
char *audit_format(double when, const char *user, const char *host,
    const char *action, const char *target, const char *request,
    const char *result);

#endif
