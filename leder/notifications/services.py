"""Writes for notifications. Every function here checks permission where a user acts, changes
state, and writes its audit row in one transaction. The public form, the staff telephone form,
the API and the bulk importer all call `notification_submit`."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from nhs_number import is_valid as nhs_number_is_valid

from leder.accounts import rules as account_rules
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now, today
from leder.notifications import duplicates, eligibility
from leder.notifications.models import (
    Answer,
    Channel,
    DuplicateFlag,
    DuplicateStatus,
    EligibilityDecision,
    EligibilityOutcome,
    Notification,
    NotificationSource,
    NotificationState,
    ReferenceCounter,
)
from leder.notifications.tasks import send_acknowledgement
from leder.organisations import areas
from leder.organisations.models import Organisation
from leder.organisations.selectors import icbs_open


@dataclass
class NotifierInput:
    relationship: str
    name: str
    relationship_detail: str = ""
    organisation_name: str = ""
    email: str = ""
    phone: str = ""


@dataclass
class PersonInput:
    given_name: str
    family_name: str
    date_of_birth: date
    date_of_death: date
    # None: the notifier did not know the area; `notification_submit` works it out or leaves the
    # notification in the unassigned queue.
    icb_id: int | None
    has_learning_disability: str
    is_autistic: str
    place_of_death: str
    covid: str
    has_care_concerns: str
    died_in_england: str = Answer.YES
    other_names: str = ""
    nhs_number: str = ""
    sex: str = "not_known"
    ethnic_category_id: str | None = None
    address: str = ""
    postcode: str = ""
    gp_practice_id: int | None = None
    gp_practice_text: str = ""
    place_of_death_detail: str = ""
    circumstances: str = ""
    care_concerns: str = ""


@dataclass
class SubmissionResult:
    notification: Notification
    assessment: eligibility.Assessment
    created: bool
    duplicate_flags: list[DuplicateFlag] = field(default_factory=list)


def _next_reference(year: int) -> str:
    # The counter row is locked by the UPDATE, so two submissions never get the same number.
    counter, _ = ReferenceCounter.objects.get_or_create(year=year)
    ReferenceCounter.objects.filter(pk=year).update(last_number=F("last_number") + 1)
    counter.refresh_from_db()
    return f"LDR-{year}-{counter.last_number:06d}"


def references_allocate(year: int, count: int) -> list[str]:
    """`count` consecutive references of `year` in one block (the bulk import, ADR 0155): the
    counter row is locked by the UPDATE, so no other submission can take a number of the block.
    Call inside the transaction that uses them."""
    if count <= 0:
        return []
    ReferenceCounter.objects.get_or_create(year=year)
    ReferenceCounter.objects.filter(pk=year).update(last_number=F("last_number") + count)
    last = ReferenceCounter.objects.values_list("last_number", flat=True).get(pk=year)
    return [f"LDR-{year}-{number:06d}" for number in range(last - count + 1, last + 1)]


def _validate(person: PersonInput) -> None:
    errors = {}
    if person.date_of_death < person.date_of_birth:
        errors["date_of_death"] = "Date of death must be the same as or after the date of birth"
    if person.date_of_death > today():
        errors["date_of_death"] = "Date of death must be today or in the past"
    if person.date_of_birth > today():
        errors["date_of_birth"] = "Date of birth must be in the past"
    if person.nhs_number and not nhs_number_is_valid(person.nhs_number):
        errors["nhs_number"] = "Enter a valid NHS number, or leave it out if you do not know it"
    # A restructure may have closed the ICB since the form was opened.
    if person.icb_id is not None and not icbs_open().filter(pk=person.icb_id).exists():
        errors["icb_id"] = "Select the area where the person lived"
    if errors:
        raise ValidationError(errors)


def notification_submit(
    *,
    person: PersonInput,
    notifier: NotifierInput,
    channel: str,
    submission_key: uuid.UUID,
    recorded_by=None,
    ip_address: str | None = None,
    received_at: datetime | None = None,
    submitted_by: str = "",
) -> SubmissionResult:
    """Record a notification of a death, decide eligibility and flag possible duplicates.

    Guarantees: idempotent by `submission_key` (a repeated submission returns the first
    notification, `created=False`, and writes nothing); eligibility decided by the rules in force
    on the date of death and stored with their version; duplicates flagged, never merged; the
    acknowledgement e-mail is queued only after the transaction commits; one audit row.
    Telephone notifications need a local area contact of the chosen ICB (`recorded_by`).
    `submitted_by` names a system that submits without a person (an API client, the importer)
    in the audit row; a member of the public is recorded as such.
    `received_at` is for historic imports and demo data only: it defaults to now.
    """
    existing = Notification.objects.filter(submission_key=submission_key).first()
    if existing:
        return _existing_result(existing)
    if channel == Channel.TELEPHONE and not account_rules.can_record_telephone_notification(
        recorded_by, icb_id=person.icb_id
    ):
        raise PermissionDenied(
            "Only a local area contact for this ICB can record a telephone notification."
        )
    _validate(person)
    try:
        with transaction.atomic():
            result = _create(
                person=person,
                notifier=notifier,
                channel=channel,
                submission_key=submission_key,
                recorded_by=recorded_by,
                ip_address=ip_address,
                received_at=received_at or now(),
                submitted_by=submitted_by,
            )
    except IntegrityError:
        # A concurrent request with the same key won the race: it is the same notification.
        existing = Notification.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return _existing_result(existing)
    if notifier.email:
        notification_id = result.notification.pk
        transaction.on_commit(lambda: send_acknowledgement.enqueue(notification_id=notification_id))
    return result


def _existing_result(notification: Notification) -> SubmissionResult:
    decision = notification.eligibility_decisions.order_by("decided_at", "id").first()
    assessment = eligibility.Assessment(
        outcome=decision.outcome if decision else notification.eligibility_outcome,
        reason=decision.reason if decision else notification.eligibility_reason,
        rules_version=decision.rules.version if decision else "",
        age_at_death=0,
    )
    return SubmissionResult(notification=notification, assessment=assessment, created=False)


def _area_of(person: PersonInput) -> areas.AreaFinding:
    """The area the notifier chose, else the one their GP practice or postcode gives, else none
    (the unassigned queue, with the region when that much is known)."""
    if person.icb_id is not None:
        icb = Organisation.objects.select_related("region").get(pk=person.icb_id)
        return areas.AreaFinding(
            icb=icb, region=icb.region, source=areas.AreaSource.CHOSEN, explanation=""
        )
    practice = (
        Organisation.objects.select_related("icb", "icb__region")
        .filter(pk=person.gp_practice_id)
        .first()
        if person.gp_practice_id
        else None
    )
    return areas.find_area(gp_practice=practice, postcode=person.postcode)


def _create(
    *, person, notifier, channel, submission_key, recorded_by, ip_address, received_at, submitted_by
) -> SubmissionResult:
    rules = eligibility.rules_for(person.date_of_death)
    assessment = eligibility.assess(eligibility.Facts.of(person), rules)
    area = _area_of(person)
    notification = Notification.objects.create(
        reference=_next_reference(timezone.localtime(received_at).year),
        submission_key=submission_key,
        received_at=received_at,
        channel=channel,
        eligibility_outcome=assessment.outcome,
        eligibility_reason=assessment.reason,
        region=area.region,
        area_source=area.source,
        area_explanation=area.explanation[:300],
        **{**vars(person), "icb_id": area.icb.pk if area.icb else None},
    )
    NotificationSource.objects.create(
        notification=notification,
        received_at=received_at,
        channel=channel,
        recorded_by=recorded_by,
        original_reference=notification.reference,
        **vars(notifier),
    )
    EligibilityDecision.objects.create(
        notification=notification,
        outcome=assessment.outcome,
        reason=assessment.reason,
        rules=rules,
        decided_at=received_at,
    )
    flags = []
    key = duplicates.PersonKey(
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        date_of_death=person.date_of_death,
        nhs_number=person.nhs_number,
    )
    for candidate in duplicates.find_candidates(key, exclude_id=notification.pk):
        flags.append(
            DuplicateFlag.objects.create(
                notification=notification,
                candidate=candidate.notification,
                match=candidate.match,
                score=candidate.score,
                explanation=candidate.explanation,
                created_at=received_at,
            )
        )
    audit.record(
        actor=recorded_by or submitted_by or None,
        action=AuditAction.CREATE,
        obj=notification,
        summary=f"Notification {notification.reference} received ({channel})",
        details={
            "channel": channel,
            "eligibility": assessment.outcome,
            "reason": assessment.reason,
            "rules_version": rules.version,
            "duplicate_flags": [f.candidate.reference for f in flags],
            "area": area.source,
            "icb": area.icb.ods_code if area.icb else None,
        },
        ip_address=ip_address,
    )
    return SubmissionResult(
        notification=notification, assessment=assessment, created=True, duplicate_flags=flags
    )


def eligibility_override(
    *, actor, notification: Notification, outcome: str, reason: str
) -> EligibilityDecision:
    """A local area contact of the notification's ICB overrides the eligibility decision.
    Needs a reason; the earlier decisions are kept; audited."""
    if not account_rules.can_triage(actor, icb_id=notification.icb_id):
        raise PermissionDenied("Only a local area contact for this ICB can change eligibility.")
    if outcome not in EligibilityOutcome.values:
        raise ValidationError({"outcome": "Select an eligibility decision"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for changing the eligibility decision"})
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        previous = locked.eligibility_outcome
        decision = EligibilityDecision.objects.create(
            notification=locked,
            outcome=outcome,
            reason=eligibility.Reason.OVERRIDDEN,
            rules=eligibility.rules_for(locked.date_of_death),
            decided_at=now(),
            decided_by=actor,
            override_reason=reason.strip(),
        )
        locked.eligibility_outcome = outcome
        locked.eligibility_reason = eligibility.Reason.OVERRIDDEN
        locked.save(update_fields=["eligibility_outcome", "eligibility_reason"])
        audit.record(
            actor=actor,
            action=AuditAction.OVERRIDE,
            obj=locked,
            summary=f"Eligibility of {locked.reference} changed from {previous} to {outcome}",
            details={"from": previous, "to": outcome, "reason": reason.strip()},
        )
    notification.refresh_from_db()
    return decision


def duplicate_dismiss(*, actor, flag: DuplicateFlag, note: str = "") -> DuplicateFlag:
    """The local area contact decides the two notifications are different deaths. Audited."""
    _check_can_resolve(actor, flag)
    with transaction.atomic():
        flag.status = DuplicateStatus.DISMISSED
        flag.resolved_at = now()
        flag.resolved_by = actor
        flag.resolution_note = note.strip()
        flag.save(update_fields=["status", "resolved_at", "resolved_by", "resolution_note"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=flag.notification,
            summary=f"{flag.notification.reference} is not a duplicate of "
            f"{flag.candidate.reference}",
            details={"candidate": flag.candidate.reference, "note": note.strip()},
        )
    return flag


def duplicate_confirm(*, actor, flag: DuplicateFlag, note: str = "") -> Notification:
    """Merge the later notification into the earlier one: the later notifier becomes an extra
    source of the earlier notification, whose reference stays; the later record is kept, marked
    merged, so its reference still leads somewhere. Audited on both."""
    _check_can_resolve(actor, flag)
    with transaction.atomic():
        later = Notification.objects.select_for_update().get(pk=flag.notification_id)
        earlier = Notification.objects.select_for_update().get(pk=flag.candidate_id)
        if later.state == NotificationState.MERGED or earlier.state == NotificationState.MERGED:
            raise ValidationError("One of these notifications has already been merged.")
        moved = list(later.sources.values_list("pk", flat=True))
        NotificationSource.objects.filter(pk__in=moved).update(notification=earlier)
        # Fill gaps the earlier notifier could not answer, never overwrite what they said.
        filled = []
        for name in ("nhs_number", "address", "postcode", "gp_practice_text", "other_names"):
            if not getattr(earlier, name) and getattr(later, name):
                setattr(earlier, name, getattr(later, name))
                filled.append(name)
        for name in ("gp_practice_id", "ethnic_category_id"):
            if getattr(earlier, name) is None and getattr(later, name) is not None:
                setattr(earlier, name, getattr(later, name))
                filled.append(name)
        earlier.save()
        later.state = NotificationState.MERGED
        later.merged_into = earlier
        later.save(update_fields=["state", "merged_into"])
        flag.status = DuplicateStatus.CONFIRMED
        flag.resolved_at = now()
        flag.resolved_by = actor
        flag.resolution_note = note.strip()
        flag.save(update_fields=["status", "resolved_at", "resolved_by", "resolution_note"])
        # Other open flags on the merged notification are settled by this merge.
        later.duplicate_flags.filter(status=DuplicateStatus.OPEN).exclude(pk=flag.pk).update(
            status=DuplicateStatus.DISMISSED,
            resolved_at=now(),
            resolved_by=actor,
            resolution_note=f"Settled by merging into {earlier.reference}",
        )
        details = {
            "merged": later.reference,
            "into": earlier.reference,
            "sources_moved": len(moved),
            "fields_filled": filled,
            "note": note.strip(),
        }
        for merged in (earlier, later):  # one row on each, so each one's history says so
            audit.record(
                actor=actor,
                action=AuditAction.MERGE,
                obj=merged,
                summary=f"{later.reference} merged into {earlier.reference}",
                details=details,
            )
    return earlier


def _check_can_resolve(actor, flag: DuplicateFlag) -> None:
    if not account_rules.can_triage(actor, icb_id=flag.notification.icb_id):
        raise PermissionDenied("Only a local area contact for this ICB can resolve duplicates.")
    if flag.status != DuplicateStatus.OPEN:
        raise ValidationError("This possible duplicate has already been resolved.")


def notification_assign_area(*, actor, notification: Notification, icb, note: str = ""):
    """Give an unassigned notification (its area not known) its ICB: the national LeDeR team, or
    a regional coordinator of its region choosing one of the region's ICBs. From then on it is
    that ICB's local area contact's to triage, like any other. Audited, with the note."""
    if not account_rules.can_place_unassigned(actor, region_id=notification.region_id):
        raise PermissionDenied(
            "Only the national LeDeR team or the region's coordinators can place this death."
        )
    if icb is None or not icbs_open().filter(pk=icb.pk).exists():
        raise ValidationError({"icb": "Select an open ICB"})
    if not account_rules.is_national_team(actor) and icb.region_id != notification.region_id:
        raise ValidationError(
            {"icb": "Select an ICB of your region, or leave it for the national LeDeR team"}
        )
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        if locked.icb_id is not None:
            raise ValidationError("This notification already has an area.")
        locked.icb = icb
        locked.region_id = icb.region_id
        locked.area_source = areas.AreaSource.ASSIGNED
        locked.area_explanation = f"Placed by {actor.full_name}" + (
            f": {note.strip()}" if note.strip() else ""
        )
        locked.area_explanation = locked.area_explanation[:300]
        locked.save(update_fields=["icb", "region", "area_source", "area_explanation"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary=f"{locked.reference} placed in {icb.display_name}",
            details={"icb": icb.ods_code, "note": note.strip()},
        )
    notification.refresh_from_db()
    return notification
