"""The keys the audit log's hashes are computed with. They live in the environment (or a key
file), never in the database, so someone who can write to the database cannot recompute a chain
that `audit_verify` accepts (ADR 0120).

- `AUDIT_HMAC_KEY` (or `AUDIT_HMAC_KEY_FILE`): the key new rows are chained with.
- `AUDIT_HMAC_OLD_KEYS`: earlier keys, comma-separated, so rows written before a key rotation
  still verify. Each row stores the id of its key (a fingerprint, not the key).
- `AUDIT_CHECKPOINT_KEY`: signs checkpoints; when unset it is derived from the current audit key.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _as_bytes(key: str) -> bytes:
    return key.encode()


def key_id(key: bytes) -> str:
    """A short public fingerprint naming a key (an HMAC of a fixed label, so it reveals nothing
    that helps compute hashes)."""
    return hmac.new(key, b"leder-audit-key-id", hashlib.sha256).hexdigest()[:16]


def current_key() -> bytes:
    key = getattr(settings, "AUDIT_HMAC_KEY", "") or ""
    if len(key) < 16:
        raise ImproperlyConfigured(
            "Set AUDIT_HMAC_KEY (or AUDIT_HMAC_KEY_FILE) to a random secret of at least 16 "
            "characters: the audit log cannot be written without it."
        )
    return _as_bytes(key)


def current_key_id() -> str:
    return key_id(current_key())


def _all_keys() -> dict[str, bytes]:
    keys = [current_key()]
    keys += [_as_bytes(k) for k in getattr(settings, "AUDIT_HMAC_OLD_KEYS", []) if k]
    return {key_id(k): k for k in keys}


def known_key(identifier: str) -> bytes | None:
    return _all_keys().get(identifier)


def key_for(identifier: str) -> bytes:
    key = known_key(identifier)
    if key is None:
        raise ImproperlyConfigured(f"No audit key with id {identifier!r} is configured.")
    return key


def checkpoint_key() -> bytes:
    explicit = getattr(settings, "AUDIT_CHECKPOINT_KEY", "") or ""
    if explicit:
        return _as_bytes(explicit)
    return hmac.new(current_key(), b"leder-audit-checkpoint", hashlib.sha256).digest()


def checkpoint_keys() -> list[bytes]:
    """Keys a checkpoint may have been signed with: the current one, then ones derived from old
    audit keys (checkpoints written before a rotation stay verifiable)."""
    keys = [checkpoint_key()]
    if not getattr(settings, "AUDIT_CHECKPOINT_KEY", ""):
        keys += [
            hmac.new(_as_bytes(k), b"leder-audit-checkpoint", hashlib.sha256).digest()
            for k in getattr(settings, "AUDIT_HMAC_OLD_KEYS", [])
            if k
        ]
    keys += [_as_bytes(k) for k in getattr(settings, "AUDIT_CHECKPOINT_OLD_KEYS", []) if k]
    return keys
