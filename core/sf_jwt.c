/*
 * Snowflake key-pair JWTs with OpenSSL EVP: key loading, the public key
 * fingerprint, the claims, RS256 signing and a self-renewing token cache.
 */

#include "sf_jwt.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "util.h"

#define SF_KEY_MAX_FILE (64 * 1024)

struct sf_key {
	EVP_PKEY *pkey;
	char *fingerprint; /* "SHA256:..." */
};

struct sf_jwt_cache {
	struct sf_key *key;
	char *account;
	char *user;
	char *token;
	long exp;
};

static const char sf_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
sf_base64_any(struct buf *out, const void *p, size_t n, int url)
{
	const unsigned char *s = p;
	unsigned long v;
	size_t i;
	char q[4];

	for (i = 0; i + 2 < n; i += 3) {
		v = ((unsigned long)s[i] << 16) |
		    ((unsigned long)s[i + 1] << 8) | s[i + 2];
		q[0] = sf_b64[(v >> 18) & 63];
		q[1] = sf_b64[(v >> 12) & 63];
		q[2] = sf_b64[(v >> 6) & 63];
		q[3] = sf_b64[v & 63];
		if (url) {
			int k;

			for (k = 0; k < 4; k++)
				q[k] = q[k] == '+'   ? '-'
				       : q[k] == '/' ? '_'
						     : q[k];
		}
		buf_add(out, q, 4);
	}
	if (i < n) {
		v = (unsigned long)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)s[i + 1] << 8;
		q[0] = sf_b64[(v >> 18) & 63];
		q[1] = sf_b64[(v >> 12) & 63];
		q[2] = i + 1 < n ? sf_b64[(v >> 6) & 63] : '=';
		q[3] = '=';
		if (url) {
			int k;

			for (k = 0; k < 4; k++)
				q[k] = q[k] == '+'   ? '-'
				       : q[k] == '/' ? '_'
						     : q[k];
			buf_add(out, q, i + 1 < n ? 3 : 2);
		} else
			buf_add(out, q, 4);
	}
	if (out->data == NULL)
		buf_adds(out, "");
}

void
sf_base64url(struct buf *out, const void *p, size_t n)
{
	sf_base64_any(out, p, n, 1);
}

void
sf_base64(struct buf *out, const void *p, size_t n)
{
	sf_base64_any(out, p, n, 0);
}

/* Whether a dot-separated segment names a region, cloud or similar. */
static int
sf_jwt_is_region(const char *seg, size_t n)
{
	static const char *const words[] = { "aws", "gcp", "azure",
		"privatelink", "global", NULL };
	size_t i;

	for (i = 0; words[i] != NULL; i++) {
		if (strlen(words[i]) == n && strncasecmp(seg, words[i], n) == 0)
			return 1;
	}
	/* Region ids carry a dash ("us-east-1", "us-central1"); account
	 * names never do. */
	return memchr(seg, '-', n) != NULL;
}

/* Whether s contains ".global", case-insensitively. */
static int
sf_has_global(const char *s)
{
	for (; *s != '\0'; s++) {
		if (strncasecmp(s, ".global", 7) == 0)
			return 1;
	}
	return 0;
}

/* Whether the n bytes at p contain the string needle. */
static int
sf_has_bytes(const char *p, size_t n, const char *needle)
{
	size_t i, l = strlen(needle);

	for (i = 0; i + l <= n; i++) {
		if (memcmp(p + i, needle, l) == 0)
			return 1;
	}
	return 0;
}

