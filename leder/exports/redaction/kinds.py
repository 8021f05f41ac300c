"""The kinds of identifier redaction removes, their placeholders, and what it returns: the
spans removed and the redacted text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    NAME = "name"
    NHS_NUMBER = "nhs_number"
    POSTCODE = "postcode"
    PHONE = "phone"
    EMAIL = "email"
    DATE = "date"
    ADDRESS = "address"
    # Found by `detection` only: identifiers the record does not hold.
    RECORD_NUMBER = "record_number"
    NI_NUMBER = "ni_number"
    PLACE = "place"


PLACEHOLDERS: Mapping[str, str] = {
    Kind.NAME: "[NAME]",
    Kind.NHS_NUMBER: "[NHS NUMBER]",
    Kind.POSTCODE: "[POSTCODE]",
    Kind.PHONE: "[PHONE]",
    Kind.EMAIL: "[EMAIL]",
    Kind.DATE: "[DATE]",
    Kind.ADDRESS: "[ADDRESS]",
    Kind.RECORD_NUMBER: "[RECORD NUMBER]",
    Kind.NI_NUMBER: "[NI NUMBER]",
    Kind.PLACE: "[PLACE]",
}

# When two matches overlap, the merged span takes the kind with the lowest number here: an e-mail
# address containing a name is an e-mail, a postcode inside an address is part of the address.
_PRIORITY = {
    Kind.EMAIL: 0,
    Kind.NHS_NUMBER: 1,
    Kind.NI_NUMBER: 2,
    Kind.PHONE: 3,
    Kind.RECORD_NUMBER: 4,
    Kind.ADDRESS: 5,
    Kind.POSTCODE: 6,
    Kind.DATE: 7,
    Kind.PLACE: 8,
    Kind.NAME: 9,
}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: Kind
    # True when the record identified it; False when only a general pattern did.
    from_record: bool


@dataclass
class Redaction:
    text: str
    counts: dict[str, int]
    spans: list[Span] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())
