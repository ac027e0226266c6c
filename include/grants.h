/*
 * The effective privileges of a Snowflake role, learned from SHOW GRANTS
 * TO ROLE <r> before the operator tries anything: the parser over its
 * result rows, the role hierarchy (a row USAGE on ROLE X means the role
 * inherits X, whose grants are read too, breadth first, each role once, at
 * most GRANTS_MAX_ROLES), and may(): whether the role holds a privilege on
 * an object, OWNERSHIP implying every privilege on it. Pure; the async
 * reader is core/grants_learn.c. The session's secondary roles (and the
 * roles they inherit) count too, except for CREATE privileges, which only
 * the primary role's hierarchy gives. Grants can be incomplete (future
 * grants, privileges through application roles): callers offer an
 * override. Database roles granted to a role (a row USAGE on
 * DATABASE_ROLE D.R) are followed like account roles, with SHOW GRANTS TO
 * DATABASE ROLE:
 *   https://docs.snowflake.com/en/sql-reference/sql/grant-database-role
 *
 *   Secondary roles: authorization to execute CREATE <object> statements
 *   is provided by the primary role; any other SQL action can be
 *   authorised by secondary roles:
 *   https://docs.snowflake.com/en/sql-reference/sql/use-role and
 *   https://docs.snowflake.com/en/sql-reference/sql/use-secondary-roles;
 *   CURRENT_SECONDARY_ROLES() returns {"roles":"R1,R2","value":"ALL"}:
 *   https://docs.snowflake.com/en/sql-reference/functions/current_secondary_roles
 *
 * Sources (Snowflake documentation):
 *   SHOW GRANTS, columns created_on, privilege, granted_on, name,
 *   granted_to, grantee_name, grant_option, granted_by:
 *   https://docs.snowflake.com/en/sql-reference/sql/show-grants
 *   OWNERSHIP grants full control over an object; MANAGE GRANTS lets a
 *   role grant or revoke privileges on any object as if it owned it:
 *   https://docs.snowflake.com/en/user-guide/security-access-control-privileges
 *   GRANT <privileges> needs OWNERSHIP of the object, the privilege WITH
 *   GRANT OPTION, or MANAGE GRANTS:
 *   https://docs.snowflake.com/en/sql-reference/sql/grant-privilege
 */

#ifndef SNOWDECK_GRANTS_H
#define SNOWDECK_GRANTS_H

#include <stddef.h>

#define GRANTS_MAX_ROLES 64     /* roles followed through the hierarchy */
#define GRANTS_MAX_ROWS  200000 /* privileges kept; the rest is dropped */

/* One privilege held (by the role or a role it inherits). Owned strings. */
struct grant {
	char *privilege; /* upper case: "OPERATE", "CREATE DATABASE" */
	char *kind;      /* granted_on, upper case, '_' for blanks */
	char *name;      /* canonical (grants_name_norm), "" for ACCOUNT */
	int grant_option;
	int secondary; /* held through a secondary role only */
};

struct grants {
	char *role; /* the role asked about, resolved (as Snowflake keeps it) */
	struct grant *v;
	size_t n;
	char **roles; /* the role, then every role it inherits, breadth first */
	unsigned char *dbrole; /* roles[i] is a database role (DB.ROLE) */
	size_t nroles;
	size_t next; /* roles[next] is the next one to read */
	int capped;  /* more than GRANTS_MAX_ROLES roles, or rows, were seen */
	/*
	 * Secondary roles given, queued once the primary role's hierarchy is
	 * read; roles[primary_end..] came through them (0: none queued yet).
	 */
	char **secondary;
	size_t nsecondary;
	size_t primary_end;
};

/*
 * Starts an empty set for role: as written in SQL when resolve is 1
 * (unquoted: upper case; quoted: verbatim), or already resolved (0).
 */
void grants_init(struct grants *, const char *role, int resolve);
void grants_free(struct grants *);
/* Frees n sets and the array (as grants_learn hands them over). */
void grants_free_all(struct grants *, size_t n);

/* Where the columns of a SHOW GRANTS result are (by name, any case). */
struct grants_cols {
	long privilege, granted_on, name, grant_option;
};
/* Returns 0, or -1 with *cause when privilege, granted_on or name is
 * missing. */
int grants_cols_find(
    struct grants_cols *, const char *const *names, size_t ncols, char **cause);

