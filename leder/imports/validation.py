"""The dry run: every row checked with the rules of the notification form, the import's own
rules for the case and the review, and the duplicate rules of `notifications.duplicates`.

The person and the notifier are checked by the notification form's own classes
(`leder.notifications.forms`), bound to the row as if it had been typed into the telephone form,
so a row is accepted exactly when the form would accept it, with the form's messages ("the
caller" reads "the notifier"). Each message is reported against the file's column. A row with no
errors is then compared with the database and with the rows above it in the file: a death
already notified, or already imported from this file, is a duplicate and is not imported.

At bulk speed (issue 17, ADR 0155): everything the rows are checked against (the ICB, ethnic
categories, grading scales, themes, the ICB's reviewers) is loaded once (`Lookups`), GP practices
once per batch, and duplicates are found a batch at a time: one query for rows already imported
from the file, one for the database's candidates, narrowed by blocking keys (the dates a typo
could have made of the row's dates of birth and death, and NHS numbers), and in-file duplicates
through an index on the same keys rather than by comparing every pair of rows. The rules and
their order are those of `duplicates.find_candidates`/`compare`, so the outcome is the same.

Nothing is written here: `check_rows` returns a `RowResult` per row, and for a row that is ready
a `RowPlan` holding exactly what the commit will write.
"""

import json
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache, lru_cache

from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.db.models import F, Lookup, Q
from django.db.models.functions import Upper
from django.forms.utils import ErrorDict
from django.utils import timezone

from leder.casework.lifecycle import TRANSITIONS
from leder.casework.models import CaseState, HoldKind, Reviewer
from leder.core.fields import NHSDateField
from leder.core.time import today
from leder.imports.columns import (
    HOLD_COLUMNS,
    LABELS,
    LEARNING_ITEMS,
    NAMES,
    PROFILE_NAMES,
    QUESTION_NAMES,
    REVIEW_COLUMNS,
)
from leder.imports.models import RowOutcome
from leder.imports.reading import Row
from leder.notifications import duplicates
from leder.notifications import forms as nf
from leder.notifications.models import EligibilityRules, Notification, NotificationState
from leder.notifications.services import NotifierInput, PersonInput
from leder.organisations.models import Organisation, OrganisationKind
from leder.reference import icd10
from leder.reference.models import EthnicCategory
from leder.reviews import profile, questions
from leder.reviews.forms.questions import PLACE_OF_DEATH as REVIEW_PLACES
from leder.reviews.forms.workspace import LD_SEVERITY_CHOICES
from leder.reviews.models import GradingScale, LearningKind, LearningTheme

# The lifecycle step that takes an imported case from notified to completed, and the service
# name it must be made with (the lifecycle table says which).
IMPORT_TRANSITION = "import_completed"
IMPORT_SERVICE = TRANSITIONS[IMPORT_TRANSITION].service

# Case outcomes a row may have, and the case state each leaves (None: no case is opened).
# "eligible" is the earlier template's word for awaiting allocation.
OUTCOMES = {
    "notified": None,
    "awaiting_allocation": CaseState.AWAITING_ALLOCATION,
    "eligible": CaseState.AWAITING_ALLOCATION,
    "allocated": CaseState.ALLOCATED,
    "in_review": CaseState.INITIAL_REVIEW,
    "on_hold": CaseState.ON_HOLD,
    "child_death_review": CaseState.CHILD_DEATH_REVIEW,
    "not_eligible": CaseState.NOT_ELIGIBLE,
    "completed": CaseState.COMPLETED,
}
OUTCOME_NAMES = ", ".join(name for name in OUTCOMES if name != "eligible")
# Outcomes that need the reviewer named, and those that may name one.
NEEDS_REVIEWER = ("allocated", "in_review")
MAY_NAME_REVIEWER = ("allocated", "in_review", "on_hold", "completed")
LONG_TEXT = 5000
# Rows checked together: one query each for GP practices, re-imports and duplicate candidates.
BATCH = 500
SEVERITIES = tuple(value for value, _ in LD_SEVERITY_CHOICES)
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

# What a completed review without a recorded cause is imported as (the template and the import
# page say so): no cause-of-death section, so every figure counts it as "cause not recorded".
CAUSE_NOT_RECORDED = "cause not recorded"


@dataclass(frozen=True)
class HoldPlan:
    kind: str
    started_on: date
    reason: str
    organisation: str = ""
    reference: str = ""
    expected_end_on: date | None = None


@dataclass(frozen=True)
class LearningPlan:
    kind: str
    text: str
    themes: tuple[str, ...]


@dataclass(frozen=True)
class ReviewPlan:
    completed_on: date
    grading_level: int
    grading_scale_version: str
    underlying_cause_code: str
    place_of_death: str
    themes: tuple[str, ...]
    summary: str
    submitted_on: date | None = None
    learning: tuple[LearningPlan, ...] = ()
    # The structured answers as `questions.clean` stores them (None: not given).
    answers: dict | None = None
    question_set_version: str = ""


