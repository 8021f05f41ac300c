"""Writing many new cases at once, each in the state its lifecycle steps lead to, with its
allocation, case events and hold: what the triage, allocation and hold services write for one,
a table at a time (ADR 0178). Used by the bulk import (`imports.writing`) and the demo history
(`demo.history_writes`), which work out each case's steps (transition, from, to, when, reason)
and who took them.

Only new cases, for new notifications: every case is a `Case(...)` made here and inserted with
`core.bulk.insert`, never one looked up (the import's guard, `governance/tests/test_lock.py`,
relies on it)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from leder.casework import deadlines
from leder.casework.models import (
    Allocation,
    AllocationStatus,
    Case,
    CaseEvent,
    CaseHold,
    CaseState,
    Reviewer,
)
from leder.core import bulk

# (transition, from state, to state, when, reason)
Step = tuple[str, str, str, datetime, str]
# Who took a step, and what its event's details add: (actor, details).
ActorOf = Callable[[str], tuple[object, dict]]


@dataclass
class NewCase:
    notification: object  # a Notification already inserted
    steps: list[Step]
    opened_at: datetime
    actor_of: ActorOf
    # When the case's state last changed, if it has no steps (its opening).
    state_changed_at: datetime | None = None
    held_from_state: str = ""
    # The reviewer the case is allocated to, by whom and when; accepted when `responded_at`.
    reviewer: Reviewer | None = None
    allocated_by: object = None
    allocated_at: datetime | None = None
    responded_at: datetime | None = None
    # The hold's fields (CaseHold's, besides the case), when the case is on hold.
    hold: dict | None = None
    # Details every event of the case carries.
    details: dict = field(default_factory=dict)
    involved_organisation_ids: tuple[int, ...] = ()
    # Set by `cases_insert`.
    case: Case | None = None
    allocation: Allocation | None = None


def cases_insert(new_cases: list[NewCase]) -> int:
    """Insert a case for each of `new_cases` (set on it as `.case`), in the state its last step
    leads to (notified without steps), due 6 months after its notification was received; its
    involved organisations; its allocation (`.allocation`); an event for each step, those of
    allocating and accepting naming the allocation and reviewer; and its hold. Returns the
    number of events."""
    for new in new_cases:
        steps = new.steps
        notified_on = timezone.localtime(new.notification.received_at).date()
        new.case = Case(
            notification=new.notification,
            state=steps[-1][2] if steps else CaseState.NOTIFIED,
            state_changed_at=steps[-1][3] if steps else new.state_changed_at,
            held_from_state=new.held_from_state,
            opened_at=new.opened_at,
            notified_on=notified_on,
            due_on=deadlines.due_date(notified_on=notified_on),
            reviewer=new.reviewer,
        )
    bulk.insert(Case, [new.case for new in new_cases])
    through = Case.involved_organisations.through
    bulk.insert(
        through,
        [
            through(case_id=new.case.pk, organisation_id=organisation_id)
            for new in new_cases
            for organisation_id in new.involved_organisation_ids
        ],
    )
    for new in new_cases:
        if new.reviewer is None:
            continue
        accepted = new.responded_at is not None
        new.allocation = Allocation(
            case=new.case,
            reviewer=new.reviewer,
            allocated_by=new.allocated_by,
            allocated_at=new.allocated_at,
            status=AllocationStatus.ACCEPTED if accepted else AllocationStatus.OFFERED,
            responded_at=new.responded_at,
        )
    bulk.insert(Allocation, [new.allocation for new in new_cases if new.allocation is not None])
    events, holds = [], []
    for new in new_cases:
        for transition, source, target, at, reason in new.steps:
            actor, extra = new.actor_of(transition)
            details = {**new.details, **extra}
            if transition in ("allocate", "accept") and new.allocation is not None:
                details |= {
                    "allocation": new.allocation.pk,
                    "reviewer": new.reviewer.pk,
                    "reviewer_name": new.reviewer.user.full_name,
                }
            events.append(
                CaseEvent(
                    case=new.case,
                    transition=transition,
                    from_state=source,
                    to_state=target,
                    actor=actor,
                    occurred_at=at,
                    reason=reason,
                    details=details,
                )
            )
        if new.hold is not None:
            holds.append(CaseHold(case=new.case, **new.hold))
    bulk.insert(CaseEvent, events)
    bulk.insert(CaseHold, holds)
    return len(events)
