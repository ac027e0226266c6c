/*
 * Unit tests: the pure parts of the Snowflake client: JWT claims and
 * fingerprint (checked against tests/fixtures/snowflake/gen_sf_vectors.py,
 * which recomputes them with Python cryptography), account identifiers,
 * base64, the TOML reader, every connection form, result and partition
 * parsing, error sentences, dates, stage paths, identifiers and statement
 * classification.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "json_snowflake.h"
#include "parquet.h"
#include "model_sf.h"
#include "sf_conn.h"
#include "sf_jwt.h"
#include "sf_resources.h"
#include "toml.h"
#include "util.h"

#define FIX    "fixtures/snowflake/"
#define VECTOR "python3 " FIX "gen_sf_vectors.py"
#define PASS   "snowdeck-test-passphrase"

/* Runs a shell command, returns its stdout (owned) and exit status. */
static char *
run_cmd(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	struct buf b;
	char chunk[512];
	size_t n;

	ck_assert_msg(p != NULL, "cannot run %s", cmd);
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_add(&b, chunk, n);
	*status = pclose(p);
	if (b.data == NULL)
		buf_adds(&b, "");
	return buf_detach(&b);
}

/* The expected fingerprint of a fixture key, computed by Python. */
static char *
vector(const char *key)
{
	int st;
	char *out = run_cmd(VECTOR " vectors", &st), *p, *e, *r;
	char *want = xasprintf("%s=", key);

	ck_assert_msg(st == 0,
	    "gen_sf_vectors.py failed (needs python3 with cryptography): %s",
	    out);
	p = strstr(out, want);
	ck_assert_ptr_nonnull(p);
	p += strlen(want);
	e = strchr(p, '\n');
	r = e != NULL ? xstrndup(p, (size_t)(e - p)) : xstrdup(p);
	free(out);
	free(want);
	return r;
}

static char *
b64url_decode_json(const char *part, size_t n)
{
	/* Decode through Python-free C: map back to base64 and decode. */
	static const char tbl[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	struct buf b;
	unsigned long v = 0;
	int bits = 0;
	size_t i;
	const char *q;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		q = strchr(tbl, part[i]);
		ck_assert_ptr_nonnull(q);
		v = (v << 6) | (unsigned long)(q - tbl);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(&b, (char)((v >> bits) & 0xff));
		}
	}
	return buf_detach(&b);
}

/* ---- JWT --------------------------------------------------------------- */

START_TEST(test_account_normalise)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "xy12345", "XY12345" },
		{ "xy12345.us-east-1", "XY12345" },
		{ "xy12345.us-east-2.aws", "XY12345" },
		{ "xy12345.us-central1.gcp", "XY12345" },
		{ "xy12345.west-us-2.azure", "XY12345" },
		{ "xy12345.fhplus.us-gov-west-1.aws", "XY12345" },
		{ "xy12345.us-east-1.privatelink", "XY12345" },
		{ "myorg-myaccount", "MYORG-MYACCOUNT" },
		{ "myorg-myaccount.privatelink", "MYORG-MYACCOUNT" },
		{ "myorg.myaccount", "MYORG-MYACCOUNT" },
		{ "acme-marketing_test_account",
		    "ACME-MARKETING_TEST_ACCOUNT" },
		{ "xy12345-abcd.global", "XY12345" },
		{ "https://myorg-myaccount.snowflakecomputing.com/",
		    "MYORG-MYACCOUNT" },
		{ "xy12345.us-east-1.snowflakecomputing.com", "XY12345" },
		{ "xy12345.cn-north-1.snowflakecomputing.cn", "XY12345" },
		{ "snowdeck_sandbox", "SNOWDECK_SANDBOX" },
	};
	size_t i;
	char *a;

	for (i = 0; i < nitems(cases); i++) {
		a = sf_jwt_account(cases[i].in);
		ck_assert_msg(a != NULL && strcmp(a, cases[i].want) == 0,
		    "%s -> %s, want %s", cases[i].in, a ? a : "(null)",
		    cases[i].want);
		free(a);
	}
	ck_assert_ptr_null(sf_jwt_account(""));
	ck_assert_ptr_null(sf_jwt_account(NULL));
}
END_TEST

START_TEST(test_base64)
{
	struct buf b;

	buf_init(&b);
	sf_base64url(&b, "", 0);
	ck_assert_str_eq(b.data, "");
	buf_reset(&b);
	sf_base64url(&b, "f", 1);
	ck_assert_str_eq(b.data, "Zg");
	buf_reset(&b);
	sf_base64url(&b, "fo", 2);
	ck_assert_str_eq(b.data, "Zm8");
	buf_reset(&b);
	sf_base64url(&b, "foo", 3);
	ck_assert_str_eq(b.data, "Zm9v");
	buf_reset(&b);
	sf_base64url(&b, "\xfb\xff\xfe", 3);
	ck_assert_str_eq(b.data, "-__-");
	buf_reset(&b);
	sf_base64(&b, "\xfb\xff\xfe", 3);
	ck_assert_str_eq(b.data, "+//+");
	buf_reset(&b);
	sf_base64(&b, "fo", 2);
	ck_assert_str_eq(b.data, "Zm8=");
	buf_reset(&b);
	sf_base64(&b, "f", 1);
	ck_assert_str_eq(b.data, "Zg==");
	buf_free(&b);
}
END_TEST

START_TEST(test_fingerprint_vectors)
{
	struct sf_key *k = NULL;
	char *cause = NULL, *want;

	ck_assert_int_eq(
	    sf_key_load_file(&k, FIX "test_rsa_key.p8", NULL, &cause), 0);
	want = vector("test_rsa_key.p8");
	ck_assert_str_eq(sf_key_fingerprint(k), want);
	free(want);
	sf_key_free(k);

	/* Encrypted PKCS#8: with the passphrase it loads... */
	ck_assert_int_eq(
	    sf_key_load_file(&k, FIX "test_rsa_key_enc.p8", PASS, &cause), 0);
	want = vector("test_rsa_key_enc.p8");
	ck_assert_str_eq(sf_key_fingerprint(k), want);
	free(want);
	sf_key_free(k);

	/* ...without it, or with a wrong one, it says what to do. */
	ck_assert_int_eq(
	    sf_key_load_file(&k, FIX "test_rsa_key_enc.p8", NULL, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "passphrase"));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(
	    sf_key_load_file(&k, FIX "test_rsa_key_enc.p8", "wrong", &cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "check its passphrase"));
	ck_assert_ptr_null(strstr(cause, "wrong"));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(sf_key_load(&k, "nonsense", 8, NULL, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "PKCS#8"));
	free(cause);
	cause = NULL;
	ck_assert_int_eq(
	    sf_key_load_file(&k, FIX "missing.p8", NULL, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "missing.p8"));
	free(cause);
}
END_TEST

