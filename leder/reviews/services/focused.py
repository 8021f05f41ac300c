"""The focused-review decision and opening a focused review.

DOMAIN.md: a focused review is required (multi-select reasons, automatic where the data says so)
when the person was from a Black, Asian or minority ethnic background (any ethnic category other
than White British, configurable); the person was an autistic adult without a learning
disability; the family asks for one; the reviewer found concerns or significant learning.

"Where the data says so" includes what the review itself records (issue 16): concerns recorded
in its learning, and a grade of care of 5 or 6 (care short of good practice that significantly
affected wellbeing or could have contributed to the death). These are automatic reasons, as the
family's request is; they are not left to the reviewer to remember.

`focused_review_triggers` is the rule itself, a pure function of its inputs (tested with
hypothesis). `focused_review_decision` feeds it from a review: the notification, the family
involvement section and the reviewer's own reasons. `focused_review_needed` is what
`records.review_submit` asks (through `sections.focused_review_needed`) to route an initial
review to a focused review instead of quality assurance.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings as django_settings
from django.db import models

from leder.casework.models import Case
from leder.reviews import sections
from leder.reviews.models import LearningKind, Review, ReviewKind
from leder.reviews.services.records import review_start

DECISION_KEY = "focused_decision"

# Ethnic category codes that say nothing about the person's background: "Z" not stated, "99" not
# known (NHS Data Dictionary). See `focused_review_triggers` for how they count.
NOT_KNOWN_ETHNIC_CODES = frozenset({"Z", "99"})


class ReviewerReason(models.TextChoices):
    CONCERNS = "concerns", "I found concerns about the person's care"
    SIGNIFICANT_LEARNING = "significant_learning", "I found significant learning"
    ETHNIC_BACKGROUND = (
        "ethnic_background",
        "The person was from a Black, Asian or minority ethnic background, though the "
        "notification does not say so",
    )
    OTHER = "other", "Another reason"


@dataclass(frozen=True)
class TriggerSettings:
    # Ethnic category codes that count as White British (no automatic trigger).
    white_british_codes: frozenset[str]
    not_known_codes: frozenset[str] = NOT_KNOWN_ETHNIC_CODES


def trigger_settings() -> TriggerSettings:
    """The installation's settings: `LEDER_FOCUSED_REVIEW_WHITE_BRITISH_CODES` (default ["A"],
    White British in the NHS Data Dictionary's ETHNIC CATEGORY)."""
    codes = getattr(django_settings, "LEDER_FOCUSED_REVIEW_WHITE_BRITISH_CODES", None) or ["A"]
    return TriggerSettings(white_british_codes=frozenset(str(code) for code in codes))


@dataclass(frozen=True)
class Trigger:
    code: str
    text: str


@dataclass(frozen=True)
class FocusedReviewDecision:
    # What the data already says (the ethnic group, autism without a learning disability, the
    # family's request): these apply whatever the reviewer chooses.
    triggers: tuple[Trigger, ...]
    # The reviewer's own reasons.
    reasons: tuple[Trigger, ...]
    # Things the reviewer should check because the data cannot say (no ethnic group recorded).
    checks: tuple[str, ...]

    @property
    def needed(self) -> bool:
        return bool(self.triggers or self.reasons)


ETHNIC_TRIGGER = Trigger(
    "ethnic_background",
    "The person was from a Black, Asian or minority ethnic background: the notification "
    "records an ethnic group other than White British",
)
AUTISTIC_TRIGGER = Trigger(
    "autistic_without_learning_disability",
    "The person was an autistic adult without a learning disability",
)
FAMILY_TRIGGER = Trigger("family_asked", "The family asked for a focused review")
# Grades of care from which a focused review is needed (DOMAIN.md's grades 5 and 6).
FOCUSED_GRADE_FROM = 5
NOTIFIER_CONCERNS = (
    "The person who told us about the death raised concerns about the person's care. Check "
    "whether the review bears them out: record any you find as concerns in the learning."
)


def concerns_trigger(count: int) -> Trigger:
    noun = "a concern" if count == 1 else f"{count} concerns"
    return Trigger("concerns_recorded", f"The review records {noun} about the person's care")


def grade_trigger(grade: int) -> Trigger:
    return Trigger(
        "grade",
        f"The care was graded {grade}: care short of good practice that "
        + (
            "contributed to the cause of death"
            if grade >= 6
            else "significantly affected the person's wellbeing or could have contributed to "
            "their death"
        ),
    )


ETHNIC_NOT_RECORDED = (
    "The person's ethnic group is not recorded. Check it with the family or in the GP record: "
    "if they were from a Black, Asian or minority ethnic background, a focused review is needed. "
    "Select that reason below, and ask the local area contact to correct the notification."
)


