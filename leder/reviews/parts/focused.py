"""Registers the focused-review decision (the initial review's last section, order 100), the
focused review's further evidence (110) and its multi-agency meeting (120), all simple sections
edited on the workspace's generic page, and the decision `records.review_submit` asks when an
initial review is submitted."""

from leder.reviews import sections
from leder.reviews.forms.learning import FocusedDecisionForm, FurtherEvidenceForm, MeetingForm
from leder.reviews.models import Review, ReviewSection
from leder.reviews.services.focused import DECISION_KEY, ReviewerReason, focused_review_needed

MEETING_LABELS = {
    "meeting_date": "The date of the meeting",
    "attendees": "Who attended",
    "discussion": "What was discussed",
    "findings": "What the meeting found",
}


def _decision_problems(review: Review, row: ReviewSection) -> list[str]:
    if ReviewerReason.OTHER in row.data.get("reasons", []) and not row.data.get("other_reason"):
        return ["The other reason for a focused review is not given"]
    return []


def _meeting_problems(review: Review, row: ReviewSection) -> list[str]:
    data = row.data
    if data.get("held") not in ("yes", "no"):
        return ["Whether a multi-agency review meeting was held is not answered"]
    if data["held"] == "yes":
        return [
            f"{label} is not answered"
            for name, label in MEETING_LABELS.items()
            if not data.get(name)
        ]
    return []


sections.register_simple(
    DECISION_KEY,
    title="Focused review decision",
    kinds=sections.INITIAL,
    order=100,
    check=_decision_problems,
    form_class=FocusedDecisionForm,
    hint="Whether the review goes on to a focused review, and why",
)
sections.register_simple(
    "focused_evidence",
    title="Further evidence",
    kinds=sections.FOCUSED,
    order=110,
    required=("evidence", "sources"),
    labels={"evidence": "The further evidence", "sources": "Where it came from"},
    form_class=FurtherEvidenceForm,
    hint="What the focused review found beyond the initial review, and where from",
)
sections.register_simple(
    "focused_meeting",
    title="Multi-agency review meeting",
    kinds=sections.FOCUSED,
    order=120,
    check=_meeting_problems,
    form_class=MeetingForm,
    hint="Whether a meeting was held and, if so, who came and what it found",
)

# `records.review_submit` routes an initial review to a focused review when this says so.
sections.focused_review_needed = focused_review_needed