@dataclass(frozen=True)
class RowPlan:
    """Exactly what the commit writes for one ready row."""

    person: PersonInput
    notifier: NotifierInput
    received_at: datetime
    submission_key: uuid.UUID
    outcome: str
    outcome_reason: str = ""
    review: ReviewPlan | None = None
    reviewer_id: int | None = None
    allocated_on: date | None = None
    hold: HoldPlan | None = None
    ld_severity: str = ""
    # The profile as `profile.record` stores it (None: not given).
    profile: dict | None = None
    # The underlying cause (any case) and the place of death the review found.
    cause_code: str = ""
    cause_place: str = ""

    @property
    def state(self) -> str | None:
        return OUTCOMES[self.outcome]

    @property
    def needs_review(self) -> bool:
        """An initial review holds what the row gives beyond the notification."""
        return bool(
            self.review
            or self.outcome == "in_review"
            or (self.outcome == "on_hold" and self.reviewer_id)
            or self.ld_severity
            or self.profile
            or self.cause_code
        )


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


# --- what rows are checked against, loaded once ----------------------------------------------


class _Cached:
    """Stands in for a ModelChoiceField's queryset: `get(pk=…)` from rows loaded once, so a form
    bound to each of 50,000 rows does not query the database for each."""

    def __init__(self, rows, *, key=lambda obj: str(obj.pk)):
        rows = list(rows)
        self.model = type(rows[0]) if rows else None
        self._rows = rows
        self._by = {key(obj): obj for obj in rows}

    def all(self):
        return self

    def order_by(self, *fields):
        return self

    def __iter__(self):
        return iter(self._rows)

    def __len__(self):
        return len(self._rows)

    def exists(self):
        return bool(self._rows)

    def get(self, **lookup):
        ((_, value),) = lookup.items()
        found = self._by.get(str(value))
        if found is None:
            raise self._missing()
        return found

    def _missing(self):
        from django.core.exceptions import ObjectDoesNotExist

        return (self.model.DoesNotExist if self.model else ObjectDoesNotExist)()


class _FormCheck:
    """One notification form, made once, cleaned for row after row exactly as Django's
    `full_clean` cleans a form bound to the row's data: each field's `clean` on what its widget
    reads from the data, the form's `clean_<field>` methods, then the form's `clean`, with
    errors added by `add_error`, so the rules and the messages are the form's own. What it
    leaves out is what costs and checks nothing: a new form per row and a bound field per
    field (a test holds the two ways equal on good and bad rows)."""

    def __init__(self, form):
        self.form = form
        self.steps = []
        for name, field_ in form.fields.items():
            if field_.disabled or isinstance(field_, django_forms.FileField):
                raise TypeError(f"{type(form).__name__}.{name}: not a field a file can fill")
            reader = field_.widget.value_from_datadict
            self.steps.append((name, field_.clean, reader, getattr(form, f"clean_{name}", None)))

    def run(self, data: dict):
        form = self.form
        form.data = data
        form._bound_fields_cache = {}
        form._errors = ErrorDict(renderer=form.renderer)
        form.cleaned_data = cleaned = {}
        for name, clean, read, clean_named in self.steps:
            try:
                cleaned[name] = clean(read(data, None, name))
                if clean_named is not None:
                    cleaned[name] = clean_named()
            except ValidationError as error:
                form.add_error(name, error)
        form._clean_form()
        form._post_clean()
        return form


