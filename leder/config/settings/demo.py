"""Settings for the demo and a developer's machine: `make demo`, `make serve`, `make worker`.

Asked for explicitly (`DJANGO_SETTINGS_MODULE=leder.config.settings.demo`); `manage.py`, WSGI and
ASGI default to production (ADR 0110). DEBUG, demo mode and published keys live only here.
"""

from .base import *  # noqa: F403

DEBUG = True
LEDER_DEMO_MODE = True

# Published keys, for a machine with nothing on it but synthetic data. Production refuses any key
# starting "insecure" (leder.config.keys).
SECRET_KEY = SECRET_KEY or "insecure-demo-secret-key-published-in-the-repository-do-not-use"  # noqa: F405
LEDER_PSEUDONYM_KEY = (
    LEDER_PSEUDONYM_KEY  # noqa: F405
    or "insecure-demo-pseudonym-key-published-in-the-repository-do-not-use"
)
# The audit chain's key (ADR 0120) and the key sealing second-factor secrets (ADR 0121).
AUDIT_HMAC_KEY = (
    AUDIT_HMAC_KEY  # noqa: F405
    or "insecure-demo-audit-key-published-in-the-repository-do-not-use"
)
OTP_ENCRYPTION_KEY = (
    OTP_ENCRYPTION_KEY  # noqa: F405
    or "insecure-demo-otp-key-published-in-the-repository-do-not-use"
)

# Serve static files straight from the apps while developing (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
