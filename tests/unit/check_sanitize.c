/* Unit tests: the terminal sanitizer and the secret redactor. */

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "sanitize.h"
#include "util.h"

#define FFFD "\xef\xbf\xbd"

/* Sanitizes the len bytes at s; checks the output and the count. */
static void
check_san(
    const char *s, size_t len, int flags, const char *want, size_t changes)
{
	struct buf b;
	size_t n;

	buf_init(&b);
	n = sanitize_append(&b, s, len, flags);
	ck_assert_ptr_nonnull(b.data);
	ck_assert_msg(b.len == strlen(want) && memcmp(b.data, want, b.len) == 0,
	    "sanitize(%zu bytes) = \"%s\", want \"%s\"", len, b.data, want);
	if (changes != (size_t)-1)
		ck_assert_uint_eq(n, changes);
	buf_free(&b);
}

#define SAN(s, flags, want, n) check_san(s, sizeof(s) - 1, flags, want, n)
#define ANY                    ((size_t)-1)

START_TEST(test_sgr_and_csi)
{
	SAN("plain text", 0, "plain text", 0);
	SAN("a\x1b[1;31mb\x1b[0m", 0, "ab", 2);
	SAN("\x1b[38;2;255;0;0mx\x1b[m", 0, "x", 2);
	SAN("\x1b[?25l\x1b[2 q\x1b[>c", 0, "", 3); /* private, intermediate */
	SAN("\x1b[2J\x1b[H\x1b[3;1Hhi", 0, "hi", 3);
	/* A CSI cut short by another escape: both go. */
	SAN("a\x1b[12\x1b[31mb", 0, "ab", 2);
	/* Unterminated at the end. */
	SAN("a\x1b[12;", 0, "a", 1);
}
END_TEST

START_TEST(test_osc)
{
	SAN("x\x1b]0;title\x07y", 0, "xy", 1);
	SAN("x\x1b]2;title\x1b\\y", 0, "xy", 2);
	/* OSC 8 hyperlinks: the text stays, the target goes. */
	SAN("\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\", 0, "link",
	    ANY);
	SAN("\x1b]8;;http://evil.example/\x07link\x1b]8;;\x07", 0, "link", 2);
	/* OSC 52 would write the clipboard. */
	SAN("a\x1b]52;c;c2VjcmV0\x07"
	    "b",
	    0, "ab", 1);
	SAN("a\x1b]52;c;c2VjcmV0\x1b\\b", 0, "ab", ANY);
	/* C1 ST (U+009C) terminates too. */
	SAN("a\x1b]0;t\xc2\x9c"
	    "b",
	    0, "ab", 1);
	/* Unterminated: the rest is dropped entirely. */
	SAN("ok\x1b]0;never ends\nsecond line", SANITIZE_KEEP_NL, "ok", 1);
	SAN("ok\x1b]", 0, "ok", 1);
}
END_TEST

START_TEST(test_dcs_apc_pm_sos)
{
	SAN("\x1bP1$r0m\x1b\\after", 0, "after", ANY);
	SAN("a\x1b_apc payload\x1b\\b", 0, "ab", ANY);
	SAN("a\x1b^pm\x07"
	    "b",
	    0, "ab", 1);
	SAN("a\x1bXsos\x1b\\b", 0, "ab", ANY);
	SAN("a\x1bPunterminated", 0, "a", 1);
}
END_TEST

START_TEST(test_two_byte_escapes)
{
	SAN("\x1b"
	    "7save\x1b"
	    "8",
	    0, "save", 2);
	SAN("\x1b"
	    "cx",
	    0, "x", 1);                    /* RIS */
	SAN("\x1b(Bx\x1b)0y", 0, "xy", 2); /* charset designation (nF) */
	SAN("\x1b#8x", 0, "x", 1);         /* DECALN */
	SAN("x\x1b", 0, "x", 1);           /* lone ESC at the end */
	SAN("x\x1b\ny", SANITIZE_KEEP_NL, "x\ny", 1);
	SAN("x\x1b\x1b[1my", 0, "xy", 2);
}
END_TEST

