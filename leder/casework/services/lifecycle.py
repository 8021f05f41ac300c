"""The only code that changes a case's state.

`case_transition` looks the move up in `lifecycle.TRANSITIONS`, checks the state, the actor's
role at the case's ICB, the reason and the guard, then changes the state, writes the immutable
`CaseEvent` and the audit row in one transaction. An illegal move raises and changes nothing.
Moves that belong to a governance service (sign-off, return, reopening) are refused unless that
service names itself in `service`.
Services for particular moves (allocation, holds, triage) call it inside their own transaction.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction

from leder.accounts import rules
from leder.casework import deadlines
from leder.casework.lifecycle import RESUME, TRANSITIONS, Transition
from leder.casework.models import Case, CaseEvent, CaseHold, CaseState, HoldKind
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now


class TransitionRefused(Exception):
    """The move is not allowed from the case's state, or its guard refused it. The message is
    written for the person who tried."""


@dataclass(frozen=True)
class Refusal:
    message: str
    permission: bool = False


def check_transition(
    *, actor, case: Case, transition: Transition, reason: str = ""
) -> Refusal | None:
    """Why `actor` may not make `transition` on `case` now, or None if they may. Used by views to
    show only the actions a user can take, and by `case_transition` to enforce them."""
    if case.state not in transition.sources:
        return Refusal(
            f"A case that is {CaseState(case.state).label.lower()} cannot be moved by "
            f"“{transition.label.lower()}”."
        )
    if not rules.has_any_role(actor, *transition.roles, organisation=case.notification.icb):
        return Refusal(
            "You do not have a role at this case's ICB that allows this.", permission=True
        )
    if transition.needs_reason and not reason.strip():
        return Refusal("Enter a reason.")
    if transition.guard is not None:
        message = transition.guard(case, actor)
        if message:
            return Refusal(message)
    return None


def case_transition(
    *,
    actor,
    case: Case,
    transition: str,
    reason: str = "",
    details: dict | None = None,
    service: str = "",
) -> CaseEvent:
    """Move `case` by the named transition. Guarantees: the move is in the table and allowed for
    the actor's role at the case's ICB; a required reason is given; the case row is locked for the
    change; one CaseEvent and one audit row are written with it. Raises PermissionDenied or
    TransitionRefused and changes nothing otherwise."""
    definition = TRANSITIONS.get(transition)
    if definition is None:
        raise TransitionRefused(f"There is no “{transition}” step in the case lifecycle.")
    if definition.service and service != definition.service:
        # Signing off and reopening do more than move the case: only their service may.
        raise TransitionRefused(f"“{definition.label}” is done through {definition.service}.")
    with transaction.atomic():
        locked = (
            # Lock the case row only: PostgreSQL refuses FOR UPDATE on the nullable side of the
            # outer join to the reviewer.
            Case.objects.select_for_update(of=("self",))
            .select_related("notification__icb", "reviewer")
            .get(pk=case.pk)
        )
        refusal = check_transition(actor=actor, case=locked, transition=definition, reason=reason)
        if refusal:
            raise (PermissionDenied if refusal.permission else TransitionRefused)(refusal.message)
        event = _apply(
            actor=actor, case=locked, definition=definition, reason=reason, details=details or {}
        )
    case.refresh_from_db()
    return event


def hold_fields(details: dict) -> dict:
    """The hold's process, from the transition's details (kept in the CaseEvent and the audit
    too): `hold_kind`, `other_organisation`, `other_reference`, `expected_end_on` (ISO date)."""
    kind = details.get("hold_kind") or HoldKind.OTHER
    if kind not in HoldKind.values:
        raise TransitionRefused("Select the process that holds the review.")
    expected = details.get("expected_end_on")
    return {
        "kind": kind,
        "other_organisation": str(details.get("other_organisation", "")).strip()[:200],
        "other_reference": str(details.get("other_reference", "")).strip()[:100],
        "expected_end_on": date.fromisoformat(expected) if expected else None,
    }


def _apply(*, actor, case: Case, definition: Transition, reason: str, details: dict) -> CaseEvent:
    at = now()
    from_state = case.state
    to_state = case.held_from_state if definition.target == RESUME else definition.target
    if definition.name == "hold":
        CaseHold.objects.create(
            case=case,
            started_at=at,
            started_by=actor,
            reason=reason.strip(),
            **hold_fields(details),
        )
        case.held_from_state = from_state
    elif definition.name == "resume":
        hold = case.holds.filter(ended_at__isnull=True).get()
        hold.ended_at, hold.ended_by, hold.end_reason = at, actor, reason.strip()
        hold.outcome = str(details.get("outcome", "")).strip()
        hold.save(update_fields=["ended_at", "ended_by", "end_reason", "outcome"])
        case.held_from_state = ""
        case.due_on = deadlines.due_date(
            notified_on=case.notified_on,
            hold_days=deadlines.days_on_hold(case.holds.all(), until=at),
        )
    case.state = to_state
    case.state_changed_at = at
    case.save(update_fields=["state", "state_changed_at", "held_from_state", "due_on", "reviewer"])
    event = CaseEvent.objects.create(
        case=case,
        transition=definition.name,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        occurred_at=at,
        reason=reason.strip(),
        details=details,
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=case,
        summary=f"{case.reference}: {definition.label} ({from_state} → {to_state})",
        details={
            "transition": definition.name,
            "from": from_state,
            "to": to_state,
            "reason": reason.strip(),
            **details,
        },
    )
    return event
