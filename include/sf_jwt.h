/*
 * Snowflake key-pair authentication: an RS256 JWT signed with the user's
 * RSA private key (PKCS#8 PEM, encrypted with a passphrase or not), as the
 * SQL API documents it (docs.snowflake.com/en/developer-guide/sql-api/
 * authenticating):
 *   iss = ACCOUNT.USER.SHA256:<standard base64 of SHA-256 of the DER
 *         SubjectPublicKeyInfo>
 *   sub = ACCOUNT.USER
 *   iat, exp: seconds; exp - iat under one hour.
 * The key, its passphrase and the token are secrets: nothing here writes
 * them anywhere, and freed copies are wiped.
 */

#ifndef SNOWDECK_SF_JWT_H
#define SNOWDECK_SF_JWT_H

#include <stddef.h>

struct buf;
struct sf_key;

/* The lifetime of a token and how long before its end it is renewed. */
#define SF_JWT_LIFETIME 3540 /* seconds: 59 minutes */
#define SF_JWT_RENEW    300  /* renew when fewer seconds than this remain */

/*
 * Pure: the account part of the claims from an account identifier as a
 * user gives it. Upper case; a trailing ".snowflakecomputing.com" (or .cn)
 * and a scheme are dropped; a locator loses its region, cloud, compliance
 * and privatelink parts ("xy12345.us-east-1" -> "XY12345"); a replication
 * identifier containing ".global" is cut at its first '-'; the
 * "org.account" form becomes "ORG-ACCOUNT" (periods are invalid in the
 * JWT); "org-account" keeps its dash. Returns a heap string owned by the
 * caller, or NULL when nothing is left.
 */
char *sf_jwt_account(const char *account);

/* Appends the base64url encoding without padding of n bytes at p. */
void sf_base64url(struct buf *out, const void *p, size_t n);

/* Appends the standard base64 encoding with padding of n bytes at p. */
void sf_base64(struct buf *out, const void *p, size_t n);

/*
 * Loads an RSA private key from len bytes of PEM text (PKCS#8, encrypted
 * PKCS#8 or traditional RSA). passphrase may be NULL (then an encrypted key
 * fails with a message asking for one). Returns 0, or -1 with *cause owned
 * by the caller; the cause never contains key material.
 */
int sf_key_load(struct sf_key **out, const char *pem, size_t len,
    const char *passphrase, char **cause);

/* Reads path (at most 64 KiB) and loads it as above. */
int sf_key_load_file(struct sf_key **out, const char *path,
    const char *passphrase, char **cause);

void sf_key_free(struct sf_key *);

/* The public key fingerprint "SHA256:<base64>". Borrowed from the key. */
const char *sf_key_fingerprint(const struct sf_key *);

/*
 * Builds a signed JWT for account (normalised by sf_jwt_account) and user
 * (upper-cased), issued at iat (seconds) for lifetime seconds (clamped to
 * SF_JWT_LIFETIME). Returns 0 with *jwt owned by the caller, or -1 with
 * *cause.
 */
int sf_jwt_make(const struct sf_key *, const char *account, const char *user,
    long iat, long lifetime, char **jwt, char **cause);

/*
 * A token that renews itself: sf_jwt_token() returns the current JWT,
 * making a new one when none exists or fewer than SF_JWT_RENEW seconds of
 * its life remain at now. Borrowed until the next call or
 * sf_jwt_cache_free(). The cache takes ownership of key.
 */
struct sf_jwt_cache;
struct sf_jwt_cache *sf_jwt_cache_create(
    struct sf_key *key, const char *account, const char *user);
const char *sf_jwt_token(struct sf_jwt_cache *, long now, char **cause);
/* Drops the current token so the next call makes a new one (after 401). */
void sf_jwt_cache_invalidate(struct sf_jwt_cache *);
void sf_jwt_cache_free(struct sf_jwt_cache *);

#endif
