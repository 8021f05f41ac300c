"""Allocation: the local area contact offers a case to a reviewer, who accepts or declines it.

The model is an offer (ADR 0008). `case_allocate` records an `Allocation` in the "offered"
status, makes the reviewer the case's holder and moves the case to ALLOCATED; the reviewer then
accepts (the case goes into initial review) or declines with a reason (it goes back to
awaiting allocation, and the LAC allocates again). Reallocation withdraws the current offer or
accepted allocation, with a reason, and makes a new offer.

`case_involved_organisation_add` records the organisations involved in the person's care, which
is what conflicts of interest are checked against.

Every check that the allocation page shows (conflicts of interest, free capacity) is made again
here, inside the transaction, with the case and the reviewer locked: the page may be stale, and
two LACs may allocate at once. A refusal raises and writes nothing.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from leder.accounts import rules
from leder.accounts.models import Role
from leder.casework.lifecycle import TRANSITIONS
from leder.casework.models import (
    Allocation,
    AllocationStatus,
    Case,
    CaseEvent,
    RecruitmentStatus,
    Reviewer,
)
from leder.casework.selectors.allocation import reviewer_open_cases
from leder.casework.selectors.case import REVIEWING_ROLES
from leder.casework.selectors.register import conflicts_for
from leder.casework.services.lifecycle import (
    TransitionRefused,
    case_transition,
    check_transition,
)
from leder.casework.tasks import send_allocation_offer
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.presenters import count
from leder.core.time import now, today
from leder.organisations.models import PROVIDER_KINDS, Organisation


class AllocationRefused(TransitionRefused):
    """The reviewer cannot be allocated this case (a conflict, no capacity, not on the ICB's
    register of active, trained reviewers). The message names the reason, for the LAC."""


def _lock(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("notification__icb", "reviewer__user")
        .get(pk=case.pk)
    )


def _check(*, actor, case: Case, transition: str, reason: str = "") -> None:
    refusal = check_transition(
        actor=actor, case=case, transition=TRANSITIONS[transition], reason=reason
    )
    if refusal:
        raise (PermissionDenied if refusal.permission else TransitionRefused)(refusal.message)


def _current_allocation(case: Case) -> Allocation | None:
    """The offer or accepted allocation the case's reviewer holds now, if any."""
    return (
        case.allocations.filter(
            reviewer_id=case.reviewer_id,
            status__in=[AllocationStatus.OFFERED, AllocationStatus.ACCEPTED],
        )
        .order_by("-allocated_at", "-id")
        .first()
    )


def _lock_allocatable_reviewer(*, case: Case, reviewer: Reviewer) -> Reviewer:
    """The reviewer, locked (so that two allocations cannot both take their last free place),
    after checking they may take this case. Raises AllocationRefused with the reason."""
    locked = (
        Reviewer.objects.select_for_update(of=("self",))
        .select_related("user", "employer")
        .get(pk=reviewer.pk)
    )
    name = locked.user.full_name
    if locked.icb_id != case.notification.icb_id:
        raise AllocationRefused(f"{name} is not on this ICB's register of reviewers.")
    if not locked.is_active:
        raise AllocationRefused(f"{name} is not an active reviewer.")
    if locked.recruitment_status != RecruitmentStatus.TRAINED:
        raise AllocationRefused(f"{name} has not completed reviewer training.")
    if not rules.has_any_role(locked.user, *REVIEWING_ROLES, organisation=case.notification.icb):
        raise AllocationRefused(
            f"{name} does not hold a reviewer role at this ICB, so could not accept the case."
        )
    if locked.pk == case.reviewer_id:
        raise AllocationRefused(f"The case is already allocated to {name}.")
    conflicts = conflicts_for(reviewer=locked, case=case)
    if conflicts:
        raise AllocationRefused(f"{name} cannot be allocated this case. " + " ".join(conflicts))
    open_cases = reviewer_open_cases(reviewer=locked)
    if open_cases >= locked.capacity:
        raise AllocationRefused(
            f"{name} has no free capacity: {count(open_cases, 'open review')} of a maximum "
            f"of {locked.capacity}."
        )
    return locked


def _offer(*, actor, case: Case, reviewer: Reviewer) -> Allocation:
    Case.objects.filter(pk=case.pk).update(reviewer=reviewer)
    allocation = Allocation.objects.create(
        case=case, reviewer=reviewer, allocated_by=actor, allocated_at=now()
    )
    allocation_id = allocation.pk
    transaction.on_commit(lambda: send_allocation_offer.enqueue(allocation_id=allocation_id))
    return allocation


def _details(allocation: Allocation) -> dict:
    return {
        "allocation": allocation.pk,
        "reviewer": allocation.reviewer_id,
        "reviewer_name": allocation.reviewer.user.full_name,
    }


