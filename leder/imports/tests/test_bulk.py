"""The import that carries everything it is given (issue 15 item 6) at bulk speed (issue 17
item 2), ADR 0155: every case state, the person's profile, severity, a cause for any case, the
completed review's grade, answers, learning and original dates; the figures computed from the
imported data equal the same figures computed from the file; the number of queries does not
depend on the number of rows; the audit chain still verifies."""

from datetime import date

import polars as pl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import user_with_role
from leder.analytics import metrics, national
from leder.analytics.cohorts import Cohort, Scope
from leder.analytics.extract import (
    DEATH_SCHEMA,
    LD_SEVERITIES,
    LEARNING_SCHEMA,
    NOT_STATED,
    Extract,
    build_extract,
    empty,
)
from leder.casework.models import Allocation, Case, CaseEvent, CaseHold, CaseState
from leder.casework.tests.factories import make_reviewer
from leder.core import audit
from leder.core.time import age_on
from leder.governance.models import SignOff
from leder.governance.services.signoff import content_hash
from leder.imports import services, tasks
from leder.imports.models import ImportRow
from leder.imports.tests.factories import as_csv, completed, row
from leder.notifications.tests.factories import nhs_number
from leder.reference import icd10
from leder.reference.models import EthnicCategory
from leder.reviews import questions
from leder.reviews.models import Review
from leder.reviews.services.records import review_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def icb():
    return make_icb()


@pytest.fixture
def lac(icb):
    return user_with_role(Role.LAC, icb)


@pytest.fixture
def reviewer(icb):
    return make_reviewer(icb)


PROFILE = {
    "downs_syndrome": "yes",
    "cerebral_palsy": "no",
    "epilepsy": "yes",
    "long_term_conditions": "asthma; hypertension",
    "mobility": "wheelchair",
    "communication": "some_speech",
    "sensory": "sight",
    "lived_in": "supported_living",
    "support": "daily",
    "out_of_area_placement": "no",
    "mental_health_act_detained": "no",
}


def answers(pattern: int) -> dict:
    """An answer to every question the current set asks (follow-ups when their parent asks
    them), varied by `pattern`."""
    question_set = questions.question_set(questions.current_version(date(2024, 10, 1)))
    choices = ["yes", "no", "not_known", "not_applicable"]
    drawn: dict = {}
    for index, (_, question, parent) in enumerate(question_set.all_questions()):
        if parent is not None and not question.shows((drawn.get(parent.key) or {}).get("answer")):
            continue
        drawn[question.key] = {"answer": choices[(index + pattern) % 4]}
    return {f"q_{key}": entry["answer"] for key, entry in drawn.items()}


