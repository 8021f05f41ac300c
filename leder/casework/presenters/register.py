"""How the reviewer register reads: rows of the list, a reviewer's details, training and declared
conflicts."""

from django.urls import reverse

from leder.casework.models import ConflictKind, RecruitmentStatus
from leder.core import presenters

STATUS_TAG = {
    RecruitmentStatus.TRAINED: {"text": "Trained", "classes": "nhsuk-tag--green"},
    RecruitmentStatus.IN_TRAINING: {"text": "In training", "classes": "nhsuk-tag--blue"},
}


class ReviewerPresenter:
    """A register entry annotated with `open_cases` and `free_capacity` by the selectors."""

    def __init__(self, reviewer):
        self.reviewer = reviewer

    def __getattr__(self, name):
        return getattr(self.reviewer, name)

    @property
    def name(self) -> str:
        return self.reviewer.user.full_name or self.reviewer.user.email

    @property
    def href(self) -> str:
        return reverse("casework:register_detail", kwargs={"pk": self.reviewer.pk})

    @property
    def employer_text(self) -> str:
        r = self.reviewer
        if r.employer_id:
            return r.employer.name
        return r.employer_name or presenters.EMPTY

    @property
    def status_tag(self) -> dict:
        return STATUS_TAG[self.reviewer.recruitment_status]

    @property
    def active_text(self) -> str:
        return "Active" if self.reviewer.is_active else "Inactive"

    @property
    def detail_rows(self) -> list[dict]:
        r = self.reviewer
        rows = [
            ("E-mail", r.user.email),
            ("ICB", r.icb.display_name),
            ("Profession", r.get_profession_display()),
            ("Employer", self.employer_text),
            ("Training", r.get_recruitment_status_display()),
            ("Offered new cases", "Yes, active" if r.is_active else "No, inactive"),
            ("Most reviews at once", presenters.count(r.capacity)),
            ("Open reviews now", presenters.count(r.open_cases)),
            ("Free capacity", presenters.count(r.free_capacity)),
            ("On the register since", presenters.date_long(r.joined_on)),
        ]
        return [{"key": {"text": k}, "value": {"text": v}} for k, v in rows]

    @property
    def training_rows(self) -> list[dict]:
        return [
            {"course": t.course, "completed": presenters.date_long(t.completed_on)}
            for t in self.reviewer.training.all()
        ]

    @property
    def conflict_rows(self) -> list[dict]:
        rows = []
        for c in self.reviewer.conflicts.all():
            if c.kind == ConflictKind.ORGANISATION:
                what = f"{c.organisation.name} ({c.organisation.ods_code})"
            else:
                parts = [c.person_name]
                if c.person_date_of_birth:
                    parts.append(f"born {presenters.date_long(c.person_date_of_birth)}")
                if c.person_nhs_number:
                    parts.append(f"NHS number {presenters.nhs_number(c.person_nhs_number)}")
                what = ", ".join(parts)
            rows.append(
                {
                    "kind": c.get_kind_display(),
                    "what": what,
                    "note": c.note or presenters.EMPTY,
                    "declared": presenters.date_long(c.declared_at),
                }
            )
        return rows
