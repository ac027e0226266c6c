/*
 * The seed's Snowflake setup (seed-systems.md §2) as a plan: the exact SQL
 * of each step, the role it runs as, and the statement whose result tells
 * whether the step is already done. The plan is built and evaluated by pure
 * functions; running it is the caller's (core/setup_run.c drives the SQL
 * API, one step after the other, and stops at the first error).
 *
 * Differences from the seed, on purpose: every CREATE is "IF NOT EXISTS"
 * (the seed's CREATE OR REPLACE of the XCom table and stage wipes XCom
 * data; here replacing is a separate, destructive step that needs a typed
 * confirmation of the object's name), so a second run changes nothing; the
 * XCom objects live where the operator says (the seed hard-codes DEMO.XCOM
 * in one script and ignores --database/--schema).
 */

#ifndef SNOWDECK_SETUP_H
#define SNOWDECK_SETUP_H

#include <stddef.h>

struct buf;
struct grants;

struct setup_params {
	const char *admin_role; /* creates database, schema, grants: SYSADMIN */
	const char *user_role;  /* the connection's role: gets the grants */
	const char *database;   /* demo data: DEMO */
	const char *schema;     /* DEMO */
	const char *xcom_database; /* XCom objects: DEMO */
	const char *xcom_schema;   /* XCOM */
	const char *xcom_table;    /* XCOM_TABLE */
	const char *xcom_stage;    /* XCOM_STAGE */
	const char *warehouse; /* NULL: none created (the seed creates none) */
	const char *warehouse_size;  /* XSMALL */
	int containers;              /* the containers demo's extra objects */
	const char *compute_pool;    /* SISSYG */
	const char *instance_family; /* CPU_X64_XS */
	int pool_min_nodes, pool_max_nodes; /* 1, 1 */
	const char *image_repository;       /* SISSYG */
	int replace_xcom; /* replace the XCom table and stage (destructive) */
};

/* Fills the seed's defaults (user_role stays NULL: the connection's). */
void setup_params_defaults(struct setup_params *);

/*
 * Takes the XCom table and stage from the backend's settings
 * (AIRFLOW__CORE__XCOM_SNOWFLAKE_TABLE / _STAGE values, either may be NULL)
 * when table is a 3-part name. The names live in parts[0..3] (owned by the
 * caller, NULL-initialised, freed after p is used).
 */
void setup_params_xcom(struct setup_params *p, const char *table,
    const char *stage, char *parts[4]);

enum setup_kind {
	SETUP_DATABASE,
	SETUP_SCHEMA,
	SETUP_WAREHOUSE,
	SETUP_TABLE,
	SETUP_STAGE,
	SETUP_COMPUTE_POOL,
	SETUP_IMAGE_REPOSITORY,
	SETUP_GRANT
};

enum setup_status {
	SETUP_UNKNOWN, /* not probed yet */
	SETUP_CREATE,  /* will be created / granted */
	SETUP_EXISTS,  /* already there: skipped */
	SETUP_REPLACE, /* exists and will be replaced (destructive) */
	SETUP_DONE,    /* ran and succeeded */
	SETUP_FAILED   /* ran and failed (error holds why) */
};

struct setup_step {
	enum setup_kind kind;
	char *object; /* display name, fully qualified, e.g.
			 DEMO.XCOM.XCOM_STAGE */
	char *role;   /* role to run the statement as */
	char *sql;    /* the statement */
	/* Existence probe: a SHOW statement and what to find in its rows. */
	char *probe_sql;
	char *probe_name;       /* SHOW …: the "name" to match (unquoted
				   identifiers compare upper case) */
	char *probe_privileges; /* SHOW GRANTS: "SELECT,INSERT,UPDATE" */
	char *probe_granted_on; /* SHOW GRANTS: TABLE, SCHEMA, … */
	int destructive; /* CREATE OR REPLACE: needs typed confirmation */
	enum setup_status status;
	char *error;   /* SETUP_FAILED: Snowflake's message and what to do */
	char *grantee; /* SETUP_GRANT: the role granted to, as in sql */
	/* The step's role may not run it, by its grants (setup_plan_check_
	 * grants): what it lacks and who can fix it. NULL: allowed or not
	 * known. */
	char *denied;
};

