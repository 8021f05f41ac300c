"""The extract reads the profile, the structured answers, autism and the due date from the
database (the national metrics' columns)."""

import pytest

from leder.analytics.cohorts import Cohort, Scope
from leder.analytics.extract import build_extract
from leder.exports.tests import factories

pytestmark = pytest.mark.django_db


def test_a_completed_review_gives_the_extract_its_profile_and_answers():
    cases = factories.area()
    case = factories.completed_case(cases)
    extract = build_extract(Cohort.deaths_in(case.notification.date_of_death.year), Scope.england())
    row = extract.deaths.row(0, named=True)
    # ReviewContent's defaults: no Down's syndrome, hypertension, supported living; an annual
    # health check; the case was never on hold.
    assert row["profile_recorded"] is True
    assert (row["downs_syndrome"], row["lived_in"]) == ("no", "supported_living")
    assert row["long_term_conditions"] == ["hypertension"]
    assert row["q_annual_health_check"] == "yes"
    assert row["autistic"] == case.notification.is_autistic
    assert row["due_on"] == case.due_on and row["hold_days"] == 0
