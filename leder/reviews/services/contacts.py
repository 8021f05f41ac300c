"""Writes for the contacts section: the people a reviewer talks to, each attempt to reach them,
and the two statements that stand in for a conversation (why none with family was possible; that
the GP record was reviewed).

Every service here guarantees, in one transaction: the actor may edit the review now (else
`PermissionDenied`, nothing written); the input is valid (else `ValidationError`, nothing
written); the change is written, the review gets a new version (with what changed) and an audit
row names what was done. Audit summaries carry no names: a contact is personal data too.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now, today
from leder.organisations.models import Organisation
from leder.reviews.models import (
    Contact,
    ContactAttempt,
    ContactKind,
    ContactMethod,
    ContactOutcome,
    ContactStatement,
    Review,
)
from leder.reviews.services.records import edit_refusal, review_version_record

SECTION_KEY = "contacts"


def _check_can_edit(*, actor, review: Review) -> None:
    refusal = edit_refusal(user=actor, review=review)
    if refusal:
        raise PermissionDenied(refusal)


def _clean_contact_fields(
    *, name: str, kind: str, organisation: Organisation | None, organisation_name: str
) -> tuple[str, str]:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter the contact's name"})
    if kind not in ContactKind.values:
        raise ValidationError({"kind": "Select how the contact knew the person"})
    # A chosen organisation wins over a typed one, so the two cannot disagree.
    return name, "" if organisation is not None else (organisation_name or "").strip()


def contact_add(
    *,
    actor,
    review: Review,
    name: str,
    kind: str,
    organisation: Organisation | None = None,
    organisation_name: str = "",
    role: str = "",
    notes: str = "",
) -> Contact:
    """Add a contact to the review. Guarantees as the module says."""
    _check_can_edit(actor=actor, review=review)
    name, organisation_name = _clean_contact_fields(
        name=name, kind=kind, organisation=organisation, organisation_name=organisation_name
    )
    with transaction.atomic():
        contact = Contact.objects.create(
            review=review,
            name=name,
            kind=kind,
            organisation=organisation,
            organisation_name=organisation_name,
            role=(role or "").strip(),
            notes=(notes or "").strip(),
            created_at=now(),
            created_by=actor,
        )
        review_version_record(
            actor=actor,
            review=review,
            section_key=SECTION_KEY,
            summary=f"Contact added: {contact.get_kind_display().lower()}",
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=contact,
            summary=f"Contact added to the review of {review.case.reference}",
        )
    return contact


def contact_update(
    *,
    actor,
    contact: Contact,
    name: str,
    kind: str,
    organisation: Organisation | None = None,
    organisation_name: str = "",
    role: str = "",
    notes: str = "",
) -> Contact:
    """Change a contact's details. A save that changes nothing writes nothing; otherwise the
    guarantees the module says."""
    review = contact.review
    _check_can_edit(actor=actor, review=review)
    name, organisation_name = _clean_contact_fields(
        name=name, kind=kind, organisation=organisation, organisation_name=organisation_name
    )
    new = {
        "name": name,
        "kind": kind,
        "organisation_id": organisation.pk if organisation else None,
        "organisation_name": organisation_name,
        "role": (role or "").strip(),
        "notes": (notes or "").strip(),
    }
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        changed = [field for field, value in new.items() if getattr(locked, field) != value]
        if not changed:
            return locked
        for field, value in new.items():
            setattr(locked, field, value)
        locked.save(update_fields=list(new))
        review_version_record(
            actor=actor,
            review=review,
            section_key=SECTION_KEY,
            summary=f"Contact changed: {locked.get_kind_display().lower()}",
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary=f"Contact changed in the review of {review.case.reference}",
            details={"changed": changed},
        )
    return locked


def contact_attempt_add(
    *,
    actor,
    contact: Contact,
    made_on: date,
    method: str,
    outcome: str,
    notes: str = "",
) -> ContactAttempt:
    """Record one attempt to reach a contact. The date may not be in the future. Guarantees as
    the module says."""
    review = contact.review
    _check_can_edit(actor=actor, review=review)
    errors = {}
    if made_on is None:
        errors["made_on"] = "Enter the date of the attempt"
    elif made_on > today():
        errors["made_on"] = "Date of the attempt must be today or in the past"
    if method not in ContactMethod.values:
        errors["method"] = "Select how you tried to reach them"
    if outcome not in ContactOutcome.values:
        errors["outcome"] = "Select what happened"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        attempt = ContactAttempt.objects.create(
            contact=contact,
            made_on=made_on,
            method=method,
            outcome=outcome,
            notes=(notes or "").strip(),
            recorded_at=now(),
            recorded_by=actor,
        )
        review_version_record(
            actor=actor,
            review=review,
            section_key=SECTION_KEY,
            summary=(
                f"Contact attempt recorded ({contact.get_kind_display().lower()}): "
                f"{attempt.get_outcome_display().lower()}"
            ),
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=attempt,
            summary=f"Contact attempt recorded in the review of {review.case.reference}",
        )
    return attempt


def _statement_save(*, actor, review: Review, summary: str, **fields) -> ContactStatement:
    """Write `fields` on the review's statement (made if missing), version and audit. Call with
    the permission checked; writes nothing if nothing changes."""
    with transaction.atomic():
        statement = ContactStatement.objects.select_for_update().filter(review=review).first()
        if statement is None:
            statement = ContactStatement(review=review)
        elif all(getattr(statement, k) == v for k, v in fields.items()):
            return statement
        for key, value in fields.items():
            setattr(statement, key, value)
        statement.updated_at, statement.updated_by = now(), actor
        statement.save()
        review_version_record(actor=actor, review=review, section_key=SECTION_KEY, summary=summary)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=statement,
            summary=f"{summary} in the review of {review.case.reference}",
            details={"changed": sorted(fields)},
        )
    return statement


def family_contact_not_possible_record(*, actor, review: Review, reason: str) -> ContactStatement:
    """Record why no conversation with family or someone close to the person was possible. The
    reason is required. Guarantees as the module says."""
    _check_can_edit(actor=actor, review=review)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": "Enter why no conversation with family or someone close was possible"}
        )
    return _statement_save(
        actor=actor,
        review=review,
        summary="Reason recorded why no conversation with family was possible",
        family_not_possible_reason=reason,
    )


def family_contact_not_possible_withdraw(*, actor, review: Review) -> ContactStatement | None:
    """Remove the recorded reason (for example once a conversation has happened after all)."""
    _check_can_edit(actor=actor, review=review)
    if (
        not ContactStatement.objects.filter(review=review)
        .exclude(family_not_possible_reason="")
        .exists()
    ):
        return None
    return _statement_save(
        actor=actor,
        review=review,
        summary="Reason why no conversation with family was possible removed",
        family_not_possible_reason="",
    )


def gp_record_reviewed_record(
    *, actor, review: Review, reviewed_on: date | None
) -> ContactStatement:
    """Record the date the reviewer reviewed the GP record (None removes it). The date may not
    be in the future. Guarantees as the module says."""
    _check_can_edit(actor=actor, review=review)
    if reviewed_on is not None and reviewed_on > today():
        raise ValidationError(
            {"reviewed_on": "Date you reviewed the GP record must be today or in the past"}
        )
    return _statement_save(
        actor=actor,
        review=review,
        summary="GP record reviewed" if reviewed_on else "GP record review removed",
        gp_record_reviewed_on=reviewed_on,
    )
