"""Registers the grading of care: in the initial review (order 80) and again, after further
evidence, in the focused review (order 130). Both are simple sections edited on the workspace's
generic page (`reviews/sections/grading.jinja`)."""

from leder.reviews import sections
from leder.reviews.forms.learning import GradingForm
from leder.reviews.models import GradingLevel, Review, ReviewSection


def _grade_missing(review: Review, row: ReviewSection) -> list[str]:
    problems = []
    if row.data.get("level") in (None, ""):
        problems.append("No grade is chosen")
    if not (row.data.get("rationale") or "").strip():
        problems.append("The reasons for the grade are not given")
    return problems


def grading_snapshot(key: str):
    def snapshot(review: Review) -> dict:
        row = sections.stored(review, key)
        if row is None:
            return {}
        data = dict(row.data)
        level = data.get("level")
        if level not in (None, ""):
            # The grade with its wording, so a version reads "Grade 3: Satisfactory care".
            found = (
                GradingLevel.objects.filter(scale__version=data.get("scale_version"), level=level)
                .only("title")
                .first()
            )
            data["level"] = f"Grade {level}: {found.title}" if found else f"Grade {level}"
        return data

    return snapshot


def _register(key: str, **section) -> None:
    sections.register_simple(
        key,
        check=_grade_missing,
        snapshot=grading_snapshot(key),
        form_class=GradingForm,
        **section,
    )


_register(
    "grading",
    title="Grading of care",
    kinds=sections.INITIAL,
    order=80,
    hint="The grade of the care the person received, and why",
)
_register(
    "focused_grading",
    title="Grading of care (focused review)",
    kinds=sections.FOCUSED,
    order=130,
    hint="The grade of care after the focused review, and why",
)