/* The C JWT, verified by Python (signature, claims, lifetime). */
static void
check_jwt_python(const char *keyfile, const char *pass)
{
	struct sf_key *k = NULL;
	char *cause = NULL, *jwt = NULL, *cmd, *out, *dot1, *dot2, *payload;
	long now = (long)time(NULL);
	int st;
	cJSON *o;

	ck_assert_int_eq(sf_key_load_file(&k, keyfile, pass, &cause), 0);
	ck_assert_int_eq(sf_jwt_make(k, "xy12345.us-east-1", "snowdeck_test",
			     now, 3600 * 5, &jwt, &cause),
	    0);
	/* Three base64url parts, no padding. */
	ck_assert_ptr_null(strchr(jwt, '='));
	dot1 = strchr(jwt, '.');
	ck_assert_ptr_nonnull(dot1);
	dot2 = strchr(dot1 + 1, '.');
	ck_assert_ptr_nonnull(dot2);
	ck_assert_ptr_null(strchr(dot2 + 1, '.'));
	payload = b64url_decode_json(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	o = cJSON_Parse(payload);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(cJSON_GetObjectItem(o, "sub")->valuestring,
	    "XY12345.SNOWDECK_TEST");
	ck_assert_int_eq((long)cJSON_GetObjectItem(o, "iat")->valuedouble, now);
	/* The lifetime is clamped under an hour. */
	ck_assert_int_eq((long)cJSON_GetObjectItem(o, "exp")->valuedouble,
	    now + SF_JWT_LIFETIME);
	ck_assert_int_lt(SF_JWT_LIFETIME, 3600);
	cJSON_Delete(o);
	free(payload);
	cmd = xasprintf(VECTOR " verify %s XY12345 SNOWDECK_TEST %s",
	    strrchr(keyfile, '/') + 1, jwt);
	out = run_cmd(cmd, &st);
	ck_assert_msg(st == 0, "python rejected the JWT: %s", out);
	ck_assert_str_eq(out, "valid\n");
	free(out);
	free(cmd);
	free(jwt);
	sf_key_free(k);
}

START_TEST(test_jwt_verified_by_python)
{
	check_jwt_python(FIX "test_rsa_key.p8", NULL);
	check_jwt_python(FIX "test_rsa_key_enc.p8", PASS);
}
END_TEST

START_TEST(test_jwt_tampered_rejected_by_python)
{
	struct sf_key *k = NULL;
	char *cause = NULL, *jwt = NULL, *cmd, *out, *p;
	int st;

	ck_assert_int_eq(
	    sf_key_load_file(&k, FIX "test_rsa_key.p8", NULL, &cause), 0);
	ck_assert_int_eq(
	    sf_jwt_make(k, "xy12345", "u", (long)time(NULL), 60, &jwt, &cause),
	    0);
	/* A flipped signature character must fail verification, so the
	 * positive test above cannot pass vacuously. */
	p = strrchr(jwt, '.') + 5;
	*p = *p == 'A' ? 'B' : 'A';
	cmd = xasprintf(
	    VECTOR " verify test_rsa_key.p8 XY12345 U %s 2>/dev/null", jwt);
	out = run_cmd(cmd, &st);
	ck_assert_int_ne(st, 0);
	free(out);
	free(cmd);
	free(jwt);
	sf_key_free(k);
}
END_TEST

START_TEST(test_jwt_cache_renews)
{
	struct sf_key *k = NULL;
	struct sf_jwt_cache *c;
	char *cause = NULL, *first;
	const char *t;

	ck_assert_int_eq(
	    sf_key_load_file(&k, FIX "test_rsa_key.p8", NULL, &cause), 0);
	c = sf_jwt_cache_create(k, "xy12345", "u");
	t = sf_jwt_token(c, 1000000, &cause);
	ck_assert_ptr_nonnull(t);
	first = xstrdup(t);
	/* Still fresh: the same token. */
	t = sf_jwt_token(
	    c, 1000000 + SF_JWT_LIFETIME - SF_JWT_RENEW - 1, &cause);
	ck_assert_str_eq(t, first);
	/* Close to the end: a new one. */
	t = sf_jwt_token(
	    c, 1000000 + SF_JWT_LIFETIME - SF_JWT_RENEW + 1, &cause);
	ck_assert_str_ne(t, first);
	free(first);
	first = xstrdup(t);
	sf_jwt_cache_invalidate(c);
	t = sf_jwt_token(
	    c, 1000000 + SF_JWT_LIFETIME - SF_JWT_RENEW + 2, &cause);
	ck_assert_str_ne(t, first);
	free(first);
	sf_jwt_cache_free(c);
}
END_TEST

/* ---- TOML -------------------------------------------------------------- */

struct kv {
	struct buf b;
};

static int
kv_cb(const char *table, const char *key, const char *value,
    enum toml_type type, void *arg, char **cause)
{
	struct kv *k = arg;

	(void)cause;
	buf_printf(&k->b, "%s|%s|%s|%d\n", table, key, value, (int)type);
	return 0;
}

START_TEST(test_toml)
{
	static const char text[] = "# comment\n"
				   "default_connection_name = \"dev\"\n"
				   "[connections.dev]\n"
				   "account = 'xy12345' # trailing\n"
				   "port = 8443\n"
				   "ratio = 1.5\n"
				   "on = true\n"
				   "\"quoted key\" = \"a\\tb\\u00e9\"\n"
				   "list = [\"x\", 'y', [1, 2]]\n"
				   "inline = { a = 1, b = \"}\" }\n"
				   "pem = \"\"\"\n-----BEGIN\nline\"\"\"\n"
				   "lit = '''raw \\n'''\n"
				   "[ \"my conn\" . sub ]\n"
				   "a.b = \"dotted\"\n"
				   "[[arr]]\n"
				   "x = 1\n";
	struct kv k;
	char *cause = NULL;

	buf_init(&k.b);
	ck_assert_int_eq(toml_parse(text, strlen(text), kv_cb, &k, &cause), 0);
	ck_assert_str_eq(k.b.data,
	    "|default_connection_name|dev|0\n"
	    "connections.dev|account|xy12345|0\n"
	    "connections.dev|port|8443|1\n"
	    "connections.dev|ratio|1.5|2\n"
	    "connections.dev|on|true|3\n"
	    "connections.dev|quoted key|a\tb\xc3\xa9|0\n"
	    "connections.dev|list|[\"x\", 'y', [1, 2]]|4\n"
	    "connections.dev|inline|{ a = 1, b = \"}\" }|4\n"
	    "connections.dev|pem|-----BEGIN\nline|0\n"
	    "connections.dev|lit|raw \\n|0\n"
	    "my conn.sub.a|b|dotted|0\n"
	    "arr|x|1|1\n");
	buf_free(&k.b);
}
END_TEST

START_TEST(test_toml_errors)
{
	static const char *const bad[] = { "a = \n", "a = \"open\n", "[table\n",
		"a = 1 2\n", "= 1\n", "a = bare\n", "a = \"\\q\"\n",
		"a = [1, 2\n", "a = \"\\u12\"\n", "[[x]\n" };
	struct kv k;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < nitems(bad); i++) {
		buf_init(&k.b);
		ck_assert_msg(
		    toml_parse(bad[i], strlen(bad[i]), kv_cb, &k, &cause) == -1,
		    "accepted: %s", bad[i]);
		ck_assert_ptr_nonnull(strstr(cause, "line 1"));
		free(cause);
		cause = NULL;
		buf_free(&k.b);
	}
	buf_init(&k.b);
	ck_assert_int_eq(
	    toml_parse("a = 1\n\nb = \"x\n", 14, kv_cb, &k, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "line 3"));
	free(cause);
	buf_free(&k.b);
}
END_TEST

/* ---- connections ------------------------------------------------------- */

START_TEST(test_conn_airflow_json)
{
	static const char js[] =
	    "{\"conn_type\": \"snowflake\", \"login\": \"SNOWDECK\", "
	    "\"password\": \"" PASS "\", \"schema\": \"XCOM\", "
	    "\"extra\": {\"account\": \"xy12345\", \"warehouse\": \"WH\", "
	    "\"database\": \"DEMO\", \"region\": \"us-east-1\", \"role\": "
	    "\"R\", \"private_key_file\": \"" FIX "test_rsa_key_enc.p8\"}}";
	static const char js2[] =
	    "{\"conn_type\":\"snowflake\",\"login\":\"u\",\"extra\":"
	    "\"{\\\"extra__snowflake__account\\\": \\\"a1\\\", "
	    "\\\"authenticator\\\": \\\"oauth\\\", \\\"token\\\": "
	    "\\\"tok\\\", \\\"host\\\": \\\"127.0.0.1\\\", \\\"port\\\": "
	    "8123, \\\"protocol\\\": \\\"http\\\"}\"}";
	struct sf_conn c;
	char *cause = NULL;

	sf_conn_init(&c);
	ck_assert_int_eq(sf_conn_from_airflow(&c, js, strlen(js), &cause), 0);
	ck_assert_str_eq(c.user, "SNOWDECK");
	ck_assert_str_eq(c.schema, "XCOM");
	ck_assert_str_eq(c.database, "DEMO");
	ck_assert_str_eq(c.warehouse, "WH");
	ck_assert_str_eq(c.role, "R");
	ck_assert_int_eq(sf_conn_finish(&c, NULL, &cause), 0);
	ck_assert_int_eq(c.auth, SF_AUTH_JWT);
	ck_assert_str_eq(
	    c.base_url, "https://xy12345.us-east-1.snowflakecomputing.com");
	sf_conn_free(&c);

	/* extra as a JSON string, the prefixed legacy names, a sandbox
	 * host/port/protocol. */
	sf_conn_init(&c);
	ck_assert_int_eq(sf_conn_from_airflow(&c, js2, strlen(js2), &cause), 0);
	ck_assert_str_eq(c.account, "a1");
	ck_assert_int_eq(sf_conn_finish(&c, NULL, &cause), 0);
	ck_assert_int_eq(c.auth, SF_AUTH_OAUTH);
	ck_assert_str_eq(c.base_url, "http://127.0.0.1:8123");
	ck_assert_str_eq(sf_auth_token_type(c.auth), "OAUTH");
	sf_conn_free(&c);

	/* Another connection type is refused. */
	sf_conn_init(&c);
	ck_assert_int_eq(sf_conn_from_airflow(
			     &c, "{\"conn_type\":\"postgres\"}", 24, &cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "postgres"));
	free(cause);
	sf_conn_free(&c);
}
END_TEST

