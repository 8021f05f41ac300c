"""Settings for a deployed service, and the default of `manage.py`, WSGI and ASGI (ADR 0110).
Everything still comes from the environment; this file only turns on what must never be off in
production, and refuses to load without proper keys."""

from django.core.exceptions import ImproperlyConfigured

from leder.config.env import env_bool
from leder.config.keys import production_key_problems, refusal_message

from .base import *  # noqa: F403

DEBUG = False
LEDER_DEMO_MODE = False

_problems = production_key_problems(SECRET_KEY, LEDER_PSEUDONYM_KEY)  # noqa: F405
if _problems:
    raise ImproperlyConfigured(refusal_message(_problems))

# Plain HTTP only where TLS cannot reach, never for real data: the CI smoke test on 127.0.0.1
# sets LEDER_ALLOW_HTTP=1. Behind a proxy that terminates TLS, leave it off: the proxy sets
# X-Forwarded-Proto, which SECURE_PROXY_SSL_HEADER reads.
LEDER_ALLOW_HTTP = env_bool("LEDER_ALLOW_HTTP", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True) and not LEDER_ALLOW_HTTP
SECURE_HSTS_SECONDS = 0 if LEDER_ALLOW_HTTP else 31536000
SESSION_COOKIE_SECURE = not LEDER_ALLOW_HTTP
CSRF_COOKIE_SECURE = not LEDER_ALLOW_HTTP
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
