"""The dry run: every row checked with the rules of the notification form, the import's own
rules for the case and the review, and the duplicate rules of `notifications.duplicates`.

The person and the notifier are checked by the notification form's own classes
(`leder.notifications.forms`), bound to the row as if it had been typed into the telephone form,
so a row is accepted exactly when the form would accept it, with the form's messages ("the
caller" reads "the notifier"). Each message is reported against the file's column. A row with no
errors is then compared with the database and with the rows above it in the file: a death
already notified, or already imported from this file, is a duplicate and is not imported.

Nothing is written here: `check_rows` returns a `RowResult` per row, and for a row that is ready
a `RowPlan` holding exactly the service inputs the commit will use.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from leder.casework.lifecycle import TRANSITIONS
from leder.core.fields import NHSDateField
from leder.core.time import today
from leder.imports.columns import LABELS, NAMES, REVIEW_COLUMNS
from leder.imports.models import RowOutcome
from leder.imports.reading import Row
from leder.notifications import duplicates
from leder.notifications import forms as nf
from leder.notifications.models import Notification
from leder.notifications.services import NotifierInput, PersonInput
from leder.reference import icd10
from leder.reviews.forms.questions import PLACE_OF_DEATH as REVIEW_PLACES
from leder.reviews.models import GradingScale, LearningTheme

# The lifecycle step that takes an imported case from notified to completed, and the service
# name it must be made with (the lifecycle table says which).
IMPORT_TRANSITION = "import_completed"
IMPORT_SERVICE = TRANSITIONS[IMPORT_TRANSITION].service

# Case outcomes a row may have, and the triage decision that records each (None: no decision).
OUTCOMES = {
    "notified": None,
    "eligible": "eligible",
    "child_death_review": "child_death_review",
    "not_eligible": "not_eligible",
    "completed": "completed",
}
LONG_TEXT = 5000

# The form classes, and which of their fields each file column feeds.
FORM_COLUMNS: tuple[tuple[type, dict[str, str | None]], ...] = (
    (nf.RelationshipForm, {"relationship": "notifier_relationship"}),
    (
        nf.NotifierDetailsForm,
        {
            "relationship_detail": "notifier_relationship_detail",
            "name": "notifier_name",
            "organisation_name": "notifier_organisation",
            "email": "notifier_email",
            "phone": "notifier_phone",
        },
    ),
    (
        nf.PersonNameForm,
        {"given_name": "given_name", "family_name": "family_name", "other_names": "other_names"},
    ),
    (nf.DatesForm, {"date_of_birth": "date_of_birth", "date_of_death": "date_of_death"}),
    (nf.NHSNumberForm, {"nhs_number": "nhs_number"}),
    (nf.AddressForm, {"address": "address", "postcode": "postcode"}),
    (nf.GPForm, {"gp_practice_text": "gp_practice"}),
    (nf.AreaForm, {"icb": None}),
    (
        nf.DiagnosisForm,
        {"has_learning_disability": "has_learning_disability", "is_autistic": "is_autistic"},
    ),
    (nf.EqualityForm, {"sex": "sex", "ethnic_category": "ethnic_category"}),
    (
        nf.DeathForm,
        {
            "place_of_death": "place_of_death",
            "place_of_death_detail": "place_of_death_detail",
            "died_in_england": "died_in_england",
            "circumstances": "circumstances",
        },
    ),
    (nf.CovidForm, {"covid": "covid"}),
    (nf.ConcernsForm, {"has_care_concerns": "has_care_concerns"}),
    (nf.ConcernsDetailForm, {"care_concerns": "care_concerns"}),
)


@dataclass(frozen=True)
class ReviewPlan:
    completed_on: date
    grading_level: int
    grading_scale_version: str
    underlying_cause_code: str
    place_of_death: str
    themes: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class RowPlan:
    """Exactly what the commit gives the services for one ready row."""

    person: PersonInput
    notifier: NotifierInput
    received_at: datetime
    submission_key: uuid.UUID
    outcome: str
    outcome_reason: str = ""
    review: ReviewPlan | None = None


@dataclass
class RowResult:
    number: int
    outcome: str = RowOutcome.READY
    errors: list[dict] = field(default_factory=list)
    reason: str = ""
    case_outcome: str = ""
    plan: RowPlan | None = None

    def error(self, column: str, message: str) -> None:
        entry = {"column": column, "message": message}
        if entry not in self.errors:
            self.errors.append(entry)

    def as_report(self) -> dict:
        return {
            "row": self.number,
            "outcome": self.outcome,
            "reason": self.reason,
            "case_outcome": self.case_outcome,
            "errors": self.errors,
        }


def submission_key(sha256: str, row_number: int) -> uuid.UUID:
    """The same for the same row of the same file, so a re-import cannot import it twice."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"leder-import:{sha256}:{row_number}")


