"""How reviewers read when the local area contact allocates a case."""

from django.urls import reverse

from leder.casework.selectors.allocation import Suggestion
from leder.core import presenters


class SuggestionRow:
    """One reviewer in the ranked suggestions, or on the confirm page."""

    def __init__(self, suggestion: Suggestion, *, reference: str, rank: int | None = None):
        self.suggestion = suggestion
        self.reviewer = suggestion.reviewer
        self.reference = reference
        self.rank = rank

    @property
    def name(self) -> str:
        return self.reviewer.user.full_name

    @property
    def profession(self) -> str:
        return self.reviewer.get_profession_display()

    @property
    def employer(self) -> str:
        r = self.reviewer
        return r.employer.name if r.employer_id else (r.employer_name or "Employer not recorded")

    @property
    def workload(self) -> str:
        """`1 of 3 open reviews`."""
        s = self.suggestion
        return f"{s.open_cases} of {s.capacity} open reviews"

    @property
    def free(self) -> str:
        return presenters.count(max(self.suggestion.free, 0), "free place")

    @property
    def can_allocate(self) -> bool:
        return self.suggestion.can_allocate

    @property
    def status_tag(self) -> dict:
        s = self.suggestion
        if s.conflicts:
            return {"text": "Cannot be allocated", "classes": "nhsuk-tag--red"}
        if s.is_current:
            return {"text": "Allocated now", "classes": "nhsuk-tag--blue"}
        if not s.has_capacity:
            return {"text": "No free capacity", "classes": "nhsuk-tag--grey"}
        return {"text": "Can be allocated", "classes": "nhsuk-tag--green"}

    @property
    def reasons(self) -> list[str]:
        """Why this reviewer cannot be chosen, in plain words; empty if they can."""
        return self.suggestion.blocks

    @property
    def declined_notes(self) -> list[str]:
        return [
            f"Declined this case on {presenters.date_long(a.responded_at)}: {a.response_reason}"
            for a in self.suggestion.declined
        ]

    @property
    def href(self) -> str:
        return reverse(
            "casework:allocate_confirm",
            kwargs={"reference": self.reference, "reviewer_id": self.reviewer.pk},
        )

    @property
    def summary_rows(self) -> list[dict]:
        rows = [
            ("Profession", self.profession),
            ("Employer", self.employer),
            ("Open reviews", f"{self.workload} ({self.free})"),
        ]
        return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]
