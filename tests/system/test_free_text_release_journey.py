"""Releasing free text for the national dataset in real Chromium (issue 13): a local area
contact goes from their home page to the queue, opens a concern, reads the original beside the
text that will leave with every redaction highlighted, adds a redaction and undoes one with the
keyboard alone, and releases it; the same forms work with JavaScript turned off. axe checks every
page visited, and the page fixture fails on any console error."""

import os
from datetime import date

import pytest
from django.conf import settings
from django.test import Client

from leder.accounts.tests.factories import sign_in_verified
from leder.demo.reviews import ReviewContent
from leder.exports.models import FreeTextRelease
from leder.exports.tests import factories
from tests.system.keyboard import choose, fill, press_button, tab_to

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = os.environ.get("LEDER_SCREENSHOTS", "/tmp")
CONCERN = (
    "Her brother Tobias said the team on Ward 7 of Leicester Royal Infirmary did not call the "
    "GP. Charge nurse Priya Raman noticed the sepsis on Christmas Day 2024; NI number "
    "QQ123456C was on the form."
)


def snap(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def signed_in(context, live_server, user):
    client = Client()
    sign_in_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_the_lac_checks_and_releases_a_concern(page, browser, live_server, axe_check):
    cases = factories.area()
    case = factories.completed_case(
        cases,
        content=ReviewContent(
            written_on=date(2025, 9, 1),
            learning=(("concern", CONCERN, ("Sepsis",)),),
        ),
    )
    signed_in(page.context, live_server, cases.lac)

    page.goto(f"{live_server.url}/account/")
    page.get_by_role("link", name="Free text to release").click()
    page.wait_for_url("**/staff/release/")
    assert page.get_by_role("heading", name="Waiting for release (1 text)").is_visible()
    axe_check(page)
    snap(page, "free-text-release-queue")

    page.get_by_role("link", name="Check and release the concerns").click()
    page.wait_for_url(f"**/staff/release/{case.pk}/learning_concerns")
    original = page.locator("#original")
    assert original.locator("mark", has_text="Tobias").inner_text() == "Tobias (name)"
    assert "(National Insurance number)" in original.inner_text()
    assert "[NI NUMBER]" in page.locator("#redacted").inner_text()
    axe_check(page)
    snap(page, "free-text-release-item")

    # Keyboard only: remove "the GP" as a place, then undo the redaction of "Tobias".
    fill(page, "input[name=words]", "the GP")
    choose(page, "kind", "place")
    press_button(page, "Remove these words")
    assert page.locator("#original mark", has_text="the GP").is_visible()
    axe_check(page)
    tab_to(page, "button:has-text('Undo the redaction of “Tobias”')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Tobias" in page.locator("#redacted").inner_text()
    snap(page, "free-text-release-item-changed")

    tab_to(page, "input[name=confirm]")
    page.keyboard.press("Space")
    press_button(page, "Release for the national dataset")
    page.wait_for_url("**/staff/release/")
    assert page.get_by_text("Nothing is waiting for release.").is_visible()
    axe_check(page)
    released = FreeTextRelease.objects.get()
    assert "Tobias" in released.released_text and "the GP" not in released.released_text


def test_the_forms_work_without_javascript(browser, live_server, axe_check):
    cases = factories.area()
    case = factories.completed_case(
        cases,
        content=ReviewContent(
            written_on=date(2025, 9, 1), learning=(("concern", CONCERN, ("Sepsis",)),)
        ),
    )
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    signed_in(context, live_server, cases.lac)
    page.goto(f"{live_server.url}/staff/release/{case.pk}/learning_concerns")
    page.fill("input[name=words]", "the team")
    page.check("input[name=kind][value=name]")
    with page.expect_navigation():
        page.get_by_role("button", name="Remove these words").click()
    assert page.locator("#original mark", has_text="the team").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Release for the national dataset").click()
    assert page.get_by_text("Confirm that you have read the redacted text").first.is_visible()
    page.check("input[name=confirm]")
    with page.expect_navigation():
        page.get_by_role("button", name="Release for the national dataset").click()
    assert FreeTextRelease.objects.get().is_released
    context.close()