START_TEST(test_c1)
{
	/* U+009B CSI takes its parameters with it. */
	SAN("\xc2\x9b"
	    "31mred",
	    0, "red", 1);
	SAN("\xc2\x9b"
	    "2J end",
	    0, " end", 1);
	/* U+009D OSC, U+0090 DCS, U+009F APC, U+009E PM, U+0098 SOS. */
	SAN("\xc2\x9d"
	    "0;title\x07x",
	    0, "x", 1);
	SAN("a\xc2\x90q\xc2\x9c"
	    "b",
	    0, "ab", 1);
	SAN("a\xc2\x9f"
	    "apc\x07"
	    "b",
	    0, "ab", 1);
	SAN("a\xc2\x9e"
	    "pm\x07"
	    "b",
	    0, "ab", 1);
	SAN("a\xc2\x98"
	    "sos\x07"
	    "b",
	    0, "ab", 1);
	/* Other C1 controls are dropped alone. */
	SAN("a\xc2\x85"
	    "b\xc2\x80"
	    "c\xc2\x9c"
	    "d",
	    0, "abcd", 3);
	/* A raw 0x9b byte is not UTF-8: a substitute, the rest is text. */
	SAN("a\x9b"
	    "2J",
	    0, "a" FFFD "2J", 1);
	/* Latin-1 supplement after C1 is ordinary text. */
	SAN("\xc2\xa0\xc3\xa9", 0, "\xc2\xa0\xc3\xa9", 0);
}
END_TEST

START_TEST(test_invisible)
{
	/* Bidi embeddings, overrides, isolates and marks go. */
	SAN("\xe2\x80\xae"
	    "evil",
	    0, "evil", 1); /* U+202E */
	SAN("a\xe2\x80\xaa"
	    "b\xe2\x80\xab"
	    "c\xe2\x80\xac"
	    "d\xe2\x80\xad"
	    "e",
	    0, "abcde", 4);
	SAN("a\xe2\x81\xa6"
	    "b\xe2\x81\xa7"
	    "c\xe2\x81\xa8"
	    "d\xe2\x81\xa9"
	    "e",
	    0, "abcde", 4); /* U+2066..2069 */
	SAN("a\xe2\x80\x8e"
	    "b\xe2\x80\x8f"
	    "c",
	    0, "abc", 2); /* LRM, RLM */
	SAN("a\xd8\x9c"
	    "b",
	    0, "ab", 1); /* U+061C */
	/* Zero width characters and the BOM go. */
	SAN("a\xe2\x80\x8b"
	    "b\xe2\x80\x8c"
	    "c\xe2\x80\x8d"
	    "d",
	    0, "abcd", 3);
	SAN("\xef\xbb\xbf"
	    "text",
	    0, "text", 1);
	/* Tag characters (invisible ASCII smuggling) go. */
	SAN("a\xf3\xa0\x81\x81\xf3\xa0\x81\xbf"
	    "b",
	    0, "ab", 2);
	/* Line and paragraph separators become spaces. */
	SAN("a\xe2\x80\xa8"
	    "b\xe2\x80\xa9"
	    "c",
	    0, "a b c", 2);
	/* Visible text in any script stays. */
	SAN("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5 "
	    "\xe6\x97\xa5\xe6\x9c\xac"
	    " \xf0\x9f\x98\x80",
	    0,
	    "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5 "
	    "\xe6\x97\xa5\xe6\x9c\xac"
	    " \xf0\x9f\x98\x80",
	    0);
}
END_TEST