class Lookups:
    """Everything a row is checked against, read once per check (a handful of queries)."""

    def __init__(self, icb):
        self.icb = icb
        self.icbs = _Cached([icb])
        self.ethnic = _Cached(EthnicCategory.objects.all())
        self.scales = list(
            GradingScale.objects.order_by("effective_from").prefetch_related("levels")
        )
        self.levels = {s.version: {lv.level for lv in s.levels.all()} for s in self.scales}
        self.themes = {t.name.lower(): t.name for t in LearningTheme.objects.filter(active=True)}
        self.reviewers = {
            r.user.email.lower(): r
            for r in Reviewer.objects.filter(icb=icb).select_related("user")
            if r.user.email
        }
        self.rules = list(EligibilityRules.objects.order_by("effective_from"))
        self.practices: dict[str, Organisation | None] = {}
        self._forms: dict = {}

    def form(self, form_class, kwargs: dict) -> "_FormCheck":
        """The form of `form_class` made with these arguments, made once for the whole check
        and then only cleaned, row after row (`_FormCheck.run`): making a form deep-copies
        every field, and binding one builds a bound field per field; neither changes a rule."""
        key = (form_class, kwargs.get("relationship"), kwargs.get("has_care_concerns"))
        check = self._forms.get(key)
        if check is None:
            form = form_class({}, **kwargs)
            if form_class is nf.EqualityForm:
                form.fields["ethnic_category"].queryset = self.ethnic
            check = self._forms[key] = _FormCheck(form)
        return check

    def scale_on(self, day: date):
        """`GradingScale.objects.in_force_on(day)`, from the scales loaded once."""
        in_force = [s for s in self.scales if s.effective_from <= day]
        return in_force[-1] if in_force else None

    def rules_for(self, day: date):
        """`eligibility.rules_for(day)`, from the rules loaded once."""
        in_force = [r for r in self.rules if r.effective_from <= day]
        return in_force[-1] if in_force else (self.rules[0] if self.rules else None)

    def load_practices(self, rows: list[Row]) -> None:
        """The GP practices a batch names, in one query (`nf.gp_practice_matching`'s rule)."""
        texts = {
            " ".join(str(row.values.get("gp_practice", "")).split()).upper() for row in rows
        } - {""}
        texts -= set(self.practices)
        if not texts:
            return
        found: dict[str, list] = defaultdict(list)
        practices = (
            Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE)
            .annotate(_ods=Upper("ods_code"), _name=Upper("name"))
            .filter(Q(_ods__in=texts) | Q(_name__in=texts))
            .select_related("icb")
        )
        for practice in practices:
            for text in {practice._ods, practice._name} & texts:
                found[text].append(practice)
        for text in texts:
            matches = found.get(text, [])
            self.practices[text] = matches[0] if len(matches) == 1 else None

    def practice_matching(self, text: str):
        text = " ".join(text.split())
        return self.practices.get(text.upper()) if text else None


# --- the whole file ----------------------------------------------------------------------------


def check_rows(rows: list[Row], *, icb, sha256: str, progress=None) -> list[RowResult]:
    """The outcome of every row: rejected (with every problem), duplicate (with why), or ready
    (with its plan). In-file duplicates are judged against the rows above that are ready.
    Checked in batches of `BATCH` rows; `progress(done, total)` is called after each."""
    lookups = Lookups(icb)
    index = _FileIndex()
    results: list[RowResult] = []
    for start in range(0, len(rows), BATCH):
        part = rows[start : start + BATCH]
        lookups.load_practices(part)
        checked = [_check_row(row, lookups=lookups, sha256=sha256) for row in part]
        _mark_duplicates(checked, index)
        results += checked
        if progress is not None:
            progress(len(results), len(rows))
    return results


def counts(results: list[RowResult]) -> dict[str, int]:
    out = {"total": len(results)}
    for outcome in (RowOutcome.READY, RowOutcome.DUPLICATE, RowOutcome.REJECTED):
        out[outcome.value] = sum(1 for r in results if r.outcome == outcome)
    return out


# --- one row ---------------------------------------------------------------------------------


_NOT_WORD = re.compile(r"[^a-z0-9]+")
# `_normal` of texts met before: a file repeats the same few answers in every row.
_NORMALISED: dict[str, str] = {}


def _normal(text: str) -> str:
    text = str(text)
    found = _NORMALISED.get(text)
    if found is None:
        found = _NOT_WORD.sub("_", text.lower()).strip("_")
        if len(_NORMALISED) < 100_000:
            _NORMALISED[text] = found
    return found


def _choice_lookup(choices) -> dict[str, str]:
    """Each choice by its value or its label, in any case, spaces or underscores."""
    lookup: dict[str, str] = {}
    for value, label in choices:
        if value in ("", None):
            continue
        lookup[_normal(value)] = value
        lookup.setdefault(_normal(label), value)
    return lookup


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


# How each file column feeds its form field: the area (the file's ICB), a date (three boxes), a
# model choice (its code), a choice (by value or label) or text.
_AREA, _DATE, _MODEL, _CHOICE, _TEXT = "area", "date", "model", "choice", "text"


@dataclass(frozen=True)
class _Feed:
    name: str
    column: str | None
    kind: str
    lookup: dict | None = None
    allowed: str = ""


_FEEDS: list = []


def _form_feeds() -> list[tuple[type, dict, tuple[_Feed, ...]]]:
    """`FORM_COLUMNS` with what each column is, worked out once (the forms' choices are fixed)."""
    if not _FEEDS:
        for form_class, columns in FORM_COLUMNS:
            fields = form_class.base_fields
            feeds = []
            for name, column in columns.items():
                field_ = fields[name]
                if column is None:
                    feeds.append(_Feed(name, None, _AREA))
                elif isinstance(field_, NHSDateField):
                    feeds.append(_Feed(name, column, _DATE))
                elif isinstance(field_, django_forms.ModelChoiceField):
                    feeds.append(_Feed(name, column, _MODEL))
                elif isinstance(field_, django_forms.ChoiceField):
                    lookup = _choice_lookup(field_.choices)
                    feeds.append(_Feed(name, column, _CHOICE, lookup, _allowed(field_)))
                else:
                    feeds.append(_Feed(name, column, _TEXT))
            _FEEDS.append((form_class, columns, tuple(feeds)))
    return _FEEDS


