"""Reads for the review workspace: one case's review of one kind, and what the user may do with
it. Everything starts from `cases_visible_to(user)`, so a case of another ICB, or a case
allocated to someone else, is simply not found (404), never confirmed by a 403.

Who may do what (see docs/adr/0012-review-workspace.md):

- a role that never shows case content (ICB lead, regional, national, administrator): 403;
- anyone else who cannot see the case: 404;
- the case's reviewer, while the case is at the review's stage: reads and edits;
- everyone else who can see the case (its LAC and senior reviewers, the reviewer after
  submission, the panel at panel stage): reads only.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404

from leder.casework.models import Case
from leder.casework.selectors import cases_visible_to
from leder.casework.selectors.case import can_see_cases
from leder.reviews.models import Review, ReviewKind, ReviewSection, ReviewVersion
from leder.reviews.services.records import edit_refusal


@dataclass
class ReviewAccess:
    """One case, its review of `kind` (None if not started) and what `user` may do with it."""

    case: Case
    kind: str
    review: Review | None
    # Why the user may not change the review now (None if they may).
    refusal: str | None

    @property
    def can_edit(self) -> bool:
        return self.review is not None and self.refusal is None

    @property
    def can_start(self) -> bool:
        return self.review is None and self.refusal is None

    @property
    def kind_label(self) -> str:
        return ReviewKind(self.kind).label


def review_access(*, user, reference: str, kind: str) -> ReviewAccess:
    """The case `reference` as `user` may see it, with its review of `kind` and its saved
    sections loaded. 403 for a role that never sees cases; 404 for a case the user may not see,
    or an unknown kind of review."""
    if not can_see_cases(user):
        raise PermissionDenied("Your role does not show case details.")
    if kind not in ReviewKind.values:
        raise Http404("No such kind of review")
    try:
        case = (
            cases_visible_to(user)
            .select_related("notification__icb", "reviewer__user")
            .get(notification__reference=reference)
        )
    except Case.DoesNotExist:
        raise Http404("No case with that reference") from None
    review = (
        Review.objects.filter(case=case, kind=kind)
        .select_related("started_by")
        .prefetch_related(
            Prefetch("sections", queryset=ReviewSection.objects.select_related("updated_by"))
        )
        .first()
    )
    if review is not None:
        review.case = case  # already loaded with what edit_refusal reads
    refusal = edit_refusal(user=user, review=review or Review(case=case, kind=kind))
    return ReviewAccess(case=case, kind=kind, review=review, refusal=refusal)


def review_versions(review: Review):
    """The review's versions, newest first, with who saved each (snapshots are not loaded)."""
    return (
        ReviewVersion.objects.filter(review=review)
        .select_related("saved_by")
        .defer("snapshot", "changes")
        .order_by("-number")
    )


def review_version_pair(review: Review, first: int, second: int):
    """Two versions of `review` by number (either may be missing: None)."""
    found = {
        v.number: v
        for v in ReviewVersion.objects.filter(
            review=review, number__in=[first, second]
        ).select_related("saved_by")
    }
    return found.get(first), found.get(second)