def case_allocate(*, actor, case: Case, reviewer: Reviewer) -> Allocation:
    """Offer `case` (awaiting allocation) to `reviewer`.

    Guarantees: only a local area contact of the case's ICB (PermissionDenied otherwise); the
    reviewer is an active, trained reviewer of that ICB holding a reviewer role there, with no
    conflict of interest and with free capacity, all checked with the case and the reviewer
    locked (AllocationRefused naming the reason otherwise, and nothing written). Writes the
    Allocation (offered), the case's reviewer, the "allocate" CaseEvent and its audit row in one
    transaction; e-mails the reviewer after commit."""
    with transaction.atomic():
        locked = _lock(case)
        _check(actor=actor, case=locked, transition="allocate")
        reviewer = _lock_allocatable_reviewer(case=locked, reviewer=reviewer)
        allocation = _offer(actor=actor, case=locked, reviewer=reviewer)
        case_transition(
            actor=actor, case=locked, transition="allocate", details=_details(allocation)
        )
    case.refresh_from_db()
    return allocation


def case_reallocate(*, actor, case: Case, reviewer: Reviewer, reason: str) -> Allocation:
    """Move `case` (allocated or in initial review) to another reviewer, with a reason.

    Guarantees as `case_allocate`, and: a reason is required (TransitionRefused otherwise); the
    current allocation is marked withdrawn with the reason; the new reviewer must accept the
    offer, so the case is ALLOCATED again. One transaction; nothing written on refusal."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _lock(case)
        _check(actor=actor, case=locked, transition="reallocate", reason=reason)
        reviewer = _lock_allocatable_reviewer(case=locked, reviewer=reviewer)
        previous = _current_allocation(locked)
        if previous is not None:
            previous.status = AllocationStatus.WITHDRAWN
            previous.responded_at = now()
            previous.response_reason = reason
            previous.save(update_fields=["status", "responded_at", "response_reason"])
        allocation = _offer(actor=actor, case=locked, reviewer=reviewer)
        details = _details(allocation)
        if previous is not None:
            details["previous_allocation"] = previous.pk
            details["previous_reviewer"] = previous.reviewer_id
        case_transition(
            actor=actor, case=locked, transition="reallocate", reason=reason, details=details
        )
    case.refresh_from_db()
    return allocation


def _offer_to(*, actor, case: Case) -> Allocation:
    """The open offer of `case` to `actor`. PermissionDenied if `actor` is not the reviewer the
    case is offered to: nobody accepts or declines on a reviewer's behalf."""
    allocation = _current_allocation(case)
    if not case.is_reviewer(actor) or allocation is None:
        raise PermissionDenied("Only the reviewer the case is offered to can accept or decline it.")
    return allocation


def allocation_accept(*, actor, case: Case) -> CaseEvent:
    """The allocated reviewer accepts `case`: the allocation becomes accepted and the case moves
    into initial review. PermissionDenied for anyone else; TransitionRefused if the case is no
    longer waiting for them (already accepted, reallocated, on hold). One transaction."""
    with transaction.atomic():
        locked = _lock(case)
        allocation = _offer_to(actor=actor, case=locked)
        _check(actor=actor, case=locked, transition="accept")
        allocation.status = AllocationStatus.ACCEPTED
        allocation.responded_at = now()
        allocation.save(update_fields=["status", "responded_at"])
        event = case_transition(
            actor=actor, case=locked, transition="accept", details=_details(allocation)
        )
    case.refresh_from_db()
    return event


def allocation_decline(*, actor, case: Case, reason: str) -> CaseEvent:
    """The allocated reviewer declines `case`, with a reason: the allocation becomes declined
    (the reason kept on it and on the CaseEvent), the case has no reviewer and is awaiting
    allocation again. PermissionDenied for anyone else; TransitionRefused without a reason or if
    the case is no longer waiting for them. One transaction."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _lock(case)
        allocation = _offer_to(actor=actor, case=locked)
        _check(actor=actor, case=locked, transition="decline", reason=reason)
        allocation.status = AllocationStatus.DECLINED
        allocation.responded_at = now()
        allocation.response_reason = reason
        allocation.save(update_fields=["status", "responded_at", "response_reason"])
        # The lifecycle's guard checks the reviewer, so the transition comes before clearing it.
        event = case_transition(
            actor=actor,
            case=locked,
            transition="decline",
            reason=reason,
            details=_details(allocation),
        )
        Case.objects.filter(pk=locked.pk).update(reviewer=None)
    case.refresh_from_db()
    return event


def case_involved_organisation_add(*, actor, case: Case, organisation: Organisation) -> None:
    """Record that `organisation` was involved in the person's care, so that a reviewer it
    employs, or who declared a conflict with it, cannot be allocated the case.

    Guarantees: only a local area contact of the case's ICB (PermissionDenied otherwise); the
    organisation is an open provider (a GP practice, trust, council, care provider or other) and
    not already recorded (ValidationError otherwise, nothing written); an audit row is written
    in the same transaction. It does not move the current reviewer: the case page warns the LAC
    when the current reviewer now has a conflict, and reallocation needs their reason."""
    with transaction.atomic():
        locked = _lock(case)
        if not rules.has_role(actor, Role.LAC, organisation=locked.notification.icb):
            raise PermissionDenied("Only a local area contact for this ICB can do this.")
        if organisation.kind not in PROVIDER_KINDS or not organisation.is_open_on(today()):
            raise ValidationError("Select an open organisation that provides care.")
        if locked.involved_organisations.filter(pk=organisation.pk).exists():
            raise ValidationError(f"{organisation.name} is already listed for this case.")
        locked.involved_organisations.add(organisation)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary=f"{locked.reference}: {organisation.name} recorded as involved in care",
            details={"involved_organisation_added": organisation.ods_code},
        )
