/* The audit file: redacted JSON lines appended asynchronously. */

#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "sanitize.h"
#include "timefmt.h"
#include "util.h"

struct audit_line {
	char *text;
	struct audit_line *next;
};

struct audit {
	uv_loop_t *loop;
	uv_file fd;
	char *user;
	char *host;
	struct audit_line *head, *tail; /* queued, head in flight if busy */
	int busy;
	uv_fs_t req;
	uv_buf_t buf;
	int closing;
};

/* Creates each missing parent directory of path with mode 0700. */
static void
audit_mkdirs(const char *path)
{
	char *p = xstrdup(path), *s;

	for (s = p + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(p, 0700);
		*s = '/';
	}
	free(p);
}

int
audit_open(struct audit **out, uv_loop_t *loop, const char *path, char **cause)
{
	struct audit *a;
	struct passwd *pw;
	char host[256];

	a = xcalloc(1, sizeof *a);
	a->loop = loop;
	a->fd = -1;
	if (path != NULL) {
		audit_mkdirs(path);
		a->fd =
		    open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (a->fd == -1) {
			if (cause != NULL)
				*cause = xasprintf("cannot open the audit file "
						   "%s: %s (set --audit or "
						   "SNOWDECK_AUDIT)",
				    path, strerror(errno));
			free(a);
			return -1;
		}
	}
	pw = getpwuid(getuid());
	a->user = xstrdup(pw != NULL ? pw->pw_name : "unknown");
	if (gethostname(host, sizeof host) != 0)
		strcpy(host, "unknown");
	host[sizeof host - 1] = '\0';
	a->host = xstrdup(host);
	*out = a;
	return 0;
}

char *
audit_format(double when, const char *user, const char *host,
    const char *action, const char *target, const char *request,
    const char *result)
{
	cJSON *o;
	char ts[40], *txt, *line, *r;
	const char *vals[4] = { action, target, request, result };
	const char *keys[4] = { "action", "target", "request", "result" };
	int i;

	o = cJSON_CreateObject();
	time_format_iso(when, ts, sizeof ts);
	cJSON_AddStringToObject(o, "time", ts);
	cJSON_AddStringToObject(o, "user", user);
	cJSON_AddStringToObject(o, "host", host);
	cJSON_AddStringToObject(o, "version", SNOWDECK_VERSION);
	for (i = 0; i < 4; i++) {
		r = redact_text_dup(vals[i] != NULL ? vals[i] : "");
		cJSON_AddStringToObject(o, keys[i], r);
		free(r);
	}
	txt = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (txt == NULL)
		fatalx("audit: cannot format a record");
	line = xasprintf("%s\n", txt);
	cJSON_free(txt);
	return line;
}

static void audit_kick(struct audit *);

static void
audit_write_cb(uv_fs_t *req)
{
	struct audit *a = req->data;
	struct audit_line *l = a->head;

	uv_fs_req_cleanup(req);
	a->head = l->next;
	if (a->head == NULL)
		a->tail = NULL;
	free(l->text);
	free(l);
	a->busy = 0;
	audit_kick(a);
}

static void
audit_kick(struct audit *a)
{
	if (a->busy || a->head == NULL || a->closing)
		return;
	a->busy = 1;
	a->buf = uv_buf_init(a->head->text, (unsigned)strlen(a->head->text));
	a->req.data = a;
	if (uv_fs_write(
		a->loop, &a->req, a->fd, &a->buf, 1, -1, audit_write_cb) != 0) {
		a->busy = 0;
	}
}

void
audit_record(struct audit *a, const char *action, const char *target,
    const char *request, const char *result)
{
	struct audit_line *l;

	if (a == NULL || a->fd == -1)
		return;
	l = xcalloc(1, sizeof *l);
	l->text = audit_format(
	    util_wall(), a->user, a->host, action, target, request, result);
	if (a->tail != NULL)
		a->tail->next = l;
	else
		a->head = l;
	a->tail = l;
	audit_kick(a);
}

void
audit_close(struct audit *a)
{
	struct audit_line *l, *next;
	size_t off, len;
	ssize_t n;

	if (a == NULL)
		return;
	a->closing = 1;
	/* Run the loop until an in-flight write lands. */
	while (a->busy)
		uv_run(a->loop, UV_RUN_ONCE);
	for (l = a->head; l != NULL; l = next) {
		next = l->next;
		len = strlen(l->text);
		for (off = 0; off < len; off += (size_t)n) {
			n = write(a->fd, l->text + off, len - off);
			if (n <= 0)
				break;
		}
		free(l->text);
		free(l);
	}
	if (a->fd != -1)
		close(a->fd);
	free(a->user);
	free(a->host);
	free(a);
}
