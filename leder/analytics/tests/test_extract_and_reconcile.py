"""The extract against the database, reconciliation failures that name records, the manifest.

Cases are made through the casework services (CaseMaker). Review content is written straight
into `ReviewSection` rows where the test needs a cause of death or a grade, until the demo
review writer (`leder/demo/reviews.py`) exists.
"""

from datetime import date, timedelta

import polars as pl
import pytest

from leder.accounts.models import Role
from leder.accounts.tests.factories import icb as make_icb
from leder.accounts.tests.factories import region as make_region
from leder.accounts.tests.factories import user_with_role
from leder.analytics import manifest, reconcile
from leder.analytics.cohorts import Cohort, Scope
from leder.analytics.extract import build_extract
from leder.casework.models import CaseState
from leder.casework.tests.factories import CaseMaker, make_reviewer
from leder.core.time import now
from leder.reviews.models import Review, ReviewSection

pytestmark = pytest.mark.django_db


@pytest.fixture
def area():
    region = make_region()
    icb = make_icb(region=region, ld_population=20_000)
    other = make_icb(region=region, ld_population=5_000)
    lac = user_with_role(Role.LAC, icb)
    other_lac = user_with_role(Role.LAC, other)
    return {
        "region": region,
        "icb": icb,
        "other": other,
        "maker": CaseMaker(icb=icb, lac=lac),
        "other_maker": CaseMaker(icb=other, lac=other_lac),
        "lac": lac,
    }


def write_cause(case, code: str, *, complete=True, place="home"):
    reviewer_user = case.reviewer.user if case.reviewer else user_with_role(Role.REVIEWER)
    review, _ = Review.objects.get_or_create(
        case=case, kind="initial", defaults={"started_at": now(), "started_by": reviewer_user}
    )
    data = {
        "a_text": "Aspiration pneumonia",
        "a_code": code,
        "underlying_cause_code": code,
        "place_of_death": place,
        "covid_status": "no",
    }
    ReviewSection.objects.create(
        review=review,
        key="cause_of_death",
        data=data,
        is_complete=complete,
        updated_at=now(),
        updated_by=reviewer_user,
    )
    return review


def test_extract_has_every_notified_death_of_the_cohort_and_scope(area):
    maker = area["maker"]
    awaiting = maker.make(CaseState.AWAITING_ALLOCATION)
    in_review = maker.make(CaseState.INITIAL_REVIEW, sex="male")
    not_eligible = maker.make(CaseState.NOT_ELIGIBLE)
    opted_out = maker.make(CaseState.OPTED_OUT)
    untriaged = maker.notification()  # no case yet
    earlier = maker.notification(date_of_death=date(2025, 12, 31))
    elsewhere = area["other_maker"].make(CaseState.AWAITING_ALLOCATION)

    extract = build_extract(Cohort.deaths_in(2026), Scope.of(area["icb"]))
    deaths = extract.deaths
    states = dict(zip(deaths["reference"], deaths["state"], strict=True))
    assert states == {
        awaiting.reference: "awaiting_allocation",
        in_review.reference: "initial_review",
        not_eligible.reference: "not_eligible",
        opted_out.reference: "opted_out",
        untriaged.reference: "notified",
    }
    assert earlier.reference not in states and elsewhere.reference not in states
    assert deaths["reference"].to_list() == sorted(states)  # stable order
    row = deaths.filter(pl.col("reference") == in_review.reference).row(0, named=True)
    assert row["sex"] == "male"
    assert row["age_at_death"] == 76  # born in January 1950, died 30 September 2026
    assert row["allocated_on"] is None  # CaseMaker sets the reviewer without an Allocation
    assert row["icb"] == area["icb"].ods_code and row["region"] == area["region"].ods_code
    # the opted-out person's characteristics are not in the extract
    opted = deaths.filter(pl.col("reference") == opted_out.reference).row(0, named=True)
    assert opted["sex"] is None and opted["age_at_death"] is None
    assert extract.ld_population == 20_000

    region = build_extract(Cohort.deaths_in(2026), Scope.of(area["region"]))
    assert set(region.deaths["reference"]) == set(states) | {elsewhere.reference}
    assert region.ld_population == 25_000


