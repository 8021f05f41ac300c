"""Issue 15 item 5: a LAC records the child death overview panel's conclusion on a child's death
routed to the child death review, from the case page; axe on every page."""

import os
from datetime import date

import pytest

from leder.accounts.models import Role
from leder.accounts.tests.factories import totp_device, user_with_role
from leder.casework.models import CaseState, ChildDeathReview
from leder.casework.tests.factories import CaseMaker
from leder.organisations.tests.factories import IcbFactory
from tests.system.conftest import assert_error_summary_focused
from tests.system.keyboard import fill, press_button, select_option
from tests.system.test_triage_and_allocation import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCREENSHOTS = os.environ.get("LEDER_SCREENSHOTS")


def snap(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def test_a_lac_records_the_panels_conclusion(page, live_server, axe_check):
    icb = IcbFactory(short_name="Test Dales")
    lac = user_with_role(Role.LAC, icb, full_name="Lena Contact")
    totp_device(lac)
    case = CaseMaker(icb=icb, lac=lac).make(
        CaseState.CHILD_DEATH_REVIEW,
        date_of_birth=date(2014, 5, 6),
        date_of_death=date(2025, 6, 1),
    )
    sign_in(page, live_server.url, lac, axe_check)
    page.goto(f"{live_server.url}/staff/cases/{case.reference}")
    axe_check(page)
    with page.expect_navigation():
        page.click("a:has-text('Record the child death review')")
    axe_check(page)
    press_button(page, "Save the conclusion")
    assert_error_summary_focused(page)
    axe_check(page)
    fill(page, "#id_panel_reference", "CDOP-DAL-2025-12")
    fill(page, "#id_panel_area", "Test Dales")
    fill(page, "#id_concluded_on-day", "20")
    fill(page, "#id_concluded_on-month", "1")
    fill(page, "#id_concluded_on-year", "2026")
    fill(page, "#id_cause_text", "Epilepsy")
    fill(page, "#id_cause_code", "G40.9")
    fill(page, "#id_learning", "Seizure plans were not shared with the school.")
    select_option(page, "#id_grade", "Grade 4")
    snap(page, "cdop-form")
    press_button(page, "Save the conclusion")
    assert "The child death review's conclusion is recorded" in page.content()
    assert "CDOP-DAL-2025-12" in page.content()
    axe_check(page)
    snap(page, "cdop-case")
    record = ChildDeathReview.objects.get(case=case)
    assert (record.cause_code, record.grade, record.concluded_on) == ("G40.9", 4, date(2026, 1, 20))
