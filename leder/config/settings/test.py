"""Settings for the test suite: fast hashing, tasks run immediately, mail kept in memory."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tests build exports of a handful of deaths, which a k of 5 would suppress whole. The
# re-identification check's own tests (exports/tests/test_anonymity.py, test_dataset_release.py)
# set k themselves.
LEDER_K_ANONYMITY_K = 1

# A fixed, public audit key for the tests only; production refuses to start without its own.
AUDIT_HMAC_KEY = AUDIT_HMAC_KEY or "test-audit-key-not-secret-0001"  # noqa: F405
OTP_ENCRYPTION_KEY = OTP_ENCRYPTION_KEY or "test-otp-key-not-secret-0001"  # noqa: F405
