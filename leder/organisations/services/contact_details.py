"""Writes of an ICB's LeDeR contact details: how people reach its LeDeR team, and the routes for
concerns outside LeDeR (complaints, patient advice, advocacy, the coroner's office)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction

from leder.core import audit, validators
from leder.core.models import AuditAction
from leder.core.time import now
from leder.organisations.models import IcbContactDetails, Organisation, OrganisationKind
from leder.organisations.permissions import actor_is_lac_at

TEXT_FIELDS = ("team_name", "address", "opening_hours", "advocacy_name", "coroner_name")
PHONE_FIELDS = (
    "telephone",
    "complaints_telephone",
    "pals_telephone",
    "advocacy_telephone",
    "coroner_telephone",
)
EMAIL_FIELDS = ("email", "complaints_email", "pals_email")
URL_FIELDS = ("complaints_url", "pals_url", "advocacy_url")
FIELDS = (*TEXT_FIELDS, "postcode", *PHONE_FIELDS, *EMAIL_FIELDS, *URL_FIELDS)
DEFAULT_TEAM_NAME = "LeDeR team"

_https = URLValidator(schemes=["https"])


def _clean(values: dict) -> dict:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"Unknown contact detail fields: {sorted(unknown)}")
    cleaned = {name: " ".join(str(values.get(name) or "").split()) for name in FIELDS}
    cleaned["address"] = "\n".join(validators.address_lines(values.get("address") or ""))
    cleaned["team_name"] = cleaned["team_name"] or DEFAULT_TEAM_NAME
    errors = {}
    for name in PHONE_FIELDS:
        try:
            cleaned[name] = validators.telephone(cleaned[name])
        except ValidationError as error:
            errors[name] = error.messages[0]
    for name in EMAIL_FIELDS:
        if cleaned[name]:
            try:
                validate_email(cleaned[name])
            except ValidationError:
                errors[name] = "Enter an email address in the correct format, like leder@nhs.net"
    for name in URL_FIELDS:
        if cleaned[name]:
            try:
                _https(cleaned[name])
            except ValidationError:
                errors[name] = "Enter a web address starting https://, like https://www.nhs.uk"
    try:
        cleaned["postcode"] = validators.uk_postcode(cleaned["postcode"])
    except ValidationError as error:
        errors["postcode"] = error.messages[0]
    if cleaned["address"] and not cleaned["postcode"] and "postcode" not in errors:
        errors["postcode"] = "Enter the postcode of the team's address"
    if not (cleaned["telephone"] or cleaned["email"]) and not (
        {"telephone", "email"} & set(errors)
    ):
        errors["telephone"] = "Enter the LeDeR team's telephone number or email address, or both"
    if errors:
        raise ValidationError(errors)
    return cleaned


def icb_contact_details_set(*, actor, icb: Organisation, **values) -> IcbContactDetails:
    """Set how people reach `icb`'s LeDeR team and where they can raise concerns. Guarantees:
    only a local area contact of that ICB (or a system process) may (else `PermissionDenied`,
    nothing written); the team has a telephone number or an email address, and every number,
    address, postcode and web address (https only) is in the right form (else
    `ValidationError` naming each field, nothing written). Every field is set (one left out is
    cleared). In one transaction: the details are saved and an audit row names the fields that
    changed. A save that changes nothing writes nothing."""
    if icb is None or icb.kind != OrganisationKind.ICB:
        raise ValidationError("Contact details are set for an ICB")
    if not actor_is_lac_at(actor, icb):
        raise PermissionDenied(
            "Only a local area contact of the ICB can change its LeDeR contact details."
        )
    cleaned = _clean(values)
    with transaction.atomic():
        details = IcbContactDetails.objects.select_for_update().filter(icb=icb).first()
        created = details is None
        if created:
            details = IcbContactDetails(icb=icb)
        changed = [name for name in FIELDS if getattr(details, name) != cleaned[name]]
        if not created and not changed:
            return details
        for name in FIELDS:
            setattr(details, name, cleaned[name])
        details.updated_at = now()
        details.updated_by = actor if getattr(actor, "pk", None) else None
        details.save()
        audit.record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=details,
            summary=f"LeDeR contact details of {icb.display_name} "
            + ("set" if created else "changed"),
            details={"changed": changed},
        )
    return details
