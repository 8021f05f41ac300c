"""Writes for the governance panel: setting the panel up, scheduling its meetings, the agenda of
focused reviews, attendance, minutes, and the panel's decision on each review.

Who may do what (roles held at the panel's ICB, from `leder.accounts.rules`):

- the local area contact or the panel chair set the panel up and run its meetings (schedule,
  agenda, attendance, minutes): they are the panel's secretariat;
- a panel member or the panel chair records the panel's decision on a review, only at a quorate
  meeting, and never on a review they wrote (the lifecycle's `_not_an_author` guard);
- members are not managed here: they are whoever holds the panel member or panel chair role at
  the ICB (administrators grant roles), so membership has one source of truth.

Each service checks permission (PermissionDenied), validates (ValidationError in words for the
user), changes state and writes its audit row in one transaction. Signing off locks the review
(`services.signoff.review_lock`) and completes the case in the same transaction.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from leder.accounts import rules
from leder.accounts.models import Role
from leder.casework.lifecycle import TRANSITIONS
from leder.casework.models import CaseState
from leder.casework.services.lifecycle import TransitionRefused, case_transition
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.presenters import date_long
from leder.core.time import now, today
from leder.governance.models import (
    AgendaItem,
    MeetingStatus,
    Panel,
    PanelDecision,
    PanelMeeting,
    SignOffRoute,
)
from leder.governance.services.signoff import review_lock
from leder.organisations.models import Organisation
from leder.reviews.models import Review, ReviewKind

# The service string the lifecycle asks for on the panel's moves.
SERVICE = "governance.services.panels.panel_decision_record"
PANEL_ROLES = (Role.PANEL_MEMBER, Role.PANEL_CHAIR)
SECRETARIAT = (Role.LAC, Role.PANEL_CHAIR)
MAX_QUORUM = 20


# -- Who may ------------------------------------------------------------------------------------


def can_run_panel(user, *, icb: Organisation) -> bool:
    """Set the panel up and run its meetings: the ICB's local area contact or panel chair."""
    return rules.has_any_role(user, *SECRETARIAT, organisation=icb)


def is_panel_member(user, *, icb: Organisation) -> bool:
    """Decide on reviews: a panel member or the panel chair of the ICB."""
    return rules.has_any_role(user, *PANEL_ROLES, organisation=icb)


def _check_runs(actor, icb: Organisation) -> None:
    if not can_run_panel(actor, icb=icb):
        raise PermissionDenied(
            "Only the local area contact or the panel chair of this ICB can do this."
        )


