"""The demo's national history: calibrated to the national picture, reconciled, and shaped as
the services would have written it (so sign-offs verify and every reader works)."""

import itertools
import random
from collections import Counter
from datetime import date
from io import StringIO

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from leder.accounts.models import User
from leder.analytics import metrics, reconcile
from leder.analytics.cohorts import Cohort, Scope
from leder.analytics.extract import LD_SEVERITIES, build_extract
from leder.casework.lifecycle import TRANSITIONS
from leder.casework.models import Case, CaseEvent
from leder.core.models import AuditEvent
from leder.demo import history
from leder.governance.models import SignOff
from leder.governance.services.signoff import content_hash, signoff_verify
from leder.notifications.models import Notification
from leder.organisations.models import Organisation
from leder.reference import icd10
from leder.reviews.models import ReviewSection
from leder.reviews.services.questions import cause_line_errors
from leder.reviews.services.records import review_snapshot

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 1)
SCALE = 0.05  # about 1,400 deaths: enough for stable national figures


def in_scope(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(~pl.col("state").is_in(["not_eligible", "opted_out"]))


def england(year: int) -> pl.DataFrame:
    return build_extract(Cohort.deaths_in(year), Scope.england(), as_of=AS_OF).deaths


def completed_share(year: int) -> float:
    states = Counter(
        Case.objects.filter(notification__date_of_death__year=year).values_list("state", flat=True)
    )
    reviewed = sum(n for s, n in states.items() if s not in history.NOT_REVIEWED)
    return states["completed"] / reviewed


def test_history_reconciles_and_matches_the_national_picture():
    result = history.load_history(scale=SCALE, as_of=AS_OF)
    assert result.loaded and result.deaths > 1000
    icb = Organisation.objects.icbs().order_by("ods_code").first()
    for year in (2019, 2023):
        for scope in (Scope.england(), Scope.of(icb)):
            extract = build_extract(Cohort.deaths_in(year), scope, as_of=AS_OF)
            # Every check passes: one state each, counts add up, causes have an underlying
            # cause, no case in two ICBs, the rows match the independent SQL count.
            assert all(r.passed for r in reconcile.require_reconciled(extract))
            assert extract.deaths.height > (100 if scope.kind == "england" else 0)
            # Every metric computes on the history, expected deaths included.
            assert set(metrics.compute(extract)) == set(metrics.REGISTRY)
            assert extract.ld_population is not None

    # The headline figures, over all the years (about 1,400 deaths at this scale).
    people = in_scope(pl.concat([england(year) for year in history.YEARS]))
    median_age = people.get_column("age_at_death").median()
    male = people.filter(pl.col("sex") == "male").height / people.height
    placed = people.filter(pl.col("place_of_death").is_not_null())
    hospital = placed.filter(pl.col("place_of_death") == "hospital").height / placed.height
    graded = people.filter(pl.col("grade").is_not_null())
    good = graded.filter(pl.col("grade") <= 2).height / graded.height
    assert 60 <= median_age <= 66
    # Calibrated to DOMAIN.md's national figures (ADR 0146): people with a learning disability
    # die about 19.5 years younger than the general population (82.5 in the reference table);
    # about 40% of adults with a learning disability and a known cause died of an avoidable
    # cause (40.2%, the corrected 2023 report); about 10% of notifications were of people from
    # minority ethnic groups (2018).
    ld = people.filter(pl.col("learning_disability") == "yes")
    assert 17.5 <= 82.5 - ld.get_column("age_at_death").median() <= 21.5
    weighted = metrics.avoidable_weights(metrics.avoidable_denominator(people))
    avoidable = weighted.filter((pl.col("preventable") + pl.col("treatable")) > 0).height
    assert 0.36 <= avoidable / weighted.height <= 0.44
    minority = people.filter(pl.col("ethnic_group").is_in(["Mixed", "Asian", "Black", "Other"]))
    assert 0.08 <= minority.height / people.height <= 0.12
    assert 0.52 <= male <= 0.62
    assert 0.52 <= hospital <= 0.68
    assert 0.50 <= good <= 0.65
    assert set(people.get_column("ld_severity").drop_nulls()) == set(LD_SEVERITIES)
    chapters = Counter(
        icd10.chapter(code) for code in people.get_column("underlying_cause").drop_nulls()
    )
    assert chapters.most_common(1)[0][0] == "X"  # respiratory leads

    # COVID-19 heavily in 2020–21; none before.
    def covid_share(year):
        deaths = england(year).filter(pl.col("cause_recorded"))
        return deaths.filter(pl.col("underlying_cause") == "U07.1").height / deaths.height

    assert covid_share(2019) == 0
    assert covid_share(2020) > 0.1 and covid_share(2021) > 0.05
    assert covid_share(2023) < 0.05

    # Early years completed; recent ones partly in progress.
    assert completed_share(2019) > 0.98
    assert completed_share(2025) < 0.95


def test_history_has_the_shape_the_services_write():
    history.load_history(scale=SCALE, as_of=AS_OF)
    signoffs = list(SignOff.objects.select_related("review").order_by("pk"))
    assert {s.route for s in signoffs} == {"qa", "panel"}
    for signoff in random.Random(1).sample(signoffs, 25):
        assert signoff_verify(signoff) == []
        assert content_hash(review_snapshot(signoff.review)) == signoff.content_hash
    for section in ReviewSection.objects.filter(key="cause_of_death", is_complete=True)[:200]:
        assert cause_line_errors(section.data, complete=True) == {}
        assert section.data["underlying_cause_code"]
    grading = ReviewSection.objects.filter(key__in=["grading", "focused_grading"]).first()
    assert set(grading.data) == {"level", "rationale", "scale_version"}

    for case in Case.objects.order_by("?")[:100]:
        events = list(CaseEvent.objects.filter(case=case).order_by("occurred_at", "pk"))
        assert events[-1].to_state == case.state
        for before, after in itertools.pairwise(events):
            assert after.from_state == before.to_state
        for event in events:
            assert event.from_state in TRANSITIONS[event.transition].sources
        if case.reviewer_id:
            assert case.reviewer.icb_id == case.notification.icb_id
    references = list(Notification.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references))
    assert all(r[9] == "9" for r in references)
    numbers = [n for n in Notification.objects.values_list("nhs_number", flat=True) if n]
    assert len(numbers) == len(set(numbers)) and all(n.startswith("999") for n in numbers)
    # Names the demo's own reviewers are drawn from stay free.
    reserved = history.RESERVED_FAMILY_NAMES
    assert not Notification.objects.filter(family_name__in=reserved).exists()
    assert not any(u.full_name.split(" ", 1)[1] in reserved for u in User.objects.all())


