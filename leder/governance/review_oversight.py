"""Governance's answers to the review record's questions (`leder.reviews.oversight`): the lock
of a signed-off review, the QA round a submission opens, and the QA comments the reviewer acts
on. Registered by `GovernanceConfig.ready`."""

from django.urls import reverse

from leder.governance.presenters.qa import qa_comment_rows_by_section
from leder.governance.selectors.qa import qa_comments_for
from leder.governance.services.qa import qa_round_open
from leder.governance.services.signoff import is_locked
from leder.reviews.models import ReviewKind
from leder.reviews.oversight import ReviewerComments


class GovernanceOversight:
    def is_locked(self, review) -> bool:
        return is_locked(review)

    def review_submitted_for_qa(self, review) -> None:
        # Each submission to quality assurance is a new QA round.
        qa_round_open(review=review)

    def comments_for_reviewer(self, review) -> ReviewerComments:
        # Only an initial review goes to quality assurance.
        if review is None or review.kind != ReviewKind.INITIAL:
            return ReviewerComments()
        reference = review.case.reference
        return ReviewerComments(
            by_section=qa_comment_rows_by_section(qa_comments_for(review), reference),
            href=reverse("governance:qa_comments", kwargs={"reference": reference}),
        )
