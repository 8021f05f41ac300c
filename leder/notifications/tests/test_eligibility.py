"""Eligibility (DOMAIN.md "Eligibility"), judged by the rules in force on the date of death."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leder.core.time import age_on
from leder.notifications.eligibility import EXPLANATIONS, Facts, Reason, assess, rules_for
from leder.notifications.models import Answer, EligibilityOutcome, EligibilityRules

pytestmark = pytest.mark.django_db

BEFORE_AUTISM = EligibilityRules(
    version="old",
    effective_from=date(2016, 1, 1),
    minimum_age=4,
    adult_age=18,
    autistic_adults_in_scope=False,
)
AFTER_AUTISM = EligibilityRules(
    version="new",
    effective_from=date(2022, 1, 1),
    minimum_age=4,
    adult_age=18,
    autistic_adults_in_scope=True,
)


def facts(
    *, age_years: int, ld=Answer.YES, autistic=Answer.NO, england=Answer.YES, died=date(2024, 6, 1)
):
    born = died.replace(year=died.year - age_years)
    return Facts(
        date_of_birth=born,
        date_of_death=died,
        has_learning_disability=ld,
        is_autistic=autistic,
        died_in_england=england,
    )


def test_the_rule_version_is_the_one_in_force_on_the_date_of_death(settings):
    assert rules_for(date(2021, 12, 31)).version == "2016-1"
    assert rules_for(date(2022, 1, 1)).version == "2022-1"
    assert rules_for(date(2026, 11, 1)).version == "2022-1"
    # Deaths before the first version (historic imports) are judged by the first version.
    assert rules_for(date(2010, 1, 1)).version == "2016-1"


@pytest.mark.parametrize(
    ("age", "ld", "autistic", "rules", "outcome", "reason"),
    [
        (
            3,
            Answer.YES,
            Answer.NO,
            AFTER_AUTISM,
            EligibilityOutcome.NOT_ELIGIBLE,
            Reason.UNDER_MINIMUM_AGE,
        ),
        (
            4,
            Answer.YES,
            Answer.NO,
            AFTER_AUTISM,
            EligibilityOutcome.CHILD_DEATH_REVIEW,
            Reason.LEARNING_DISABILITY_CHILD,
        ),
        (
            17,
            Answer.YES,
            Answer.NO,
            AFTER_AUTISM,
            EligibilityOutcome.CHILD_DEATH_REVIEW,
            Reason.LEARNING_DISABILITY_CHILD,
        ),
        (
            18,
            Answer.YES,
            Answer.NO,
            AFTER_AUTISM,
            EligibilityOutcome.ELIGIBLE,
            Reason.LEARNING_DISABILITY_ADULT,
        ),
        (
            60,
            Answer.YES,
            Answer.YES,
            BEFORE_AUTISM,
            EligibilityOutcome.ELIGIBLE,
            Reason.LEARNING_DISABILITY_ADULT,
        ),
        (
            30,
            Answer.NO,
            Answer.YES,
            AFTER_AUTISM,
            EligibilityOutcome.ELIGIBLE,
            Reason.AUTISTIC_ADULT,
        ),
        (
            30,
            Answer.NO,
            Answer.YES,
            BEFORE_AUTISM,
            EligibilityOutcome.NOT_ELIGIBLE,
            Reason.AUTISM_BEFORE_SCOPE,
        ),
        (
            12,
            Answer.NO,
            Answer.YES,
            AFTER_AUTISM,
            EligibilityOutcome.NOT_ELIGIBLE,
            Reason.AUTISTIC_CHILD,
        ),
        (50, Answer.NO, Answer.NO, AFTER_AUTISM, EligibilityOutcome.NOT_ELIGIBLE, Reason.NEITHER),
        (
            50,
            Answer.NOT_SURE,
            Answer.NO,
            AFTER_AUTISM,
            EligibilityOutcome.TO_CONFIRM,
            Reason.NOT_SURE,
        ),
        (
            50,
            Answer.NO,
            Answer.NOT_SURE,
            AFTER_AUTISM,
            EligibilityOutcome.TO_CONFIRM,
            Reason.NOT_SURE,
        ),
    ],
)
def test_outcomes(age, ld, autistic, rules, outcome, reason):
    result = assess(facts(age_years=age, ld=ld, autistic=autistic), rules)
    assert (result.outcome, result.reason) == (outcome, reason)
    assert result.rules_version == rules.version
    assert result.age_at_death == age


def test_age_is_whole_years_on_the_date_of_death():
    # The day before the 4th birthday is still 3.
    died = date(2024, 6, 1)
    born = date(2020, 6, 2)
    assert age_on(born=born, on=died) == 3
    result = assess(Facts(born, died, Answer.YES, Answer.NO), AFTER_AUTISM)
    assert result.reason == Reason.UNDER_MINIMUM_AGE
    result = assess(Facts(born - timedelta(days=1), died, Answer.YES, Answer.NO), AFTER_AUTISM)
    assert result.reason == Reason.LEARNING_DISABILITY_CHILD


def test_death_outside_england_is_not_eligible():
    result = assess(facts(age_years=40, england=Answer.NO), AFTER_AUTISM)
    assert result.reason == Reason.OUTSIDE_ENGLAND


def test_every_reason_has_a_plain_words_explanation():
    reasons = {v for k, v in vars(Reason).items() if k.isupper()}
    assert reasons <= set(EXPLANATIONS)
    for text in EXPLANATIONS.values():
        assert len(text) < 300


answers = st.sampled_from([Answer.YES, Answer.NO, Answer.NOT_SURE])
death_dates = st.dates(min_value=date(2016, 1, 1), max_value=date(2026, 11, 1))


@settings(max_examples=300, deadline=None)
@given(
    died=death_dates,
    age_days=st.integers(min_value=0, max_value=110 * 366),
    ld=answers,
    autistic=answers,
    england=answers,
    autism_from=death_dates,
)
def test_properties_over_ages_dates_and_effective_dates(
    died, age_days, ld, autistic, england, autism_from
):
    """The rules' invariants hold for every combination, whatever the autism scope date."""
    born = died - timedelta(days=age_days)
    rules = EligibilityRules(
        version="x",
        effective_from=autism_from,
        minimum_age=4,
        adult_age=18,
        autistic_adults_in_scope=died >= autism_from,
    )
    result = assess(Facts(born, died, ld, autistic, england), rules)
    age = age_on(born=born, on=died)
    assert result.age_at_death == age
    eligible = {EligibilityOutcome.ELIGIBLE, EligibilityOutcome.CHILD_DEATH_REVIEW}
    if england == Answer.NO or age < 4:
        assert result.outcome == EligibilityOutcome.NOT_ELIGIBLE
    if result.outcome in eligible:
        assert age >= 4
        assert ld == Answer.YES or (autistic == Answer.YES and age >= 18 and died >= autism_from)
    if result.outcome == EligibilityOutcome.CHILD_DEATH_REVIEW:
        assert 4 <= age < 18 and ld == Answer.YES
    if ld == Answer.YES and age >= 4 and england != Answer.NO:
        assert result.outcome != EligibilityOutcome.NOT_ELIGIBLE
    if autistic == Answer.YES and ld == Answer.NO and age >= 18 and england == Answer.YES:
        expected = (
            EligibilityOutcome.ELIGIBLE if died >= autism_from else EligibilityOutcome.NOT_ELIGIBLE
        )
        assert result.outcome == expected
    if ld == Answer.NO and autistic == Answer.NO:
        assert result.outcome == EligibilityOutcome.NOT_ELIGIBLE
