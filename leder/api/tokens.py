"""How API tokens look and how they are stored.

A token is `ldr_` and 43 URL-safe characters (256 random bits). Only its SHA-256 is stored, with
its first 12 characters as `prefix` to find the row without scanning every hash; the comparison
of hashes is constant-time, so response times say nothing about how much of a guess was right.
"""

import hashlib
import hmac
import secrets

TOKEN_PREFIX = "ldr_"
PREFIX_LENGTH = 12


def token_new() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_prefix(token: str) -> str:
    return token[:PREFIX_LENGTH]


def hashes_match(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored_hash)
