"""Settings for the test suite: fast hashing, tasks run immediately, mail kept in memory."""

from .base import *  # noqa: F403

# Published keys: tests hold synthetic data only. Production refuses keys like these.
SECRET_KEY = "insecure-test-secret-key-published-in-the-repository-do-not-use"
LEDER_PSEUDONYM_KEY = "insecure-test-pseudonym-key-published-in-the-repository-do-not-use"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tests build exports of a handful of deaths, which a k of 5 would suppress whole. The
# re-identification check's own tests (exports/tests/test_anonymity.py, test_dataset_release.py)
# set k themselves.
LEDER_K_ANONYMITY_K = 1

# Each test process keeps its own cache in memory (fast, and cleared around every test by the
# root conftest); the shared database cache and Redis are tested in leder/core/tests/test_limits.py.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Fixed, public keys for the tests only; production refuses them (leder.config.keys).
AUDIT_HMAC_KEY = AUDIT_HMAC_KEY or "insecure-test-audit-key-published-in-the-repository"  # noqa: F405
OTP_ENCRYPTION_KEY = (
    OTP_ENCRYPTION_KEY  # noqa: F405
    or "insecure-test-otp-key-published-in-the-repository"
)
