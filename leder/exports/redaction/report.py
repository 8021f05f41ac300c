"""What redaction removed across many texts, for the dataset's redaction report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from leder.exports.redaction.apply import redact
from leder.exports.redaction.kinds import Kind, Redaction
from leder.exports.redaction.record import RecordIdentifiers


def _withheld_value() -> str:
    from leder.exports.spec import WITHHELD

    return WITHHELD


@dataclass
class RedactionReport:
    """What redaction removed across many texts (for the dataset's redaction report): how many
    texts were looked at, how many had something removed, and how many of each kind."""

    texts: int = 0
    texts_changed: int = 0
    counts: Counter = field(default_factory=Counter)
    # Free-text fields of the dataset released by a person, and withheld, by field.
    released: Counter = field(default_factory=Counter)
    withheld: Counter = field(default_factory=Counter)

    def free_text(self, field_name: str, release) -> None:
        """Count one free-text field: released (its redactions added up) or withheld."""
        if release is None:
            self.withheld[field_name] += 1
            return
        self.released[field_name] += 1
        self.texts += 1
        if release.released_counts:
            self.texts_changed += 1
        self.counts.update(release.released_counts)

    def free_text_dict(self) -> dict:
        names = sorted(set(self.released) | set(self.withheld))
        return {
            "released": sum(self.released.values()),
            "withheld": sum(self.withheld.values()),
            "by_field": {
                name: {"released": self.released[name], "withheld": self.withheld[name]}
                for name in names
            },
            "withheld_value": _withheld_value(),
        }

    def add(self, redaction: Redaction) -> Redaction:
        self.texts += 1
        if redaction.counts:
            self.texts_changed += 1
        self.counts.update(redaction.counts)
        return redaction

    def redact(self, text: str, identifiers: RecordIdentifiers | None = None) -> str:
        """Redact `text`, count what was removed, and return the redacted text."""
        return self.add(redact(text, identifiers)).text

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def rows(self) -> list[tuple[str, int]]:
        """(kind, count) for every kind, in a fixed order, zeros included."""
        return [(str(kind), self.counts.get(str(kind), 0)) for kind in Kind]

    def as_dict(self) -> dict:
        return {
            "texts": self.texts,
            "texts_changed": self.texts_changed,
            "removed": dict(self.rows()),
            "total_removed": self.total,
        }
