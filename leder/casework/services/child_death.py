"""Child deaths reviewed through the statutory child death review (CDOP): the local area contact
records what the panel concluded, so the death counts in LeDeR's figures (ADR 0154)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from leder.accounts import rules
from leder.accounts.models import Role
from leder.casework.models import Case, CaseState, ChildDeathReview
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now, today
from leder.reference import icd10

GRADES = range(1, 7)


def child_death_review_record(
    *,
    actor,
    case: Case,
    panel_reference: str,
    panel_area: str,
    concluded_on,
    cause_text: str,
    cause_code: str,
    learning: str = "",
    grade: int | None = None,
) -> ChildDeathReview:
    """Record (or correct) the child death overview panel's conclusion for `case`.

    Guarantees: only a local area contact of the case's ICB (PermissionDenied otherwise); the
    case is routed to the child death review; the panel's reference, area and cause are given,
    the cause's code is an ICD-10 category or subcategory the reviews' coding knows, the
    conclusion date is not before the death nor in the future, a grade is 1 to 6
    (ValidationError otherwise, nothing written). An audit row with the values before and after
    is written in the same transaction."""
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("notification__icb")
            .get(pk=case.pk)
        )
        if not rules.has_role(actor, Role.LAC, organisation=locked.notification.icb):
            raise PermissionDenied("Only a local area contact for this ICB can do this.")
        if locked.state != CaseState.CHILD_DEATH_REVIEW:
            raise ValidationError("Only a death routed to the child death review has a panel.")
        errors = {}
        values = {
            "panel_reference": (panel_reference or "").strip(),
            "panel_area": (panel_area or "").strip(),
            "cause_text": (cause_text or "").strip(),
            "cause_code": icd10.normalise(cause_code or ""),
            "learning": (learning or "").strip(),
            "concluded_on": concluded_on,
            "grade": grade,
        }
        for name, message in (
            ("panel_reference", "Enter the panel's reference"),
            ("panel_area", "Enter the panel's area"),
            ("cause_text", "Enter the underlying cause of death the panel found"),
        ):
            if not values[name]:
                errors[name] = message
        if not icd10.is_valid(values["cause_code"]):
            errors["cause_code"] = "Enter an ICD-10 code for the cause, like J69.0"
        died = locked.notification.date_of_death
        if concluded_on is None:
            errors["concluded_on"] = "Enter the date the panel's review concluded"
        elif concluded_on > today() or (died and concluded_on < died):
            errors["concluded_on"] = (
                "The date the review concluded must be after the death and not in the future"
            )
        if grade is not None and grade not in GRADES:
            errors["grade"] = "A grade of care is from 1 to 6"
        if errors:
            raise ValidationError(errors)
        record = ChildDeathReview.objects.filter(case=locked).first()
        before = {name: _plain(getattr(record, name)) for name in values} if record else {}
        if record is None:
            record = ChildDeathReview(case=locked)
        for name, value in values.items():
            setattr(record, name, value)
        record.recorded_at = now()
        record.recorded_by = actor
        record.save()
        after = {name: _plain(value) for name, value in values.items()}
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            obj=locked,
            summary=f"{locked.reference}: child death review {record.panel_reference} recorded",
            details={
                "child_death_review": {"before": before, "after": after},
            },
        )
    return record


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
