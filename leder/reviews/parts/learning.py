"""Registers the review sections of grading, learning and the focused review, and the
focused-review decision `records.review_submit` asks when an initial review is submitted.

Grading, the decision, further evidence and the meeting are simple sections edited on the
workspace's generic page (with their own templates in `reviews/sections/<key>.jinja`); learning
keeps rows of its own (`LearningItem`) and has its own pages.
"""

from leder.reviews import sections
from leder.reviews.forms.learning import (
    FocusedDecisionForm,
    FurtherEvidenceForm,
    GradingForm,
    LearningSectionForm,
    MeetingForm,
)
from leder.reviews.models import GradingLevel, LearningItem, Review, ReviewKind
from leder.reviews.services.focused import DECISION_KEY, ReviewerReason, focused_review_needed

INITIAL = frozenset({ReviewKind.INITIAL.value})
FOCUSED = frozenset({ReviewKind.FOCUSED.value})
SECTION_PAGE = "reviews:section"
NOT_COMPLETE = "Not marked as complete"


def _finish(row, problems: list[str]) -> list[str]:
    if not row.is_complete:
        problems.append(NOT_COMPLETE)
    return problems


# --- grading ---------------------------------------------------------------------------------


def grading_missing(key: str):
    def missing(review: Review) -> list[str]:
        row = sections.stored(review, key)
        if row is None:
            return ["Not started"]
        problems = []
        if row.data.get("level") in (None, ""):
            problems.append("No grade is chosen")
        if not (row.data.get("rationale") or "").strip():
            problems.append("The reasons for the grade are not given")
        return _finish(row, problems)

    return missing


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


# --- learning --------------------------------------------------------------------------------


def _items(review: Review) -> list[LearningItem]:
    cache = getattr(review, "_prefetched_objects_cache", {}).get("learning_items")
    if cache is not None:
        return list(cache)
    return list(review.learning_items.prefetch_related("themes__parent").order_by("created_at"))


def learning_missing(key: str):
    def missing(review: Review) -> list[str]:
        row = sections.stored(review, key)
        items = _items(review)
        problems = []
        if not items and not (row and row.data.get("no_learning_reason")):
            problems.append(
                "No learning is recorded: add at least one piece, or say why none was found"
            )
        untagged = sum(1 for item in items if not item.themes.all())
        if untagged:
            problems.append(f"{untagged} piece(s) of learning have no theme")
        if row is None:
            return [*problems, NOT_COMPLETE] if items else ["Not started"]
        return _finish(row, problems)

    return missing


def learning_snapshot(key: str):
    def snapshot(review: Review) -> dict:
        row = sections.stored(review, key)
        out: dict = {
            # Keyed by id, so removing one piece does not renumber the others in a difference.
            f"learning {item.pk}": {
                "kind": item.get_kind_display(),
                "text": item.text,
                # One answer, so a difference reads "Sepsis" → "Communication, Sepsis".
                "themes": ", ".join(sorted(t.name for t in item.themes.all())),
            }
            for item in _items(review)
        }
        reason = row.data.get("no_learning_reason") if row else ""
        if reason:
            out["no_learning_reason"] = reason
        return out

    return snapshot


# --- the focused-review decision and the focused review ----------------------------------------


def decision_missing(review: Review) -> list[str]:
    row = sections.stored(review, DECISION_KEY)
    if row is None:
        return ["Not started"]
    problems = []
    if ReviewerReason.OTHER in row.data.get("reasons", []) and not row.data.get("other_reason"):
        problems.append("The other reason for a focused review is not given")
    return _finish(row, problems)


def meeting_missing(review: Review) -> list[str]:
    row = sections.stored(review, "focused_meeting")
    if row is None:
        return ["Not started"]
    data = row.data
    problems = []
    if data.get("held") not in ("yes", "no"):
        problems.append("Whether a multi-agency review meeting was held is not answered")
    elif data["held"] == "yes":
        labels = {
            "meeting_date": "The date of the meeting",
            "attendees": "Who attended",
            "discussion": "What was discussed",
            "findings": "What the meeting found",
        }
        problems += [
            f"{label} is not answered" for name, label in labels.items() if not data.get(name)
        ]
    return _finish(row, problems)


sections.register(
    sections.Section(
        key="grading",
        title="Grading of care",
        kinds=INITIAL,
        order=80,
        url_name=SECTION_PAGE,
        missing=grading_missing("grading"),
        snapshot=grading_snapshot("grading"),
        form_class=GradingForm,
        hint="The grade of the care the person received, and why",
    )
)
sections.register(
    sections.Section(
        key="learning",
        title="Learning",
        kinds=INITIAL,
        order=90,
        url_name="reviews:learning",
        missing=learning_missing("learning"),
        snapshot=learning_snapshot("learning"),
        form_class=LearningSectionForm,
        hint="Good practice, areas for improvement and concerns, each with its themes",
    )
)
sections.register(
    sections.Section(
        key=DECISION_KEY,
        title="Focused review decision",
        kinds=INITIAL,
        order=100,
        url_name=SECTION_PAGE,
        missing=decision_missing,
        snapshot=sections.simple_snapshot(DECISION_KEY),
        form_class=FocusedDecisionForm,
        hint="Whether the review goes on to a focused review, and why",
    )
)
sections.register(
    sections.Section(
        key="focused_evidence",
        title="Further evidence",
        kinds=FOCUSED,
        order=110,
        url_name=SECTION_PAGE,
        missing=sections.simple_missing(
            "focused_evidence",
            required=("evidence", "sources"),
            labels={"evidence": "The further evidence", "sources": "Where it came from"},
        ),
        snapshot=sections.simple_snapshot("focused_evidence"),
        form_class=FurtherEvidenceForm,
        hint="What the focused review found beyond the initial review, and where from",
    )
)
sections.register(
    sections.Section(
        key="focused_meeting",
        title="Multi-agency review meeting",
        kinds=FOCUSED,
        order=120,
        url_name=SECTION_PAGE,
        missing=meeting_missing,
        snapshot=sections.simple_snapshot("focused_meeting"),
        form_class=MeetingForm,
        hint="Whether a meeting was held and, if so, who came and what it found",
    )
)
sections.register(
    sections.Section(
        key="focused_grading",
        title="Grading of care (focused review)",
        kinds=FOCUSED,
        order=130,
        url_name=SECTION_PAGE,
        missing=grading_missing("focused_grading"),
        snapshot=grading_snapshot("focused_grading"),
        form_class=GradingForm,
        hint="The grade of care after the focused review, and why",
    )
)
sections.register(
    sections.Section(
        key="focused_learning",
        title="Learning (focused review)",
        kinds=FOCUSED,
        order=140,
        url_name="reviews:learning",
        missing=learning_missing("focused_learning"),
        snapshot=learning_snapshot("focused_learning"),
        form_class=LearningSectionForm,
        hint="What the focused review learned, each piece with its themes",
    )
)

# `records.review_submit` routes an initial review to a focused review when this says so.
sections.focused_review_needed = focused_review_needed