struct setup_plan {
	struct setup_step *v;
	size_t n;
};

/*
 * Builds the plan from p into *out. Every name is checked: unquoted
 * identifiers (letters, digits, _ and $, not starting with a digit) are used
 * upper case; anything else is double-quoted with quotes doubled. Returns 0,
 * or -1 with *cause (e.g. no user role, an empty name).
 */
int setup_plan_build(
    const struct setup_params *p, struct setup_plan *out, char **cause);
void setup_plan_free(struct setup_plan *);

/* A result set as the probes see it: nrows x ncols cells, row major. Column
 * names are compared case-insensitively. */
struct setup_rows {
	size_t nrows, ncols;
	const char *const *cols;
	const char *const *cells; /* NULL cells are SQL NULL */
};

/*
 * Applies the result of probe_sql to every step probed by that statement:
 * EXISTS when its object (or all its privileges) is there, CREATE when not,
 * REPLACE when it exists and the step is destructive. Pure.
 */
void setup_plan_probe(
    struct setup_plan *, const char *probe_sql, const struct setup_rows *);

/* Whether a step will run (not probed yet, CREATE or REPLACE). */
int setup_step_runs(const struct setup_step *);

/*
 * The distinct roles of the steps that will run, as written (borrowed
 * from the plan), into *roles (an array the caller frees). Returns how
 * many.
 */
size_t setup_plan_roles(const struct setup_plan *, const char ***roles);

/*
 * Marks (step->denied) every step that will run whose role may not run
 * it by the grants learned for that role (sets[0..n-1], matched by role
 * name; a role without a set is not checked). What each step needs
 * (Snowflake's "Access control requirements" of each command):
 *   CREATE DATABASE | WAREHOUSE | COMPUTE POOL: that privilege on the
 *   account (create-database, create-warehouse, create-compute-pool);
 *   CREATE SCHEMA: CREATE SCHEMA on the database (create-schema);
 *   CREATE TABLE | STAGE | IMAGE REPOSITORY: USAGE on the database and
 *   the schema and CREATE <kind> on the schema (create-table,
 *   create-stage, create-image-repository), plus OWNERSHIP of the object
 *   to replace it;
 *   GRANT … ON obj: OWNERSHIP of obj, MANAGE GRANTS, or the privilege
 *   WITH GRANT OPTION (grant-privilege).
 * (https://docs.snowflake.com/en/sql-reference/sql/<command>.) Steps run
 * in order: an object created earlier in the plan is owned by the role
 * that created it, and a grant earlier in the plan is held by its
 * grantee. Pure. Returns how many steps are denied.
 */
size_t setup_plan_check_grants(
    struct setup_plan *, const struct grants *sets, size_t n);

/* How many steps will run (CREATE or REPLACE) and how many are skipped. */
void setup_plan_counts(
    const struct setup_plan *, size_t *to_run, size_t *skipped);

/*
 * Appends the plan as text: one line per step with its status, then the
 * SQL that will run. Used by "snowdeck setup --plan" and the setup pane.
 */
void setup_plan_text(const struct setup_plan *, struct buf *out);

/*
 * A sentence saying what to do about a failed step, from Snowflake's error
 * code and message (e.g. insufficient privileges: which role lacks what,
 * and the GRANT that fixes it). Caller frees.
 */
char *setup_hint(
    const struct setup_step *, const char *code, const char *message);

/* Appends name as a Snowflake identifier (see setup_plan_build). Returns 0,
 * or -1 when name is empty or holds a NUL/control character. */
int sql_ident(struct buf *, const char *name);
/* Appends s as a single-quoted SQL string literal ('' and \\ escaped). */
void sql_string(struct buf *, const char *s);

#endif