def test_extract_reads_the_cause_of_death_and_grade_from_the_review(area):
    case = area["maker"].make(CaseState.INITIAL_REVIEW)
    review = write_cause(case, "J69.0", place="care_home")
    ReviewSection.objects.create(
        review=review,
        key="grading",
        data={"level": 3, "rationale": "Care was satisfactory"},
        is_complete=True,
        updated_at=now(),
        updated_by=case.reviewer.user,
    )
    draft = area["maker"].make(CaseState.INITIAL_REVIEW)
    write_cause(draft, "", complete=False)

    deaths = build_extract(Cohort.deaths_in(2026), Scope.of(area["icb"])).deaths
    row = deaths.filter(pl.col("reference") == case.reference).row(0, named=True)
    assert (row["underlying_cause"], row["cause_recorded"], row["place_of_death"]) == (
        "J69.0",
        True,
        "care_home",
    )
    assert row["grade"] == 3
    # a draft cause of death is not a recorded cause
    other = deaths.filter(pl.col("reference") == draft.reference).row(0, named=True)
    assert (other["cause_recorded"], other["underlying_cause"]) == (False, None)
    assert other["place_of_death"] == "hospital"  # the notifier's, until the review has one


def test_notifications_cohort_uses_the_day_received(area):
    case = area["maker"].make(CaseState.AWAITING_ALLOCATION)
    year = case.notified_on.year
    this_year = build_extract(Cohort.notifications_in(year), Scope.of(area["icb"]))
    next_year = build_extract(Cohort.notifications_in(year + 1), Scope.of(area["icb"]))
    assert this_year.deaths["reference"].to_list() == [case.reference]
    assert next_year.deaths.is_empty()


def test_a_clean_extract_reconciles(area):
    area["maker"].make(CaseState.AWAITING_ALLOCATION)
    area["maker"].make(CaseState.NOT_ELIGIBLE)
    area["maker"].notification()
    write_cause(area["maker"].make(CaseState.INITIAL_REVIEW), "I21.9")
    extract = build_extract(Cohort.deaths_in(2026), Scope.of(area["icb"]))
    results = reconcile.require_reconciled(extract)
    assert [r.key for r in results] == [
        "one_state",
        "states_add_up",
        "cause_has_underlying",
        "one_icb",
        "matches_database",
    ]
    assert all(r.passed for r in results)


def test_a_dropped_underlying_cause_stops_publication_and_names_the_record(area):
    case = area["maker"].make(CaseState.INITIAL_REVIEW)
    write_cause(case, "J69.0")
    extract = build_extract(Cohort.deaths_in(2026), Scope.of(area["icb"]))
    # the 2023 failure: a processing step loses the cause-of-death code
    broken = extract.deaths.with_columns(pl.lit(None, pl.String).alias("underlying_cause"))
    with pytest.raises(reconcile.ReconciliationFailed) as failed:
        reconcile.require_reconciled(_replace(extract, deaths=broken))
    assert [f.key for f in failed.value.failures] == ["cause_has_underlying"]
    assert failed.value.references == [case.reference]
    assert case.reference in str(failed.value)


def test_a_row_lost_from_the_extract_is_named(area):
    kept = area["maker"].make(CaseState.AWAITING_ALLOCATION)
    lost = area["maker"].make(CaseState.AWAITING_ALLOCATION)
    extract = build_extract(Cohort.deaths_in(2026), Scope.of(area["icb"]))
    fewer = extract.deaths.filter(pl.col("reference") != lost.reference)
    with pytest.raises(reconcile.ReconciliationFailed) as failed:
        reconcile.require_reconciled(_replace(extract, deaths=fewer))
    assert failed.value.references == [lost.reference]
    assert kept.reference not in str(failed.value)


