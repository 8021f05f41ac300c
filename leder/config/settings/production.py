"""Settings for a deployed service. Everything still comes from the environment; this file only
turns on what must never be off in production."""

from leder.config.env import env, env_bool

from .base import *  # noqa: F403

DEBUG = False
if SECRET_KEY.startswith("insecure"):  # noqa: F405
    raise RuntimeError("Set DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) in production.")
if len(AUDIT_HMAC_KEY or "") < 32:  # noqa: F405
    raise RuntimeError(
        "Set AUDIT_HMAC_KEY (or AUDIT_HMAC_KEY_FILE), 32+ characters, in production."
    )
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT", "true").lower() == "true"
SECURE_HSTS_SECONDS = 31536000
# HSTS for every subdomain too (turn off only if a subdomain cannot serve HTTPS).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Uploaded records are scanned or refused, never kept unscanned.
LEDER_UPLOAD_REQUIRE_SCAN = env_bool("LEDER_UPLOAD_REQUIRE_SCAN", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