def _form_data(feeds, values: dict, icb_pk: str) -> tuple[dict, dict[str, str]]:
    """The request data the telephone form would have had for this row, and the choices the
    row gives that are not answers the form allows (with the message that says so)."""
    data: dict = {}
    unrecognised: dict[str, str] = {}
    for feed in feeds:
        if feed.kind == _AREA:
            data[feed.name] = icb_pk
            continue
        cell = values.get(feed.column, "")
        if feed.kind == _TEXT:
            data[feed.name] = str(cell)
        elif feed.kind == _CHOICE:
            raw = str(cell)
            if raw == "":
                data[feed.name] = ""
                continue
            found = feed.lookup.get(_normal(raw))
            if found is None:
                data[feed.name] = raw
                unrecognised[feed.name] = (
                    f"“{cell}” is not one of the answers allowed here: {feed.allowed}"
                )
            else:
                data[feed.name] = found
        elif feed.kind == _DATE:
            for part, text in _date_parts(cell).items():
                data[f"{feed.name}_{part}"] = text
        else:
            data[feed.name] = str(cell).strip().upper()
    return data, unrecognised


def _check_row(row: Row, *, lookups: Lookups, sha256: str) -> RowResult:
    result = RowResult(number=row.number)
    values = row.values
    icb = lookups.icb
    answers: dict = {}
    relationship = None
    has_care_concerns = None
    icb_pk = str(icb.pk)
    for form_class, columns, feeds in _form_feeds():
        kwargs: dict = {"for_staff": True}
        if form_class is nf.NotifierDetailsForm:
            kwargs["relationship"] = relationship
        if form_class is nf.ConcernsDetailForm:
            kwargs["has_care_concerns"] = has_care_concerns
        if form_class is nf.AreaForm:
            kwargs["icbs"] = lookups.icbs
        if form_class is nf.GPForm:
            kwargs["practice_matching"] = lookups.practice_matching
        data, unrecognised = _form_data(feeds, values, icb_pk)
        form = lookups.form(form_class, kwargs).run(data)
        errors = form._errors
        valid = not errors
        for name, messages in errors.items():
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
        result.error("outcome", f"Enter the case outcome: {OUTCOME_NAMES}")
    elif outcome not in OUTCOMES:
        result.error(
            "outcome",
            f"“{values.get('outcome')}” is not a case outcome: use one of {OUTCOME_NAMES}",
        )
    result.case_outcome = outcome if outcome in OUTCOMES else ""
    outcome_reason = str(values.get("outcome_reason", "")).strip()
    if outcome == "not_eligible" and not outcome_reason:
        result.error("outcome_reason", "Enter why the death was not eligible for review")
    if len(outcome_reason) > 2000:
        result.error("outcome_reason", "Reason for the outcome must be 2,000 characters or fewer")

    reviewer, allocated_on = _check_allocation(result, values, outcome, lookups, received_on)
    hold = _check_hold(result, values, outcome, received_on, allocated_on)
    severity = _check_severity(result, values)
    profile_data = _check_profile(result, values, died)
    cause_code, cause_place = _check_cause(result, values)

    review = None
    if outcome == "completed":
        review = _check_review(
            result,
            values,
            lookups=lookups,
            received_on=received_on,
            allocated_on=allocated_on,
            cause_code=cause_code,
            cause_place=cause_place,
        )
    elif outcome in OUTCOMES:
        for column in REVIEW_COLUMNS:
            if str(values.get(column, "")).strip():
                result.error(
                    column,
                    "Leave this empty: review details are imported only when the outcome is "
                    "completed",
                )

    if result.errors:
        result.outcome = RowOutcome.REJECTED
        result.errors.sort(key=lambda e: _COLUMN_ORDER.get(e["column"], 999))
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
        reviewer_id=reviewer.pk if reviewer else None,
        allocated_on=allocated_on,
        hold=hold,
        ld_severity=severity,
        profile=profile_data,
        cause_code=cause_code,
        cause_place=cause_place,
    )
    return result


def _text(values: dict, column: str) -> str:
    return str(values.get(column, "") or "").strip()


_COLUMN_ORDER = {name: index for index, name in enumerate(NAMES)}
# The date fields the import's own dates are cleaned with, one per subject, made once.
_DATE_FIELDS: dict[tuple[str, bool], NHSDateField] = {}


