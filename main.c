/*
 * snowdeck: a terminal operations console for Airflow and Snowflake.
 * Parses the command line, loads the configuration and runs either the
 * interactive console or one headless command.
 */

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <uv.h>

#include "app.h"
#include "cli.h"
#include "config.h"
#include "tui.h"
#include "util.h"

static const char main_usage[] =
    "usage: snowdeck [options]                 open the console\n"
    "       snowdeck [options] COMMAND ...     run one command headless\n"
    "\n"
    "commands:\n"
    "  get dags                          list DAGs\n"
    "  get runs [DAG]                    DAG runs, newest first (all DAGs "
    "without DAG)\n"
    "  get tasks DAG RUN                 task instances of a run\n"
    "  get xcom DAG RUN TASK [KEY]       XCom entries, or one value\n"
    "       [--resolve]                  follow Snowflake XCom references to "
    "the\n"
    "                                    real row or stage file\n"
    "  get log DAG RUN TASK [TRY]        a task log (latest try by default)\n"
    "  trigger DAG [--conf JSON] [--run-id ID]\n"
    "  pause DAG | unpause DAG\n"
    "  clear DAG RUN TASK                clear (retry) a task instance\n"
    "  mark-success DAG RUN TASK | mark-failed DAG RUN TASK\n"
    "  get stages                        Snowflake stages of the connection's "
    "schema\n"
    "  get files @DB.SCHEMA.STAGE[/prefix]  files in a stage, with totals\n"
    "  get file @DB.SCHEMA.STAGE/path    preview a stage file (masked)\n"
    "  get xcom-table [DAG [RUN]]        rows of the Snowflake XCom table\n"
    "  get image-repositories [NAME]     image repositories of the schema\n"
    "  sql \"STATEMENT\"                   run one read-only statement\n"
    "  setup --plan | --apply [--yes]    the seed's Snowflake setup: plan, "
    "then run\n"
    "  doctor                            preflight checks (exit 1 when any "
    "is red)\n"
    "  jobs | job NAME                   configured external commands: list, "
    "run\n"
    "  get containers [--local] [--compose-project P] [--watch]\n"
    "                                    containers of a compose project\n"
    "  logs [CONTAINER] --local [--follow|--previous] [--tail N] "
    "[--grep TEXT]\n"
    "                                    one container, or all of the project\n"
    "  restart|stop|start CONTAINER --local [--yes]\n"
    "  get pools [NAME] | get services [NAME]  SPCS compute pools, services\n"
    "  get containers SERVICE            SPCS containers of every instance\n"
    "  get spcs [--watch]                every SPCS container of the schema\n"
    "  logs SERVICE [CONTAINER] [--follow] [--previous] [--instance N]\n"
    "       [--grep TEXT]\n"
    "  suspend|resume|restart SERVICE [--yes] [--wait S]\n"
    "  suspend|resume pool NAME [--yes]\n"
    "\n";