START_TEST(test_conn_airflow_uri)
{
	static const char uri[] =
	    "snowflake://my%40user:p%2Fss@/XCOM?account=myorg-acct&warehouse="
	    "WH&database=DEMO&role=R&authenticator=PROGRAMMATIC_ACCESS_TOKEN&"
	    "token=pat%3Dsecret";
	struct sf_conn c;
	char *cause = NULL;

	sf_conn_init(&c);
	ck_assert_int_eq(sf_conn_from_airflow(&c, uri, strlen(uri), &cause), 0);
	ck_assert_str_eq(c.user, "my@user");
	ck_assert_str_eq(c.password, "p/ss");
	ck_assert_str_eq(c.schema, "XCOM");
	ck_assert_str_eq(c.account, "myorg-acct");
	ck_assert_str_eq(c.token, "pat=secret");
	ck_assert_int_eq(sf_conn_finish(&c, NULL, &cause), 0);
	ck_assert_int_eq(c.auth, SF_AUTH_PAT);
	ck_assert_str_eq(
	    sf_auth_token_type(c.auth), "PROGRAMMATIC_ACCESS_TOKEN");
	ck_assert_str_eq(
	    c.base_url, "https://myorg-acct.snowflakecomputing.com");
	sf_conn_free(&c);

	/* Host and port in the authority; __extra__ JSON. */
	sf_conn_init(&c);
	ck_assert_int_eq(
	    sf_conn_from_airflow(&c,
		"snowflake://u@127.0.0.1:9999/S?__extra__=%7B%22account%22%3A"
		"%22a%22%2C%22private_key_file%22%3A%22k.p8%22%7D",
		strlen(
		    "snowflake://u@127.0.0.1:9999/S?__extra__=%7B%22account"
		    "%22%3A%22a%22%2C%22private_key_file%22%3A%22k.p8%22%7D"),
		&cause),
	    0);
	ck_assert_str_eq(c.host, "127.0.0.1");
	ck_assert_int_eq(c.port, 9999);
	ck_assert_str_eq(c.private_key_file, "k.p8");
	ck_assert_int_eq(sf_conn_finish(&c, "http://x:1/", &cause), 0);
	ck_assert_str_eq(c.base_url, "http://x:1");
	sf_conn_free(&c);

	sf_conn_init(&c);
	ck_assert_int_eq(
	    sf_conn_from_airflow(&c, "mysql://u@h/s", 13, &cause), -1);
	free(cause);
	sf_conn_free(&c);
}
END_TEST

START_TEST(test_conn_password_only)
{
	struct sf_conn c;
	char *cause = NULL;
	static const char js[] = "{\"conn_type\":\"snowflake\",\"login\":\"u\","
				 "\"password\":\"hunter2\",\"extra\":{"
				 "\"account\":\"a\"}}";

	sf_conn_init(&c);
	c.source = xstrdup("AIRFLOW_CONN_SNOWFLAKE_DEFAULT");
	ck_assert_int_eq(sf_conn_from_airflow(&c, js, strlen(js), &cause), 0);
	ck_assert_int_eq(sf_conn_finish(&c, NULL, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "does not accept passwords"));
	ck_assert_ptr_nonnull(strstr(cause, "RSA_PUBLIC_KEY"));
	ck_assert_ptr_nonnull(strstr(cause, "PROGRAMMATIC ACCESS TOKEN"));
	ck_assert_ptr_nonnull(strstr(cause, "oauth"));
	ck_assert_ptr_null(strstr(cause, "hunter2"));
	free(cause);
	sf_conn_free(&c);

	/* No credentials at all. */
	sf_conn_init(&c);
	sf_conn_set(&c, "account", "a");
	ck_assert_int_eq(sf_conn_finish(&c, NULL, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "no credentials"));
	free(cause);
	sf_conn_free(&c);
}
END_TEST

START_TEST(test_conn_key_content_and_pat_password)
{
	static const char pat_uri[] = "snowflake://u:pat-value@/S?account=a&"
				      "authenticator=PROGRAMMATIC_ACCESS_TOKEN";
	struct sf_conn c;
	char *cause = NULL, *pem;
	size_t len;
	struct buf b, js;
	struct sf_key *k = NULL;

	ck_assert_int_eq(
	    sf_read_file(FIX "test_rsa_key.p8", 1 << 16, &pem, &len, &cause),
	    0);
	/* private_key_content base64-encoded, as the provider wants it. */
	buf_init(&b);
	sf_base64(&b, pem, len);
	buf_init(&js);
	buf_printf(&js,
	    "{\"conn_type\":\"snowflake\",\"login\":\"u\",\"extra\":{"
	    "\"account\":\"a\",\"private_key_content\":\"%s\"}}",
	    b.data);
	sf_conn_init(&c);
	ck_assert_int_eq(sf_conn_from_airflow(&c, js.data, js.len, &cause), 0);
	ck_assert_int_eq(sf_conn_finish(&c, NULL, &cause), 0);
	ck_assert_int_eq(c.auth, SF_AUTH_JWT);
	ck_assert_str_eq(c.private_key_content, pem);
	ck_assert_int_eq(sf_key_load(&k, c.private_key_content,
			     strlen(c.private_key_content), NULL, &cause),
	    0);
	sf_key_free(k);
	sf_conn_free(&c);
	/* Raw PEM content works as it is; garbage is refused. */
	sf_conn_init(&c);
	sf_conn_set(&c, "account", "a");
	sf_conn_set(&c, "user", "u");
	sf_conn_set(&c, "private_key_content", pem);
	ck_assert_int_eq(sf_conn_finish(&c, NULL, &cause), 0);
	ck_assert_str_eq(c.private_key_content, pem);
	sf_conn_set(&c, "private_key_content", "!!not base64!!");
	ck_assert_int_eq(sf_conn_finish(&c, NULL, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "private_key_content"));
	free(cause);
	cause = NULL;
	sf_conn_free(&c);
	/* A PAT in the Airflow password field. */
	sf_conn_init(&c);
	ck_assert_int_eq(
	    sf_conn_from_airflow(&c, pat_uri, strlen(pat_uri), &cause), 0);
	ck_assert_int_eq(sf_conn_finish(&c, NULL, &cause), 0);
	ck_assert_int_eq(c.auth, SF_AUTH_PAT);
	ck_assert_str_eq(c.token, "pat-value");
	sf_conn_free(&c);
	buf_free(&b);
	buf_free(&js);
	free(pem);
}
END_TEST

START_TEST(test_conn_toml)
{
	static const char conns[] =
	    "[default]\naccount = \"d\"\nuser = \"du\"\ntoken = \"t\"\n"
	    "[sandbox]\naccount = \"SNOWDECK_SANDBOX\"\nuser = \"SNOWDECK\"\n"
	    "authenticator = \"SNOWFLAKE_JWT\"\nprivate_key_file = \"" FIX
	    "test_rsa_key.p8\"\nhost = \"127.0.0.1\"\nport = 8765\n"
	    "protocol = \"http\"\ndatabase = \"DEMO\"\nschema = \"XCOM\"\n";
	static const char config[] =
	    "default_connection_name = \"prod\"\n"
	    "[connections.prod]\naccount = \"p\"\nuser = \"pu\"\n"
	    "authenticator = \"oauth\"\ntoken_file_path = \"/nonexistent/t\"\n";
	struct sf_conn c;
	char *cause = NULL, *def = NULL;
	int found = 0;

	sf_conn_init(&c);
	ck_assert_int_eq(sf_conn_from_toml(&c, conns, strlen(conns), "sandbox",
			     &found, &def, &cause),
	    0);
	ck_assert_int_eq(found, 1);
	ck_assert_ptr_null(def);
	ck_assert_int_eq(c.port, 8765);
	ck_assert_int_eq(sf_conn_finish(&c, NULL, &cause), 0);
	ck_assert_int_eq(c.auth, SF_AUTH_JWT);
	ck_assert_str_eq(c.base_url, "http://127.0.0.1:8765");
	sf_conn_free(&c);

	/* No name: "default". */
	sf_conn_init(&c);
	ck_assert_int_eq(sf_conn_from_toml(&c, conns, strlen(conns), NULL,
			     &found, NULL, &cause),
	    0);
	ck_assert_str_eq(c.account, "d");
	ck_assert_int_eq(sf_conn_finish(&c, NULL, &cause), 0);
	ck_assert_int_eq(c.auth, SF_AUTH_PAT);
	sf_conn_free(&c);

	/* config.toml: default_connection_name and [connections.NAME]. */
	sf_conn_init(&c);
	ck_assert_int_eq(sf_conn_from_toml(&c, config, strlen(config), NULL,
			     &found, &def, &cause),
	    0);
	ck_assert_str_eq(def, "prod");
	ck_assert_str_eq(c.user, "pu");
	free(def);
	/* The token file is missing: the error names it. */
	ck_assert_int_eq(sf_conn_finish(&c, NULL, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "/nonexistent/t"));
	free(cause);
	sf_conn_free(&c);

	sf_conn_init(&c);
	ck_assert_int_eq(sf_conn_from_toml(&c, conns, strlen(conns), "nope",
			     &found, NULL, &cause),
	    0);
	ck_assert_int_eq(found, 0);
	sf_conn_free(&c);
}
END_TEST

