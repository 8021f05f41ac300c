"""The case lifecycle as data (DOMAIN.md "The lifecycle"; ARCHITECTURE.md "The lifecycle is data").

`TRANSITIONS` is the whole truth about how a case may move: from which states, to which state,
which roles (held at the case's ICB) may make the move, whether a reason is required, and any
further guard. `services.lifecycle.case_transition` is the only code that changes a case's state,
and it does so only by looking a transition up here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from leder.accounts.models import Role
from leder.casework.models import ACTIVE_STATES, CaseState

# A guard returns None to allow the move, or the message to show when it refuses.
Guard = Callable[["Case", object], str | None]  # noqa: F821

RESUME = "resume-to-held-state"


def _is_case_reviewer(case, actor) -> str | None:
    if not case.is_reviewer(actor):
        return "Only the reviewer the case is allocated to can do this."
    return None


def _not_with_open_duplicates(case, actor) -> str | None:
    if case.notification.duplicate_flags.filter(status="open").exists():
        return "Decide about the possible duplicates of this notification first."
    return None


def _not_an_author(case, actor) -> str | None:
    """Nobody quality-assures or signs off a review they wrote: not the allocated reviewer, and
    not anyone who saved a version of the case's reviews."""
    from leder.reviews.models import ReviewVersion

    user_id = getattr(actor, "pk", None)
    if case.is_reviewer(actor):
        return "You cannot quality-assure or sign off a review you wrote."
    if ReviewVersion.objects.filter(review__case=case, saved_by_id=user_id).exists():
        return "You cannot quality-assure or sign off a review you wrote."
    return None


def _has_focused_review(case) -> bool:
    return case.reviews.filter(kind="focused").exists()


def _reopens_initial(case, actor) -> str | None:
    if _has_focused_review(case):
        return "This case was completed by a focused review: reopen the focused review."
    return None


def _reopens_focused(case, actor) -> str | None:
    if not _has_focused_review(case):
        return "This case has no focused review to reopen."
    return None


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    needs_reason: bool = False
    guard: Guard | None = None
    # The governance service that must make this move, because it does more than move the case
    # (a sign-off locks the review; a reopening ends the lock). `case_transition` refuses the
    # move unless that service asks for it.
    service: str = ""


def _t(
    name, label, sources, target, roles, *, needs_reason=False, guard=None, service=""
) -> Transition:
    return Transition(
        name, label, frozenset(sources), target, frozenset(roles), needs_reason, guard, service
    )


