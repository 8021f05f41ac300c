"""Numbers and dates the general patterns miss: National Insurance numbers, record numbers after
the words that introduce them and codes no clinical text writes; named days ("Christmas Day
2024", "Boxing Day"), festivals with their year and a weekday heading a date ("Saturday 21st
August")."""

from __future__ import annotations

import re

from leder.exports.detection.cues import FESTIVALS_WITH_YEAR, NAMED_DAYS, RECORD_CUES, WEEKDAYS
from leder.exports.detection.rules import Rule

_NI_RE = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{2}[ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?[A-D](?![A-Za-z0-9])", re.IGNORECASE
)
_RECORD_CUE_RE = re.compile(
    rf"(?<![A-Za-z])(?i:{RECORD_CUES})[ ]*(?P<number>[A-Z]{{0,4}}\d?[ \-/]?[A-Z0-9][A-Z0-9\-/]*\d"
    r"[A-Z0-9\-/]*)",
)
# A code of letters and digits no clinical text writes: "RWE-1234567", "K1234567",
# "RX1-123456", and runs of six or more digits standing alone.
_CODE_RE = re.compile(
    r"(?<![\w/.\-])(?:[A-Z]{1,4}\d?[\-/]?\d{5,}|\d{6,}|[A-Z]{2,3}/\d{2,4}/\d{2,6})(?![\w/\-])"
)
_NAMED_DAY_RE = re.compile(
    rf"(?<![A-Za-z])(?:{NAMED_DAYS})(?![A-Za-z])(?:,?[ ]+(?:19|20)\d\d(?!\d))?"
)
_FESTIVAL_YEAR_RE = re.compile(
    rf"(?<![A-Za-z])(?:{FESTIVALS_WITH_YEAR})(?:[ ]+(?:Day|Eve))?,?[ ]+(?:19|20)\d\d(?!\d)"
)
_WEEKDAY_DATE_RE = re.compile(
    rf"(?<![A-Za-z])(?:{WEEKDAYS})\.?,?[ ]+(?:the[ ]+)?(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)"
    rf"?(?![\dA-Za-z])(?!/\d|[.:]\d)(?![ ]*(?:mg|ml|days?|weeks?|hours?|times|am|pm)\b)"
)
_WEEKDAY_RE = re.compile(rf"(?<![A-Za-z])(?:{WEEKDAYS}),?[ ]+$")


def _record_number(text: str, match: re.Match) -> tuple[int, int] | None:
    """The number after a record cue, when it holds four digits or more."""
    number = match.group("number")
    return match.span("number") if sum(c.isdigit() for c in number) >= 4 else None


NUMBER_RULES = (
    Rule(_NI_RE, "ni_number"),
    Rule(_RECORD_CUE_RE, "record_number", _record_number),
    Rule(_CODE_RE, "record_number"),
)
DATE_RULES = (
    Rule(_NAMED_DAY_RE, "date"),
    Rule(_FESTIVAL_YEAR_RE, "date"),
    Rule(_WEEKDAY_DATE_RE, "date"),
)


def weekday_before(text: str, start: int) -> int:
    """Where a weekday heading a date that starts at `start` begins ("Saturday 21 August"),
    or `start` when there is none."""
    match = _WEEKDAY_RE.search(text, max(0, start - 12), start)
    return match.start() if match else start