START_TEST(test_invalid_utf8)
{
	/* Markus Kuhn's decoder stress test, section by section. */
	SAN("\xf4\x8f\xbf\xbf", 0, "\xf4\x8f\xbf\xbf", 0); /* U+10FFFF */
	SAN("\xef\xbf\xbd", 0, FFFD, 0);                   /* U+FFFD itself */
	SAN("\x80", 0, FFFD, 1); /* 3.1 continuation */
	SAN("\xbf", 0, FFFD, 1);
	SAN("\x80\xbf\x80", 0, FFFD FFFD FFFD, 3);
	SAN("\xc0 \xe0 \xf0 x", 0, FFFD " " FFFD " " FFFD " x", 3); /* 3.2 */
	SAN("\xf8\x88\x80\x80\x80", 0, FFFD FFFD FFFD FFFD FFFD, 5);
	SAN("\xfe\xff", 0, FFFD FFFD, 2); /* 3.5 */
	/* 3.3 truncated sequences, one substitute each. */
	SAN("\xe2\x82", 0, FFFD, 1);
	SAN("\xf0\x9f\x98", 0, FFFD, 1);
	SAN("\xe2\x82"
	    "A",
	    0, FFFD "A", 1);
	SAN("\xf0\x9f\x98"
	    "\xe2\x82",
	    0, FFFD FFFD, 2);
	/* 4 overlong forms of '/' and the largest overlongs. */
	SAN("\xc0\xaf", 0, FFFD FFFD, 2);
	SAN("\xe0\x80\xaf", 0, FFFD FFFD FFFD, 3);
	SAN("\xf0\x80\x80\xaf", 0, FFFD FFFD FFFD FFFD, 4);
	SAN("\xc1\xbf", 0, FFFD FFFD, 2);
	SAN("\xe0\x9f\xbf", 0, FFFD FFFD FFFD, 3);
	SAN("\xf0\x8f\xbf\xbf", 0, FFFD FFFD FFFD FFFD, 4);
	/* 5 UTF-16 surrogates. */
	SAN("\xed\xa0\x80", 0, FFFD FFFD FFFD, 3);
	SAN("\xed\xbf\xbf", 0, FFFD FFFD FFFD, 3);
	SAN("\xed\xa0\x80\xed\xb0\x80", 0, FFFD FFFD FFFD FFFD FFFD FFFD, 6);
	/* Beyond U+10FFFF. */
	SAN("\xf4\x90\x80\x80", 0, FFFD FFFD FFFD FFFD, 4);
	SAN("\xf5\x80\x80\x80", 0, FFFD FFFD FFFD FFFD, 4);
	/* Unicode 15 table 3-8: maximal subparts. */
	SAN("\x61\xf1\x80\x80\xe1\x80\xc2\x62\x80\x63\x80\xbf\x64", 0,
	    "a" FFFD FFFD FFFD "b" FFFD "c" FFFD FFFD "d", 6);
}
END_TEST

START_TEST(test_controls_and_cr)
{
	SAN("a\r\nb", SANITIZE_KEEP_NL, "a\nb", 1);
	SAN("a\r\nb", 0, "a b", 2);
	SAN("a\rb", 0, "a" FFFD "b", 1);
	SAN("progress 10%\rprogress 20%", 0, "progress 10%" FFFD "progress 20%",
	    1);
	SAN("a\r", SANITIZE_KEEP_NL, "a" FFFD, 1);
	SAN("a\r\r\nb", SANITIZE_KEEP_NL, "a" FFFD "\nb", 2);
	SAN("a\nb\tc", 0, "a b c", 2);
	SAN("a\nb\tc", SANITIZE_KEEP_NL, "a\nb c", 1);
	SAN("a\nb\tc", SANITIZE_KEEP_TAB, "a b\tc", 1);
	SAN("a\nb\tc", SANITIZE_KEEP_NL | SANITIZE_KEEP_TAB, "a\nb\tc", 0);
	SAN("a\x07"
	    "b\x08"
	    "c\x7f"
	    "d\x01"
	    "e",
	    0, "a" FFFD "b" FFFD "c" FFFD "d" FFFD "e", 4);
	check_san("a\0b", 3, 0, "a" FFFD "b", 1);
	check_san("", 0, 0, "", 0);
}
END_TEST