def check_rows(rows: list[Row], *, icb, sha256: str) -> list[RowResult]:
    """The outcome of every row: rejected (with every problem), duplicate (with why), or ready
    (with its plan). In-file duplicates are judged against the rows above that are ready."""
    results = []
    accepted: list[tuple[int, duplicates.PersonKey]] = []
    icbs = type(icb).objects.filter(pk=icb.pk)
    for row in rows:
        result = _check_row(row, icbs=icbs, icb=icb, sha256=sha256)
        if result.plan is not None:
            key = _person_key(result.plan.person)
            reason = _duplicate_reason(result.plan, key, accepted)
            if reason:
                result.outcome, result.reason, result.plan = RowOutcome.DUPLICATE, reason, None
            else:
                accepted.append((row.number, key))
        results.append(result)
    return results


def counts(results: list[RowResult]) -> dict[str, int]:
    out = {"total": len(results)}
    for outcome in (RowOutcome.READY, RowOutcome.DUPLICATE, RowOutcome.REJECTED):
        out[outcome.value] = sum(1 for r in results if r.outcome == outcome)
    return out


# --- one row ---------------------------------------------------------------------------------


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")


def _choice_value(bound_field, raw: str) -> tuple[str, bool]:
    """The choice `raw` names (its value or its label, in any case, spaces or underscores),
    and whether it was recognised."""
    if raw == "":
        return "", True
    lookup = {}
    for value, label in bound_field.choices:
        if value in ("", None):
            continue
        lookup[_normal(value)] = value
        lookup.setdefault(_normal(label), value)
    found = lookup.get(_normal(raw))
    return (found, True) if found is not None else (raw, False)


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _date_parts(cell) -> dict:
    if isinstance(cell, date):
        return {"day": str(cell.day), "month": str(cell.month), "year": str(cell.year)}
    text = str(cell or "").strip()
    if not text:
        return {}
    if match := _ISO.match(text):
        year, month, day = match.groups()
        return {"day": day, "month": month, "year": year}
    if match := _UK.match(text):
        day, month, year = match.groups()
        return {"day": day, "month": month, "year": year}
    return {"day": text, "month": text, "year": text}


def _allowed(bound_field) -> str:
    return ", ".join(str(v) for v, _ in bound_field.choices if v not in ("", None))


def _reword(message: str) -> str:
    """The telephone form's messages speak of "the caller": in a file it is the notifier."""
    return message.replace("the caller's", "the notifier's").replace("the caller", "the notifier")