def _date(
    result: RowResult, values: dict, column: str, subject: str, *, allow_future: bool = False
) -> date | None:
    field_ = _DATE_FIELDS.get((subject, allow_future))
    if field_ is None:
        field_ = _DATE_FIELDS[(subject, allow_future)] = NHSDateField(
            subject=subject, allow_future=allow_future
        )
    try:
        return field_.clean(_date_parts(values.get(column, "")))
    except ValidationError as error:
        for message in error.messages:
            result.error(column, message)
        return None


def _optional_date(
    result: RowResult, values: dict, column: str, subject: str, *, allow_future: bool = False
) -> date | None:
    if not _text(values, column):
        return None
    return _date(result, values, column, subject, allow_future=allow_future)


def _not_before(result, column, day, earlier, what: str) -> None:
    if day and earlier and day < earlier:
        result.error(column, f"{LABELS[column]} must be the same as or after {what}")


def _check_allocation(result, values, outcome, lookups: Lookups, received_on):
    """The reviewer the case is allocated to (by e-mail, from this ICB's register) and when."""
    email = _text(values, "reviewer_email").lower()
    reviewer = None
    if not email:
        if outcome in NEEDS_REVIEWER:
            result.error(
                "reviewer_email",
                "Enter the e-mail address of the reviewer the case is allocated to",
            )
    elif outcome in OUTCOMES and outcome not in MAY_NAME_REVIEWER:
        result.error(
            "reviewer_email",
            f"Leave this empty: a case that is {outcome.replace('_', ' ')} has no reviewer",
        )
    else:
        reviewer = lookups.reviewers.get(email)
        if reviewer is None:
            result.error(
                "reviewer_email",
                f"“{_text(values, 'reviewer_email')}” is not the e-mail address of a reviewer "
                f"in the register of {lookups.icb.name}: add them to the register first, or "
                "import the case as awaiting allocation",
            )
    allocated_on = None
    if _text(values, "allocated_on"):
        if not email:
            result.error("allocated_on", "Leave this empty, or give the reviewer's e-mail address")
        allocated_on = _date(result, values, "allocated_on", "date allocated")
        _not_before(result, "allocated_on", allocated_on, received_on, "the date received")
    elif email:
        result.error("allocated_on", "Enter the date the case was allocated to the reviewer")
    return reviewer, allocated_on


@cache
def _named(choices) -> dict[str, str]:
    """A choice class's values by their value or label, normalised (made once)."""
    named = {_normal(v): v for v in choices.values}
    named.update({_normal(label): v for v, label in choices.choices})
    return named


@cache
def _severities() -> dict[str, str]:
    lookup = {_normal(v): v for v in SEVERITIES}
    lookup.update({_normal(label): v for v, label in LD_SEVERITY_CHOICES})
    return lookup


def _check_hold(result, values, outcome, received_on, allocated_on) -> HoldPlan | None:
    if outcome != "on_hold":
        if outcome in OUTCOMES:
            for column in HOLD_COLUMNS:
                if _text(values, column):
                    result.error(column, "Leave this empty: only a case on hold has a hold")
        return None
    raw = _text(values, "hold_kind")
    kind = None
    if not raw:
        result.error("hold_kind", "Enter what holds the review: " + ", ".join(HoldKind.values))
    else:
        kind = _named(HoldKind).get(_normal(raw))
        if kind is None:
            result.error(
                "hold_kind",
                f"“{raw}” is not a process that holds a review: use one of "
                + ", ".join(HoldKind.values),
            )
    started_on = None
    if not _text(values, "hold_started_on"):
        result.error("hold_started_on", "Enter the date the case was put on hold")
    else:
        started_on = _date(result, values, "hold_started_on", "date put on hold")
        _not_before(result, "hold_started_on", started_on, received_on, "the date received")
        _not_before(result, "hold_started_on", started_on, allocated_on, "the date allocated")
    reason = _text(values, "hold_reason")
    if kind == HoldKind.OTHER and not reason:
        result.error("hold_reason", "Enter why the case is on hold")
    # An open hold's process is usually still to end: the date may be in the future, as on the
    # hold page (the reminder goes once it has passed).
    expected = _optional_date(
        result, values, "hold_expected_end_on", "date expected to end", allow_future=True
    )
    _not_before(result, "hold_expected_end_on", expected, started_on, "the date put on hold")
    for column, limit in (
        ("hold_reason", 2000),
        ("hold_organisation", 200),
        ("hold_reference", 100),
    ):
        if len(_text(values, column)) > limit:
            result.error(column, f"{LABELS[column]} must be {limit:,} characters or fewer")
    if kind is None or started_on is None:
        return None
    return HoldPlan(
        kind=kind,
        started_on=started_on,
        reason=reason or HoldKind(kind).label,
        organisation=_text(values, "hold_organisation"),
        reference=_text(values, "hold_reference"),
        expected_end_on=expected,
    )