START_TEST(test_sanitize_dup)
{
	/* The fault stub's string: every attack at once. */
	static const char evil[] =
	    "ok \x1b[31mred\x1b[0m \x1b]0;pwned\x07 \x1b]52;c;c2VjcmV0\x07 "
	    "\xe2\x80\xae"
	    "evil \xc2\x9b"
	    "2J";
	char *s;

	s = sanitize_dup(evil, sizeof evil - 1, 0);
	ck_assert_str_eq(s, "ok red   evil ");
	free(s);
	s = sanitize_dup("", 0, 0);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

/* ---- redaction ---------------------------------------------------------- */

/* Redacts s; checks the output, the count, and that a second pass agrees. */
static void
check_red(const char *s, const char *want, size_t masks)
{
	struct buf b, again;
	size_t n;

	buf_init(&b);
	buf_init(&again);
	n = redact_text_append(&b, s, strlen(s));
	ck_assert_msg(strcmp(b.data, want) == 0,
	    "redact(\"%s\") = \"%s\", "
	    "want \"%s\"",
	    s, b.data, want);
	if (masks != ANY)
		ck_assert_uint_eq(n, masks);
	redact_text_append(&again, b.data, b.len);
	ck_assert_str_eq(again.data, b.data);
	buf_free(&b);
	buf_free(&again);
}

#define JWT                                                            \
	"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3"    \
	"ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36P" \
	"Ok6yJV_adQssw5c"

START_TEST(test_redact_jwt)
{
	check_red("token " JWT " end", "token *** end", 1);
	check_red("{\"t\":\"" JWT "\"}", "{\"t\":\"***\"}", 1);
	check_red("x=" JWT "&y=1", "x=***&y=1", 1);
	/* Unsigned JWT (alg none) ends with a dot. */
	check_red("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0. ok", "*** ok", 1);
	/* Not JWTs. */
	check_red("eyJ is how base64 JSON starts",
	    "eyJ is how base64 JSON "
	    "starts",
	    0);
	check_red("eyJhbGciOi without dots", "eyJhbGciOi without dots", 0);
}
END_TEST

START_TEST(test_redact_authorization)
{
	check_red("Authorization: Bearer abc.def-ghi_jkl",
	    "Authorization: "
	    "Bearer ***",
	    1);
	check_red("plain Bearer abc.def", "plain Bearer ***", 1);
	check_red("authorization: bearer " JWT, "authorization: bearer ***", 1);
	check_red("curl -H 'Authorization: Basic dXNlcjpwYXNz' x",
	    "curl -H 'Authorization: Basic ***", 1);
	check_red("Basic dXNlcjpwYXNz=", "Basic ***", 1);
	check_red("Authorization: Snowflake Token=\"ver:1-hint:123-ETMsDgAA\"",
	    "Authorization: Snowflake ***", 1);
	check_red("Snowflake Token=\"ver:1-hint:123-ETMsDgAA\" sent",
	    "Snowflake Token=\"***\" sent", 1);
	check_red("{\"Authorization\": \"Bearer xyz\"}",
	    "{\"Authorization\": \"***\"}", 1);
	/* Prose survives. */
	check_red("Basic setup done", "Basic setup done", 0);
}
END_TEST

START_TEST(test_redact_presigned)
{
	check_red(
	    "https://b.s3.amazonaws.com/k.csv?X-Amz-Algorithm=AWS4-HMAC-"
	    "SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20250101%2Fus-east-1%2F"
	    "s3%2Faws4_request&X-Amz-Date=20250101T000000Z&X-Amz-Expires="
	    "3600&X-Amz-SignedHeaders=host&X-Amz-Security-Token=FwoGZX&"
	    "X-Amz-Signature=0123456789abcdef",
	    "https://b.s3.amazonaws.com/k.csv?X-Amz-Algorithm=AWS4-HMAC-"
	    "SHA256&X-Amz-Credential=***&X-Amz-Date=20250101T000000Z&"
	    "X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Security-Token"
	    "=***&X-Amz-Signature=***",
	    3);
	check_red("https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4&"
		  "X-Goog-Signature=abcdef",
	    "https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4&"
	    "X-Goog-Signature=***",
	    1);
	check_red("https://a.blob.core.windows.net/c/b?sv=2020&sig=abc%3D",
	    "https://a.blob.core.windows.net/c/b?sv=2020&sig=***", 1);
	check_red("https://x/cb?token=abc&access_token=def&Signature=ghi&n=1",
	    "https://x/cb?token=***&access_token=***&Signature=***&n=1", 3);
}
END_TEST

START_TEST(test_redact_pairs)
{
	check_red("{\"conn\": {\"password\": \"p@ss\", \"extra\": {\"api_key\":"
		  " \"k\"}}, \"user\": \"bob\"}",
	    "{\"conn\": {\"password\": \"***\", \"extra\": {\"api_key\": "
	    "\"***\"}}, \"user\": \"bob\"}",
	    2);
	check_red(
	    "{\"token\":12345,\"n\":1}", "{\"token\":\"***\",\"n\":1}", 1);
	check_red("{\"secret\": {\"a\": [1, \"}\"]}, \"n\": 1}",
	    "{\"secret\": \"***\", \"n\": 1}", 1);
	check_red("{\"password\": null}", "{\"password\": null}", 0);
	check_red("{'password': 'hunter2', 'user': 'bob'}",
	    "{'password': '***', 'user': 'bob'}", 1);
	check_red("{\\\"password\\\": \\\"hunter2\\\", \\\"u\\\": 1}",
	    "{\\\"password\\\": \\\"***\\\", \\\"u\\\": 1}", 1);
	check_red("password=hunter2 user=bob", "password=*** user=bob", 1);
	check_red("DB_PASSWORD=hunter2;HOST=db", "DB_PASSWORD=***;HOST=db", 1);
	check_red(
	    "SECRET_KEY = 'xyz' # comment", "SECRET_KEY = '***' # comment", 1);
	check_red("api-key: abc123", "api-key: ***", 1);
	check_red("  client_secret: s3cr3t\n  user: bob\n",
	    "  client_secret: ***\n  user: bob\n", 1);
	check_red("Cookie: session=abc; theme=dark", "Cookie: ***", 1);
	check_red("secret_key => 'x'", "secret_key => '***'", 1);
}
END_TEST

START_TEST(test_redact_pem)
{
	check_red("key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n"
		  "-----END RSA PRIVATE KEY-----\nafter",
	    "key:\n***\nafter", 1);
	check_red("x -----BEGIN ENCRYPTED PRIVATE KEY-----\\nMIIE\\n-----END "
		  "ENCRYPTED PRIVATE KEY----- y",
	    "x *** y", 1);
	check_red(
	    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk", "***", 1);
	/* Certificates are public. */
	check_red(
	    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
	    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", 0);
}
END_TEST

START_TEST(test_redact_userinfo)
{
	check_red("postgres://user:pa@ss@db.example.com:5432/x",
	    "postgres://user:***@db.example.com:5432/x", 1);
	check_red("redis://:pw@cache:6379/0", "redis://:***@cache:6379/0", 1);
	check_red("see https://bob:hunter2@git.example.com/r.git now",
	    "see https://bob:***@git.example.com/r.git now", 1);
	check_red("https://ghp_0123456789abcdefghijklmn@github.com/o/r",
	    "https://***@github.com/o/r", 1);
	check_red("https://bob@example.com/x", "https://bob@example.com/x", 0);
	check_red("http://session.example.com:443/auth.py:12",
	    "http://session.example.com:443/auth.py:12", 0);
}
END_TEST

START_TEST(test_redact_leaves_text)
{
	static const char *const keep[] = {
		"[2025-01-01T00:00:00Z] {taskinstance.py:1234} INFO - Marking "
		"task as SUCCESS. dag_id=customer_analytics, task_id=enter",
		"[2025-01-01] {auth.py:42} INFO - hello",
		"the key is return_value and the author is bob",
		"{\"key\": \"return_value\", \"dag_id\": \"d\", \"map_index\": "
		"-1}",
		"GET /api/v2/dags?limit=100&offset=0 200",
		"Tokens are checked at login.",
		"",
		"*** Found local files:",
	};
	size_t i;
	char *s;

	for (i = 0; i < nitems(keep); i++)
		check_red(keep[i], keep[i], 0);
	s = redact_text_dup(NULL);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(test_redact_key_names)
{
	static const char *const yes[] = { "password", "PASSWORD",
		"db_password", "passwd", "pwd", "pass", "api-key", "X-Api-Key",
		"apiKey", "access_key_id", "aws_secret_access_key",
		"private_key", "Authorization", "Cookie", "Set-Cookie",
		"session_id", "X-Amz-Signature", "X-Amz-Credential",
		"X-Amz-Security-Token", "sig", "auth", "auth_header",
		"client_secret", "refresh_token", "passphrase", "credentials",
		"JWT" };
	static const char *const no[] = { "key", "name", "dag_id", "author",
		"authenticated", "keys", "task_id", "monkey", "passenger",
		"compass", "bypass", "state", "", "conf" };
	size_t i;

	for (i = 0; i < nitems(yes); i++)
		ck_assert_msg(redact_key_is_secret(yes[i]), "%s", yes[i]);
	for (i = 0; i < nitems(no); i++)
		ck_assert_msg(!redact_key_is_secret(no[i]), "%s", no[i]);
	ck_assert_int_eq(redact_key_is_secret(NULL), 0);
}
END_TEST

START_TEST(test_redact_json_tree)
{
	static const char doc[] =
	    "{\"a\":{\"password\":\"hunter2\",\"list\":[{\"secret_key\":\"s\"},"
	    "\"" JWT "\"],\"n\":1,\"token\":123,\"credentials\":{\"x\":\"y\"},"
	    "\"auth\":null,\"is_token_valid\":true,"
	    "\"url\":\"https://u:p@h/x?X-Amz-Signature=abc&n=1\","
	    "\"conf\":\"{\\\"password\\\": \\\"pw\\\"}\","
	    "\"key\":\"return_value\"}}";
	cJSON *root, *a;
	char *txt;

	root = cJSON_Parse(doc);
	ck_assert_ptr_nonnull(root);
	ck_assert_uint_eq(redact_json_tree(root), 7);
	a = cJSON_GetObjectItemCaseSensitive(root, "a");
	ck_assert_str_eq(
	    cJSON_GetObjectItem(a, "password")->valuestring, "***");
	ck_assert_str_eq(
	    cJSON_GetObjectItem(
		cJSON_GetArrayItem(cJSON_GetObjectItem(a, "list"), 0),
		"secret_key")
		->valuestring,
	    "***");
	ck_assert_str_eq(
	    cJSON_GetArrayItem(cJSON_GetObjectItem(a, "list"), 1)->valuestring,
	    "***");
	ck_assert_int_eq(cJSON_GetObjectItem(a, "n")->valueint, 1);
	ck_assert_str_eq(cJSON_GetObjectItem(a, "token")->valuestring, "***");
	ck_assert_str_eq(
	    cJSON_GetObjectItem(a, "credentials")->valuestring, "***");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(a, "auth")));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(a, "is_token_valid")));
	ck_assert_str_eq(cJSON_GetObjectItem(a, "url")->valuestring,
	    "https://u:***@h/x?X-Amz-Signature=***&n=1");
	ck_assert_str_eq(cJSON_GetObjectItem(a, "conf")->valuestring,
	    "{\"password\": \"***\"}");
	ck_assert_str_eq(
	    cJSON_GetObjectItem(a, "key")->valuestring, "return_value");
	/* The order of members is kept. */
	txt = cJSON_PrintUnformatted(root);
	ck_assert_ptr_nonnull(
	    strstr(txt, "{\"a\":{\"password\":\"***\",\"list\""));
	ck_assert_ptr_null(strstr(txt, "hunter2"));
	cJSON_free(txt);
	/* A second pass finds only masks. */
	redact_json_tree(root);
	txt = cJSON_PrintUnformatted(root);
	ck_assert_ptr_null(strstr(txt, "hunter2"));
	cJSON_free(txt);
	cJSON_Delete(root);

	/* A bare string, and nothing at all. */
	root = cJSON_CreateString("Bearer abcdef");
	ck_assert_uint_eq(redact_json_tree(root), 1);
	ck_assert_str_eq(root->valuestring, "Bearer ***");
	cJSON_Delete(root);
	ck_assert_uint_eq(redact_json_tree(NULL), 0);
}
END_TEST

