/*
 * Reading a role's grants (grants.h) from Snowflake, asynchronously:
 * SHOW GRANTS TO ROLE <r> for the role, then for every role it inherits
 * (account roles, and database roles with SHOW GRANTS TO DATABASE ROLE)
 * (breadth first, each once, capped), each run as the role asked about so
 * it may see its own hierarchy. First SELECT CURRENT_ROLE(),
 * CURRENT_SECONDARY_ROLES(): the role NULL is the session's, and the
 * session's secondary roles join every set, read after the role's own
 * hierarchy (a secondary role whose grants cannot be read is skipped, the
 * set marked capped). Identifiers are
 * quoted by sf_ident_append; every statement goes to the command log and the
 * audit file as all do.
 */

#ifndef SNOWDECK_GRANTS_LEARN_H
#define SNOWDECK_GRANTS_LEARN_H

#include <stddef.h>

struct grants;
struct sf_client;
struct grants_learn;

/*
 * The end: on success sets holds n sets in the order asked, and is the
 * callee's (free with grants_free_all(sets, n)); cause is NULL. On error
 * sets is NULL and cause (borrowed) says which statement failed and why.
 */
typedef void (*grants_learn_cb)(
    struct grants *sets, size_t n, const char *cause, void *arg);

/*
 * Starts reading the grants of roles[0..n-1] (as written in SQL; an
 * element NULL is the session's role) on sf (must outlive the read).
 * roles are copied. done runs once, never inside this call, unless
 * cancelled first. Returns NULL when n is 0.
 */
struct grants_learn *grants_learn_start(struct sf_client *sf,
    const char *const *roles, size_t n, grants_learn_cb done, void *arg);

/* Stops: the statement in flight is cancelled, done never runs. */
void grants_learn_cancel(struct grants_learn *);

#endif
