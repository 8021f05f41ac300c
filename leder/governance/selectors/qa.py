"""Reads for quality assurance: the queue of an ICB's reviews awaiting QA, one review with its
rounds as each kind of user may see it, and the comments of a returned review.

Everything about a case starts from `cases_visible_to(user)`, so another ICB's review is simply
not found (404). A role that may never do the thing asked gets 403:

- the QA page: senior reviewers of the case's ICB (one who wrote the review reads it, but cannot
  assess it);
- the round history: the ICB's local area contacts and senior reviewers, and the case's reviewer;
- responding to comments: the case's reviewer.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from leder.accounts import rules
from leder.accounts.models import Role
from leder.casework.models import Case, CaseState
from leder.casework.selectors import cases_visible_to
from leder.casework.selectors.case import can_see_cases
from leder.governance.models import QAComment, QAOutcome, QARound
from leder.governance.services.qa import latest_round, pending_round, qa_refusal
from leder.reviews.models import Review, ReviewKind, ReviewVersion

NOT_A_SENIOR_REVIEWER = "Quality assurance is for senior reviewers."


def can_quality_assure(user) -> bool:
    """True if `user` is a senior reviewer somewhere (the QA queue is theirs)."""
    return rules.has_role(user, Role.SENIOR_REVIEWER)


def qa_icbs(user):
    return rules.organisations_where(user, Role.SENIOR_REVIEWER)


def qa_queue(*, user) -> QuerySet[QARound]:
    """The rounds awaiting a decision at the ICBs where `user` is a senior reviewer, oldest
    submission first, with the case, the person and the reviewer loaded."""
    cases = cases_visible_to(user).filter(
        notification__icb__in=qa_icbs(user), state=CaseState.QUALITY_ASSURANCE
    )
    return (
        QARound.objects.filter(
            outcome=QAOutcome.PENDING,
            review__kind=ReviewKind.INITIAL,
            review__case__in=cases,
        )
        .select_related(
            "review__case__notification__icb",
            "review__case__reviewer__user",
        )
        .order_by("submitted_at", "pk")
    )


def authored_case_ids(*, user, case_ids) -> set[int]:
    """Of `case_ids`, the cases whose review `user` wrote (allocated to them, or they saved a
    version): the queue marks them, since someone else must assess them."""
    allocated = set(
        Case.objects.filter(pk__in=case_ids, reviewer__user=user).values_list("pk", flat=True)
    )
    saved = set(
        ReviewVersion.objects.filter(review__case_id__in=case_ids, saved_by=user).values_list(
            "review__case_id", flat=True
        )
    )
    return allocated | saved


@dataclass
class QAAccess:
    """One case's initial review and its QA rounds, as `user` may see them."""

    case: Case
    review: Review
    # Why the user may not assess the review (None if they may, when a round is pending).
    refusal: str | None
    pending: QARound | None

    @property
    def can_assess(self) -> bool:
        return self.refusal is None and self.pending is not None


def _case(user, reference: str) -> Case:
    try:
        return (
            cases_visible_to(user)
            .select_related("notification__icb", "reviewer__user")
            .get(notification__reference=reference)
        )
    except Case.DoesNotExist:
        raise Http404("No case with that reference") from None


def _initial_review(case: Case) -> Review:
    review = (
        Review.objects.filter(case=case, kind=ReviewKind.INITIAL)
        .select_related("started_by")
        .first()
    )
    if review is None:
        raise Http404("The review has not been started")
    review.case = case
    return review


def _with_rounds(review: Review) -> Review:
    if not QARound.objects.filter(review=review).exists():
        raise Http404("This review has not been submitted for quality assurance")
    return review


def _is_reviewer(user, case: Case) -> bool:
    return case.is_reviewer(user)