char *
sf_jwt_account(const char *account)
{
	char *a, *p, *dot, *end;
	size_t n, i;
	int nseg;

	if (account == NULL)
		return NULL;
	while (isspace((unsigned char)*account))
		account++;
	if (strncasecmp(account, "https://", 8) == 0)
		account += 8;
	else if (strncasecmp(account, "http://", 7) == 0)
		account += 7;
	a = xstrdup(account);
	n = strlen(a);
	while (n > 0 && (isspace((unsigned char)a[n - 1]) || a[n - 1] == '/'))
		a[--n] = '\0';
	for (i = 0; i < n; i++) {
		if (a[i] == ':' || a[i] == '/') {
			a[i] = '\0';
			n = i;
			break;
		}
	}
	for (i = 0; i < 2; i++) {
		const char *suffix = i == 0 ? ".snowflakecomputing.com"
					    : ".snowflakecomputing.cn";
		size_t sl = strlen(suffix);

		if (n > sl && strcasecmp(a + n - sl, suffix) == 0) {
			n -= sl;
			a[n] = '\0';
		}
	}
	if (sf_has_global(a)) {
		/* Replication/global identifiers: cut at the first dash. */
		if ((p = strchr(a, '-')) != NULL && p != a)
			*p = '\0';
		else if ((p = strchr(a, '.')) != NULL)
			*p = '\0';
	} else if ((dot = strchr(a, '.')) != NULL) {
		nseg = 1;
		for (p = a; *p != '\0'; p++)
			nseg += *p == '.';
		end = strchr(dot + 1, '.');
		if (end == NULL)
			end = dot + strlen(dot);
		if (nseg == 2 &&
		    !sf_jwt_is_region(dot + 1, (size_t)(end - dot - 1)))
			*dot = '-'; /* org.account -> ORG-ACCOUNT */
		else
			*dot = '\0'; /* a locator: drop region and cloud */
	}
	for (p = a; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	if (*a == '\0') {
		free(a);
		return NULL;
	}
	return a;
}

/* The first OpenSSL error as text (never key material). */
static char *
sf_ssl_cause(const char *what)
{
	unsigned long e = ERR_get_error();
	char msg[256];

	ERR_clear_error();
	if (e == 0)
		return xstrdup(what);
	ERR_error_string_n(e, msg, sizeof msg);
	return xasprintf("%s (%s)", what, msg);
}

/* Supplies the passphrase, or fails so OpenSSL never prompts. */
static int
sf_key_pass_cb(char *out, int size, int rwflag, void *u)
{
	const char *pass = u;
	size_t n;

	(void)rwflag;
	if (pass == NULL || size <= 0)
		return -1;
	n = strlen(pass);
	if (n > (size_t)size)
		n = (size_t)size;
	memcpy(out, pass, n);
	return (int)n;
}

int
sf_key_load(struct sf_key **out, const char *pem, size_t len,
    const char *passphrase, char **cause)
{
	BIO *bio = NULL;
	EVP_PKEY *pkey = NULL;
	unsigned char *der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int derlen, encrypted;
	struct sf_key *k;
	struct buf b;

	*out = NULL;
	if (pem == NULL || len == 0 || len > SF_KEY_MAX_FILE) {
		*cause = xstrdup("the private key is empty or too large");
		return -1;
	}
	encrypted = sf_has_bytes(pem, len, "ENCRYPTED");
	ERR_clear_error();
	bio = BIO_new_mem_buf(pem, (int)len);
	if (bio == NULL)
		fatalx("out of memory");
	pkey = PEM_read_bio_PrivateKey(
	    bio, NULL, sf_key_pass_cb, (void *)(uintptr_t)passphrase);
	BIO_free(bio);
	if (pkey == NULL) {
		ERR_clear_error();
		if (encrypted && (passphrase == NULL || *passphrase == '\0'))
			*cause = xstrdup(
			    "the private key is encrypted: set its passphrase "
			    "(private_key_file_pwd / PRIVATE_KEY_PASSPHRASE)");
		else if (encrypted)
			*cause = xstrdup("cannot decrypt the private key: "
					 "check its passphrase");
		else
			*cause =
			    xstrdup("cannot read the private key: expected "
				    "a PKCS#8 PEM file (BEGIN PRIVATE KEY)");
		return -1;
	}
	if (EVP_PKEY_base_id(pkey) != EVP_PKEY_RSA) {
		EVP_PKEY_free(pkey);
		*cause = xstrdup("the private key is not an RSA key: Snowflake "
				 "key-pair authentication needs RSA (2048 bits "
				 "or more)");
		return -1;
	}
	derlen = i2d_PUBKEY(pkey, &der);
	if (derlen <= 0 || EVP_Digest(der, (size_t)derlen, md, &mdlen,
			       EVP_sha256(), NULL) != 1) {
		OPENSSL_free(der);
		EVP_PKEY_free(pkey);
		*cause =
		    sf_ssl_cause("cannot compute the public key fingerprint");
		return -1;
	}
	OPENSSL_free(der);
	k = xcalloc(1, sizeof *k);
	k->pkey = pkey;
	buf_init(&b);
	buf_adds(&b, "SHA256:");
	sf_base64(&b, md, mdlen);
	k->fingerprint = buf_detach(&b);
	*out = k;
	return 0;
}

int
sf_key_load_file(
    struct sf_key **out, const char *path, const char *passphrase, char **cause)
{
	char *data;
	ssize_t r;
	size_t len = 0;
	int fd, rc;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*cause = xasprintf("cannot open the private key file %s: %s",
		    path, strerror(errno));
		return -1;
	}
	data = xmalloc(SF_KEY_MAX_FILE + 1);
	for (;;) {
		r = read(fd, data + len, SF_KEY_MAX_FILE + 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len > SF_KEY_MAX_FILE)
			break;
	}
	close(fd);
	if (r < 0) {
		*cause = xasprintf("cannot read the private key file %s: %s",
		    path, strerror(errno));
		rc = -1;
	} else if (len > SF_KEY_MAX_FILE) {
		*cause =
		    xasprintf("the private key file %s is too large", path);
		rc = -1;
	} else {
		rc = sf_key_load(out, data, len, passphrase, cause);
		if (rc != 0) {
			char *c = xasprintf("%s: %s", path, *cause);

			free(*cause);
			*cause = c;
		}
	}
	OPENSSL_cleanse(data, SF_KEY_MAX_FILE + 1);
	free(data);
	return rc;
}