START_TEST(test_conn_env)
{
	static const char *const envp[] = {
		"SNOWFLAKE_CONNECTIONS_MY_CONN_ACCOUNT=from_named",
		"SNOWFLAKE_ACCOUNT=from_generic",
		"SNOWFLAKE_USER=envuser",
		"SNOWFLAKE_CONNECTIONS_MY_CONN_WAREHOUSE=wh2",
		"SNOWFLAKE_PRIVATE_KEY_FILE=" FIX "test_rsa_key_enc.p8",
		"PRIVATE_KEY_PASSPHRASE=" PASS,
		NULL,
	};
	struct sf_conn c;
	char *cause = NULL;

	sf_conn_init(&c);
	sf_conn_set(&c, "account", "from_file");
	sf_conn_set(&c, "warehouse", "wh1");
	sf_conn_apply_env(&c, "my-conn", envp);
	ck_assert_str_eq(c.account, "from_named");
	ck_assert_str_eq(c.warehouse, "wh2");
	ck_assert_str_eq(c.user, "envuser");
	ck_assert_str_eq(c.private_key_passphrase, PASS);
	ck_assert_int_eq(sf_conn_finish(&c, NULL, &cause), 0);
	ck_assert_int_eq(c.auth, SF_AUTH_JWT);
	sf_conn_free(&c);

	/* Without a name only the generic variables apply. */
	sf_conn_init(&c);
	sf_conn_apply_env(&c, NULL, envp);
	ck_assert_str_eq(c.account, "from_generic");
	sf_conn_free(&c);
}
END_TEST

START_TEST(test_conn_resolve)
{
	char dir[] = "/tmp/snowdeck-sfconn-XXXXXX";
	char *home, *path, *tokfile, *cause = NULL;
	FILE *f;
	struct sf_conn c;
	struct sf_conn_opts o;
	const char *envp[8];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = xasprintf("%s/connections.toml", dir);
	f = fopen(path, "w");
	fputs("[dev]\naccount = \"xy12345.us-east-1\"\nuser = \"u\"\n"
	      "token = \"pat\"\n",
	    f);
	fclose(f);
	tokfile = xasprintf("%s/token", dir);
	f = fopen(tokfile, "w");
	fputs("  spcs-oauth-token\n", f);
	fclose(f);
	home = xasprintf("SNOWFLAKE_HOME=%s", dir);

	/* -c NAME from SNOWFLAKE_HOME. */
	envp[0] = home;
	envp[1] = NULL;
	memset(&o, 0, sizeof o);
	o.envp = envp;
	o.name = "dev";
	o.spcs_token = "/nonexistent";
	sf_conn_init(&c);
	ck_assert_int_eq(sf_conn_resolve(&c, &o, &cause), 0);
	ck_assert_int_eq(c.auth, SF_AUTH_PAT);
	ck_assert_str_eq(
	    c.base_url, "https://xy12345.us-east-1.snowflakecomputing.com");
	ck_assert_ptr_nonnull(strstr(c.source, "[dev]"));
	sf_conn_free(&c);

	/* A missing name is an error naming it. */
	o.name = "nope";
	sf_conn_init(&c);
	ck_assert_int_eq(sf_conn_resolve(&c, &o, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "nope"));
	free(cause);
	cause = NULL;
	sf_conn_free(&c);

	/* AIRFLOW_CONN_SNOWFLAKE_DEFAULT wins over the CLI files; the URL
	 * override wins over everything. */
	envp[1] = "AIRFLOW_CONN_SNOWFLAKE_DEFAULT=snowflake://u@/S?account=a&"
		  "token=t";
	envp[2] = "SNOWDECK_SNOWFLAKE_URL=http://127.0.0.1:1";
	envp[3] = NULL;
	o.name = NULL;
	sf_conn_init(&c);
	ck_assert_int_eq(sf_conn_resolve(&c, &o, &cause), 0);
	ck_assert_str_eq(c.source, "AIRFLOW_CONN_SNOWFLAKE_DEFAULT");
	ck_assert_str_eq(c.base_url, "http://127.0.0.1:1");
	sf_conn_free(&c);

	/* --snowflake-conn-id names another variable, which must exist. */
	o.conn_id = "my_sf";
	sf_conn_init(&c);
	ck_assert_int_eq(sf_conn_resolve(&c, &o, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "AIRFLOW_CONN_MY_SF"));
	free(cause);
	cause = NULL;
	sf_conn_free(&c);
	o.conn_id = NULL;

	/* SPCS: the mounted token file with SNOWFLAKE_HOST/ACCOUNT. */
	envp[0] = "SNOWFLAKE_HOST=snowflake.example.internal";
	envp[1] = "SNOWFLAKE_ACCOUNT=XY12345";
	envp[2] = "HOME=/nonexistent";
	envp[3] = NULL;
	o.spcs_token = tokfile;
	sf_conn_init(&c);
	ck_assert_int_eq(sf_conn_resolve(&c, &o, &cause), 0);
	ck_assert_int_eq(c.auth, SF_AUTH_OAUTH);
	ck_assert_str_eq(c.token, "spcs-oauth-token");
	ck_assert_str_eq(c.base_url, "https://snowflake.example.internal");
	sf_conn_free(&c);

	/* Nothing anywhere. */
	envp[0] = "HOME=/nonexistent";
	envp[1] = NULL;
	o.spcs_token = "/nonexistent";
	sf_conn_init(&c);
	ck_assert_int_eq(sf_conn_resolve(&c, &o, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "AIRFLOW_CONN_SNOWFLAKE_DEFAULT"));
	free(cause);
	sf_conn_free(&c);

	unlink(path);
	unlink(tokfile);
	rmdir(dir);
	free(path);
	free(tokfile);
	free(home);
}
END_TEST

/* ---- results ----------------------------------------------------------- */

struct rows {
	struct buf b;
	int n;
	int stop_at;
};

static int
rows_cb(const char *const *cells, size_t ncols, void *arg, char **cause)
{
	struct rows *r = arg;
	size_t i;

	if (r->stop_at > 0 && r->n + 1 == r->stop_at) {
		*cause = xstrdup("stop");
		return -1;
	}
	r->n++;
	for (i = 0; i < ncols; i++)
		buf_printf(&r->b, "%s%s", i ? "," : "",
		    cells[i] != NULL ? cells[i] : "NULL");
	buf_addc(&r->b, ';');
	return 0;
}