def test_duplicated_unknown_state_and_second_icb_are_named(area):
    a = area["maker"].make(CaseState.AWAITING_ALLOCATION)
    b = area["maker"].make(CaseState.AWAITING_ALLOCATION)
    c = area["maker"].make(CaseState.INITIAL_REVIEW)
    extract = build_extract(Cohort.deaths_in(2026), Scope.of(area["icb"]))
    deaths = extract.deaths
    twice = pl.concat([deaths, deaths.filter(pl.col("reference") == a.reference)])
    odd = deaths.with_columns(
        pl.when(pl.col("reference") == b.reference)
        .then(pl.lit("lost"))
        .otherwise(pl.col("state"))
        .alias("state"),
        pl.when(pl.col("reference") == c.reference)
        .then(pl.lit(area["other"].ods_code))
        .otherwise(pl.col("reviewer_icb"))
        .alias("reviewer_icb"),
    )
    results = {r.key: r for r in reconcile.check(_replace(extract, deaths=twice))}
    assert results["one_state"].references == (a.reference,)
    results = {r.key: r for r in reconcile.check(_replace(extract, deaths=odd))}
    assert results["one_state"].references == (b.reference,)
    assert not results["states_add_up"].passed
    assert results["one_icb"].references == (c.reference,)


def test_a_reviewer_from_another_icb_is_a_case_in_two_icbs(area):
    case = area["maker"].make(CaseState.AWAITING_ALLOCATION)
    foreign = make_reviewer(area["other"])
    type(case).objects.filter(pk=case.pk).update(reviewer=foreign, state="allocated")
    extract = build_extract(Cohort.deaths_in(2026), Scope.of(area["icb"]))
    result = {r.key: r for r in reconcile.check(extract)}["one_icb"]
    assert (result.passed, result.references) == (False, (case.reference,))


def test_manifest_is_the_same_for_the_same_data_and_changes_with_it(area):
    user = user_with_role(Role.NATIONAL_ANALYST)
    area["maker"].make(CaseState.AWAITING_ALLOCATION)
    first = build_extract(Cohort.deaths_in(2026), Scope.of(area["icb"]))
    again = build_extract(Cohort.deaths_in(2026), Scope.of(area["icb"]), as_of=first.as_of)
    checks = reconcile.require_reconciled(first)
    m1 = manifest.build_manifest(first, generated_by=user, checks=checks)
    m2 = manifest.build_manifest(again, generated_by="scheduled task")
    assert m1["extract_sha256"] == m2["extract_sha256"]
    assert len(m1["extract_sha256"]) == 64
    assert m1["row_counts"] == {"actions": 0, "deaths": 1, "learning": 0}
    assert m1["definitions"]["avoidable_mortality_list"] == "ons-2020-oecd-nov2019"
    assert m1["definitions"]["metrics"]["median_age"] == "2"
    assert m1["definitions"]["disclosure_threshold"] == 5
    assert str(user.pk) in m1["generated_by"]
    assert m1["cohort"]["name"] == "Deaths in 2026"
    assert all(c["passed"] for c in m1["reconciliation"])
    import json

    json.dumps(m1)  # JSON-ready

    # row order in memory does not matter; a changed value does
    shuffled = _replace(first, deaths=first.deaths.reverse())
    assert manifest.extract_hash(shuffled) == m1["extract_sha256"]
    changed = _replace(first, deaths=first.deaths.with_columns(pl.lit("male").alias("sex")))
    assert first.deaths["sex"].to_list() == ["not_known"]
    assert manifest.extract_hash(changed) != m1["extract_sha256"]


def test_completed_cohort_counts_reviews_signed_off_in_the_period(area):
    from leder.governance.models import SignOff

    case = area["maker"].make(CaseState.COMPLETED)
    review = write_cause(case, "I21.9")
    signed = now() - timedelta(days=1)
    SignOff.objects.create(
        review=review,
        version_number=1,
        route="qa",
        signed_off_at=signed,
        signed_off_by=area["lac"],
        snapshot={},
        content_hash="0" * 64,
    )
    year = signed.year
    extract = build_extract(Cohort.completed_in(year), Scope.of(area["icb"]))
    assert extract.deaths["reference"].to_list() == [case.reference]
    assert extract.deaths["completed_on"].to_list() == [signed.date()]
    assert all(r.passed for r in reconcile.check(extract))
    assert build_extract(Cohort.completed_in(year - 1), Scope.of(area["icb"])).deaths.is_empty()


def _replace(extract, **changes):
    from dataclasses import replace

    return replace(extract, **changes)
