"""A past quarter's backlog in the national performance table is read from the cases'
transitions, not from their states today (ADR 0146)."""

from datetime import date, datetime
from unittest import mock

import pytest

from leder.accounts.models import Role
from leder.accounts.tests.factories import user_with_role
from leder.analytics.cohorts import Cohort, Scope
from leder.analytics.extract import LONDON
from leder.casework.models import CaseState
from leder.casework.services.triage import case_reconsider
from leder.casework.tests.factories import CaseMaker
from leder.reports.performance import performance_table

pytestmark = pytest.mark.django_db


def _at(moment: datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_cases_found_not_eligible_in_the_quarter_and_reconsidered_after_it(area):
    """Five deaths notified on 10 April 2024 and found not eligible that day; on 5 July 2024
    (after the quarter) the decision was reconsidered and they await allocation today. Today's
    states put all five in the backlog of April to June 2024; on 30 June they were closed as not
    eligible, so that quarter's backlog is 0."""
    with _at(datetime(2024, 4, 10, 11, 0, tzinfo=LONDON)):
        lac = user_with_role(Role.LAC, area["icb"])
        maker = CaseMaker(icb=area["icb"], lac=lac)
        cases = [
            maker.make(
                CaseState.NOT_ELIGIBLE,
                date_of_death=date(2024, 4, 1),
                date_of_birth=date(1960, 5, 1),
            )
            for _ in range(5)
        ]
    with _at(datetime(2024, 7, 5, 9, 0, tzinfo=LONDON)):
        for case in cases:
            case_reconsider(actor=lac, case=case, reason="The GP confirmed the diagnosis")
    quarter = Cohort.for_quarter("notifications", 2024, 1, financial=True)
    scope = Scope.of(area["region"])
    table = performance_table(quarter, scope, on=date(2026, 12, 6))
    alpha = next(r for r in table.table.iter_rows(named=True) if r["code"] == area["icb"].ods_code)
    assert alpha["notified"] == 5 and alpha["triaged"] == 5
    assert alpha["backlog"] == 0
    assert any("state on that day" in note for note in table.metric.notes)
    # The quarter not yet over on the day measured (as of 5 July): today's states, all 5.
    quarter3 = Cohort.for_quarter("notifications", 2024, 2, financial=True)
    with _at(datetime(2024, 7, 6, 9, 0, tzinfo=LONDON)):
        live = performance_table(quarter3, scope, on=date(2024, 7, 6))
    alpha = next(r for r in live.table.iter_rows(named=True) if r["code"] == area["icb"].ods_code)
    assert alpha["backlog"] == 5 and alpha["backlog_3_to_6"] == 0  # all under 3 months
    assert alpha["backlog_under_3"] == 5