def _access(user, case: Case) -> QAAccess:
    """The case's initial review with its rounds, why `user` may not assess it (if so) and the
    round awaiting a decision."""
    review = _with_rounds(_initial_review(case))
    return QAAccess(
        case=case,
        review=review,
        refusal=qa_refusal(user=user, review=review),
        pending=pending_round(review),
    )


def qa_access(*, user, reference: str) -> QAAccess:
    """For the QA page: 403 unless `user` is a senior reviewer (of the case's ICB, once the case
    is found); 404 for a case they cannot see or one never submitted to QA."""
    if not can_quality_assure(user):
        raise PermissionDenied(NOT_A_SENIOR_REVIEWER)
    case = _case(user, reference)
    if not rules.has_role(user, Role.SENIOR_REVIEWER, organisation=case.notification.icb):
        raise PermissionDenied("Only a senior reviewer of this ICB can quality-assure its reviews.")
    return _access(user, case)


def qa_history_access(*, user, reference: str) -> QAAccess:
    """For the round history: the ICB's local area contacts and senior reviewers, and the case's
    reviewer. 403 for a role that never sees it, 404 for a case the user cannot see."""
    if not can_see_cases(user):
        raise PermissionDenied("Your role does not show case details.")
    case = _case(user, reference)
    icb = case.notification.icb
    if not (
        _is_reviewer(user, case)
        or rules.has_any_role(user, Role.LAC, Role.SENIOR_REVIEWER, organisation=icb)
    ):
        raise PermissionDenied(
            "The quality assurance history is for the reviewer, local area contacts and senior "
            "reviewers."
        )
    return _access(user, case)


def qa_reviewer_access(*, user, reference: str) -> QAAccess:
    """For the reviewer reading and answering the comments of a returned review: the case's
    reviewer only (403 for anyone else who can see the case)."""
    if not can_see_cases(user):
        raise PermissionDenied("Your role does not show case details.")
    case = _case(user, reference)
    if not _is_reviewer(user, case):
        raise PermissionDenied("Only the reviewer the case is allocated to can respond.")
    review = _with_rounds(_initial_review(case))
    return QAAccess(case=case, review=review, refusal=None, pending=pending_round(review))


def qa_rounds(review: Review) -> list[QARound]:
    """Every round of `review`, first to last, with its checklist items, assessor and comments."""
    return list(
        QARound.objects.filter(review=review)
        .select_related("checklist", "assessor")
        .prefetch_related(
            "checklist__items",
            Prefetch("comments", queryset=QAComment.objects.select_related("created_by")),
        )
        .order_by("number")
    )


def latest_returned_round(review: Review) -> QARound | None:
    """The latest round if it returned the review (so its comments are what the reviewer is
    working on); None once the review is resubmitted or approved."""
    latest = latest_round(review)
    if latest is None or latest.outcome != QAOutcome.RETURNED:
        return None
    return latest


def qa_comments_for(review: Review, section_key: str | None = None) -> list[QAComment]:
    """The QA comments the reviewer must act on, for one section (`section_key`; "" for the
    review as a whole) or all of them (None): those of the latest round, if it returned the
    review. Empty when there are none, or the review has been resubmitted or approved."""
    if review is None or review.pk is None:
        return []
    latest = latest_returned_round(review)
    if latest is None:
        return []
    comments = latest.comments.select_related("created_by", "round")
    if section_key is not None:
        comments = comments.filter(section_key=section_key)
    return list(comments)


def qa_comment(*, round: QARound, pk: int) -> QAComment:
    """One comment of `round` (404 if it is not one of them)."""
    try:
        return QAComment.objects.select_related("round__review", "created_by").get(
            round=round, pk=pk
        )
    except QAComment.DoesNotExist:
        raise Http404("No such comment") from None


def qa_submitted_snapshot(round: QARound) -> dict | None:
    """The review's content as submitted for `round` (its recorded version)."""
    version = (
        ReviewVersion.objects.filter(review_id=round.review_id, number=round.submitted_version)
        .only("snapshot")
        .first()
    )
    return version.snapshot if version else None
