"""The organisation picker in real Chromium (ADR 0167): with JavaScript the select becomes an
accessible autocomplete. By keyboard alone a local area contact is refused for choosing nothing
(the error summary takes focus), opens the list of the ICB's own organisations, then types part
of a trust's name that only the search endpoint knows and chooses it; the case lists it. axe and
the console check run on every page."""

import os

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from leder.accounts.models import Role
from leder.accounts.tests.factories import sign_in_verified, user_with_role
from leder.casework.tests.factories import CaseMaker
from leder.organisations.tests.factories import GpPracticeFactory, IcbFactory, TrustFactory
from tests.system.conftest import assert_error_summary_focused
from tests.system.keyboard import pick, press_button

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = os.environ.get("LEDER_SCREENSHOTS")


def snap(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def signed_in(page, live_server, user):
    client = Client()
    sign_in_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_a_lac_chooses_an_organisation_by_keyboard_from_the_autocomplete(
    page, live_server, axe_check
):
    icb = IcbFactory(short_name="Picker Vale")
    other = IcbFactory(short_name="Far Away")
    own = GpPracticeFactory(icb=icb, name="Orchard Way Surgery")
    far = TrustFactory(icb=other, name="Distant Hospitals NHS Trust")
    lac = user_with_role(Role.LAC, icb, full_name="Lena Contact")
    case = CaseMaker(icb=icb, lac=lac).make()
    signed_in(page, live_server, lac)

    page.goto(
        live_server.url
        + reverse("casework:case_organisation_add", kwargs={"reference": case.reference})
    )
    page.locator("[data-picker-ready]").wait_for(state="attached")
    assert page.locator("[data-picker-search]").is_hidden()  # the no-JS search is not needed
    assert page.locator("#id_organisation-select").is_hidden()
    axe_check(page)

    # Nothing chosen: a clear error, and focus on the summary.
    press_button(page, "Add organisation")
    assert page.title().startswith("Error:")
    assert_error_summary_focused(page)
    assert (
        "Choose the organisation involved in the person"
        in page.locator(".nhsuk-error-summary").inner_text()
    )
    page.locator("[data-picker-ready]").wait_for(state="attached")
    axe_check(page)
    snap(page, "picker-error")

    # Down arrow on the empty box lists the ICB's own organisations.
    assert pick(page, "id_organisation", "", "Orchard Way Surgery") == str(own.pk)
    # Typing finds any other open provider through the search endpoint.
    assert pick(page, "id_organisation", "distant hosp", "Distant Hospitals") == str(far.pk)
    assert page.locator("#id_organisation").input_value().startswith("Distant Hospitals")
    axe_check(page)
    snap(page, "picker-chosen")

    press_button(page, "Add organisation")
    assert "Distant Hospitals NHS Trust added" in page.content()
    assert list(case.involved_organisations.all()) == [far]
    axe_check(page)
