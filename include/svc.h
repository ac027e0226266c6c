/*
 * The services model: every service the platform runs, wherever it runs,
 * in one collection a services pane can list side by side. A local entry is
 * one Docker/Podman container of a compose project; an SPCS entry is one
 * container of a Snowpark Container Services service instance. Both carry
 * the same columns: state, health, uptime, restarts, ports or endpoints,
 * CPU and memory, and the result of the service's health probe.
 *
 * Every string has passed the sanitizer (sanitize.h) before it is stored.
 * Times are wall-clock seconds since the epoch; 0 means "none".
 */

#ifndef SNOWDECK_SVC_H
#define SNOWDECK_SVC_H

#include <stddef.h>
#include <stdint.h>

enum svc_origin {
	SVC_LOCAL = 0, /* a Docker Engine API container */
	SVC_SPCS,      /* a Snowpark Container Services container */
};

/* Container states of both worlds, in one enum. */
enum svc_state {
	SVC_UNKNOWN = 0,
	SVC_CREATED,
	SVC_RUNNING,
	SVC_PAUSED,
	SVC_RESTARTING,
	SVC_EXITED,
	SVC_DEAD,
	SVC_REMOVING,
	SVC_PENDING,    /* SPCS */
	SVC_SUSPENDING, /* SPCS */
	SVC_SUSPENDED,  /* SPCS */
	SVC_FAILED,     /* SPCS */
};
#define SVC_NSTATES (SVC_FAILED + 1)

enum svc_health {
	SVC_HEALTH_NONE = 0, /* no health check */
	SVC_HEALTH_STARTING,
	SVC_HEALTH_HEALTHY,
	SVC_HEALTH_UNHEALTHY,
};

enum svc_probe {
	SVC_PROBE_NONE = 0, /* no probe configured for this service */
	SVC_PROBE_PENDING,  /* configured, no answer yet */
	SVC_PROBE_OK,
	SVC_PROBE_FAIL,
};

struct svc {
	enum svc_origin origin;
	char *id;      /* container id (full), or SPCS service/instance/name */
	char *name;    /* container name, without Docker's leading '/' */
	char *service; /* compose service label, or SPCS service name */
	char *project; /* compose project, or SPCS database.schema */
	char *image;
	char *status;  /* the engine's own summary ("Up 3 minutes") */
	char *ports;   /* "127.0.0.1:8080->80/tcp, 9000/tcp"; "" when none */
	int host_port; /* first published host port; 0 = none */
	enum svc_state state;
	enum svc_health health;
	double created;
	double started_at;  /* 0 while never started */
	double finished_at; /* last exit; 0 = none */
	int restarts;       /* engine restart count */
	int exit_code;
	int tty;       /* the container has a TTY: raw log stream */
	int inspected; /* the inspect fields above are filled */
	/* From the stats endpoint; cpu_pct < 0 while unknown. */
	double cpu_pct;
	uint64_t mem_bytes;
	uint64_t mem_limit;
	/* Raw CPU counters of the last stats sample (for the next delta). */
	uint64_t cpu_total;
	uint64_t cpu_system;
	uint32_t online_cpus;
	/* The health probe column. */
	enum svc_probe probe;
	char *probe_url;    /* what was probed; NULL = none */
	char *probe_detail; /* "200 pong", "connection refused", ... */
	double probe_ms;
	/* SPCS only (spcs.h); NULL for local containers. */
	char *instance; /* service instance id ("0") */
	char *message;  /* the container status message ("Running") */
};

/* A growable array of services; the elements are owned. */
struct svcs {
	struct svc *v;
	size_t n, cap;
	uint64_t gen; /* bumped on every change */
};

/* Parses a state name ("running", "exited", "SUSPENDED"; any case). */
enum svc_state svc_state_parse(const char *);
/* The lower-case name of a state; static storage. */
const char *svc_state_name(enum svc_state);
/* A one-cell ASCII glyph shown beside the state colour. */
char svc_state_glyph(enum svc_state);
enum svc_health svc_health_parse(const char *);
const char *svc_health_name(enum svc_health);
const char *svc_probe_name(enum svc_probe);

/* Initialises an empty element (cpu_pct unknown). */
void svc_init(struct svc *);
/* Frees the strings of one element and re-initialises it. */
void svc_clear(struct svc *);

void svcs_init(struct svcs *);
void svcs_free(struct svcs *);
/* Empties the collection (frees elements, keeps storage), bumps gen. */
void svcs_reset(struct svcs *);
/* Appends a copy of *s, taking ownership of its strings; bumps gen. */
struct svc *svcs_push(struct svcs *, struct svc *s);
/* Removes element i (freeing it), keeping the order; bumps gen. */
void svcs_remove(struct svcs *, size_t i);
/* Finds an element by exact id, or NULL. */
struct svc *svcs_find_id(struct svcs *, const char *id);
/*
 * Finds what an operator typed: an exact container name, an exact service
 * name, or an id prefix of at least 4 characters, in that order. Returns
 * NULL when nothing matches; *ambiguous (when not NULL) is set to 1 if a
 * service name or id prefix matched more than one element.
 */
struct svc *svcs_lookup(struct svcs *, const char *what, int *ambiguous);
/* Sorts by service name, then container name. Bumps gen. */
void svcs_sort(struct svcs *);

/*
 * The text of the per-service columns a services pane and the headless
 * table show, for one element at wall time now (pure).
 */
struct svc_cells {
	char state[24];  /* "+ running" (glyph and name) */
	char health[12]; /* "healthy", "-" */
	char uptime[24]; /* "3m05s" while running, "exit 3" once exited */
	char restarts[12];
	char cpu[16];   /* "12.5%" or "-" */
	char mem[16];   /* "24.0MiB" or "-" */
	char probe[12]; /* "ok", "fail", "pending", "-" */
};
void svc_cells_format(const struct svc *, double now, struct svc_cells *);

/* Formats a byte count as "512B", "1.5KiB", "24.0MiB", ... */
void svc_format_bytes(uint64_t bytes, char *buf, size_t len);

#endif