def every_kind_of_row(reviewer) -> list[dict]:
    """A file with every state, profile item, cause, grade, answer and date."""
    email = reviewer.user.email
    rows = []

    def person(n: int, **fields) -> dict:
        return {
            "given_name": f"Person{n}",
            "family_name": f"Family{n}",
            "date_of_birth": f"19{50 + n % 40}-0{1 + n % 9}-1{n % 9}",
            "date_of_death": f"2024-0{1 + n % 9}-2{n % 8}",
            "received_on": f"2024-{10 + n % 3}-0{1 + n % 9}",
            "nhs_number": nhs_number(),
            "sex": ["female", "male", "not_known"][n % 3],
            "ethnic_category": ["A", "B", "H", "N", "Z", "99", ""][n % 7],
            "place_of_death": ["hospital", "home", "care_home", "hospice"][n % 4],
            "covid": ["no", "confirmed", "suspected", "not_known"][n % 4],
            **fields,
        }

    severities = ["mild", "moderate", "severe", "pmld", "none", "not_known", ""]
    causes = ["J69.0", "I21.9", "C34.9", "G40.9", "U07.1", "J18.9", ""]
    n = 0
    for state in ("notified", "awaiting_allocation", "eligible", "not_eligible"):
        for k in range(3):
            n += 1
            extra = {"outcome_reason": "No learning disability"} if state == "not_eligible" else {}
            rows.append(
                row(
                    **person(
                        n,
                        outcome=state,
                        ld_severity=severities[n % 7],
                        underlying_cause_code=causes[n % 7],
                        **(PROFILE if k == 0 else {}),
                        **extra,
                    )
                )
            )
    for state in ("allocated", "in_review"):
        for k in range(3):
            n += 1
            rows.append(
                row(
                    **person(
                        n,
                        outcome=state,
                        reviewer_email=email,
                        allocated_on="2025-01-1" + str(k),
                        ld_severity=severities[n % 7],
                        underlying_cause_code=causes[n % 7],
                        review_place_of_death="hospital" if causes[n % 7] else "",
                        **(PROFILE if k == 1 else {}),
                    )
                )
            )
    for k, kind in enumerate(("coroner", "police", "sar", "dhr", "psii", "other")):
        n += 1
        rows.append(
            row(
                **person(
                    n,
                    outcome="on_hold",
                    reviewer_email=email if k % 2 else "",
                    allocated_on="2025-01-05" if k % 2 else "",
                    hold_kind=kind,
                    hold_started_on="2025-02-0" + str(k + 1),
                    hold_reason="Waiting for the other process" if kind == "other" else "",
                    hold_organisation="HM Coroner" if kind == "coroner" else "",
                    hold_reference="INQ-1" if kind == "coroner" else "",
                    hold_expected_end_on="2025-09-01" if kind == "coroner" else "",
                    ld_severity=severities[n % 7],
                    underlying_cause_code=causes[n % 7],
                )
            )
        )
    for k in range(12):
        n += 1
        rows.append(
            completed(
                **person(
                    n,
                    reviewer_email=email if k % 3 == 0 else "",
                    allocated_on="2024-12-01" if k % 3 == 0 else "",
                    review_submitted_on=f"2025-0{1 + k % 6}-10" if k % 2 else "",
                    review_completed_on=f"2025-0{1 + k % 6}-2{k % 8}",
                    grading=str(1 + k % 6),
                    # Two of the twelve without a cause: imported as "cause not recorded".
                    underlying_cause_code="" if k in (4, 9) else causes[k % 6],
                    review_place_of_death="" if k in (4, 9) else ["hospital", "home"][k % 2],
                    ld_severity=severities[k % 7],
                    learning_themes="Communication" if k % 4 == 0 else "",
                    learning_1_kind=["good_practice", "improvement", "concern"][k % 3],
                    learning_1_text=f"Learning {k}",
                    learning_1_themes="Reasonable adjustments" if k % 2 else "",
                    learning_2_kind="concern" if k % 5 == 0 else "",
                    learning_2_text="A second piece of learning" if k % 5 == 0 else "",
                    **(PROFILE if k % 2 == 0 else {}),
                    **(answers(k) if k % 3 != 2 else {}),
                )
            )
        )
    return rows


def _columns():
    from leder.imports.columns import NAMES

    return NAMES


def _import(lac, icb, rows):
    batch = tasks.import_batch_upload(
        actor=lac, icb=icb, file_name="history.csv", content=as_csv(rows, columns=_columns())
    )
    problems = [r for r in batch.report["rows"] if r["outcome"] != "ready"]
    assert problems == []
    return services.import_batch_commit(actor=lac, batch=batch)


# --- the file's own figures ---------------------------------------------------------------------

