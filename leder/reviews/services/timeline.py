"""Writes for the timeline of care: adding, changing and removing dated events, and marking the
timeline complete. Each write checks that the actor may edit the review now, checks the event's
date against the person's life, and records a version of the review and an audit row in the same
transaction, so every change to the timeline can be seen and compared later."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from leder.core import audit, presenters
from leder.core.changes import save_stamped
from leder.core.models import AuditAction
from leder.core.time import now, today
from leder.organisations.models import Organisation
from leder.reviews.models import Review, ReviewSection, TimelineEvent, TimelineEventKind
from leder.reviews.services.records import (
    check_can_edit,
    locked_section,
    review_change_record,
    review_version_record,
)

SECTION_KEY = "timeline"


def event_date_problem(occurred_on: date, *, review: Review) -> str | None:
    """Why `occurred_on` cannot be the date of an event in this person's care, or None.

    Events run from birth to death: a date in the future, before the person was born or after
    they died is a typing mistake (what happened after death, such as an inquest, belongs to the
    cause of death, not the timeline of their care)."""
    person = review.case.notification
    if occurred_on > today():
        return "Date of the event must be today or in the past"
    if occurred_on < person.date_of_birth:
        return (
            "Date of the event must be on or after their date of birth, "
            f"{presenters.date_long(person.date_of_birth)}"
        )
    if occurred_on > person.date_of_death:
        return (
            "Date of the event must be on or before their date of death, "
            f"{presenters.date_long(person.date_of_death)}"
        )
    return None


def organisations_for(review: Review) -> list[Organisation]:
    """The organisations an event can be linked to: those involved in the person's care, and
    their GP practice. Anything else is typed as a name."""
    case = review.case
    found = {org.pk: org for org in case.involved_organisations.all()}
    gp = case.notification.gp_practice
    if gp is not None:
        found.setdefault(gp.pk, gp)
    return sorted(found.values(), key=lambda org: org.name)


def _clean(
    review: Review,
    occurred_on: date,
    kind: str,
    organisation: Organisation | None,
    organisation_name: str,
    description: str,
    /,
) -> dict:
    """The event's fields, checked; a ValidationError naming each field that is wrong."""
    errors = {}
    problem = event_date_problem(occurred_on, review=review)
    if problem:
        errors["occurred_on"] = problem
    if kind not in TimelineEventKind.values:
        errors["kind"] = "Select what kind of event it was"
    organisation_name = (organisation_name or "").strip()
    if organisation is not None:
        if organisation.pk not in {org.pk for org in organisations_for(review)}:
            errors["organisation"] = "Select an organisation involved in the person's care"
        elif organisation_name:
            errors["organisation_name"] = (
                "Select an organisation from the list or type its name, not both"
            )
    description = (description or "").strip()
    if not description:
        errors["description"] = "Enter what happened"
    if errors:
        raise ValidationError(errors)
    return {
        "occurred_on": occurred_on,
        "kind": kind,
        "organisation": organisation,
        "organisation_name": organisation_name,
        "description": description,
    }


def _record_version(*, actor, review: Review, summary: str) -> None:
    review_version_record(actor=actor, review=review, section_key=SECTION_KEY, summary=summary)


def _record_change(
    *, actor, review: Review, action, event: TimelineEvent, done: str, to: str
) -> None:
    """The event's audit row ("… added to <review>") and the review's new version ("… added")."""
    review_change_record(
        actor=actor,
        review=review,
        section_key=SECTION_KEY,
        action=action,
        obj=event,
        audited=f"Timeline event {done} {to} {review}: {_label(event)}",
        version=f"Timeline: {_label(event)} {done}",
    )


def _label(event: TimelineEvent) -> str:
    return f"{event.get_kind_display()} on {presenters.date_long(event.occurred_on)}"


def timeline_event_add(
    *,
    actor,
    review: Review,
    occurred_on: date,
    kind: str,
    description: str,
    organisation: Organisation | None = None,
    organisation_name: str = "",
) -> TimelineEvent:
    """Add an event to the review's timeline. Only the case's reviewer while the review is
    editable; the date must fall within the person's life. Writes the event, a version and an
    audit row, or nothing at all."""
    check_can_edit(actor=actor, review=review)
    fields = _clean(review, occurred_on, kind, organisation, organisation_name, description)
    with transaction.atomic():
        moment = now()
        event = TimelineEvent.objects.create(
            review=review,
            created_at=moment,
            created_by=actor,
            updated_at=moment,
            updated_by=actor,
            **fields,
        )
        _record_change(
            actor=actor,
            review=review,
            action=AuditAction.CREATE,
            event=event,
            done="added",
            to="to",
        )
    return event


def timeline_event_update(
    *,
    actor,
    event: TimelineEvent,
    occurred_on: date,
    kind: str,
    description: str,
    organisation: Organisation | None = None,
    organisation_name: str = "",
) -> TimelineEvent:
    """Change an event. The same checks as adding one; a save that changes nothing writes
    nothing (no empty version)."""
    review = event.review
    check_can_edit(actor=actor, review=review)
    fields = _clean(review, occurred_on, kind, organisation, organisation_name, description)
    with transaction.atomic():
        locked = TimelineEvent.objects.select_for_update().get(pk=event.pk)
        if not save_stamped(locked, fields, actor=actor):
            return locked
        _record_change(
            actor=actor,
            review=review,
            action=AuditAction.UPDATE,
            event=locked,
            done="changed",
            to="in",
        )
    return locked


def timeline_event_remove(*, actor, event: TimelineEvent) -> None:
    """Remove an event. What it said stays readable in the review's earlier versions."""
    review = event.review
    check_can_edit(actor=actor, review=review)
    label = _label(event)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=event,
            summary=f"Timeline event removed from {review}: {label}",
        )
        TimelineEvent.objects.filter(pk=event.pk).delete()
        _record_version(actor=actor, review=review, summary=f"Timeline: {label} removed")


def timeline_mark_complete(*, actor, review: Review, complete: bool) -> ReviewSection:
    """Mark the timeline complete (or not). A timeline with no events cannot be complete. Kept
    in the section's `ReviewSection` row so the workspace reads every section's state alike.
    Marking it as it already is writes nothing."""
    check_can_edit(actor=actor, review=review)
    if complete and not review.timeline_events.exists():
        raise ValidationError(
            "Add at least one event before marking the timeline as complete", code="empty"
        )
    with transaction.atomic():
        row = locked_section(review, SECTION_KEY)
        if not save_stamped(row, {"is_complete": complete}, actor=actor):
            return row
        # Drop a prefetched copy of the sections, so the version's snapshot sees this change.
        getattr(review, "_prefetched_objects_cache", {}).pop("sections", None)
        _record_version(
            actor=actor,
            review=review,
            summary="Timeline marked as complete"
            if complete
            else "Timeline marked as not complete",
        )
    return row