START_TEST(test_result_parse)
{
	static const char body[] =
	    "{\"resultSetMetaData\":{\"numRows\":5,\"format\":\"jsonv2\","
	    "\"rowType\":[{\"name\":\"COLUMN1\",\"type\":\"TEXT\","
	    "\"nullable\":false},{\"name\":\"N\",\"type\":\"fixed\","
	    "\"nullable\":true,\"scale\":null}],"
	    "\"partitionInfo\":[{\"rowCount\":2,\"uncompressedSize\":10},"
	    "{\"rowCount\":3,\"uncompressedSize\":10,\"compressedSize\":5}]},"
	    "\"data\":[[\"a\",\"1\"],[\"b\",null]],\"code\":\"090001\","
	    "\"statementStatusUrl\":\"/api/v2/statements/h1?partition=0\","
	    "\"sqlState\":\"00000\",\"statementHandle\":\"h1\","
	    "\"message\":\"Statement executed successfully.\","
	    "\"createdOn\":1620151584132}";
	static const char q202[] =
	    "{\"code\":\"333334\",\"message\":\"Asynchronous execution in "
	    "progress.\",\"statementHandle\":\"h2\",\"statementStatusUrl\":"
	    "\"/api/v2/statements/h2\"}";
	struct sf_result_meta m;
	struct rows r;
	char *cause = NULL;
	size_t n;

	memset(&r, 0, sizeof r);
	buf_init(&r.b);
	ck_assert_int_eq(
	    json_sf_result_parse(body, strlen(body), &m, rows_cb, &r, &cause),
	    0);
	ck_assert_int_eq(m.has_result, 1);
	ck_assert_str_eq(m.handle, "h1");
	ck_assert_str_eq(m.code, "090001");
	ck_assert_uint_eq(m.num_rows, 5);
	ck_assert_uint_eq(m.ncols, 2);
	ck_assert_str_eq(m.cols[0].name, "COLUMN1");
	ck_assert_str_eq(m.cols[0].type, "text");
	ck_assert_int_eq(m.cols[0].nullable, 0);
	ck_assert_str_eq(m.cols[1].type, "fixed");
	ck_assert_uint_eq(m.npartitions, 2);
	ck_assert_uint_eq(m.partition_rows[1], 3);
	ck_assert_str_eq(r.b.data, "a,1;b,NULL;");
	sf_result_meta_free(&m);

	/* A further partition, with and without the object wrapper; short
	 * rows are padded with NULL, extra cells ignored. */
	buf_reset(&r.b);
	ck_assert_int_eq(
	    json_sf_partition_parse("{\"data\":[[\"c\",\"3\"],"
				    "[\"d\"],[\"e\",\"5\",\"x\"]]}",
		47, 2, rows_cb, &r, &n, &cause),
	    0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(r.b.data, "c,3;d,NULL;e,5;");
	buf_reset(&r.b);
	ck_assert_int_eq(json_sf_partition_parse(
			     "[[\"z\",\"9\"]]", 11, 2, rows_cb, &r, &n, &cause),
	    0);
	ck_assert_str_eq(r.b.data, "z,9;");

	/* A row callback can stop the parse. */
	r.stop_at = 1;
	r.n = 0;
	ck_assert_int_eq(json_sf_partition_parse(
			     "[[\"z\",\"9\"]]", 11, 2, rows_cb, &r, &n, &cause),
	    -1);
	ck_assert_str_eq(cause, "stop");
	free(cause);
	cause = NULL;

	/* 202 QueryStatus: a handle, no result. */
	ck_assert_int_eq(
	    json_sf_result_parse(q202, strlen(q202), &m, NULL, NULL, &cause),
	    0);
	ck_assert_int_eq(m.has_result, 0);
	ck_assert_str_eq(m.handle, "h2");
	sf_result_meta_free(&m);

	ck_assert_int_eq(
	    json_sf_result_parse("[1]", 3, &m, NULL, NULL, &cause), -1);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(json_sf_partition_parse(
			     "{\"data\":3}", 10, 1, rows_cb, &r, &n, &cause),
	    -1);
	free(cause);
	buf_free(&r.b);
}
END_TEST

/*
 * A partition read straight from the bytes: escapes and \u decoded, non
 * string cells NULL, short rows padded; anything outside strict JSON left
 * to the tree reader (1, nothing called), which json_sf_partition_parse
 * then uses, with the same rows.
 */
START_TEST(test_partition_fast)
{
	static const char body[] =
	    "{\"resultSetMetaData\":{\"numRows\":3,\"x\":[1,-2.5e3,true]},"
	    "\"data\": [ [\"a\\\"b\", \"\\u00e9\\u20ac\\t\", null] ,\n"
	    "[\"d\\/\\\\\", 12, {\"k\":[\"v\"]}, \"extra\"], [\"z\"] ],"
	    "\"data\":[[\"second data ignored\"]]}";
	static const char *const tree_only[] = {
		"{\"data\":[[\"\\ud83d\\ude00\"]]}", /* a surrogate pair */
		"{\"data\":[[\"a\\u0000b\"]]}",     /* NUL */
		"{\"data\":[[\"raw\ttab\"]]}",      /* a raw control byte */
		"{\"data\":[[\"a\"]]} trailing",    /* after the top value */
		"{\"data\":[[01]]}",                /* not a strict number */
		"{\"data\":[[\"a\"],]}",            /* a trailing comma */
		"{\"nodata\":[]}",
		"",
	};
	struct rows r = { .n = 0 };
	char *cause = NULL;
	size_t n, i;

	buf_init(&r.b);
	ck_assert_int_eq(json_sf_partition_parse_fast(body, strlen(body), 3,
			     rows_cb, &r, &n, &cause),
	    0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(r.b.data,
	    "a\"b,\xc3\xa9\xe2\x82\xac\t,NULL;d/\\,NULL,NULL;z,NULL,NULL;");
	/* The tree reader agrees. */
	buf_reset(&r.b);
	ck_assert_int_eq(json_sf_partition_parse_tree(body, strlen(body), 3,
			     rows_cb, &r, &n, &cause),
	    0);
	ck_assert_str_eq(r.b.data,
	    "a\"b,\xc3\xa9\xe2\x82\xac\t,NULL;d/\\,NULL,NULL;z,NULL,NULL;");

	for (i = 0; i < nitems(tree_only); i++) {
		buf_reset(&r.b);
		r.n = 0;
		ck_assert_int_eq(
		    json_sf_partition_parse_fast(tree_only[i],
			strlen(tree_only[i]), 1, rows_cb, &r, &n, &cause),
		    1);
		ck_assert_int_eq(r.n, 0);
		ck_assert_ptr_null(cause);
	}
	/* The surrogate pair still arrives, through the tree. */
	buf_reset(&r.b);
	ck_assert_int_eq(json_sf_partition_parse(tree_only[0],
			     strlen(tree_only[0]), 1, rows_cb, &r, &n, &cause),
	    0);
	ck_assert_str_eq(r.b.data, "\xf0\x9f\x98\x80;");

	/* A row that is not an array: the rows before it were handed on. */
	buf_reset(&r.b);
	ck_assert_int_eq(
	    json_sf_partition_parse_fast("[[\"a\"],\"no\",[\"b\"]]", 18, 1,
		rows_cb, &r, &n, &cause),
	    -1);
	ck_assert_str_eq(cause, "a result row is not an array");
	ck_assert_str_eq(r.b.data, "a;");
	free(cause);
	cause = NULL;
	/* A statement response: its first partition read the same either
	 * way (strict: the data array apart from the tree; a surrogate pair
	 * in a column name: the whole tree). */
	{
		static const char *const bodies[] = {
			"{\"resultSetMetaData\":{\"numRows\":2,\"rowType\":["
			"{\"name\":\"A\"},{\"name\":\"B\"}]},\"data\":[[\"1\","
			"null],[\"x\\u00e9\",\"2\"]],\"statementHandle\":\"h\"}",
			"{\"resultSetMetaData\":{\"numRows\":2,\"rowType\":["
			"{\"name\":\"A\"},{\"name\":\"B\\ud83d\\ude00\"}]},"
			"\"data\":[[\"1\",null],[\"x\\u00e9\",\"2\"]],"
			"\"statementHandle\":\"h\"}",
		};
		struct sf_result_meta m;

		for (i = 0; i < nitems(bodies); i++) {
			buf_reset(&r.b);
			ck_assert_int_eq(json_sf_result_parse(bodies[i],
					     strlen(bodies[i]), &m, rows_cb, &r,
					     &cause),
			    0);
			ck_assert_str_eq(r.b.data, "1,NULL;x\xc3\xa9,2;");
			ck_assert_uint_eq(m.ncols, 2);
			ck_assert_str_eq(m.handle, "h");
			ck_assert_uint_eq(m.num_rows, 2);
			sf_result_meta_free(&m);
		}
	}
	/* A callback stops it. */
	r.stop_at = 2;
	r.n = 0;
	ck_assert_int_eq(json_sf_partition_parse_fast("[[\"a\"],[\"b\"]]", 13,
			     1, rows_cb, &r, &n, &cause),
	    -1);
	ck_assert_str_eq(cause, "stop");
	ck_assert_uint_eq(n, 2);
	free(cause);
	buf_free(&r.b);
}
END_TEST

START_TEST(test_error_sentence)
{
	static const char e422[] =
	    "{\"code\":\"000904\",\"message\":\"SQL compilation error: error "
	    "line 1 at position 7\\ninvalid identifier 'AFAF'\",\"sqlState\":"
	    "\"42000\",\"statementHandle\":\"h\"}";
	char *s;

	s = sf_error_sentence("the SQL statement", 422, e422, strlen(e422));
	ck_assert_str_eq(s,
	    "the SQL statement failed (HTTP 422, code 000904, SQL state "
	    "42000): "
	    "SQL compilation error: error line 1 at position 7 invalid "
	    "identifier 'AFAF'; fix the statement (names, syntax) and run it "
	    "again");
	free(s);
	s = sf_error_sentence("the SQL statement", 401,
	    "{\"code\":\"390144\",\"message\":\"JWT token is invalid.\"}", 52);
	ck_assert_ptr_nonnull(strstr(s, "HTTP 401, code 390144"));
	ck_assert_ptr_nonnull(strstr(s, "RSA_PUBLIC_KEY_FP"));
	free(s);
	s = sf_error_sentence("listing stages", 404,
	    "{\"message\":\"not found\",\"error_code\":\"390404\","
	    "\"request_id\":\"r\"}",
	    63);
	ck_assert_ptr_nonnull(strstr(s, "listing stages failed (HTTP 404, "
					"code 390404): not found; check the "
					"database"));
	free(s);
	s = sf_error_sentence("the SQL statement", 429, "not json", 8);
	ck_assert_str_eq(s, "the SQL statement failed (HTTP 429); Snowflake "
			    "is rate limiting; try again shortly");
	free(s);
	s = sf_error_sentence("the SQL statement", 408,
	    "{\"code\":\"000630\",\"message\":\"timeout\"}", 38);
	ck_assert_ptr_nonnull(strstr(s, "timed out"));
	free(s);
}
END_TEST

START_TEST(test_time_parse)
{
	double t = -1;

	ck_assert_int_eq(sf_time_parse("Mon, 01 Jan 2024 00:00:00 GMT", &t), 0);
	ck_assert_double_eq(t, 1704067200.0);
	ck_assert_int_eq(sf_time_parse("Fri, 3 Mar 2023 19:05:04 GMT", &t), 0);
	ck_assert_double_eq(t, 1677870304.0);
	ck_assert_int_eq(sf_time_parse("2024-01-01T00:00:00Z", &t), 0);
	ck_assert_double_eq(t, 1704067200.0);
	ck_assert_int_eq(sf_time_parse("2024-01-01T01:00:00+01:00", &t), 0);
	ck_assert_double_eq(t, 1704067200.0);
	ck_assert_int_eq(sf_time_parse("2024-02-24 20:41:31.978 -0800", &t), 0);
	ck_assert_double_eq_tol(t, 1708836091.978, 0.001);
	ck_assert_int_eq(sf_time_parse("1704067200.000000000", &t), 0);
	ck_assert_double_eq(t, 1704067200.0);
	ck_assert_int_eq(sf_time_parse("1616173619.000000000 1500", &t), 0);
	ck_assert_int_eq(
	    sf_time_parse("Mon, 01 Foo 2024 00:00:00 GMT", &t), -1);
	ck_assert_int_eq(
	    sf_time_parse("Mon, 01 Jan 2024 00:00:00 PST", &t), -1);
	ck_assert_int_eq(sf_time_parse("yesterday", &t), -1);
	ck_assert_int_eq(sf_time_parse(NULL, &t), -1);
}
END_TEST

START_TEST(test_files)
{
	struct sf_files f;
	const char *row1[] = { "xcom_stage/snowpark_demo/t/run1/-1/k.json",
		"120", "0123abc", "Mon, 1 Jan 2024 00:00:00 GMT" };
	const char *row0[] = { "xcom_stage/a.txt", "5", NULL, "bad" };
	static const char rest[] =
	    "[{\"name\":\"b.csv\",\"size\":\"7\",\"md5\":\"ff\","
	    "\"last_modified\":\"2024-01-01T00:00:00Z\"},{\"size\":\"1\"},3]";
	char *cause = NULL, md5[SF_MD5_TEXT];

	memset(&f, 0, sizeof f);
	ck_assert_int_eq(
	    sf_file_from_list_row(&f, row1, 4, "xcom_stage/", &cause), 0);
	ck_assert_int_eq(
	    sf_file_from_list_row(&f, row0, 4, "xcom_stage/", &cause), 0);
	ck_assert_int_eq(
	    json_sf_files_rest_parse(rest, strlen(rest), &f, &cause), 0);
	ck_assert_uint_eq(f.n, 3);
	ck_assert_uint_eq(f.total_bytes, 132);
	sf_files_sort(&f);
	ck_assert_str_eq(f.v[0].name, "a.txt");
	ck_assert_str_eq(sf_file_md5(&f.v[0], md5, sizeof md5), "");
	ck_assert_double_eq(f.v[0].last_modified, 0);
	ck_assert_str_eq(f.v[1].name, "b.csv");
	ck_assert_double_eq(f.v[1].last_modified, 1704067200.0);
	ck_assert_str_eq(f.v[2].name, "snowpark_demo/t/run1/-1/k.json");
	ck_assert_double_eq(f.v[2].last_modified, 1704067200.0);
	/* Digests too odd to pack stay as text. */
	ck_assert_str_eq(sf_file_md5(&f.v[1], md5, sizeof md5), "ff");
	ck_assert_str_eq(sf_file_md5(&f.v[2], md5, sizeof md5), "0123abc");
	ck_assert_int_eq(sf_file_from_list_row(&f, row1, 3, NULL, &cause), -1);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(json_sf_files_rest_parse("{}", 2, &f, &cause), -1);
	free(cause);
	sf_files_reset(&f);
	free(f.v);
}
END_TEST

/* The string arena: copies survive later appends; big strings fit; free
 * and reuse. */
START_TEST(test_files_arena)
{
	struct sf_arena a;
	char *p[5000], big[300000], name[32];
	size_t i;

	memset(&a, 0, sizeof a);
	for (i = 0; i < nitems(p); i++) {
		snprintf(name, sizeof name, "dag_%zu/file_%zu", i % 7, i);
		p[i] = sf_arena_strndup(&a, name, strlen(name));
	}
	memset(big, 'x', sizeof big);
	/* Longer than a chunk's eighth: a chunk of its own; the current one
	 * keeps filling. */
	p[0] = sf_arena_strndup(&a, big, sizeof big);
	ck_assert_uint_eq(strlen(p[0]), sizeof big);
	p[1] = sf_arena_strndup(&a, "abc\0def", 7);
	ck_assert_int_eq(memcmp(p[1], "abc\0def", 8), 0);
	p[2] = sf_arena_strndup(&a, "", 0);
	ck_assert_str_eq(p[2], "");
	for (i = 3; i < nitems(p); i++) {
		snprintf(name, sizeof name, "dag_%zu/file_%zu", i % 7, i);
		ck_assert_str_eq(p[i], name);
	}
	/* A few chunks, not one allocation per string. */
	ck_assert_uint_ge(a.bytes, sizeof big + 5000 * 10);
	ck_assert_uint_lt(a.bytes, sizeof big + 2 * 1024 * 1024 + 4096);
	sf_arena_free(&a);
	ck_assert_ptr_null(a.head);
	ck_assert_uint_eq(a.bytes, 0);
	ck_assert_str_eq(sf_arena_strndup(&a, "again", 5), "again");
	sf_arena_free(&a);
}
END_TEST

/* Digests: packed and printed back exactly; anything else kept as text. */
START_TEST(test_files_md5)
{
	static const char *const packed[] = {
		"0123456789abcdef0123456789abcdef",
		"d41d8cd98f00b204e9800998ecf8427e",
		"ffffffffffffffffffffffffffffffff",
		"00000000000000000000000000000000",
		"5d41402abc4b2a76b9719d911017c592-2",
		"5d41402abc4b2a76b9719d911017c592-10000",
		"5d41402abc4b2a76b9719d911017c592-65535",
	};
	static const char *const text[] = {
		"D41D8CD98F00B204E9800998ECF8427E", /* upper case */
		"d41d8cd98f00b204e9800998ecf8427",  /* 31 digits */
		"d41d8cd98f00b204e9800998ecf8427e0",
		"d41d8cd98f00b204e9800998ecf8427e-",
		"d41d8cd98f00b204e9800998ecf8427e-0",
		"d41d8cd98f00b204e9800998ecf8427e-02",
		"d41d8cd98f00b204e9800998ecf8427e-65536",
		"d41d8cd98f00b204e9800998ecf8427e-99999999999999999999",
		"d41d8cd98f00b204e9800998ecf8427e-+2",
		"d41d8cd98f00b204e9800998ecf8427e-2 ",
		"d41d8cd98f00b204e9800998ecf8427e 2",
		"g41d8cd98f00b204e9800998ecf8427e",
		"ff",
		"1B2M2Y8AsgTpgAmY7PhCfg==", /* base64 */
	};
	struct sf_files f;
	unsigned char bin[16];
	uint16_t parts;
	char md5[SF_MD5_TEXT], small[8], long_text[100];
	const char *cut = "\xc3\xa9";
	size_t i;

	ck_assert_uint_eq(sizeof(struct sf_file), 40);
	ck_assert_int_eq(sf_md5_pack(packed[4], bin, &parts), 0);
	ck_assert_uint_eq(parts, 2);
	ck_assert_uint_eq(bin[0], 0x5d);
	ck_assert_uint_eq(bin[15], 0x92);
	ck_assert_int_eq(sf_md5_pack(NULL, bin, &parts), -1);
	memset(&f, 0, sizeof f);
	for (i = 0; i < nitems(packed); i++) {
		sf_files_add(&f, "p", 1, 1, packed[i], 0);
		ck_assert_uint_eq(f.v[f.n - 1].md5_kind, SF_MD5_HEX);
		ck_assert_str_eq(
		    sf_file_md5(&f.v[f.n - 1], md5, sizeof md5), packed[i]);
	}
	for (i = 0; i < nitems(text); i++) {
		ck_assert_msg(sf_md5_pack(text[i], bin, &parts) == -1, "%s",
		    text[i]);
		sf_files_add(&f, "t", 1, 1, text[i], 0);
		ck_assert_uint_eq(f.v[f.n - 1].md5_kind, SF_MD5_OTHER);
		ck_assert_str_eq(
		    sf_file_md5(&f.v[f.n - 1], md5, sizeof md5), text[i]);
	}
	/* Unknown: NULL or "". */
	sf_files_add(&f, "n", 1, 1, NULL, 0);
	ck_assert_uint_eq(f.v[f.n - 1].md5_kind, SF_MD5_NONE);
	ck_assert_str_eq(sf_file_md5(&f.v[f.n - 1], md5, sizeof md5), "");
	sf_files_add(&f, "n", 1, 1, "", 0);
	ck_assert_uint_eq(f.v[f.n - 1].md5_kind, SF_MD5_NONE);
	/* A small buffer is cut, never overrun. */
	sf_file_md5(&f.v[0], small, sizeof small);
	ck_assert_str_eq(small, "0123456");
	/* Long text is cut to SF_MD5_TEXT - 1 bytes, not inside a UTF-8
	 * character. */
	memset(long_text, 'a', sizeof long_text);
	memcpy(long_text + SF_MD5_TEXT - 2, cut, 2);
	long_text[sizeof long_text - 1] = '\0';
	sf_files_add(&f, "l", 1, 1, long_text, 0);
	sf_file_md5(&f.v[f.n - 1], md5, sizeof md5);
	ck_assert_uint_eq(strlen(md5), SF_MD5_TEXT - 2);
	/* Ordered as the texts are: unknown, then by digest, plain before
	 * multipart, parts as text ("-10000" < "-2"). */
	sf_files_reset(&f);
	sf_files_add(&f, "a", 1, 0, packed[4], 0);
	sf_files_add(&f, "b", 1, 0, packed[5], 0);
	sf_files_add(&f, "c", 1, 0, "5d41402abc4b2a76b9719d911017c592", 0);
	sf_files_add(&f, "d", 1, 0, NULL, 0);
	sf_files_add(&f, "e", 1, 0, "5d41402abc4b2a76b9719d911017c592-1x", 0);
	ck_assert_int_gt(sf_file_md5_cmp(&f.v[0], &f.v[1]), 0);
	ck_assert_int_lt(sf_file_md5_cmp(&f.v[2], &f.v[1]), 0);
	ck_assert_int_lt(sf_file_md5_cmp(&f.v[3], &f.v[2]), 0);
	ck_assert_int_eq(sf_file_md5_cmp(&f.v[0], &f.v[0]), 0);
	ck_assert_int_lt(sf_file_md5_cmp(&f.v[1], &f.v[4]), 0);
	ck_assert_int_gt(sf_file_md5_cmp(&f.v[0], &f.v[4]), 0);
	ck_assert_int_lt(sf_file_md5_cmp(&f.v[4], &f.v[0]), 0);
	/* Times: whole seconds; unknown outside 1970..2106. */
	ck_assert_uint_eq(sf_file_time(1704067200.9), 1704067200u);
	ck_assert_uint_eq(sf_file_time(-5), 0);
	ck_assert_uint_eq(sf_file_time(5e9), 0);
	ck_assert_uint_eq(f.total_bytes, 0);
	sf_files_reset(&f);
	ck_assert_uint_eq(f.n, 0);
	ck_assert_ptr_null(f.strings.head);
	free(f.v);
}
END_TEST

static int
split_cb(const char *elem, size_t len, void *arg, char **cause)
{
	struct buf *b = arg;

	(void)cause;
	buf_add(b, elem, len);
	buf_addc(b, '|');
	return 0;
}

START_TEST(test_json_split)
{
	static const char body[] =
	    " [ {\"name\":\"a]b,c\", \"x\": [1, {\"y\": \"}\"}]},\n"
	    "{\"name\":\"q\\\"\\\\\"} , 3 ] \n";
	static const char *const bad[] = { "{}", "[1,,2]", "[1}", "[1] x",
		"[{\"a\": 1}" };
	struct sf_json_split j;
	struct buf b;
	char *cause = NULL;
	size_t i, k, step;

	/* Any split of the bytes gives the same elements. */
	for (step = 1; step <= sizeof body; step += 3) {
		memset(&j, 0, sizeof j);
		buf_init(&b);
		for (i = 0; i < sizeof body - 1; i += step) {
			k = sizeof body - 1 - i < step ? sizeof body - 1 - i
						       : step;
			ck_assert_int_eq(sf_json_split_feed(&j, body + i, k,
					     split_cb, &b, &cause),
			    0);
		}
		ck_assert_int_eq(sf_json_split_end(&j, &cause), 0);
		ck_assert_str_eq(b.data,
		    "{\"name\":\"a]b,c\", \"x\": [1, {\"y\": \"}\"}]}|"
		    "{\"name\":\"q\\\"\\\\\"}|3|");
		ck_assert_uint_eq(j.count, 3);
		sf_json_split_free(&j);
		buf_free(&b);
	}
	for (i = 0; i < nitems(bad); i++) {
		int rc;

		memset(&j, 0, sizeof j);
		buf_init(&b);
		rc = sf_json_split_feed(
		    &j, bad[i], strlen(bad[i]), split_cb, &b, &cause);
		if (rc == 0)
			rc = sf_json_split_end(&j, &cause);
		ck_assert_msg(rc == -1, "accepted %s", bad[i]);
		free(cause);
		cause = NULL;
		sf_json_split_free(&j);
		buf_free(&b);
	}
	/* An empty list is a list. */
	memset(&j, 0, sizeof j);
	buf_init(&b);
	ck_assert_int_eq(
	    sf_json_split_feed(&j, "[ ]", 3, split_cb, &b, &cause), 0);
	ck_assert_int_eq(sf_json_split_end(&j, &cause), 0);
	ck_assert_uint_eq(j.count, 0);
	sf_json_split_free(&j);
	buf_free(&b);
}
END_TEST

START_TEST(test_stages_rest)
{
	struct sf_stages s;
	static const char body[] =
	    "[{\"name\":\"XCOM_STAGE\",\"kind\":\"PERMANENT\",\"comment\":"
	    "\"c\",\"created_on\":\"2024-01-01T00:00:00Z\"},"
	    "{\"name\":\"EXT\",\"url\":\"s3://b/\",\"database_name\":\"D2\"}]";
	char *cause = NULL;

	memset(&s, 0, sizeof s);
	ck_assert_int_eq(json_sf_stages_rest_parse(
			     body, strlen(body), "DEMO", "XCOM", &s, &cause),
	    0);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.v[0].name, "XCOM_STAGE");
	ck_assert_str_eq(s.v[0].database, "DEMO");
	ck_assert_double_eq(s.v[0].created_on, 1704067200.0);
	ck_assert_str_eq(s.v[1].url, "s3://b/");
	ck_assert_str_eq(s.v[1].database, "D2");
	ck_assert_str_eq(s.v[1].kind, "PERMANENT");
	sf_stages_reset(&s);
	free(s.v);
}
END_TEST

START_TEST(test_objects)
{
	static const char *const fields[] = { "name", "state", "min_nodes" };
	static const char body[] = "[{\"name\":\"POOL\",\"state\":\"ACTIVE\","
				   "\"min_nodes\":1},{\"name\":\"P2\"}]";
	struct rows r;
	char *cause = NULL;

	memset(&r, 0, sizeof r);
	buf_init(&r.b);
	ck_assert_int_eq(json_sf_objects_parse(body, strlen(body), fields, 3,
			     rows_cb, &r, &cause),
	    0);
	ck_assert_str_eq(r.b.data, "POOL,ACTIVE,1;P2,,;");
	buf_free(&r.b);
}
END_TEST

START_TEST(test_idents)
{
	char *parts[3], *db, *sc, *st, *pre, *cause = NULL;
	struct buf b;
	int n;

	n = sf_ident_split("demo.xcom.\"My \"\"Stage\"\"\"", parts, 3, &cause);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(parts[0], "DEMO");
	ck_assert_str_eq(parts[1], "XCOM");
	ck_assert_str_eq(parts[2], "My \"Stage\"");
	buf_init(&b);
	sf_ident_quote(&b, parts[2]);
	ck_assert_str_eq(b.data, "\"My \"\"Stage\"\"\"");
	buf_free(&b);
	free(parts[0]);
	free(parts[1]);
	free(parts[2]);
	ck_assert_int_eq(sf_ident_split("a.b.c.d", parts, 3, &cause), -1);
	free(cause);
	ck_assert_int_eq(sf_ident_split("a;drop", parts, 3, &cause), -1);
	free(cause);
	ck_assert_int_eq(sf_ident_split("\"open", parts, 3, &cause), -1);
	free(cause);
	ck_assert_int_eq(sf_ident_split("1abc", parts, 3, &cause), -1);
	free(cause);

	ck_assert_int_eq(sf_stage_path_split("@demo.xcom.xcom_stage/dag/t/",
			     NULL, NULL, &db, &sc, &st, &pre, &cause),
	    0);
	ck_assert_str_eq(db, "DEMO");
	ck_assert_str_eq(sc, "XCOM");
	ck_assert_str_eq(st, "XCOM_STAGE");
	ck_assert_str_eq(pre, "dag/t/");
	free(db);
	free(sc);
	free(st);
	free(pre);
	ck_assert_int_eq(
	    sf_stage_path_split("@s", "D", "S", &db, &sc, &st, &pre, &cause),
	    0);
	ck_assert_str_eq(db, "D");
	ck_assert_str_eq(sc, "S");
	ck_assert_str_eq(pre, "");
	free(db);
	free(sc);
	free(st);
	free(pre);
	ck_assert_int_eq(
	    sf_stage_path_split("@s", NULL, NULL, &db, &sc, &st, &pre, &cause),
	    -1);
	ck_assert_ptr_nonnull(strstr(cause, "DATABASE.SCHEMA.STAGE"));
	free(cause);
}
END_TEST

START_TEST(test_classify)
{
	static const struct {
		const char *sql;
		enum sf_stmt_kind want;
	} cases[] = {
		{ "select 1", SF_STMT_READ },
		{ "  -- c\n/* x */ SELECT * FROM t;  ", SF_STMT_READ },
		{ "(select 1) union (select 2)", SF_STMT_READ },
		{ "show stages in schema demo.xcom", SF_STMT_READ },
		{ "DESC TABLE t", SF_STMT_READ },
		{ "describe user x", SF_STMT_READ },
		{ "list @s", SF_STMT_READ },
		{ "ls @s pattern='.*'", SF_STMT_READ },
		{ "explain select 1", SF_STMT_READ },
		{ "with a as (select 1) select * from a", SF_STMT_READ },
		{ "select 'drop table x; delete'", SF_STMT_READ },
		{ "select \"INSERT\" from t", SF_STMT_READ },
		{ "select system$get_service_logs('s', 0, 'c')", SF_STMT_READ },
		{ "select system$cancel_all_queries(1)", SF_STMT_WRITE },
		{ "insert into t values (1)", SF_STMT_WRITE },
		{ "delete from t", SF_STMT_WRITE },
		{ "drop table t", SF_STMT_WRITE },
		{ "alter compute pool p suspend", SF_STMT_WRITE },
		{ "call proc()", SF_STMT_WRITE },
		{ "put file:///x @s", SF_STMT_WRITE },
		{ "with a as (select 1) insert into t select * from a",
		    SF_STMT_WRITE },
		{ "select 1; drop table t", SF_STMT_MULTI },
		{ "select 1;;  -- end", SF_STMT_READ },
		{ "select $$;drop$$", SF_STMT_READ },
		{ "", SF_STMT_EMPTY },
		{ " -- only a comment", SF_STMT_EMPTY },
		{ "; select 1", SF_STMT_MULTI },
		{ "'str'", SF_STMT_WRITE },
	};
	size_t i;

	for (i = 0; i < nitems(cases); i++)
		ck_assert_msg(sf_sql_classify(cases[i].sql) == cases[i].want,
		    "%s -> %d, want %d", cases[i].sql,
		    sf_sql_classify(cases[i].sql), cases[i].want);
}
END_TEST

START_TEST(test_ident_append)
{
	struct buf b;

	buf_init(&b);
	sf_ident_append(&b, "XCOM_TABLE");
	buf_addc(&b, ' ');
	sf_ident_append(&b, "select");
	buf_addc(&b, ' ');
	sf_ident_append(&b, "SELECT");
	buf_addc(&b, ' ');
	sf_ident_append(&b, "My Table");
	buf_addc(&b, ' ');
	sf_ident_append(&b, "A\"; DROP");
	buf_addc(&b, ' ');
	sf_ident_append(&b, "1X");
	ck_assert_str_eq(b.data,
	    "XCOM_TABLE \"select\" \"SELECT\" \"My Table\" \"A\"\"; DROP\" "
	    "\"1X\"");
	buf_free(&b);
}
END_TEST

START_TEST(test_preview_render)
{
	static const char js[] =
	    "{\"minio\": {\"aws_secret_access_key\": \"s3cr3t\", \"host\": "
	    "\"m\"}, \"esc\": \"\\u001b[31mred\"}";
	char *t;

	ck_assert_str_eq(sf_preview_kind("a/b/c.JSON"), "json");
	ck_assert_str_eq(sf_preview_kind("a/b.csv"), "csv");
	ck_assert_str_eq(sf_preview_kind("notes.txt"), "text");
	ck_assert_str_eq(sf_preview_kind("x.parquet"), "parquet");
	ck_assert_str_eq(sf_preview_kind("x.pickle"), "binary");
	ck_assert_str_eq(sf_preview_kind("dir.v1/file"), "binary");
	t = sf_preview_render("json", "v.json", js, strlen(js), 0);
	ck_assert_ptr_null(strstr(t, "s3cr3t"));
	ck_assert_ptr_nonnull(strstr(t, "\"***\""));
	ck_assert_ptr_nonnull(strstr(t, "\"host\""));
	ck_assert_ptr_null(strchr(t, '\033'));
	free(t);
	/* Truncated JSON: masked as text, marked as cut. */
	t = sf_preview_render("json", "v.json", js, 40, 1);
	ck_assert_ptr_null(strstr(t, "s3cr3t"));
	ck_assert_ptr_nonnull(strstr(t, "size cap"));
	free(t);
	t = sf_preview_render("csv", "a.csv", "a,b\n1,\x1b]0;x\x07\n", 14, 0);
	ck_assert_str_eq(t, "a,b\n1,\n");
	free(t);
	t = sf_preview_render("binary", "k.pickle", "\x80\x04", 2, 0);
	ck_assert_ptr_nonnull(strstr(t, "never deserialized"));
	ck_assert_ptr_nonnull(strstr(t, "arbitrary code"));
	free(t);
	t = sf_preview_render("parquet", "t.parquet", "PAR1xxxx", 8, 0);
	ck_assert_ptr_nonnull(strstr(t, "footer cannot be read"));
	free(t);
	t = sf_preview_render("parquet", "t.parquet", "nope", 4, 0);
	ck_assert_ptr_nonnull(strstr(t, "not a parquet file"));
	free(t);
}
END_TEST

START_TEST(test_parquet_footer)
{
	struct pq_meta m;
	char *data, *cause = NULL, *t;
	size_t len;

	ck_assert_int_eq(
	    sf_read_file(FIX "nested.parquet", 1 << 20, &data, &len, &cause),
	    0);
	ck_assert_int_eq(
	    pq_footer_parse((const uint8_t *)data, len, &m, &cause), 0);
	ck_assert_int_eq(m.num_rows, 3);
	ck_assert_str_eq(m.cols[0].path, "id");
	ck_assert_str_eq(m.cols[0].type, "INT64");
	ck_assert_str_eq(m.cols[1].path, "name");
	ck_assert_str_eq(m.cols[1].logical, "STRING");
	ck_assert_str_eq(m.cols[2].path, "tags.list.element");
	ck_assert_ptr_nonnull(strstr(m.created_by, "parquet-cpp"));
	pq_meta_free(&m);
	t = sf_preview_render("parquet", "x.parquet", data, len, 0);
	ck_assert_ptr_nonnull(strstr(t, "parquet: 3 rows in 1 row group"));
	ck_assert_ptr_nonnull(strstr(t, "\n  loc.lat DOUBLE optional\n"));
	free(t);
	/* A cut file: the footer is gone, said plainly. */
	t = sf_preview_render("parquet", "x.parquet", data, len / 2, 1);
	ck_assert_ptr_nonnull(strstr(t, "larger than the preview cap"));
	free(t);
	/* A corrupted footer length. */
	data[len - 8] = (char)0xff;
	data[len - 7] = (char)0xff;
	ck_assert_int_eq(
	    pq_footer_parse((const uint8_t *)data, len, &m, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "footer"));
	free(cause);
	free(data);
}
END_TEST

START_TEST(test_uuid)
{
	char a[37], b[37];

	sf_uuid4(a);
	sf_uuid4(b);
	ck_assert_uint_eq(strlen(a), 36);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(a[14], '4');
	ck_assert_ptr_nonnull(strchr("89ab", a[19]));
	ck_assert_int_eq(a[8], '-');
	ck_assert_int_eq(a[23], '-');
}
END_TEST

Suite *snowflake_suite(void);

Suite *
snowflake_suite(void)
{
	Suite *s = suite_create("snowflake");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_account_normalise);
	tcase_add_test(tc, test_base64);
	tcase_add_test(tc, test_fingerprint_vectors);
	tcase_add_test(tc, test_jwt_verified_by_python);
	tcase_add_test(tc, test_jwt_tampered_rejected_by_python);
	tcase_add_test(tc, test_jwt_cache_renews);
	tcase_add_test(tc, test_toml);
	tcase_add_test(tc, test_toml_errors);
	tcase_add_test(tc, test_conn_airflow_json);
	tcase_add_test(tc, test_conn_airflow_uri);
	tcase_add_test(tc, test_conn_password_only);
	tcase_add_test(tc, test_conn_toml);
	tcase_add_test(tc, test_conn_key_content_and_pat_password);
	tcase_add_test(tc, test_conn_env);
	tcase_add_test(tc, test_conn_resolve);
	tcase_add_test(tc, test_result_parse);
	tcase_add_test(tc, test_partition_fast);
	tcase_add_test(tc, test_error_sentence);
	tcase_add_test(tc, test_time_parse);
	tcase_add_test(tc, test_files);
	tcase_add_test(tc, test_files_arena);
	tcase_add_test(tc, test_files_md5);
	tcase_add_test(tc, test_stages_rest);
	tcase_add_test(tc, test_json_split);
	tcase_add_test(tc, test_objects);
	tcase_add_test(tc, test_idents);
	tcase_add_test(tc, test_classify);
	tcase_add_test(tc, test_uuid);
	tcase_add_test(tc, test_ident_append);
	tcase_add_test(tc, test_preview_render);
	tcase_add_test(tc, test_parquet_footer);
	suite_add_tcase(s, tc);
	return s;
}
