"""Settings for a deployed service, and the default of `manage.py`, WSGI and ASGI (ADR 0110).
Everything still comes from the environment; this file only turns on what must never be off in
production, and refuses to load without proper keys."""

from django.core.exceptions import ImproperlyConfigured

from leder.config.env import env_bool
from leder.config.keys import key_problems, production_key_problems, refusal_message

from .base import *  # noqa: F403

DEBUG = False
LEDER_DEMO_MODE = False

_problems = production_key_problems(SECRET_KEY, LEDER_PSEUDONYM_KEY)  # noqa: F405
# The audit chain's key and the key sealing second-factor secrets (ADRs 0120, 0121).
_problems += key_problems("AUDIT_HMAC_KEY", AUDIT_HMAC_KEY)  # noqa: F405
_problems += key_problems("OTP_ENCRYPTION_KEY", OTP_ENCRYPTION_KEY)  # noqa: F405
if _problems:
    raise ImproperlyConfigured(refusal_message(_problems))

# Plain HTTP only where TLS cannot reach, never for real data: the CI smoke test on 127.0.0.1
# sets LEDER_ALLOW_HTTP=1. Behind a proxy that terminates TLS, leave it off: the proxy sets
# X-Forwarded-Proto, which SECURE_PROXY_SSL_HEADER reads.
LEDER_ALLOW_HTTP = env_bool("LEDER_ALLOW_HTTP", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True) and not LEDER_ALLOW_HTTP
SECURE_HSTS_SECONDS = 0 if LEDER_ALLOW_HTTP else 31536000
# HSTS for every subdomain too (turn off only if a subdomain cannot serve HTTPS).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Uploaded records are scanned or refused, never kept unscanned.
LEDER_UPLOAD_REQUIRE_SCAN = env_bool("LEDER_UPLOAD_REQUIRE_SCAN", True)
SESSION_COOKIE_SECURE = not LEDER_ALLOW_HTTP
CSRF_COOKIE_SECURE = not LEDER_ALLOW_HTTP
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
