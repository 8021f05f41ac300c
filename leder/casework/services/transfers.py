"""Moving a notified death, and its case, to another ICB (issue 15, docs/adr/0151).

`transfer_request`: a local area contact of the ICB that holds it, or a regional coordinator of
that ICB's region, asks with a reason. `transfer_accept`: a local area contact of the receiving
ICB takes it: the notification's ICB changes (and so the case's: a case's ICB is its
notification's), allocations at the old ICB end and an allocated or started case waits for
allocation at the new one, the 6-month clock runs on unchanged, and the case's history gets a
"transfer" event. `transfer_return`: the receiving LAC refuses it with a reason; nothing moves.
Each step is audited and e-mails the local area contacts of both ICBs (references only).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from leder.accounts import rules
from leder.accounts.models import Role
from leder.casework.models import (
    Allocation,
    AllocationStatus,
    Case,
    CaseEvent,
    CaseState,
    Transfer,
    TransferStatus,
)
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now
from leder.notifications.models import Notification, NotificationState
from leder.organisations.areas import AreaSource
from leder.organisations.selectors import icbs_open

# A case in these states may move: its review has not gone past the initial review. A case in
# quality assurance, a focused review or at the panel is finished where it is.
TRANSFERABLE_STATES = frozenset(
    {
        CaseState.NOTIFIED,
        CaseState.AWAITING_ALLOCATION,
        CaseState.ALLOCATED,
        CaseState.INITIAL_REVIEW,
        CaseState.ON_HOLD,
    }
)
# Reviewer-held states: the old ICB's reviewer lets go, the case waits for allocation.
_BACK_TO_ALLOCATION = frozenset({CaseState.ALLOCATED, CaseState.INITIAL_REVIEW})


def can_request_transfer(user, notification: Notification) -> bool:
    icb = notification.icb
    if icb is None:
        return False
    return rules.has_role(user, Role.LAC, organisation=icb) or (
        icb.region_id is not None
        and rules.has_role(user, Role.REGIONAL_COORDINATOR, organisation=icb.region)
    )


def transfer_refusal(notification: Notification) -> str:
    """Why this death cannot be transferred now, or "" if it can."""
    if notification.icb_id is None:
        return "This death has no area yet: place it from the unassigned queue."
    if notification.state == NotificationState.MERGED:
        return "This notification was merged into another: transfer that one."
    case = Case.objects.filter(notification=notification).first()
    if case is not None:
        where = case.held_from_state if case.state == CaseState.ON_HOLD else case.state
        if case.state not in TRANSFERABLE_STATES or where not in TRANSFERABLE_STATES:
            return (
                f"A case that is {CaseState(where).label.lower()} stays with its ICB: only a "
                "case before quality assurance can be transferred."
            )
    if Transfer.objects.filter(notification=notification, status=TransferStatus.PENDING).exists():
        return "A transfer of this death is already waiting for the receiving ICB."
    return ""


def transfer_request(*, actor, notification: Notification, to_icb, reason: str) -> Transfer:
    if not can_request_transfer(actor, notification):
        raise PermissionDenied(
            "Only a local area contact of the ICB that holds this death, or its regional "
            "coordinator, can transfer it."
        )
    errors = {}
    if not reason.strip():
        errors["reason"] = "Enter why the death should move to another ICB"
    if to_icb is None or not icbs_open().filter(pk=to_icb.pk).exists():
        errors["to_icb"] = "Select the ICB the death should move to"
    elif to_icb.pk == notification.icb_id:
        errors["to_icb"] = "Select another ICB: the death is already in this one"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        refusal = transfer_refusal(locked)
        if refusal:
            raise ValidationError(refusal)
        transfer = Transfer.objects.create(
            notification=locked,
            from_icb_id=locked.icb_id,
            to_icb=to_icb,
            reason=reason.strip(),
            requested_by=actor,
            requested_at=now(),
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary=f"Transfer of {locked.reference} to {to_icb.display_name} asked",
            details={
                "transfer": transfer.pk,
                "from": locked.icb.ods_code,
                "to": to_icb.ods_code,
                "reason": reason.strip(),
            },
        )
        _tell_both(transfer, "requested")
    return transfer


def _pending_for(actor, transfer: Transfer) -> Transfer:
    if not rules.has_role(actor, Role.LAC, organisation=transfer.to_icb):
        raise PermissionDenied("Only a local area contact of the receiving ICB can decide.")
    locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if locked.status != TransferStatus.PENDING:
        raise ValidationError("This transfer has already been decided.")
    return locked


def transfer_accept(*, actor, transfer: Transfer, reason: str = "") -> Transfer:
    with transaction.atomic():
        locked = _pending_for(actor, transfer)
        notification = Notification.objects.select_for_update().get(pk=locked.notification_id)
        if notification.icb_id != locked.from_icb_id:
            raise ValidationError("The death has moved since the transfer was asked.")
        at = now()
        notification.icb = locked.to_icb
        notification.region_id = locked.to_icb.region_id
        notification.area_source = AreaSource.TRANSFERRED
        notification.area_explanation = (
            f"Transferred from {locked.from_icb.display_name}: {locked.reason}"
        )[:300]
        notification.save(update_fields=["icb", "region", "area_source", "area_explanation"])
        ended = _move_case(actor=actor, transfer=locked, at=at)
        locked.status = TransferStatus.ACCEPTED
        locked.decided_by, locked.decided_at = actor, at
        locked.decision_reason = reason.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=notification,
            summary=f"{notification.reference} transferred from "
            f"{locked.from_icb.display_name} to {locked.to_icb.display_name}",
            details={
                "transfer": locked.pk,
                "from": locked.from_icb.ods_code,
                "to": locked.to_icb.ods_code,
                "allocations_ended": ended,
            },
        )
        _tell_both(locked, "accepted")
    transfer.refresh_from_db()
    return transfer


def _move_case(*, actor, transfer: Transfer, at) -> list[int]:
    """End the old ICB's allocations and put an allocated or started case back to waiting for
    allocation; the due date is not touched (the clock runs on). The history says where it went."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .filter(notification_id=transfer.notification_id)
        .first()
    )
    if case is None:
        return []
    ended = list(
        Allocation.objects.filter(
            case=case, status__in=[AllocationStatus.OFFERED, AllocationStatus.ACCEPTED]
        ).values_list("pk", flat=True)
    )
    Allocation.objects.filter(pk__in=ended).update(
        status=AllocationStatus.WITHDRAWN,
        responded_at=at,
        response_reason=f"Transferred to {transfer.to_icb.display_name}",
    )
    from_state = case.state
    if case.state in _BACK_TO_ALLOCATION:
        case.state = CaseState.AWAITING_ALLOCATION
        case.state_changed_at = at
    elif case.state == CaseState.ON_HOLD and case.held_from_state in _BACK_TO_ALLOCATION:
        case.held_from_state = CaseState.AWAITING_ALLOCATION
    case.reviewer = None
    case.save(update_fields=["state", "state_changed_at", "held_from_state", "reviewer"])
    CaseEvent.objects.create(
        case=case,
        transition="transfer",
        from_state=from_state,
        to_state=case.state,
        actor=actor,
        occurred_at=at,
        reason=transfer.reason,
        details={
            "transfer": transfer.pk,
            "from_icb": transfer.from_icb.ods_code,
            "from_icb_name": transfer.from_icb.display_name,
            "to_icb": transfer.to_icb.ods_code,
            "to_icb_name": transfer.to_icb.display_name,
            "allocations_ended": ended,
        },
    )
    return ended


def transfer_return(*, actor, transfer: Transfer, reason: str) -> Transfer:
    if not reason.strip():
        raise ValidationError({"reason": "Enter why you are returning the death"})
    with transaction.atomic():
        locked = _pending_for(actor, transfer)
        locked.status = TransferStatus.RETURNED
        locked.decided_by, locked.decided_at = actor, now()
        locked.decision_reason = reason.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked.notification,
            summary=f"Transfer of {locked.notification.reference} to "
            f"{locked.to_icb.display_name} returned",
            details={"transfer": locked.pk, "reason": reason.strip()},
        )
        _tell_both(locked, "returned")
    transfer.refresh_from_db()
    return transfer


def _tell_both(transfer: Transfer, what: str) -> None:
    from leder.casework.tasks import send_transfer_notice

    transfer_id = transfer.pk
    transaction.on_commit(lambda: send_transfer_notice.enqueue(transfer_id=transfer_id, what=what))
