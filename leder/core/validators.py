"""Checks of contact details that several forms and services share: UK postcodes and telephone
numbers. Each returns the value in the form it is stored in, or raises `ValidationError` with a
message in the NHS.UK style (the caller names the field)."""

import re

from django.core.exceptions import ValidationError

# A full UK postcode: outward code (area, district) and inward code (sector, unit).
POSTCODE_PATTERN = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
# Digits, spaces, brackets and hyphens, with an optional leading +.
PHONE_PATTERN = re.compile(r"^\+?[0-9()\- ]+$")
POSTCODE_MESSAGE = "Enter a full UK postcode, like LS1 4AP"
PHONE_MESSAGE = "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"


def uk_postcode(value: str) -> str:
    """`ls14ap` → `LS1 4AP`; empty stays empty."""
    compact = re.sub(r"\s", "", value or "").upper()
    if not compact:
        return ""
    match = POSTCODE_PATTERN.match(compact)
    if not match:
        raise ValidationError(POSTCODE_MESSAGE)
    return f"{match.group(1)} {match.group(2)}"


def telephone(value: str) -> str:
    """A telephone number as typed (trimmed): UK numbers have 10 or 11 digits with the leading
    0, international ones up to 15. Empty stays empty."""
    value = " ".join((value or "").split())
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    if not PHONE_PATTERN.match(value) or not 10 <= len(digits) <= 15:
        raise ValidationError(PHONE_MESSAGE)
    return value


def mobile_number(value: str) -> bool:
    """True if `value` looks like a UK mobile number (07…, +447…, 00447…), the numbers a text
    message can reach."""
    digits = re.sub(r"\D", "", value or "")
    return bool(
        re.fullmatch(r"07\d{9}", digits)
        or re.fullmatch(r"447\d{9}", digits)
        or re.fullmatch(r"00447\d{9}", digits)
    )


def address_lines(address: str) -> list[str]:
    """The non-empty lines of a postal address typed in a text box, each trimmed."""
    return [line.strip() for line in (address or "").splitlines() if line.strip()]