STATE_OF = {
    "notified": "notified",
    "awaiting_allocation": "awaiting_allocation",
    "eligible": "awaiting_allocation",
    "allocated": "allocated",
    "in_review": "initial_review",
    "on_hold": "on_hold",
    "not_eligible": "not_eligible",
    "completed": "completed",
}


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def file_frames(rows: list[dict], icb) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The deaths and learning frames computed from the file's rows alone (what each column of
    the extract means, applied to the row), with no database but the reference tables."""
    groups = dict(EthnicCategory.objects.values_list("code", "group"))
    region = icb.region.ods_code if icb.region_id else None
    deaths, learning = [], []
    item = 0
    for number, r in enumerate(rows, start=2):
        reference = f"ROW-{number:05d}"
        born, died = _day(r["date_of_birth"]), _day(r["date_of_death"])
        state = STATE_OF[r["outcome"]]
        cause = r.get("underlying_cause_code", "")
        profile_given = bool(r.get("downs_syndrome"))
        answered = any(k.startswith("q_") and v for k, v in r.items())
        severity = r.get("ld_severity", "")
        values = {
            "reference": reference,
            "icb": icb.ods_code,
            "region": region,
            "state": state,
            "date_of_death": died,
            "age_at_death": age_on(born=born, on=died),
            "sex": r["sex"],
            "ethnic_group": groups.get(r["ethnic_category"]) or NOT_STATED,
            "ld_severity": severity if severity in LD_SEVERITIES else None,
            "learning_disability": r["has_learning_disability"],
            "notified_on": _day(r["received_on"]),
            "allocated_on": _day(r.get("allocated_on", "")) if r.get("reviewer_email") else None,
            "completed_on": (
                _day(r.get("review_completed_on", "")) if state == "completed" else None
            ),
            "place_of_death": r.get("review_place_of_death") or r["place_of_death"]
            if cause
            else r["place_of_death"],
            "cause_recorded": bool(cause),
            "underlying_cause": icd10.normalise(cause) if cause else None,
            "covid_status": r["covid"],
            "grade": int(r["grading"]) if state == "completed" else None,
            "reviewer_icb": icb.ods_code if r.get("reviewer_email") else None,
            "autistic": r["is_autistic"],
            "profile_recorded": profile_given,
        }
        if state != "notified" or severity or cause or profile_given:
            # The 6-month clock from the date received; holds in the file have not ended.
            from leder.casework.deadlines import due_date

            values["due_on"] = due_date(notified_on=values["notified_on"])
            values["hold_days"] = 0
        if profile_given:
            values |= {
                "downs_syndrome": r["downs_syndrome"],
                "cerebral_palsy": r["cerebral_palsy"],
                "epilepsy": r["epilepsy"],
                "long_term_conditions": [
                    c.strip() for c in r["long_term_conditions"].split(";") if c.strip()
                ],
                "lived_in": r["lived_in"],
            }
        if answered:
            values |= {k: v for k, v in r.items() if k.startswith("q_") and v}
        deaths.append(values)
        if state == "completed":
            pieces = []
            if r.get("learning_themes"):
                pieces.append(("improvement", r["learning_themes"]))
            for n in (1, 2, 3):
                if r.get(f"learning_{n}_kind"):
                    pieces.append((r[f"learning_{n}_kind"], r.get(f"learning_{n}_themes", "")))
            for kind, themes in pieces:
                item += 1
                for theme in sorted({t.strip() for t in themes.split(";") if t.strip()}):
                    learning.append((reference, item, kind, theme))
    deaths_frame = pl.DataFrame(
        [tuple(d.get(name) for name in DEATH_SCHEMA) for d in deaths],
        schema=DEATH_SCHEMA,
        orient="row",
    )
    learning_frame = (
        pl.DataFrame(learning, schema=LEARNING_SCHEMA, orient="row")
        if learning
        else empty(LEARNING_SCHEMA)
    )
    return deaths_frame, learning_frame


def _canonical_themes(learning: pl.DataFrame) -> pl.DataFrame:
    """Theme names as the database spells them (the file may write them in any case)."""
    from leder.reviews.models import LearningTheme

    names = {t.lower(): t for t in LearningTheme.objects.values_list("name", flat=True)}
    return learning.with_columns(
        pl.col("theme").map_elements(lambda t: names.get(t.lower(), t), return_dtype=pl.String)
    )


def _figures(extract: Extract) -> dict:
    out = {}
    for registry in (metrics, national):
        for key, result in registry.compute(extract).items():
            out[key] = result.table.to_dicts()
    return out


def test_every_figure_from_the_imported_data_equals_the_figure_from_the_file(icb, lac, reviewer):
    rows = every_kind_of_row(reviewer)
    batch = _import(lac, icb, rows)
    assert batch.rows_imported == len(rows)

    cohort = Cohort.deaths_in(2024)
    scope = Scope.of(icb)
    imported = build_extract(cohort, scope, as_of=date(2025, 12, 1))
    deaths, learning = file_frames(rows, icb)
    from_file = Extract(
        cohort=cohort,
        scope=scope,
        deaths=deaths.sort("reference"),
        learning=_canonical_themes(learning),
        actions=imported.actions,
        ld_population=imported.ld_population,
        as_of=date(2025, 12, 1),
    )
    # The same deaths, state by state, with the file's dates.
    assert imported.deaths.height == from_file.deaths.height == len(rows)
    by_state = imported.deaths.group_by("state").len().sort("state")
    assert by_state.equals(from_file.deaths.group_by("state").len().sort("state"))
    assert set(by_state["state"]) == {
        "notified",
        "awaiting_allocation",
        "allocated",
        "initial_review",
        "on_hold",
        "not_eligible",
        "completed",
    }
    columns = [c for c in DEATH_SCHEMA if c != "reference"]
    order = ["notified_on", "date_of_death", "age_at_death"]
    assert (
        imported.deaths.select(columns)
        .sort(order)
        .equals(from_file.deaths.select(columns).sort(order))
    )
    got, expected = _figures(imported), _figures(from_file)
    assert got.keys() == expected.keys()
    different = [key for key in got if got[key] != expected[key]]
    assert different == []
    # Cause not recorded is counted as such.
    completed_deaths = imported.deaths.filter(pl.col("state") == "completed")
    assert completed_deaths.filter(~pl.col("cause_recorded")).height == 2


def test_the_states_holds_allocations_and_dates_are_the_files(icb, lac, reviewer):
    rows = every_kind_of_row(reviewer)
    batch = _import(lac, icb, rows)
    numbers = dict(ImportRow.objects.filter(batch=batch).values_list("row_number", "notification"))
    for number, r in enumerate(rows, start=2):
        case = Case.objects.filter(notification_id=numbers[number]).first()
        if r["outcome"] == "notified" and not (
            r.get("ld_severity") or r.get("underlying_cause_code") or r.get("downs_syndrome")
        ):
            assert case is None
            continue
        assert case.state == STATE_OF[r["outcome"]] if r["outcome"] != "notified" else "notified"
        # The case's history is made of lifecycle steps ending in its state.
        last = CaseEvent.objects.filter(case=case).order_by("occurred_at", "pk").last()
        if r["outcome"] != "notified":
            assert last.to_state == case.state
        if r.get("reviewer_email"):
            allocation = Allocation.objects.get(case=case)
            assert allocation.reviewer == reviewer
            assert allocation.allocated_at.date() == date.fromisoformat(r["allocated_on"])
        if r["outcome"] == "on_hold":
            hold = CaseHold.objects.get(case=case)
            assert hold.kind == r["hold_kind"]
            assert hold.ended_at is None
            assert hold.started_at.date() == date.fromisoformat(r["hold_started_on"])
            assert case.held_from_state == (
                CaseState.INITIAL_REVIEW if r["reviewer_email"] else CaseState.AWAITING_ALLOCATION
            )
        if r["outcome"] == "completed":
            review = Review.objects.get(case=case, kind="initial")
            signoff = SignOff.objects.get(review=review)
            completed_on = date.fromisoformat(r["review_completed_on"])
            assert signoff.signed_off_at.date() == completed_on
            submitted = r["review_submitted_on"] or r["review_completed_on"]
            assert review.submitted_at.date() == date.fromisoformat(submitted)
            # The sign-off locks exactly what `review_snapshot` reads back.
            assert content_hash(review_snapshot(review)) == signoff.content_hash


def test_the_audit_chain_verifies_after_a_bulk_import(icb, lac, reviewer):
    _import(lac, icb, every_kind_of_row(reviewer))
    checked, broken = audit.verify_chain()
    assert broken is None
    assert checked > 60


def test_an_unknown_reviewer_and_bad_values_are_reported_per_row(icb, lac, reviewer):
    rows = [
        row(nhs_number=nhs_number(), outcome="allocated", reviewer_email="nobody@example.invalid"),
        row(nhs_number=nhs_number(), outcome="in_review"),
        row(nhs_number=nhs_number(), outcome="on_hold", hold_kind="an inquest"),
        row(nhs_number=nhs_number(), ld_severity="very", downs_syndrome="yes"),
        completed(nhs_number=nhs_number(), q_annual_health_check="perhaps"),
        row(nhs_number=nhs_number(), outcome="awaiting_allocation", reviewer_email="x@y.z"),
    ]
    batch = tasks.import_batch_upload(
        actor=lac, icb=icb, file_name="bad.csv", content=as_csv(rows, columns=_columns())
    )
    report = {r["row"]: r for r in batch.report["rows"]}
    assert all(r["outcome"] == "rejected" for r in report.values())
    columns = {n: {e["column"] for e in r["errors"]} for n, r in report.items()}
    assert "reviewer_email" in columns[2]
    message = next(e["message"] for e in report[2]["errors"] if e["column"] == "reviewer_email")
    assert "nobody@example.invalid" in message and "register" in message
    assert {"reviewer_email"} <= columns[3]
    assert {"hold_kind", "hold_started_on"} <= columns[4]
    assert {"ld_severity", "cerebral_palsy"} <= columns[5]
    assert "q_annual_health_check" in columns[6]
    assert "reviewer_email" in columns[7]
    # Nothing is lost: a rejected row stops the file until it is put right.
    assert batch.rows_ready == 0


def test_a_file_from_the_earlier_template_still_imports(icb, lac):
    from leder.imports.columns import REQUIRED_NAMES

    content = as_csv(
        [row(nhs_number=nhs_number()), completed(nhs_number=nhs_number())], columns=REQUIRED_NAMES
    )
    batch = tasks.import_batch_upload(actor=lac, icb=icb, file_name="old.csv", content=content)
    assert batch.rows_ready == 2


def _queries(lac, icb, rows) -> tuple[int, int]:
    content = as_csv(rows, columns=_columns())
    with CaptureQueriesContext(connection) as checking:
        batch = tasks.import_batch_upload(actor=lac, icb=icb, file_name="n.csv", content=content)
    assert batch.rows_ready == len(rows)
    with CaptureQueriesContext(connection) as committing:
        services.import_batch_commit(actor=lac, batch=batch)
    return len(checking), len(committing)


def test_the_number_of_queries_does_not_depend_on_the_number_of_rows(icb, lac, reviewer):
    def rows(count: int, offset: int) -> list[dict]:
        out = []
        for i in range(count):
            k = offset + i
            base = {
                "given_name": f"Given{k}",
                "family_name": f"Family{k}",
                "nhs_number": nhs_number(),
                "gp_practice": "A81001",
                "ld_severity": "moderate",
                "underlying_cause_code": "J18.9",
            }
            if i % 2:
                out.append(
                    completed(
                        **base,
                        reviewer_email=reviewer.user.email,
                        allocated_on="2024-12-01",
                        learning_1_kind="concern",
                        learning_1_text="Text",
                        learning_1_themes="Communication",
                        **PROFILE,
                        **answers(i),
                    )
                )
            else:
                out.append(
                    row(
                        **base,
                        outcome="on_hold",
                        hold_kind="coroner",
                        hold_started_on="2025-01-01",
                    )
                )
        return out

    # A first import creates the year's reference counter and warms the caches.
    _queries(lac, icb, rows(4, 5000))
    small = _queries(lac, icb, rows(20, 0))
    large = _queries(lac, icb, rows(200, 1000))
    assert small == large
    # About 60 queries for the commit, against about 80 a row before (issue 17).
    assert large[1] < 80


def test_the_national_dataset_dates_imported_reviews_by_the_file(icb, lac, reviewer):
    from leder.exports.dataset import build_dataset

    rows = every_kind_of_row(reviewer)
    _import(lac, icb, rows)
    dataset = build_dataset(cohort=Cohort.deaths_in(2024), pseudonym_key=b"k" * 32)
    frame = dataset.frame.filter(pl.col("review_status") == "completed")
    expected = sorted(
        (date.fromisoformat(r["received_on"]), date.fromisoformat(r["review_completed_on"]))
        for r in rows
        if r["outcome"] == "completed"
    )
    days = sorted(frame.select("days_to_completion").to_series().to_list())
    assert days == sorted((done - received).days for received, done in expected)
