/*
 * Benchmark: the Snowflake stage file model at scale, without a server.
 * Pushes N LIST rows (default 1,000,000) through the same row parser the
 * client uses, sorts them, and prints the time and the peak RSS (VmHWM:
 * this process's own, not the parent's it was spawned from).
 * Built and run by bench/sf_bench.py.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json_snowflake.h"
#include "model_sf.h"
#include "util.h"

/* The peak resident set of this process's memory, in kB (0 unknown). */
static long
peak_kb(void)
{
	char line[256];
	long kb = 0;
	FILE *fp = fopen("/proc/self/status", "r");

	if (fp == NULL)
		return 0;
	while (fgets(line, sizeof line, fp) != NULL) {
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = atol(line + 6);
	}
	fclose(fp);
	return kb;
}

int
main(int argc, char **argv)
{
	struct sf_files f;
	struct timespec t0, t1;
	char name[128], size[24], *cause = NULL;
	const char *cells[4];
	long i, n = argc > 1 ? atol(argv[1]) : 1000000;

	memset(&f, 0, sizeof f);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name,
		    "xcom_stage/dag_%ld/task_%ld/run_%ld/%ld/return_value.json",
		    i % 20, i % 7, i % 100, i);
		snprintf(size, sizeof size, "%ld", i % 5000);
		cells[0] = name;
		cells[1] = size;
		cells[2] = "0123456789abcdef0123456789abcdef";
		cells[3] = i % 2 ? "Mon, 1 Jan 2024 00:00:00 GMT"
				 : "2024-01-01T00:00:00Z";
		if (sf_file_from_list_row(
			&f, cells, 4, "xcom_stage/", &cause) != 0) {
			fprintf(stderr, "%s\n", cause);
			return 1;
		}
	}
	sf_files_sort(&f);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf(
	    "model: %ld files parsed and sorted in %.2f s, peak RSS %.1f MB, "
	    "%llu bytes listed\n",
	    n,
	    (double)(t1.tv_sec - t0.tv_sec) +
		(double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	    (double)peak_kb() / 1024.0, (unsigned long long)f.total_bytes);
	sf_files_reset(&f);
	free(f.v);
	return 0;
}