def _meeting_open(meeting: PanelMeeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("This meeting was cancelled.")


def meeting_not_yet_refusal(meeting: PanelMeeting) -> str | None:
    """Why what happened at `meeting` cannot be recorded yet, or None: who attended, the
    panel's decisions, the actions it agreed and the minutes belong to the day of the meeting
    or later (Europe/London), never before it (issue 16: a meeting on 20 December was recorded
    as held on 6 December). The agenda can be prepared before."""
    day = timezone.localtime(meeting.starts_at).date()
    if day > today():
        return (
            f"This meeting is on {date_long(day)}. You can record who attended, the panel's "
            "decisions, its actions and the minutes from that day."
        )
    return None


def _meeting_has_come(meeting: PanelMeeting) -> None:
    refusal = meeting_not_yet_refusal(meeting)
    if refusal:
        raise ValidationError(refusal)


# -- Quorum -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    """Who of the panel attended, against what the panel's terms need."""

    members_attending: int
    needed: int
    chair_attending: bool

    @property
    def is_quorate(self) -> bool:
        return self.members_attending >= self.needed and self.chair_attending


def meeting_quorum(meeting: PanelMeeting) -> Quorum:
    """Quorate when at least `Panel.quorum` people holding a panel role at the ICB today attend,
    one of them a chair. Attendees who no longer hold the role do not count."""
    icb = meeting.panel.icb
    members = chairs = 0
    for user in meeting.attendees.all():
        if rules.has_any_role(user, *PANEL_ROLES, organisation=icb):
            members += 1
            chairs += rules.has_role(user, Role.PANEL_CHAIR, organisation=icb)
    return Quorum(
        members_attending=members, needed=meeting.panel.quorum, chair_attending=chairs > 0
    )


# -- The panel ----------------------------------------------------------------------------------


def panel_save(
    *, actor, icb: Organisation, name: str, quorum: int, terms_of_reference: str = ""
) -> Panel:
    """Create or change the ICB's panel (one per ICB). The LAC or the panel chair. Audited with
    what changed; a save that changes nothing writes nothing."""
    _check_runs(actor, icb)
    name = (name or "").strip()
    terms = (terms_of_reference or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Enter the panel's name"
    if not isinstance(quorum, int) or not 1 <= quorum <= MAX_QUORUM:
        errors["quorum"] = f"The quorum must be a whole number from 1 to {MAX_QUORUM}"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        panel = Panel.objects.select_for_update().filter(icb=icb).first()
        before = (
            {
                "name": panel.name,
                "quorum": panel.quorum,
                "terms_of_reference": panel.terms_of_reference,
            }
            if panel
            else {}
        )
        after = {"name": name, "quorum": quorum, "terms_of_reference": terms}
        if panel is not None and before == after:
            return panel
        creating = panel is None
        panel = panel or Panel(icb=icb)
        panel.name, panel.quorum, panel.terms_of_reference = name, quorum, terms
        panel.save()
        audit.record(
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            obj=panel,
            summary=f"{'Set up' if creating else 'Changed'} the governance panel of {icb.name}",
            details={"changed": sorted(k for k in after if before.get(k) != after[k])},
        )
    return panel


# -- Meetings -----------------------------------------------------------------------------------


def panel_meeting_schedule(
    *, actor, panel: Panel, starts_at: datetime, location: str = ""
) -> PanelMeeting:
    """Schedule a meeting of the panel. The LAC or the panel chair. `starts_at` must be aware."""
    _check_runs(actor, panel.icb)
    if starts_at is None:
        raise ValidationError({"starts_at": "Enter the date and time of the meeting"})
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be an aware datetime")
    with transaction.atomic():
        meeting = PanelMeeting.objects.create(
            panel=panel,
            starts_at=starts_at,
            location=(location or "").strip(),
            created_at=now(),
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=meeting,
            summary=f"Scheduled a meeting of {panel.name}",
            details={"starts_at": starts_at.isoformat(), "location": meeting.location},
        )
    return meeting


def agenda_refusal(*, review: Review, meeting: PanelMeeting) -> str | None:
    """Why `review` cannot go on `meeting`'s agenda, or None: only a focused review of a case of
    the panel's ICB now at the panel, not on this agenda already, nor waiting for a decision on
    another meeting's agenda."""
    case = review.case
    if review.kind != ReviewKind.FOCUSED or case.notification.icb_id != meeting.panel.icb_id:
        return "Only a focused review of this ICB can go on the panel's agenda."
    if case.state != CaseState.PANEL:
        return "This review is not waiting for the panel's sign-off."
    if AgendaItem.objects.filter(meeting=meeting, review=review).exists():
        return "This review is on the agenda already."
    waiting = AgendaItem.objects.filter(review=review, decision=PanelDecision.PENDING).exclude(
        meeting__status=MeetingStatus.CANCELLED
    )
    if waiting.exists():
        return "This review is on the agenda of another meeting, waiting for a decision."
    return None


def agenda_item_add(*, actor, meeting: PanelMeeting, review: Review) -> AgendaItem:
    """Put a focused review ready for sign-off at the end of the meeting's agenda. The LAC or
    the panel chair; see `agenda_refusal` for which reviews."""
    _check_runs(actor, meeting.panel.icb)
    _meeting_open(meeting)
    with transaction.atomic():
        meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
        refusal = agenda_refusal(review=review, meeting=meeting)
        if refusal:
            raise ValidationError(refusal)
        last = meeting.items.aggregate(last=Max("order"))["last"] or 0
        item = AgendaItem.objects.create(meeting=meeting, review=review, order=last + 1)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=meeting,
            summary=f"Added {review.case.reference} to the agenda of {meeting}",
            details={"agenda_item": item.pk, "review": review.pk, "order": item.order},
        )
    return item


def agenda_item_remove(*, actor, item: AgendaItem) -> None:
    """Take a review off the agenda, before the panel decides on it. The LAC or the chair."""
    meeting = item.meeting
    _check_runs(actor, meeting.panel.icb)
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        if item.decision != PanelDecision.PENDING:
            raise ValidationError("The panel has decided on this review: it stays on the agenda.")
        reference, pk = item.review.case.reference, item.pk
        item.delete()
        _renumber(meeting)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=meeting,
            summary=f"Took {reference} off the agenda of {meeting}",
            details={"agenda_item": pk},
        )


