"""Presenters format dates, names, counts and statuses for display. Templates call these as
filters (see `leder.config.jinja`); models and templates never format."""

from datetime import date, datetime

from django.utils import timezone
from nhs_number import standardise_format

EMPTY = "Not given"


def date_long(value: date | datetime | None) -> str:
    """`3 March 2026`: the NHS.UK style for dates."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%B %Y}"


def date_short(value: date | None) -> str:
    """`3 Mar 2026`, for tables."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%b %Y}"


def datetime_long(value: datetime | None) -> str:
    """`3 March 2026 at 2:05pm`, in Europe/London."""
    if value is None:
        return EMPTY
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{date_long(local.date())} at {hour}:{local:%M}{suffix}"


def count(value: int | None, noun: str | None = None, plural: str | None = None) -> str:
    """`1,234` or, with a noun, `1 notification` / `2 notifications`."""
    if value is None:
        return EMPTY
    text = f"{value:,}"
    if noun is None:
        return text
    word = noun if value == 1 else (plural or f"{noun}s")
    return f"{text} {word}"


def nhs_number(value: str | None) -> str:
    """`999 123 4560`: NHS numbers are shown in groups of 3, 3 and 4."""
    if not value:
        return EMPTY
    digits = standardise_format(value)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def yes_no(value: bool | None) -> str:
    if value is None:
        return "Not known"
    return "Yes" if value else "No"


def person_name(*, given: str, family: str) -> str:
    return " ".join(part for part in (given.strip(), family.strip()) if part)