/* JSON output: unsafe characters become escapes, the value stays exact. */
START_TEST(test_sanitize_json)
{
	cJSON *doc, *back;
	char *txt;
	struct buf b;
	size_t n;
	/* ESC, C1 CSI, RLO, LRI, ZWSP, U+2028, BOM, a tag character, DEL. */
	static const char evil[] = "a\x1b[31m \xc2\x9b"
				   "2J \xe2\x80\xae"
				   "x \xe2\x81\xa6 \xe2\x80\x8b \xe2\x80\xa8 \xef\xbb\xbf "
				   "\xf3\xa0\x80\x81 \x7f \xc3\xa9 \xf0\x9f\x98\x80 end";

	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "v\xe2\x80\xae", evil);
	txt = cJSON_Print(doc);
	buf_init(&b);
	n = sanitize_json_append(&b, txt, strlen(txt));
	ck_assert_uint_eq(n, 9);
	ck_assert_ptr_nonnull(strstr(b.data, "\"v\\u202e\""));
	ck_assert_ptr_nonnull(strstr(b.data,
	    "a\\u001b[31m \\u009b2J \\u202ex \\u2066 \\u200b \\u2028 \\ufeff "
	    "\\udb40\\udc01 \\u007f \xc3\xa9 \xf0\x9f\x98\x80 end"));
	/* A JSON reader gets exactly the original key and value back. */
	back = cJSON_Parse(b.data);
	ck_assert_ptr_nonnull(back);
	ck_assert_str_eq(
	    cJSON_GetObjectItemCaseSensitive(back, "v\xe2\x80\xae")->valuestring,
	    evil);
	cJSON_Delete(back);
	/* Escaped text passes unchanged; JSON layout whitespace stays. */
	buf_reset(&b);
	ck_assert_uint_eq(sanitize_json_append(&b, "{\n\t\"a\": 1\r\n}", 12), 0);
	ck_assert_str_eq(b.data, "{\n\t\"a\": 1\r\n}");
	/* Invalid UTF-8 (JSON cannot carry it) becomes \ufffd, one each. */
	buf_reset(&b);
	ck_assert_uint_eq(
	    sanitize_json_append(&b, "\"\xff\xc0\xaf\xed\xa0\x80\xe2\x82\"", 10),
	    7);
	ck_assert_str_eq(b.data,
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"");
	buf_reset(&b);
	ck_assert_uint_eq(sanitize_json_append(&b, "", 0), 0);
	ck_assert_str_eq(b.data, "");
	buf_free(&b);
	cJSON_free(txt);
	cJSON_Delete(doc);
}
END_TEST