def _check_severity(result, values) -> str:
    raw = _text(values, "ld_severity")
    if not raw:
        return ""
    found = _severities().get(_normal(raw))
    if found is None:
        result.error(
            "ld_severity",
            f"“{raw}” is not a severity of learning disability: use one of {', '.join(SEVERITIES)}",
        )
        return ""
    return found


def _check_profile(result, values, died) -> dict | None:
    """The person's profile: every column or none; each value as the profile set allows."""
    given = {name: _text(values, name) for name in PROFILE_NAMES}
    if not any(given.values()):
        return None
    version = profile.current_version(died)
    profile_set = profile.profile_set(version)
    data: dict = {}
    for entry in profile_set.fields:
        raw = given.get(entry.key, "")
        if not raw:
            continue
        lookup = {_normal(v): v for v in entry.values}
        lookup.update({_normal(label): v for v, label in entry.choices})
        parts = (
            [p for p in re.split(r"[|;]", raw) if p.strip()]
            if entry.kind == profile.LIST
            else [raw]
        )
        chosen = []
        for part in parts:
            value = lookup.get(_normal(part))
            if value is None:
                result.error(
                    entry.key,
                    f"“{part.strip()}” is not an answer allowed here: {', '.join(entry.values)}",
                )
            else:
                chosen.append(value)
        data[entry.key] = chosen if entry.kind == profile.LIST else (chosen[0] if chosen else "")
    for key, message in profile.errors(data, version=version, complete=True).items():
        if key in PROFILE_NAMES and not any(e["column"] == key for e in result.errors):
            result.error(key, f"{message} (give every profile column, or none)")
    return profile.record(data, version=version)


def _check_cause(result, values) -> tuple[str, str]:
    raw_code = _text(values, "underlying_cause_code")
    code = ""
    if raw_code:
        if icd10.is_valid(raw_code):
            code = icd10.normalise(raw_code)
        else:
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
    if place and not raw_code:
        result.error(
            "review_place_of_death",
            "Leave this empty, or give the underlying cause of death it was found with",
        )
    return code, place if place in places else ""


def _themes(result, column: str, raw: str, lookups: Lookups) -> list[str]:
    names = [n.strip() for n in raw.split(";") if n.strip()]
    themes = []
    for name in names:
        if name.lower() in lookups.themes:
            themes.append(lookups.themes[name.lower()])
        else:
            result.error(
                column,
                f"“{name}” is not a learning theme. Use the theme names in the import guide, "
                "separated by semicolons",
            )
    return list(dict.fromkeys(themes))


def _check_review(
    result: RowResult,
    values: dict,
    *,
    lookups: Lookups,
    received_on,
    allocated_on,
    cause_code: str,
    cause_place: str,
) -> ReviewPlan | None:
    errors_before = len(result.errors)
    completed_on = _date(result, values, "review_completed_on", "date the review was completed")
    _not_before(result, "review_completed_on", completed_on, received_on, "the date received")
    _not_before(result, "review_completed_on", completed_on, allocated_on, "the date allocated")
    submitted_on = _optional_date(
        result, values, "review_submitted_on", "date the review was submitted"
    )
    _not_before(result, "review_submitted_on", submitted_on, received_on, "the date received")
    _not_before(result, "review_submitted_on", submitted_on, allocated_on, "the date allocated")
    if submitted_on and completed_on and submitted_on > completed_on:
        result.error(
            "review_submitted_on",
            "Date the review was submitted must be the same as or before the date it was completed",
        )

    scale = lookups.scale_on(completed_on or today())
    levels = lookups.levels.get(scale.version, set()) if scale else set()
    raw_grade = _text(values, "grading")
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

    themes = _themes(result, "learning_themes", _text(values, "learning_themes"), lookups)
    learning = []
    kinds = _named(LearningKind)
    for n in range(1, LEARNING_ITEMS + 1):
        kind_raw = _text(values, f"learning_{n}_kind")
        text = str(values.get(f"learning_{n}_text", "") or "").strip().replace("\r\n", "\n")
        item_themes = _themes(
            result, f"learning_{n}_themes", _text(values, f"learning_{n}_themes"), lookups
        )
        if not (kind_raw or text or item_themes):
            continue
        kind = kinds.get(_normal(kind_raw))
        if not kind_raw:
            result.error(f"learning_{n}_kind", "Enter the kind: " + ", ".join(LearningKind.values))
        elif kind is None:
            result.error(
                f"learning_{n}_kind",
                f"“{kind_raw}” is not a kind of learning: use one of "
                + ", ".join(LearningKind.values),
            )
        if not text:
            result.error(f"learning_{n}_text", "Enter what was learnt")
        elif len(text) > LONG_TEXT:
            result.error(
                f"learning_{n}_text", f"The learning must be {LONG_TEXT:,} characters or fewer"
            )
        if kind and text:
            learning.append(LearningPlan(kind=kind, text=text, themes=tuple(item_themes)))

    summary = str(values.get("review_summary", "")).strip().replace("\r\n", "\n")
    if not summary:
        result.error("review_summary", "Enter the summary of the review")
    elif len(summary) > LONG_TEXT:
        result.error(
            "review_summary", f"Summary of the review must be {LONG_TEXT:,} characters or fewer"
        )

    version = questions.current_version(received_on or today())
    answers = _check_answers(result, values, version)

    if len(result.errors) > errors_before or completed_on is None or level is None:
        return None
    return ReviewPlan(
        completed_on=completed_on,
        submitted_on=submitted_on,
        grading_level=level,
        grading_scale_version=scale.version,
        underlying_cause_code=cause_code,
        place_of_death=cause_place,
        themes=tuple(themes),
        summary=summary,
        learning=tuple(learning),
        answers=answers,
        question_set_version=version,
    )