def agenda_item_move(*, actor, item: AgendaItem, direction: str) -> None:
    """Move an item one place up or down the agenda. The LAC or the chair."""
    if direction not in ("up", "down"):
        raise ValidationError("Choose whether to move the review up or down.")
    meeting = item.meeting
    _check_runs(actor, meeting.panel.icb)
    _meeting_open(meeting)
    with transaction.atomic():
        items = list(AgendaItem.objects.select_for_update().filter(meeting=meeting))
        index = next(i for i, row in enumerate(items) if row.pk == item.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(items):
            return
        items[index], items[other] = items[other], items[index]
        _renumber(meeting, items)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=meeting,
            summary=f"Moved {item.review.case.reference} {direction} the agenda of {meeting}",
            details={"agenda_item": item.pk, "order": [row.pk for row in items]},
        )


def _renumber(meeting: PanelMeeting, items: list[AgendaItem] | None = None) -> None:
    items = items if items is not None else list(meeting.items.order_by("order"))
    for number, row in enumerate(items, start=1):
        if row.order != number:
            AgendaItem.objects.filter(pk=row.pk).update(order=number)
            row.order = number


def meeting_attendance_record(
    *, actor, meeting: PanelMeeting, attendees, other_attendees: str = ""
) -> Quorum:
    """Record who attended: panel members (people holding a panel role at the ICB today) and
    others by name. The LAC or the chair. Returns the quorum it makes."""
    icb = meeting.panel.icb
    _check_runs(actor, icb)
    _meeting_open(meeting)
    _meeting_has_come(meeting)
    attendees = list(attendees)
    strangers = [u for u in attendees if not is_panel_member(u, icb=icb)]
    if strangers:
        raise ValidationError(
            {"attendees": "Only members of this ICB's panel can be ticked as attending"}
        )
    with transaction.atomic():
        meeting.attendees.set(attendees)
        meeting.other_attendees = (other_attendees or "").strip()
        meeting.save(update_fields=["other_attendees"])
        quorum = meeting_quorum(meeting)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=meeting,
            summary=f"Recorded attendance at {meeting}",
            details={
                "attendees": sorted(u.pk for u in attendees),
                "others": bool(meeting.other_attendees),
                "quorate": quorum.is_quorate,
            },
        )
    return quorum


def meeting_minutes_save(*, actor, meeting: PanelMeeting, minutes: str) -> PanelMeeting:
    """Save the meeting's minutes; the meeting is then recorded as held. The LAC or the chair."""
    _check_runs(actor, meeting.panel.icb)
    _meeting_open(meeting)
    _meeting_has_come(meeting)
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError({"minutes": "Enter the minutes of the meeting"})
    with transaction.atomic():
        meeting.minutes = minutes
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["minutes", "status"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=meeting,
            summary=f"Saved the minutes of {meeting}",
            details={"characters": len(minutes)},
        )
    return meeting


