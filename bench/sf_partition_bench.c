/*
 * Benchmark: reading one large SQL API result partition, as Snowflake sends
 * them (tens of megabytes of [["cell", ...], ...]). Builds a partition of
 * N stage LIST rows (default 200,000, about 25 MB) and reads it with the
 * fast reader (json_sf_partition_parse_fast, what the client uses) and
 * with the cJSON tree reader, each in its own child process, printing the
 * time and the child's peak RSS above the partition bytes it was handed.
 * Built and run by bench/sf_bench.py (or by hand against build/release's
 * libsnowdeck.a).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json_snowflake.h"
#include "util.h"

static long
self_kb(const char *what)
{
	char line[256];
	long kb = 0;
	size_t n = strlen(what);
	FILE *fp = fopen("/proc/self/status", "r");

	if (fp == NULL)
		return 0;
	while (fgets(line, sizeof line, fp) != NULL) {
		if (strncmp(line, what, n) == 0)
			kb = atol(line + n);
	}
	fclose(fp);
	return kb;
}

static int
count_row(const char *const *cells, size_t ncols, void *arg, char **cause)
{
	size_t *bytes = arg, i;

	(void)cause;
	for (i = 0; i < ncols; i++)
		*bytes += cells[i] != NULL ? strlen(cells[i]) : 0;
	return 0;
}

/* Reads the partition one way in a child: prints ms and the peak RSS
 * growth over what it held before reading. */
static void
run(const char *name, int fast, const struct buf *part, size_t rows)
{
	struct timespec t0, t1;
	int fds[2], status;
	char out[256];
	ssize_t got;
	pid_t pid;

	if (pipe(fds) != 0)
		exit(1);
	if ((pid = fork()) == 0) {
		size_t n = 0, bytes = 0;
		char *cause = NULL;
		long base = self_kb("VmRSS:");
		int rc;

		close(fds[0]);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = fast ? json_sf_partition_parse_fast(part->data, part->len,
				4, count_row, &bytes, &n, &cause)
			  : json_sf_partition_parse_tree(part->data, part->len,
				4, count_row, &bytes, &n, &cause);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		snprintf(out, sizeof out,
		    "partition %-5s %zu rows (%s): %.0f ms, peak RSS +%.1f MB "
		    "over the %.1f MB partition\n",
		    name, n, rc == 0 && n == rows ? "ok" : "FAILED",
		    (t1.tv_sec - t0.tv_sec) * 1e3 +
			(t1.tv_nsec - t0.tv_nsec) / 1e6,
		    (self_kb("VmHWM:") - base) / 1024.0,
		    part->len / 1048576.0);
		if (write(fds[1], out, strlen(out)) < 0)
			_exit(1);
		_exit(rc == 0 ? 0 : 1);
	}
	close(fds[1]);
	while ((got = read(fds[0], out, sizeof out - 1)) > 0) {
		out[got] = '\0';
		fputs(out, stdout);
	}
	close(fds[0]);
	waitpid(pid, &status, 0);
}

int
main(int argc, char **argv)
{
	size_t rows = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000, i;
	struct buf part;

	buf_init(&part);
	buf_adds(&part, "{\"data\":[");
	for (i = 0; i < rows; i++)
		buf_printf(&part,
		    "%s[\"s3://bucket/xcom/dag_%zu/run_%zu/task/part-%05zu."
		    "parquet\",\"%zu\",\"%032zx\",\"Tue, 1 Dec 2026 12:%02zu:%02zu "
		    "GMT\"]",
		    i ? "," : "", i % 97, i % 1009, i, 1000 + i * 7, i * 2654435761u,
		    i / 60 % 60, i % 60);
	buf_adds(&part, "]}");
	run("fast", 1, &part, rows);
	run("cJSON", 0, &part, rows);
	buf_free(&part);
	return 0;
}
