"""The analysis extract: the rows a report's figures are computed from, as polars frames.

`build_extract(cohort, scope)` reads the database once per frame (one SQL query each, values
only, never model instances) and returns an `Extract`:

- `deaths`: one row per notified death in the cohort and scope (merged duplicates left out),
  with exactly the fields the metrics need (see `DEATH_SCHEMA`). People who opted out of the
  national data opt-out keep only what counting them needs (reference, ICB, state, dates); their
  personal characteristics are blanked here so no metric can use them.
- `learning`: one row per (learning item, theme) from the cohort's completed reviews.
- `actions`: the scope's SMART actions agreed before the end of the period.
- `ld_population`: the scope's population with a learning disability (sum of its ICBs'), or
  None if any ICB's is not configured.

Rows are sorted by reference (and then by the other key columns), so the same data always gives
the same frame, and so the same manifest hash. Dates are Europe/London dates.

Tests and the benchmark build frames directly with `frame_from_rows` / the schemas, so the
metric library never needs a database.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.fields.json import KeyTextTransform

from leder.analytics.cohorts import Cohort, CohortKind, Scope, ScopeKind
from leder.casework.deadlines import hold_days_of
from leder.core.time import age_on, now, today

LONDON = ZoneInfo("Europe/London")


def _question_keys() -> tuple[str, ...]:
    from leder.reviews import questions

    keys: dict[str, None] = {}
    for question_set in questions.QUESTION_SETS.values():
        for _, question, _ in question_set.all_questions():
            keys.setdefault(question.key)
    return tuple(keys)


#: Every structured question of every question set, in order.
CARE_QUESTIONS: tuple[str, ...] = _question_keys()
PROFILE_KEYS = ("downs_syndrome", "cerebral_palsy", "epilepsy", "long_term_conditions", "lived_in")

#: The deaths frame: column → polars type. What each column means:
DEATH_SCHEMA: dict[str, pl.DataType] = {
    "reference": pl.String,  # LDR-2025-000123: names a failing record in reconciliation
    "icb": pl.String,  # ODS code of the responsible ICB
    "region": pl.String,  # ODS code of the ICB's NHS England region (null if not set)
    "state": pl.String,  # CaseState value; "notified" when no case is open yet
    "date_of_death": pl.Date,
    "age_at_death": pl.Int16,  # whole years
    "sex": pl.String,  # female / male / not_known
    "ethnic_group": pl.String,  # NHS Data Dictionary group; "Not stated/known" when missing
    "ld_severity": pl.String,  # mild / moderate / severe / pmld; null when not recorded
    "learning_disability": pl.String,  # yes / no / not_sure (autistic people without an LD)
    "notified_on": pl.Date,  # the 6-month clock's start
    "allocated_on": pl.Date,  # first offer of the case to a reviewer
    "completed_on": pl.Date,  # sign-off that completed the case (the live one)
    "place_of_death": pl.String,  # from the review's cause-of-death section, else notification
    # The cause-of-death section is complete (Part I given); for a child's death reviewed
    # through the child death review, the panel's conclusion is recorded (ADR 0154).
    "cause_recorded": pl.Boolean,
    "underlying_cause": pl.String,  # ICD-10 code (WHO form, "J69.0"); null if none
    "covid_status": pl.String,  # confirmed / suspected / no / not_known
    # Grading of care 1–6 (focused review's if any; the child death overview panel's for a
    # child's death, where it gave one); null if not graded.
    "grade": pl.Int8,
    "reviewer_icb": pl.String,  # ICB of the reviewer holding the case (reconciliation)
    # The case's due date: notification + 6 months + days on hold (deadlines.WITHIN_6_MONTHS);
    # null before a case is opened.
    "due_on": pl.Date,
    "hold_days": pl.Int32,  # days on hold the due date carries (0 when never held)
    "autistic": pl.String,  # yes / no / not_sure, as notified (the second population)
    # The person's profile (ADR 0045), from the initial review's profile section once it is
    # marked complete; null otherwise. Lists are the QOF condition keys.
    "profile_recorded": pl.Boolean,
    "downs_syndrome": pl.String,  # yes / no / not_known
    "cerebral_palsy": pl.String,
    "epilepsy": pl.String,
    "long_term_conditions": pl.List(pl.String),
    "lived_in": pl.String,  # family_home / own_home / supported_living / … / not_known
    # Every structured question's answer (yes / no / not_known / not_applicable), from the
    # initial review's questions once marked complete: q_<question key>, see CARE_QUESTIONS.
    **{f"q_{key}": pl.String for key in CARE_QUESTIONS},
}

LEARNING_SCHEMA: dict[str, pl.DataType] = {
    "reference": pl.String,
    "item": pl.Int64,  # learning item id (an item with two themes has two rows)
    "kind": pl.String,  # good_practice / improvement / concern
    "theme": pl.String,  # top-level theme (a sub-theme is counted under its parent)
}

ACTION_SCHEMA: dict[str, pl.DataType] = {
    "reference": pl.String,
    "icb": pl.String,
    "status": pl.String,  # open / in_progress / completed / cancelled
    "agreed_on": pl.Date,
    "due_on": pl.Date,
    "completed_on": pl.Date,
    "cancelled_on": pl.Date,
}

#: The case events frame (`case_events_frame`): one row per state transition.
EVENT_SCHEMA: dict[str, pl.DataType] = {
    "reference": pl.String,  # the notification's reference
    "to_state": pl.String,
    "occurred_on": pl.Date,  # Europe/London day of the transition
    "sequence": pl.Int64,  # order of the transitions (by time, then as written)
}

#: Version of the extract's definition (columns and their meaning); goes into the manifest.
EXTRACT_VERSION = "4"  # 2: due_on, hold_days (ADR 0140); 3: autism, profile, answers;
# 4: child deaths' cause and grade from the child death review (ADR 0154)

NOT_STATED = "Not stated/known"
NOTIFIED = "notified"
OPTED_OUT = "opted_out"
_PERSONAL = ("sex", "ethnic_group", "ld_severity", "age_at_death", "place_of_death")
_PERSONAL += ("downs_syndrome", "cerebral_palsy", "epilepsy", "long_term_conditions", "lived_in")


@dataclass(frozen=True)
class Extract:
    cohort: Cohort
    scope: Scope
    deaths: pl.DataFrame
    learning: pl.DataFrame = field(default_factory=lambda: empty(LEARNING_SCHEMA))
    actions: pl.DataFrame = field(default_factory=lambda: empty(ACTION_SCHEMA))
    ld_population: int | None = None
    as_of: date | None = None  # the day backlog ages are measured to
    generated_at: datetime | None = None

    @property
    def frames(self) -> dict[str, pl.DataFrame]:
        return {"deaths": self.deaths, "learning": self.learning, "actions": self.actions}


def empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


def frame_from_rows(rows: list[dict] | list[tuple], schema: dict[str, pl.DataType]):
    """A frame with exactly `schema`'s columns and types, from dicts (missing keys are null) or
    tuples in schema order."""
    if rows and isinstance(rows[0], dict):
        rows = [tuple(row.get(name) for name in schema) for row in rows]
    return pl.DataFrame(rows, schema=schema, orient="row")


# --- reading the database ------------------------------------------------------------------------


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def scope_filter(scope: Scope, prefix: str = "") -> Q:
    """Restricts a query whose `<prefix>icb` is the responsible ICB to `scope`."""
    if scope.kind == ScopeKind.ICB:
        return Q(**{f"{prefix}icb__ods_code": scope.code})
    if scope.kind == ScopeKind.REGION:
        return Q(**{f"{prefix}icb__region__ods_code": scope.code})
    return Q()


def _live_signoffs():
    from leder.governance.models import SignOff

    return SignOff.objects.filter(reopened_at__isnull=True)


def cohort_notifications(cohort: Cohort, scope: Scope):
    """The cohort's notifications (not merged duplicates) as a queryset, for the extract and for
    anything that must select the same people (learning items)."""
    from leder.notifications.models import Notification, NotificationState

    query = Notification.objects.filter(scope_filter(scope), state=NotificationState.NEW)
    if cohort.kind == CohortKind.DEATHS:
        return query.filter(
            date_of_death__gte=cohort.starts_on, date_of_death__lt=cohort.ends_before
        )
    if cohort.kind == CohortKind.NOTIFICATIONS:
        return query.filter(
            received_at__gte=_start(cohort.starts_on), received_at__lt=_start(cohort.ends_before)
        )
    completed = _live_signoffs().filter(
        review__case__notification=OuterRef("pk"),
        signed_off_at__gte=_start(cohort.starts_on),
        signed_off_at__lt=_start(cohort.ends_before),
    )
    # A child's death reviewed through the child death review completes when the panel's
    # review concludes (ADR 0154).
    concluded = Q(
        case__state="child_death_review",
        case__child_death_review__concluded_on__gte=cohort.starts_on,
        case__child_death_review__concluded_on__lt=cohort.ends_before,
    )
    return query.filter(Q(Exists(completed), case__state="completed") | concluded)


# The values the deaths frame takes from review sections: column → (section key, review kind,
# field of the section's data, counted only from a section marked complete).
_SECTION_VALUES = {
    "cause_place": ("cause_of_death", "initial", "place_of_death", True),
    "cause_a_text": ("cause_of_death", "initial", "a_text", True),
    "cause_code": ("cause_of_death", "initial", "underlying_cause_code", True),
    "cause_covid": ("cause_of_death", "initial", "covid_status", True),
    "grade_initial": ("grading", "initial", "level", False),
    "grade_focused": ("focused_grading", "focused", "level", False),
    # Severity of learning disability is recorded by the reviewer, from the person's records,
    # in the pen portrait of the initial review ("none" and "not_known" count as not recorded).
    "ld_severity": ("pen_portrait", "initial", "ld_severity", False),
}
# Whole sections of the initial review, read once marked complete and parsed in Python:
# column → section key.
_SECTION_DATA = {"questions_data": "questions", "profile_data": "profile"}


def _as_dict(value) -> dict:
    if isinstance(value, str):  # some backends hand a subquery's JSON back as text
        value = json.loads(value)
    return value if isinstance(value, dict) else {}


def _profile_values(data: dict) -> tuple:
    if not data:
        return (False, None, None, None, None, None)
    conditions = data.get("long_term_conditions")
    return (
        True,
        data.get("downs_syndrome") or None,
        data.get("cerebral_palsy") or None,
        data.get("epilepsy") or None,
        list(conditions) if isinstance(conditions, list) else None,
        data.get("lived_in") or None,
    )


def _answers(data: dict) -> tuple:
    def answer(key):
        entry = data.get(key)
        return (entry.get("answer") or None) if isinstance(entry, dict) else None

    return tuple(answer(key) for key in CARE_QUESTIONS)


_DEATH_QUERY_FIELDS = (
    "reference",
    "icb__ods_code",
    "icb__region__ods_code",
    "case__state",
    "date_of_death",
    "date_of_birth",
    "sex",
    "ethnic_category__group",
    "ld_severity",
    "has_learning_disability",
    "case__notified_on",
    "received_at",
    "first_allocated_at",
    "completed_at",
    "cause_place",
    "place_of_death",
    "cause_a_text",
    "cause_code",
    "cause_covid",
    "covid",
    "grade_initial",
    "grade_focused",
    "case__reviewer__icb__ods_code",
    "case__due_on",
    "is_autistic",
    "questions_data",
    "profile_data",
    "cdop_code",
    "cdop_grade",
)
# Read by the main query; the others come from `_joined_values`.
_NOTIFICATION_FIELDS = tuple(
    name
    for name in _DEATH_QUERY_FIELDS
    if name not in _SECTION_VALUES
    and name not in _SECTION_DATA
    and name not in ("first_allocated_at", "completed_at", "cdop_code", "cdop_grade")
)


def _joined_values(people) -> dict[int, dict]:
    """Notification id → the values the deaths frame takes from allocations, sign-offs and
    review sections, for the notifications `people` (a values("pk") queryset).

    One grouped query per table, each restricted to the cohort, instead of a correlated
    subquery per value per death: the cost stays in proportion to the cohort, and PostgreSQL's
    planner is not pushed over its JIT threshold by nine subqueries (issue 17)."""
    from django.db.models import Max, Min

    from leder.casework.models import Allocation, ChildDeathReview
    from leder.reviews.models import ReviewSection

    values: dict[int, dict] = {}
    firsts = (
        Allocation.objects.filter(case__notification__in=people)
        .values("case__notification_id")
        .annotate(first=Min("allocated_at"))
        .values_list("case__notification_id", "first")
    )
    for person, first in firsts:
        values.setdefault(person, {})["first_allocated_at"] = first
    lasts = (
        _live_signoffs()
        .filter(review__case__notification__in=people)
        .values("review__case__notification_id")
        .annotate(last=Max("signed_off_at"))
        .values_list("review__case__notification_id", "last")
    )
    for person, last in lasts:
        values.setdefault(person, {})["completed_at"] = last
    fields = sorted({name for _, _, name, _ in _SECTION_VALUES.values()})
    sections = (
        ReviewSection.objects.filter(
            review__case__notification__in=people,
            key__in={key for key, _, _, _ in _SECTION_VALUES.values()},
        )
        .annotate(**{f"_v_{name}": KeyTextTransform(name, "data") for name in fields})
        .values_list(
            "review__case__notification_id",
            "key",
            "review__kind",
            "is_complete",
            *(f"_v_{name}" for name in fields),
        )
    )
    for person, key, kind, complete, *data in sections:
        found = dict(zip(fields, data, strict=True))
        row = values.setdefault(person, {})
        for column, (section, wanted_kind, name, needs_complete) in _SECTION_VALUES.items():
            if key == section and kind == wanted_kind and (complete or not needs_complete):
                row[column] = found[name]
    whole = ReviewSection.objects.filter(
        review__case__notification__in=people,
        key__in=set(_SECTION_DATA.values()),
        review__kind="initial",
        is_complete=True,
    ).values_list("review__case__notification_id", "key", "data")
    columns = {key: column for column, key in _SECTION_DATA.items()}
    for person, key, data in whole:
        values.setdefault(person, {})[columns[key]] = data
    panels = ChildDeathReview.objects.filter(
        case__notification__in=people, case__state="child_death_review"
    ).values_list("case__notification_id", "cause_code", "grade")
    for person, code, grade in panels:
        values.setdefault(person, {}).update(cdop_code=code, cdop_grade=grade)
    return values


def _death_rows(cohort: Cohort, scope: Scope):
    """The deaths' raw values in `_DEATH_QUERY_FIELDS` order, by reference: six queries
    (notifications with their case, first allocations, live sign-offs, review sections' values,
    whole questions and profile sections, child death reviews' conclusions)."""
    people = cohort_notifications(cohort, scope)
    joined = _joined_values(people.values("pk"))
    rows = people.order_by("reference").values_list("pk", *_NOTIFICATION_FIELDS)
    for pk, *notification in rows.iterator(chunk_size=5000):
        found = dict(zip(_NOTIFICATION_FIELDS, notification, strict=True))
        extra = joined.get(pk, {})
        yield tuple(
            found[name] if name in found else extra.get(name) for name in _DEATH_QUERY_FIELDS
        )


LD_SEVERITIES = ("mild", "moderate", "severe", "pmld")


def _local_date(moment: datetime | None) -> date | None:
    return moment.astimezone(LONDON).date() if moment else None


def _grade(focused, initial) -> int | None:
    for value in (focused, initial):
        if value not in (None, ""):
            return int(value)
    return None


def _death_tuple(row: tuple) -> tuple:
    (
        reference,
        icb,
        region,
        case_state,
        died,
        born,
        sex,
        ethnic_group,
        severity,
        has_ld,
        notified_on,
        received_at,
        allocated_at,
        completed_at,
        cause_place,
        place,
        a_text,
        code,
        cause_covid,
        covid,
        grade_initial,
        grade_focused,
        reviewer_icb,
        due_on,
        autistic,
        questions_data,
        profile_data,
        cdop_code,
        cdop_grade,
    ) = row
    state = case_state or NOTIFIED
    notified_on = notified_on or _local_date(received_at)
    cause_recorded = bool((a_text or "").strip())
    if cdop_code:  # the child death overview panel's conclusion (ADR 0154)
        a_text, code, grade_initial, grade_focused = cdop_code, cdop_code, cdop_grade, None
        cause_recorded = True
    values = (
        reference,
        icb,
        region,
        state,
        died,
        age_on(born=born, on=died),
        sex,
        ethnic_group or NOT_STATED,
        severity if severity in LD_SEVERITIES else None,
        has_ld,
        notified_on,
        _local_date(allocated_at),
        _local_date(completed_at) if state == "completed" else None,
        cause_place or place,
        cause_recorded,
        (code or None) if cause_recorded else None,
        cause_covid or covid,
        _grade(grade_focused, grade_initial),
        reviewer_icb,
        due_on,
        hold_days_of(notified_on=notified_on, due_on=due_on) if due_on else None,
        autistic,
        *_profile_values(_as_dict(profile_data)),
        *_answers(_as_dict(questions_data)),
    )
    if state == OPTED_OUT:
        blank = {DEATH_COLUMNS.index(name) for name in _PERSONAL}
        values = tuple(None if i in blank else v for i, v in enumerate(values))
    return values


DEATH_COLUMNS = list(DEATH_SCHEMA)


def deaths_frame(cohort: Cohort, scope: Scope) -> pl.DataFrame:
    rows = [_death_tuple(row) for row in _death_rows(cohort, scope)]
    return pl.DataFrame(rows, schema=DEATH_SCHEMA, orient="row")


# Below SQLite's limit of 32,766 parameters a statement, with room for the others.
_MAX_LITERAL_IDS = 30_000


def learning_frame(cohort: Cohort, scope: Scope) -> pl.DataFrame:
    """Learning from the cohort's completed reviews, one row per item and theme; a sub-theme
    counts under its parent so the table has one level."""
    from leder.reviews.models import LearningItem

    through = LearningItem.themes.through
    people = cohort_notifications(cohort, scope).filter(case__state="completed").values("pk")
    # The cohort's people first, as literal ids: given "notification in (subquery)" PostgreSQL
    # hash-joins the whole national learning table before it filters to the scope (issue 17);
    # given the ids it walks from those cases down the indexes. A cohort too large for one
    # statement's parameters keeps the subquery.
    ids = list(people.values_list("pk", flat=True)[: _MAX_LITERAL_IDS + 1])
    if len(ids) <= _MAX_LITERAL_IDS:
        people = ids
    rows = (
        through.objects.filter(learningitem__review__case__notification__in=people)
        .annotate(
            _ref=F("learningitem__review__case__notification__reference"),
            _kind=F("learningitem__kind"),
            _theme=F("learningtheme__name"),
            _parent=F("learningtheme__parent__name"),
        )
        .order_by("_ref", "learningitem_id", "_theme")
        .values_list("_ref", "learningitem_id", "_kind", "_theme", "_parent")
    )
    data = [(ref, item, kind, parent or theme) for ref, item, kind, theme, parent in rows]
    frame = pl.DataFrame(data, schema=LEARNING_SCHEMA, orient="row")
    # A sub-theme and its parent on one item count once.
    return frame.unique(maintain_order=True)


def actions_frame(cohort: Cohort, scope: Scope) -> pl.DataFrame:
    from leder.governance.models import Action

    rows = (
        Action.objects.filter(scope_filter(scope), agreed_on__lt=cohort.ends_before)
        .order_by("reference")
        .values_list(
            "reference",
            "icb__ods_code",
            "status",
            "agreed_on",
            "due_on",
            "completed_on",
            "cancelled_on",
        )
    )
    return pl.DataFrame(list(rows), schema=ACTION_SCHEMA, orient="row")


def scope_ld_population(scope: Scope) -> int | None:
    """The population with a learning disability of the scope's ICBs, or None if any ICB in
    it has none configured (a partial sum would understate expected deaths)."""
    from leder.organisations.selectors import icbs_open

    icbs = icbs_open()
    if scope.kind == ScopeKind.ICB:
        icbs = icbs.filter(ods_code=scope.code)
    elif scope.kind == ScopeKind.REGION:
        icbs = icbs.filter(region__ods_code=scope.code)
    values = list(icbs.values_list("ld_population", flat=True))
    if not values or any(v is None for v in values):
        return None
    return sum(values)


def case_events_frame(cohort: Cohort, scope: Scope, *, until: date) -> pl.DataFrame:
    """Every state transition up to the end of `until` (Europe/London) of the cases of the
    cohort's notifications in `scope`, in the order they happened: reference, `to_state`, the
    day it happened and its `sequence` (`EVENT_SCHEMA`). One query, values only."""
    from leder.casework.models import CaseEvent

    rows = (
        CaseEvent.objects.filter(
            case__notification__in=cohort_notifications(cohort, scope).values("pk"),
            occurred_at__lt=_start(until + timedelta(days=1)),
        )
        .order_by("occurred_at", "pk")
        .values_list("case__notification__reference", "to_state", "occurred_at")
    )
    return pl.DataFrame(
        [
            (reference, state, _local_date(moment), sequence)
            for sequence, (reference, state, moment) in enumerate(rows.iterator(chunk_size=5000))
        ],
        schema=EVENT_SCHEMA,
        orient="row",
    )


def build_extract(cohort: Cohort, scope: Scope, *, as_of: date | None = None) -> Extract:
    """Everything a report for `cohort` and `scope` is computed from.

    Reads identifiable data: the caller (a report task or dashboard view) checks the user may
    see the scope and records the use. `as_of` (default today) is the day backlog ages are
    measured to."""
    return Extract(
        cohort=cohort,
        scope=scope,
        deaths=deaths_frame(cohort, scope),
        learning=learning_frame(cohort, scope),
        actions=actions_frame(cohort, scope),
        ld_population=scope_ld_population(scope),
        as_of=as_of or today(),
        generated_at=now(),
    )
