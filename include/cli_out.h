/*
 * Output of the headless commands, shared by every cli*.c: one JSON
 * document (control characters and escapes in strings stay escaped, never
 * raw: scripts get the exact values, terminals nothing harmful) and aligned
 * tables of cells that are already sanitized.
 */

#ifndef SNOWDECK_CLI_OUT_H
#define SNOWDECK_CLI_OUT_H

#include <stddef.h>

struct cJSON;

/* Prints doc on stdout, terminal-safe, and frees it. */
void cli_out_json(struct cJSON *doc);

/* Prints nrows rows of ncol cells under hdr, columns aligned; a NULL cell
 * prints as NULL. */
void cli_out_table(
    const char *const *hdr, size_t ncol, char ***rows, size_t nrows);

/* Frees nrows rows of ncol owned cells (NULL cells allowed). */
void cli_out_rows_free(char ***rows, size_t nrows, size_t ncol);

#endif
