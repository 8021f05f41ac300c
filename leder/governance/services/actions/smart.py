"""SMART actions: who may agree, update and reopen them, what makes one SMART, and every
change of one, with its audit row and its entry in the action's trail (see the package's
docstring for the rules)."""

import re
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from leder.accounts import rules
from leder.accounts.models import Role
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now, today
from leder.governance.models import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionPlanPriority,
    ActionStatus,
    ActionUpdate,
    AgendaItem,
)
from leder.governance.services.panels import meeting_not_yet_refusal
from leder.organisations.models import Organisation
from leder.reviews.models import LearningTheme, Review

AGREERS = (Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.LAC)
UPDATERS = (*AGREERS, Role.ICB_LEAD)
REOPENERS = (Role.PANEL_CHAIR,)
PLAN_KEEPERS = (Role.ICB_LEAD, Role.PANEL_CHAIR, Role.LAC)

# "Specific": a title that says what will be done, by whom or where, not "Improve care".
TITLE_MIN_WORDS = 4
TITLE_MIN_CHARACTERS = 20
MEASURE_MIN_CHARACTERS = 10
REFERENCE_ATTEMPTS = 5

# The moves an update may make. Completed and cancelled are final, except the chair's reopen.
MOVES = {
    ActionStatus.OPEN: {ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED, ActionStatus.CANCELLED},
    ActionStatus.IN_PROGRESS: {ActionStatus.COMPLETED, ActionStatus.CANCELLED},
    ActionStatus.COMPLETED: set(),
    ActionStatus.CANCELLED: set(),
}
REOPEN_TO = {ActionStatus.OPEN, ActionStatus.IN_PROGRESS}
FINAL_STATUSES = (ActionStatus.COMPLETED, ActionStatus.CANCELLED)


def can_agree_actions(user, *, icb: Organisation) -> bool:
    return rules.has_any_role(user, *AGREERS, organisation=icb)


def can_update_actions(user, *, icb: Organisation) -> bool:
    return rules.has_any_role(user, *UPDATERS, organisation=icb)


def can_reopen_actions(user, *, icb: Organisation) -> bool:
    return rules.has_any_role(user, *REOPENERS, organisation=icb)


def can_keep_plans(user, *, icb: Organisation) -> bool:
    return rules.has_any_role(user, *PLAN_KEEPERS, organisation=icb)


def refuse(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError({name: [message] for name, message in problems.items()})


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text)


def smart_problems(
    *,
    icb: Organisation,
    title: str,
    owner_organisation: Organisation | None,
    owner_name: str,
    owner_email: str,
    due_on: date | None,
    measure: str,
    reviews: Iterable[Review],
    themes: Iterable[LearningTheme],
    priority: ActionPlanPriority | None = None,
    agenda_item: AgendaItem | None = None,
    day: date | None = None,
) -> dict[str, str]:
    """What stops these answers being a SMART action of `icb`, keyed by argument (empty when
    nothing does). Shared by `action_create` and the form, so a user sees every problem at once."""
    day = day or today()
    problems: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        problems["title"] = "Enter what will be done"
    elif len(_words(title)) < TITLE_MIN_WORDS or len(title) < TITLE_MIN_CHARACTERS:
        problems["title"] = (
            "Say specifically what will be done, in at least "
            f"{TITLE_MIN_WORDS} words, for example ‘Train ward staff at the district hospital "
            "to use hospital passports’"
        )
    if owner_organisation is None:
        problems["owner_organisation"] = "Select the organisation that owns the action"
    if not (owner_name or "").strip():
        problems["owner_name"] = "Enter the name or job title of the person who owns the action"
    if (owner_email or "").strip():
        try:
            validate_email(owner_email.strip())
        except ValidationError:
            problems["owner_email"] = (
                "Enter the owner’s e-mail address in the right format, like name@example.nhs.uk"
            )
    if due_on is None:
        problems["due_on"] = "Enter the date the action is due"
    elif due_on <= day:
        problems["due_on"] = "The due date must be in the future"
    measure = (measure or "").strip()
    if not measure:
        problems["measure"] = "Enter how you will know the action is complete"
    elif len(measure) < MEASURE_MIN_CHARACTERS:
        problems["measure"] = (
            "Say how completion will be measured, for example ‘90% of ward staff trained by the "
            "due date, from the training records’"
        )
    reviews = list(reviews)
    if not reviews:
        problems["reviews"] = "Give at least one review the action comes from"
    elif any(review.case.notification.icb_id != icb.pk for review in reviews):
        problems["reviews"] = "Every review must be one of this ICB’s reviews"
    themes = list(themes)
    if not themes:
        problems["themes"] = "Select at least one learning theme"
    elif any(not theme.active for theme in themes):
        problems["themes"] = "Select learning themes from the current list"
    if priority is not None and priority.plan.icb_id != icb.pk:
        problems["priority"] = "Select a priority from this ICB’s action plan"
    if agenda_item is not None and agenda_item.meeting.panel.icb_id != icb.pk:
        problems["agenda_item"] = "The agenda item must be from this ICB’s panel"
    elif agenda_item is not None and meeting_not_yet_refusal(agenda_item.meeting):
        problems["agenda_item"] = meeting_not_yet_refusal(agenda_item.meeting)
    return problems