void
sf_key_free(struct sf_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k->fingerprint);
	free(k);
}

const char *
sf_key_fingerprint(const struct sf_key *k)
{
	return k->fingerprint;
}

int
sf_jwt_make(const struct sf_key *k, const char *account, const char *user,
    long iat, long lifetime, char **jwt, char **cause)
{
	char *acct = NULL, *usr = NULL, *sub = NULL, *iss = NULL, *payload;
	const char *header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
	unsigned char *sig = NULL;
	size_t siglen = 0;
	EVP_MD_CTX *md = NULL;
	cJSON *o;
	struct buf b;
	char *p;
	int rc = -1;

	*jwt = NULL;
	buf_init(&b);
	acct = sf_jwt_account(account);
	if (acct == NULL || user == NULL || *user == '\0') {
		*cause = xstrdup("key-pair authentication needs the account "
				 "and the user");
		goto out;
	}
	usr = xstrdup(user);
	for (p = usr; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	if (lifetime <= 0 || lifetime > SF_JWT_LIFETIME)
		lifetime = SF_JWT_LIFETIME;
	sub = xasprintf("%s.%s", acct, usr);
	iss = xasprintf("%s.%s", sub, k->fingerprint);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "iss", iss);
	cJSON_AddStringToObject(o, "sub", sub);
	cJSON_AddNumberToObject(o, "iat", (double)iat);
	cJSON_AddNumberToObject(o, "exp", (double)(iat + lifetime));
	payload = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (payload == NULL)
		fatalx("out of memory");
	sf_base64url(&b, header, strlen(header));
	buf_addc(&b, '.');
	sf_base64url(&b, payload, strlen(payload));
	cJSON_free(payload);

	ERR_clear_error();
	md = EVP_MD_CTX_new();
	if (md == NULL ||
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k->pkey) != 1 ||
	    EVP_DigestSignUpdate(md, b.data, b.len) != 1 ||
	    EVP_DigestSignFinal(md, NULL, &siglen) != 1) {
		*cause = sf_ssl_cause("cannot sign the JWT");
		goto out;
	}
	sig = xmalloc(siglen);
	if (EVP_DigestSignFinal(md, sig, &siglen) != 1) {
		*cause = sf_ssl_cause("cannot sign the JWT");
		goto out;
	}
	buf_addc(&b, '.');
	sf_base64url(&b, sig, siglen);
	*jwt = buf_detach(&b);
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	free(sig);
	free(acct);
	free(usr);
	free(sub);
	free(iss);
	buf_free(&b);
	return rc;
}

struct sf_jwt_cache *
sf_jwt_cache_create(struct sf_key *key, const char *account, const char *user)
{
	struct sf_jwt_cache *c = xcalloc(1, sizeof *c);

	c->key = key;
	c->account = xstrdup(account != NULL ? account : "");
	c->user = xstrdup(user != NULL ? user : "");
	return c;
}

static void
sf_jwt_wipe(char *s)
{
	if (s != NULL)
		OPENSSL_cleanse(s, strlen(s));
	free(s);
}

const char *
sf_jwt_token(struct sf_jwt_cache *c, long now, char **cause)
{
	char *t;

	if (c->token != NULL && c->exp - now > SF_JWT_RENEW)
		return c->token;
	if (sf_jwt_make(c->key, c->account, c->user, now, SF_JWT_LIFETIME, &t,
		cause) != 0)
		return NULL;
	sf_jwt_wipe(c->token);
	c->token = t;
	c->exp = now + SF_JWT_LIFETIME;
	return c->token;
}

void
sf_jwt_cache_invalidate(struct sf_jwt_cache *c)
{
	sf_jwt_wipe(c->token);
	c->token = NULL;
	c->exp = 0;
}

void
sf_jwt_cache_free(struct sf_jwt_cache *c)
{
	if (c == NULL)
		return;
	sf_jwt_wipe(c->token);
	sf_key_free(c->key);
	free(c->account);
	free(c->user);
	free(c);
}
