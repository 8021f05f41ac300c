"""Periodic jobs of the analytics app."""

from datetime import time

from leder.analytics import data_version
from leder.core.schedule import periodic


@periodic(
    name="data-version-compact",
    daily_at=time(3, 40),
    description="Fold the log of data changes (the figures' cache key) into one row",
)
def data_version_compact() -> dict:
    return data_version.compact()