# -- Decisions ----------------------------------------------------------------------------------


def decision_refusal(*, user, item: AgendaItem) -> str | None:
    """Why `user` may not record the panel's decision on `item`, or None. A panel member or chair
    of the ICB who did not write the review (a permission: PermissionDenied)."""
    case = item.review.case
    if not is_panel_member(user, icb=item.meeting.panel.icb):
        return "Only a member of this ICB's governance panel can record the panel's decision."
    author = TRANSITIONS["panel_sign_off"].guard(case, user)
    if author:
        return author
    return None


def panel_decision_record(
    *, actor, item: AgendaItem, decision: str, comments: str = ""
) -> AgendaItem:
    """Record the panel's decision on an agenda item, at a quorate meeting.

    - "signed_off": the review is locked as it stands (`review_lock`, route PANEL) and the case
      completed, in one transaction;
    - "returned": needs comments, which go back to the reviewer with the case (lifecycle
      `panel_return`, reason = comments);
    - "deferred": the case stays at the panel and can go on a later agenda.
    """
    refusal = decision_refusal(user=actor, item=item)
    if refusal:
        raise PermissionDenied(refusal)
    comments = (comments or "").strip()
    if decision not in (PanelDecision.SIGNED_OFF, PanelDecision.RETURNED, PanelDecision.DEFERRED):
        raise ValidationError({"decision": "Choose the panel's decision"})
    if decision == PanelDecision.RETURNED and not comments:
        raise ValidationError({"comments": "Enter the panel's comments for the reviewer"})
    with transaction.atomic():
        item = (
            AgendaItem.objects.select_for_update().select_related("meeting__panel").get(pk=item.pk)
        )
        meeting = item.meeting
        _meeting_open(meeting)
        _meeting_has_come(meeting)
        if item.decision != PanelDecision.PENDING:
            raise ValidationError("The panel has already decided on this review.")
        if not meeting_quorum(meeting).is_quorate:
            raise ValidationError(
                "The meeting is not quorate: record who attended first. Decisions need "
                f"{meeting.panel.quorum} panel members attending, including a chair."
            )
        review = item.review
        case = review.case
        if case.state != CaseState.PANEL:
            raise ValidationError("This review is no longer waiting for the panel's sign-off.")
        item.decision, item.comments = decision, comments
        item.decided_at, item.decided_by = now(), actor
        item.save(update_fields=["decision", "comments", "decided_at", "decided_by"])
        if meeting.status == MeetingStatus.SCHEDULED:
            meeting.status = MeetingStatus.HELD
            meeting.save(update_fields=["status"])
        details = {"agenda_item": item.pk, "meeting": meeting.pk, "decision": decision}
        try:
            if decision == PanelDecision.SIGNED_OFF:
                signoff = review_lock(
                    actor=actor, review=review, route=SignOffRoute.PANEL, agenda_item=item
                )
                details["signoff"] = signoff.pk
                case_transition(
                    actor=actor,
                    case=case,
                    transition="panel_sign_off",
                    service=SERVICE,
                    details=details,
                )
            elif decision == PanelDecision.RETURNED:
                case_transition(
                    actor=actor,
                    case=case,
                    transition="panel_return",
                    reason=comments,
                    service=SERVICE,
                    details=details,
                )
        except TransitionRefused as refused:
            raise ValidationError(str(refused)) from None
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=item,
            summary=f"Panel decision on {case.reference}: {PanelDecision(decision).label}",
            details={**details, "comments": bool(comments)},
        )
    return item


__all__ = [
    "Quorum",
    "agenda_item_add",
    "agenda_item_move",
    "agenda_item_remove",
    "agenda_refusal",
    "can_run_panel",
    "decision_refusal",
    "is_panel_member",
    "meeting_attendance_record",
    "meeting_minutes_save",
    "meeting_quorum",
    "panel_decision_record",
    "panel_meeting_schedule",
    "panel_save",
]
