"""Time helpers. The service runs in Europe/London and every datetime is aware."""

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()


def today() -> date:
    """Today's date in Europe/London (not UTC: a death notified at 00:30 BST is today's)."""
    return timezone.localdate()


def age_on(*, born: date, on: date) -> int:
    """Whole years between `born` and `on` (a birthday on 29 February counts on 28 February)."""
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years