def focused_review_triggers(
    *,
    ethnic_category_code: str | None,
    is_autistic: str | None,
    has_learning_disability: str | None,
    family_asked: bool,
    reviewer_reasons: Iterable[str],
    settings: TriggerSettings,
    other_reason: str = "",
    concerns_recorded: int = 0,
    grade: int | None = None,
    notifier_raised_concerns: bool = False,
) -> FocusedReviewDecision:
    """Whether a focused review is required, and why. Pure: the same inputs give the same answer.

    - Ethnic background: any recorded ethnic category other than the White British codes
      triggers. A category that is missing, "not stated" or "not known" does *not* trigger (we
      cannot say the person was from a minority background) but asks the reviewer to check,
      and the reviewer can then give that as their own reason.
    - Autism: the notification says the person was autistic ("yes") and does not say they had a
      learning disability (anything but "yes"). Autistic people come into LeDeR as adults only.
    - The family asked for one.
    - The review records concerns in its learning (`concerns_recorded`), or grades the care 5
      or 6 (`grade`).
    - The notifier's concerns (`notifier_raised_concerns`) do not trigger (they are not a
      finding) but ask the reviewer to check them.
    - The reviewer's reasons (`ReviewerReason` values); "other" counts with its text.

    Unknown reason codes raise ValueError: the form offers only the known ones.
    """
    triggers = []
    checks = []
    code = (ethnic_category_code or "").strip()
    if not code or code in settings.not_known_codes:
        checks.append(ETHNIC_NOT_RECORDED)
    elif code not in settings.white_british_codes:
        triggers.append(ETHNIC_TRIGGER)
    if is_autistic == "yes" and has_learning_disability != "yes":
        triggers.append(AUTISTIC_TRIGGER)
    if family_asked:
        triggers.append(FAMILY_TRIGGER)
    if concerns_recorded > 0:
        triggers.append(concerns_trigger(concerns_recorded))
    if grade is not None and grade >= FOCUSED_GRADE_FROM:
        triggers.append(grade_trigger(grade))
    if notifier_raised_concerns and not concerns_recorded:
        checks.append(NOTIFIER_CONCERNS)

    chosen = set(reviewer_reasons)
    unknown = chosen - set(ReviewerReason.values)
    if unknown:
        raise ValueError(f"Unknown focused-review reasons: {sorted(unknown)}")
    reasons = []
    for reason in ReviewerReason:  # in the order the form lists them
        if reason.value not in chosen:
            continue
        text = reason.label
        if reason == ReviewerReason.OTHER:
            text = f"Another reason: {other_reason.strip()}" if other_reason.strip() else text
        reasons.append(Trigger(f"reviewer:{reason.value}", text))
    return FocusedReviewDecision(
        triggers=tuple(triggers), reasons=tuple(reasons), checks=tuple(checks)
    )


def _initial_review(review: Review) -> Review:
    if review.kind == ReviewKind.INITIAL:
        return review
    return Review.objects.get(case_id=review.case_id, kind=ReviewKind.INITIAL)


def focused_review_decision(review: Review) -> FocusedReviewDecision:
    """The decision for `review`'s case, from its notification, the initial review's family
    involvement, its grade of care, the concerns in its learning and the reviewer's saved
    reasons (as they stand now)."""
    initial = _initial_review(review)
    notification = initial.case.notification
    family = sections.stored(initial, "family")
    decision = sections.stored(initial, DECISION_KEY)
    grading = sections.stored(initial, "grading")
    data = decision.data if decision else {}
    reasons = [r for r in data.get("reasons", []) if r in ReviewerReason.values]
    return focused_review_triggers(
        ethnic_category_code=notification.ethnic_category_id,
        is_autistic=notification.is_autistic,
        has_learning_disability=notification.has_learning_disability,
        family_asked=bool(family and family.data.get("asked_for_focused_review") == "yes"),
        reviewer_reasons=reasons,
        other_reason=data.get("other_reason", ""),
        settings=trigger_settings(),
        concerns_recorded=initial.learning_items.filter(kind=LearningKind.CONCERN).count(),
        grade=_grade(grading.data if grading else {}),
        notifier_raised_concerns=notification.has_care_concerns == "yes",
    )


def _grade(data: dict) -> int | None:
    """The stored grade of care as a number (None when not chosen yet)."""
    try:
        return int(data.get("level"))
    except (TypeError, ValueError):
        return None


def focused_review_needed(review: Review) -> bool:
    """True if submitting this initial review must start a focused review rather than go to
    quality assurance. Registered as `sections.focused_review_needed` by `parts.focused`."""
    return focused_review_decision(review).needed


def focused_review_open(*, actor, case: Case) -> Review:
    """The case's focused review, started if there is none. Only the case's reviewer, and only
    once the case has moved to a focused review (the rule of `records.review_start`).
    Idempotent: the focused review's pages call it on the reviewer's first visit."""
    return review_start(actor=actor, case=case, kind=ReviewKind.FOCUSED)