def test_the_command_loads_once_and_only_in_demo_mode(settings):
    settings.DEBUG, settings.LEDER_DEMO_MODE = False, False
    with pytest.raises(CommandError, match="demo"):
        call_command("demo_history", "--scale", "0.01", stdout=StringIO())
    assert not Notification.objects.exists()
    settings.LEDER_DEMO_MODE = True
    with pytest.raises(CommandError, match="scale"):
        call_command("demo_history", "--scale", "0", stdout=StringIO())
    out = StringIO()
    call_command("demo_history", "--scale", "0.01", stdout=out)
    assert "Demo history loaded" in out.getvalue()
    call_command("demo_history", "--scale", "0.01", stdout=out)
    assert "already loaded" in out.getvalue()


def test_loading_twice_loads_once():
    first = history.load_history(scale=0.01, as_of=AS_OF)
    count = Notification.objects.count()
    second = history.load_history(scale=0.01, as_of=AS_OF)
    assert first.loaded and first.deaths == count > 0
    assert not second.loaded
    assert Notification.objects.count() == count
    assert AuditEvent.objects.filter(summary__startswith=history.SUMMARY_PREFIX).count() == 1


def test_history_carries_the_profile_and_answers_the_national_figures_need():
    from leder.analytics import national
    from leder.reviews import questions

    history.load_history(scale=SCALE, as_of=AS_OF)
    extract = build_extract(Cohort.deaths_in(2023), Scope.england(), as_of=AS_OF)
    assert reconcile.require_reconciled(extract)
    completed = extract.deaths.filter(pl.col("state") == "completed")
    # Every completed review has its profile and complete structured questions.
    assert completed.height > 100
    assert completed.get_column("profile_recorded").all()
    assert completed.get_column("q_annual_health_check").is_not_null().all()
    sections = ReviewSection.objects.filter(key="questions", is_complete=True)
    for section in sections[:50]:
        version = section.review.question_set_version
        assert not questions.missing(questions.question_set(version), section.data)
    # Calibrated shares (see history.py): out-of-area placement 9% of profiles; coroner
    # referral 31% of causes recorded. At this scale, within a few points.
    out_of_area = (
        ReviewSection.objects.filter(key="profile", data__out_of_area_placement="yes").count()
        / ReviewSection.objects.filter(key="profile").count()
    )
    assert 0.05 < out_of_area < 0.13
    causes = ReviewSection.objects.filter(key="cause_of_death", is_complete=True)
    referred = causes.filter(data__coroner_referral="yes").count() / causes.count()
    assert 0.26 < referred < 0.36
    # The national figures compute on it, for both populations.
    results = national.compute(extract)
    rates = results["care_question_rates"].table
    assert rates.filter(pl.col("answered") > 0).height > 10
    for signoff in SignOff.objects.filter(reopened_at__isnull=True)[:20]:
        assert not signoff_verify(signoff=signoff)
