"""The person's profile as every page shows it: the review, quality assurance, the panel's papers
and the family copy all draw it with `reviews/profile/_profile.jinja` from a `ProfilePresenter`.

Staff pages show each question and its answer; the family copy shows the same facts under short
plain headings (`family_rows`), leaving out unanswered ones. The severity of the learning
disability is the pen portrait's answer, shown first because the national report starts there.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from leder.core import presenters
from leder.reviews import profile
from leder.reviews.forms.workspace import LD_SEVERITY_CHOICES

SEVERITY_LABEL = "Severity of learning disability"
SEVERITY_WORDS = dict(LD_SEVERITY_CHOICES)


@dataclass(frozen=True)
class ProfileRow:
    key: str
    label: str
    text: str

    def summary_row(self) -> dict:
        return {"key": {"text": self.label}, "value": {"text": self.text}}


def _answer_text(field: profile.ProfileField, value) -> str:
    labels = field.labels
    if field.kind == profile.LIST:
        values = [v for v in (value or []) if v]
        return ", ".join(labels.get(v, v) for v in values) if values else ""
    return labels.get(value, value) if value else ""


class ProfilePresenter:
    """One person's profile: `data` as the section stores it (or a snapshot of it), and the pen
    portrait's severity of learning disability if known."""

    def __init__(self, data: Mapping | None, *, ld_severity: str | None = None):
        self.data = dict(data or {})
        self.ld_severity = ld_severity or ""
        self.profile_set = profile.profile_set(self.data.get(profile.VERSION_KEY) or None)

    @classmethod
    def from_snapshot(cls, snapshot: Mapping | None) -> "ProfilePresenter":
        """From a review snapshot (a version or a sign-off): its profile and pen portrait."""
        snapshot = snapshot or {}
        pen = snapshot.get("pen_portrait") or {}
        return cls(snapshot.get(profile.SECTION_KEY), ld_severity=pen.get("ld_severity"))

    @classmethod
    def for_review(cls, review) -> "ProfilePresenter":
        """From a review's saved sections (uses its prefetched sections when present)."""
        from leder.reviews import sections

        row = sections.stored(review, profile.SECTION_KEY)
        pen = sections.stored(review, "pen_portrait")
        return cls(
            row.data if row else None, ld_severity=(pen.data if pen else {}).get("ld_severity")
        )

    @property
    def is_empty(self) -> bool:
        return not self.ld_severity and not any(
            self.data.get(f.key) for f in self.profile_set.fields
        )

    def _rows(self, *, family: bool) -> list[ProfileRow]:
        rows = []
        severity = SEVERITY_WORDS.get(self.ld_severity, "")
        if severity or not family:
            rows.append(ProfileRow("ld_severity", SEVERITY_LABEL, severity or presenters.EMPTY))
        for field in self.profile_set.fields:
            text = _answer_text(field, self.data.get(field.key))
            if family and not text:
                continue
            label = field.family_label if family else field.label
            rows.append(ProfileRow(field.key, label, text or presenters.EMPTY))
        return rows

    @property
    def rows(self) -> list[ProfileRow]:
        """Every question and its answer ("Not given" when unanswered), for staff."""
        return self._rows(family=False)

    @property
    def summary_rows(self) -> list[dict]:
        return [row.summary_row() for row in self.rows]

    @property
    def family_rows(self) -> list[ProfileRow]:
        """The answered facts, under plain headings, for the family copy."""
        return self._rows(family=True)

    @property
    def version(self) -> str:
        return self.profile_set.version