Suite *sanitize_suite(void);

Suite *
sanitize_suite(void)
{
	Suite *s = suite_create("sanitize");
	TCase *tc;

	tc = tcase_create("sanitize");
	tcase_add_test(tc, test_sgr_and_csi);
	tcase_add_test(tc, test_osc);
	tcase_add_test(tc, test_dcs_apc_pm_sos);
	tcase_add_test(tc, test_two_byte_escapes);
	tcase_add_test(tc, test_c1);
	tcase_add_test(tc, test_invisible);
	tcase_add_test(tc, test_invalid_utf8);
	tcase_add_test(tc, test_controls_and_cr);
	tcase_add_test(tc, test_sanitize_dup);
	tcase_add_test(tc, test_sanitize_json);
	suite_add_tcase(s, tc);

	tc = tcase_create("redact");
	tcase_add_test(tc, test_redact_jwt);
	tcase_add_test(tc, test_redact_authorization);
	tcase_add_test(tc, test_redact_presigned);
	tcase_add_test(tc, test_redact_pairs);
	tcase_add_test(tc, test_redact_pem);
	tcase_add_test(tc, test_redact_userinfo);
	tcase_add_test(tc, test_redact_leaves_text);
	tcase_add_test(tc, test_redact_key_names);
	tcase_add_test(tc, test_redact_json_tree);
	suite_add_tcase(s, tc);
	return s;
}