def _check_row(row: Row, *, icbs, icb, sha256: str) -> RowResult:
    result = RowResult(number=row.number)
    values = row.values
    answers: dict = {}
    relationship = None
    has_care_concerns = None
    for form_class, columns in FORM_COLUMNS:
        data: dict = {}
        unrecognised: dict[str, str] = {}
        kwargs: dict = {"for_staff": True}
        if form_class is nf.NotifierDetailsForm:
            kwargs["relationship"] = relationship
        if form_class is nf.ConcernsDetailForm:
            kwargs["has_care_concerns"] = has_care_concerns
        if form_class is nf.AreaForm:
            kwargs["icbs"] = icbs
        fields = form_class.base_fields
        for name, column in columns.items():
            if column is None:
                data[name] = str(icb.pk)
                continue
            cell = values.get(column, "")
            field_ = fields[name]
            if isinstance(field_, NHSDateField):
                for part, text in _date_parts(cell).items():
                    data[f"{name}_{part}"] = text
            elif isinstance(field_, django_forms.ModelChoiceField):
                data[name] = str(cell).strip().upper()
            elif isinstance(field_, django_forms.ChoiceField):
                value, known = _choice_value(field_, str(cell))
                data[name] = value
                if not known:
                    unrecognised[name] = (
                        f"“{cell}” is not one of the answers allowed here: {_allowed(field_)}"
                    )
            else:
                data[name] = str(cell)
        form = form_class(data, **kwargs)
        valid = form.is_valid()
        for name, messages in form.errors.items():
            column = columns.get(name) or ""
            if name in unrecognised:
                result.error(column, unrecognised[name])
                continue
            if name == "ethnic_category":
                result.error(
                    column,
                    f"“{values.get(column)}” is not an NHS ethnic category code: use a letter "
                    "from A to S, Z (not stated) or 99 (not known)",
                )
                continue
            for message in messages:
                result.error(column or "", _reword(str(message)))
        if valid:
            answers.update(form.cleaned_data)
        if form_class is nf.RelationshipForm:
            relationship = (
                form.cleaned_data.get("relationship") if valid else data.get("relationship")
            )
        if form_class is nf.ConcernsForm:
            has_care_concerns = data.get("has_care_concerns")

    received_on = _date(result, values, "received_on", "date received")
    died = answers.get("date_of_death")
    if received_on and died and received_on < died:
        result.error("received_on", "Date received must be the same as or after the date of death")

    outcome = _normal(values.get("outcome", ""))
    if not outcome:
        result.error("outcome", f"Enter the case outcome: {', '.join(OUTCOMES)}")
    elif outcome not in OUTCOMES:
        result.error(
            "outcome",
            f"“{values.get('outcome')}” is not a case outcome: use one of {', '.join(OUTCOMES)}",
        )
    result.case_outcome = outcome if outcome in OUTCOMES else ""
    outcome_reason = str(values.get("outcome_reason", "")).strip()
    if outcome == "not_eligible" and not outcome_reason:
        result.error("outcome_reason", "Enter why the death was not eligible for review")
    if len(outcome_reason) > 2000:
        result.error("outcome_reason", "Reason for the outcome must be 2,000 characters or fewer")

    review = None
    if outcome == "completed":
        review = _check_review(result, values, received_on=received_on, died=died)
    else:
        for column in REVIEW_COLUMNS:
            if str(values.get(column, "")).strip():
                result.error(
                    column,
                    "Leave this empty: review details are imported only when the outcome is "
                    "completed",
                )

    if result.errors:
        result.outcome = RowOutcome.REJECTED
        result.errors.sort(key=lambda e: NAMES.index(e["column"]) if e["column"] in NAMES else 99)
        return result
    person, notifier = nf.submission_inputs(answers)
    result.plan = RowPlan(
        person=person,
        notifier=notifier,
        received_at=timezone.make_aware(datetime.combine(received_on, time(9, 0))),
        submission_key=submission_key(sha256, row.number),
        outcome=outcome,
        outcome_reason=outcome_reason,
        review=review,
    )
    return result


def _date(result: RowResult, values: dict, column: str, subject: str) -> date | None:
    try:
        return NHSDateField(subject=subject).clean(_date_parts(values.get(column, "")))
    except ValidationError as error:
        for message in error.messages:
            result.error(column, message)
        return None