def _next_reference(year: int) -> str:
    prefix = f"ACT-{year}-"
    taken = Action.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    numbers = [int(ref[len(prefix) :]) for ref in taken if ref[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def action_create(
    *,
    actor,
    icb: Organisation,
    title: str,
    description: str,
    owner_organisation: Organisation | None,
    owner_name: str,
    owner_email: str,
    due_on: date | None,
    measure: str,
    reviews: Iterable[Review],
    themes: Iterable[LearningTheme],
    priority: ActionPlanPriority | None = None,
    agenda_item: AgendaItem | None = None,
) -> Action:
    """Record a SMART action agreed for `icb`. Only a panel member or chair, or a local area
    contact, of the ICB may (`PermissionDenied`); the answers must pass `smart_problems`
    (`ValidationError`, nothing written). One transaction: the action, its links, its first
    update ("Action agreed") and an audit row. Agreed on the meeting's date when it comes from a
    panel agenda item, today otherwise."""
    if not can_agree_actions(actor, icb=icb):
        raise PermissionDenied(
            "Only the ICB’s panel members, panel chair or local area contacts can agree actions."
        )
    reviews, themes = list(reviews), list(themes)
    refuse(
        smart_problems(
            icb=icb,
            title=title,
            owner_organisation=owner_organisation,
            owner_name=owner_name,
            owner_email=owner_email,
            due_on=due_on,
            measure=measure,
            reviews=reviews,
            themes=themes,
            priority=priority,
            agenda_item=agenda_item,
        )
    )
    at = now()
    agreed_on = timezone.localtime(agenda_item.meeting.starts_at).date() if agenda_item else today()
    with transaction.atomic():
        for attempt in range(REFERENCE_ATTEMPTS):
            try:
                # A savepoint: two creations racing for a number leave one to try the next.
                with transaction.atomic():
                    action = Action.objects.create(
                        icb=icb,
                        reference=_next_reference(agreed_on.year),
                        title=title.strip(),
                        description=(description or "").strip(),
                        owner_organisation=owner_organisation,
                        owner_name=owner_name.strip(),
                        owner_email=(owner_email or "").strip().lower(),
                        due_on=due_on,
                        measure=measure.strip(),
                        priority=priority,
                        agreed_at_item=agenda_item,
                        agreed_on=agreed_on,
                        created_at=at,
                        created_by=actor,
                    )
                break
            except IntegrityError:
                if attempt == REFERENCE_ATTEMPTS - 1:
                    raise
        action.reviews.set(reviews)
        action.themes.set(themes)
        ActionUpdate.objects.create(
            action=action,
            at=at,
            by=actor,
            from_status=ActionStatus.OPEN,
            to_status=ActionStatus.OPEN,
            note="Action agreed"
            + (f" at the panel meeting of {agreed_on:%-d %B %Y}" if agenda_item else ""),
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=action,
            summary=f"Action {action.reference} agreed for {icb.display_name}",
            details={
                "reference": action.reference,
                "title": action.title,
                "owner_organisation": owner_organisation.ods_code,
                "owner_name": action.owner_name,
                "due_on": due_on.isoformat(),
                "reviews": sorted(r.case.reference for r in reviews),
                "themes": sorted(t.name for t in themes),
                "priority": priority.pk if priority else None,
                "agenda_item": agenda_item.pk if agenda_item else None,
            },
        )
    return action


def _update_note(*, to_status: str, note: str, evidence: str, reason: str, reopening: bool) -> str:
    """The text kept in the update: the evidence or reason is part of it, so the trail still
    says why an action was completed or cancelled after a reopening clears those fields."""
    parts = []
    if to_status == ActionStatus.COMPLETED:
        parts.append(f"Completed. Evidence: {evidence}")
    elif to_status == ActionStatus.CANCELLED:
        parts.append(f"Cancelled. Reason: {reason}")
    elif reopening:
        parts.append(f"Reopened. Reason: {reason}")
    if note:
        parts.append(note)
    return "\n\n".join(parts)


def action_update(
    *,
    actor,
    action: Action,
    note: str,
    to_status: str | None = None,
    evidence: str = "",
    reason: str = "",
) -> ActionUpdate:
    """Record progress on `action`: a dated note, and optionally a change of status.

    - open → in progress, completed (with `evidence`) or cancelled (with a `reason`);
    - in progress → completed or cancelled;
    - completed or cancelled → open or in progress: a reopening, by the ICB's panel chair
      only, with a `reason`.

    A plain note needs `note`; a completion needs `evidence`, a cancellation or a reopening a
    `reason`. Who may: see the module docstring (`PermissionDenied`). The action row is locked
    for the change, so two people completing it at once cannot both succeed. Audited."""
    if not can_update_actions(actor, icb=action.icb):
        raise PermissionDenied(
            "Only the ICB’s panel, local area contacts or executive lead can update actions."
        )
    note, evidence, reason = (note or "").strip(), (evidence or "").strip(), (reason or "").strip()
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        current = locked.status
        target = to_status or current
        reopening = current in FINAL_STATUSES and target in REOPEN_TO
        if target not in ActionStatus.values:
            raise ValidationError({"to_status": ["Select a status from the list"]})
        if reopening and not can_reopen_actions(actor, icb=locked.icb):
            raise PermissionDenied(
                "Only the ICB’s panel chair can reopen a completed or cancelled action."
            )
        problems: dict[str, str] = {}
        if target == current and current in FINAL_STATUSES:
            problems["note"] = (
                f"This action is {locked.get_status_display().lower()}: only the panel chair can "
                "reopen it, and a reopened action takes notes again"
            )
        elif target != current and not reopening and target not in MOVES[current]:
            problems["to_status"] = (
                f"An action that is {locked.get_status_display().lower()} cannot be moved to "
                f"{ActionStatus(target).label.lower()}"
            )
        if target == ActionStatus.COMPLETED and target != current and not evidence:
            problems["evidence"] = "Enter the evidence that the action is complete"
        if target == ActionStatus.CANCELLED and target != current and not reason:
            problems["reason"] = "Enter why the action is cancelled"
        if reopening and not reason:
            problems["reason"] = "Enter why the action is being reopened"
        if target == current and not note and "note" not in problems:
            problems["note"] = "Enter what has happened since the last update"
        refuse(problems)

        at = now()
        day = today()
        changed = []
        if target != current:
            locked.status = target
            changed.append("status")
        if target == ActionStatus.COMPLETED and target != current:
            locked.completed_on, locked.completion_evidence = day, evidence
            changed += ["completed_on", "completion_evidence"]
        if target == ActionStatus.CANCELLED and target != current:
            locked.cancelled_on, locked.cancellation_reason = day, reason
            changed += ["cancelled_on", "cancellation_reason"]
        if reopening:
            # The finished state's evidence or reason stays in the update trail (see
            # `_update_note`); the row describes the action as it now stands.
            locked.completed_on, locked.completion_evidence = None, ""
            locked.cancelled_on, locked.cancellation_reason = None, ""
            changed += ["completed_on", "completion_evidence", "cancelled_on"]
            changed.append("cancellation_reason")
        if changed:
            locked.save(update_fields=sorted(set(changed)))
        update = ActionUpdate.objects.create(
            action=locked,
            at=at,
            by=actor,
            from_status=current,
            to_status=target,
            note=_update_note(
                to_status=target if target != current else "",
                note=note,
                evidence=evidence,
                reason=reason,
                reopening=reopening,
            ),
        )
        verb = (
            "reopened"
            if reopening
            else {
                ActionStatus.IN_PROGRESS: "started",
                ActionStatus.COMPLETED: "completed",
                ActionStatus.CANCELLED: "cancelled",
            }.get(target, "updated")
            if target != current
            else "updated"
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary=f"Action {locked.reference} {verb}",
            details={
                "from_status": current,
                "to_status": target,
                "note": note,
                "evidence": evidence,
                "reason": reason,
            },
        )
    action.refresh_from_db()
    return update


def action_due_date_change(*, actor, action: Action, due_on: date | None, reason: str) -> Action:
    """Move the due date of an open or in-progress action, with a reason. A panel member or
    chair or a local area contact of the ICB may (it changes what the panel agreed). The new
    date must be in the future and different. A new due date allows fresh reminders (they are
    sent once per due date). One transaction: the change, an update saying so, an audit row."""
    if not can_agree_actions(actor, icb=action.icb):
        raise PermissionDenied(
            "Only the ICB’s panel members, panel chair or local area contacts can change a due "
            "date."
        )
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        problems: dict[str, str] = {}
        if locked.status not in OPEN_ACTION_STATUSES:
            problems["due_on"] = (
                f"This action is {locked.get_status_display().lower()}: its due date can no "
                "longer change"
            )
        elif due_on is None:
            problems["due_on"] = "Enter the new due date"
        elif due_on <= today():
            problems["due_on"] = "The new due date must be in the future"
        elif due_on == locked.due_on:
            problems["due_on"] = "The new due date is the same as the current one"
        if not reason:
            problems["reason"] = "Enter why the due date is changing"
        refuse(problems)
        previous = locked.due_on
        locked.due_on = due_on
        locked.save(update_fields=["due_on"])
        ActionUpdate.objects.create(
            action=locked,
            at=now(),
            by=actor,
            from_status=locked.status,
            to_status=locked.status,
            note=(
                f"Due date changed from {previous:%-d %B %Y} to {due_on:%-d %B %Y}. "
                f"Reason: {reason}"
            ),
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary=f"Due date of action {locked.reference} changed",
            details={"from": previous.isoformat(), "to": due_on.isoformat(), "reason": reason},
        )
    action.refresh_from_db()
    return action


# The three-year action plan ---------------------------------------------------------------------


def action_priority_change(*, actor, action: Action, priority: ActionPlanPriority | None) -> Action:
    """Put an action under a priority of its ICB's plan (or under none): for actions agreed
    before the plan was written. By those who agree actions. Audited, and noted in the trail."""
    if not can_agree_actions(actor, icb=action.icb):
        raise PermissionDenied(
            "Only the ICB’s panel members, panel chair or local area contacts can change this."
        )
    if priority is not None and priority.plan.icb_id != action.icb_id:
        raise ValidationError({"priority": ["Select a priority from this ICB’s action plan"]})
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        if locked.priority_id == (priority.pk if priority else None):
            return locked
        locked.priority = priority
        locked.save(update_fields=["priority"])
        text = f"‘{priority.title}’" if priority else "no priority"
        ActionUpdate.objects.create(
            action=locked,
            at=now(),
            by=actor,
            from_status=locked.status,
            to_status=locked.status,
            note=f"Placed under {text} of the action plan",
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary=f"Action {locked.reference} placed under {text}",
            details={"priority": priority.pk if priority else None},
        )
    action.refresh_from_db()
    return action
