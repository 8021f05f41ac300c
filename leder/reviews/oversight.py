"""What the review record learns from the oversight of reviews, without knowing who does it.

Quality assurance, sign-off and its lock live in `governance`, which sits above `reviews`: it
reads reviews, assesses and signs them off. The review record still needs three answers from
it, and asks them through this protocol, which `reviews` owns and `governance` fulfils at
start-up (`GovernanceConfig.ready` calls `register`):

- is this review signed off and locked? (a locked review cannot be edited: `edit_refusal`);
- a review has just been submitted to quality assurance (governance opens a QA round, in the
  submission's transaction);
- which QA comments should the reviewer act on, section by section, while amending it?

So no module under `leder/reviews/` imports `leder.governance` (a test keeps it so), and the two
apps form no import cycle.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured


class CommentForReviewer(Protocol):
    """One QA comment as the review's pages show it (`reviews/_qa_comments.jinja`)."""

    text: str
    by: str  # who wrote it, and when
    response: str  # the reviewer's response so far ("" if none)
    respond_href: str
    section: str  # the title of the section it is about


@dataclass(frozen=True)
class ReviewerComments:
    """The QA comments the reviewer must act on: by section key ("" for the review as a whole),
    and the page that lists them all with a way to respond."""

    by_section: Mapping[str, Sequence[CommentForReviewer]] = field(default_factory=dict)
    href: str = ""


class Oversight(Protocol):
    def is_locked(self, review) -> bool:
        """Whether `review` is signed off and not reopened since."""

    def review_submitted_for_qa(self, review) -> None:
        """`review` was just submitted to quality assurance; called inside the submission's
        transaction, so a refusal (a `ValidationError`) undoes the submission."""

    def comments_for_reviewer(self, review) -> ReviewerComments:
        """The comments of the QA round that returned `review` (empty if it was not returned)."""


_registered: list[Oversight] = []


def register(oversight: Oversight) -> None:
    """Make `oversight` the one the review record asks (again at each start-up: the last one
    registered answers)."""
    _registered[:] = [oversight]


def oversight() -> Oversight:
    """The registered oversight. Without one, reviews could be edited after sign-off and
    submissions would reach no one, so its absence is a configuration error, not a default."""
    if not _registered:
        raise ImproperlyConfigured(
            "No oversight of reviews is registered: is leder.governance in INSTALLED_APPS?"
        )
    return _registered[0]
