"""Settings for a developer's machine and the demo: `make demo`."""

from .base import *  # noqa: F403

DEBUG = True

# Serve static files straight from the apps while developing (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
LEDER_DEMO_MODE = True

# A fixed, public audit key for the demo and development only; production refuses to start
# without its own.
AUDIT_HMAC_KEY = AUDIT_HMAC_KEY or "demo-audit-key-not-secret-0001"  # noqa: F405
OTP_ENCRYPTION_KEY = OTP_ENCRYPTION_KEY or "demo-otp-key-not-secret-0001"  # noqa: F405
