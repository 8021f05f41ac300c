"""Changes to an ICB's reviewer register: adding a reviewer, their details, training and declared
conflicts of interest.

Only a local area contact of the reviewer's ICB may change its register (senior reviewers may
read it, see `selectors.register`). Each service checks that, validates what it is given (raising
`ValidationError` keyed by the form field, so a page can show the message beside the answer),
and writes the change and its audit row in one transaction. Nothing is written when a check fails.

Training records and declared conflicts are history: they are added, never edited or deleted.
A conflict declared in error stays on the register (see docs/adr/0007).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from nhs_number import is_valid as nhs_number_is_valid
from nhs_number import standardise_format

from leder.accounts import rules
from leder.accounts.models import Role
from leder.casework.models import (
    ConflictKind,
    Profession,
    RecruitmentStatus,
    Reviewer,
    ReviewerConflict,
    ReviewerTraining,
)
from leder.core import audit
from leder.core.changes import changed_fields, save_changed
from leder.core.models import AuditAction
from leder.core.time import now, today
from leder.organisations.models import PROVIDER_KINDS, Organisation

# The most open reviews anyone may hold at once: a reviewer with more is a backlog, not capacity.
MAX_CAPACITY = 20
EMPLOYER_KINDS = tuple(str(kind) for kind in PROVIDER_KINDS)


def can_manage_register(user, *, icb) -> bool:
    """A local area contact of `icb` manages its register."""
    return rules.has_role(user, Role.LAC, organisation=icb)


def _check_manager(actor, icb) -> None:
    if not can_manage_register(actor, icb=icb):
        raise PermissionDenied(
            "Only a local area contact for this ICB can change its reviewer register."
        )


def _check_organisation(organisation: Organisation | None, *, field: str, errors: dict) -> None:
    if organisation is None:
        return
    if organisation.kind not in EMPLOYER_KINDS:
        errors[field] = (
            f"{organisation.name} is not a provider of care: choose a trust, GP practice, "
            "local authority, care provider or other organisation"
        )
    elif not organisation.is_open_on(today()):
        errors[field] = f"{organisation.name} has closed: choose an organisation open today"


def reviewer_details_problems(
    *,
    profession: str | None,
    employer: Organisation | None,
    employer_name: str,
    capacity,
    recruitment_status: str | None,
) -> dict[str, str]:
    """What is wrong with a register entry's details, by field (empty if nothing): the rules
    `reviewer_add` and `reviewer_update` enforce, also used by the form to show every problem
    at once."""
    errors: dict[str, str] = {}
    employer_name = employer_name or ""
    if profession not in Profession.values:
        errors["profession"] = "Select the reviewer's profession"
    if employer is None and not employer_name.strip():
        errors["employer"] = (
            "Select the reviewer's employer, or type its name if it is not in the list"
        )
    elif employer is not None and employer_name.strip():
        errors["employer_name"] = (
            "Choose the employer from the list or type its name, not both: clear one of them"
        )
    if len(employer_name.strip()) > 200:
        errors["employer_name"] = "The employer's name must be 200 characters or fewer"
    _check_organisation(employer, field="employer", errors=errors)
    if not isinstance(capacity, int) or isinstance(capacity, bool):
        errors["capacity"] = "Enter the most reviews they can hold at once, as a number"
    elif not 0 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = f"The most reviews they can hold at once must be 0 to {MAX_CAPACITY}"
    if recruitment_status not in RecruitmentStatus.values:
        errors["recruitment_status"] = "Select whether they are trained or still in training"
    return errors


def _validate_details(**details) -> None:
    errors = reviewer_details_problems(**details)
    if errors:
        raise ValidationError(errors)


def reviewer_add(
    *,
    actor,
    icb: Organisation,
    user,
    profession: str,
    employer: Organisation | None = None,
    employer_name: str = "",
    capacity: int,
    recruitment_status: str = RecruitmentStatus.IN_TRAINING,
    joined_on: date | None = None,
) -> Reviewer:
    """Put `user` on `icb`'s register. Guarantees: `actor` is a local area contact of `icb`
    (PermissionDenied otherwise); `user` holds the reviewer or senior reviewer role at `icb`
    today and is not on its register yet; the details are valid (employer a provider open
    today, or a typed name; capacity 0–20). One register entry and one audit row, or nothing."""
    _check_manager(actor, icb)
    if not rules.has_any_role(user, Role.REVIEWER, Role.SENIOR_REVIEWER, organisation=icb):
        raise ValidationError(
            {
                "user": (
                    f"{user.full_name} does not hold the reviewer or senior reviewer role at "
                    f"{icb.display_name}, so cannot be added to its register. An administrator "
                    "can give them the role."
                )
            }
        )
    _validate_details(
        profession=profession,
        employer=employer,
        employer_name=employer_name,
        capacity=capacity,
        recruitment_status=recruitment_status,
    )
    already = ValidationError(
        {"user": f"{user.full_name} is already on the register of {icb.display_name}"}
    )
    if Reviewer.objects.filter(user=user, icb=icb).exists():
        raise already
    with transaction.atomic():
        try:
            # A savepoint: two people adding the same reviewer at once meet the unique
            # constraint, and the loser gets the same message as above.
            with transaction.atomic():
                reviewer = Reviewer.objects.create(
                    user=user,
                    icb=icb,
                    profession=profession,
                    employer=employer,
                    employer_name=employer_name.strip(),
                    capacity=capacity,
                    recruitment_status=recruitment_status,
                    is_active=True,
                    joined_on=joined_on or today(),
                )
        except IntegrityError:
            raise already from None
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=reviewer,
            summary=f"{user.full_name} added to the reviewer register of {icb.display_name}",
            details={
                "profession": profession,
                "employer_id": employer.pk if employer else None,
                "employer_name": employer_name.strip(),
                "capacity": capacity,
                "recruitment_status": recruitment_status,
            },
        )
    return reviewer


def reviewer_update(
    *,
    actor,
    reviewer: Reviewer,
    profession: str,
    employer: Organisation | None,
    employer_name: str,
    capacity: int,
    is_active: bool,
    recruitment_status: str,
) -> list[str]:
    """Change a register entry's details. Guarantees: `actor` is a local area contact of the
    reviewer's ICB; the details are valid as for `reviewer_add`; the row is locked for the
    change; one audit row lists each field's old and new value. Returns the names of the fields
    that changed (none changed: nothing written, no audit row).

    Lowering capacity below the open cases, or making a reviewer inactive, does not take their
    cases away: allocation stops offering them, and reallocation is a decision for the LAC."""
    _check_manager(actor, reviewer.icb)
    _validate_details(
        profession=profession,
        employer=employer,
        employer_name=employer_name,
        capacity=capacity,
        recruitment_status=recruitment_status,
    )
    wanted = {
        "profession": profession,
        "employer_id": employer.pk if employer else None,
        "employer_name": employer_name.strip(),
        "capacity": capacity,
        "is_active": bool(is_active),
        "recruitment_status": recruitment_status,
    }
    with transaction.atomic():
        locked = Reviewer.objects.select_for_update().get(pk=reviewer.pk)
        changes = changed_fields(locked, wanted)
        if not changes:
            return []
        save_changed(locked, changes)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary=f"Register entry of {reviewer.user.full_name} changed: {', '.join(changes)}",
            details={"changes": changes},
        )
    reviewer.refresh_from_db()
    return list(changes)


def reviewer_training_add(
    *, actor, reviewer: Reviewer, course: str, completed_on: date | None
) -> ReviewerTraining:
    """Record a course the reviewer completed. Guarantees: `actor` is a local area contact of
    the reviewer's ICB; the course is named (200 characters at most) and the date is given and
    not in the future. One training row and one audit row, or nothing. Training does not change
    the recruitment status by itself: the LAC says when someone is trained."""
    _check_manager(actor, reviewer.icb)
    errors: dict[str, str] = {}
    course = course.strip()
    if not course:
        errors["course"] = "Enter the name of the course"
    elif len(course) > 200:
        errors["course"] = "The name of the course must be 200 characters or fewer"
    if completed_on is None:
        errors["completed_on"] = "Enter the date they completed the course"
    elif completed_on > today():
        errors["completed_on"] = "The date they completed the course must be today or in the past"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        training = ReviewerTraining.objects.create(
            reviewer=reviewer, course=course, completed_on=completed_on
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=training,
            summary=f"Training recorded for {reviewer.user.full_name}: {course}",
            details={"reviewer_id": reviewer.pk, "completed_on": completed_on.isoformat()},
        )
    return training


def person_conflict_problems(
    *, person_name: str, person_date_of_birth: date | None, person_nhs_number: str
) -> dict[str, str]:
    """What is wrong with a declared person, by field (empty if nothing): the rules
    `reviewer_conflict_declare` enforces, also used by the form to show every problem at once."""
    errors: dict[str, str] = {}
    person_name = " ".join((person_name or "").split())
    if not person_name:
        errors["person_name"] = "Enter the name of the person they knew"
    elif len(person_name) > 200:
        errors["person_name"] = "The name must be 200 characters or fewer"
    if person_date_of_birth is not None and person_date_of_birth > today():
        errors["person_date_of_birth"] = "Date of birth must be today or in the past"
    number = (person_nhs_number or "").strip()
    if number and not nhs_number_is_valid(number):
        errors["person_nhs_number"] = (
            "Enter a valid NHS number, like 943 476 5919, or leave it blank"
        )
    return errors


def reviewer_conflict_declare(
    *,
    actor,
    reviewer: Reviewer,
    kind: str,
    organisation: Organisation | None = None,
    person_name: str = "",
    person_date_of_birth: date | None = None,
    person_nhs_number: str = "",
    note: str = "",
) -> ReviewerConflict:
    """Record a conflict of interest the reviewer declared: an organisation they work or worked
    for, or a person they knew. Allocation then refuses them any case it matches (see
    `selectors.register.conflicts_for`).

    Guarantees: `actor` is a local area contact of the reviewer's ICB; an organisation conflict
    names a provider open today, not already declared; a person conflict has a name, a date of
    birth (if given) that is not in the future, and an NHS number (if given) that is valid,
    stored as 10 digits. One conflict row and one audit row, or nothing. The audit row does not
    hold the person's details: the audit trail cannot be erased, and they are not the
    reviewer's to put there."""
    _check_manager(actor, reviewer.icb)
    errors: dict[str, str] = {}
    note = note.strip()
    if len(note) > 2000:
        errors["note"] = "The note must be 2,000 characters or fewer"
    if kind == ConflictKind.ORGANISATION:
        if organisation is None:
            errors["organisation"] = "Select the organisation"
        else:
            _check_organisation(organisation, field="organisation", errors=errors)
            already = reviewer.conflicts.filter(
                kind=ConflictKind.ORGANISATION, organisation=organisation
            )
            if "organisation" not in errors and already.exists():
                errors["organisation"] = (
                    f"A conflict with {organisation.name} is already declared for "
                    f"{reviewer.user.full_name}"
                )
        fields = {"organisation": organisation}
    elif kind == ConflictKind.PERSON:
        person_name = " ".join(person_name.split())
        errors.update(
            person_conflict_problems(
                person_name=person_name,
                person_date_of_birth=person_date_of_birth,
                person_nhs_number=person_nhs_number,
            )
        )
        fields = {
            "person_name": person_name,
            "person_date_of_birth": person_date_of_birth,
            "person_nhs_number": (
                ""
                if errors or not person_nhs_number.strip()
                else standardise_format(person_nhs_number.strip())
            ),
        }
    else:
        raise ValidationError({"kind": "Select the kind of conflict"})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        conflict = ReviewerConflict.objects.create(
            reviewer=reviewer, kind=kind, note=note, declared_at=now(), **fields
        )
        what = organisation.name if kind == ConflictKind.ORGANISATION else "a person they knew"
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=conflict,
            summary=f"Conflict of interest declared for {reviewer.user.full_name}: {what}",
            details={
                "reviewer_id": reviewer.pk,
                "kind": kind,
                "organisation_id": organisation.pk if organisation else None,
                "with_date_of_birth": person_date_of_birth is not None,
                "with_nhs_number": bool(fields.get("person_nhs_number")),
            },
        )
    return conflict