def _check_review(result: RowResult, values: dict, *, received_on, died) -> ReviewPlan | None:
    errors_before = len(result.errors)
    completed_on = _date(result, values, "review_completed_on", "date the review was completed")
    if completed_on and received_on and completed_on < received_on:
        result.error(
            "review_completed_on",
            "Date the review was completed must be the same as or after the date received",
        )

    scale = GradingScale.objects.in_force_on(completed_on or today())
    levels = {lv.level for lv in scale.levels.all()} if scale else set()
    raw_grade = str(values.get("grading", "")).strip()
    level = None
    if not raw_grade:
        result.error("grading", "Enter the grading of care, a number from 1 to 6")
    elif not raw_grade.isdigit() or int(raw_grade) not in levels:
        result.error(
            "grading",
            f"“{raw_grade}” is not a grade on the grading scale in force when the review was "
            f"completed: use one of {', '.join(str(v) for v in sorted(levels))}",
        )
    else:
        level = int(raw_grade)

    raw_code = str(values.get("underlying_cause_code", "")).strip()
    if not raw_code:
        result.error("underlying_cause_code", "Enter the ICD-10 code of the underlying cause")
    elif not icd10.is_valid(raw_code):
        result.error(
            "underlying_cause_code",
            f"“{raw_code}” is not an ICD-10 code that can be given as a cause of death. "
            "Enter a code like J18.9",
        )

    place = _normal(values.get("review_place_of_death", ""))
    places = {value for value, _ in REVIEW_PLACES}
    if place and place not in places:
        by_label = {_normal(label): value for value, label in REVIEW_PLACES}
        place = by_label.get(place, place)
        if place not in places:
            result.error(
                "review_place_of_death",
                f"“{values.get('review_place_of_death')}” is not a place of death: use one of "
                f"{', '.join(value for value, _ in REVIEW_PLACES)}",
            )

    names = [n.strip() for n in str(values.get("learning_themes", "")).split(";") if n.strip()]
    active = {t.name.lower(): t.name for t in LearningTheme.objects.filter(active=True)}
    themes = []
    for name in names:
        if name.lower() in active:
            themes.append(active[name.lower()])
        else:
            result.error(
                "learning_themes",
                f"“{name}” is not a learning theme. Use the theme names in the import guide, "
                "separated by semicolons",
            )

    summary = str(values.get("review_summary", "")).strip().replace("\r\n", "\n")
    if not summary:
        result.error("review_summary", "Enter the summary of the review")
    elif len(summary) > LONG_TEXT:
        result.error(
            "review_summary", f"Summary of the review must be {LONG_TEXT:,} characters or fewer"
        )

    if len(result.errors) > errors_before or completed_on is None or level is None:
        return None
    return ReviewPlan(
        completed_on=completed_on,
        grading_level=level,
        grading_scale_version=scale.version,
        underlying_cause_code=icd10.normalise(raw_code),
        place_of_death=place,
        themes=tuple(dict.fromkeys(themes)),
        summary=summary,
    )


# --- duplicates ------------------------------------------------------------------------------


def _person_key(person: PersonInput) -> duplicates.PersonKey:
    return duplicates.PersonKey(
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        date_of_death=person.date_of_death,
        nhs_number=person.nhs_number,
    )


def _duplicate_reason(
    plan: RowPlan, key: duplicates.PersonKey, accepted: list[tuple[int, duplicates.PersonKey]]
) -> str:
    """Why the row is a duplicate, or "": already imported from this file, already notified
    (the rules `notification_submit` flags by), or the same death as a row above."""
    existing = Notification.objects.filter(submission_key=plan.submission_key).first()
    if existing is not None:
        return f"Already imported from this file as {existing.reference}"
    found = duplicates.find_candidates(key)
    if found:
        best = found[0]
        return (
            f"Already notified as {best.notification.reference}: {_sentence_case(best.explanation)}"
        )
    for number, earlier in accepted:
        compared = duplicates.compare(key, earlier)
        if compared:
            return f"Same death as row {number} of this file: {_sentence_case(compared[2])}"
    return ""


def _sentence_case(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


__all__ = [
    "IMPORT_SERVICE",
    "IMPORT_TRANSITION",
    "LABELS",
    "OUTCOMES",
    "ReviewPlan",
    "RowPlan",
    "RowResult",
    "check_rows",
    "counts",
    "submission_key",
]
