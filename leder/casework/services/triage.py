"""Triage: the local area contact's first decision on a notification, which opens its case."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from leder.accounts import rules
from leder.casework import deadlines
from leder.casework.models import Case, CaseEvent, CaseState
from leder.casework.services.lifecycle import TransitionRefused, case_transition
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now
from leder.notifications.models import DuplicateStatus, NotificationState

TRIAGE_DECISIONS = {
    "eligible": "triage_eligible",
    "child_death_review": "triage_child_death_review",
    "not_eligible": "triage_not_eligible",
    "opted_out": "record_opt_out",
}


def case_open(*, actor, notification) -> Case:
    """The case for `notification`, opened (in the NOTIFIED state) if it has none. Refuses a
    merged notification: its death is the case of the notification it merged into."""
    if not rules.can_triage(actor, icb_id=notification.icb_id):
        raise PermissionDenied(
            "Only a local area contact for this ICB can triage this notification."
        )
    if notification.state == NotificationState.MERGED:
        raise TransitionRefused(
            f"{notification.reference} was merged into {notification.merged_into.reference}; "
            "triage that notification instead."
        )
    existing = Case.objects.filter(notification=notification).first()
    if existing:
        return existing
    at = now()
    notified_on = timezone.localtime(notification.received_at).date()
    case = Case.objects.create(
        notification=notification,
        state=CaseState.NOTIFIED,
        state_changed_at=at,
        opened_at=at,
        notified_on=notified_on,
        due_on=deadlines.due_date(notified_on=notified_on),
    )
    if notification.gp_practice_id:
        case.involved_organisations.add(notification.gp_practice_id)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=case,
        summary=f"Case opened for {notification.reference}",
    )
    return case


def case_triage(*, actor, notification, decision: str, reason: str = "") -> CaseEvent:
    """Record the triage decision: eligible (awaiting allocation), child death review, not
    eligible (with a reason) or a national data opt-out (with a reason; the person's details are
    then erased, see `case_record_opt_out`). One transaction: a refused decision opens no case."""
    transition = TRIAGE_DECISIONS.get(decision)
    if transition is None:
        raise TransitionRefused("Select a triage decision.")
    if decision == "opted_out":
        with transaction.atomic():
            case = case_open(actor=actor, notification=notification)
            # The opt-out step has no duplicate guard (it may come at any time in a review), but
            # at triage the possible duplicates must be decided first: once the details are
            # erased nobody could tell whether this was the same death as another notification.
            if case.state == CaseState.NOTIFIED and _has_open_duplicates(notification):
                raise TransitionRefused(OPEN_DUPLICATES_MESSAGE)
            return case_record_opt_out(actor=actor, case=case, reason=reason)
    with transaction.atomic():
        case = case_open(actor=actor, notification=notification)
        return case_transition(actor=actor, case=case, transition=transition, reason=reason)


def case_reconsider(*, actor, case: Case, reason: str) -> CaseEvent:
    """Reconsider a case recorded as not eligible or routed to the child death review: it goes
    back to awaiting allocation. Needs a reason; a local area contact of the case's ICB only.
    One CaseEvent and audit row (through `case_transition`), or nothing."""
    return case_transition(actor=actor, case=case, transition="reconsider", reason=reason)


OPEN_DUPLICATES_MESSAGE = "Decide about the possible duplicates of this notification first."


def _has_open_duplicates(notification) -> bool:
    return notification.duplicate_flags.filter(status=DuplicateStatus.OPEN).exists()


# What is kept of a person who opted out: the fact of the death and the opt-out, never who.
OPTED_OUT_NAME = "Opted out"


def case_record_opt_out(*, actor, case: Case, reason: str) -> CaseEvent:
    """A national data opt-out is registered for the person: stop the review and hold no more
    personal data than the fact of the opt-out. Names, NHS number, address, free text and the
    notifiers' contact details are erased; the reference, ICB, month and year of death, the
    notification's receipt and the case history stay (so the death is still counted)."""
    with transaction.atomic():
        event = case_transition(actor=actor, case=case, transition="record_opt_out", reason=reason)
        notification = case.notification
        notification.given_name = OPTED_OUT_NAME
        notification.family_name = ""
        notification.other_names = ""
        notification.nhs_number = ""
        notification.address = ""
        notification.postcode = ""
        notification.gp_practice_text = ""
        notification.circumstances = ""
        notification.care_concerns = ""
        notification.place_of_death_detail = ""
        notification.date_of_birth = notification.date_of_birth.replace(month=1, day=1)
        notification.date_of_death = notification.date_of_death.replace(day=1)
        notification.save()
        for source in notification.sources.all():
            source.name = OPTED_OUT_NAME
            source.relationship_detail = ""
            source.organisation_name = ""
            source.email = ""
            source.phone = ""
            source.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=notification,
            summary=f"{notification.reference}: personal data erased after a national data opt-out",
        )
    return event
