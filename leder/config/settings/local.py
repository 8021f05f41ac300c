"""The demo settings under their former name; use `leder.config.settings.demo`."""

from .demo import *  # noqa: F403