/* Two strings: C11 only promises 4095 characters per literal. */
static const char main_usage_options[] =
    "options:\n"
    "  --airflow-url URL    Airflow base URL (SNOWDECK_AIRFLOW_URL; default\n"
    "                       http://localhost:8080)\n"
    "  -o, --output FMT     table (default) or json\n"
    "  --conf JSON          trigger: the run's conf object\n"
    "  --run-id ID          trigger: the new run's id (default generated)\n"
    "  --limit N            get runs: at most N runs\n"
    "  --readonly           disable every action\n"
    "  --local              containers of the local Docker/Podman engine\n"
    "                       (DOCKER_HOST, else the default sockets)\n"
    "  --compose-project P  compose project (default: the astro dev project\n"
    "                       of the current directory)\n"
    "  -f, --follow         logs: keep following\n"
    "  --tail N             logs: the last N lines only\n"
    "  --since WHEN         logs: from 10m/2h ago, a Unix or ISO time\n"
    "  --grep TEXT          logs: only the lines holding TEXT (ignoring "
    "case),\n"
    "                       as the console's / search matches\n"
    "  --watch              get containers: print again on every change\n"
    "  --previous           logs: the SPCS container's previous run\n"
    "  --instance N         logs: the SPCS service instance (default 0)\n"
    "  --wait S             SPCS actions: give up waiting after S seconds\n"
    "  --cacert FILE        CA bundle for a private CA\n"
    "  --insecure           do not verify TLS certificates (shown in red)\n"
    "  --theme NAME|FILE    colour theme (default, light, mono)\n"
    "  --refresh MS         refresh interval of the focused pane\n"
    "  --timeout MS         total timeout of one request\n"
    "  --audit FILE         audit file (default "
    "~/.local/state/snowdeck/audit.jsonl)\n"
    "  --config FILE        configuration file (default "
    "~/.config/snowdeck/config.toml)\n"
    "  --snowflake-conn-id ID  Airflow connection AIRFLOW_CONN_<ID> (default\n"
    "                       SNOWFLAKE_DEFAULT, then ~/.snowflake/"
    "connections.toml)\n"
    "  -c, --connection NAME  a connection of the Snowflake CLI's "
    "connections.toml\n"
    "  --snowflake-url URL  Snowflake base URL (SNOWDECK_SNOWFLAKE_URL)\n"
    "  --allow-write        sql: allow statements that change data\n"
    "  --plan, --apply      setup: show the plan / run it (resumes)\n"
    "  --admin-role R       setup: role that creates and grants "
    "(SYSADMIN)\n"
    "  --user-role R        setup: role granted to (the connection's)\n"
    "  --database D, --schema S  setup: demo objects (DEMO.DEMO)\n"
    "  --xcom-database D, --xcom-schema S  setup: XCom objects "
    "(DEMO.XCOM)\n"
    "  --warehouse W        setup: also create warehouse W\n"
    "  --containers         setup: the containers demo's objects\n"
    "  --compute-pool P     setup: compute pool name (SISSYG)\n"
    "  --replace-xcom       setup: replace XCom table/stage (wipes data;\n"
    "                       the names must be typed to confirm)\n"
    "  --confirm-replace N[,N]  setup: the typed confirmation, for scripts\n"
    "  --ignore-grants      setup --apply, SPCS actions: run even when the\n"
    "                       role's grants (SHOW GRANTS) say it may not\n"
    "  -y, --yes            do not ask before changing anything\n"
    "  -V, --version        print the version\n"
    "  -h, --help           this help\n"
    "\n"
    "environment: SNOWDECK_AIRFLOW_URL, SNOWDECK_AIRFLOW_USERNAME,\n"
    "SNOWDECK_AIRFLOW_PASSWORD, SNOWDECK_AIRFLOW_TOKEN, SNOWDECK_READONLY,\n"
    "SNOWDECK_THEME, SNOWDECK_AUDIT, NO_COLOR.\n";

enum {
	OPT_AIRFLOW_URL = 256,
	OPT_CONF,
	OPT_RUN_ID,
	OPT_LIMIT,
	OPT_READONLY,
	OPT_CACERT,
	OPT_INSECURE,
	OPT_THEME,
	OPT_REFRESH,
	OPT_TIMEOUT,
	OPT_AUDIT,
	OPT_CONFIG,
	OPT_SF_CONN_ID,
	OPT_SF_URL,
	OPT_ALLOW_WRITE,
	OPT_PLAN,
	OPT_APPLY,
	OPT_ADMIN_ROLE,
	OPT_USER_ROLE,
	OPT_DATABASE,
	OPT_SCHEMA,
	OPT_XCOM_DATABASE,
	OPT_XCOM_SCHEMA,
	OPT_WAREHOUSE,
	OPT_CONTAINERS,
	OPT_COMPUTE_POOL,
	OPT_REPLACE_XCOM,
	OPT_CONFIRM_REPLACE,
	OPT_IGNORE_GRANTS,
	OPT_RESOLVE,
	OPT_LOCAL,
	OPT_COMPOSE_PROJECT,
	OPT_TAIL,
	OPT_WATCH,
	OPT_SINCE,
	OPT_PREVIOUS,
	OPT_INSTANCE,
	OPT_WAIT,
	OPT_GREP,
};