LAC = {Role.LAC}
REVIEWER = {Role.REVIEWER, Role.SENIOR_REVIEWER}
PANEL = {Role.PANEL_MEMBER, Role.PANEL_CHAIR}
ACTIVE = set(ACTIVE_STATES)

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        # Triage (opens the case).
        _t(
            "triage_eligible",
            "Confirm eligible",
            {CaseState.NOTIFIED},
            CaseState.AWAITING_ALLOCATION,
            LAC,
            guard=_not_with_open_duplicates,
        ),
        _t(
            "triage_child_death_review",
            "Route to the child death review",
            {CaseState.NOTIFIED},
            CaseState.CHILD_DEATH_REVIEW,
            LAC,
            guard=_not_with_open_duplicates,
        ),
        _t(
            "triage_not_eligible",
            "Record not eligible",
            {CaseState.NOTIFIED},
            CaseState.NOT_ELIGIBLE,
            LAC,
            needs_reason=True,
            guard=_not_with_open_duplicates,
        ),
        _t(
            "reconsider",
            "Reconsider eligibility",
            {CaseState.NOT_ELIGIBLE, CaseState.CHILD_DEATH_REVIEW},
            CaseState.AWAITING_ALLOCATION,
            LAC,
            needs_reason=True,
        ),
        _t(
            "record_opt_out",
            "Record a national data opt-out",
            {CaseState.NOTIFIED, CaseState.ON_HOLD, *ACTIVE},
            CaseState.OPTED_OUT,
            LAC,
            needs_reason=True,
        ),
        # Allocation.
        _t(
            "allocate",
            "Allocate to a reviewer",
            {CaseState.AWAITING_ALLOCATION},
            CaseState.ALLOCATED,
            LAC,
        ),
        _t(
            "reallocate",
            "Reallocate",
            {CaseState.ALLOCATED, CaseState.INITIAL_REVIEW},
            CaseState.ALLOCATED,
            LAC,
            needs_reason=True,
        ),
        _t(
            "accept",
            "Accept the case",
            {CaseState.ALLOCATED},
            CaseState.INITIAL_REVIEW,
            REVIEWER,
            guard=_is_case_reviewer,
        ),
        _t(
            "decline",
            "Decline the case",
            {CaseState.ALLOCATED},
            CaseState.AWAITING_ALLOCATION,
            REVIEWER,
            needs_reason=True,
            guard=_is_case_reviewer,
        ),
        # The review (services in the review issue).
        _t(
            "submit_for_qa",
            "Submit for quality assurance",
            {CaseState.INITIAL_REVIEW},
            CaseState.QUALITY_ASSURANCE,
            REVIEWER,
            guard=_is_case_reviewer,
        ),
        _t(
            "start_focused_review",
            "Start a focused review",
            {CaseState.INITIAL_REVIEW},
            CaseState.FOCUSED_REVIEW,
            REVIEWER,
            guard=_is_case_reviewer,
        ),
        _t(
            "submit_to_panel",
            "Submit to the panel",
            {CaseState.FOCUSED_REVIEW},
            CaseState.PANEL,
            REVIEWER,
            guard=_is_case_reviewer,
        ),
        # Governance (services in the governance issue).
        _t(
            "qa_approve",
            "Approve",
            {CaseState.QUALITY_ASSURANCE},
            CaseState.COMPLETED,
            {Role.SENIOR_REVIEWER},
            guard=_not_an_author,
            service="governance.services.qa.qa_approve",
        ),
        _t(
            "qa_return",
            "Return for amendment",
            {CaseState.QUALITY_ASSURANCE},
            CaseState.INITIAL_REVIEW,
            {Role.SENIOR_REVIEWER},
            needs_reason=True,
            guard=_not_an_author,
            service="governance.services.qa.qa_return",
        ),
        _t(
            "panel_sign_off",
            "Sign off",
            {CaseState.PANEL},
            CaseState.COMPLETED,
            PANEL,
            guard=_not_an_author,
            service="governance.services.panels.panel_decision_record",
        ),
        _t(
            "panel_return",
            "Return for amendment",
            {CaseState.PANEL},
            CaseState.FOCUSED_REVIEW,
            PANEL,
            needs_reason=True,
            guard=_not_an_author,
            service="governance.services.panels.panel_decision_record",
        ),
        # Reopening goes through governance.services.signoff.review_reopen, which ends the
        # sign-off lock in the same transaction.
        _t(
            "reopen",
            "Reopen",
            {CaseState.COMPLETED},
            CaseState.INITIAL_REVIEW,
            {Role.LAC, Role.PANEL_CHAIR},
            needs_reason=True,
            guard=_reopens_initial,
            service="governance.services.signoff.review_reopen",
        ),
        _t(
            "reopen_focused",
            "Reopen",
            {CaseState.COMPLETED},
            CaseState.FOCUSED_REVIEW,
            {Role.LAC, Role.PANEL_CHAIR},
            needs_reason=True,
            guard=_reopens_focused,
            service="governance.services.signoff.review_reopen",
        ),
        # A completed review brought from the previous platform by the bulk import: the case
        # is opened and completed in one step, its review locked as imported.
        _t(
            "import_completed",
            "Import a completed review",
            {CaseState.NOTIFIED},
            CaseState.COMPLETED,
            LAC,
            guard=_not_with_open_duplicates,
            service="imports.services.import_batch_commit",
        ),
        # Holds.
        _t("hold", "Put on hold", ACTIVE, CaseState.ON_HOLD, LAC, needs_reason=True),
        _t("resume", "Resume", {CaseState.ON_HOLD}, RESUME, LAC, needs_reason=True),
    ]
}


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]
