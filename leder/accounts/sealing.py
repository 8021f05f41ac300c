"""Second-factor secrets are never stored usable (ADR 0121).

- An authenticator app's TOTP key is sealed with AES-256-GCM under a key derived from
  `OTP_ENCRYPTION_KEY`, which lives in the environment (or a key file), never in the database.
  django-otp keeps the key in `TOTPDevice.key` (80 characters); a sealed key is
  `sealed1:` + base64url(nonce + ciphertext + tag), 71 characters for a 20-byte key.
- A recovery code is kept only as a keyed digest (HMAC-SHA256 under a key derived from the same
  setting, 16 hex characters, the width of django-otp's `StaticToken.token`): the code typed at
  sign-in is digested and compared, so a copy of the database holds nothing to type.

`install()` (called from the accounts app's `ready`) seals every TOTP key as it is saved and
gives django-otp's `TOTPDevice.bin_key` the unsealed key, so every path through django-otp (the
QR code, verification, the demo's codes) works on the sealed value. An unsealed key in the
database is refused (`bin_key` raises), never used.
"""

import base64
import hashlib
import hmac
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "sealed1:"
_NONCE_BYTES = 12


def _master() -> bytes:
    key = getattr(settings, "OTP_ENCRYPTION_KEY", "") or ""
    if len(key) < 16:
        raise ImproperlyConfigured(
            "Set OTP_ENCRYPTION_KEY (or OTP_ENCRYPTION_KEY_FILE) to a random secret of at least "
            "16 characters: authenticator secrets cannot be stored without it."
        )
    return key.encode()


def _derived(label: bytes) -> bytes:
    return hmac.new(_master(), label, hashlib.sha256).digest()


def is_sealed(value: str) -> bool:
    return (value or "").startswith(PREFIX)


def seal(secret: bytes) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_derived(b"leder-otp-totp-key")).encrypt(nonce, secret, b"totp")
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def unseal(value: str) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not is_sealed(value):
        raise ValueError("This authenticator key is not sealed; it will not be used.")
    raw = value[len(PREFIX) :]
    data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    nonce, sealed = data[:_NONCE_BYTES], data[_NONCE_BYTES:]
    return AESGCM(_derived(b"leder-otp-totp-key")).decrypt(nonce, sealed, b"totp")


def recovery_code_digest(code: str) -> str:
    """What is stored for a (normalised) recovery code, and compared with what is typed."""
    return hmac.new(_derived(b"leder-otp-recovery-code"), code.encode(), "sha256").hexdigest()[:16]


def _seal_before_save(sender, instance, **kwargs) -> None:
    if instance.key and not is_sealed(instance.key):
        instance.key = seal(bytes.fromhex(instance.key))


def _bin_key(device) -> bytes:
    return unseal(device.key)


def install() -> None:
    from django.db.models.signals import pre_save
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.bin_key = property(_bin_key)
    pre_save.connect(_seal_before_save, sender=TOTPDevice, dispatch_uid="leder-seal-totp-key")