static const struct option main_options[] = {
	{ "airflow-url", required_argument, NULL, OPT_AIRFLOW_URL },
	{ "output", required_argument, NULL, 'o' },
	{ "conf", required_argument, NULL, OPT_CONF },
	{ "run-id", required_argument, NULL, OPT_RUN_ID },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "readonly", no_argument, NULL, OPT_READONLY },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "refresh", required_argument, NULL, OPT_REFRESH },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "audit", required_argument, NULL, OPT_AUDIT },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "snowflake-conn-id", required_argument, NULL, OPT_SF_CONN_ID },
	{ "connection", required_argument, NULL, 'c' },
	{ "snowflake-url", required_argument, NULL, OPT_SF_URL },
	{ "allow-write", no_argument, NULL, OPT_ALLOW_WRITE },
	{ "plan", no_argument, NULL, OPT_PLAN },
	{ "apply", no_argument, NULL, OPT_APPLY },
	{ "admin-role", required_argument, NULL, OPT_ADMIN_ROLE },
	{ "user-role", required_argument, NULL, OPT_USER_ROLE },
	{ "database", required_argument, NULL, OPT_DATABASE },
	{ "schema", required_argument, NULL, OPT_SCHEMA },
	{ "xcom-database", required_argument, NULL, OPT_XCOM_DATABASE },
	{ "xcom-schema", required_argument, NULL, OPT_XCOM_SCHEMA },
	{ "warehouse", required_argument, NULL, OPT_WAREHOUSE },
	{ "containers", no_argument, NULL, OPT_CONTAINERS },
	{ "compute-pool", required_argument, NULL, OPT_COMPUTE_POOL },
	{ "replace-xcom", no_argument, NULL, OPT_REPLACE_XCOM },
	{ "confirm-replace", required_argument, NULL, OPT_CONFIRM_REPLACE },
	{ "ignore-grants", no_argument, NULL, OPT_IGNORE_GRANTS },
	{ "resolve", no_argument, NULL, OPT_RESOLVE },
	{ "local", no_argument, NULL, OPT_LOCAL },
	{ "compose-project", required_argument, NULL, OPT_COMPOSE_PROJECT },
	{ "follow", no_argument, NULL, 'f' },
	{ "tail", required_argument, NULL, OPT_TAIL },
	{ "watch", no_argument, NULL, OPT_WATCH },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "previous", no_argument, NULL, OPT_PREVIOUS },
	{ "instance", required_argument, NULL, OPT_INSTANCE },
	{ "wait", required_argument, NULL, OPT_WAIT },
	{ "grep", required_argument, NULL, OPT_GREP },
	{ "yes", no_argument, NULL, 'y' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* A crash restores the terminal first, then dies with the same signal. */
static void
main_crash(int sig)
{
	tui_emergency_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static long
main_number(const char *s, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0) {
		fprintf(stderr, "snowdeck: %s must be a whole number\n", what);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	struct config cfg;
	struct cli_options opts;
	const char *config_path = NULL;
	char *cause = NULL;
	struct app *app = NULL;
	uv_loop_t loop;
	int ch, status;

	/* libuv writes to a closed pipe or socket must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	config_init(&cfg);
	memset(&opts, 0, sizeof opts);
	opts.tail = -1;
	/* "+" stops at the first non-option only for the console; commands
	 * take options anywhere, so permute (the default). */
	while ((ch = getopt_long(argc, argv, "o:c:fyVh", main_options, NULL)) !=
	       -1) {
		switch (ch) {
		case OPT_AIRFLOW_URL:
			free(cfg.airflow_url);
			cfg.airflow_url = xstrdup(optarg);
			break;
		case 'o':
			if (strcmp(optarg, "json") == 0)
				opts.json = 1;
			else if (strcmp(optarg, "table") != 0) {
				fprintf(stderr, "snowdeck: -o takes table or "
						"json\n");
				return 2;
			}
			break;
		case OPT_CONF:
			opts.conf = optarg;
			break;
		case OPT_RUN_ID:
			opts.run_id = optarg;
			break;
		case OPT_LIMIT:
			opts.limit =
			    (unsigned long)main_number(optarg, "--limit");
			break;
		case OPT_READONLY:
			cfg.readonly = 1;
			break;
		case OPT_CACERT:
			free(cfg.cacert);
			cfg.cacert = xstrdup(optarg);
			break;
		case OPT_INSECURE:
			cfg.insecure = 1;
			break;
		case OPT_THEME:
			free(cfg.theme);
			cfg.theme = xstrdup(optarg);
			break;
		case OPT_REFRESH:
			cfg.refresh_ms = (int)main_number(optarg, "--refresh");
			break;
		case OPT_TIMEOUT:
			cfg.timeout_ms = main_number(optarg, "--timeout");
			break;
		case OPT_AUDIT:
			free(cfg.audit_path);
			cfg.audit_path = xstrdup(optarg);
			break;
		case OPT_CONFIG:
			config_path = optarg;
			break;
		case OPT_SF_CONN_ID:
			opts.sf_conn_id = optarg;
			break;
		case 'c':
			opts.sf_connection = optarg;
			break;
		case OPT_SF_URL:
			opts.sf_url = optarg;
			break;
		case OPT_ALLOW_WRITE:
			opts.allow_write = 1;
			break;
		case OPT_PLAN:
			opts.setup.plan = 1;
			break;
		case OPT_APPLY:
			opts.setup.apply = 1;
			break;
		case OPT_ADMIN_ROLE:
			opts.setup.admin_role = optarg;
			break;
		case OPT_USER_ROLE:
			opts.setup.user_role = optarg;
			break;
		case OPT_DATABASE:
			opts.setup.database = optarg;
			break;
		case OPT_SCHEMA:
			opts.setup.schema = optarg;
			break;
		case OPT_XCOM_DATABASE:
			opts.setup.xcom_database = optarg;
			break;
		case OPT_XCOM_SCHEMA:
			opts.setup.xcom_schema = optarg;
			break;
		case OPT_WAREHOUSE:
			opts.setup.warehouse = optarg;
			break;
		case OPT_CONTAINERS:
			opts.setup.containers = 1;
			break;
		case OPT_COMPUTE_POOL:
			opts.setup.compute_pool = optarg;
			break;
		case OPT_REPLACE_XCOM:
			opts.setup.replace_xcom = 1;
			break;
		case OPT_IGNORE_GRANTS:
			opts.ignore_grants = 1;
			break;
		case OPT_CONFIRM_REPLACE:
			opts.confirm_replace = optarg;
			break;
		case OPT_RESOLVE:
			opts.resolve = 1;
			break;
		case OPT_LOCAL:
			opts.local = 1;
			break;
		case OPT_COMPOSE_PROJECT:
			opts.compose_project = optarg;
			break;
		case 'f':
			opts.follow = 1;
			break;
		case OPT_TAIL:
			opts.tail = main_number(optarg, "--tail");
			break;
		case OPT_WATCH:
			opts.watch = 1;
			break;
		case OPT_SINCE:
			opts.since = optarg;
			break;
		case OPT_PREVIOUS:
			opts.previous = 1;
			break;
		case OPT_INSTANCE:
			main_number(optarg, "--instance");
			opts.instance = optarg;
			break;
		case OPT_WAIT:
			opts.wait_s = main_number(optarg, "--wait");
			break;
		case OPT_GREP:
			opts.grep = optarg;
			break;
		case 'y':
			opts.yes = 1;
			break;
		case 'V':
			printf("snowdeck %s (libcurl %s, libuv %s)\n",
			    SNOWDECK_VERSION,
			    curl_version_info(CURLVERSION_NOW)->version,
			    uv_version_string());
			config_free(&cfg);
			return 0;
		case 'h':
			fputs(main_usage, stdout);
			fputs(main_usage_options, stdout);
			config_free(&cfg);
			return 0;
		default:
			fputs(main_usage, stderr);
			fputs(main_usage_options, stderr);
			config_free(&cfg);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;

	config_from_env(&cfg);
	if (config_load_file(&cfg, config_path, &cause) != 0) {
		fprintf(stderr, "snowdeck: %s\n", cause);
		free(cause);
		config_free(&cfg);
		return 2;
	}
	config_finish(&cfg);
	if (cfg.warning != NULL && argc > 0)
		fprintf(stderr, "snowdeck: warning: %s\n", cfg.warning);

	curl_global_init(CURL_GLOBAL_ALL);
	if (argc > 0) {
		if (opts.grep != NULL && strcmp(argv[0], "logs") != 0) {
			fprintf(stderr, "snowdeck: --grep filters the lines of "
					"logs (snowdeck logs ... --grep "
					"TEXT)\n");
			status = 2;
		} else if (!cli_is_command(argv[0])) {
			fprintf(stderr,
			    "snowdeck: unknown command \"%s\" (see "
			    "snowdeck --help)\n",
			    argv[0]);
			status = 2;
		} else
			status = cli_run(&cfg, &opts, argc, argv);
		curl_global_cleanup();
		config_free(&cfg);
		return status;
	}

	if (opts.grep != NULL) {
		fprintf(stderr, "snowdeck: --grep filters the lines of logs "
				"(in the console: / on the logs)\n");
		curl_global_cleanup();
		config_free(&cfg);
		return 2;
	}
	if (!isatty(STDOUT_FILENO) && access("/dev/tty", R_OK | W_OK) != 0) {
		fprintf(stderr, "snowdeck: no terminal: run a command such as "
				"'snowdeck get dags' instead\n");
		curl_global_cleanup();
		config_free(&cfg);
		return 2;
	}
	signal(SIGSEGV, main_crash);
	signal(SIGBUS, main_crash);
	signal(SIGFPE, main_crash);
	signal(SIGILL, main_crash);
	signal(SIGABRT, main_crash);
	uv_loop_init(&loop);
	if (app_create(&app, &loop, &cfg, 0, &cause) != 0) {
		tui_emergency_restore();
		fprintf(stderr, "snowdeck: %s\n", cause);
		free(cause);
		status = 1;
	} else {
		status = app_run(app);
		app_free(app);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&loop) != 0)
		fprintf(stderr, "snowdeck: warning: loop not closed cleanly\n");
	curl_global_cleanup();
	config_free(&cfg);
	return status;
}
