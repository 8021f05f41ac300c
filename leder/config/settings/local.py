"""Settings for a developer's machine and the demo: `make demo`."""

from .base import *  # noqa: F403

DEBUG = True

# Serve static files straight from the apps while developing (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
LEDER_DEMO_MODE = True
