"""Writes for the contacts section: the people a reviewer talks to, each attempt to reach them,
and the two statements that stand in for a conversation (why none with family was possible; that
the GP record was reviewed).

Every service here guarantees, in one transaction: the actor may edit the review now (else
`PermissionDenied`, nothing written); the input is valid (else `ValidationError`, nothing
written); the change is written, the review gets a new version (with what changed) and an audit
row names what was done. Audit summaries carry no names: a contact is personal data too.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from leder.core import audit, validators
from leder.core.changes import save_stamped
from leder.core.models import AuditAction
from leder.core.time import now, today
from leder.organisations.models import Organisation
from leder.reviews.models import (
    Contact,
    ContactAttempt,
    ContactKind,
    ContactMethod,
    ContactOutcome,
    ContactPreference,
    ContactStatement,
    Review,
)
from leder.reviews.services.records import check_can_edit, review_version_record

SECTION_KEY = "contacts"


def _record(
    *, actor, review: Review, action, obj, version: str, audited: str, details=None
) -> None:
    """The review's new version (`version` says what changed) and the audit row (`audited`, with
    the case's reference appended). Call inside the change's transaction."""
    review_version_record(actor=actor, review=review, section_key=SECTION_KEY, summary=version)
    audit.record(
        actor=actor,
        action=action,
        obj=obj,
        summary=f"{audited} the review of {review.case.reference}",
        details=details,
    )


# What a contact holds besides its name and relationship, each defaulting to empty (a form
# sends every field; a service call that leaves one out clears it).
DETAIL_FIELDS = {
    "organisation_name": "",
    "role": "",
    "telephone": "",
    "email": "",
    "address": "",
    "postcode": "",
    "preferred_contact": "",
    "language": "",
    "needs_interpreter": False,
    "easy_read": False,
    "large_print": False,
    "advocate_name": "",
    "advocate_telephone": "",
    "advocate_email": "",
    "notes": "",
}
# A way of contacting that needs a detail, and what to say when it is missing.
NEEDED_FOR = {
    ContactPreference.EMAIL: ("email", "Enter their email address, or choose another way"),
    ContactPreference.LETTER: (
        "address",
        "Enter their postal address and postcode, or choose another way",
    ),
    ContactPreference.PHONE: ("telephone", "Enter their telephone number, or choose another way"),
    ContactPreference.TEXT: ("telephone", "Enter their mobile number, or choose another way"),
    ContactPreference.ADVOCATE: (
        "advocate_name",
        "Enter their advocate's name, or choose another way",
    ),
}


def _clean_email(value: str, errors: dict, field: str, message: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            errors[field] = message
    return value


def _clean_phone(value: str, errors: dict, field: str) -> str:
    try:
        return validators.telephone(value)
    except ValidationError as error:
        errors[field] = error.messages[0]
        return value


def _clean_contact(
    *, name: str, kind: str, organisation: Organisation | None, details: dict
) -> dict:
    """Every field of a contact, trimmed and checked; `ValidationError` naming each problem."""
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contact fields: {sorted(unknown)}")
    values = {**DETAIL_FIELDS, **details}
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Enter the contact's name"
    if kind not in ContactKind.values:
        errors["kind"] = "Select how the contact knew the person"
    cleaned = {
        key: (value or "").strip() if isinstance(DETAIL_FIELDS[key], str) else bool(value)
        for key, value in values.items()
    }
    # A chosen organisation wins over a typed one, so the two cannot disagree.
    if organisation is not None:
        cleaned["organisation_name"] = ""
    cleaned["address"] = "\n".join(validators.address_lines(cleaned["address"]))
    cleaned["email"] = _clean_email(
        cleaned["email"],
        errors,
        "email",
        "Enter an email address in the correct format, like name@example.com",
    )
    cleaned["advocate_email"] = _clean_email(
        cleaned["advocate_email"],
        errors,
        "advocate_email",
        "Enter the advocate's email address in the correct format, like name@example.com",
    )
    cleaned["telephone"] = _clean_phone(cleaned["telephone"], errors, "telephone")
    cleaned["advocate_telephone"] = _clean_phone(
        cleaned["advocate_telephone"], errors, "advocate_telephone"
    )
    try:
        cleaned["postcode"] = validators.uk_postcode(cleaned["postcode"])
    except ValidationError as error:
        errors["postcode"] = error.messages[0]
    if cleaned["address"] and not cleaned["postcode"] and "postcode" not in errors:
        errors["postcode"] = "Enter the postcode of their address"
    if cleaned["postcode"] and not cleaned["address"]:
        errors["address"] = "Enter their address, as well as the postcode"
    preference = cleaned["preferred_contact"]
    if preference and preference not in ContactPreference.values:
        errors["preferred_contact"] = "Select how they would like to be contacted"
    elif preference:
        needed, message = NEEDED_FOR[preference]
        if not cleaned[needed] and needed not in errors:
            errors[needed] = message
        elif (
            preference == ContactPreference.TEXT
            and "telephone" not in errors
            and not validators.mobile_number(cleaned["telephone"])
        ):
            errors["telephone"] = "Enter a mobile number for text messages, like 07700 900 982"
    if cleaned["needs_interpreter"] and not cleaned["language"]:
        errors["language"] = "Enter the language they need an interpreter for"
    if not cleaned["advocate_name"] and (
        cleaned["advocate_telephone"] or cleaned["advocate_email"]
    ):
        errors["advocate_name"] = "Enter the advocate's name"
    if errors:
        raise ValidationError(errors)
    return {"name": name, "kind": kind, **cleaned}


def contact_add(
    *,
    actor,
    review: Review,
    name: str,
    kind: str,
    organisation: Organisation | None = None,
    **details,
) -> Contact:
    """Add a contact to the review: who they are, how to reach them, how they would like to be
    contacted and what they need, their advocate, notes (`details`: the `DETAIL_FIELDS`, each
    empty unless given; another name is a `TypeError`). Each detail is checked: an email address
    or telephone number in the right form, a postcode with an address, the detail their
    preferred way of contact needs. Guarantees as the module says."""
    check_can_edit(actor=actor, review=review)
    fields = _clean_contact(
        name=name,
        kind=kind,
        organisation=organisation,
        details=details,
    )
    with transaction.atomic():
        contact = Contact.objects.create(
            review=review,
            organisation=organisation,
            created_at=now(),
            created_by=actor,
            **fields,
        )
        _record(
            actor=actor,
            review=review,
            action=AuditAction.CREATE,
            obj=contact,
            version=f"Contact added: {contact.get_kind_display().lower()}",
            audited="Contact added to",
        )
    return contact


def contact_update(
    *,
    actor,
    contact: Contact,
    name: str,
    kind: str,
    organisation: Organisation | None = None,
    **details,
) -> Contact:
    """Change a contact's details (every field: one left out is cleared, as `contact_add`
    checks them). A save that changes nothing writes nothing; otherwise the guarantees the
    module says. The audit row names the fields changed, never their values."""
    review = contact.review
    check_can_edit(actor=actor, review=review)
    new = _clean_contact(
        name=name,
        kind=kind,
        organisation=organisation,
        details=details,
    )
    new["organisation_id"] = organisation.pk if organisation else None
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        changed = [field for field, value in new.items() if getattr(locked, field) != value]
        if not changed:
            return locked
        for field, value in new.items():
            setattr(locked, field, value)
        locked.save(update_fields=list(new))
        _record(
            actor=actor,
            review=review,
            action=AuditAction.UPDATE,
            obj=locked,
            version=f"Contact changed: {locked.get_kind_display().lower()}",
            audited="Contact changed in",
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
    check_can_edit(actor=actor, review=review)
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
        _record(
            actor=actor,
            review=review,
            action=AuditAction.CREATE,
            obj=attempt,
            version=(
                f"Contact attempt recorded ({contact.get_kind_display().lower()}): "
                f"{attempt.get_outcome_display().lower()}"
            ),
            audited="Contact attempt recorded in",
        )
    return attempt


def _statement_save(*, actor, review: Review, summary: str, **fields) -> ContactStatement:
    """Write `fields` on the review's statement (made if missing), version and audit. Call with
    the permission checked; writes nothing if nothing changes."""
    with transaction.atomic():
        statement = ContactStatement.objects.select_for_update().filter(review=review).first()
        statement = statement or ContactStatement(review=review)
        if not save_stamped(statement, fields, actor=actor):
            return statement
        _record(
            actor=actor,
            review=review,
            action=AuditAction.UPDATE,
            obj=statement,
            version=summary,
            audited=f"{summary} in",
            details={"changed": sorted(fields)},
        )
    return statement


def family_contact_not_possible_record(*, actor, review: Review, reason: str) -> ContactStatement:
    """Record why no conversation with family or someone close to the person was possible. The
    reason is required. Guarantees as the module says."""
    check_can_edit(actor=actor, review=review)
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
    check_can_edit(actor=actor, review=review)
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
    check_can_edit(actor=actor, review=review)
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