/*
 * Adds one row of SHOW GRANTS TO ROLE (cells borrowed, NULL for SQL NULL;
 * rows that are too short or empty are ignored). A USAGE on ROLE row
 * queues that role to be read (grants_next_role).
 */
void grants_add_row(struct grants *, const struct grants_cols *,
    const char *const *cells, size_t ncols);

/* Adds one privilege by hand: name as written in SQL (NULL for ACCOUNT). */
void grants_add(struct grants *, const char *privilege, const char *kind,
    const char *name, int grant_option);

/*
 * The session's secondary roles (as Snowflake keeps them: resolved),
 * read after the primary role's whole hierarchy. The rows added while
 * reading them, and the roles they inherit, are marked secondary.
 */
void grants_add_secondary(struct grants *, const char *const *roles, size_t n);

/*
 * Parses CURRENT_SECONDARY_ROLES()'s JSON ({"roles":"R1,R2",…}) into
 * *roles (owned, free each and the array), returning how many; 0 for
 * none or text that is not such JSON. Pure.
 */
size_t grants_secondary_parse(const char *json, char ***roles);

/* The next role whose grants are to be read (borrowed), advancing; NULL
 * when every known role was read. Rows given to grants_add_row belong to
 * the role this returned last. */
const char *grants_next_role(struct grants *);

/*
 * What SHOW GRANTS TO needs for the role grants_next_role returned last
 * (the one being read): "ROLE <quoted>" for an account role, "DATABASE
 * ROLE <db>.<name>" (each part quoted) for a database role. Owned; NULL
 * before the first grants_next_role.
 */
char *grants_role_sql(const struct grants *);

/*
 * Whether the role may use privilege on the object kind ("SERVICE",
 * "COMPUTE POOL", "ACCOUNT", …; any case, blank or '_') named name (as
 * written in SQL: "DEMO.XCOM.SISSYG", "\"My Db\".S"; ignored for
 * ACCOUNT). OWNERSHIP of the object implies every privilege on it.
 */
int grants_may(const struct grants *, const char *privilege, const char *kind,
    const char *name);
/* The privilege exactly (no implication, no secondary role), as setup's
 * probes need it. */
int grants_has(const struct grants *, const char *privilege, const char *kind,
    const char *name);
/*
 * Whether the role may GRANT privilege on the object: MANAGE GRANTS on
 * the account, OWNERSHIP of the object, or the privilege WITH GRANT
 * OPTION.
 */
int grants_may_grant(const struct grants *, const char *privilege,
    const char *kind, const char *name);

/*
 * NULL when the role may use privilege on the object; else the reason as
 * a sentence naming the role, what it lacks and the GRANT an admin runs
 * ("role R lacks OPERATE on service D.S.X (SHOW GRANTS); ask an admin:
 * GRANT OPERATE ON SERVICE D.S.X TO ROLE R"). Owned by the caller.
 */
char *grants_why_not(const struct grants *, const char *privilege,
    const char *kind, const char *name);

/*
 * Why the role may not suspend, resume or restart an SPCS service
 * (pool 0: db.schema.name, resolved parts) or suspend or resume a compute
 * pool (pool 1: name): both need OPERATE (or OWNERSHIP) on the object
 * (https://docs.snowflake.com/en/sql-reference/sql/alter-service and
 * .../alter-compute-pool, "Access control requirements"). NULL when it
 * may; owned by the caller.
 */
char *grants_spcs_why_not(const struct grants *, int pool, const char *db,
    const char *schema, const char *name);

/*
 * A name in canonical form, to compare: split at dots outside double
 * quotes; quoted parts verbatim ("" unescaped), unquoted parts upper case
 * when resolve is 1 (SQL text) or kept (0: names as SHOW prints them);
 * parts joined by 0x1f. Owned by the caller.
 */
char *grants_name_norm(const char *name, int resolve);
/* Whether a name as SHOW prints it is the identifier ident (SQL text). */
int grants_name_eq(const char *shown, const char *ident);
/* The first nparts parts of ident, as written (NULL when it has fewer).
 * Owned by the caller. */
char *grants_name_prefix(const char *ident, int nparts);
/* Resolved parts (as SHOW prints them) joined as SQL text. Owned. */
char *grants_ident(const char *const *parts, size_t n);

#endif
