"""Registers the review sections of the workspace part: family involvement and the pen portrait,
both simple sections edited on the generic section page ("reviews:section", to which the
workspace adds the section's `key`)."""

from leder.reviews import sections
from leder.reviews.forms.workspace import FamilyInvolvementForm, PenPortraitForm
from leder.reviews.models import Review, ReviewKind

INITIAL = frozenset({ReviewKind.INITIAL.value})

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

_family_basic_missing = sections.simple_missing(
    "family", required=FAMILY_REQUIRED, labels=FAMILY_LABELS
)


def family_missing(review: Review) -> list[str]:
    """The required answers, and the date the family was told when they were told."""
    problems = _family_basic_missing(review)
    row = sections.stored(review, "family")
    if row is not None and row.data.get("told_of_review") == "yes" and not row.data.get("told_on"):
        # Before "Not marked as complete", so the list reads answers first.
        at = len(problems) - (not row.is_complete)
        problems.insert(at, "The date the family was told is not answered")
    return problems


sections.register(
    sections.Section(
        key="family",
        title="Family involvement",
        kinds=INITIAL,
        order=10,
        url_name="reviews:section",
        missing=family_missing,
        snapshot=sections.simple_snapshot("family"),
        form_class=FamilyInvolvementForm,
        hint="Telling the family, inviting them to contribute, and what they asked for",
    )
)

sections.register(
    sections.Section(
        key="pen_portrait",
        title="Pen portrait",
        kinds=INITIAL,
        order=30,
        url_name="reviews:section",
        missing=sections.simple_missing(
            "pen_portrait",
            required=("who_they_were", "what_mattered"),
            labels={
                "who_they_were": "Who the person was",
                "what_mattered": "What mattered to them",
            },
        ),
        snapshot=sections.simple_snapshot("pen_portrait"),
        form_class=PenPortraitForm,
        hint="Who the person was and what mattered to them",
    )
)
