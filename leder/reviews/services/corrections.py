"""Correcting the person's details after notification (issue 15, docs/adr/0153).

`person_correct`: a local area contact of the death's ICB corrects any of `CORRECTABLE` with a
reason; the case's reviewer, while writing the initial or focused review, corrects the facts the
review establishes from the records and the people it talks to (`REVIEW_ESTABLISHES`: date of
birth, sex, ethnic group, GP practice, learning disability and autism; docs/adr/0157).

In one transaction: the values before and after go in the audit row; eligibility is assessed
again by the rules of the (corrected) date of death and a changed outcome is recorded as a new
decision (an earlier override by a person stands, and the result says what the rule would now
decide); possible duplicates are searched again and new ones flagged; the data-driven focused-
review triggers (ethnic group, autism without a learning disability) are worked out before and
after. The result lists every change so the page can show it.

It lives with the reviews because the focused-review rule does; the notification's own
services stay below the review layer.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from nhs_number import is_valid as nhs_number_is_valid

from leder.accounts import rules
from leder.casework.models import Case, CaseState
from leder.core import audit
from leder.core.models import AuditAction
from leder.core.time import now, today
from leder.notifications import duplicates, eligibility
from leder.notifications.models import DuplicateFlag, EligibilityDecision, Notification
from leder.reviews.services.focused import focused_review_triggers, trigger_settings

CORRECTABLE = (
    "given_name",
    "family_name",
    "date_of_birth",
    "date_of_death",
    "nhs_number",
    "sex",
    "ethnic_category",
    "address",
    "postcode",
    "gp_practice",
    "has_learning_disability",
    "is_autistic",
)
# How each detail is named to people (in messages and e-mails).
LABELS = {
    "given_name": "given name",
    "family_name": "family name",
    "date_of_birth": "date of birth",
    "date_of_death": "date of death",
    "nhs_number": "NHS number",
    "sex": "sex",
    "ethnic_category": "ethnic group",
    "address": "address",
    "postcode": "postcode",
    "gp_practice": "GP practice",
    "has_learning_disability": "learning disability",
    "is_autistic": "autism",
}

# What a review establishes from the GP record, the family and the other people it talks to.
# Who the person was (names, NHS number), when they died and where they lived stay the LAC's.
REVIEW_ESTABLISHES = (
    "date_of_birth",
    "sex",
    "ethnic_category",
    "gp_practice",
    "has_learning_disability",
    "is_autistic",
)
# The case states in which its reviewer writes a review (`records.EDITABLE_IN`).
_REVIEWING = (CaseState.INITIAL_REVIEW, CaseState.FOCUSED_REVIEW)


def correcting_reviewer_case(actor, notification: Notification) -> Case | None:
    """The case whose reviewer `actor` is, while they write its review; None otherwise."""
    case = (
        Case.objects.filter(notification=notification, state__in=_REVIEWING)
        .select_related("reviewer")
        .first()
    )
    return case if case is not None and case.is_reviewer(actor) else None


def _corrector(actor, notification: Notification, changes: dict) -> str:
    """As whom `actor` corrects: "lac" or "reviewer" (PermissionDenied if neither may)."""
    if rules.can_triage(actor, icb_id=notification.icb_id):
        return "lac"
    if correcting_reviewer_case(actor, notification) is not None:
        beyond = sorted(set(changes) - set(REVIEW_ESTABLISHES))
        if beyond:
            raise PermissionDenied(
                "A reviewer corrects only what the review establishes; ask the local area "
                f"contact to correct: {', '.join(beyond)}."
            )
        return "reviewer"
    raise PermissionDenied(
        "Only a local area contact of this death's ICB, or the reviewer writing its review, "
        "can correct it."
    )


@dataclass
class CorrectionResult:
    changes: dict[str, dict] = field(default_factory=dict)
    eligibility_before: str = ""
    eligibility_after: str = ""
    eligibility_note: str = ""
    new_duplicates: list[str] = field(default_factory=list)
    triggers_before: list[str] = field(default_factory=list)
    triggers_after: list[str] = field(default_factory=list)
    # "lac" or "reviewer": as whom the correction was made.
    corrected_as: str = ""

    @property
    def messages(self) -> list[str]:
        said = [f"Corrected: {', '.join(LABELS.get(name, name) for name in self.changes)}."]
        if self.eligibility_before != self.eligibility_after:
            said.append(
                f"Eligibility is now “{self.eligibility_after}” (was “{self.eligibility_before}”)."
            )
        if self.eligibility_note:
            said.append(self.eligibility_note)
        if self.new_duplicates:
            said.append(f"Possible duplicates to check: {', '.join(self.new_duplicates)}.")
        if self.triggers_before != self.triggers_after:
            after = "; ".join(self.triggers_after) or "none from the data"
            said.append(f"Focused-review triggers from the data are now: {after}.")
        return said


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return getattr(value, "code", None) or getattr(value, "ods_code", None) or str(value)
    return str(value)


def _data_triggers(n: Notification) -> list[str]:
    decision = focused_review_triggers(
        ethnic_category_code=n.ethnic_category.code if n.ethnic_category_id else None,
        is_autistic=n.is_autistic,
        has_learning_disability=n.has_learning_disability,
        family_asked=False,
        reviewer_reasons=(),
        settings=trigger_settings(),
    )
    return [t.text for t in decision.triggers]


def _validate(n: Notification) -> None:
    errors = {}
    if n.date_of_death < n.date_of_birth:
        errors["date_of_death"] = "Date of death must be the same as or after the date of birth"
    if n.date_of_death > today():
        errors["date_of_death"] = "Date of death must be today or in the past"
    if n.nhs_number and not nhs_number_is_valid(n.nhs_number):
        errors["nhs_number"] = "Enter a valid NHS number, or leave it empty"
    if not n.given_name.strip() or not n.family_name.strip():
        errors["family_name"] = "Enter the person's names"
    if errors:
        raise ValidationError(errors)


def person_correct(
    *, actor, notification: Notification, changes: dict, reason: str
) -> CorrectionResult:
    corrector = _corrector(actor, notification, changes)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the details are being corrected"})
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise ValueError(f"Not correctable here: {sorted(unknown)}")
    result = CorrectionResult(corrected_as=corrector)
    with transaction.atomic():
        n = Notification.objects.select_for_update().get(pk=notification.pk)
        result.triggers_before = _data_triggers(n)
        for name, value in changes.items():
            before = getattr(n, name)
            if _shown(before) == _shown(value):
                continue
            setattr(n, name, value)
            result.changes[name] = {"from": _shown(before), "to": _shown(value)}
        if not result.changes:
            raise ValidationError("Nothing was changed: correct at least one detail.")
        _validate(n)
        n.save()
        result.triggers_after = _data_triggers(n)
        _reassess(actor=actor, n=n, reason=reason, result=result)
        _recheck_duplicates(n=n, result=result)
        if "gp_practice" in result.changes and n.gp_practice_id:
            case = Case.objects.filter(notification=n).first()
            if case is not None:
                case.involved_organisations.add(n.gp_practice_id)
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=n,
            summary=f"Corrected {', '.join(result.changes)} of {n.reference}",
            details={
                "changes": result.changes,
                "reason": reason.strip(),
                "corrected_as": corrector,
                "eligibility": {
                    "from": result.eligibility_before,
                    "to": result.eligibility_after,
                    "note": result.eligibility_note,
                },
                "new_duplicate_flags": result.new_duplicates,
                "focused_triggers": {
                    "from": result.triggers_before,
                    "to": result.triggers_after,
                },
            },
        )
    notification.refresh_from_db()
    return result


def _reassess(*, actor, n: Notification, reason: str, result: CorrectionResult) -> None:
    rules_now = eligibility.rules_for(n.date_of_death)
    assessment = eligibility.assess(
        eligibility.Facts(
            date_of_birth=n.date_of_birth,
            date_of_death=n.date_of_death,
            has_learning_disability=n.has_learning_disability,
            is_autistic=n.is_autistic,
            died_in_england=n.died_in_england,
        ),
        rules_now,
    )
    result.eligibility_before = n.eligibility_outcome
    result.eligibility_after = n.eligibility_outcome
    if n.eligibility_reason == eligibility.Reason.OVERRIDDEN:
        if assessment.outcome != n.eligibility_outcome:
            result.eligibility_note = (
                f"The rules would now decide “{assessment.outcome}”, but a person's decision "
                "stands: change it on the eligibility page if it should."
            )
        return
    if (assessment.outcome, assessment.reason) == (n.eligibility_outcome, n.eligibility_reason):
        return
    EligibilityDecision.objects.create(
        notification=n,
        outcome=assessment.outcome,
        reason=assessment.reason,
        rules=rules_now,
        decided_at=now(),
        decided_by=actor,
        override_reason=f"Assessed again after a correction: {reason.strip()}",
    )
    n.eligibility_outcome, n.eligibility_reason = assessment.outcome, assessment.reason
    n.save(update_fields=["eligibility_outcome", "eligibility_reason"])
    result.eligibility_after = assessment.outcome


def _recheck_duplicates(*, n: Notification, result: CorrectionResult) -> None:
    key = duplicates.PersonKey(
        given_name=n.given_name,
        family_name=n.family_name,
        date_of_birth=n.date_of_birth,
        date_of_death=n.date_of_death,
        nhs_number=n.nhs_number,
    )
    flagged = set(
        DuplicateFlag.objects.filter(notification=n).values_list("candidate_id", flat=True)
    ) | set(DuplicateFlag.objects.filter(candidate=n).values_list("notification_id", flat=True))
    for candidate in duplicates.find_candidates(key, exclude_id=n.pk):
        if candidate.notification.pk in flagged:
            continue
        DuplicateFlag.objects.create(
            notification=n,
            candidate=candidate.notification,
            match=candidate.match,
            score=candidate.score,
            explanation=candidate.explanation,
            created_at=now(),
        )
        result.new_duplicates.append(candidate.notification.reference)