# The detail a concern needs (the form asks for it); the previous platform's is not migrated.
IMPORTED_DETAIL = "Recorded on the previous platform; the detail was not imported."


def _check_answers(result, values, version: str) -> dict | None:
    """The structured answers: none, or every question the review's question set asks."""
    given = {name[2:]: _normal(_text(values, name)) for name in QUESTION_NAMES}
    if not any(given.values()):
        return None
    question_set = questions.question_set(version)
    allowed = {value for value, _ in questions.ANSWERS}
    labels = {_normal(label): value for value, label in questions.ANSWERS}
    drawn = {}
    for key, raw in given.items():
        if not raw:
            continue
        answer = raw if raw in allowed else labels.get(raw)
        if answer is None:
            result.error(
                f"q_{key}",
                f"“{_text(values, 'q_' + key)}” is not an answer: use yes, no, not_known or "
                "not_applicable",
            )
            continue
        drawn[key] = {"answer": answer, "detail": ""}
    asked = {q.key: q for q, _ in questions.shown(question_set, drawn)}
    for key in drawn:
        if key not in asked:
            result.error(
                f"q_{key}",
                "Leave this empty: the question is not asked given the answer to the question "
                "it follows",
            )
    for key, question in asked.items():
        if key not in drawn and not any(e["column"] == f"q_{key}" for e in result.errors):
            result.error(
                f"q_{key}", "Answer this question too: give every question's answer, or none"
            )
        elif key in drawn and drawn[key]["answer"] in question.detail_required_when:
            drawn[key]["detail"] = IMPORTED_DETAIL
    return questions.clean(question_set, drawn)


# --- duplicates ------------------------------------------------------------------------------


def _person_key(person: PersonInput) -> duplicates.PersonKey:
    return duplicates.PersonKey(
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        date_of_death=person.date_of_death,
        nhs_number=person.nhs_number,
    )


@lru_cache(maxsize=65536)
def _date_variants(day: date) -> frozenset[date]:
    """`duplicates.date_variants`, once a date: a file's rows share their dates."""
    return frozenset(duplicates.date_variants(day))


class _FileIndex:
    """The ready rows so far, indexed by NHS number and by date of death, so a row is compared
    only with the rows a typo could make the same death: the blocking keys are
    `duplicates.date_variants` of both dates, the same the database query uses."""

    def __init__(self):
        self.by_number: dict[str, list] = defaultdict(list)
        self.by_death: dict[date, list] = defaultdict(list)
        self.order = 0

    def add(self, number: int, key: duplicates.PersonKey) -> None:
        self.order += 1
        entry = (self.order, number, key)
        if key.nhs_number:
            self.by_number[key.nhs_number].append(entry)
        self.by_death[key.date_of_death].append(entry)

    def first_match(self, key: duplicates.PersonKey, dob_variants, dod_variants):
        """(row number, explanation) of the earliest ready row `compare` matches, or None."""
        found = {}
        for entry in self.by_number.get(key.nhs_number, ()) if key.nhs_number else ():
            found[entry[0]] = entry
        for died in dod_variants:
            for entry in self.by_death.get(died, ()):
                if entry[2].date_of_birth in dob_variants:
                    found[entry[0]] = entry
        for _, number, earlier in sorted(found.values(), key=lambda e: e[0]):
            compared = duplicates.compare(key, earlier)
            if compared:
                return number, compared[2]
        return None


