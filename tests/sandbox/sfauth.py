"""Authentication as Snowflake does it, for the snowdeck Snowflake sandbox.

TEST AND DEMO INFRASTRUCTURE, NOT SNOWFLAKE. Verifies key-pair JWTs (RS256,
issuer ACCOUNT.USER.SHA256:<fingerprint>, subject ACCOUNT.USER, lifetime at
most one hour) against the public keys registered with
ALTER USER ... SET RSA_PUBLIC_KEY / RSA_PUBLIC_KEY_2, programmatic access
tokens and OAuth tokens. Rejections carry Snowflake's codes: 390144
"JWT token is invalid." (the reason is kept server side, as Snowflake keeps
it in LOGIN_HISTORY), 390303 "Invalid OAuth access token.", 390318 for an
expired OAuth token, 390101 when the Authorization header is missing.
"""
from __future__ import annotations

import base64
import hashlib
import threading
import time
import uuid
from dataclasses import dataclass, field

import jwt
from cryptography.hazmat.primitives import serialization


def fingerprint_of_der(der: bytes) -> str:
    """SHA256: + standard base64 (padded) of SHA-256 over the DER SubjectPublicKeyInfo."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(der).digest()).decode()


def der_from_public_key_text(text: str) -> bytes:
    """The body of ALTER USER ... SET RSA_PUBLIC_KEY='MIIB...' (PEM delimiters optional)."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip() and not ln.startswith("-----")]
    der = base64.b64decode("".join(lines))
    serialization.load_der_public_key(der)  # raises ValueError when it is not a public key
    return der


@dataclass
class AuthError(Exception):
    status: int
    code: str
    message: str
    reason: str  # kept server side (request log), never sent


@dataclass
class Principal:
    user: str
    method: str  # KEYPAIR_JWT | PROGRAMMATIC_ACCESS_TOKEN | OAUTH
    detail: str = ""


@dataclass
class Registry:
    account: str
    users: dict[str, dict[str, bytes]] = field(default_factory=dict)  # USER -> {slot: der}
    pats: dict[str, str] = field(default_factory=dict)  # token -> USER
    oauth: dict[str, tuple[str, float]] = field(default_factory=dict)  # token -> (USER, expires)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def set_public_key(self, user: str, slot: str, key_text: str | None) -> None:
        with self.lock:
            keys = self.users.setdefault(user.upper(), {})
            if key_text is None:
                keys.pop(slot, None)
            else:
                keys[slot] = der_from_public_key_text(key_text)

    def describe_user(self, user: str) -> dict[str, str]:
        with self.lock:
            keys = self.users.get(user.upper(), {})
            return {slot + "_FP": fingerprint_of_der(der) for slot, der in keys.items()}

    def _jwt_error(self, reason: str) -> AuthError:
        return AuthError(401, "390144", f"JWT token is invalid. [{uuid.uuid4()}]", reason)

    def authenticate(self, auth_header: str | None, token_type: str | None) -> Principal:
        if not auth_header:
            raise AuthError(401, "390101", "Authorization header not found in the request data.", "NO_AUTH_HEADER")
        scheme, _, token = auth_header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise AuthError(401, "390101", "Authorization header not found in the request data.", "NOT_BEARER")
        kind = (token_type or "").strip().upper()
        if not kind:
            # Snowflake determines the token type by examining the token
            if token in self.pats:
                kind = "PROGRAMMATIC_ACCESS_TOKEN"
            elif token.count(".") == 2 and token not in self.oauth:
                kind = "KEYPAIR_JWT"
            else:
                kind = "OAUTH"
        if kind == "KEYPAIR_JWT":
            return self._keypair(token)
        if kind == "PROGRAMMATIC_ACCESS_TOKEN":
            with self.lock:
                user = self.pats.get(token)
            if user is None:
                raise AuthError(401, "390303", f"Invalid programmatic access token. [{uuid.uuid4()}]", "PAT_INVALID")
            return Principal(user, kind)
        if kind == "OAUTH":
            with self.lock:
                entry = self.oauth.get(token)
            if entry is None:
                raise AuthError(401, "390303", f"Invalid OAuth access token. [{uuid.uuid4()}]", "OAUTH_INVALID")
            if entry[1] < time.time():
                raise AuthError(401, "390318", f"OAuth access token expired. [{uuid.uuid4()}]", "OAUTH_EXPIRED")
            return Principal(entry[0], kind)
        raise AuthError(401, "390101", f"Unsupported token type {kind[:40]!r}.", "BAD_TOKEN_TYPE")

    def _keypair(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise self._jwt_error("JWT_TOKEN_MALFORMED") from None
        if header.get("alg") != "RS256":
            raise self._jwt_error("JWT_TOKEN_INVALID_ALGORITHM")
        iss, sub = claims.get("iss"), claims.get("sub")
        if not isinstance(iss, str) or not isinstance(sub, str):
            raise self._jwt_error("JWT_TOKEN_MISSING_CLAIMS")
        parts = iss.split(".")
        if len(parts) < 3 or not parts[-1].startswith("SHA256:"):
            raise self._jwt_error("JWT_TOKEN_INVALID_ISSUER")
        account, user = parts[0], parts[1]
        fp = ".".join(parts[2:])
        if account != self.account:
            raise self._jwt_error("JWT_TOKEN_INVALID_ACCOUNT_IN_ISSUER")
        if sub != f"{account}.{user}":
            raise self._jwt_error("JWT_TOKEN_INVALID_SUBJECT")
        with self.lock:
            keys = dict(self.users.get(user, {}))
        if not keys:
            raise self._jwt_error("JWT_TOKEN_INVALID_USER_IN_ISSUER")
        der = next((d for d in keys.values() if fingerprint_of_der(d) == fp), None)
        if der is None:
            raise self._jwt_error("JWT_TOKEN_INVALID_PUBLIC_KEY_FINGERPRINT_MISMATCH")
        try:
            jwt.decode(token, serialization.load_der_public_key(der), algorithms=["RS256"],
                       options={"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_aud": False})
        except jwt.PyJWTError:
            raise self._jwt_error("JWT_TOKEN_INVALID_SIGNATURE") from None
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, (int, float)) or not isinstance(exp, (int, float)):
            raise self._jwt_error("JWT_TOKEN_INVALID_ISSUE_TIME")
        # iat and exp may be seconds or milliseconds
        if iat > 1e11:
            iat /= 1000.0
        if exp > 1e11:
            exp /= 1000.0
        now = time.time()
        if iat > now + 60:
            raise self._jwt_error("JWT_TOKEN_INVALID_ISSUE_TIME")
        if exp - iat > 3600:
            raise self._jwt_error("JWT_TOKEN_LIFETIME_OVER_ONE_HOUR")
        if exp <= now:
            raise self._jwt_error("JWT_TOKEN_EXPIRED")
        return Principal(user, "KEYPAIR_JWT", fp)
