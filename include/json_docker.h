/*
 * Pure parsers of Docker Engine API responses (Docker and Podman's
 * compatible API): container lists, inspect, stats, version, events and
 * error bodies. Bodies are bytes with a length (not NUL-terminated). Every
 * string stored passes the sanitizer. No I/O.
 */

#ifndef SNOWDECK_JSON_DOCKER_H
#define SNOWDECK_JSON_DOCKER_H

#include <stddef.h>
#include <stdint.h>

#include "svc.h"

#define DOCKER_LABEL_PROJECT "com.docker.compose.project"
#define DOCKER_LABEL_SERVICE "com.docker.compose.service"

/*
 * Parses GET /containers/json (an array) and appends one SVC_LOCAL element
 * per container to out: id, name, service and project labels, image, state,
 * status, ports and the first published host port. Elements without an Id
 * are skipped. Returns 0, or -1 with *cause when the body is not an array.
 */
int json_docker_containers_parse(
    const char *buf, size_t len, struct svcs *out, char **cause);

/* What GET /containers/{id}/json tells beyond the list. */
struct docker_inspect {
	char *id;
	char *name; /* without the leading '/' */
	char *service;
	char *project;
	char *error; /* State.Error, may be "" */
	enum svc_state state;
	enum svc_health health;
	double started_at;
	double finished_at;
	int restarts;
	int exit_code;
	int tty;
	int running;
};

/* Parses an inspect body. Returns 0, or -1 with *cause. */
int json_docker_inspect_parse(
    const char *buf, size_t len, struct docker_inspect *out, char **cause);
void docker_inspect_clear(struct docker_inspect *);
/* Copies the inspect fields into s and sets s->inspected. */
void docker_inspect_apply(const struct docker_inspect *, struct svc *s);

/* The counters of one stats sample (GET /containers/{id}/stats). */
struct docker_stats {
	uint64_t cpu_total;     /* cpu_stats.cpu_usage.total_usage, ns */
	uint64_t system;        /* cpu_stats.system_cpu_usage, ns */
	uint64_t pre_cpu_total; /* precpu_stats: 0 when the engine sent none */
	uint64_t pre_system;
	uint32_t online_cpus; /* online_cpus, else len(percpu_usage), else 1 */
	uint64_t mem_usage;   /* memory_stats.usage */
	uint64_t mem_cache;   /* stats.inactive_file (v2) or stats.cache (v1) */
	uint64_t mem_limit;
};

/* Parses a stats body. Returns 0, or -1 with *cause. */
int json_docker_stats_parse(
    const char *buf, size_t len, struct docker_stats *out, char **cause);

/*
 * CPU percent as docker stats computes it: (cpu delta / system delta) *
 * online CPUs * 100, over the interval between two samples. Returns -1 when
 * the deltas are not usable (no previous sample, counters went backwards).
 */
double docker_cpu_percent(uint64_t cpu_prev, uint64_t sys_prev,
    uint64_t cpu_now, uint64_t sys_now, uint32_t online_cpus);

/* Memory in use as docker stats shows it: usage minus page cache. */
uint64_t docker_mem_used(const struct docker_stats *);

/*
 * Updates s from a stats sample: memory, and CPU percent from the sample's
 * own precpu counters when the engine sent them, else from the previous
 * sample stored in s (Podman sends no precpu with stream=false). Stores
 * the sample's counters in s for the next delta.
 */
void docker_stats_apply(const struct docker_stats *, struct svc *s);

/*
 * Parses GET /version: the engine's API version ("1.41"), its minimum API
 * version and a human description ("Podman Engine 4.3.1"). Each output is
 * an owned string (or NULL when absent). Returns 0, or -1 with *cause when
 * ApiVersion is missing.
 */
int json_docker_version_parse(const char *buf, size_t len, char **api,
    char **min_api, char **engine, char **cause);

/*
 * Picks the API version to use: want ("1.41") capped at what the server
 * supports and raised to its minimum. Writes "vX.Y" into out. Returns 0, or
 * -1 when a version string is not "major.minor".
 */
int docker_api_pick(const char *want, const char *server_api,
    const char *server_min, char *out, size_t outlen);

/* One event from GET /events (one JSON object per line). */
struct docker_event {
	char *type;   /* "container" */
	char *action; /* "start", "die", "restart", "health_status: healthy" */
	char *id;
	char *name;
	char *project; /* the compose project label; may be NULL */
	double time;
};

/* Parses one event line. Returns 0, or -1 with *cause. */
int json_docker_event_parse(
    const char *buf, size_t len, struct docker_event *out, char **cause);
void docker_event_clear(struct docker_event *);

/* The "message" of an error body, sanitized, or NULL. Owned. */
char *json_docker_error_message(const char *buf, size_t len);

#endif
