"""Registers the review sections of the workspace part: family involvement and the pen portrait,
both simple sections edited on the generic section page ("reviews:section", to which the
workspace adds the section's `key`)."""

from leder.reviews import sections
from leder.reviews.forms.workspace import FamilyInvolvementForm, PenPortraitForm
from leder.reviews.models import Review, ReviewSection

FAMILY_REQUIRED = (
    "told_of_review",
    "invited_to_contribute",
    "offered_pen_portrait",
    "wants_copy",
    "asked_for_focused_review",
)
FAMILY_LABELS = {
    "told_of_review": "Whether the family was told of the review",
    "invited_to_contribute": "Whether the family was invited to contribute",
    "offered_pen_portrait": "Whether the family was offered the draft pen portrait",
    "wants_copy": "Whether the family wants a copy of the review",
    "asked_for_focused_review": "Whether the family asked for a focused review",
}


def _family_problems(review: Review, row: ReviewSection) -> list[str]:
    """The required answers, and the date the family was told when they were told."""
    problems = sections.unanswered(row, FAMILY_REQUIRED, FAMILY_LABELS)
    if row.data.get("told_of_review") == "yes" and not row.data.get("told_on"):
        problems.append("The date the family was told is not answered")
    return problems


sections.register_simple(
    "family",
    title="Family involvement",
    kinds=sections.INITIAL,
    order=10,
    check=_family_problems,
    form_class=FamilyInvolvementForm,
    hint="Telling the family, inviting them to contribute, and what they asked for",
)
sections.register_simple(
    "pen_portrait",
    title="Pen portrait",
    kinds=sections.INITIAL,
    order=30,
    required=("who_they_were", "what_mattered"),
    labels={"who_they_were": "Who the person was", "what_mattered": "What mattered to them"},
    form_class=PenPortraitForm,
    hint="Who the person was and what mattered to them",
)