def _mark_duplicates(results: list[RowResult], index: _FileIndex) -> None:
    """Why each ready row of the batch is a duplicate, in the order `_duplicate_reason` gave:
    already imported from this file, already notified, or the same death as a row above. Two
    queries for the batch."""
    ready = [r for r in results if r.plan is not None]
    if not ready:
        return
    existing = dict(
        Notification.objects.filter(
            submission_key__in=[r.plan.submission_key for r in ready]
        ).values_list("submission_key", "reference")
    )
    keys = {r.number: _person_key(r.plan.person) for r in ready}
    variants = {
        r.number: (
            _date_variants(keys[r.number].date_of_birth),
            _date_variants(keys[r.number].date_of_death),
        )
        for r in ready
    }
    candidates = _database_candidates(ready, keys, variants)
    for result in ready:
        plan, key = result.plan, keys[result.number]
        reason = ""
        if plan.submission_key in existing:
            reason = f"Already imported from this file as {existing[plan.submission_key]}"
        if not reason:
            best = _best_candidate(key, variants[result.number], candidates)
            if best is not None:
                reason = (
                    f"Already notified as {best.notification.reference}: "
                    f"{_sentence_case(best.explanation)}"
                )
        if not reason:
            match = index.first_match(key, *variants[result.number])
            if match:
                reason = f"Same death as row {match[0]} of this file: {_sentence_case(match[1])}"
        if reason:
            result.outcome, result.reason, result.plan = RowOutcome.DUPLICATE, reason, None
        else:
            index.add(result.number, key)


_CANDIDATE_FIELDS = (
    "pk",
    "reference",
    "given_name",
    "family_name",
    "date_of_birth",
    "date_of_death",
    "nhs_number",
    "received_at",
)


def _database_candidates(ready, keys, variants) -> "_CandidateIndex":
    """Every notification that may be a duplicate of a row of the batch: one query, by NHS
    number or by the dates a typo could have made of the rows' dates (the blocking keys of
    `duplicates.find_candidates`). The thousands of dates go as one parameter each for births
    and deaths (`_AmongDays`), not one parameter a date."""
    numbers = {k.nhs_number for k in keys.values() if k.nhs_number}
    births = set().union(*(v[0] for v in variants.values()))
    deaths = set().union(*(v[1] for v in variants.values()))
    pool = Notification.objects.exclude(state=NotificationState.MERGED)
    query = Q(_AmongDays(F("date_of_death"), deaths)) & Q(_AmongDays(F("date_of_birth"), births))
    if numbers:
        query |= Q(nhs_number__in=numbers)
    rows = pool.filter(query).values_list(*_CANDIDATE_FIELDS)
    return _CandidateIndex(rows)


class _AmongDays(Lookup):
    """`date IN (days…)` with the days as one parameter: an array on PostgreSQL, a JSON list
    read by `json_each` on SQLite. The same rows as `__in`, without a query of thousands of
    parameters for the database to parse and plan, a batch at a time."""

    lookup_name = "among_days"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        days = sorted(day.isoformat() for day in self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::date[])", [*params, days]
        if connection.vendor == "sqlite":
            return f"{lhs} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(days)]
        placeholders = ", ".join(["%s"] * len(days)) or "NULL"
        return f"{lhs} IN ({placeholders})", [*params, *days]


@dataclass(frozen=True)
class _Found:
    pk: int
    reference: str
    received_at: datetime


@dataclass(frozen=True)
class _Candidate:
    notification: _Found
    score: int
    explanation: str


class _CandidateIndex:
    def __init__(self, rows):
        self.by_number: dict[str, list] = defaultdict(list)
        self.by_death: dict[date, list] = defaultdict(list)
        for pk, reference, given, family, born, died, number, received in rows:
            entry = (
                _Found(pk, reference, received),
                duplicates.PersonKey(given, family, born, died, number),
            )
            if number:
                self.by_number[number].append(entry)
            self.by_death[died].append(entry)


def _best_candidate(key, key_variants, index: _CandidateIndex) -> _Candidate | None:
    """`duplicates.find_candidates(key)[0]`, from the batch's candidates."""
    seen: dict[int, tuple] = {}
    for entry in index.by_number.get(key.nhs_number, ()) if key.nhs_number else ():
        seen[entry[0].pk] = entry
    births, deaths = key_variants
    for died in deaths:
        for entry in index.by_death.get(died, ()):
            if entry[1].date_of_birth in births:
                seen[entry[0].pk] = entry
    ranked = []
    for found, existing in seen.values():
        compared = duplicates.compare(key, existing)
        if compared:
            ranked.append(_Candidate(found, compared[1], compared[2]))
    if not ranked:
        return None
    return min(ranked, key=lambda c: (-c.score, c.notification.received_at))


def _sentence_case(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


__all__ = [
    "CAUSE_NOT_RECORDED",
    "IMPORT_SERVICE",
    "IMPORT_TRANSITION",
    "LABELS",
    "OUTCOMES",
    "HoldPlan",
    "LearningPlan",
    "Lookups",
    "ReviewPlan",
    "RowPlan",
    "RowResult",
    "check_rows",
    "counts",
    "submission_key",
]
